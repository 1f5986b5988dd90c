#!/usr/bin/env bash
# Publisher certificates against a real fog: `fog up` makes the fog key; a
# certified publisher's stream is stored and read back with the publisher
# named; an expired, outside-prefix or foreign-CA publisher's packets are
# refused by the workers with that reason (counted, logged, nothing
# registered); after `fog publisher revoke` on the running fog the
# publisher's next packets are refused "revoked". The broker itself (its
# fog_acl plugin) holds a publisher's login to its prefix: PUBACK 0x87 for a
# write outside it, denial of every stream write while the prefix file is
# bad, and CONNACK refusal of a revoked publisher's login.
# Usage: publisher_cert_test.sh FOG_BINARY
set -uo pipefail
fog=$1
suite=publisher_cert
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d)
trap 'stop_fog; [[ $failures == 0 ]] && rm -rf "$tmp"' EXIT
dir=$tmp/fog
start_fog "$dir" --workers 2 || exit 1
logs=$dir/logs

expect "fog up made the fog key, secret 0600" \
  test "$(stat -c %a "$dir/keys/fog-ca.key")" = 600
expect "the workers trust the fog key" test -s "$dir/trust/fog-ca.authority"

# rejected REASON: the workers' counter for REASON (both workers).
rejected() {
  echo $(($(metric "$dir" worker-1 "fog_worker_rejected_total{reason=\"$1\"}") +
    $(metric "$dir" worker-2 "fog_worker_rejected_total{reason=\"$1\"}")))
}
refused_with() {  # refused_with REASON: counted and logged by a worker
  (($(rejected "$1") >= 1)) && cat "$logs"/worker-*.log | grep -q "rejected ($1)"
}
status_of() { curl -s -o /dev/null -w '%{http_code}' "$http/videos/$1"; }
stream() {  # stream VIDEO_ID ARGS...
  local id=$1
  shift
  "$fog" stream "$tmp/v.mp4" --dir "$dir" --video-id "$id" "$@" \
    >"$tmp/$id.out" 2>"$tmp/$id.err"
}

make_video "$tmp/v.mp4" 2
"$fog" publisher add cam --prefix cam- --dir "$dir" >/dev/null
"$fog" publisher add old --valid-days 0 --dir "$dir" >/dev/null
"$fog" publisher add gone --dir "$dir" >/dev/null
"$fog" publisher add evil --dir "$tmp/other" >/dev/null  # another fog's CA
expect "publisher add: key 0600, pub, cert" \
  test "$(stat -c %a "$dir/publishers/cam.key")" = 600 -a \
  -s "$dir/publishers/cam.pub" -a -s "$dir/publishers/cam.cert"
expect "publisher add refuses an existing name" \
  test "$("$fog" publisher add cam --dir "$dir" >/dev/null 2>&1; echo $?)" = 2

expect "publisher add issues the publisher's own broker login" \
  test "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cam"]["role"])' \
    "$dir/mosquitto/roles.json")" = publisher

# 1. A certified publisher: stored, read back, named.
stream cam-1 --publisher cam
expect "certified: stream complete" wait_for 30 video_complete cam-1
expect "certified: the stream connected with the publisher's own login" \
  grep -q "u'cam'" "$dir/mosquitto/mosquitto.log"
expect "certified: the registry names the publisher" \
  test "$(video_field cam-1 "j['publisher_key'].split(':')[0]")" = cam
"$fog" get cam-1 --dir "$dir" -o "$tmp/cam-1.mp4" >"$tmp/get.json" 2>"$tmp/get.err"
expect "certified: fog get verifies every packet" \
  test "$(json "$(cat "$tmp/get.json")" "j['valid'] == j['packets'] > 0")" = True
expect "certified: fog get names the publisher" \
  test "$(json "$(cat "$tmp/get.json")" "j['publishers']")" = "['cam']"

# 2. The broker holds cam's login to its prefix (PUBACK reason codes).
# verdict USER TOPIC: the broker's answers to a QoS 1 publish as USER
# (passwords read once: each read is a Python start).
declare -A pw
for user in cam publisher gone; do pw[$user]=$(role_password "$dir" $user); done
verdict() {
  probe_as "$1" "${pw[$1]}" pub "$2" --message x 2>&1 |
    grep -E '^(connack|puback|disconnect)' | tr '\n' ' '
}
out=$(verdict cam video/stream/cam-probe)
[[ $out =~ puback\ 0x(00|10) ]] && pass || fail "cam inside its prefix: $out"
out=$(verdict cam video/stream/dog-probe)
[[ $out == *"puback 0x87 Not authorized"* ]] && pass ||
  fail "cam outside its prefix: $out"
out=$(verdict cam video/stream/cam-probe/deeper)
[[ $out == *"puback 0x87"* ]] && pass || fail "cam below a video id: $out"
out=$(verdict publisher video/stream/dog-probe)
[[ $out =~ puback\ 0x(00|10) ]] && pass ||
  fail "the default publisher (any prefix): $out"
