#!/usr/bin/env bash
# bench/bench_list.sh BUILD_DIR [DIALECT…]
#
# The lists, filters, searches and counts of GET /simulations and /metrics, timed with wrk
# against `aisim serve` (one request at a time on one connection, the median latency) on a
# database of 1,000 runs beside one of 1,000,000 runs, filled by fill_database. DIALECT is
# sqlite (default) and/or postgresql (needs AISIM_BENCH_POSTGRES_URL, a server URL whose user
# may create databases). Writes bench/results/bench_list-DIALECT.md and prints it.
#
# POST /simulation is timed by bench/benchclient.py posttime (on one connection, see measure).
# Environment: BENCH_RUNS_LARGE (1000000), BENCH_RUNS_SMALL (1000), BENCH_POINTS (10).
set -euo pipefail

build=${1:?usage: bench_list.sh BUILD_DIR [sqlite] [postgresql]}
shift
dialects=("${@:-sqlite}")
here=$(cd "$(dirname "$0")" && pwd)
aisim=$build/app/aisim
fill=$build/bench/fill_database
large=${BENCH_RUNS_LARGE:-1000000}
small=${BENCH_RUNS_SMALL:-1000}
points=${BENCH_POINTS:-10}
work=$(mktemp -d /tmp/bench_list.XXXXXX)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

# The opaque after= cursor of the API for an order, a direction, a key and an id.
cursor() {
    printf '["%s","%s","%s","%s"]' "$1" "$2" "$3" "$4" | base64 -w0 | tr '+/' '-_' | tr -d '='
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() { # URL
    port=$(free_port)
    "$aisim" serve --database "$1" --port "$port" --no-auth --workers 0 >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 600); do
        curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
        sleep 0.1
    done
    cat "$work/server.log" >&2
    return 1
}

stop_server() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=
}

# The median latency of a GET read from the database (Cache-Control: no-cache: not the answer
# a server thread kept), in milliseconds: wrk on one kept-alive connection for two
# seconds (from hundreds of requests to a few), after one request that warms the page cache of
# the database connection of the HTTP thread that serves the connection.
time_request() { # PATH
    curl -s -o /dev/null "http://127.0.0.1:$port$1"
    wrk --latency -t1 -c1 -d2s -H "Cache-Control: no-cache" "http://127.0.0.1:$port$1" | awk '$1 == "50%" {
        value = $2 + 0
        if ($2 ~ /us$/) value /= 1000
        else if ($2 !~ /ms$/) value *= 1000
        printf "%.2f", value }'
}

# How many runs an answer holds (empty for an answer that is not a list): a page holds fewer
# than its limit where few runs match, as in the small database.
rows_of() { # PATH
    curl -s -H "Cache-Control: no-cache" "http://127.0.0.1:$port$1" | python3 -c '
import json, sys
try:
    answer = json.load(sys.stdin)
    print(len(answer) if isinstance(answer, list) else "")
except ValueError:
    print("")'
}

