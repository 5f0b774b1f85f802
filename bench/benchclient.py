#!/usr/bin/env python3
"""Small clients and the report of scripts/bench (Python standard library only).

  benchclient.py fill URL TOKEN COUNT MACHINE POINTS PACE_MS    create runs over one connection
  benchclient.py spaced URL TOKEN COUNT MACHINE GAP_MS          create runs one at a time, apart
  benchclient.py posttime URL COUNT MACHINE                     mean ms of COUNT POSTs, one connection
  benchclient.py named URL COUNT MACHINE PREFIX                 create runs named PREFIX-aaaa, -aaab …
  benchclient.py wrk FILE                                       req/s and p99 (ms) of a wrk log
  benchclient.py wire FILE PORT                                 answers, p50 and p99 (ms) on the wire
  benchclient.py report RESULTS.tsv OUT.md OUT.json MODE        the tables, with the ratios
"""
import http.client
import json
import re
import sys
import time
import urllib.parse


def connect(url):
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)


def post_run(conn, token, machine, points, pace_ms, name="bench run"):
    body = json.dumps({"name": name, "machine_id": machine,
                       "parameters": {"points": points, "pace_ms": pace_ms}})
    conn.request("POST", "/simulation", body,
                 {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    if response.status != 201:
        raise SystemExit(f"POST /simulation answered {response.status}")


def fill(url, token, count, machine, points, pace_ms):
    conn = connect(url)
    for _ in range(int(count)):
        post_run(conn, token, int(machine), int(points), int(pace_ms))


def posttime(url, count, machine):
    """The mean time of a POST /simulation, one after another on one kept-alive connection,
    after ten to warm up; a server without tokens (--no-auth)."""
    conn = connect(url)
    for _ in range(10):
        post_run(conn, "", int(machine), 1, 0)
    start = time.perf_counter()
    for _ in range(int(count)):
        post_run(conn, "", int(machine), 1, 0)
    print(f"{(time.perf_counter() - start) * 1000 / int(count):.3f}")


def named(url, count, machine, prefix):
    """Runs with names of letters alone, each another (no digit: no match of a search of
    digits), one after another on one kept-alive connection; a server without tokens."""
    conn = connect(url)
    for i in range(int(count)):
        letters = ""
        for _ in range(4):
            letters = chr(ord("a") + i % 26) + letters
            i //= 26
        post_run(conn, "", int(machine), 1, 0, f"{prefix}-{letters}")


def spaced(url, token, count, machine, gap_ms):
    conn = connect(url)
    for _ in range(int(count)):
        post_run(conn, token, int(machine), 1, 0)
        time.sleep(int(gap_ms) / 1000)


def wrk_figures(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    print(rate.group(1) if rate else "0",
          f"{float(p99.group(1)) * scale[p99.group(2)]:.2f}" if p99 else "0",
          errors.group(1) if errors else "0")


def wire(path, port):
    """The time from each request to its answer as the loopback saw them: FILE is what
    `tcpdump -nn -tt -q -r` prints of the packets that carry data to and from PORT. Each
    connection has one request in flight, so an answer belongs to the last request of its
    client port. The time is the server's own, from the request leaving the client to the
    answer leaving the server, before the client's side of the kernel and the client see it."""
    sent = {}
    times = []
    pattern = re.compile(r"^(\d+\.\d+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+): tcp \d+")
    for line in open(path, encoding="utf-8", errors="replace"):
        match = pattern.match(line)
        if not match:
            continue
        at, source, target = float(match.group(1)), match.group(2), match.group(3)
        if target == port:
            sent[source] = at
        elif source == port and target in sent:
            times.append((at - sent.pop(target)) * 1000)
    times.sort()
    if not times:
        print("0 0 0")
        return
    print(len(times), f"{times[len(times) // 2]:.2f}", f"{times[(len(times) - 1) * 99 // 100]:.2f}")


def fmt(value, unit=""):
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}{unit}"
    return f"{value:.2f}{unit}" if abs(value) < 10 else f"{value:.1f}{unit}"


def ratio(a, b):
    return None if not a or not b else a / b


def report(results_path, md_path, json_path, mode):
    figures = {}
    # Words, whatever they look like (a commit's short hash may be all digits).
    words = {"commit", "date", "mode", "build", "machine", "sqlite_integrity"}
    for line in open(results_path, encoding="utf-8"):
        key, _, value = line.rstrip("\n").partition("\t")
        try:
            figures[key] = value if key in words else float(value)
        except ValueError:
            figures[key] = value
    get = figures.get

    rows = []
    http_rows = [
        ("GET /simulation/{id}", "id"),
        ("GET /simulations, 1,000 rows", "list"),
        ("GET /converge/{id}", "converge"),
    ]
    lines = [
        "# scripts/bench results",
        "",
        f"Mode: {mode}. Machine: {get('machine', '?')}. Date: {get('date', '?')}. "
        f"Commit: {get('commit', '?')}. aisim: {get('build', '?')}.",
        "Every figure of a table was measured in the same run; ratios are aisim over the baseline.",
        "",
        "## HTTP reads (SQLite, token, wrk -t2 -c64)",
        "",
        "| work | bytes | aisim req/s | p99 ms | bare QHttpServer req/s | nginx req/s "
        "| aisim / bare | aisim / nginx |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, key in http_rows:
        a, bare, nginx = get(f"{key}_aisim"), get(f"{key}_bare"), get(f"{key}_nginx")
        lines.append(
            f"| {label} | {fmt(get(f'{key}_bytes'))} | {fmt(a)} | {fmt(get(f'{key}_aisim_p99'))} "
            f"| {fmt(bare)} | {fmt(nginx)} | {fmt(ratio(a, bare))} | {fmt(ratio(a, nginx))} |")
        rows.append({"work": label, "aisim_rps": a, "aisim_p99_ms": get(f"{key}_aisim_p99"),
                     "bare_rps": bare, "nginx_rps": nginx, "bytes": get(f"{key}_bytes"),
                     "ratio_bare": ratio(a, bare), "ratio_nginx": ratio(a, nginx)})
    busy = get("list_busy_aisim")
    lines += [
        f"| GET /simulations, 1,000 rows, while 2 workers finish runs "
        f"({fmt(get('list_busy_runs_per_s'))} runs/s) | "
        f"{fmt(get('list_bytes'))} | {fmt(busy)} | {fmt(get('list_busy_aisim_p99'))} | "
        f"{fmt(get('list_bare'))} | {fmt(get('list_nginx'))} | "
        f"{fmt(ratio(busy, get('list_bare')))} | {fmt(ratio(busy, get('list_nginx')))} |",
        f"| GET /simulation/{{id}} with If-None-Match (304) | 0 | {fmt(get('id304_aisim'))} | "
        f"{fmt(get('id304_aisim_p99'))} | {fmt(get('id_bare'))} | {fmt(get('id_nginx'))} | "
        f"{fmt(ratio(get('id304_aisim'), get('id_bare')))} | "
        f"{fmt(ratio(get('id304_aisim'), get('id_nginx')))} |",
        f"| GET /simulation/{{id}} once more with tcpdump on the loopback: p99 on the wire "
        f"(request sent → answer sent) {fmt(get('id_aisim_wire_answer_p99'))} ms | "
        f"{fmt(get('id_bytes'))} | {fmt(get('id_aisim_wire'))} | {fmt(get('id_aisim_wire_p99'))} "
        f"| {fmt(get('id_bare'))} | {fmt(get('id_nginx'))} "
        f"| {fmt(ratio(get('id_aisim_wire'), get('id_bare')))} "
        f"| {fmt(ratio(get('id_aisim_wire'), get('id_nginx')))} |",
        "",
        "## Writes and the engine",
        "",
        "| work | SQLite | PostgreSQL | baseline | SQLite / baseline | PostgreSQL / baseline |",
        "|---|---|---|---|---|---|",
    ]
    post_s, post_p, post_b = get("post_sqlite"), get("post_pg"), get("post_bare")
    lines.append(
        f"| POST /simulation req/s (16 connections, no workers) | {fmt(post_s)} "
        f"(p99 {fmt(get('post_sqlite_p99'))} ms; at the server {fmt(get('post_sqlite_server_p99'))}) "
        f"| {fmt(post_p)} (p99 {fmt(get('post_pg_p99'))} ms; at the server "
        f"{fmt(get('post_pg_server_p99'))}) "
        f"| bare QHttpServer {fmt(post_b)} | {fmt(ratio(post_s, post_b))} "
        f"| {fmt(ratio(post_p, post_b))} |")
    lines.append(
        f"| the same, once more with tcpdump on the loopback: req/s, wrk's p99, and the p99 "
        f"on the wire (request sent → answer sent) | {fmt(get('post_sqlite_wire'))} "
        f"(p99 {fmt(get('post_sqlite_wire_p99'))} ms; on the wire "
        f"{fmt(get('post_sqlite_wire_answer_p99'))}) | {fmt(get('post_pg_wire'))} "
        f"(p99 {fmt(get('post_pg_wire_p99'))} ms; on the wire "
        f"{fmt(get('post_pg_wire_answer_p99'))}) | — | — | — |")
    lines.append(
        f"| the same on SQLite with the database in memory (tmpfs): what the disk costs "
        f"| {fmt(get('post_sqlite_memory'))} (p99 {fmt(get('post_sqlite_memory_p99'))} ms; at the "
        f"server {fmt(get('post_sqlite_memory_server_p99'))}) | — | bare QHttpServer "
        f"{fmt(post_b)} | {fmt(ratio(get('post_sqlite_memory'), post_b))} | — |")
    lines.append(
        f"| runs/s, 10 points at pace 0, 2 workers | {fmt(get('engine_sqlite'))} (1 process) "
        f"| {fmt(get('engine_pg_2'))} (2 processes) | target 2,000 / 1,000 "
        f"| {fmt(ratio(get('engine_sqlite'), 2000))} | {fmt(ratio(get('engine_pg_2'), 1000))} |")
    lines.append(
        f"| POST→claim through NOTIFY, median ms (p90) | — | {fmt(get('claim_p50'))} "
        f"({fmt(get('claim_p90'))}) | target 5 ms | — | {fmt(ratio(get('claim_p50'), 5))} |")
    lines += [
        "",
        "## Worker processes on one PostgreSQL (runs/s, 10 points at pace 0, 2 workers each)",
        "",
        "| processes | runs/s | per process |",
        "|---|---|---|",
    ]
    for n in (1, 2, 4):
        value = get(f"engine_pg_{n}")
        lines.append(f"| {n} | {fmt(value)} | {fmt(value / n if value else None)} |")
    dry = [key for key in ("engine_sqlite", "engine_pg_1", "engine_pg_2", "engine_pg_4")
           if get(f"{key}_ran_dry")]
    if dry:
        lines += ["", f"Warning: the queue ran dry during {', '.join(dry)}: those figures are "
                  "too low."]
    refused = [f"{key[:-len('_non2xx')]} ({fmt(value)})" for key, value in sorted(figures.items())
               if key.endswith("_non2xx") and value]
    if refused:
        lines += ["", f"Warning: answers other than 2xx during {', '.join(refused)}."]
    integrity = get("sqlite_integrity")
    if integrity is not None and integrity != "ok":
        lines += ["", f"Warning: the SQLite database failed its integrity check: {integrity}"]
    lines += [
        "",
        "## Memory and size",
        "",
        f"- Resident memory of `aisim serve` over {fmt(get('rss_seconds'))} s of wrk on "
        f"GET /simulation/{{id}}: {fmt(get('rss_start_kb'))} kB → {fmt(get('rss_end_kb'))} kB "
        f"({fmt(get('rss_growth_pct'))} %).",
        f"- GET /simulation/{{id}} with {fmt(get('big_runs'))} runs in the database: "
        f"{fmt(get('id_big_aisim'))} req/s (p99 {fmt(get('id_big_aisim_p99'))} ms), "
        f"{fmt(get('id_big_ratio'))} of the figure with 1,000 runs "
        f"({fmt(get('id_small_aisim'))} req/s, p99 {fmt(get('id_small_aisim_p99'))} ms): two "
        f"fresh servers side by side, measured in turn five times, the median of each server's "
        f"rates and of the five rounds' ratios "
        f"({', '.join(fmt(get(f'id_ratio_{r}')) for r in range(1, 6))}). The server's CPU time "
        f"for an answer, the median of the rounds: {fmt(get('id_big_aisim_cpu'))} µs among "
        f"{fmt(get('big_runs'))} runs, {fmt(get('id_small_aisim_cpu'))} µs among 1,000 "
        f"({fmt(ratio(get('id_big_aisim_cpu'), get('id_small_aisim_cpu')))}).",
        f"- The SQLite database after its measurements (`PRAGMA integrity_check`): "
        f"{get('sqlite_integrity', 'not checked')}.",
        "",
    ]
    open(md_path, "w", encoding="utf-8").write("\n".join(lines))
    document = {"mode": mode, "figures": figures, "http": rows}
    json.dump(document, open(json_path, "w", encoding="utf-8"), indent=2, sort_keys=True)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"fill": fill, "posttime": posttime, "named": named, "spaced": spaced, "wrk": wrk_figures,
     "wire": wire, "report": report}[command](*args)
