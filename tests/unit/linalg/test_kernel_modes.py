"""The linalg kernels give the same bits interpreted and compiled (:mod:`pylme.linalg.jit`).

Small problems run the kernels interpreted (no Numba start-up), large ones compiled; a
problem's numbers must not depend on which.  Checked on

* every route of block 1's rank update and both back-ends (the kernel tests' designs):
  log-determinant, Schur pivots and the factor's arrays, bit for bit;
* whole fits of the classic models: θ, β and the criterion, bit for bit;
* the IEEE cases where CPython raises (``math.log(0)``, ``math.sqrt`` of a negative): the
  interpreted call is undone and repeated compiled, so the result is Numba's;
* which problems compile: the decision is a deterministic function of the design.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import pylme
from pylme.linalg import eval_kernels, jit
from test_eval_kernels import _rng, _system
from _random_templates import random_templates


def _both(run):
    """``run()`` with the kernels interpreted, then compiled."""
    with jit.interpreted_kernels():
        assert not jit.is_compiled()
        first = run()
    jit.compile_kernels()
    return first, run()


@pytest.mark.parametrize("method", ["dense", "sparse"])
@pytest.mark.parametrize("route", ["map", "dense", "product"])
@pytest.mark.parametrize("kind", ["crossed", "slopes", "wide", "mixed", "one_k3"])
def test_every_route_gives_the_same_bits_in_both_modes(kind, route, method):
    rng = _rng("modes", kind, route, method)
    blocks, _, _, system = _system(kind, route, method, rng)
    thetas = [random_templates(blocks, rng) for _ in range(3)]

    def run():
        out = []
        for templates in thetas:
            system._local.__dict__.clear()  # a fresh workspace: nothing carried between modes
            logdet, tail = system.logdet_and_tail(templates)
            fac = system.factor(templates)
            out.append((logdet, tail.copy(), fac.logdet, fac._fac1.chol.copy()))
        return out

    interpreted, compiled = _both(run)
    for a, b in zip(interpreted, compiled):
        assert a[0] == b[0] and a[2] == b[2]
        assert np.array_equal(a[1], b[1]) and np.array_equal(a[3], b[3])


_MODELS = [
    ("sleepstudy", "Reaction ~ Days + (Days | Subject)", True),
    ("Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", False),
    ("Pastes", "strength ~ 1 + (1 | batch/cask)", True),
    ("Machines", "score ~ Machine + (Machine | Worker)", True),
    ("ScotsSec", "attain ~ verbal + sex + (1 | primary) + (1 | second)", False),
]


@pytest.mark.parametrize("name, formula, reml", _MODELS, ids=[m[0] for m in _MODELS])
def test_fits_are_bit_identical_in_both_modes(name, formula, reml):
    data = pylme.datasets.load(name)

    def run():
        fit = pylme.lmer(formula, data, REML=reml)
        return fit.theta.tobytes(), np.asarray(fit.fixef()).tobytes(), fit.deviance() if not reml else fit.REMLcrit()

    interpreted, compiled = _both(run)
    assert interpreted == compiled


def test_raising_arithmetic_is_repeated_compiled():
    chol_t = np.diag([2.0, 0.0, 3.0])  # log(0): CPython raises, Numba gives -inf
    buf = np.zeros(3)
    with jit.interpreted_kernels():
        got = eval_kernels.log_diagonal_sum(chol_t, 0, 3, buf)
        assert jit.is_compiled()  # the call switched the process to compiled kernels
    assert got == -np.inf

    # a non-positive-definite level (sqrt of a negative) in the k = 2 kernel: NaN, and the
    # arrays written before the failure are those of the compiled run
    t = np.eye(2)
    a11 = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 10.0], [10.0, 0.0]]])
    a1d = np.ones((2, 2, 1))

    def run():
        outs = [np.full((2, 2, 2), 7.0) for _ in range(3)] + [np.full((2, 2, 1), 7.0) for _ in range(2)]
        logs = np.full(2, 7.0)
        value = eval_kernels.first_block(t, a11, a1d, *outs, logs, True)
        return value, [o.copy() for o in outs] + [logs.copy()]

    (v1, arrays1), (v2, arrays2) = _both(run)
    assert np.isnan(v1) and np.isnan(v2)
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(arrays1, arrays2))


def test_small_fits_do_not_load_numba_and_large_ones_compile():
    script = textwrap.dedent("""
        import sys, json, numpy as np, pylme
        from pylme.linalg import jit
        pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))
        small = ("numba" in sys.modules, jit.is_compiled())
        rng = np.random.default_rng(1)
        n = 4000
        d = {"y": rng.standard_normal(n), "g": rng.integers(0, 400, n).astype(str),
             "h": rng.integers(0, 60, n).astype(str)}
        import pandas as pd
        pylme.lmer("y ~ 1 + (1 | g) + (1 | h)", pd.DataFrame(d))
        print(json.dumps([small, jit.is_compiled()]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    small, large = json.loads(done.stdout.strip().splitlines()[-1])
    assert small == [False, False]  # neither imported nor compiled for sleepstudy
    assert large is True


def test_a_process_that_keeps_fitting_compiles_after_its_budget():
    script = textwrap.dedent("""
        import json, sys, pylme
        from pylme.linalg import jit
        d = pylme.datasets.load("sleepstudy")
        fits = [pylme.lmer("Reaction ~ Days + (Days | Subject)", d)]
        jit.INTERPRET_BUDGET = 3 * jit._state["spent"]  # a few more fits' worth
        while not jit.is_compiled() and len(fits) < 200:
            fits.append(pylme.lmer("Reaction ~ Days + (Days | Subject)", d))
        after = pylme.lmer("Reaction ~ Days + (Days | Subject)", d)
        same = all(f.theta.tobytes() == after.theta.tobytes() for f in fits)
        print(json.dumps([jit.is_compiled(), len(fits) > 1, same]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [True, True, True]


def test_a_kernel_registered_after_the_switch_is_compiled_at_once(tmp_path):
    (tmp_path / "late_kernels.py").write_text(
        "from pylme.linalg.jit import kernel\n\n@kernel\ndef twice(x):\n    return 2.0 * x\n")
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(tmp_path)!r})
        from pylme.linalg import jit
        jit.compile_kernels()
        import late_kernels
        wrapper = jit._KERNELS[-1][0]
        with jit.interpreted_kernels():
            interpreted = wrapper(1.5)
        print(json.dumps([type(late_kernels.twice).__name__, late_kernels.twice(1.5), interpreted]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    kind, a, b = json.loads(done.stdout.strip().splitlines()[-1])
    assert kind == "CPUDispatcher" and a == b == 3.0
