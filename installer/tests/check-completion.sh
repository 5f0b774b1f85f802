#!/usr/bin/env bash
# Checks the bash completion of aisim: sources it, completes command lines the way bash does
# (COMP_WORDS, COMP_CWORD) and compares COMPREPLY with what each line should offer.
#     check-completion.sh path/to/completion/aisim
set -uo pipefail

# shellcheck source=/dev/null
source "$1" || { echo "cannot source $1" >&2; exit 1; }
complete -p aisim 2>/dev/null | grep -q -- "-F _aisim" \
    || { echo "the completion does not register _aisim for aisim" >&2; exit 1; }

failures=0

# expect "COMMAND LINE" "EXPECTED WORDS": the line is split on blanks (and "=" the way bash's
# COMP_WORDBREAKS does); a line ending in a blank completes a new, empty word.
expect() {
    local line=$1 expected=$2
    local words
    read -r -a words <<<"${line//=/ = }"
    [[ $line == *" " ]] && words+=("")
    COMP_WORDS=("${words[@]}")
    COMP_CWORD=$((${#words[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    _aisim aisim "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]:-}"
    local got wanted
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
    read -r -a wanted <<<"$expected"
    expected=$(printf '%s\n' "${wanted[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
    if [ "$got" != "$expected" ]; then
        printf 'FAIL "%s": expected [%s], got [%s]\n' "$line" "$expected" "$got"
        failures=$((failures + 1))
    else
        printf 'ok   "%s" -> [%s]\n' "$line" "$got"
    fi
}

expect "aisim " "serve worker token"
expect "aisim s" "serve"
expect "aisim to" "token"
expect "aisim --" "--database --host --port --workers --lease-seconds --run-timeout --verdict-points \
--stall-threshold --no-api --no-auth --cors-origin --request-timeout --idle-timeout --demo --verbose --help --help-all --version"
expect "aisim --no-a" "--no-api --no-auth"
expect "aisim --database sqlite:///tmp/a.db " "serve worker token"
expect "aisim --port 8080 se" "serve"
expect "aisim serve --" "--database --host --port --workers --lease-seconds --run-timeout \
--verdict-points --stall-threshold --no-auth --cors-origin --request-timeout --idle-timeout --demo --verbose --help"
expect "aisim serve --request-timeout " ""
expect "aisim serve --idle-timeout 60 --d" "--database --demo"
expect "aisim serve --cors-origin " ""
expect "aisim serve --l" "--lease-seconds"
expect "aisim serve --ru" "--run-timeout"
expect "aisim worker --run-timeout " ""
expect "aisim serve --port " ""
expect "aisim serve " ""
expect "aisim worker --m" "--machine"
expect "aisim worker --machine 3 --" "--machine --database --workers --lease-seconds \
--run-timeout --verdict-points --stall-threshold --verbose --help"
expect "aisim serve --verdict-points " ""
expect "aisim worker --stall-threshold " ""
expect "aisim worker --machine " ""
expect "aisim token " "create list revoke"
expect "aisim token c" "create"
expect "aisim token r" "revoke"
expect "aisim token --" "--help"
expect "aisim token create --" "--name --scope --database --verbose --help"
expect "aisim token create --scope " "read write admin"
expect "aisim token create --scope w" "write"
expect "aisim token create --scope=a" "admin"
expect "aisim token create --name ci --scope " "read write admin"
expect "aisim token create --name " ""
expect "aisim token list --" "--database --verbose --help"
expect "aisim token revoke --d" "--database"
expect "aisim --verbose token create --s" "--scope"

if [ "$failures" -ne 0 ]; then
    echo "$failures completion(s) wrong" >&2
    exit 1
fi
echo "all completions right"
