"""The R side of ``pylme verify``: run a script in a fresh R and capture every lme4 fit.

Run as a child process, one per script, so that each script gets a fresh embedded R and the
parent can bound its time and memory::

    python -m conformance.bridge.capture script.R out.pickle [--memory MB] [--timeout S]

The child limits its address space (``RLIMIT_AS``, ``--memory``), moves to the script's
folder, instruments lme4 (``instrument.R``: lmer, glmer, glmer.nb, nlmer, refit, and the
anova/summary/print methods of merMod), runs the script expression by expression as
``Rscript`` would (its output, warnings and errors shown as they come; an error stops the
script, the models captured before it are kept; past ``--timeout`` seconds, counted from the
child's start, R's elapsed time limit stops it the same way), then extracts the reference record of
every captured fit with the conformance harness's own quantities
(:mod:`conformance.r_side`, :mod:`conformance.r_side_glmm`) on the captured object bound as
``fm``, and pickles a :class:`Capture` list to ``out.pickle``.

Exit status: 0 when the pickle was written (whatever the script did), 2 when the script
could not even be parsed or R is unavailable (the reason on stderr).
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Capture", "AnovaCapture", "ScriptCapture", "main"]

INSTRUMENT_R = Path(__file__).with_name("instrument.R")


@dataclass(frozen=True)
class Capture:
    """One model a script fitted in R, with what pylme needs to fit it again.

    Attributes
    ----------
    index : int
        1-based order of the fit in the script.
    kind : str
        The lme4 function: ``lmer``, ``glmer``, ``glmer.nb``, ``nlmer`` or ``refit``.
    file, line : str, int
        The call site (the innermost call in the script's code).
    call_text : str
        The call as R saw it.
    case : conformance.cases.Case or None
        The model as a conformance case (formula, REML, family, nAGQ, weights/offset
        texts, control text); its data are ``data``.
    data : pandas.DataFrame or None
        The variables of the formula, weights, offset and subset, subset applied.
    weights, offset : list of float or None
        The evaluated vectors, one per row of ``data``.
    na_action : str
        ``na.omit``, ``na.exclude``, ... (R's ``na.action``).
    contrasts : dict
        Non-default contrasts R used (``attr(X, "contrasts")``), as pylme's ``contrasts=``.
    data_name : str
        The ``data`` argument as written (what R's summary prints after ``Data:``).
    start : object
        The ``start`` argument, evaluated (None when absent).
    reference : dict or None
        The conformance record of the fit (``r_side.fit_case``'s schema).
    warnings, messages : list of str
        R's conditions during the fit.
    r_error, capture_error, unsupported : str or None
        The fit failed in R / its inputs could not be captured / pylme cannot fit it.
    base : int or None
        For ``refit``: the index of the refitted capture; ``newresp`` its new response.
    printed : list of str
        ``summary``/``print`` calls the script made on the model.
    """

    index: int
    kind: str
    file: str
    line: int | None
    call_text: str
    case: Any = None
    data: Any = None
    weights: Any = None
    offset: Any = None
    na_action: str = "na.omit"
    contrasts: dict = field(default_factory=dict)
    data_name: str = ""
    start: Any = None
    reference: dict | None = None
    warnings: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    r_error: str | None = None
    capture_error: str | None = None
    unsupported: str | None = None
    base: int | None = None
    newresp: Any = None
    printed: list = field(default_factory=list)


@dataclass(frozen=True)
class AnovaCapture:
    """``anova(m1, m2, ...)`` of captured models: R's table and text.

    Attributes
    ----------
    models : list of int or None
        Capture indices of the compared models (None for a model not captured).
    table, print : dict
        R's ``as.data.frame(anova(...))`` and ``capture.output(print(...))`` records.
    refit : bool
        anova's ``refit`` argument.
    names : list of str
        The models' names as R deparsed them (argument order).
    with_lm : bool
        An ``lm``/``glm`` fit was among the compared models.
    file, line : str, int
    lms : list or None
        Parallel to ``models``: None for a mixed model, else what statsmodels needs to fit
        the ``lm``/``glm`` again (``kind``, ``formula``, model matrix ``X`` and its
        ``columns``, response ``y`` as the fit used it, prior ``weights``, ``offset``,
        ``family``/``link`` of a glm), or ``{"error": ...}`` when R could not give them.
    """

    models: list
    table: dict
    print: dict
    refit: bool
    names: list
    with_lm: bool
    file: str
    line: int | None
    lms: list | None = None


@dataclass(frozen=True)
class ScriptCapture:
    """Everything the child sends back: the captures, the anovas and how the script ended.

    ``timed_out`` is ``{"line": ..., "seconds": ...}`` when the script was stopped at
    ``--timeout`` (the models captured before are all there), else None.
    """

    script: str
    captures: list
    anovas: list
    script_error: dict | None
    versions: dict
    timed_out: dict | None = None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the child process (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m conformance.bridge.capture")
    parser.add_argument("script")
    parser.add_argument("out")
    parser.add_argument("--memory", type=int, default=None, metavar="MB")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.memory:
        limit = args.memory * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    script = Path(args.script).resolve()
    out = Path(args.out).resolve()
    os.chdir(script.parent)
    from conformance.r_session import RError, RSession, r_available, route_r_stderr

    ok, reason = r_available()
    if not ok:
        print(reason, file=sys.stderr)
        return 2
    route_r_stderr()
    session = RSession(packages=())
    session.run(f"source({_r_string(str(INSTRUMENT_R))}, keep.source = FALSE)")
    session.run(f"setwd({_r_string(str(script.parent))})")
    try:
        session.run(f"parse({_r_string(str(script))}, keep.source = FALSE)")
    except RError as err:
        print(f"Error: the script does not parse: {err.message}", file=sys.stderr)
        return 2
    try:
        seconds = "Inf" if args.timeout is None else \
            repr(max(args.timeout - (time.monotonic() - started), 0.1))
        session.run(f".pylme_run({_r_string(str(script))}, seconds = {seconds})")
    except RError as err:  # the driver catches the script's errors; this is R itself
        print(f"Error: {err.message}", file=sys.stderr)
    sys.stdout.flush()
    from conformance.bridge.extract import extract_all

    result = extract_all(session, str(script))
    with open(out, "wb") as fh:
        pickle.dump(result, fh)
    return 0


def _r_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    sys.exit(main())
