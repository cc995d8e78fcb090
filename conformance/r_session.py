"""The embedded R session: the only module in the project that imports rpy2.

Everything that crosses the R/Python boundary goes through here:

* :class:`RSession` evaluates R code in an environment and captures R's
  warnings and messages as lists of strings; an R error comes back as
  :class:`RError` carrying R's own message.
* :func:`to_python` turns an R object into an :class:`RValue` (plain Python
  scalars, ``None`` for ``NA``), so no caller ever touches an rpy2 type.
* :meth:`RSession.assign_frame` sends a pandas DataFrame to R with explicit
  factor levels (a generated design, for instance).

Conversions always run inside ``rpy2.robjects.conversion.localconverter``;
nothing activates a global converter, so importing this module changes no
behaviour elsewhere.

Notes
-----
rpy2 3.6 does not load against R 4.2; the project pins ``rpy2>=3.5.17,<3.6``.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd



def _export_r_dirs() -> None:
    """Set R_SHARE_DIR/R_DOC_DIR/R_INCLUDE_DIR as the ``R`` shell script does.

    Embedded R (rpy2) skips that script; on Debian R.home("share") then points
    at a missing directory and, e.g., ``citation()`` fails to open its files.
    """
    wanted = ("R_SHARE_DIR", "R_DOC_DIR", "R_INCLUDE_DIR")
    if all(os.environ.get(v) for v in wanted):
        return
    r_home = os.environ.get("R_HOME") or _r_home_from_path()
    script = os.path.join(r_home, "bin", "R") if r_home else ""
    if not os.path.isfile(script):
        return
    with open(script, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            match = re.match(r"^(R_(?:SHARE|DOC|INCLUDE)_DIR)=(\S+)\s*$", line)
            if match and not os.environ.get(match.group(1)):
                os.environ[match.group(1)] = match.group(2)


def _r_home_from_path() -> str | None:
    r_bin = shutil.which("R")
    if r_bin is None:
        return None
    try:
        out = subprocess.run([r_bin, "RHOME"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


_export_r_dirs()

try:  # the only rpy2 import in the project
    import rpy2.rinterface as ri
    import rpy2.robjects as ro
    from rpy2.robjects.conversion import localconverter
except Exception as exc:  # noqa: BLE001 - any failure means "no usable R"
    ri = ro = localconverter = None  # type: ignore[assignment]
    _IMPORT_ERROR: Exception | None = exc
else:
    _IMPORT_ERROR = None

#: Message shown by tests and the CLI when R or rpy2 cannot be used.
R_UNAVAILABLE_HINT = (
    "R/rpy2 not available: install r-base-core r-cran-lme4 and "
    "rpy2>=3.5.17,<3.6 to enable"
)

# R's NA_real_ is a NaN whose low word is 1954; other NaNs are R's NaN.
_NA_REAL_LOW_WORD = 1954
_NA_INTEGER = -(2**31)

# Evaluates `code` in `env`; warnings and messages are muffled and collected
# (so they reach Python as data, not as console noise), errors are caught.
_CAPTURE_R = r"""
function(code, env, keep) {
  warnings <- character(0); messages <- character(0)
  result <- withCallingHandlers(
    tryCatch({
      value <- eval(parse(text = code, keep.source = FALSE), envir = env)
      list(ok = if (keep) value else NULL)
    }, error = function(e) list(
      error = conditionMessage(e),
      call = paste(deparse(conditionCall(e)), collapse = "\n"))),
    warning = function(w) {
      warnings <<- c(warnings, conditionMessage(w))
      invokeRestart("muffleWarning")
    },
    message = function(m) {
      messages <<- c(messages, sub("\n$", "", conditionMessage(m)))
      invokeRestart("muffleMessage")
    })
  list(result = result, warnings = warnings, messages = messages)
}
"""

# Makes a factor from 1-based codes and explicit levels (no re-sorting of levels).
_FACTOR_R = r"""
function(codes, levels, ordered) {
  structure(codes, levels = levels,
            class = if (ordered) c("ordered", "factor") else "factor")
}
"""


class RError(RuntimeError):
    """An error signalled by R.

    Parameters
    ----------
    message : str
        R's ``conditionMessage`` of the error, unchanged.
    call : str
        The deparsed call that signalled it (may be empty).
    code : str
        The R code that was being evaluated.
    warnings, messages : tuple of str
        Conditions signalled before the error.
    """

    def __init__(self, message: str, call: str = "", code: str = "",
                 warnings: Sequence[str] = (), messages: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.call = call
        self.code = code
        self.warnings = tuple(warnings)
        self.messages = tuple(messages)


class RUnavailableError(RuntimeError):
    """R or rpy2 cannot be loaded in this Python environment."""


@dataclass(frozen=True)
class RValue:
    """An R object converted to plain Python data.

    Attributes
    ----------
    type : str
        R's ``typeof``: ``"NULL"``, ``"double"``, ``"integer"``, ``"logical"``,
        ``"character"``, ``"list"``, or another type name (not converted).
    values : tuple
        Python scalars (``None`` for ``NA``; ``nan``/``inf`` kept as floats)
        or, for lists, :class:`RValue` elements.
    attributes : Mapping[str, RValue]
        R attributes (names, dim, dimnames, levels, class, row.names, ...).
    """

    type: str
    values: tuple = ()
    attributes: Mapping[str, RValue] = field(default_factory=dict)

    def attr(self, name: str) -> RValue | None:
        """Return attribute `name`, or None."""
        return self.attributes.get(name)

    def attr_values(self, name: str) -> tuple | None:
        """Return the values of attribute `name`, or None when absent."""
        value = self.attributes.get(name)
        return None if value is None else value.values

    @property
    def classes(self) -> tuple[str, ...]:
        """R's explicit ``class`` attribute (empty when implicit)."""
        return tuple(self.attr_values("class") or ())

    @property
    def is_factor(self) -> bool:
        """True for R factors (ordered or not)."""
        return "factor" in self.classes

    @property
    def is_data_frame(self) -> bool:
        """True for data frames."""
        return "data.frame" in self.classes


