#!/usr/bin/env bash
# Tasklens developer entry point: installs the Debian packages in packaging/ (debian-packages.txt,
# plus PRESET-packages.txt if the preset has one), configures, builds.
#   ./dev.sh run [ARGS...]   build, then run the app (GUI; headless demo + images without a display)
#   ./dev.sh test            build, then run every test (ctest: unit, model, conformance)
#   ./dev.sh build           build only
#   ./dev.sh package         build, then the Debian package (build/<preset>/tasklens_*.deb)
# Environment: PRESET (default dev), JOBS (default nproc).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
preset="${PRESET:-dev}"
jobs="${JOBS:-$(nproc)}"

install_packages() {
    local missing=()
    while read -r pkg; do
        [ -z "$pkg" ] && continue
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' packaging/debian-packages.txt \
                 $([ -f "packaging/$preset-packages.txt" ] && echo "packaging/$preset-packages.txt"))
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "dev.sh: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

build() {
    install_packages
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
}

cmd="${1:-run}"
[ $# -gt 0 ] && shift
case "$cmd" in
    build) build ;;
    package)
        build
        (cd "build/$preset" && cpack -G DEB)
        ls "build/$preset"/tasklens_*.deb
        ;;
    test)
        build
        ctest --preset "$preset" -j "$jobs" "$@"
        ;;
    run)
        build >&2
        app="build/$preset/app/tasklens"
        if [ $# -eq 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
            # No display: run the default demo headless and write its images.
            exec "$app" demo --out tasklens-demo
        fi
        exec "$app" "$@"
        ;;
    *) echo "usage: ./dev.sh run [ARGS...] | test | build | package" >&2; exit 2 ;;
esac
