#!/usr/bin/env bash
# The main job on the embedded default: installs what is needed, builds the
# fog binary, and walks through the packet tools: a publisher key, the SIS
# digest, signed packets that verify, a tampered one that does not, and the
# seed's legacy packets (valid but never authenticated).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
vectors=${FOG_VECTORS_DIR:-$root/../shared/vectors}

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "${FOG_JOBS:-2}" --target fog
fog=$root/build/src/cli/fog
demo=${FOG_DEMO_DIR:-$root/fog-data/demo}
mkdir -p "$demo/trust"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "A publisher key (ML-DSA-44) and a trust store that holds it"
"$fog" keygen --out "$demo/publisher"
cp "$demo/publisher.pub" "$demo/trust/"

say "SIS digest of a generated 1 MiB file"
head -c 1048576 /dev/urandom >"$demo/video.bin"
"$fog" digest "$demo/video.bin"

say "Two signed, chained packets"
head -c 65536 "$demo/video.bin" >"$demo/data1"
tail -c 65536 "$demo/video.bin" >"$demo/data2"
"$fog" packet sign --key "$demo/publisher.key" --video-id demo-video \
  --number 1 --total 2 "$demo/data1" >"$demo/packet1"
link=$("$fog" packet inspect "$demo/packet1" --trust "$demo/trust" |
  sed -n 's/.*"link":"\([0-9a-f]*\)".*/\1/p')
"$fog" packet sign --key "$demo/publisher.key" --video-id demo-video \
  --number 2 --total 2 --prev "$link" "$demo/data2" >"$demo/packet2"
for p in packet1 packet2; do
  "$fog" packet inspect "$demo/$p" --trust "$demo/trust"
done

say "The same packet with one byte of video changed: rejected (exit 1)"
cp "$demo/packet1" "$demo/tampered"
printf '\x00' | dd of="$demo/tampered" bs=1 seek=4000 conv=notrunc status=none
"$fog" packet inspect "$demo/tampered" --trust "$demo/trust" || echo "exit status $?"

say "The seed's legacy packets (published vectors)"
for c in pos-data-1536 neg-tamper-covered-data neg-tamper-last-byte; do
  python3 tests/cli/legacy_payload.py "$vectors/legacy-sis/vectors.json" "$c" "$demo/$c"
  echo "$c:"
  "$fog" packet inspect "$demo/$c" || echo "exit status $?"
done
echo "(neg-tamper-last-byte validates: the legacy check covers only 1537 bytes)"

say "Throughput: SIS digest against SHA-256, in the same run"
"$fog" bench digest --seconds 0.3
