# Shared by the scripts: package installation and the build. Source it; do not run it.

AISIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What building aisim needs on Debian 12.
AISIM_BUILD_PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev qt6-svg-dev
    libqt6sql6-sqlite libqt6sql6-psql qt6-qpa-plugins libgl-dev
    libqt6opengl6-dev libsqlite3-dev
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "This needs root for: $* (run it as root, or install sudo)" >&2
        return 1
    fi
}

# Installs whichever of the given Debian packages are missing.
ensure_packages() {
    local missing=()
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "Installing ${missing[*]}"
    as_root apt-get -o DPkg::Lock::Timeout=300 update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# npm fetches Swagger UI for /docs at build time. Debian's nodejs needs its npm package; a
# nodejs from elsewhere may bring npm itself, and then Debian's npm would conflict with it.
ensure_npm() {
    command -v npm >/dev/null || ensure_packages nodejs npm
}

# configure_and_build BUILD_DIR BUILD_TYPE [cmake options…]
# Compiles through ccache where it is installed (scripts/test installs it): a clone built before
# in another directory, or a build directory removed, is then built again from its cache. The
# cache keys on the sources relative to the clone, whatever its path; an object taken from it
# keeps the directory of the build that compiled it in its debug information (where a debugger
# looks for the sources), which nothing else reads.
configure_and_build() {
    local dir=$1 type=$2
    shift 2
    local launcher=()
    if command -v ccache >/dev/null; then
        launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
        export CCACHE_BASEDIR="$AISIM_ROOT" CCACHE_NOHASHDIR=1
    fi
    if [ ! -f "$dir/build.ninja" ]; then
        log "Configuring $type build in $dir"
        cmake -S "$AISIM_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" "$@" \
            >/dev/null
    fi
    log "Building in $dir"
    cmake --build "$dir" --parallel "$(nproc)"
}
