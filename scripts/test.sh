#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test suite:
#   1. Release build: unit, vector and CLI tests (ctest)
#   2. ASan+UBSan build: the same tests
#   3. portable build (no SIMD kernels): the crypto and vector tests
#   4. ML-DSA interoperability with @noble/post-quantum (node --test)
#   5. HLS in a browser: hls.js in headless Chromium plays a fog video
#   6. MQTT over WebSockets through fog ws-bridge with mqtt.js (node --test)
#   7. the web UI: npm ci, lint, typecheck, vitest (with the WebAssembly
#      verifier on the shared vectors), production build, browser e2e
#   8. libFuzzer: every payload, media and JSON decoder, 60 s in total
# Prints one "summary: N passed, N failed" line (N = suites) and exits
# non-zero when any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${FOG_JOBS:-2}
fuzz_seconds=${FOG_FUZZ_SECONDS:-60}  # in total, split between the targets

bash scripts/install-deps.sh || exit 1

passed=0
failed=0
failures=()
step() {
  local name=$1
  shift
  echo
  echo "=== $name"
  local started=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
  echo "--- $name: $((SECONDS - started)) s"
}

# The lines of a ctest run's log that say why a test failed, kept for the
# end of the output, where a long log's reader looks first.
digest=$(mktemp)
trap 'rm -f "$digest"' EXIT
run_ctest() {
  local dir=$1
  shift
  ctest --test-dir "$dir" --output-on-failure "$@" && return 0
  {
    echo "in $dir, failed: $(cut -d: -f2 "$dir/Testing/Temporary/LastTestsFailed.log" | tr '\n' ' ')"
    grep -hE '^FAIL|\[  FAILED  \]|: Failure$|ERROR: AddressSanitizer|runtime error:|^Expected|^  Actual|Which is:' \
      "$dir/Testing/Temporary/LastTest.log" | head -n 60
  } >>"$digest"
  return 1
}

configure_and_build() {
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null &&
    cmake --build "$dir" -j "$jobs"
}

# The suite's builds are unity builds (several sources of a target compiled
# as one): each header is parsed once per batch instead of once per file,
# which saves a good part of the build on two cores. A developer's build
# (scripts/run.sh, or cmake without the option) compiles file by file.
release() {
  configure_and_build build -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD=ON &&
    run_ctest build -j "$jobs"
}

sanitized() {
  configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DFOG_SANITIZE=ON \
    -DFOG_WEB_UI=OFF -DCMAKE_UNITY_BUILD=ON &&
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      run_ctest build-asan -j "$jobs"
}

# The portable build (no SIMD kernels) runs the crypto and vector tests:
# the only code with more than one path.
portable() {
  local targets=(swifft_test sis_digest_test legacy_check_test wire_test
    envelope_kat_test keccak_test mldsa_ntt_test mldsa_test mldsa_acvp_test)
  cmake -S "$root" -B build-portable -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DFOG_PORTABLE=ON >/dev/null &&
    cmake --build build-portable -j "$jobs" --target "${targets[@]}" &&
    run_ctest build-portable -j "$jobs" \
      -R '^(Swifft|SisDigest|SisHasher|Legacy|VideoPacket|Envelope|Topics|Keccak|Ntt|Reduce|Rounding|MlDsa|AllParameterSets|Acvp)'
}

interop() {
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error) &&
    (cd tests/interop &&
      MLDSA_TOOL="$root/build/src/crypto/mldsa/mldsa_tool" node --test)
}

# MQTT over WebSockets through fog ws-bridge with mqtt.js (tests/ws).
websockets() {
  (cd tests/ws && npm ci --no-audit --no-fund --loglevel=error) &&
    (cd tests/ws && FOG="$root/build/src/cli/fog" node --test)
}

# Starts a fog of its own (tests/browser/hls_play.test.js). Never downloads a
# browser: it drives Debian's /usr/bin/chromium.
browser() {
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) &&
    (cd tests/browser && FOG="$root/build/src/cli/fog" node --test)
}

# The web UI (web/, docs/ui.md) through its npm scripts. The release build
# already built it beside the fog binary (FOG_WEB_UI); this checks it: lint,
# types, the unit tests (vitest: components, and the WebAssembly verifier on
# ../shared/vectors and on envelopes the release fog makes), the production
# build, then the browser end-to-end tests against a real fog in Debian's
# headless Chromium (tests/web/, npm run e2e).
web_ui() {
  local fog_bin="$root/build/src/cli/fog"
  (cd web && npm ci --no-audit --no-fund --loglevel=error) &&
    (cd web && { [[ -f src/verify/generated/fog_verify.wasm ]] || npm run wasm; }) &&
    (cd web && npm run lint) &&
    (cd web && npm run typecheck) &&
    (cd web && FOG_BIN="$fog_bin" npm test) &&
    (cd web && npm run build) &&
    (cd web && FOG="$fog_bin" FOG_BIN="$fog_bin" npm run e2e)
}

# The fuzz build uses clang (libFuzzer) and the portable SIMD-free paths: the
# kernels are written with GCC target pragmas, and the decoders are the target.
fuzz() {
  CC=clang CXX=clang++ configure_and_build build-fuzz \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOG_FUZZ=ON -DFOG_BUILD_TESTS=OFF \
    -DFOG_PORTABLE=ON ||
    return 1
  bash scripts/fuzz.sh build-fuzz "$fuzz_seconds"
}

step "release build and tests" release
step "ASan+UBSan build and tests" sanitized
step "portable build and SIS tests" portable
step "ML-DSA interoperability with @noble/post-quantum" interop
step "HLS playback in headless Chromium (hls.js)" browser
step "MQTT over WebSockets through fog ws-bridge (mqtt.js)" websockets
step "web UI" web_ui
step "fuzzing" fuzz

echo
if [[ -s $digest ]]; then
  echo "=== why the failed tests failed"
  cat "$digest"
fi
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "summary: $passed passed, $failed failed"
((failed == 0))
