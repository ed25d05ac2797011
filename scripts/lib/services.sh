# Throw-away services for tests and benchmarks (sourced by scripts/test and scripts/bench).
# Each start_* exports the URL its tests read and registers its own cleanup.

MOTCUA_CLEANUP=()
motcua_cleanup() {
  local i
  for ((i = ${#MOTCUA_CLEANUP[@]} - 1; i >= 0; i--)); do eval "${MOTCUA_CLEANUP[$i]}" || true; done
}
trap motcua_cleanup EXIT

# A TCP port nobody listens on right now, below Linux's ephemeral range (32768 and up by
# default): a port there may be held by an outgoing connection or one in TIME_WAIT, which the
# probe below does not see and which makes a later bind fail with "Address already in use".
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

wait_for_port() {  # port, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# PostgreSQL 15 in a temp dir on a random port, trust auth, removed on exit.
# Exports MOTCUA_TEST_PG_URL (the `postgres` database of that cluster).
# Tests run without fsync; `start_postgres durable` keeps PostgreSQL's own durable defaults
# (fsync, synchronous_commit and full_page_writes on), as a deployment would.
start_postgres() {
  local bin=/usr/lib/postgresql/15/bin dir port as_pg=() speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [[ ${1:-} == durable ]] && speed=""
  dir=$(mktemp -d /tmp/motcua-pg.XXXXXX)
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$dir"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $speed -c max_connections=200" \
      >/dev/null 2>&1; then
      MOTCUA_CLEANUP+=("${as_pg[*]} $bin/pg_ctl -D $dir/data -m immediate stop >/dev/null 2>&1; rm -rf $dir")
      export MOTCUA_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
  done
  cat "$dir/server.log"
  return 1
}

# nats-server with JetStream on a random port. Exports MOTCUA_TEST_NATS_URL.
start_nats() {
  local dir port pid
  dir=$(mktemp -d /tmp/motcua-nats.XXXXXX)
  port=$(free_port)
  nats-server -js -a 127.0.0.1 -p "$port" -sd "$dir" >"$dir/nats.log" 2>&1 &
  pid=$!
  MOTCUA_CLEANUP+=("kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf $dir")
  wait_for_port "$port" 20 || { cat "$dir/nats.log"; return 1; }
  export MOTCUA_TEST_NATS_URL="nats://127.0.0.1:$port"
}

# `motcua serve` with demo data on a temp SQLite database, also playing the national portal
# (HTTP sync API, national tracking; no NATS). Sets MOTCUA_BASE_URL.
start_motcua() {  # binary, web dir, [extra serve args…]
  local bin=$1 web=$2 dir port pid sim_port sim_pid
  shift 2
  dir=$(mktemp -d /tmp/motcua-serve.XXXXXX)
  port=$(free_port)
  # The payment platform's sandbox, as scripts/run starts it in demo mode: the pay step goes to
  # its approve/decline page and comes back to the dossier.
  sim_port=$(free_port)
  while [[ $sim_port == "$port" ]]; do sim_port=$(free_port); done
  "$bin" paysim --listen "127.0.0.1:$sim_port" --partner MOTCUA-DEMO --secret demo-paysim-secret \
    --callback-url "http://127.0.0.1:$port/api/v1/payments/callback" \
    --return-url "http://127.0.0.1:$port/ho-so?ma={MaHoSo}" >"$dir/paysim.log" 2>&1 &
  sim_pid=$!
  MOTCUA_CLEANUP+=("kill -TERM $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null")
  wait_for_port "$sim_port" 30 || { cat "$dir/paysim.log"; return 1; }
  "$bin" serve --demo --listen "127.0.0.1:$port" --db "sqlite:$dir/motcua.db" \
    --blob-dir "$dir/blobs" --web-dir "$web" --demo-mail-log "$dir/demo-mail.log" \
    --payment-platform-url "http://127.0.0.1:$sim_port/api/paygov" --payment-partner-code MOTCUA-DEMO \
    --payment-secret demo-paysim-secret --payment-requery-seconds 30 --sync-portal true "$@" >"$dir/serve.log" 2>&1 &
  pid=$!
  MOTCUA_CLEANUP+=("kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf $dir")
  wait_for_port "$port" 30 || { cat "$dir/serve.log"; return 1; }
  export MOTCUA_BASE_URL="http://127.0.0.1:$port"
  # Not MOTCUA_…: motcua reads those as configuration keys.
  export PAYSIM_URL="http://127.0.0.1:$sim_port"
  export MOTCUA_DEMO_MAIL_LOG="$dir/demo-mail.log"
  MOTCUA_SERVE_LOG="$dir/serve.log"
}
