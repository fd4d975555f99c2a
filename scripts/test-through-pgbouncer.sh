#!/usr/bin/env bash
# `npm test` through PgBouncer in transaction pooling mode, in front of the PostgreSQL server at
# $PGBOUNCER_SERVER (default 127.0.0.1:5432, user postgres): the apps' pools connect through
# PgBouncer (DATABASE_URL); creating, cloning and migrating databases goes straight to the server
# (DATABASE_DIRECT_URL). Extra arguments go to jest. Needs Debian's pgbouncer (apt-get install
# -y pgbouncer); as root, PgBouncer runs as `postgres` (or `nobody`).
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER="${PGBOUNCER_SERVER:-127.0.0.1:5432}"
HOST="${SERVER%:*}"
SERVER_PORT="${SERVER##*:}"
PGBOUNCER="$(command -v pgbouncer || echo /usr/sbin/pgbouncer)"
if [ ! -x "$PGBOUNCER" ]; then
  echo "pgbouncer is not installed (apt-get install -y pgbouncer)" >&2
  exit 1
fi

DIR="$(mktemp -d -t refund-desk-pgbouncer-XXXXXX)"
PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
cat >"$DIR/pgbouncer.ini" <<INI
[databases]
; Any database name: each test file creates its own.
* = host=$HOST port=$SERVER_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $DIR/users.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
INI
echo '"postgres" ""' >"$DIR/users.txt"
chmod -R a+rX "$DIR"

# PgBouncer refuses to run as root.
USER_FLAG=()
if [ "$(id -u)" = 0 ]; then
  if id postgres >/dev/null 2>&1; then USER_FLAG=(-u postgres); else USER_FLAG=(-u nobody); fi
fi
"$PGBOUNCER" "${USER_FLAG[@]}" "$DIR/pgbouncer.ini" >"$DIR/pgbouncer.log" 2>&1 &
BOUNCER_PID=$!
trap 'kill "$BOUNCER_PID" 2>/dev/null || true; wait "$BOUNCER_PID" 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do
  if node -e "require('net').connect($PORT,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; then
    break
  fi
  sleep 0.1
done

echo "pgbouncer (transaction pooling) on 127.0.0.1:$PORT in front of $SERVER"
status=0
DATABASE_URL="postgresql://postgres@127.0.0.1:$PORT/postgres" \
  DATABASE_DIRECT_URL="postgresql://postgres@$SERVER/postgres" \
  npx jest --maxWorkers=2 "$@" || status=$?
[ "$status" = 0 ] || tail -n 30 "$DIR/pgbouncer.log" >&2
exit "$status"
