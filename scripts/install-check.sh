#!/usr/bin/env bash
# install-check.sh BUILD: install into a scratch prefix, then build
# examples/step.c against it twice - through the CMake package and through
# pkg-config - and run both.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*)

cmake -S "$root/examples/consumer" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cmake" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/cmake/step" avx512 >/dev/null

PKG_CONFIG_PATH="$libdir/pkgconfig" cc "$root/examples/step.c" -o "$tmp/step-pc" \
  $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs optbench)
LD_LIBRARY_PATH="$libdir" "$tmp/step-pc" scalar >/dev/null
echo "install-check: CMake package and pkg-config consumers build and run"
