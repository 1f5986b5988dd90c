#!/usr/bin/env bash
# Runs a command with a private MariaDB and a private PostgreSQL server.
#
#   tests/db/with_databases.sh COMMAND [ARGS...]
#
# Starts both servers in a temporary directory (their own ports on 127.0.0.1,
# their own unix sockets; the Debian system services are not used), creates
# a database and a user with a password full of URL-special characters in
# each, exports
#
#   FOG_TEST_DB_URLS="sqlite3://TMP/fog_registry.db mysql://... postgresql://..."
#
# (and FOG_TEST_SOCKET_URLS: the same two databases over unix sockets),
# runs the command, then stops both servers and removes the directory, also
# when the command or a start fails. Exits with the command's status (2 when a
# server could not be started).
#
# Needs mariadb-server and postgresql (scripts/install-deps.sh). Works as a
# normal user and as root: MariaDB then runs with --user=root, PostgreSQL
# (which refuses root) as the "postgres" user the package creates, or as a
# "fogtest" system user created here when that one is missing.
# FOG_DB_KEEP=1 keeps the directory (logs) after the run.
set -uo pipefail
# The servers and runuser live in sbin, which a normal user's PATH may lack.
export PATH=$PATH:/usr/sbin:/sbin

if (($# == 0)); then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

log() { echo "with_databases: $*" >&2; }
# Wall-clock microseconds, and the seconds since such a time, e.g. "2.4".
now() { echo "${EPOCHREALTIME/./}"; }
since() {
  local d=$(($(now) - $1))
  printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000))
}

pg_bin=${FOG_PG_BIN:-}
if [[ -z $pg_bin ]]; then
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/initdb ]] && pg_bin=$d  # the highest version wins (glob order)
  done
fi
mariadbd=$(command -v mariadbd || command -v mysqld || echo /usr/sbin/mariadbd)
install_db=$(command -v mariadb-install-db || command -v mysql_install_db || true)
mariadb_cli=$(command -v mariadb || command -v mysql || true)
if [[ ! -x $mariadbd || -z $install_db || -z $mariadb_cli ]]; then
  log "MariaDB server not found (apt-get install mariadb-server)"
  exit 2
fi
if [[ -z $pg_bin || ! -x $pg_bin/initdb ]]; then
  log "PostgreSQL server not found (apt-get install postgresql)"
  exit 2
fi

# Unix socket paths are limited to 107 bytes: stay short. As root, /tmp:
# the PostgreSQL user must be able to reach the directory.
base=${TMPDIR:-/tmp}
((${#base} > 40 || EUID == 0)) && base=/tmp
tmp=$(mktemp -d "$base/fogdb.XXXXXX") || exit 2
chmod 755 "$tmp"  # the PostgreSQL user must reach its own subdirectory

mariadb_pid=
pg_start_pid=
cmd_pid=
pg_run=()  # prefix that runs a command as the PostgreSQL user
pg_dir=$tmp/pg

cleanup() {
  local t0
  t0=$(now)
  if [[ -n $cmd_pid ]] && kill -0 "$cmd_pid" 2>/dev/null; then
    kill -TERM "$cmd_pid" 2>/dev/null
    wait "$cmd_pid" 2>/dev/null
  fi
  if [[ -n $mariadb_pid ]] && kill -0 "$mariadb_pid" 2>/dev/null; then
    kill -TERM "$mariadb_pid" 2>/dev/null
    for _ in $(seq 1 300); do
      kill -0 "$mariadb_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$mariadb_pid" 2>/dev/null
  fi
  # A start still in progress (MariaDB failed first) finishes before the stop.
  [[ -n $pg_start_pid ]] && wait "$pg_start_pid" 2>/dev/null
  if [[ -f $pg_dir/data/postmaster.pid ]]; then
    "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w -t 30 \
      stop >/dev/null 2>&1
  fi
  log "servers stopped in $(since "$t0") s"
  if [[ ${FOG_DB_KEEP:-0} == 1 ]]; then
    log "kept $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free TCP port on 127.0.0.1, below the ephemeral range (there is a
# small window before the server binds it; a failed start is retried).
free_port() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/../e2e/free_port.py" 2>/dev/null && return
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  return 1
}

# Percent-encodes $1 for the user or password part of a URL.
urlencode() {
  local s=$1 out= c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  echo "$out"
}

# The test user's password: every character here is special in a URL or in
# a connection string, so the tests exercise the decoding end to end.
db_user=fog
db_pass="f0g p@ss:w/rd?#%'x"
db_name=fogtest
sql_pass=${db_pass//\'/\'\'}  # SQL string literal (both servers)
enc_pass=$(urlencode "$db_pass")

start_mariadb() {
  local dir=$tmp/mariadb port user_opt=() t0
  # Throwaway data: no durability, small buffers (halves the start time).
  local fast=(--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0
    --innodb-flush-method=nosync --innodb-buffer-pool-size=32M
    --innodb-log-file-size=8M --skip-log-bin)
  t0=$(now)
  mkdir -p "$dir/tmp"
  ((EUID == 0)) && user_opt=(--user=root)
  if ! "$install_db" --no-defaults --datadir="$dir/data" "${user_opt[@]}" \
      --auth-root-authentication-method=normal --skip-test-db \
      --skip-name-resolve "${fast[@]}" >"$dir/install.log" 2>&1; then
    log "mariadb-install-db failed:"
    tail -n 20 "$dir/install.log" >&2
    return 1
  fi
  for attempt in 1 2 3; do
    port=$(free_port) || return 1
    "$mariadbd" --no-defaults "${user_opt[@]}" --datadir="$dir/data" \
      --socket="$dir/mysqld.sock" --port="$port" --bind-address=127.0.0.1 \
      --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
      --tmpdir="$dir/tmp" --skip-name-resolve --performance-schema=OFF \
      "${fast[@]}" --character-set-server=utf8mb4 >/dev/null 2>&1 &
    mariadb_pid=$!
    for _ in $(seq 1 600); do
      [[ -S $dir/mysqld.sock ]] &&
        "$mariadb_cli" --no-defaults -S "$dir/mysqld.sock" -u root \
          -e 'SELECT 1' >/dev/null 2>&1 && break
      kill -0 "$mariadb_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$mariadb_pid" 2>/dev/null && [[ -S $dir/mysqld.sock ]] && break
    log "MariaDB did not start on port $port (attempt $attempt)"
    kill -KILL "$mariadb_pid" 2>/dev/null
    wait "$mariadb_pid" 2>/dev/null
    mariadb_pid=
  done
  if [[ -z $mariadb_pid ]]; then
    tail -n 20 "$dir/error.log" >&2
    return 1
  fi
  "$mariadb_cli" --no-defaults -S "$dir/mysqld.sock" -u root <<SQL || return 1
CREATE DATABASE $db_name CHARACTER SET utf8mb4;
CREATE USER '$db_user'@'%' IDENTIFIED BY '$sql_pass';
CREATE USER '$db_user'@'localhost' IDENTIFIED BY '$sql_pass';
GRANT ALL ON $db_name.* TO '$db_user'@'%';
GRANT ALL ON $db_name.* TO '$db_user'@'localhost';
SQL
  mysql_url="mysql://$db_user:$enc_pass@127.0.0.1:$port/$db_name"
  mysql_socket_url="mariadb://$db_user:$enc_pass@/$db_name?socket=$dir/mysqld.sock"
  log "MariaDB up on 127.0.0.1:$port in $(since "$t0") s"
}

# Runs the PostgreSQL tools as an unprivileged user when we are root.
setup_pg_user() {
  if ((EUID != 0)); then
    pg_run=(env)
    return
  fi
  local user=postgres
  if ! id -u "$user" >/dev/null 2>&1; then
    user=fogtest
    id -u "$user" >/dev/null 2>&1 ||
      useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
      return 1
  fi
  if command -v runuser >/dev/null; then
    pg_run=(runuser -u "$user" --)
  else
    pg_run=(su -s /bin/sh "$user" -c '"$0" "$@"')  # "$0" is the command
  fi
  mkdir -p "$pg_dir"
  chown "$user" "$pg_dir"
}

# Runs in the background: writes the URL to $pg_dir/url once ready.
start_postgres() {
  local port t0 sql
  t0=$(now)
  # initdb and postgres complain when the working directory is unreadable.
  cd "$pg_dir" || return 1
  if ! "${pg_run[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U fogadmin \
      --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 \
      --locale=C.UTF-8 --no-sync >"$pg_dir/initdb.log" 2>&1; then
    log "initdb failed:"
    tail -n 20 "$pg_dir/initdb.log" >&2
    cd - >/dev/null
    return 1
  fi
  local started=0
  for attempt in 1 2 3; do
    port=$(free_port) || break
    if "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" \
        -w -t 60 -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c max_connections=50" start >/dev/null 2>&1; then
      started=1
      break
    fi
    log "PostgreSQL did not start on port $port (attempt $attempt)"
  done
  cd - >/dev/null
  if ((!started)); then
    tail -n 20 "$pg_dir/server.log" >&2
    return 1
  fi
  sql="CREATE ROLE $db_user LOGIN PASSWORD '$sql_pass';
CREATE DATABASE $db_name OWNER $db_user ENCODING 'UTF8';"
  (cd "$pg_dir" && "${pg_run[@]}" "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$pg_dir" -p "$port" -U fogadmin -d postgres -c "${sql%%$'\n'*}" \
    -c "${sql#*$'\n'}") >/dev/null || return 1
  echo "postgresql://$db_user:$enc_pass@127.0.0.1:$port/$db_name" >"$pg_dir/url"
  echo "postgres://$db_user:$enc_pass@:$port/$db_name?socket=$pg_dir" \
    >"$pg_dir/socket_url"
  log "PostgreSQL up on 127.0.0.1:$port in $(since "$t0") s"
}

# Both start at once: most of the time is spent waiting on disk and sockets.
t_start=$(now)
mkdir -p "$pg_dir"
setup_pg_user || { log "cannot set up a user for PostgreSQL"; exit 2; }
start_postgres &
pg_start_pid=$!
start_mariadb || { log "MariaDB failed to start"; exit 2; }
wait "$pg_start_pid"
pg_status=$?
pg_start_pid=
((pg_status == 0)) || { log "PostgreSQL failed to start"; exit 2; }
postgresql_url=$(<"$pg_dir/url")
postgresql_socket_url=$(<"$pg_dir/socket_url")
log "both servers up in $(since "$t_start") s"

mkdir -p "$tmp/sqlite"
export FOG_TEST_DB_URLS="sqlite3://$tmp/sqlite/fog_registry.db $mysql_url $postgresql_url"
# The same databases over unix sockets, for the tests of that URL form.
export FOG_TEST_SOCKET_URLS="$mysql_socket_url $postgresql_socket_url"

# In the background so that a signal is handled at once (bash runs traps
# only between foreground commands); cleanup ends it if it is still running.
"$@" &
cmd_pid=$!
wait "$cmd_pid"
status=$?
cmd_pid=
exit "$status"
