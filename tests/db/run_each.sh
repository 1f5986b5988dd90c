#!/usr/bin/env bash
# Runs each argument as a test binary (gtest), all of them even when one
# fails; exits 1 if any failed. Used by the registry_servers test inside
# tests/db/with_databases.sh.
#
# The suites must not vanish: a binary whose tests do not run on every
# backend FOG_TEST_DB_URLS names (e.g. no "mysql_1" instances because the
# variable did not reach it) fails, and so does a run without the variable.
# Prints how many tests each binary has on each backend.
if [[ -z ${FOG_TEST_DB_URLS:-} ]]; then
  echo "run_each: FOG_TEST_DB_URLS is not set: run me inside tests/db/with_databases.sh" >&2
  exit 2
fi
# The backends, from the URL schemes, in the form of the test names
# (test_db::ParamName: "sqlite3", "mysql", "postgresql").
backends=()
for url in $FOG_TEST_DB_URLS; do
  case ${url%%://*} in
    sqlite3) backends+=(sqlite3) ;;
    mysql | mariadb) backends+=(mysql) ;;
    postgresql | postgres) backends+=(postgresql) ;;
    *) echo "run_each: unknown URL scheme in FOG_TEST_DB_URLS: ${url%%://*}" >&2; exit 2 ;;
  esac
done

failed=()
for cmd in "$@"; do
  name=$(basename "$cmd")
  list=$("$cmd" --gtest_list_tests) || { failed+=("$name (cannot list its tests)"); continue; }
  counts=()
  for b in "${backends[@]}"; do
    n=$(grep -cE "^  [^ ]+/${b}_[0-9]+( |$)" <<<"$list")
    counts+=("$b $n")
    ((n > 0)) || failed+=("$name (no tests on $b)")
  done
  echo "run_each: $name: tests per backend: $(IFS=,; echo "${counts[*]}")"
  "$cmd" || failed+=("$name")
done
if ((${#failed[@]})); then
  echo "run_each: failed: ${failed[*]}" >&2
  exit 1
fi
