#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
#
# Starts a throw-away PostgreSQL cluster (own temp dir, own port, listening
# only on 127.0.0.1, unix socket inside the temp dir, trust auth), creates the
# database "mitra", exports
#     DATABASE_URL=postgres://postgres@127.0.0.1:PORT/mitra
# (plus PGHOST/PGPORT/PGUSER/PGDATABASE) and runs CMD. The cluster is always
# stopped and its directory removed afterwards; the script exits with CMD's
# exit status.
#
# Environment:
#   WITH_POSTGRES_PORT   preferred port (default 55432; a free one is picked if busy)
#   WITH_POSTGRES_BINDIR directory holding initdb/pg_ctl (default: newest
#                        /usr/lib/postgresql/*/bin, then pg_config --bindir, then PATH)
set -euo pipefail

log() { echo "with-postgres: $*" >&2; }

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

# --- locate the server binaries -------------------------------------------
find_bindir() {
    if [ -n "${WITH_POSTGRES_BINDIR:-}" ]; then
        echo "$WITH_POSTGRES_BINDIR"
        return
    fi
    local d
    # Newest major version first.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return
        fi
    done
    if command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir)"
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return
        fi
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
    return 1
}

if ! BINDIR="$(find_bindir)"; then
    log "PostgreSQL server binaries (initdb, pg_ctl) not found."
    log "Install them with: apt-get install postgresql  (or run scripts/ensure-system-deps.sh as root)"
    exit 127
fi

# --- run server commands as the right user ---------------------------------
if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: use the "postgres" system user.
    if ! id postgres >/dev/null 2>&1; then
        log "running as root but there is no 'postgres' user to run the server as."
        exit 1
    fi
    as_pg() { runuser -u postgres -- "$@"; }
    # The postgres user must be able to reach the directory: use /tmp.
    TMPBASE=/tmp
else
    as_pg() { "$@"; }
    TMPBASE="${TMPDIR:-/tmp}"
fi
# Unix socket paths are limited to ~107 bytes.
if [ "${#TMPBASE}" -gt 60 ]; then
    TMPBASE=/tmp
fi

PGTMP="$(mktemp -d "$TMPBASE/mitra-pg.XXXXXX")"
PGDATA_DIR="$PGTMP/data"
SOCKDIR="$PGTMP/sock"
PGLOG="$PGTMP/postgres.log"

cleanup() {
    local rc=$?
    set +e
    if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
        as_pg "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 20 stop >/dev/null 2>&1 \
            || as_pg "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 10 stop >/dev/null 2>&1
        if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
            local pid
            pid="$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null)"
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                kill -KILL "$pid" 2>/dev/null
            fi
        fi
    fi
    rm -rf "$PGTMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p "$SOCKDIR"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$PGTMP"
fi
chmod 700 "$PGTMP"

# --- initdb ----------------------------------------------------------------
if ! as_pg "$BINDIR/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --no-locale \
        --no-sync >"$PGTMP/initdb.log" 2>&1; then
    log "initdb failed:"
    cat "$PGTMP/initdb.log" >&2
    exit 1
fi

# --- pick a port and start -------------------------------------------------
port_is_free() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

random_free_port() {
    python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

PORT="${WITH_POSTGRES_PORT:-55432}"
if ! port_is_free "$PORT"; then
    PORT="$(random_free_port)"
fi

cat >>"$PGDATA_DIR/postgresql.conf" <<CONF

# --- added by scripts/with-postgres.sh (throw-away test cluster) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKDIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
CONF

started=0
for attempt in 1 2 3 4 5; do
    if as_pg "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG" -w -t 30 \
            -o "-p $PORT" start >/dev/null 2>&1; then
        started=1
        break
    fi
    # Most likely another process grabbed the port in between: try another.
    log "start on port $PORT failed (attempt $attempt), retrying on another port"
    PORT="$(random_free_port)"
done
if [ "$started" -ne 1 ]; then
    log "could not start PostgreSQL. Server log:"
    cat "$PGLOG" >&2 2>/dev/null || true
    exit 1
fi

if ! "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres mitra >"$PGTMP/createdb.log" 2>&1; then
    log "createdb failed:"
    cat "$PGTMP/createdb.log" >&2
    exit 1
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/mitra"
export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres PGDATABASE=mitra
log "PostgreSQL $("$BINDIR/pg_ctl" --version | sed -E 's/^[^0-9]*([0-9][0-9.]*).*/\1/') ready: $DATABASE_URL"

# --- run the command -------------------------------------------------------
# Run it as a child we can wait for, so a TERM/HUP sent to this script (e.g. a
# CI timeout) is forwarded to it and the cluster still gets cleaned up.
# Stdin is passed through explicitly (background jobs would get /dev/null).
# SIGINT is not forwarded: Ctrl-C already reaches the whole process group.
set +e
"$@" <&0 &
child=$!
interrupted=0
trap 'interrupted=1; kill -TERM "$child" 2>/dev/null' TERM
trap 'interrupted=1; kill -HUP "$child" 2>/dev/null' HUP
trap 'interrupted=1' INT
while :; do
    interrupted=0
    wait "$child"
    status=$?
    [ "$interrupted" -eq 1 ] || break
done
set -e
exit "$status"
