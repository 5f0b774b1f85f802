#!/usr/bin/env bash
# bench/bench_list.sh BUILD_DIR [DIALECT…]
#
# The lists, filters, searches and counts of GET /simulations and /metrics, timed with wrk
# against `aisim serve` (one request at a time on one connection, the median latency) on a
# database of 1,000 runs beside one of 1,000,000 runs, filled by fill_database, a server on
# each timed in turn. DIALECT is sqlite (default) and/or postgresql (needs
# AISIM_BENCH_POSTGRES_URL, a server URL whose user may create databases). Writes
# bench/results/bench_list-DIALECT.md and prints it.
#
# POST /simulation is timed by bench/benchclient.py posttime (on one connection, see
# time_posts), on both databases side by side: a server on each, measured in turn.
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
server_pids=()
cleanup() {
    local pid
    for pid in "${server_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# The opaque after= cursor of the API for an order, a direction, a key and an id.
cursor() {
    printf '["%s","%s","%s","%s"]' "$1" "$2" "$3" "$4" | base64 -w0 | tr '+/' '-_' | tr -d '='
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() { # URL -> port, server_pid
    port=$(free_port)
    "$aisim" serve --database "$1" --port "$port" --no-auth --workers 0 >"$work/server.log" 2>&1 &
    server_pid=$!
    server_pids+=("$server_pid")
    for _ in $(seq 600); do
        curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
        sleep 0.1
    done
    cat "$work/server.log" >&2
    return 1
}

stop_server() { # [PID]
    local pid=${1:-$server_pid}
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

# The median latency of a GET read from the database (Cache-Control: no-cache: not the answer
# a server thread kept), in milliseconds: wrk on one kept-alive connection for a second (from
# thousands of requests to a few hundred).
time_request() { # PORT PATH
    wrk --latency -t1 -c1 -d1s -H "Cache-Control: no-cache" "http://127.0.0.1:$1$2" | awk '$1 == "50%" {
        value = $2 + 0
        if ($2 ~ /us$/) value /= 1000
        else if ($2 !~ /ms$/) value *= 1000
        printf "%.2f", value }'
}

# How many runs an answer holds (empty for an answer that is not a list): a page holds fewer
# than its limit where few runs match, as in the small database.
rows_of() { # PORT PATH
    curl -s -H "Cache-Control: no-cache" "http://127.0.0.1:$1$2" | python3 -c '
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
    echo "?status=finished&limit=100&offset=N/2|/simulations?status=finished&limit=100&offset=$mid"
    echo "?machine_id=102&order=desc&limit=100&offset= (the middle of its runs)|/simulations?machine_id=102&order=desc&limit=100&offset=$((n / 4))"
    echo "?status=finished&machine_id=101&limit=100&offset= (the middle of its runs)|/simulations?status=finished&machine_id=101&limit=100&offset=$((n / 4))"
    echo "?order_by=status&limit=100&offset=N/2|/simulations?order_by=status&limit=100&offset=$mid"
    echo "?order_by=status&machine_id=101&limit=100&offset= (the middle of its runs)|/simulations?order_by=status&machine_id=101&limit=100&offset=$((n / 4))"
    echo "?order_by=machine_id&order=desc&limit=100&offset=N/2|/simulations?order_by=machine_id&order=desc&limit=100&offset=$mid"
    echo "?order_by=name&limit=100&offset=N/2|/simulations?order_by=name&limit=100&offset=$mid"
    echo "?order_by=update_date&limit=100&offset=N/2|/simulations?order_by=update_date&limit=100&offset=$mid"
    echo "?order_by=name&order=desc&status=finished&limit=100&offset=N/2|/simulations?order_by=name&order=desc&status=finished&limit=100&offset=$mid"
    echo "?order_by=update_date&machine_id=101&limit=100&offset= (the middle of its runs)|/simulations?order_by=update_date&machine_id=101&limit=100&offset=$((n / 4))"
    echo "?order_by=final_loss&limit=100&offset=N/2|/simulations?order_by=final_loss&limit=100&offset=$mid"
    echo "?order_by=best_loss&order=desc&status=finished&limit=100&offset=N/2|/simulations?order_by=best_loss&order=desc&status=finished&limit=100&offset=$mid"
    echo "?order_by=rate&machine_id=101&limit=100&offset= (the middle of its runs)|/simulations?order_by=rate&machine_id=101&limit=100&offset=$((n / 4))"
    echo "?name=0000424&limit=100 (one match)|/simulations?name=0000424&limit=100"
    echo "?name=run-0000424&limit=100 (a whole name: \"run\" is in every one)|/simulations?name=run-0000424&limit=100"
    echo "?name=042&limit=100 (3 characters)|/simulations?name=042&limit=100"
    echo "?name=042&order=desc&limit=100 (its matches sparse at that end)|/simulations?name=042&order=desc&limit=100"
    echo "?name=0424&limit=100 (0.13 % of the runs)|/simulations?name=0424&limit=100"
    echo "?name=042&status=failed&limit=100 (1.4 % of the runs, spread)|/simulations?name=042&status=failed&limit=100"
    echo "?name=042&machine_id=101&order=desc&limit=100|/simulations?name=042&machine_id=101&order=desc&limit=100"
    echo "?name=RUN&limit=100 (every run)|/simulations?name=RUN&limit=100"
    echo "?name=RUN&status=failed&limit=100|/simulations?name=RUN&status=failed&limit=100"
    echo "?name=run-0000&limit=100 (every trigram common, the oldest runs match)|/simulations?name=run-0000&limit=100"
    echo "?name=run-0000&order=desc&limit=100|/simulations?name=run-0000&order=desc&limit=100"
    echo "?name=run-09&limit=100 (the newest tenth of a million runs match)|/simulations?name=run-09&limit=100"
    echo "?name=run-09&status=failed&limit=100 (the same, failed runs)|/simulations?name=run-09&status=failed&limit=100"
    echo "?name=run-09&limit=100&offset=300 (the same, a later page)|/simulations?name=run-09&limit=100&offset=300"
    echo "?name=run-09&order_by=name&limit=100 (the same, by name)|/simulations?name=run-09&order_by=name&limit=100"
    echo "?name=run-09&machine_id=101&order_by=name&limit=100|/simulations?name=run-09&machine_id=101&order_by=name&limit=100"
    echo "?name=run-09&order_by=name&limit=100&offset=5000|/simulations?name=run-09&order_by=name&limit=100&offset=5000"
    echo "?name=run-09&order_by=update_date&limit=100 (the same, by update date)|/simulations?name=run-09&order_by=update_date&limit=100"
    echo "?name=run-00&order_by=update_date&order=desc&limit=100 (the oldest tenth, last updated first)|/simulations?name=run-00&order_by=update_date&order=desc&limit=100"
    echo "?name=run-09&order_by=update_date&limit=100&offset=5000|/simulations?name=run-09&order_by=update_date&limit=100&offset=5000"
    echo "?name=run-09&order_by=status&limit=100|/simulations?name=run-09&order_by=status&limit=100"
    echo "?name=run-09&order_by=machine_id&limit=100|/simulations?name=run-09&order_by=machine_id&limit=100"
    echo "?name=042&status=failed&order_by=name&limit=100|/simulations?name=042&status=failed&order_by=name&limit=100"
    echo "?name=171&order_by=name&limit=100 (3 digits, in 0.4 % of the runs)|/simulations?name=171&order_by=name&limit=100"
    echo "?name=424&order_by=status&limit=100|/simulations?name=424&order_by=status&limit=100"
    echo "?name=555&order_by=update_date&limit=100|/simulations?name=555&order_by=update_date&limit=100"
    echo "?name=303&order_by=name&order=desc&limit=100 (sparse at that end)|/simulations?name=303&order_by=name&order=desc&limit=100"
    echo "?name=555&order_by=machine_id&limit=100|/simulations?name=555&order_by=machine_id&limit=100"
    echo "?name=042&order_by=machine_id&order=desc&limit=100|/simulations?name=042&order_by=machine_id&order=desc&limit=100"
    echo "?name=555&order_by=update_date&limit=100&offset=3000 (deep among its 3,700 matches)|/simulations?name=555&order_by=update_date&limit=100&offset=3000"
    echo "?name=171&order_by=name&limit=100&offset=1500|/simulations?name=171&order_by=name&limit=100&offset=1500"
    echo "?name=042&order_by=name&order=desc&limit=100&offset=2000|/simulations?name=042&order_by=name&order=desc&limit=100&offset=2000"
    echo "?name=42&limit=100 (2 characters)|/simulations?name=42&limit=100"
    echo "?name=0000424&status=failed&order_by=name&limit=100|/simulations?name=0000424&status=failed&order_by=name&limit=100"
    echo "?name=0000424&status=finished&limit=100 (the status of most runs, which the name index has no key for)|/simulations?name=0000424&status=finished&limit=100"
    echo "?name=042&status=cancelled&order_by=update_date&limit=100 (a status of no run)|/simulations?name=042&status=cancelled&order_by=update_date&limit=100"
    echo "?name=---&limit=100 (no letter or digit: no trigram for pg_trgm)|/simulations?name=---&limit=100"
    echo "?name=x--&order_by=name&limit=100 (one letter before separators: none either)|/simulations?name=x--&order_by=name&limit=100"
    echo "GET /metrics|/metrics"
}

fill() { # URL N
    "$fill" --database "$1" --runs "$2" --points "$points" >&2
}

# Every request on both databases side by side: a server on each, the request timed on one,
# then on the other, three rounds, the median of each size's three kept; whatever else the
# machine does meanwhile falls on both sizes alike. The first request of each warms the page
# cache of the database connection of the HTTP thread that serves the connection.
time_requests() { # SMALL_URL LARGE_URL -> writes $work/SMALL.times and LARGE.times
    local size i label path
    local -A url_of=([$small]=$1 [$large]=$2) port_of pid_of
    local -a labels
    local -A paths
    for size in "$small" "$large"; do
        start_server "${url_of[$size]}"
        port_of[$size]=$port
        pid_of[$size]=$server_pid
        i=0
        labels=()
        while IFS='|' read -r label path; do
            labels+=("$label")
            paths[$size,$i]=$path
            i=$((i + 1))
        done < <(requests "$size")
        : >"$work/$size.times"
    done
    for i in "${!labels[@]}"; do
        for size in "$small" "$large"; do
            curl -s -o /dev/null "http://127.0.0.1:${port_of[$size]}${paths[$size,$i]}"
        done
        time_in_turn "${labels[$i]}" "${port_of[$small]}" "${paths[$small,$i]}" \
            "${port_of[$large]}" "${paths[$large,$i]}"
    done
    for size in "$small" "$large"; do
        stop_server "${pid_of[$size]}"
    done
}

# One request timed on the server of each size in turn, three rounds: the median of each size's
# three, and the rows of its answer, appended to the size's times.
time_in_turn() { # LABEL SMALL_PORT SMALL_PATH LARGE_PORT LARGE_PATH
    local label=$1 size round
    local -A port_of=([$small]=$2 [$large]=$4) path_of=([$small]=$3 [$large]=$5) times=()
    for round in 1 2 3; do
        for size in "$small" "$large"; do
            times[$size]+="$(time_request "${port_of[$size]}" "${path_of[$size]}") "
        done
    done
    for size in "$small" "$large"; do
        printf '%s|%s|%s\n' "$label" \
            "$(tr ' ' '\n' <<<"${times[$size]}" | grep . | sort -g | sed -n 2p)" \
            "$(rows_of "${port_of[$size]}" "${path_of[$size]}")" >>"$work/$size.times"
    done
}

# A search's estimates of its text (the planner's counts, the sampled share) are kept for its
# next searches for a few seconds (NameSearch::kEstimatesLifetimeMs), so wrk's repeated requests
# above read them once. Here the first request of texts not searched before, on one connection
# with curl (its time_total), beside the same text asked again at once: the median of three texts
# that 1.4 % of the runs bear (at a million runs too many to count: estimated from the sample).
time_first_searches() { # URL N -> appends to $work/N.times
    local out=$work/$2.times text
    local -a urls=() times
    start_server "$1"
    # One kept-alive connection, served by one thread and its database connection: first a
    # text that prepares the statements and reads the pages, then each text twice.
    for text in 099 099 043 043 051 051 062 062; do
        urls+=(-o /dev/null "http://127.0.0.1:$port/simulations?name=$text&limit=100")
    done
    mapfile -t times < <(curl -s -H "Cache-Control: no-cache" -w '%{time_total}\n' "${urls[@]}")
    median_ms() { printf '%s\n' "$@" | sort -g | sed -n 2p | awk '{ printf "%.2f", $1 * 1000 }'; }
    printf '?name=043&limit=100 and two other texts, first request (curl)|%s\n' \
        "$(median_ms "${times[2]}" "${times[4]}" "${times[6]}")" >>"$out"
    printf 'the same texts again at once (curl)|%s\n' \
        "$(median_ms "${times[3]}" "${times[5]}" "${times[7]}")" >>"$out"
    stop_server
}

# The upkeep of a POST: the triggers of the counters, the name index, the blocks (which count the
# names whose three characters the housekeeper is to gather), the blocks' runs per machine and
# status and the ranges of the loss orders (on PostgreSQL the counters' trigger, which keeps the
# blocks and their runs too, the ranges' trigger per statement, and the trigram index).
upkeep_of() { # DIALECT URL
    if [ "$1" = sqlite ]; then
        sqlite3 "${2#sqlite://}" "SELECT group_concat(sql, ';') || ';' FROM sqlite_master
            WHERE name IN ('simulations_count_insert', 'simulation_names_insert', 'simulations_block_insert',
                           'simulations_counted_block_runs_insert', 'simulations_key_ranges_insert')"
    else
        psql -Atq "$2" \
            -c "SELECT pg_get_triggerdef(oid) || ';' FROM pg_trigger
                WHERE tgname IN ('simulations_count_insert', 'simulations_key_ranges_insert')" \
            -c "SELECT pg_get_indexdef('simulations_name_trgm_idx'::regclass) || ';'"
    fi
}

drop_upkeep() { # DIALECT URL
    if [ "$1" = sqlite ]; then
        sqlite3 "${2#sqlite://}" "DROP TRIGGER simulations_count_insert; DROP TRIGGER simulation_names_insert; DROP TRIGGER simulations_block_insert; DROP TRIGGER simulations_counted_block_runs_insert; DROP TRIGGER simulations_key_ranges_insert;"
    else
        psql -q "$2" -c "DROP TRIGGER simulations_count_insert ON simulations; DROP TRIGGER simulations_key_ranges_insert ON simulations; DROP INDEX simulations_name_trgm_idx;"
    fi
}

# Made again, and what that wrote on the disk before the next POST is timed: the trigram
# index built afresh on a million runs would otherwise slow whichever server comes next.
make_upkeep() { # DIALECT URL UPKEEP
    if [ "$1" = sqlite ]; then
        sqlite3 "${2#sqlite://}" "$3"
    else
        psql -q "$2" -c "$3"
        psql -q "$2" -c "CHECKPOINT"
    fi
    sync
}

# What a POST costs, and what of it the counters, the name index and the blocks, at both sizes:
# the mean of POSTs on one connection with their upkeep and without, after 300 that warm the
# database's pages (else whichever comes first pays for reading them), three rounds of 500 each
# way, the upkeep dropped and made again; a server on each database, measured in turn, so that
# whatever else the machine does meanwhile falls on both sizes alike.
time_posts() { # DIALECT SMALL_URL LARGE_URL -> appends to $work/SMALL.times and LARGE.times
    local dialect=$1 size a b
    local -A url_of=([$small]=$2 [$large]=$3) port_of pid_of upkeep with without
    posttime() { python3 "$here/benchclient.py" posttime "http://127.0.0.1:$1" "$2" 101; }
    for size in "$small" "$large"; do
        start_server "${url_of[$size]}"
        port_of[$size]=$port
        pid_of[$size]=$server_pid
        upkeep[$size]=$(upkeep_of "$dialect" "${url_of[$size]}")
        posttime "$port" 300 >/dev/null
        with[$size]=0
        without[$size]=0
    done
    for _ in 1 2 3; do
        for size in "$small" "$large"; do
            a=$(posttime "${port_of[$size]}" 500)
            drop_upkeep "$dialect" "${url_of[$size]}"
            b=$(posttime "${port_of[$size]}" 500)
            make_upkeep "$dialect" "${url_of[$size]}" "${upkeep[$size]}"
            read -r "with[$size]" "without[$size]" < <(awk -v w="${with[$size]}" \
                -v o="${without[$size]}" -v a="$a" -v b="$b" \
                'BEGIN { printf "%.3f %.3f\n", w + a / 3, o + b / 3 }')
        done
    done
    for size in "$small" "$large"; do
        stop_server "${pid_of[$size]}"
        {
            printf 'POST /simulation (mean, after 300 to warm up)|%s\n' "${with[$size]}"
            printf 'POST /simulation without counter, name index and block upkeep|%s\n' "${without[$size]}"
            printf 'counter, name index and block upkeep, %% of a POST|%s\n' \
                "$(awk -v a="${with[$size]}" -v b="${without[$size]}" 'BEGIN { printf "%.1f", (a - b) * 100 / a }')"
        } >>"$work/$size.times"
    done
}

# Searches among runs just written: 5,000 runs added to each database, one POST after another
# (names of letters, which none of the texts searched for holds), then a few seconds as a user
# would take to search, then searches of the table above timed again (last: the runs added would
# change the answers above). PostgreSQL's trigram index gathers the entries of new rows in a
# pending list that every search reads, until the upkeep moves them into the index, every tick;
# the characters of the newest block's names are gathered every half minute, and until then a
# search counts that block's matches through the index.
time_searches_after_writes() { # SMALL_URL LARGE_URL -> appends to $work/SMALL.times and LARGE.times
    local size i
    local -A url_of=([$small]=$1 [$large]=$2) port_of pid_of
    local -a labels=("?name=042&limit=100, 5,000 runs just added"
        "?name=555&order_by=update_date&limit=100, the same"
        "?name=042&machine_id=101&order=desc&limit=100, the same")
    local -a paths=("/simulations?name=042&limit=100"
        "/simulations?name=555&order_by=update_date&limit=100"
        "/simulations?name=042&machine_id=101&order=desc&limit=100")
    for size in "$small" "$large"; do
        start_server "${url_of[$size]}"
        port_of[$size]=$port
        pid_of[$size]=$server_pid
        python3 "$here/benchclient.py" named "http://127.0.0.1:$port" 5000 101 added
    done
    sleep 3
    for i in "${!labels[@]}"; do
        time_in_turn "${labels[$i]}" "${port_of[$small]}" "${paths[$i]}" "${port_of[$large]}" \
            "${paths[$i]}"
    done
    for size in "$small" "$large"; do
        stop_server "${pid_of[$size]}"
    done
}

# The original's answer: every run, streamed; the server's peak memory after it.
time_unpaged() { # URL N -> appends to $work/N.times
    local out=$work/$2.times seconds bytes code
    start_server "$1"
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
    small_url=$(database_url "$dialect" "$small")
    large_url=$(database_url "$dialect" "$large")
    fill "$small_url" "$small"
    fill "$large_url" "$large"
    sync # the fills' writes leave the disk before anything is timed
    time_requests "$small_url" "$large_url"
    time_first_searches "$small_url" "$small"
    time_first_searches "$large_url" "$large"
    time_posts "$dialect" "$small_url" "$large_url"
    time_unpaged "$small_url" "$small"
    time_unpaged "$large_url" "$large"
    time_searches_after_writes "$small_url" "$large_url"
    drop_database "$dialect" "$small"
    drop_database "$dialect" "$large"
    result=$here/results/bench_list-$dialect.md
    {
        echo "# GET /simulations at $small and $large runs ($dialect)"
        echo
        echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, median latency in ms of wrk on one connection for 1 s, the middle of three taken in turn on both sizes; ratio = large / small."
        echo
        echo "| request | $small runs | rows | $large runs | rows | ratio |"
        echo "|---|---:|---:|---:|---:|---:|"
        paste -d'|' <(awk -F'|' -v OFS='|' '{ print $1, $2, $3 }' "$work/$small.times") \
            <(awk -F'|' -v OFS='|' '{ print $2, $3 }' "$work/$large.times") |
            awk -F'|' '{ r = ($2 > 0) ? sprintf("%.2f", $4 / $2) : "-"
                printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, r }'
    } >"$result"
    cat "$result"
done
