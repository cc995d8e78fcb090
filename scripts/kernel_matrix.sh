#!/usr/bin/env bash
# The verdict must not depend on the machine. numpy/scipy's OpenBLAS picks a kernel for
# the CPU, and the kernel changes the last bits of every product, and with them BOBYQA's
# path; OPENBLAS_CORETYPE forces a kernel, so one machine reproduces the spread of many.
# This runs the whole test suite (stored references, live R, everything else) and
# `python -m conformance run` under several kernels; every one must pass.
#
# Kernels: Prescott (SSE3), Sandybridge (AVX), Haswell (AVX2) and SkylakeX (AVX-512).
# A kernel whose instructions this CPU lacks would die of SIGILL, so it is left out with
# a note; at least three always run on x86-64 with AVX2. Never set OPENBLAS_CORETYPE in
# the tests themselves: that would hide the spread instead of checking it.
#
# Usage: bash scripts/kernel_matrix.sh [kernel ...]   (after scripts/test.sh has set up .venv)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=.venv/bin/python
[ -x "$PY" ] || { echo "kernel_matrix: run scripts/test.sh first (no .venv)" >&2; exit 2; }

if [ "$(uname -m)" != "x86_64" ]; then
    echo "kernel_matrix: OpenBLAS x86-64 kernels only; this is $(uname -m): nothing to do"
    exit 0
fi

flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
needs() {  # the instruction-set flag a kernel needs
    case "$1" in
        Prescott) echo sse3 ;; Sandybridge) echo avx ;; Haswell) echo avx2 ;;
        SkylakeX) echo avx512f ;; *) echo "" ;;
    esac
}
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(Prescott Sandybridge Haswell SkylakeX)

# bridge fixtures verified under every kernel: LMMs with an LRT, a bootstrap, GLMMs
BRIDGE_SAMPLE=(01_dyestuff_penicillin_pastes.R 02_sleepstudy_anova_boot.R 09_glmer_cbpp_poisson.R)
ran=0; failed=()
r_ok=0
$PY -c "from conformance.r_session import r_available as a; import sys; sys.exit(0 if a()[0] else 1)" \
    2>/dev/null && r_ok=1
for kernel in "${kernels[@]}"; do
    flag=$(needs "$kernel")
    if [ -n "$flag" ] && ! grep -qw "${flag/sse3/pni}" <<<"$flags"; then
        echo "== OPENBLAS_CORETYPE=$kernel: left out, this CPU lacks $flag"
        continue
    fi
    echo "== OPENBLAS_CORETYPE=$kernel"
    log="$(mktemp)"
    status=0
    OPENBLAS_CORETYPE=$kernel $PY -c \
        "import numpy, scipy.linalg, threadpoolctl; print('numpy/scipy BLAS kernels:', sorted({i.get('architecture') for i in threadpoolctl.threadpool_info()}))"
    # the whole suite: a kernel can also crash native code (NLopt given a NaN start
    # under Sandybridge), not only move a verdict
    # The sweep of `pylme verify`/`migrate` over every bridge fixture script (minutes) ran
    # once in the README's test command; here a sample of fixtures stands for it below.
    # Left out too, as they compute nothing through pylme's BLAS paths: the R -> Python
    # translator (tests/migrate), the benchmark table's structure, the datasets' files and
    # the fixture scripts run by R alone (tests/bridge/test_fixture_scripts.py), and the two
    # live `verify --python` runs of the warnings comparison (minutes of R each; their frozen
    # captures, compared with pylme's fits under this kernel, stay in).
    OPENBLAS_CORETYPE=$kernel $PY -m pytest -q -p no:cacheprovider -m "not fixture_sweep" \
        --ignore=tests/migrate --ignore=tests/benchmarks --ignore=tests/unit/datasets \
        --ignore=tests/bridge/test_fixture_scripts.py \
        --deselect tests/bridge/test_verify_python_warnings.py::test_verify_python_singular_live \
        --deselect tests/bridge/test_verify_python_warnings.py::test_verify_python_convergence_live \
        >"$log" 2>&1 || status=$?
    tail -n 1 "$log"
    if [ "$status" != 0 ]; then
        grep -E "^(FAILED|ERROR)" "$log" || tail -n 40 "$log"
        failed+=("$kernel:pytest")
    fi
    if [ "$r_ok" = 1 ]; then
        for fixture in "${BRIDGE_SAMPLE[@]}"; do
            status=0
            OPENBLAS_CORETYPE=$kernel $PY -m pylme verify "tests/data/bridge/scripts/$fixture" --quiet \
                >"$log" 2>&1 || status=$?
            tail -n 1 "$log"
            [ "$status" = 0 ] || failed+=("$kernel:verify:$fixture")
        done
    fi
    run_args=(run --html -)  # the ci profile: every case, 200 generated designs with R, inference
    [ "$r_ok" = 1 ] || run_args+=(--stored-only)
    status=0
    OPENBLAS_CORETYPE=$kernel $PY -m conformance "${run_args[@]}" >"$log" 2>/dev/null || status=$?
    grep -E "cases, .* failure" "$log" || tail -n 5 "$log"
    if [ "$status" != 0 ]; then
        grep -E "^  (fail|xpass) " "$log" | head -n 40 || true
        failed+=("$kernel:conformance")
    fi
    rm -f "$log"
    ran=$((ran + 1))
done

echo "kernel matrix: $ran kernel(s) run, ${#failed[@]} failing${failed:+: ${failed[*]}}"
[ "$ran" -ge 3 ] || { echo "kernel matrix: fewer than three kernels could run" >&2; exit 1; }
[ ${#failed[@]} -eq 0 ]
