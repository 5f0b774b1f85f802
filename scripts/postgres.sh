# A throwaway PostgreSQL server on a free loopback port, in a temporary folder, run as a
# non-root user. Source it, then call start_throwaway_postgres / stop_throwaway_postgres.

_pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [ -n "$dir" ] || { echo "PostgreSQL server binaries not found" >&2; return 1; }
    echo "$dir"
}

# Runs a command as the server's user: postgres when we are root, ourselves otherwise.
_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A loopback port nothing listens on, found with bash alone (a bare Debian has no python3).
# It is taken below the kernel's range of ephemeral ports, where a client's connection (or
# one closing) may hold any port however free it looks, and a later bind() fails.
_free_port() {
    local port low=32768
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
    [ "$low" -gt 20100 ] || low=49152
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % (low - 20000)))
        (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
    done
    echo "no free loopback port found" >&2
    return 1
}

start_throwaway_postgres() {
    local bin
    bin=$(_pg_bin)
    AISIM_PG_DIR=$(mktemp -d /tmp/aisim-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$AISIM_PG_DIR"
    local port user
    port=$(_free_port)
    user=$([ "$(id -u)" -eq 0 ] && echo postgres || id -un)
    _pg_as_owner "$bin/initdb" -D "$AISIM_PG_DIR/data" -U "$user" --auth=trust -E UTF8 \
        >"$AISIM_PG_DIR/initdb.log" 2>&1 || { cat "$AISIM_PG_DIR/initdb.log" >&2; return 1; }
    _pg_as_owner "$bin/pg_ctl" -D "$AISIM_PG_DIR/data" -l "$AISIM_PG_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $AISIM_PG_DIR -c fsync=off -c max_connections=200" \
        start >/dev/null || { cat "$AISIM_PG_DIR/server.log" >&2; return 1; }
    AISIM_PG_URL="postgresql://$user@127.0.0.1:$port/postgres"
    export AISIM_PG_DIR AISIM_PG_URL
}

stop_throwaway_postgres() {
    [ -n "${AISIM_PG_DIR:-}" ] && [ -d "$AISIM_PG_DIR/data" ] || return 0
    _pg_as_owner "$(_pg_bin)/pg_ctl" -D "$AISIM_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$AISIM_PG_DIR"
    unset AISIM_PG_DIR
}
