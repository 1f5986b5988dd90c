#!/usr/bin/env bash
# End-to-end test of the fog CLI's packet tools: digest, keys, ML-DSA
# sign/verify, signed envelopes, and the legacy vectors.
# Usage: cli_test.sh FOG_BINARY VECTORS_DIR
set -uo pipefail
fog=$1
vectors=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$here/../e2e/lib.sh"  # for flip_byte
checks=0
failures=0

check() {  # check DESCRIPTION EXPECTED_STATUS COMMAND...
  local what=$1 want=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  checks=$((checks + 1))
  if [[ $got != "$want" ]]; then
    failures=$((failures + 1))
    echo "FAIL: $what: exit $got, expected $want"
    sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -n 20
  fi
}
contains() {  # contains DESCRIPTION TEXT: the last command's stdout has TEXT
  checks=$((checks + 1))
  if ! grep -qF -- "$2" "$tmp/out"; then
    failures=$((failures + 1))
    echo "FAIL: $1: output lacks '$2'"
    sed 's/^/  | /' "$tmp/out" | head -n 5
  fi
}

# --- fog digest
printf 'abc' >"$tmp/abc"
check "digest of a file" 0 "$fog" digest "$tmp/abc"
d_file=$(cat "$tmp/out")
check "digest of stdin" 0 sh -c "printf abc | '$fog' digest -"
[[ $(cat "$tmp/out") == "$d_file" ]] || { echo "FAIL: stdin and file digests differ"; failures=$((failures + 1)); }
[[ ${#d_file} == 144 ]] || { echo "FAIL: digest is not 72 bytes of hex"; failures=$((failures + 1)); }
check "digest of another input" 0 sh -c "printf abd | '$fog' digest"
[[ $(cat "$tmp/out") != "$d_file" ]] || { echo "FAIL: one byte changed, same digest"; failures=$((failures + 1)); }
check "digest of a missing file" 2 "$fog" digest "$tmp/missing"

# --- keys
check "keygen" 0 "$fog" keygen --out "$tmp/pub"
[[ $(stat -c %a "$tmp/pub.key") == 600 ]] || { echo "FAIL: secret key is not 0600"; failures=$((failures + 1)); }
seed=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
check "seeded keygen" 0 "$fog" crypto keygen --alg ml-dsa-65 --seed $seed --out "$tmp/k65a"
check "seeded keygen again" 0 "$fog" crypto keygen --alg ml-dsa-65 --seed $seed --out "$tmp/k65b"
cmp -s "$tmp/k65a.pub" "$tmp/k65b.pub" || { echo "FAIL: same seed, different keys"; failures=$((failures + 1)); }
[[ $(stat -c %s "$tmp/k65a.pub") == 1952 ]] || { echo "FAIL: ML-DSA-65 pk size"; failures=$((failures + 1)); }
check "keygen with a bad algorithm" 2 "$fog" crypto keygen --alg rsa --out "$tmp/x"
check "keygen with a short seed" 2 "$fog" crypto keygen --seed 0011 --out "$tmp/x"

# --- crypto sign / verify
printf 'a message' >"$tmp/msg"
check "sign" 0 sh -c "'$fog' crypto sign --key '$tmp/pub.key' --context 0102 <'$tmp/msg' >'$tmp/sig'"
check "verify" 0 sh -c "'$fog' crypto verify --pub '$tmp/pub.pub' --sig '$tmp/sig' --context 0102 <'$tmp/msg'"
check "verify, wrong context" 1 sh -c "'$fog' crypto verify --pub '$tmp/pub.pub' --sig '$tmp/sig' --context 0103 <'$tmp/msg'"
check "verify, other message" 1 sh -c "printf 'a messagE' | '$fog' crypto verify --pub '$tmp/pub.pub' --sig '$tmp/sig' --context 0102"
head -c 100 "$tmp/sig" >"$tmp/short.sig"
check "verify, truncated signature" 1 sh -c "'$fog' crypto verify --pub '$tmp/pub.pub' --sig '$tmp/short.sig' --context 0102 <'$tmp/msg'"
check "verify, other key" 1 sh -c "'$fog' crypto verify --pub '$tmp/k65a.pub' --sig '$tmp/sig' --context 0102 <'$tmp/msg'"
check "verify, not a key" 2 sh -c "'$fog' crypto verify --pub '$tmp/msg' --sig '$tmp/sig' <'$tmp/msg'"
check "deterministic sign" 0 sh -c "'$fog' crypto sign --deterministic --key '$tmp/pub.key' <'$tmp/msg' >'$tmp/d1'"
check "deterministic sign again" 0 sh -c "'$fog' crypto sign --deterministic --key '$tmp/pub.key' <'$tmp/msg' >'$tmp/d2'"
cmp -s "$tmp/d1" "$tmp/d2" || { echo "FAIL: deterministic signatures differ"; failures=$((failures + 1)); }
check "context over 255 bytes" 2 sh -c "'$fog' crypto sign --key '$tmp/pub.key' --context $(printf '00%.0s' $(seq 256)) <'$tmp/msg'"

# --- signed packets
mkdir -p "$tmp/trust" "$tmp/other"
cp "$tmp/pub.pub" "$tmp/trust/"
cp "$tmp/k65a.pub" "$tmp/other/"
head -c 5000 /dev/urandom >"$tmp/data1"
head -c 7000 /dev/urandom >"$tmp/data2"
check "packet sign 1" 0 sh -c "'$fog' packet sign --key '$tmp/pub.key' --video-id cam-1 --number 1 '$tmp/data1' >'$tmp/p1'"
check "inspect trusted" 0 "$fog" packet inspect "$tmp/p1" --trust "$tmp/trust"
contains "inspect trusted" '"authenticated":true'
contains "inspect trusted" '"format":"native"'
contains "inspect trusted" '"data_bytes":5000'
link=$(sed -n 's/.*"link":"\([0-9a-f]*\)".*/\1/p' "$tmp/out")
check "inspect without a trust store" 0 "$fog" packet inspect "$tmp/p1"
contains "inspect without a trust store" '"authenticated":false'
check "inspect, untrusted key" 1 "$fog" packet inspect "$tmp/p1" --trust "$tmp/other"
contains "inspect, untrusted key" "unknown publisher key"
check "packet sign 2 chained" 0 sh -c "'$fog' packet sign --key '$tmp/pub.key' --video-id cam-1 --number 2 --total 2 --prev $link '$tmp/data2' >'$tmp/p2'"
check "inspect packet 2" 0 "$fog" packet inspect "$tmp/p2" --trust "$tmp/trust"
cp "$tmp/p1" "$tmp/p1.bad"
flip_byte "$tmp/p1.bad" 100
check "inspect tampered data" 1 "$fog" packet inspect "$tmp/p1.bad" --trust "$tmp/trust"
contains "inspect tampered data" '"valid":false'
check "inspect garbage" 2 "$fog" packet inspect "$tmp/msg"
head -c 2000 "$tmp/p1" >"$tmp/p1.cut"
check "inspect truncated" 2 "$fog" packet inspect "$tmp/p1.cut"
check "sign with a path video id" 2 sh -c "'$fog' packet sign --key '$tmp/pub.key' --video-id ../../etc/passwd --number 1 '$tmp/data1' >/dev/null"
check "sign with a bad --prev" 2 sh -c "'$fog' packet sign --key '$tmp/pub.key' --video-id cam --number 2 --prev 00 '$tmp/data1' >/dev/null"

# --- legacy vectors
lv="$vectors/legacy-sis/vectors.json"
for case in pos-data-100 pos-pkt-1538 neg-tamper-offset-1537; do
  python3 "$here/legacy_payload.py" "$lv" $case "$tmp/$case" || failures=$((failures + 1))
  check "legacy $case" 0 "$fog" packet inspect "$tmp/$case"
  contains "legacy $case" '"format":"legacy-sis"'
  contains "legacy $case" '"authenticated":false'
  contains "legacy $case" 'only the first 1537 bytes covered'
done
for case in neg-tamper-covered-data neg-a-truncated neg-v-trailing-bytes; do
  python3 "$here/legacy_payload.py" "$lv" $case "$tmp/$case" || failures=$((failures + 1))
  check "legacy $case" 1 "$fog" packet inspect "$tmp/$case"
  contains "legacy $case" '"valid":false'
done

# --- peer URIs (fog master --peer, OTHER_EDGES, fog federation, fog up):
# refused before anything connects, with the password kept out of the
# message.
err_contains() {  # err_contains DESCRIPTION TEXT: the last stderr has TEXT
  checks=$((checks + 1))
  if ! grep -qF -- "$2" "$tmp/err"; then
    failures=$((failures + 1))
    echo "FAIL: $1: stderr lacks '$2'"
    sed 's/^/  | /' "$tmp/err" | head -n 5
  fi
}
no_secret() {
  checks=$((checks + 1))
  if grep -q s3cret "$tmp/err" "$tmp/out"; then
    failures=$((failures + 1))
    echo "FAIL: $1: the password was printed"
  fi
}
mkdir -p "$tmp/fedtrust"
cp "$tmp/pub.pub" "$tmp/fedtrust/"
check "master --peer with a bad scheme" 2 "$fog" master --peer "http://p:s3cret@h:1" --trust "$tmp/fedtrust"
err_contains "master --peer with a bad scheme" "--peer: peer URI must be"
no_secret "master --peer with a bad scheme"
check "master --peer without --trust" 2 "$fog" master --peer "mqtt://p:s3cret@h:1"
err_contains "master --peer without --trust" "--trust DIR is needed"
check "master with OTHER_EDGES not a list" 2 env OTHER_EDGES='{}' "$fog" master --trust "$tmp/fedtrust"
err_contains "master with OTHER_EDGES not a list" "OTHER_EDGES: "
check "master with a bad URI in OTHER_EDGES" 2 env OTHER_EDGES='["mqtt://p:s3cret@h"]' "$fog" master --trust "$tmp/fedtrust"
err_contains "master with a bad URI in OTHER_EDGES" "OTHER_EDGES: peer URI needs HOST:PORT"
no_secret "master with a bad URI in OTHER_EDGES"
check "master --peer with a missing CA" 2 "$fog" master --peer "mqtts://p:s3cret@h:1?ca=$tmp/none.crt" --trust "$tmp/fedtrust"
err_contains "master --peer with a missing CA" "cannot read $tmp/none.crt"
no_secret "master --peer with a missing CA"
check "master --peer, a CA on a plaintext link" 2 "$fog" master --peer "mqtt://p:s3cret@h:1?ca=$tmp/pub.pub" --trust "$tmp/fedtrust"
err_contains "master --peer, a CA on a plaintext link" "needs mqtts://"
check "master --peer, a cert without its key" 2 "$fog" master --peer "mqtts://p:s3cret@h:1?cert=$tmp/pub.pub" --trust "$tmp/fedtrust"
err_contains "master --peer, a cert without its key" "both cert= and key="
check "federation --peer with an unknown query key" 2 "$fog" federation --peer "mqtts://p:s3cret@h:1?cafile=/x" --trust "$tmp/fedtrust"
err_contains "federation --peer with an unknown query key" "'cafile' is unknown"
check "up --peer with a missing CA" 2 "$fog" up --dir "$tmp/upx" --peer "mqtts://p:s3cret@h:1?ca=nowhere/ca.crt"
err_contains "up --peer with a missing CA" "nowhere/ca.crt"
no_secret "up --peer with a missing CA"
[[ ! -e $tmp/upx ]] || { echo "FAIL: up with a bad --peer made its directory"; failures=$((failures + 1)); }

echo "cli: $((checks - failures)) passed, $failures failed"
((failures == 0))
