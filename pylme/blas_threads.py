"""One BLAS thread while pylme fits, safe when several Python threads fit at once.

No lme4 counterpart (R is single-threaded; lme4's Eigen code does not use BLAS threads).
Why one thread: the per-evaluation factorizations are small enough that a second BLAS
thread mostly spins, and the optimizer's iterates must not depend on the thread count.

The BLAS thread count is process-wide, so a plain ``threadpool_limits`` context per fit
is wrong with concurrent fits: thread A saves N and sets 1, thread B saves 1 (A's limit)
and sets 1, A leaves and restores N, B leaves and restores 1 — the process is left at 1
thread.  Here one reference count is shared by all threads: the first thread to enter
saves the original limits and sets 1, the last one to leave restores what was saved.
Nesting (a fit inside a bootstrap inside a profile) only moves the count.

With threadpoolctl ≥ 3.6, OpenBLAS's pthreads pool obeys only one "controlling" Python
thread at a time; the count's changes are made under this module's lock and control is
released right after each one, so the thread that leaves last can restore the limits
even when another thread set them.
"""

from __future__ import annotations

import os
import threading
from types import TracebackType

from threadpoolctl import ThreadpoolController

__all__ = ["single_blas_thread", "SingleBlasThread"]

_lock = threading.Lock()
_depth = 0  # threads (and nesting levels) inside single_blas_thread() now
_saved: list[tuple[object, int]] | None = None  # (library controller, its num_threads before)
_libraries: list | None = None  # the BLAS library controllers, found once


def _blas_libraries() -> list:
    """The loaded BLAS libraries' controllers (built once: it scans /proc/self/maps)."""
    global _libraries
    if _libraries is None:
        _libraries = list(ThreadpoolController().select(user_api="blas").lib_controllers)
    return _libraries


def _release_control() -> None:
    """Let any thread set OpenBLAS's limits next (threadpoolctl ≥ 3.6 gives control to the
    first thread that sets them; older versions have no such rule)."""
    for lib in _blas_libraries():
        clear = getattr(type(lib), "clear_controlling_thread", None)
        if clear is not None:
            clear()  # only releases what this thread holds


def _enter() -> None:
    global _depth, _saved
    with _lock:
        if _depth == 0:
            libraries = _blas_libraries()
            saved = [(lib, lib.get_num_threads()) for lib in libraries]
            try:
                for lib in libraries:
                    lib.set_num_threads(1)
            except BaseException:
                _restore(saved)
                raise
            finally:
                _release_control()
            _saved = saved
        _depth += 1


def _exit() -> None:
    global _depth, _saved
    with _lock:
        _depth -= 1
        if _depth == 0:
            saved, _saved = _saved, None
            try:
                _restore(saved or [])
            finally:
                _release_control()


def _restore(saved: list) -> None:
    for lib, num_threads in saved:
        if num_threads is not None:
            lib.set_num_threads(num_threads)


class SingleBlasThread:
    """Context manager: BLAS limited to one thread inside, the original limits restored after.

    Thread-safe and re-entrant (see the module docstring); exceptions leaving the block
    restore the limits like a normal exit.  Use :func:`single_blas_thread` to make one.
    """

    __slots__ = ()

    def __enter__(self) -> "SingleBlasThread":
        _enter()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        _exit()


_INSTANCE = SingleBlasThread()  # stateless: one object serves every caller


def single_blas_thread() -> SingleBlasThread:
    """Context manager limiting BLAS to one thread while pylme fits.

    No lme4 counterpart.  The first thread to enter saves the process's BLAS limits and
    sets them to 1; the last thread to leave (normally or by an exception) restores the
    saved limits, so concurrent and nested fits leave the limits as they found them.

    Returns
    -------
    SingleBlasThread
        Use it in a ``with`` statement.
    """
    return _INSTANCE


def _after_fork_in_child() -> None:
    """A forked child (e.g. a process-pool worker) starts outside any fit: a fresh lock
    (another thread may have held the parent's at the fork) and, if a fit was running in
    the parent, the limits it had saved."""
    global _lock, _depth, _saved
    _lock = threading.Lock()
    saved, _saved = _saved, None
    if _depth:
        _depth = 0
        _restore(saved or [])
        _release_control()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
