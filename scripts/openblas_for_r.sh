#!/usr/bin/env bash
# OpenBLAS for the benchmarks' "lme4 on OpenBLAS" column, without touching the system's R.
#
# Debian's R loads libblas.so.3 through the alternatives system; switching it there would
# change every R on the machine (and the conformance references' BLAS).  This unpacks
# Debian's libopenblas0-pthread (the same version Debian would install) into a private
# directory; `python -m benchmarks compare --r-openblas` finds it there and starts only its
# lme4-on-OpenBLAS worker with LD_LIBRARY_PATH pointing at it.
#
# Usage: bash scripts/openblas_for_r.sh   (prints the directory)
set -euo pipefail
dest="${PYLME_BENCH_CACHE:-$HOME/.cache/pylme-bench}/openblas"
lib="$dest/usr/lib/x86_64-linux-gnu/openblas-pthread"
if [ ! -e "$lib/libblas.so.3" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download libopenblas0-pthread >/dev/null 2>&1)
  mkdir -p "$dest"
  dpkg-deb -x "$work"/libopenblas0-pthread_*.deb "$dest"
fi
echo "$lib"
