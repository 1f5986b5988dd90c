#!/usr/bin/env bash
# Runs each argument as a command (test binaries), all of them even when one
# fails; exits 1 if any failed. Used by the registry_servers test inside
# tests/db/with_databases.sh.
failed=()
for cmd in "$@"; do
  "$cmd" || failed+=("$(basename "$cmd")")
done
if ((${#failed[@]})); then
  echo "run_each: failed: ${failed[*]}" >&2
  exit 1
fi
