#!/usr/bin/env bash
# Install what is missing (Debian packages), then configure and build sssim in ./build.
# Usage: scripts/setup.sh [BUILD_DIR [meson options...]]
set -eu
cd "$(dirname "$0")/.."
packages="meson ninja-build pkg-config gcc libgsl-dev libcjson-dev libcmocka-dev gnuplot-nox"
case " $* " in
*mpi=enabled*) packages="$packages libopenmpi-dev openmpi-bin" ;;
esac
missing=""
for p in $packages; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing$missing" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
build="${1:-build}"
[ $# -gt 0 ] && shift
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$@" >/dev/null
fi
meson compile -C "$build" >/dev/null
echo "setup: built $build/sssim" >&2
