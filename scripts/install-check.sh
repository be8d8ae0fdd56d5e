#!/usr/bin/env bash
# install-check.sh BUILD: install into a scratch prefix, then build
# examples/step.c against it twice - through the CMake package and through
# pkg-config - and run both; then check that the installed `optbench` finds
# its installed golden vectors and passes `verify --algo sgd`, both in that
# prefix and in a DESTDIR (staged) install to another prefix.
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

# BIN: an installed optbench; GOLDEN: where its vectors must have gone. It
# must say it reads them (not the source tree's) and pass SGD's cases on them.
check_cli() {
  local bin=$1 golden=$2 line dir
  [ -f "$golden/FORMAT.md" ] && [ -f "$golden/sgd.txt" ] ||
    { echo "install-check: no golden vectors in $golden" >&2; exit 1; }
  line=$(env -u OPTBENCH_GOLDEN_DIR "$bin" info | grep '^golden vectors: ') ||
    { echo "install-check: $bin info names no golden folder" >&2; exit 1; }
  dir=${line#golden vectors: }
  dir=${dir% (installed beside the program)}
  if [ "$dir" = "${line#golden vectors: }" ] || [ "$(cd "$dir" && pwd -P)" != "$(cd "$golden" && pwd -P)" ]; then
    echo "install-check: $bin reads '$line', not $golden" >&2
    exit 1
  fi
  env -u OPTBENCH_GOLDEN_DIR "$bin" verify --algo sgd --quiet >"$tmp/verify.out" ||
    { cat "$tmp/verify.out" >&2; echo "install-check: $bin verify --algo sgd failed" >&2; exit 1; }
}
check_cli "$tmp/prefix/bin/optbench" "$tmp/prefix/share/optbench/golden"
DESTDIR="$tmp/stage" cmake --install "$build" --prefix /opt/optbench >/dev/null
check_cli "$tmp/stage/opt/optbench/bin/optbench" "$tmp/stage/opt/optbench/share/optbench/golden"
echo "install-check: the installed optbench verifies SGD from its installed vectors" \
  "(--prefix and DESTDIR)"
