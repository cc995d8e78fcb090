"""The linalg kernels: interpreted for small problems, compiled for large ones, the same bits either way.

Importing Numba and loading its first cached kernel costs about half a second per process
(Numba initialises its whole compilation target), more than a complete sleepstudy fit.
The kernels of one evaluation (:mod:`.eval_kernels`, :mod:`.sums`) are therefore plain
Python functions written in Numba's subset, registered by :func:`kernel`, and they run

* **interpreted** — CPython executing the same function on NumPy scalars — until a problem
  needs speed;
* **compiled** — ``numba.njit`` (cached, no ``fastmath``, ``error_model="numpy"``, no
  SVML), after :func:`compile_kernels`.  A problem calls :func:`prepare` with its
  estimated work per evaluation and compiles above :data:`COMPILE_ABOVE`; a process that
  has spent :data:`INTERPRET_BUDGET` seconds in interpreted kernels (many small fits, a
  bootstrap) compiles then — the rent-or-buy rule: never more than about twice the cost
  of either choice made in hindsight; pylme's GLMM kernels, which call these, compile
  them on import.  Once compiled, every later problem of the process uses the compiled
  kernels.

Both do the same IEEE operations in the same order: without ``fastmath`` LLVM neither
reassociates sums nor fuses multiply-adds, and ``math.sqrt``/``math.log`` are the C
library's in both.  The one difference is where CPython raises instead of returning IEEE's
Inf or NaN (``math.sqrt(-1.0)``, ``math.log(0.0)``, a float divided by zero): the
interpreted call is then undone — its array arguments restored — and repeated compiled, so
the result is the compiled one.  ``tests/unit/linalg/test_kernel_modes.py`` checks the bit
identity on fitted models and on every kernel.

lme4 has no counterpart (its kernels are C++ compiled with the package).
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["kernel", "prepare", "compile_kernels", "is_compiled", "interpreted_kernels", "COMPILE_ABOVE",
           "INTERPRET_BUDGET"]

#: Estimated scalar operations per evaluation above which a problem compiles the kernels.
#: Interpreted, the kernels run about 10⁶ of them per second (NumPy scalar indexing), so
#: below this an evaluation costs ≲ 2 ms and a fit of ~100 evaluations less than loading
#: Numba (≈ 0.5 s).  sleepstudy, Penicillin, Pastes and Exam stay interpreted; ScotsSec,
#: star and InstEval compile.
COMPILE_ABOVE = 2_000

_KERNELS: list[tuple[Callable, Callable]] = []  # (interpreted wrapper, plain function)
_DISPATCHERS: dict[int, Any] = {}  # id(plain function) -> its Numba dispatcher
#: Seconds spent in interpreted kernels after which the process compiles them: about what
#: importing Numba and loading the cached kernels costs.
INTERPRET_BUDGET = 0.4

_LOCK = threading.Lock()
_state = {"compiled": False, "spent": 0.0, "pinned": False}


def kernel(fun: Callable) -> Callable:
    """Register ``fun`` (Numba's subset of Python) as a linalg kernel; returns its interpreted form.

    The module keeps the returned wrapper under ``fun``'s name; :func:`compile_kernels`
    replaces it there by the compiled dispatcher, so callers must look kernels up through
    their module (``eval_kernels.first_block(...)``) at call time, never bind them early.
    """

    @functools.wraps(fun)
    def interpreted(*args):
        if _state["compiled"]:  # a caller holding this wrapper from before the switch
            return _DISPATCHERS[id(fun)](*args)
        saved = [(a, a.copy()) for a in args if isinstance(a, np.ndarray) and a.flags.writeable]
        start = time.perf_counter()
        try:
            with np.errstate(all="ignore"):  # compiled code sets IEEE results silently
                return fun(*args)
        except (ArithmeticError, ValueError):
            # CPython raised where IEEE arithmetic gives Inf/NaN: undo, and run it compiled
            for array, copy in saved:
                np.copyto(array, copy)
            compile_kernels()
            return _DISPATCHERS[id(fun)](*args)
        finally:
            _state["spent"] += time.perf_counter() - start  # nested kernels count twice: harmless
            if _state["spent"] > INTERPRET_BUDGET and not (_state["compiled"] or _state["pinned"]):
                compile_kernels()

    interpreted.py_func = fun
    with _LOCK:
        _KERNELS.append((interpreted, fun))
        if not _state["compiled"]:
            return interpreted
        # registered after the switch (a module imported late): compiled at once
        _DISPATCHERS[id(fun)] = _numba_jit()(fun)
        return _DISPATCHERS[id(fun)]


def is_compiled() -> bool:
    """Whether the kernels run compiled in this process."""
    return _state["compiled"]


def prepare(work: float) -> None:
    """Compile the kernels if a problem's ``work`` per evaluation repays it (or Numba is loaded anyway)."""
    if not _state["compiled"] and (work > COMPILE_ABOVE or "numba" in sys.modules):
        compile_kernels()


def compile_kernels() -> None:
    """Switch every registered kernel to its compiled form (idempotent, thread-safe)."""
    with _LOCK:
        if _state["compiled"]:
            return
        njit = _numba_jit()
        for _, fun in _KERNELS:
            if id(fun) not in _DISPATCHERS:
                _DISPATCHERS[id(fun)] = njit(fun)
        _rebind({id(wrapper): _DISPATCHERS[id(fun)] for wrapper, fun in _KERNELS})
        _state["compiled"] = True


@contextlib.contextmanager
def interpreted_kernels() -> Iterator[None]:
    """Run the kernels interpreted inside the block, compiled or not before (for checking both).

    Inside, :data:`INTERPRET_BUDGET` does not switch to compiled kernels (a CPython
    exception still does, as always).
    """
    with _LOCK:
        was = _state["compiled"]
        _state["pinned"] = True
        if was:
            _rebind({id(_DISPATCHERS[id(fun)]): wrapper for wrapper, fun in _KERNELS})
            _state["compiled"] = False
    try:
        yield
    finally:
        _state["pinned"] = False
        if was:
            compile_kernels()


def _rebind(mapping: dict[int, Any]) -> None:
    """Every pylme module global whose value's id is a key of ``mapping`` now names the value."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("pylme.") or module is None:
            continue
        namespace = vars(module)
        for attr, value in list(namespace.items()):
            new = mapping.get(id(value))
            if new is not None:
                namespace[attr] = new


def _numba_jit() -> Callable[[Callable], Any]:
    """``numba.njit`` with pylme's options (:mod:`pylme.numba_compile`).

    The kernels call each other across modules and Numba links a callee's code into its
    caller, so the cache key covers every kernel module's source: editing one recompiles all.
    """
    from ..numba_compile import kernel_compiler

    modules = sorted({fun.__module__ for _, fun in _KERNELS})
    return kernel_compiler(Path(sys.modules[name].__file__ or name) for name in modules)