# The requests of the table, for a database of N runs: "label|path".
requests() { # N
    local n=$1 base=1700000000000
    local mid=$((n / 2)) end=$((n - 100))
    local failed_deep=$((n * 19 / 20 / 50 * 50)) # a failed run (every 50th) near the end
    echo "GET /simulation/{id}|/simulation/$mid"
    echo "?limit=100|/simulations?limit=100"
    echo "?limit=100&offset=N/2|/simulations?limit=100&offset=$mid"
    echo "?limit=100&offset=N-100|/simulations?limit=100&offset=$end"
    echo "?limit=100&after= (row N/2)|/simulations?limit=100&after=$(cursor creation_date asc $((base + mid * 1000)) "$mid")"
    echo "?limit=100&after= (row N-100)|/simulations?limit=100&after=$(cursor creation_date asc $((base + end * 1000)) "$end")"
    echo "?order=desc&limit=100&after= (row N/2)|/simulations?order=desc&limit=100&after=$(cursor creation_date desc $((base + mid * 1000)) "$mid")"
    echo "?order_by=name&limit=100&offset=N-100|/simulations?order_by=name&limit=100&offset=$end"
    echo "?order_by=name&limit=100&after= (row N-100)|/simulations?order_by=name&limit=100&after=$(cursor name asc "run-$(printf '%020d' "$end")" "$end")"
    echo "?order_by=update_date&order=desc&limit=100&after= (row N/2)|/simulations?order_by=update_date&order=desc&limit=100&after=$(cursor update_date desc $((base + mid * 1000 + 10000)) "$mid")"
    echo "?order_by=status&limit=100&after= (row N/2)|/simulations?order_by=status&limit=100&after=$(cursor status asc 2 "$((mid + 1))")"
    echo "?order_by=machine_id&limit=100&after= (row N/2)|/simulations?order_by=machine_id&limit=100&after=$(cursor machine_id asc 101 "$mid")"
    echo "?status=failed&limit=100|/simulations?status=failed&limit=100"
    echo "?status=failed&limit=100&after= (deep)|/simulations?status=failed&limit=100&after=$(cursor creation_date asc $((base + failed_deep * 1000)) "$failed_deep")"
    echo "?machine_id=102&limit=100&offset= (near its end)|/simulations?machine_id=102&limit=100&offset=$((n / 2 - n / 1000 - 100))"
    echo "?machine_id=102&limit=100&after= (row N/2)|/simulations?machine_id=102&limit=100&after=$(cursor creation_date asc $((base + (mid + 1) * 1000)) "$((mid + 1))")"
    echo "?status=failed&machine_id=101&order_by=name&limit=100|/simulations?status=failed&machine_id=101&order_by=name&limit=100"
    echo "?name=0000424&limit=100 (one match)|/simulations?name=0000424&limit=100"
    echo "?name=042&limit=100 (3 characters)|/simulations?name=042&limit=100"
    echo "?name=042&order=desc&limit=100 (its matches sparse at that end)|/simulations?name=042&order=desc&limit=100"
    echo "?name=0424&limit=100 (0.13 % of the runs)|/simulations?name=0424&limit=100"
    echo "?name=RUN&limit=100 (every run)|/simulations?name=RUN&limit=100"
    echo "?name=RUN&status=failed&limit=100|/simulations?name=RUN&status=failed&limit=100"
    echo "?name=42&limit=100 (2 characters)|/simulations?name=42&limit=100"
    echo "?name=0000424&status=failed&order_by=name&limit=100|/simulations?name=0000424&status=failed&order_by=name&limit=100"
    echo "GET /metrics|/metrics"
}

