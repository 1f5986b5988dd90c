#!/usr/bin/env bash
# Chosen viewer credentials: `fog up --config FILE` with viewer-username and
# viewer-password keys; the broker accepts them (CONNACK 0x00), refuses a
# wrong password with its reason code, fog.json carries them, and a
# half-given pair is a usage error.
# Usage: viewer_credentials_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=viewer_credentials
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; [[ $failures == 0 ]] && rm -rf "$tmp"' EXIT

printf 'viewer-username = "front-end"\nviewer-password = "fixed secret"\n' >"$tmp/up.conf"
start_fog "$tmp/fog" --workers 1 --no-balancer --config "$tmp/up.conf" || exit 1

out=$(probe_as front-end "fixed secret" sub packet-request --timeout 5 --count 0 2>&1 | head -n 2)
grep -q "^connack 0x00" <<<"$out" && grep -q "^suback 0x00" <<<"$out" \
  && pass "the chosen viewer credentials connect and subscribe" \
  || fail "chosen viewer credentials: $out"

out=$(probe_as front-end "wrong" sub packet-request --timeout 5 2>&1 | head -n 1)
grep -Eq "^connack 0x8(6|7)" <<<"$out" \
  && pass "a wrong viewer password is refused: $out" \
  || fail "wrong viewer password: $out"

json_viewer=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["credentials"]["viewer"]; print(c["username"], c["password"])' "$tmp/fog/fog.json")
[[ $json_viewer == "front-end fixed secret" ]] \
  && pass "fog.json names the chosen viewer credentials" \
  || fail "fog.json viewer: $json_viewer"
stop_fog

"$fog" up --dir "$tmp/fog2" --viewer-username only-a-name >"$tmp/half.log" 2>&1
rc=$?
[[ $rc == 2 ]] && grep -q "go together" "$tmp/half.log" \
  && pass "a username without a password is refused (exit 2)" \
  || fail "half-given viewer credentials: exit $rc, $(cat "$tmp/half.log")"

finish
