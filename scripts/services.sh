#!/usr/bin/env bash
# Make sure the local PostgreSQL (127.0.0.1:5432, trust auth, database `test`) and Redis
# (127.0.0.1:6379) that the tests use are up; start them with this machine's commands if not.
# Exits non-zero with a clear message if either cannot be brought up within WAIT seconds.
set -euo pipefail

PGHOST=127.0.0.1
PGPORT=5432
PGUSER=${PGUSER:-postgres}
PGDB=test
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
WAIT=${SERVICES_WAIT:-30}

die() { echo "services.sh: ERROR: $*" >&2; exit 1; }
log() { echo "services.sh: $*"; }

pg_up()    { pg_isready -q -h "$PGHOST" -p "$PGPORT"; }
redis_up() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

wait_for() {  # wait_for NAME CHECK_FN
    local name=$1 fn=$2 i
    for ((i = 0; i < WAIT; i++)); do
        "$fn" && return 0
        sleep 1
    done
    return 1
}

# --- PostgreSQL -------------------------------------------------------------------------
command -v pg_isready >/dev/null || die "pg_isready not found (install Debian package postgresql-client / postgresql)"
if pg_up; then
    log "PostgreSQL is up at $PGHOST:$PGPORT"
else
    log "PostgreSQL is down; starting it"
    [ -d /etc/postgresql ] || die "no /etc/postgresql: PostgreSQL server is not installed"
    command -v pg_ctlcluster >/dev/null || die "pg_ctlcluster not found (Debian postgresql-common)"
    for version in $(ls /etc/postgresql); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start \
            || log "pg_ctlcluster $version main start failed (may already be starting)"
    done
    wait_for PostgreSQL pg_up || die "PostgreSQL did not answer on $PGHOST:$PGPORT within ${WAIT}s (see /var/log/postgresql/)"
    log "PostgreSQL started"
fi

if ! psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PGDB'" | grep -q 1; then
    log "creating database $PGDB"
    createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$PGDB" || die "could not create database $PGDB"
fi
psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$PGDB" -tAc 'SELECT 1' >/dev/null \
    || die "cannot connect to database $PGDB as $PGUSER at $PGHOST:$PGPORT"
log "database $PGDB is reachable as $PGUSER"

# --- Redis ------------------------------------------------------------------------------
command -v redis-cli >/dev/null || die "redis-cli not found (install Debian package redis-server / redis-tools)"
if redis_up; then
    log "Redis is up at $REDIS_HOST:$REDIS_PORT"
else
    log "Redis is down; starting it"
    command -v redis-server >/dev/null || die "redis-server not found (install Debian package redis-server)"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log \
        || log "redis-server returned non-zero"
    wait_for Redis redis_up || die "Redis did not answer PING on $REDIS_HOST:$REDIS_PORT within ${WAIT}s (see /var/log/redis/ci.log)"
    log "Redis started"
fi
log "all services up"
