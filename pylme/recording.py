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

The conditions a fit signals (lme4's warnings and messages: the singular fit, the
convergence checks, rank deficiency, scaling, data checks) are signalled before
:func:`record` sees the fit, so under ``PYLME_RECORD`` :func:`capturing` wraps ``lmer`` and
``glmer``: a fit the user asked for runs with every warning caught (whatever the user's
filters, as the bridge's calling handlers in R see even a ``suppressWarnings``'d fit's
conditions), :func:`record` keeps them with the fit (:attr:`RecordedFit.conditions`), and
they are then signalled again, unchanged, through the user's own filters. Without
``PYLME_RECORD`` at import nothing is wrapped (``lmer``'s warnings keep pointing at the
user's line); fits recorded by :func:`recorder` alone carry ``conditions=None``.

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
import functools
import os
import pickle
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["RecordedFit", "Condition", "record", "capturing", "recorder", "load", "ENV_VAR"]

#: Environment variable naming the file the fits are pickled to at exit.
ENV_VAR = "PYLME_RECORD"

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
#: pylme functions through which a user's request reaches lmer()/glmer() (or the refit
#: functions) and which still count as the user's own fit (update refits the model's call;
#: glmer's Gaussian shortcut returns lmer's fit as its own; the fits' ``refit`` methods
#: call the refit functions).
_PASS_THROUGH = frozenset({"update", "glmer_update", "glmer", "refit", "_capturing_call"})


@dataclass(frozen=True)
class Condition:
    """One warning or message a fit signalled (R: a condition caught by the bridge's
    ``withCallingHandlers`` around ``lmer``/``glmer``).

    Attributes
    ----------
    category : str
        The Python warning class's name (``SingularFitMessage``, ``ConvergenceWarning``...).
    text : str
        The text, as signalled (pylme's wording).
    kind : str
        ``"message"`` (a :class:`~pylme.errors.PylmeMessage`: R's ``message()``),
        ``"warning"`` (a :class:`~pylme.errors.PylmeWarning`: R's ``warning()``) or
        ``"other"`` (any other Python warning, e.g. numpy's).
    """

    category: str
    text: str
    kind: str

    @classmethod
    def of(cls, caught: warnings.WarningMessage) -> "Condition":
        """The condition of one caught Python warning."""
        from .errors import PylmeMessage, PylmeWarning

        category = caught.category
        kind = ("message" if issubclass(category, PylmeMessage)
                else "warning" if issubclass(category, PylmeWarning) else "other")
        return cls(category.__name__, str(caught.message), kind)


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
    conditions : tuple of Condition or None
        Every warning and message signalled while the fit was made, in order (see
        :func:`capturing`); None when they were not captured (a ``refit``, or a fit
        recorded by :func:`recorder` in a process started without ``PYLME_RECORD``).
    """

    index: int
    kind: str
    formula: str
    fit: Any
    filename: str
    lineno: int
    function: str
    conditions: tuple[Condition, ...] | None = None


_lock = threading.Lock()
_sinks: list[list[RecordedFit]] = []
_at_exit: list[RecordedFit] | None = None
_count = 0
#: per thread, the warnings caught by each :func:`capturing` call in progress (outermost
#: first: glmer's Gaussian shortcut runs lmer inside glmer)
_active = threading.local()


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
        item = RecordedFit(_count, kind, _formula_text(fit), fit, *site,
                           conditions=_conditions_so_far())
        _count += 1
        for sink in _sinks:
            sink.append(item)
        if _at_exit is not None:
            _at_exit.append(item)
    return fit


def _stack() -> list[list[warnings.WarningMessage]]:
    if not hasattr(_active, "stack"):
        _active.stack = []
    return _active.stack


def _conditions_so_far() -> tuple[Condition, ...] | None:
    """The conditions of the capturing calls in progress in this thread, or None."""
    stack = _stack()
    if not stack:
        return None
    return tuple(Condition.of(w) for caught in stack for w in caught)


def capturing(fn: Callable) -> Callable:
    """Decorate ``lmer``/``glmer`` so that a recorded fit keeps the conditions it signalled.

    Without ``PYLME_RECORD`` when this module is imported, `fn` itself is returned: nothing
    changes. Otherwise a call the user made (the same test as :func:`record`'s) runs with
    every warning caught (``"always"``, so neither the user's filters nor Python's
    once-per-line registry hide one from the record); :func:`record` reads them; when the
    call ends (returning or raising) each is signalled again through the caller's filters.
    A warning that pointed at this wrapper's frame (its ``stacklevel`` counted the wrapper)
    is signalled at the caller's line, where it points without the wrapper.

    Under recording only (a ``pylme verify --python`` run), three things differ from a
    plain run: a warning the user's filters show ``"default"``/``"once"`` per line is shown
    each time (``catch_warnings`` resets Python's per-module registries anyway, as R shows
    a warning per fit); under an ``"error"`` filter the fit completes before its first
    warning is raised; and ``catch_warnings`` swaps process-wide state, so a script fitting
    in several threads at once may file one thread's warnings with another's fit.
    """
    if _at_exit is None:
        return fn

    @functools.wraps(fn)
    def _capturing_call(*args: Any, **kwargs: Any) -> Any:
        if _user_site(sys._getframe(0)) is None:  # a fit pylme makes for itself
            return fn(*args, **kwargs)
        caller = sys._getframe(1)
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                _stack().append(caught)
                try:
                    return fn(*args, **kwargs)
                finally:
                    _stack().pop()
        finally:
            _signal_again(caught, caller)

    return _capturing_call


def _signal_again(caught: list[warnings.WarningMessage], caller: Any) -> None:
    here = os.path.abspath(__file__)
    for w in caught:
        if os.path.abspath(w.filename) == here:  # pointed at the wrapper: the caller's line
            module_globals = caller.f_globals
            warnings.warn_explicit(w.message, w.category, caller.f_code.co_filename,
                                   caller.f_lineno, module=module_globals.get("__name__"),
                                   registry=module_globals.setdefault("__warningregistry__", {}))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)


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
                                         f.function, f.conditions) for f in fits])
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
