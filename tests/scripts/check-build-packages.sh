#!/usr/bin/env bash
# Tests scripts/check-build-packages, the guard of scripts/test:
#   - on this build with the scripts' real list it passes;
#   - with libqt6opengl6-dev left out of the list it fails and names that package and its file;
#   - a configuration that no Debian package owns fails;
#   - on a made-up package graph (apt-cache and dpkg-query stand-ins) it follows Depends and
#     Pre-Depends depth first, takes the first of alternatives and of a virtual package's
#     providers unless one of them is already in, and fails on exactly the packages that only
#     another choice would have brought; a package apt does not know fails.
#     check-build-packages.sh path/to/scripts/check-build-packages BUILD_DIR
set -uo pipefail
guard=$1 build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect() { # expect DESCRIPTION CONDITION…
    local description=$1
    shift
    if "$@"; then
        echo "ok    $description"
    else
        echo "FAIL  $description"
        failures=$((failures + 1))
    fi
}
run() { # run ARGS…: the guard's exit status in $status, its output in $output
    output=$("$@" 2>&1)
    status=$?
    printf '%s\n' "$output" | sed 's/^/      | /'
}

run "$guard" "$build"
expect "the build passes with the scripts' list (status $status)" test "$status" -eq 0
expect "it says how many configurations it checked" grep -q "CMake package configurations of .* all come from" <<<"$output"

run "$guard" --without libqt6opengl6-dev "$build"
expect "without libqt6opengl6-dev the guard fails (status $status)" test "$status" -eq 1
expect "it names libqt6opengl6-dev and its file" \
    grep -q "libqt6opengl6-dev is not installed by the scripts: /.*/Qt6OpenGLConfig.cmake (Qt6OpenGL_DIR)" <<<"$output"
expect "it names nothing else" test "$(grep -c 'is not installed by the scripts' <<<"$output")" -eq 1

mkdir -p "$work/unowned/cmake/Stray" "$work/unowned/build"
: >"$work/unowned/cmake/Stray/stray-config.cmake"
printf 'Stray_DIR:PATH=%s\n' "$work/unowned/cmake/Stray" >"$work/unowned/build/CMakeCache.txt"
run "$guard" "$work/unowned/build"
expect "a configuration no package owns fails (status $status)" test "$status" -eq 1
expect "it names the file" grep -q "stray-config.cmake (Stray_DIR) belongs to no Debian package" <<<"$output"

# A made-up world: the guard beside a lib.sh with its own list, apt-cache and dpkg-query
# stand-ins on PATH.
world=$work/world
mkdir -p "$world/scripts" "$world/bin" "$world/build"
cp "$guard" "$world/scripts/check-build-packages"
cat >"$world/scripts/lib.sh" <<'LIB'
AISIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AISIM_BUILD_PACKAGES=(app-dev tool)
LIB
cat >"$world/bin/apt-cache" <<'APT'
#!/bin/sh
cat <<'DUMP'
app-dev
 |Depends: alt-first
  Depends: alt-second
  Depends: <virtual-one>
    provider-first
    provider-second
  PreDepends: pre-dep
 |Depends: <virtual-two>
    vt-provider
  Depends: after-virtual
  Depends: <virtual-none>
tool
 |Depends: second-choice
  Depends: deep-dep
  Depends: shared
alt-first
  Depends: deep-dep
alt-second
  Depends: second-only
provider-first
provider-second
pre-dep
vt-provider
after-virtual
second-choice
deep-dep
  Depends: shared
shared
second-only
<virtual-none>
DUMP
APT
chmod +x "$world/bin/apt-cache"
printf '#!/bin/sh\n' >"$world/bin/dpkg-query"
for package in app-dev alt-first alt-second provider-first provider-second pre-dep vt-provider \
    after-virtual second-choice deep-dep shared second-only; do
    mkdir -p "$world/cmake/$package"
    : >"$world/cmake/$package/${package}Config.cmake"
    printf '%s_DIR:PATH=%s\n' "$package" "$world/cmake/$package" >>"$world/build/CMakeCache.txt"
    printf 'echo "%s:amd64: %s"\n' "$package" "$world/cmake/$package/${package}Config.cmake" \
        >>"$world/bin/dpkg-query"
done
chmod +x "$world/bin/dpkg-query"
run env PATH="$world/bin:$PATH" "$world/scripts/check-build-packages" "$world/build"
expect "on the made-up graph the guard fails (status $status)" test "$status" -eq 1
named=$(sed -n 's/^check-build-packages: \([^ ]*\) is not installed by the scripts.*/\1/p' <<<"$output" \
    | sort | tr '\n' ' ')
# second-choice: tool's "second-choice | deep-dep" is met by deep-dep, which app-dev brought first.
expect "it names exactly the packages only second choices bring (named: $named)" \
    test "$named" = "after-virtual alt-second provider-second second-choice second-only "

sed -i 's/(app-dev tool)/(app-dev tool ghost)/' "$world/scripts/lib.sh"
run env PATH="$world/bin:$PATH" "$world/scripts/check-build-packages" "$world/build"
expect "a package apt does not know fails (status $status)" test "$status" -eq 1
expect "it is named" grep -q "apt knows no package ghost" <<<"$output"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "the build package guard passes and fails as it should"
