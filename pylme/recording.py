"""Recording of the fits a Python script makes, for ``pylme verify script.R --python script.py``.

``pylme verify`` pairs the models an R script fits with the models its Python translation
fits. The R side is instrumented in R (``conformance.bridge``); this module is the Python
side: ``pylme.lmer`` and ``pylme.glmer`` hand every fit they return to :func:`record`, which
keeps it, with the line of the user's code that asked for it, when recording is on.
R has no counterpart; it plays the part of the ``trace()`` the bridge puts on
``lme4::lmer``/``lme4::glmer``.

Recording is on when

* the environment variable ``PYLME_RECORD`` names a file when this module is imported: every
  fit of the process is pickled there (a list of :class:`RecordedFit`) when the process
  exits; or
* inside ``with recorder() as fits:``, which appends each :class:`RecordedFit` to ``fits``.

When it is off, :func:`record` returns its argument after one truth test.

Only the fits the user asked for are recorded: a fit pylme makes for itself (the reduced
models of ``anova``/``drop1``, a bootstrap's refits, glmer's Gaussian shortcut calling lmer)
is not; ``fit.update(...)``, which refits through ``lmer``/``glmer``, is, and so is
``fit.refit(newresp)`` called by the user (lme4's ``refit``, which ``pylme verify`` captures
in R too): :func:`pylme.results.refit.refit` and
:func:`pylme.inference.glmm_refit.glmer_refit` record their result as kind ``"refit"``,
while the refits ``bootMer`` makes through the same method are pylme's own.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["RecordedFit", "record", "recorder", "load", "ENV_VAR"]

#: Environment variable naming the file the fits are pickled to at exit.
ENV_VAR = "PYLME_RECORD"

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
#: pylme functions through which a user's request reaches lmer()/glmer() (or the refit
#: functions) and which still count as the user's own fit (update refits the model's call;
#: glmer's Gaussian shortcut returns lmer's fit as its own; the fits' ``refit`` methods
#: call the refit functions).
_PASS_THROUGH = frozenset({"update", "glmer_update", "glmer", "refit"})


@dataclass(frozen=True)
class RecordedFit:
    """One fit a script made, with where it made it.

    Attributes
    ----------
    index : int
        Order of the fit in the process (0-based).
    kind : str
        ``"lmer"`` (an ``LmerFit``), ``"glmer"`` (a ``GlmerFit``) or ``"refit"`` (either,
        returned by the user's ``fit.refit(...)``).
    formula : str
        The model's formula as the fit deparses it.
    fit : LmerFit or GlmerFit
        The fitted model.
    filename, lineno, function : str, int, str
        The first stack frame outside pylme: the user's call site.
    """

    index: int
    kind: str
    formula: str
    fit: Any
    filename: str
    lineno: int
    function: str


_lock = threading.Lock()
_sinks: list[list[RecordedFit]] = []
_at_exit: list[RecordedFit] | None = None
_count = 0


def record(fit: Any, kind: str | None = None) -> Any:
    """Record `fit` when recording is on; return it unchanged (called by lmer/glmer and
    by the refit functions).

    Parameters
    ----------
    fit : LmerFit or GlmerFit
    kind : str, optional
        ``"refit"`` from the refit functions; by default the fit's class decides
        (``"lmer"`` or ``"glmer"``).

    Returns
    -------
    The same object.
    """
    if not _sinks and _at_exit is None:  # recording off: the only cost
        return fit
    site = _user_site(sys._getframe(1))
    if site is None:  # a fit pylme made for itself
        return fit
    global _count
    with _lock:
        kind = kind or ("glmer" if type(fit).__name__ == "GlmerFit" else "lmer")
        item = RecordedFit(_count, kind, _formula_text(fit), fit, *site)
        _count += 1
        for sink in _sinks:
            sink.append(item)
        if _at_exit is not None:
            _at_exit.append(item)
    return fit


def _user_site(frame: Any) -> tuple[str, int, str] | None:
    """The user's frame above `frame` (lmer's or glmer's own), or None when a pylme function
    other than the pass-through ones stands between them."""
    frame = frame.f_back
    while frame is not None and _in_pylme(frame):
        if frame.f_code.co_name not in _PASS_THROUGH:
            return None
        frame = frame.f_back
    if frame is None:
        return None
    return frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name


def _in_pylme(frame: Any) -> bool:
    return os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR)


def _formula_text(fit: Any) -> str:
    try:
        return str(fit.call_args["formula"])
    except Exception:  # noqa: BLE001 - a label only; never let recording break a fit
        return ""


@contextlib.contextmanager
def recorder() -> Iterator[list[RecordedFit]]:
    """Record the fits made inside the ``with`` block into the list it yields.

    Examples
    --------
    >>> import pylme
    >>> from pylme import recording
    >>> with recording.recorder() as fits:
    ...     m = pylme.lmer("Reaction ~ Days + (1 | Subject)", pylme.datasets.load("sleepstudy"))
    >>> len(fits)
    1
    """
    sink: list[RecordedFit] = []
    with _lock:
        _sinks.append(sink)
    try:
        yield sink
    finally:
        with _lock:
            _sinks.remove(sink)


def load(path: str | os.PathLike) -> list[RecordedFit]:
    """Read the fits a process recorded to `path` (``PYLME_RECORD``)."""
    with open(path, "rb") as fh:
        return pickle.load(fh)


def _dump(path: str) -> None:
    fits = list(_at_exit or ())
    try:
        data = pickle.dumps(fits)
    except Exception as exc:  # noqa: BLE001 - keep what pickles, say what did not
        print(f"pylme.recording: could not pickle every fit ({exc}); writing their sites only",
              file=sys.stderr)
        data = pickle.dumps([RecordedFit(f.index, f.kind, f.formula, None, f.filename, f.lineno,
                                         f.function) for f in fits])
    with open(path, "wb") as fh:
        fh.write(data)


def _enable_from_environment() -> None:
    global _at_exit
    # taken out of the environment: worker processes (a bootstrap's n_jobs) import pylme
    # afresh and would otherwise overwrite the script's file with their own empty list
    path = os.environ.pop(ENV_VAR, None)
    if path:
        _at_exit = []
        atexit.register(_dump_from, os.getpid(), os.path.abspath(path))


def _dump_from(pid: int, path: str) -> None:
    if os.getpid() == pid:  # not in a forked child that inherited the handler
        _dump(path)


_enable_from_environment()
