#!/usr/bin/env bash
# The production path, tested: a plain PostgreSQL server (Debian's package), a NON-superuser
# owner role (CREATEROLE, CREATEDB, password over TCP), and the app role's password set by
# `python -m db migrate` from MIF_APP_DB_PASSWORD. Runs migrate, seed and the test suite
# without the browser flows against a throw-away cluster, then removes the cluster.
#
#   bash .ci/external_pg.sh                 # the whole suite minus browser tests
#   bash .ci/external_pg.sh tests/cli -x    # extra arguments go to pytest
#
# The cluster lives in a temporary folder, runs as the `postgres` system user on a free
# loopback port and never touches the distribution's own clusters.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON="$ROOT/.venv/bin/python"
if [ ! -x "$PYTHON" ]; then
    echo "No virtualenv in .venv: run \`make test-external\` (it installs one first)." >&2
    exit 1
fi
started=$(date +%s%N)

# Each step prints the time elapsed since the start (the job's duration is the last one).
step() {
    local ms=$((($(date +%s%N) - started) / 1000000))
    printf '\n== [%d.%03d s] %s\n' $((ms / 1000)) $((ms % 1000)) "$1"
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
# Run a command as the `postgres` system user (the server refuses to run as root).
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres -- "$@"
    fi
}

step "PostgreSQL server binaries"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends postgresql
fi
# Debian's server reads the system's time-zone data; the app pins the IANA release of 2026
# (Morocco on UTC+0 since 20 September 2026, db/tz.py). An older system copy is updated from
# the distribution, else the database would write times an hour off.
step "Time-zone data of the system"
if ! "$PYTHON" - <<'PY'
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

with open("/usr/share/zoneinfo/Africa/Casablanca", "rb") as f:
    system = ZoneInfo.from_file(f)
sys.exit(datetime(2026, 11, 23, 12, tzinfo=UTC).astimezone(system).utcoffset().total_seconds() != 0)
PY
then
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends tzdata
fi
dpkg-query -W -f='tzdata ${Version}\n' tzdata 2>/dev/null || true
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
"$PGBIN/postgres" --version

# A short path: the Unix socket of the superuser's set-up connection lives here too.
WORK=$(mktemp -d /tmp/mifpg.XXXXXX)
chmod 755 "$WORK"
chown postgres: "$WORK" 2>/dev/null || $SUDO chown postgres: "$WORK"
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
    status=$?
    if [ -f "$WORK/data/postmaster.pid" ]; then
        as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ "$status" -ne 0 ] && [ -f "$WORK/server.log" ]; then
        echo "---- last lines of the server log"
        tail -n 30 "$WORK/server.log" || true
    fi
    $SUDO rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT INT TERM

step "Throw-away cluster on 127.0.0.1:$PORT"
as_postgres "$PGBIN/initdb" -D "$WORK/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 --no-sync --no-instructions >/dev/null
# Durability is pointless for a cluster deleted in a minute: no fsync makes it faster.
as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null

OWNER=mif_owner
OWNER_PASSWORD=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(18))')
# A lower-case password with a quote and a backslash: what broke `migrate` before.
APP_PASSWORD="app'pw\\$("$PYTHON" -c 'import secrets; print(secrets.token_hex(6))')"
as_postgres "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$WORK" -p "$PORT" -U postgres \
    -d postgres -v owner="$OWNER" -v pw="$OWNER_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'pw' CREATEROLE CREATEDB NOSUPERUSER;
SQL

export DATABASE_URL="postgresql+psycopg://$OWNER:$OWNER_PASSWORD@127.0.0.1:$PORT/mif"
export MIF_APP_DB_PASSWORD="$APP_PASSWORD"
unset APP_DATABASE_URL MIF_DB_NAME MIF_PGDATA MIF_TEST_DB

step "python -m db migrate"
"$PYTHON" -m db migrate
step "python -m db seed"
"$PYTHON" -m db seed
step "python -m db status"
"$PYTHON" -m db status

# Two workers as in `make test` (a test database each), unless arguments choose otherwise.
step "pytest -m 'not browser'"
if [ "$#" -eq 0 ]; then
    set -- -n 2 --dist loadfile
fi
"$ROOT/.venv/bin/pytest" -m "not browser" -p no:cacheprovider "$@"

step "done: migrate, seed and tests passed on $("$PGBIN/postgres" --version)"
