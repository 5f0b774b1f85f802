#!/usr/bin/env bash
# Checks the systemd units of aisim: `systemd-analyze verify` (with the manual page of
# Documentation= in reach), the hardening they promise, and an exposure score from
# `systemd-analyze security --offline` of at most 2.0 (0 is best, 10 worst).
#     check-units.sh path/to/aisim path/to/aisim.1 UNIT…
# A unit runs the installed program: here each is checked on a copy that runs the given one.
set -euo pipefail
aisim=$(readlink -f "$1") manpage=$2
shift 2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/units" "$work/man/man1"
cp "$manpage" "$work/man/man1/aisim.1"
export MANPATH="$work/man"
export SYSTEMD_LOG_COLOR=0

failures=0
for unit in "$@"; do
    name=$(basename "$unit")
    sed -E "s|^ExecStart=[^ ]*/aisim |ExecStart=$aisim |" "$unit" >"$work/units/$name"
    if ! output=$(systemd-analyze verify "$work/units/$name" 2>&1) || [ -n "$output" ]; then
        printf 'FAIL: systemd-analyze verify %s:\n%s\n' "$name" "$output"
        failures=$((failures + 1))
    else
        echo "ok   systemd-analyze verify $name"
    fi
    for setting in User=aisim Group=aisim EnvironmentFile=/etc/aisim/aisim.env \
        StateDirectory=aisim ReadWritePaths=/var/lib/aisim ProtectSystem=strict \
        ProtectHome=yes NoNewPrivileges=yes PrivateTmp=yes; do
        if ! grep -qx "$setting" "$unit"; then
            echo "FAIL: $name lacks $setting"
            failures=$((failures + 1))
        fi
    done
    exposure=$(systemd-analyze security --offline=yes --man=no "$work/units/$name" 2>&1 \
        | sed -n -E 's/.*Overall exposure level for [^:]*: ([0-9.]+).*/\1/p')
    if [ -z "$exposure" ] \
        || ! systemd-analyze security --offline=yes --man=no --threshold=20 \
            "$work/units/$name" >/dev/null 2>&1; then
        echo "FAIL: $name has an exposure level of '${exposure:-unknown}', above 2.0"
        failures=$((failures + 1))
    else
        echo "ok   $name exposure level $exposure"
    fi
done

[ "$failures" -eq 0 ] || { echo "$failures problem(s)" >&2; exit 1; }
echo "the units verify and are hardened"
