#!/usr/bin/env bash
# Checks that the manual page and the bash completion keep up with the program: every option
# and command that `aisim --help` prints must be documented in aisim.1 and offered by the
# completion, and the manual page must format without a warning.
#     check-help.sh path/to/aisim path/to/aisim.1 path/to/completion/aisim
set -euo pipefail
aisim=$1 manpage=$2 completion=$3

help=$("$aisim" --help)
# The option column: lines like "  -h, --help   Displays …" or "  --port <port>   Port …".
mapfile -t options < <(printf '%s\n' "$help" | sed -n -E 's/^  (-[a-zA-Z], )?(--[a-z][a-z-]*).*/\2/p')
# The commands: the lines of the "Commands:" paragraph of the description, except "(none)".
mapfile -t commands < <(printf '%s\n' "$help" \
    | sed -n -E '/^Commands:/,/^$/ s/^  ([a-z][a-z-]*) .*/\1/p')
[ "${#options[@]}" -ge 5 ] || { echo "found only ${#options[@]} options in aisim --help" >&2; exit 1; }
[ "${#commands[@]}" -ge 2 ] || { echo "found only ${#commands[@]} commands in aisim --help" >&2; exit 1; }

failures=0
for option in "${options[@]}"; do
    # troff writes a dash as \- : --lease-seconds is \-\-lease\-seconds in the source.
    if ! grep -qF -- "${option//-/\\-}" "$manpage"; then
        echo "FAIL: $option is missing from the manual page $manpage"
        failures=$((failures + 1))
    fi
    if ! grep -qE -- "(^|[ \"])${option}( |\"|$)" "$completion"; then
        echo "FAIL: $option is missing from the bash completion $completion"
        failures=$((failures + 1))
    fi
done
for command in "${commands[@]}"; do
    if ! grep -qE "^\.B $command( |$)" "$manpage"; then
        echo "FAIL: the command $command has no entry in the manual page $manpage"
        failures=$((failures + 1))
    fi
    if ! grep -qE -- "-W \"[^\"]*\\b$command\\b" "$completion"; then
        echo "FAIL: the command $command is not completed by $completion"
        failures=$((failures + 1))
    fi
done
echo "checked ${#options[@]} options (${options[*]}) and ${#commands[@]} commands (${commands[*]})"

# The manual page must format cleanly (the check Debian's lintian makes).
warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
    man --warnings -E UTF-8 -l -Tutf8 -Z "$manpage" 2>&1 >/dev/null) || true
if [ -n "$warnings" ]; then
    printf 'FAIL: the manual page formats with warnings:\n%s\n' "$warnings"
    failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || { echo "$failures problem(s)" >&2; exit 1; }
echo "the manual page and the completion cover aisim --help"