@dataclass(frozen=True)
class Captured:
    """Result of one R evaluation: the value and what R said meanwhile."""

    value: RValue | None
    warnings: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactorSpec:
    """R factor metadata for one column sent to R.

    Attributes
    ----------
    levels : tuple of str
        Level labels in R's order.
    ordered : bool
        Whether the factor is ``ordered`` (``contr.poly`` by default).
    """

    levels: tuple[str, ...]
    ordered: bool = False


def r_available() -> tuple[bool, str]:
    """Tell whether rpy2 loads and R has lme4.

    Returns
    -------
    (bool, str)
        Availability and, when unavailable, the reason (starting with
        :data:`R_UNAVAILABLE_HINT`).
    """
    if _IMPORT_ERROR is not None:
        return False, f"{R_UNAVAILABLE_HINT} ({_IMPORT_ERROR})"
    try:
        with localconverter(ro.default_converter):
            ok = ro.r('isTRUE(requireNamespace("lme4", quietly = TRUE))')[0]
    except Exception as exc:  # noqa: BLE001
        return False, f"{R_UNAVAILABLE_HINT} ({exc})"
    return (True, "") if ok else (False, f"{R_UNAVAILABLE_HINT} (no lme4)")


class RSession:
    """Evaluate R code with lme4 attached and conditions captured.

    Parameters
    ----------
    packages : sequence of str
        Packages attached at start (their startup messages suppressed).

    Raises
    ------
    RUnavailableError
        When rpy2 cannot be imported.
    """

    def __init__(self, packages: Sequence[str] = ("lme4",)) -> None:
        if _IMPORT_ERROR is not None:
            raise RUnavailableError(f"{R_UNAVAILABLE_HINT} ({_IMPORT_ERROR})")
        with localconverter(ro.default_converter):
            self._capture = ro.r(_CAPTURE_R)
            self._factor = ro.r(_FACTOR_R)
            self._global = ro.globalenv
        for pkg in packages:
            self.run(f"suppressPackageStartupMessages(library({pkg}))")

    def new_env(self) -> Any:
        """Return a fresh R environment whose parent is the global one."""
        with localconverter(ro.default_converter):
            return ro.r("new.env(parent = globalenv())")

    def run(self, code: str, env: Any = None) -> Captured:
        """Evaluate `code` for its side effects; the value is not converted.

        Raises
        ------
        RError
            When R signals an error.
        """
        return self._eval(code, env, keep=False)

    def get(self, code: str, env: Any = None) -> Captured:
        """Evaluate `code` and convert its value with :func:`to_python`.

        Raises
        ------
        RError
            When R signals an error.
        """
        return self._eval(code, env, keep=True)

    def _eval(self, code: str, env: Any, keep: bool) -> Captured:
        with localconverter(ro.default_converter):
            env = self._global if env is None else env
            out = self._capture(code, env, keep)
            result = out.rx2("result")
            warnings = tuple(str(w) for w in out.rx2("warnings"))
            messages = tuple(str(m) for m in out.rx2("messages"))
            if "error" in list(result.names):
                raise RError(str(result.rx2("error")[0]), str(result.rx2("call")[0]),
                             code, warnings, messages)
            value = to_python(result.rx2("ok")) if keep else None
        return Captured(value, warnings, messages)

    def assign_frame(self, name: str, frame: pd.DataFrame, env: Any = None,
                     factors: Mapping[str, FactorSpec] | None = None) -> None:
        """Assign a pandas DataFrame to `name` in `env` as an R data.frame.

        Parameters
        ----------
        name : str
            Syntactic R name.
        frame : pandas.DataFrame
            float columns become double (NaN -> NA), integer columns integer,
            bool logical, Categorical factors (levels and ordered flag kept),
            anything else character.
        env : R environment, optional
            Defaults to the global environment.
        factors : mapping, optional
            Per-column :class:`FactorSpec` overriding the column's own
            categories (or turning a string/int column into a factor).
        """
        factors = dict(factors or {})
        with localconverter(ro.default_converter):
            columns = [self._r_column(frame[c], factors.get(str(c))) for c in frame.columns]
            data = ro.vectors.ListVector.from_length(len(columns))
            for i, col in enumerate(columns):
                data[i] = col
            data.names = ro.StrVector([str(c) for c in frame.columns])
            make = ro.r("function(x, n) { attr(x, 'row.names') <- .set_row_names(n);"
                        " class(x) <- 'data.frame'; x }")
            target = self._global if env is None else env
            target[name] = make(data, len(frame))

    def _r_column(self, series: pd.Series, spec: FactorSpec | None) -> Any:
        if spec is None and isinstance(series.dtype, pd.CategoricalDtype):
            spec = FactorSpec(tuple(str(c) for c in series.cat.categories),
                              bool(series.cat.ordered))
        if spec is not None:
            return self._factor(_factor_codes(series, spec), ro.StrVector(list(spec.levels)),
                                spec.ordered)
        return _atomic_column(series)