expect "the broker logs the denial" \
  grep -q "fog_acl: denied cam writing video/stream/dog-probe" "$dir/mosquitto/mosquitto.log"
stream dog-2 --publisher cam
expect "fog stream outside its prefix fails with the broker's 0x87 (135)" \
  test $? != 0 -a -n "$(grep -l 'reason 135' "$tmp/dog-2.err")"
expect "outside prefix at the broker: nothing registered" test "$(status_of dog-2)" = 404
# A bad prefix file: logged, every stream write denied, the broker lives on.
cp "$dir/mosquitto/prefixes.json" "$tmp/prefixes.good"
echo '{"cam": 5' >"$dir/mosquitto/prefixes.json"
out=$(verdict publisher video/stream/any-probe)
[[ $out == *"puback 0x87"* ]] && pass || fail "bad prefix file, fail closed: $out"
expect "bad prefix file: a clear error in the broker log" \
  grep -q "fog_acl: prefix file .*prefixes.json: not JSON" "$dir/mosquitto/mosquitto.log"
cp "$tmp/prefixes.good" "$dir/mosquitto/prefixes.json"
out=$(verdict publisher video/stream/any-probe)
[[ $out =~ puback\ 0x(00|10) ]] && pass || fail "prefix file fixed: $out"

# 3. Expired (--valid-days 0), outside the prefix, another fog's CA: the
# workers' refusals (cam's key through the default login, which the broker
# lets write any video id, shows the workers' own prefix check).
stream old-1 --publisher old
expect "expired: refused with its reason" wait_for 30 refused_with expired
stream dog-1 --key "$dir/publishers/cam.key" --cert "$dir/publishers/cam.cert"
expect "outside prefix: refused with its reason" \
  wait_for 30 refused_with outside-prefix
stream evil-1 --key "$tmp/other/publishers/evil.key" \
  --cert "$tmp/other/publishers/evil.cert"
expect "foreign CA: refused with its reason" \
  wait_for 30 refused_with unknown-authority
for id in old-1 dog-1 evil-1; do
  expect "$id: nothing registered" test "$(status_of "$id")" = 404
done

# 4. Revocation while the fog runs: accepted first, refused after.
stream gone-1 --publisher gone
expect "before revocation: stored" wait_for 30 video_complete gone-1
accepted0=$(($(metric "$dir" worker-1 fog_worker_revocation_lists_accepted_total) +
  $(metric "$dir" worker-2 fog_worker_revocation_lists_accepted_total)))
"$fog" publisher revoke gone --dir "$dir" >"$tmp/revoke.out"
expect "revoke: published on the running fog" grep -q published "$tmp/revoke.out"
expect "revoke: the broker login is taken" grep -q "broker login gone revoked" "$tmp/revoke.out"
# The broker reloads its password file asynchronously to the signal.
gone_refused() {
  [[ $(verdict gone video/stream/gone-probe) == "connack 0x8"[67]* ]]
}
expect "revoked: the broker refuses the login (CONNACK 0x86/0x87)" \
  wait_for 10 gone_refused
lists_reached_both() {
  (($(metric "$dir" worker-1 fog_worker_revocation_lists_accepted_total) +
    $(metric "$dir" worker-2 fog_worker_revocation_lists_accepted_total) >= accepted0 + 2))
}
expect "revoke: the list reaches both workers" wait_for 5 lists_reached_both
# The workers refuse its packets sent through another login.
stream gone-2 --key "$dir/publishers/gone.key" --cert "$dir/publishers/gone.cert"
expect "revoked: refused with its reason" wait_for 30 refused_with revoked
expect "revoked: nothing registered" test "$(status_of gone-2)" = 404
expect "publisher list shows the revocation" \
  grep -q "^gone .* revoked$" <("$fog" publisher list --dir "$dir")
expect "publisher list shows the expired one" \
  grep -q "^old .* expired$" <("$fog" publisher list --dir "$dir")

# 5. fog packet inspect --trust names the publisher or the refusal.
head -c 2000 /dev/urandom >"$tmp/d"
"$fog" packet sign --key "$dir/publishers/cam.key" \
  --cert "$dir/publishers/cam.cert" --video-id cam-x --number 1 --total 1 \
  "$tmp/d" >"$tmp/cam.payload"
expect "inspect: names the certified publisher" \
  grep -q '"publisher":"cam"' <("$fog" packet inspect --trust "$dir/trust" "$tmp/cam.payload")
"$fog" packet sign --key "$dir/publishers/gone.key" \
  --cert "$dir/publishers/gone.cert" --video-id gone-x --number 1 --total 1 \
  "$tmp/d" >"$tmp/gone.payload"
expect "inspect: a revoked publisher is refused" \
  grep -q '"refusal":"revoked"' <("$fog" packet inspect --trust "$dir/trust" "$tmp/gone.payload")

finish
