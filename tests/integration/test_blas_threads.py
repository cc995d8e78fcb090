"""``single_blas_thread``: one BLAS thread while fitting, the process's limits restored
afterwards even when several threads fit at once, nest, or raise.

The limits are read back with ``threadpoolctl.threadpool_info()`` (what a user sees).
Each test starts from a known limit above 1 (the ``start_limit`` fixture), so that
"left at 1 thread" cannot pass by accident on a one-core machine.
"""

from __future__ import annotations

import multiprocessing
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest
import threadpoolctl

import pylme
from pylme import blas_threads
from pylme.blas_threads import single_blas_thread
from pylme.errors import ControlError

SLEEP = pylme.datasets.load("sleepstudy")
PENICILLIN = pylme.datasets.load("Penicillin")


def blas_limits() -> dict:
    """``{library path: num_threads}`` of every loaded BLAS, as threadpoolctl reports it."""
    return {lib["filepath"]: lib["num_threads"] for lib in threadpoolctl.threadpool_info()
            if lib["user_api"] == "blas"}


def _set_all(n: int) -> None:
    for lib in blas_threads._blas_libraries():
        lib.set_num_threads(n)
    blas_threads._release_control()


@pytest.fixture(params=[2, 3])
def start_limit(request):
    """Every BLAS at ``request.param`` threads for the test; the process's own limits after."""
    before = {lib.filepath: lib.get_num_threads() for lib in blas_threads._blas_libraries()}
    if not before:
        pytest.skip("no BLAS library that threadpoolctl can control")
    _set_all(request.param)
    limits = blas_limits()
    assert set(limits.values()) == {request.param}, "could not set a known starting limit"
    yield limits
    for lib in blas_threads._blas_libraries():
        lib.set_num_threads(before[lib.filepath])
    blas_threads._release_control()


def test_sets_one_thread_inside_and_restores_after(start_limit):
    with single_blas_thread():
        assert set(blas_limits().values()) == {1}
    assert blas_limits() == start_limit
    assert blas_threads._depth == 0


@pytest.mark.parametrize("depth", [1, 2, 3, 5])
def test_nested_use_restores_only_at_the_outermost_exit(start_limit, depth):
    contexts = [single_blas_thread() for _ in range(depth)]
    for c in contexts:
        c.__enter__()
        assert set(blas_limits().values()) == {1}
    for i, c in enumerate(reversed(contexts)):
        c.__exit__(None, None, None)
        if i == depth - 1:
            assert blas_limits() == start_limit
        else:
            assert set(blas_limits().values()) == {1}
    assert blas_threads._depth == 0


@pytest.mark.parametrize("exc", [ValueError("boom"), ControlError("bad"), KeyboardInterrupt(), ZeroDivisionError()])
def test_an_exception_restores_the_limits(start_limit, exc):
    with pytest.raises(type(exc)):
        with single_blas_thread():
            with single_blas_thread():
                raise exc
    assert blas_limits() == start_limit
    assert blas_threads._depth == 0


@pytest.mark.parametrize("order", ["first_in_first_out", "first_in_last_out"])
def test_two_threads_interleaved(start_limit, order):
    """A enters, B enters, then A leaves first (the order that left 1 thread before) or last."""
    a_in, b_in, a_go, b_go, b_out = (threading.Event() for _ in range(5))
    seen = {}

    def thread_a():
        with single_blas_thread():
            a_in.set()
            a_go.wait(10)
        seen["after_a"] = blas_limits()

    def thread_b():
        a_in.wait(10)
        with single_blas_thread():
            b_in.set()
            b_go.wait(10)
        seen["after_b"] = blas_limits()
        b_out.set()

    ta, tb = threading.Thread(target=thread_a), threading.Thread(target=thread_b)
    ta.start()
    tb.start()
    assert b_in.wait(10)
    assert set(blas_limits().values()) == {1}
    first, second = (a_go, b_go) if order == "first_in_first_out" else (b_go, a_go)
    first.set()
    (ta if first is a_go else tb).join(10)
    assert set(blas_limits().values()) == {1}  # the other thread is still inside
    second.set()
    ta.join(10)
    tb.join(10)
    assert blas_limits() == start_limit
    assert blas_threads._depth == 0