measure() { # DIALECT URL N -> writes $work/DIALECT-N.times
    local dialect=$1 url=$2 n=$3 out=$work/$1-$3.times
    "$fill" --database "$url" --runs "$n" --points "$points" >&2
    sync # the fill's writes leave the disk before anything is timed
    start_server "$url"
    : >"$out"
    while IFS='|' read -r label path; do
        printf '%s|%s|%s\n' "$label" "$(time_request "$path")" "$(rows_of "$path")" >>"$out"
    done < <(requests "$n")
    # What a POST costs, and what of it the counters and the name index: the mean of POSTs on
    # one connection with their triggers and without, after 300 that warm the database's pages
    # (else whichever comes first pays for reading them), three rounds of 500 each way, the
    # triggers (and on PostgreSQL the trigram index) dropped and made again.
    local with=0 without=0 upkeep a b
    posttime() { python3 "$here/benchclient.py" posttime "http://127.0.0.1:$port" "$1" 101; }
    if [ "$dialect" = sqlite ]; then
        local db=${url#sqlite://}
        upkeep=$(sqlite3 "$db" "SELECT group_concat(sql, ';') || ';' FROM sqlite_master
            WHERE name IN ('simulations_count_insert', 'simulation_names_insert', 'simulations_block_insert')")
        drop_upkeep() { sqlite3 "$db" "DROP TRIGGER simulations_count_insert; DROP TRIGGER simulation_names_insert; DROP TRIGGER simulations_block_insert;"; }
        make_upkeep() { sqlite3 "$db" "$upkeep"; }
    else
        upkeep=$(psql -Atq "$url" \
            -c "SELECT pg_get_triggerdef(oid) || ';' FROM pg_trigger WHERE tgname = 'simulations_count_insert'" \
            -c "SELECT pg_get_indexdef('simulations_name_trgm_idx'::regclass) || ';'")
        drop_upkeep() { psql -q "$url" -c "DROP TRIGGER simulations_count_insert ON simulations; DROP INDEX simulations_name_trgm_idx;"; }
        make_upkeep() { psql -q "$url" -c "$upkeep"; }
    fi
    posttime 300 >/dev/null
    for _ in 1 2 3; do
        a=$(posttime 500)
        drop_upkeep
        b=$(posttime 500)
        make_upkeep
        read -r with without < <(awk -v w="$with" -v o="$without" -v a="$a" -v b="$b" \
            'BEGIN { printf "%.3f %.3f\n", w + a / 3, o + b / 3 }')
    done
    printf 'POST /simulation (mean, after 300 to warm up)|%s\n' "$with" >>"$out"
    printf 'POST /simulation without counter and name index upkeep|%s\n' "$without" >>"$out"
    printf 'counter and name index upkeep, %% of a POST|%s\n' \
        "$(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.1f", (a - b) * 100 / a }')" >>"$out"
    # The original's answer: every run, streamed; the server's peak memory after it.
    local seconds bytes code
    printf 'server RSS before it, MB|%s\n' \
        "$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")" >>"$out"
    read -r seconds bytes code < <(curl -s -o /dev/null \
        -w '%{time_total} %{size_download} %{http_code}\n' "http://127.0.0.1:$port/simulations")
    printf 'GET /simulations (unpaged, status %s)|%s\n' "$code" \
        "$(awk -v t="$seconds" 'BEGIN { printf "%.2f", t * 1000 }')" >>"$out"
    printf 'its size, MB|%s\n' "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')" >>"$out"
    printf 'server peak RSS, MB|%s\n' \
        "$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")" >>"$out"
    stop_server
}

database_url() { # DIALECT N
    if [ "$1" = sqlite ]; then
        echo "sqlite://$work/runs-$2.db"
    else
        local server=${AISIM_BENCH_POSTGRES_URL:?set AISIM_BENCH_POSTGRES_URL}
        local name=bench_list_$2_$$
        psql -q "$server" -c "CREATE DATABASE $name" >&2
        echo "${server%/*}/$name"
    fi
}

drop_database() { # DIALECT N
    [ "$1" = postgresql ] || return 0
    psql -q "$AISIM_BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS bench_list_$2_$$" >&2
}

mkdir -p "$here/results"
for dialect in "${dialects[@]}"; do
    for n in "$small" "$large"; do
        measure "$dialect" "$(database_url "$dialect" "$n")" "$n"
        drop_database "$dialect" "$n"
    done
    result=$here/results/bench_list-$dialect.md
    {
        echo "# GET /simulations at $small and $large runs ($dialect)"
        echo
        echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, median latency in ms of wrk on one connection for 2 s; ratio = large / small."
        echo
        echo "| request | $small runs | rows | $large runs | rows | ratio |"
        echo "|---|---:|---:|---:|---:|---:|"
        paste -d'|' <(awk -F'|' -v OFS='|' '{ print $1, $2, $3 }' "$work/$dialect-$small.times") \
            <(awk -F'|' -v OFS='|' '{ print $2, $3 }' "$work/$dialect-$large.times") |
            awk -F'|' '{ r = ($2 > 0) ? sprintf("%.2f", $4 / $2) : "-"
                printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, r }'
    } >"$result"
    cat "$result"
done
