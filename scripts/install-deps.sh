#!/usr/bin/env bash
# Installs every Debian package the project builds, tests and runs with.
# Idempotent; run as root on Debian 12.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev
  clang-format python3
  # libraries
  libssl-dev libmsgpack-cxx-dev libboost-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libfmt-dev libpaho-mqtt-dev libpaho-mqttpp-dev
  libcpp-httplib-dev libsoci-dev libsqlite3-dev libmariadb-dev libpq-dev
  prometheus-cpp-dev libyaml-cpp-dev
  # the parts a fog runs and tests use: broker, its clients, ffmpeg
  mosquitto mosquitto-clients ffmpeg curl
  # the broker plugin that holds a publisher to its video-id prefix
  mosquitto-dev
  # libmosquitto, measured against Paho by fog bench datapath
  libmosquitto-dev
  # TLS tests (openssl s_client) and the multi-host test (ip netns)
  openssl iproute2
  # tests and benchmarks; the registry's tests start their own database servers;
  # the browser test drives Debian's Chromium, the HTTP benchmark uses wrk
  libgtest-dev libgmock-dev libbenchmark-dev mariadb-server postgresql
  python3-prometheus-client
  # fog experiment's plots
  python3-matplotlib
  chromium wrk
  # the web UI's packet verifier: the project's C++ compiled to WebAssembly
  # (emscripten's JS optimizer needs acorn, from node-acorn)
  emscripten node-acorn
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
# Node.js and npm run the interoperability test and (later) the web UI; use
# the machine's own when it has one, Debian's otherwise.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi
