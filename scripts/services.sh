#!/usr/bin/env bash
# Test servers for auth-skill's storage suites: PostgreSQL, MariaDB and Redis from Debian's packages,
# each run as its own system user (postgres, mysql, redis), listening on 127.0.0.1 only, on fixed
# unusual ports, with their data in a throwaway directory. No systemd, no Docker.
#
#   bash scripts/services.sh up     # install if missing, start, wait, create the test database/user,
#                                   # write .tmp/services.env (idempotent: a running server is kept)
#   bash scripts/services.sh down   # stop each server by PID, wait for it, delete its data
#   bash scripts/services.sh env    # print the export lines (eval "$(bash scripts/services.sh env)")
#   source .tmp/services.env        # AUTH_SKILL_PG_URL, AUTH_SKILL_MYSQL_URL, AUTH_SKILL_REDIS_URL
#
# Overridable by environment:
#   AUTH_SKILL_PG_PORT (25432)  AUTH_SKILL_MYSQL_PORT (23306)  AUTH_SKILL_REDIS_PORT (26379)
#     Below Linux's ephemeral range (32768-60999), so no outgoing connection can hold them. When a default
#     port is taken by another process, the next free one is used (and written to services.env); a port
#     set explicitly must be free.
#   AUTH_SKILL_SERVICES_DIR (<repo>/.tmp/services: PID files, logs, data)
#   AUTH_SKILL_SERVICES_ENV (<repo>/.tmp/services.env)
#   AUTH_SKILL_SERVICES (pg mysql redis: which servers to manage)
#   AUTH_SKILL_SERVICES_KEEP=1 (down keeps the data directories)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_PORT=${AUTH_SKILL_PG_PORT:-25432}
MYSQL_PORT=${AUTH_SKILL_MYSQL_PORT:-23306}
REDIS_PORT=${AUTH_SKILL_REDIS_PORT:-26379}
STATE=${AUTH_SKILL_SERVICES_DIR:-$ROOT/.tmp/services}
ENV_FILE=${AUTH_SKILL_SERVICES_ENV:-$ROOT/.tmp/services.env}
STATE=$(realpath -m "$STATE")
ENV_FILE=$(realpath -m "$ENV_FILE")
read -r -a SERVICES <<<"${AUTH_SKILL_SERVICES:-pg mysql redis}"
APT_PACKAGES=(postgresql mariadb-server redis-server)
DB_NAME=auth_skill DB_USER=auth_skill DB_PASSWORD=auth_skill
IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

log() { echo "[services] $*" >&2; }
die() { log "error: $*"; exit 1; }
now_ms() { date +%s%3N; }
# phase NAME COMMAND...: runs COMMAND and logs how long it took.
phase() {
  local name=$1 start
  shift
  start=$(now_ms)
  "$@"
  log "$name: $(($(now_ms) - start)) ms"
}

# as USER COMMAND...: runs COMMAND as the service's system user (as ourselves when not root), from /
# (the caller's directory may be one the service user cannot read; every path here is absolute).
as() {
  local user=$1
  shift
  if ((IS_ROOT)); then (cd / && runuser -u "$user" -- "$@"); else "$@"; fi
}

wants() { local s; for s in "${SERVICES[@]}"; do [[ $s == "$1" ]] && return 0; done; return 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_port LABEL PORT VARIABLE: prints the port to start LABEL's server on: PORT if VARIABLE set it
# explicitly (then it must be free), else PORT or the first free one of the next 19.
pick_port() {
  local label=$1 port=$2 variable=$3 i
  if [[ -n ${!variable:-} ]]; then
    ! port_open "$port" || die "$label: port $port ($variable) is taken by another process"
    echo "$port"
    return
  fi
  for ((i = 0; i < 20; i++)); do
    if ! port_open "$((port + i))"; then
      ((i == 0)) || log "$label: port $port is taken by another process; using $((port + i))"
      echo "$((port + i))"
      return
    fi
  done
  die "$label: ports $port-$((port + 19)) are all taken: set $variable"
}

# port_of FILE DEFAULT: the port a running server was started on (recorded in FILE), else DEFAULT.
port_of() { if [[ -s $1 ]]; then cat "$1"; else echo "$2"; fi; }

# alive PIDFILE NAME: the PID in PIDFILE is a live process whose command name starts with NAME.
alive() {
  local pidfile=$1 name=$2 pid comm
  [[ -s $pidfile ]] || return 1
  pid=$(head -n 1 "$pidfile" | tr -dc 0-9)
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  [[ $comm == "$name"* ]]
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s.
wait_until() {
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$(($(now_ms) + limit * 1000))
  until "$@"; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.1
  done
}

# logged FILE COMMAND...: runs COMMAND with its output going to FILE; on failure shows FILE (and
# $ALSO_SHOW) and exits.
logged() {
  local file=$1
  shift
  "$@" >"$file" 2>&1 || { show_log "$file"; show_log "${ALSO_SHOW:-}"; die "failed: ${*:1:4} ..."; }
}

show_log() { if [[ -n $1 && -f $1 ]]; then log "last lines of $1:"; tail -n 30 "$1" >&2; fi; }

# ---- install ------------------------------------------------------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

install_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
  if ((${#missing[@]} == 0)); then
    log "packages already installed: ${APT_PACKAGES[*]}"
    return 0
  fi
  local sudo=()
  ((IS_ROOT)) || sudo=(sudo)
  # Without systemd the packages' own service start fails or hangs: forbid it for the install
  # (exit 101 = "action forbidden" for invoke-rc.d), and put back whatever policy was there.
  local policy=/usr/sbin/policy-rc.d had_policy=0
  if [[ -e $policy ]]; then
    had_policy=1
    "${sudo[@]}" cp -p "$policy" "$STATE/policy-rc.d.saved"
  fi
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  log "installing: ${missing[*]}"
  local status=0
  {
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq &&
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${APT_PACKAGES[@]}"
  } || status=$?
  if ((had_policy)); then "${sudo[@]}" cp -p "$STATE/policy-rc.d.saved" "$policy"; else "${sudo[@]}" rm -f "$policy"; fi
  ((status == 0)) || die "apt-get failed (exit $status)"
}

# ---- directories --------------------------------------------------------------------------------------
# The data lives under $STATE/data unless a service user cannot reach it there (e.g. a clone under a
# private home directory): then under a mktemp directory, whose path $STATE/data-root remembers.
data_root() {
  if [[ -s $STATE/data-root && -d $(cat "$STATE/data-root") ]]; then
    cat "$STATE/data-root"
    return
  fi
  local dir=$STATE/data
  mkdir -p "$dir"
  chmod 755 "$dir"
  if ((IS_ROOT)) && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/auth-skill-services.XXXXXX")
    chmod 755 "$dir"
  fi
  echo "$dir" >"$STATE/data-root"
  echo "$dir"
}

# own_dir USER DIR: creates DIR owned by USER.
own_dir() {
  mkdir -p "$2"
  ((IS_ROOT)) && chown "$1:$1" "$2"
  chmod 700 "$2"
}

# ---- PostgreSQL ---------------------------------------------------------------------------------------
pg_bin() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | grep -x 15 || ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
  [[ -n $v ]] || die "PostgreSQL is not installed (no /usr/lib/postgresql/*)"
  echo "/usr/lib/postgresql/$v/bin"
}

pg_psql() { as postgres "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR/run" -p "$PG_PORT" -U postgres -d postgres "$@"; }

pg_up() {
  local bin
  bin=$(pg_bin)
  if alive "$PG_DIR/data/postmaster.pid" postgres; then
    PG_PORT=$(port_of "$PG_DIR/port" "$PG_PORT")
    log "postgres already running (pid $(head -n 1 "$PG_DIR/data/postmaster.pid"), port $PG_PORT)"
  else
    PG_PORT=$(pick_port postgres "$PG_PORT" AUTH_SKILL_PG_PORT)
    own_dir postgres "$PG_DIR"
    echo "$PG_PORT" >"$PG_DIR/port"
    own_dir postgres "$PG_DIR/run"
    if [[ ! -s $PG_DIR/data/PG_VERSION ]]; then
      rm -rf "$PG_DIR/data"
      phase "postgres initdb" logged "$PG_DIR/initdb.log" as postgres "$bin/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256
    fi
    # A disposable test server: durability off (fsync, synchronous_commit) for speed.
    ALSO_SHOW=$PG_DIR/postgres.log phase "postgres start" logged "$PG_DIR/pg_ctl.log" as postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR/run \
          -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  wait_until 30 "postgres" as postgres "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" ||
    { show_log "$PG_DIR/postgres.log"; die "postgres does not accept connections on $PG_PORT"; }
  pg_psql <<SQL
SELECT 'CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD ''$DB_PASSWORD'''
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') \gexec
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
}

pg_down() {
  if alive "$PG_DIR/data/postmaster.pid" postgres; then
    phase "postgres stop" logged "$PG_DIR/pg_ctl-stop.log" as postgres "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop
  else
    log "postgres not running"
  fi
}

# ---- MariaDB ------------------------------------------------------------------------------------------
mysql_client() {
  local bin
  bin=$(command -v mariadb || command -v mysql) || die "no mariadb client"
  "$bin" --no-defaults --protocol=socket --socket="$MYSQL_DIR/mysqld.sock" -uroot "$@"
}

mysql_ping() { mysql_client -e "SELECT 1" >/dev/null 2>&1; }

# mysql_started: answers; or, when the server gave up (its log says "Aborting"), fails wait_until fast.
mysql_started() {
  mysql_ping && return 0
  if grep -q "\[ERROR\] Aborting" "$MYSQL_DIR/mariadb.log" 2>/dev/null; then
    show_log "$MYSQL_DIR/mariadb.log"
    die "mariadb did not start"
  fi
  return 1
}

mysql_up() {
  local server
  server=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  [[ -x $server ]] || die "MariaDB is not installed (no mariadbd)"
  if alive "$MYSQL_DIR/mysqld.pid" mariadbd || alive "$MYSQL_DIR/mysqld.pid" mysqld; then
    MYSQL_PORT=$(port_of "$MYSQL_DIR/port" "$MYSQL_PORT")
    log "mariadb already running (pid $(cat "$MYSQL_DIR/mysqld.pid"), port $MYSQL_PORT)"
  else
    MYSQL_PORT=$(pick_port mariadb "$MYSQL_PORT" AUTH_SKILL_MYSQL_PORT)
    own_dir mysql "$MYSQL_DIR"
    echo "$MYSQL_PORT" >"$MYSQL_DIR/port"
    if [[ ! -d $MYSQL_DIR/data/mysql ]]; then
      rm -rf "$MYSQL_DIR/data"
      own_dir mysql "$MYSQL_DIR/data"
      local auth=socket
      ((IS_ROOT)) || auth=normal
      phase "mariadb install-db" logged "$MYSQL_DIR/install-db.log" as mysql "$(command -v mariadb-install-db || command -v mysql_install_db)" --no-defaults \
        --datadir="$MYSQL_DIR/data" --auth-root-authentication-method=$auth --skip-test-db \
        --skip-name-resolve
    fi
    # setsid + closed stdio: the server outlives this script and holds no pipe of its caller open.
    # A disposable test server: no binlog, InnoDB flushes once a second.
    local start
    start=$(now_ms)
    local runas=()
    ((IS_ROOT)) && runas=(runuser -u mysql --)
    (cd / && exec setsid "${runas[@]}" "$server" --no-defaults --datadir="$MYSQL_DIR/data" \
      --bind-address=127.0.0.1 --port="$MYSQL_PORT" --socket="$MYSQL_DIR/mysqld.sock" \
      --pid-file="$MYSQL_DIR/mysqld.pid" --log-error="$MYSQL_DIR/mariadb.log" --skip-name-resolve \
      --skip-log-bin --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=256M \
      --max-connections=300 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      ) </dev/null >"$MYSQL_DIR/mariadbd.out" 2>&1 &
    wait_until 60 "mariadb" mysql_started ||
      { show_log "$MYSQL_DIR/mariadb.log"; show_log "$MYSQL_DIR/mariadbd.out"; die "mariadb did not start"; }
    log "mariadb start: $(($(now_ms) - start)) ms"
  fi
  wait_until 30 "mariadb" mysql_ping || { show_log "$MYSQL_DIR/mariadb.log"; die "mariadb does not answer"; }
  mysql_client <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%';
FLUSH PRIVILEGES;
SQL
}

# gone PID: no such process, or only a zombie left for init to reap.
gone() { ! kill -0 "$1" 2>/dev/null || [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) == Z ]]; }

# stop_pid PIDFILE NAME: sends SIGTERM and waits (up to 60 s, then SIGKILL) for the process to exit.
stop_pid() {
  local pidfile=$1 name=$2 pid
  pid=$(head -n 1 "$pidfile" | tr -dc 0-9)
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until 60 "$name exit" gone "$pid"; then
    log "$name (pid $pid) did not stop in 60 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 "$name exit" gone "$pid" || true
  fi
  rm -f "$pidfile"
}

mysql_down() {
  if alive "$MYSQL_DIR/mysqld.pid" mariadbd || alive "$MYSQL_DIR/mysqld.pid" mysqld; then
    phase "mariadb stop" stop_pid "$MYSQL_DIR/mysqld.pid" mariadb
  else
    log "mariadb not running"
  fi
}

# ---- Redis --------------------------------------------------------------------------------------------
redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

redis_up() {
  command -v redis-server >/dev/null || die "Redis is not installed (no redis-server)"
  if alive "$REDIS_DIR/redis.pid" redis-server; then
    REDIS_PORT=$(port_of "$REDIS_DIR/port" "$REDIS_PORT")
    log "redis already running (pid $(cat "$REDIS_DIR/redis.pid"), port $REDIS_PORT)"
  else
    REDIS_PORT=$(pick_port redis "$REDIS_PORT" AUTH_SKILL_REDIS_PORT)
    own_dir redis "$REDIS_DIR"
    echo "$REDIS_PORT" >"$REDIS_DIR/port"
    local start
    start=$(now_ms)
    # No persistence: a disposable test server.
    as redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --daemonize yes \
      --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --dir "$REDIS_DIR" \
      --save "" --appendonly no --maxclients 1000 </dev/null
    wait_until 30 "redis" redis_ping || { show_log "$REDIS_DIR/redis.log"; die "redis did not start"; }
    wait_until 5 "redis pid file" test -s "$REDIS_DIR/redis.pid" || true
    log "redis start: $(($(now_ms) - start)) ms"
  fi
  redis_ping || die "redis does not answer on $REDIS_PORT"
}

redis_down() {
  if alive "$REDIS_DIR/redis.pid" redis-server; then
    phase "redis stop" stop_pid "$REDIS_DIR/redis.pid" redis
  else
    log "redis not running"
  fi
}

# ---- commands -----------------------------------------------------------------------------------------
env_lines() {
  wants pg && echo "export AUTH_SKILL_PG_URL=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME"
  wants mysql && echo "export AUTH_SKILL_MYSQL_URL=mysql://$DB_USER:$DB_PASSWORD@127.0.0.1:$MYSQL_PORT/$DB_NAME"
  wants redis && echo "export AUTH_SKILL_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  return 0
}

set_dirs() {
  local root
  root=$(data_root)
  PG_DIR=$root/pg MYSQL_DIR=$root/mysql REDIS_DIR=$root/redis
}

cmd_up() {
  local start s
  start=$(now_ms)
  mkdir -p "$STATE" "$(dirname "$ENV_FILE")"
  phase "install" install_packages
  set_dirs
  for s in "${SERVICES[@]}"; do
    case $s in
      pg) phase "postgres up" pg_up ;;
      mysql) phase "mariadb up" mysql_up ;;
      redis) phase "redis up" redis_up ;;
      *) die "unknown service '$s' in AUTH_SKILL_SERVICES (pg, mysql, redis)" ;;
    esac
  done
  env_lines >"$ENV_FILE.partial"
  mv "$ENV_FILE.partial" "$ENV_FILE"
  log "wrote $ENV_FILE"
  log "up: $(($(now_ms) - start)) ms"
}

cmd_down() {
  local start s root
  start=$(now_ms)
  if [[ ! -d $STATE ]]; then
    log "nothing to stop ($STATE does not exist)"
    return 0
  fi
  set_dirs
  for s in "${SERVICES[@]}"; do
    case $s in
      pg) pg_down ;;
      mysql) mysql_down ;;
      redis) redis_down ;;
    esac
  done
  rm -f "$ENV_FILE"
  if [[ ${AUTH_SKILL_SERVICES_KEEP:-0} != 1 && ${#SERVICES[@]} -eq 3 ]]; then
    root=$(cat "$STATE/data-root")
    rm -rf "$root" "$STATE/data-root"
    log "deleted $root"
  fi
  log "down: $(($(now_ms) - start)) ms"
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  env) if [[ -s $ENV_FILE ]]; then cat "$ENV_FILE"; else env_lines; fi ;;
  *)
    echo "usage: $0 up|down|env" >&2
    exit 2
    ;;
esac
