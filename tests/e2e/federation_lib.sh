# Shared by the federation tests and bench/federation_bench.sh: fogs of
# their own in $tmp/NAME (each `fog up`, stopped on exit), and the checks
# their links need. Source after lib.sh; set fed_workers (default 2) for
# the workers each fog runs.
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  [[ -n ${FOG_KEEP_TMP:-} ]] || rm -rf "$tmp"
}
trap cleanup EXIT

# up NAME [fog up flags...]: starts fog NAME in $tmp/NAME and waits for
# it; sets http_NAME, port_NAME and pid_NAME.
up() {
  local name=$1
  shift
  start_fog "$tmp/$name" --name "$name" --workers "${fed_workers:-2}" \
    --no-balancer "$@" || exit 1
  pids+=("$fog_pid")
  eval "http_$name=$http port_$name=$mqtt_port pid_$name=$fog_pid"
  fog_pid=
}
peer_uri() { json "$(cat "$tmp/$1/fog.json")" "j['peer_uri']"; }
# linked DIR PEER: DIR's federation has PEER connected (its metrics).
# Bounded: a federation process that stopped answering fails it.
linked() {
  curl -sf -m 5 "$(json "$(cat "$tmp/$1/fog.json")" "j['metrics']['federation']")" |
    grep -q "^fog_federation_peer_connected{peer=\"$2\"} 1"
}
fed() { metric "$tmp/$1" federation "${@:2}"; }
# trusts DIR OF: DIR's trust directory holds OF's authority (for OF's
# registered publishers) and OF's own publisher key (docs/federation.md).
trusts() {
  mkdir -p "$tmp/$1/trust"
  cp "$tmp/$2/trust/fog-ca.authority" "$tmp/$1/trust/$2.authority"
  cp "$tmp/$2/keys/publisher.pub" "$tmp/$1/trust/$2.pub"
}