@pytest.mark.parametrize("n_threads, fail_every", [(2, 0), (4, 2), (8, 3), (16, 4)])
def test_many_threads_entering_and_raising(start_limit, n_threads, fail_every):
    barrier = threading.Barrier(n_threads)

    def work(i):
        barrier.wait(10)  # all enter at about the same time
        for round_ in range(20):
            try:
                with single_blas_thread():
                    assert set(blas_limits().values()) == {1}
                    with single_blas_thread():
                        if fail_every and (i + round_) % fail_every == 0:
                            raise RuntimeError("fails inside")
            except RuntimeError:
                pass
        return True

    with ThreadPoolExecutor(n_threads) as pool:
        assert all(pool.map(work, range(n_threads)))
    assert blas_limits() == start_limit
    assert blas_threads._depth == 0


# --------------------------------------------------------------------------- concurrent fits
FITS = [
    ("Reaction ~ Days + (Days | Subject)", SLEEP, {}),
    ("Reaction ~ Days + (1 | Subject)", SLEEP, {"REML": False}),
    ("diameter ~ 1 + (1 | plate) + (1 | sample)", PENICILLIN, {}),
    ("Reaction ~ Days + (Days || Subject)", SLEEP, {}),
]
BAD_START = {"start": [1.0, 2.0, 3.0, 4.0, 5.0]}  # wrong length: raises inside the fit's BLAS block


def _fit_result(formula, data, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer(formula, data, **kwargs)
    return fit.theta.tobytes(), fit.beta.tobytes(), fit.summary().text, fit.vcov().to_numpy().tobytes()


@pytest.mark.parametrize("n_threads", [2, 4, 6])
def test_concurrent_fits_match_serial_fits_and_restore_the_limits(start_limit, n_threads):
    jobs = [FITS[i % len(FITS)] for i in range(3 * n_threads)]
    serial = [_fit_result(*job) for job in jobs]
    assert blas_limits() == start_limit

    def run(i):
        formula, data, kwargs = jobs[i]
        if i % 3 == 1:  # some fits fail inside single_blas_thread
            with pytest.raises(ControlError, match="theta"):
                pylme.lmer(formula, data, **BAD_START)
        return _fit_result(formula, data, kwargs)

    with ThreadPoolExecutor(n_threads) as pool:
        concurrent = list(pool.map(run, range(len(jobs))))
    assert concurrent == serial  # bit for bit
    assert blas_limits() == start_limit
    assert blas_threads._depth == 0


@pytest.mark.parametrize("formula, data, kwargs", FITS)
def test_a_failing_fit_restores_the_limits(start_limit, formula, data, kwargs):
    with pytest.raises(ControlError):
        pylme.lmer(formula, data, **BAD_START)
    assert blas_limits() == start_limit


def test_concurrent_bootstrap_and_profile_restore_the_limits(start_limit):
    """Inference functions that hold the limit for long (nested refits) in parallel threads."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer("Reaction ~ Days + (1 | Subject)", SLEEP)
    tasks = [lambda: pylme.bootMer(fit, lambda m: m.fixef(), nsim=6, seed=1, n_jobs=1, progress=False).t,
             lambda: fit.profile().frame.to_numpy(),
             lambda: fit.refit(fit.getME("y")[::-1]).theta]
    serial = [task() for task in tasks]
    with ThreadPoolExecutor(3) as pool:
        parallel = list(pool.map(lambda task: task(), tasks))
    for a, b in zip(serial, parallel):
        np.testing.assert_array_equal(a, b)
    assert blas_limits() == start_limit


# --------------------------------------------------------------------------- fork
def _child_state():
    limits = blas_limits()
    with single_blas_thread():  # the child's lock is usable
        inside = set(blas_limits().values())
    return limits, inside, blas_limits(), blas_threads._depth


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_a_child_forked_during_a_fit_starts_with_the_original_limits(start_limit):
    entered, release = threading.Event(), threading.Event()

    def hold():
        with single_blas_thread():
            entered.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert entered.wait(10)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Python >= 3.12: fork with threads
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
                limits, inside, after, depth = pool.submit(_child_state).result(timeout=60)
        assert limits == start_limit and inside == {1} and after == start_limit and depth == 0
        assert set(blas_limits().values()) == {1}  # the parent's holder is still inside
    finally:
        release.set()
        holder.join(10)
    assert blas_limits() == start_limit


def test_the_library_scan_is_done_once():
    with single_blas_thread():
        libraries = blas_threads._libraries
    with single_blas_thread():
        assert blas_threads._libraries is libraries
    assert single_blas_thread() is single_blas_thread()  # stateless: no object per call