def _factor_codes(series: pd.Series, spec: FactorSpec) -> Any:
    labels = series.astype(object)
    lookup = {lev: i + 1 for i, lev in enumerate(spec.levels)}
    codes = []
    for v in labels:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            codes.append(ri.NA_Integer)
        elif str(v) in lookup:
            codes.append(lookup[str(v)])
        else:
            raise ValueError(f"value {v!r} of column {series.name!r} is not a declared level")
    return ro.IntVector(codes)


def _atomic_column(series: pd.Series) -> Any:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return ro.BoolVector([ri.NA_Logical if v is pd.NA else bool(v) for v in series])
    if pd.api.types.is_integer_dtype(dtype):
        return ro.IntVector([ri.NA_Integer if v is pd.NA else int(v) for v in series])
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return ro.FloatVector([ri.NA_Real if math.isnan(v) else float(v) for v in values])
    return ro.StrVector([ri.NA_Character if pd.isna(v) else str(v) for v in series])


def to_python(obj: Any) -> RValue:
    """Convert an rpy2 object to an :class:`RValue`.

    Parameters
    ----------
    obj : rpy2 object
        Any R object; atomic vectors and lists are converted recursively,
        other types (functions, environments, S4) keep only their type name.

    Returns
    -------
    RValue
    """
    if obj is ri.NULL or getattr(obj, "typeof", None) == ri.RTYPES.NILSXP:
        return RValue("NULL")
    rtype = obj.typeof
    attrs = {str(a): to_python(obj.do_slot(str(a))) for a in obj.list_attrs()}
    if rtype == ri.RTYPES.VECSXP:
        return RValue("list", tuple(to_python(obj[i]) for i in range(len(obj))), attrs)
    converter = _ATOMIC.get(rtype)
    if converter is None:
        return RValue(str(rtype.name).lower(), (), attrs)
    name, convert = converter
    return RValue(name, convert(obj), attrs)


def _doubles(obj: Any) -> tuple:
    # np.array(obj) copies in R's (column-major) order; rpy2 3.5's memoryview() leaks a
    # reference to None per call and fails on zero-length vectors, so it is not used
    arr = np.array(obj, dtype=np.float64).ravel(order="F")
    na = np.isnan(arr) & ((arr.view(np.uint64) & 0xFFFFFFFF) == _NA_REAL_LOW_WORD)
    return tuple(None if m else float(v) for v, m in zip(arr.tolist(), na.tolist()))


def _integers(obj: Any) -> tuple:
    arr = np.array(obj, dtype=np.int32).ravel(order="F").tolist()
    return tuple(None if v == _NA_INTEGER else int(v) for v in arr)


def _logicals(obj: Any) -> tuple:
    return tuple(None if v is None else bool(v) for v in _integers(obj))


def _strings(obj: Any) -> tuple:
    return tuple(None if v is ri.NA_Character else str(v) for v in obj)


if _IMPORT_ERROR is None:
    _ATOMIC = {
        ri.RTYPES.REALSXP: ("double", _doubles),
        ri.RTYPES.INTSXP: ("integer", _integers),
        ri.RTYPES.LGLSXP: ("logical", _logicals),
        ri.RTYPES.STRSXP: ("character", _strings),
    }
else:  # pragma: no cover - R absent
    _ATOMIC = {}


def route_r_stderr() -> None:
    """Send R's stderr (warnings, messages, ``cat(file = stderr())``) to Python's stderr as
    text, where rpy2 would log it as a Python warning (``pylme verify`` shows a script's
    own output as the script would print it)."""
    import sys

    from rpy2.rinterface_lib import callbacks

    def to_stderr(text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()

    callbacks.consolewrite_warnerror = to_stderr
