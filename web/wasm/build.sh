#!/usr/bin/env bash
# Builds the packet verifier for the browser: the project's own C++ (the
# portable code paths: envelope decoding, SIS digest, chain link, ML-DSA,
# src/wasm/) compiled to WebAssembly with Debian's emscripten.
#   output: web/src/verify/generated/fog_verify.{mjs,wasm} (build outputs,
#   not committed)
# Needs: emscripten and node-acorn (scripts/install-deps.sh), and the
# msgpack-cxx headers (libmsgpack-cxx-dev), which are header-only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/web/src/verify/generated"
work="${FOG_WASM_WORK:-$root/web/wasm/.work}"

if ! command -v emcc >/dev/null; then
  echo "wasm: emcc not found; install Debian's emscripten (scripts/install-deps.sh)" >&2
  exit 1
fi
# Debian's emscripten finds acorn (used by its JS optimizer) through NODE_PATH.
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"

# msgpack-cxx is header-only; expose only its headers, never the host's libc.
mkdir -p "$work/include" "$out"
for h in msgpack.hpp msgpack; do
  if [[ ! -e /usr/include/$h ]]; then
    echo "wasm: /usr/include/$h missing; install libmsgpack-cxx-dev" >&2
    exit 1
  fi
  ln -sfn "/usr/include/$h" "$work/include/$h"
done

src="$root/src"
sources=(
  common/bytes.cc common/status.cc
  crypto/keccak.cc crypto/random.cc crypto/secret_bytes.cc
  crypto/sis/swifft.cc crypto/sis/swifft_portable.cc crypto/sis/sis_digest.cc
  crypto/mldsa/ntt.cc crypto/mldsa/poly.cc crypto/mldsa/sampling.cc
  crypto/mldsa/packing.cc crypto/mldsa/sign.cc crypto/mldsa/mldsa.cc
  wire/certificate.cc wire/envelope.cc wire/msgpack_util.cc
  wire/payload_format.cc wire/video_packet.cc wire/legacy_payload.cc
  trust/certificate_authority.cc trust/keys.cc trust/revocations.cc
  trust/trust_store.cc
  wasm/stream_verifier.cc wasm/verify_glue.cc
)
exports=(
  _fog_alloc _fog_free _fog_sis_digest _fog_swifft_compress _fog_chain_link
  _fog_mldsa44_verify _fog_envelope_decode _fog_stream_new _fog_stream_delete
  _fog_stream_add_key _fog_stream_add_authority _fog_stream_add_revocations
  _fog_stream_error _fog_stream_set_now _fog_stream_push _fog_stream_finish
)
join() { local IFS=,; echo "$*"; }

args=()
for s in "${sources[@]}"; do args+=("$src/$s"); done

emcc -std=c++20 -O3 -DFOG_PORTABLE -DMSGPACK_NO_BOOST -DNDEBUG \
  -I"$src" -I"$work/include" -fwasm-exceptions -msimd128 \
  "${args[@]}" \
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createFogVerify \
  -sENVIRONMENT=web,worker -sALLOW_MEMORY_GROWTH=1 \
  -sINITIAL_MEMORY=33554432 -sMAXIMUM_MEMORY=1073741824 \
  -sFILESYSTEM=0 \
  -sEXPORTED_FUNCTIONS="$(join "${exports[@]}")" \
  -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8 \
  -o "$out/fog_verify.mjs"
echo "wasm: wrote $out/fog_verify.mjs and fog_verify.wasm ($(stat -c %s "$out/fog_verify.wasm") bytes)"
