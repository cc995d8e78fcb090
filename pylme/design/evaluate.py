"""Evaluate the variable expressions of a formula (R: evaluating ``attr(terms, "variables")``
in the data, as ``model.frame`` does) — without ``eval()``.

Only whitelisted functions and operators are evaluated:

* ``I()``, ``offset()``, ``log(x, base)``, ``log10``, ``log2``, ``log1p``, ``exp``,
  ``sqrt``, ``abs``;
* ``poly(x, degree, raw = FALSE)`` (orthogonal polynomials, R's algorithm) and
  ``scale(x, center = TRUE, scale = TRUE)``; their data-dependent parameters are
  recorded so that new data is evaluated with the same basis (R's ``predvars``);
* ``factor()``, ``as.factor()``, ``ordered()``, ``as.numeric()``;
* arithmetic ``+ - * / ^ %% %/%``, unary ``- + !``, comparisons, ``& && | ||``.

Values carry R's missing values: NaN in numeric columns, code -1 in factors, and a
mask for logicals.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import DataError, FormulaError, PylmeWarning
from ..formula.ast import BinOp, Call, Name, Num, Paren, Str, UnaryOp
from ..formula.deparse import deparse
from ..rstats import r_sum
from .columns import Factor, FrameColumn, Logical, Numeric, r_factor, strings_to_factor
from .contrasts import poly_fit, poly_predict

__all__ = ["Numeric", "Factor", "Logical", "FrameColumn", "r_factor", "strings_to_factor",
           "Evaluator", "SUPPORTED_FUNCTIONS"]


# --- evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Val:
    """A value during evaluation: a column plus its NA mask (None: no NA possible)."""

    col: object
    na: np.ndarray | None = None

    def missing(self) -> np.ndarray:
        c = self.col
        if isinstance(c, Numeric):
            v = np.isnan(c.values)
            return v if v.ndim <= 1 else v.any(axis=1)
        if isinstance(c, Factor):
            return c.codes < 0
        if self.na is not None:
            return self.na
        return np.zeros(np.shape(c.values), dtype=bool)


def _as_numbers(v: _Val, what: str) -> tuple[np.ndarray, bool]:
    """Numeric view of a value for arithmetic (logicals become 0/1, NA becomes NaN)."""
    c = v.col
    if isinstance(c, Numeric):
        return c.values.astype(float), c.is_integer
    if isinstance(c, Logical):
        out = c.values.astype(float)
        if v.na is not None:
            out = np.where(v.na, np.nan, out)
        return out, True
    if isinstance(c, Factor):
        raise FormulaError(f"'{what}' is not meaningful for factors")
    raise FormulaError(f"non-numeric argument to '{what}'")


def _logical(values: np.ndarray, na: np.ndarray | None) -> _Val:
    values = np.asarray(values, dtype=bool)
    if na is not None and not np.any(na):
        na = None
    return _Val(Logical(np.where(na, False, values) if na is not None else values), na)


def _numeric(values, is_integer: bool = False, colnames=None) -> _Val:
    return _Val(Numeric(np.asarray(values, dtype=float), colnames, is_integer))


def _quiet(fn, *args):
    """Run an elementwise function, warning "NaNs produced" as R does when it creates NaN."""
    with np.errstate(all="ignore"):
        out = fn(*args)
    before = np.zeros(np.shape(out), dtype=bool)
    for a in args:
        before = before | np.isnan(a)
    if np.any(np.isnan(out) & ~before):
        warnings.warn("NaNs produced", PylmeWarning, stacklevel=4)
    return out


def _libm(math_fn, numpy_fn):
    """Elementwise C-library function, as R calls it.

    numpy's vectorised ``log``/``exp``/``power`` differ from the C library in the last
    bit for a fraction of inputs; Python's ``math`` calls the C library, so it
    reproduces R exactly.  Domain edges (``log(0)``, overflow) fall back to numpy,
    which returns C's -Inf/NaN/Inf instead of raising.
    """

    def scalar(*values):
        try:
            return math_fn(*values)
        except (ValueError, OverflowError):
            with np.errstate(all="ignore"):
                return float(numpy_fn(*values))

    vectorised = np.vectorize(scalar, otypes=[float])
    return lambda *arrays: _quiet(vectorised, *arrays)


_LOG = _libm(math.log, np.log)
_LOG10 = _libm(math.log10, np.log10)
_LOG2 = _libm(math.log2, np.log2)
_POW = _libm(math.pow, np.power)

_ARITH: dict[str, Callable] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": _POW,
    "%%": np.mod, "%/%": np.floor_divide,
}
_INTEGER_PRESERVING = frozenset({"+", "-", "*", "%%", "%/%"})
_COMPARE: dict[str, Callable] = {
    "==": np.equal, "!=": np.not_equal, "<": np.less, ">": np.greater,
    "<=": np.less_equal, ">=": np.greater_equal,
}


class Evaluator:
    """Evaluates variable expressions against named data columns.

    Parameters
    ----------
    lookup : callable
        ``lookup(name) -> _Val``: a data column with its NA mask; raises
        :class:`~pylme.errors.UnknownVariableError` for unknown names.
    state : dict, optional
        Parameters of data-dependent functions, keyed by the deparsed call
        (``"poly(Days, 3)"``).  When ``reference`` is False the evaluator records
        them here; when True it evaluates with them (prediction on new data).
    reference : bool
        See ``state``.
    """

    def __init__(self, lookup, state: dict | None = None, reference: bool = False):
        self.lookup = lookup
        self.state = {} if state is None else state
        self.reference = reference

    def evaluate(self, node) -> _Val:
        """Evaluate one expression to a value with its NA mask.

        Operators are evaluated from an explicit stack, operands first and left to
        right (R's order): ``I(x1 + x2 + ... + x10000)`` or 9,000 nested unary minus
        signs are trees thousands of levels deep.  Function calls go through their
        handlers, which evaluate their arguments with this method; R's parser allows
        at most 50 nested calls, so that recursion stays shallow.
        """
        values: list[_Val] = []
        stack: list = [(node, False)]
        while stack:
            current, ready = stack.pop()
            if isinstance(current, Paren):
                stack.append((current.expr, False))
            elif isinstance(current, UnaryOp):
                if ready:
                    values.append(self._unary(current, values.pop()))
                else:
                    stack.extend(((current, True), (current.operand, False)))
            elif isinstance(current, BinOp):
                if ready:
                    right = values.pop()
                    values.append(self._binary(current, values.pop(), right))
                else:
                    stack.extend(((current, True), (current.right, False), (current.left, False)))
            else:
                values.append(self._leaf(current))
        return values[0]

    def _leaf(self, node) -> _Val:
        if isinstance(node, Name):
            return self._name(node)
        if isinstance(node, Num):
            return _numeric(np.array(node.value), is_integer=node.is_integer)
        if isinstance(node, Str):
            return _Val(node.value)
        if isinstance(node, Call):
            return self._call(node)
        raise FormulaError(f"cannot evaluate {node!r}")

    def _name(self, node: Name) -> _Val:
        constants = {
            "TRUE": lambda: _logical(np.array(True), None),
            "FALSE": lambda: _logical(np.array(False), None),
            "NA": lambda: _logical(np.array(False), np.array(True)),
            "Inf": lambda: _numeric(np.array(np.inf)),
            "NaN": lambda: _numeric(np.array(np.nan)),
        }
        if node.id in constants:
            return constants[node.id]()
        if node.id == "NULL":
            raise FormulaError("NULL is not a variable")
        return self.lookup(node.id)

    def _unary(self, node: UnaryOp, v: _Val) -> _Val:
        if node.op == "!":
            if isinstance(v.col, Logical):
                return _logical(~v.col.values, v.na)
            x, _ = _as_numbers(v, "!")
            return _logical(x == 0, np.isnan(x))
        if node.op == "~":
            raise FormulaError("'~' cannot be used inside a variable expression")
        x, is_int = _as_numbers(v, node.op)
        return _numeric(-x if node.op == "-" else x, is_integer=is_int)

    def _binary(self, node: BinOp, left: _Val, right: _Val) -> _Val:
        op = node.op
        if op in ("&", "&&", "|", "||"):
            return self._logic(op, left, right)
        if op in _COMPARE:
            return self._compare(op, left, right)
        if op not in _ARITH:
            raise FormulaError(f"the operator '{op}' is not supported in a variable expression ({deparse(node)})")
        a, ia = _as_numbers(left, op)
        b, ib = _as_numbers(right, op)
        with np.errstate(all="ignore"):
            out = _ARITH[op](a, b)
        return _numeric(out, is_integer=ia and ib and op in _INTEGER_PRESERVING)

    def _compare(self, op: str, left: _Val, right: _Val) -> _Val:
        if isinstance(left.col, str) or isinstance(right.col, str):
            return self._compare_labels(op, left, right)
        a, _ = _as_numbers(left, op)
        b, _ = _as_numbers(right, op)
        with np.errstate(invalid="ignore"):
            out = _COMPARE[op](a, b)
        return _logical(out, np.isnan(a) | np.isnan(b))

    def _compare_labels(self, op: str, left: _Val, right: _Val) -> _Val:
        factor, text = (left.col, right.col) if isinstance(right.col, str) else (right.col, left.col)
        if not isinstance(factor, Factor) or op not in ("==", "!="):
            raise FormulaError(f"comparison '{op}' with a string is only supported as factor == \"level\"")
        target = factor.levels.index(text) if text in factor.levels else -2
        equal = factor.codes == target
        return _logical(equal if op == "==" else ~equal, factor.codes < 0)

    def _logic(self, op: str, left: _Val, right: _Val) -> _Val:
        def as_bool(v: _Val) -> tuple[np.ndarray, np.ndarray]:
            if isinstance(v.col, Logical):
                na = v.na if v.na is not None else np.zeros(v.col.values.shape, bool)
                return v.col.values, na
            x, _ = _as_numbers(v, op)
            return x != 0, np.isnan(x)

        (a, na_a), (b, na_b) = as_bool(left), as_bool(right)
        if op in ("&", "&&"):
            value = a & b
            definite_false = (~a & ~na_a) | (~b & ~na_b)
            na = (na_a | na_b) & ~definite_false
        else:
            value = a | b
            definite_true = (a & ~na_a) | (b & ~na_b)
            na = (na_a | na_b) & ~definite_true
        return _logical(value, na)

    def _call(self, node: Call) -> _Val:
        handler = _FUNCTIONS.get(node.func)
        if handler is None:
            raise FormulaError(
                f"unknown function '{node.func}' in formula: pylme supports "
                + ", ".join(SUPPORTED_FUNCTIONS)
            )
        return handler(self, node)


# --- whitelisted functions ----------------------------------------------------------------------


def _arg(node: Call, index: int | None, name: str):
    """Argument by name, else by position (None: named only); None when absent."""
    named = dict(node.kwargs)
    if name in named:
        return named[name]
    return node.args[index] if index is not None and index < len(node.args) else None


def _check_args(node: Call, max_positional: int, names: tuple = ()) -> None:
    """Reject calls whose arguments R's simple signatures here would not accept."""
    has_x = bool(node.args) or _arg(node, None, "x") is not None
    if not has_x or len(node.args) > max_positional:
        raise FormulaError(f"wrong number of arguments in {deparse(node)}")
    unknown = [k for k, _ in node.kwargs if k not in names and k != "x"]
    if unknown:
        raise FormulaError(f"unsupported argument '{unknown[0]}' in {deparse(node)}")


def _constant(ev: Evaluator, node, what: str) -> float | bool:
    """A scalar constant argument (a number or TRUE/FALSE, possibly negated)."""
    v = ev.evaluate(node)
    c = v.col
    values = getattr(c, "values", None)
    if values is None or np.size(values) != 1 or isinstance(c, Factor):
        raise FormulaError(f"'{what}' must be a single constant in {deparse(node)}")
    return bool(values.reshape(-1)[0]) if isinstance(c, Logical) else float(values.reshape(-1)[0])


def _x(ev: Evaluator, node: Call) -> _Val:
    return ev.evaluate(_arg(node, 0, "x"))


def _math(fn, name: str):
    def handler(ev: Evaluator, node: Call) -> _Val:
        _check_args(node, 1)
        x, _ = _as_numbers(_x(ev, node), name)
        return _numeric(fn(x))

    return handler


def _log(ev: Evaluator, node: Call) -> _Val:
    _check_args(node, 2, ("base",))
    x, _ = _as_numbers(_x(ev, node), "log")
    base_node = _arg(node, 1, "base")
    base = None if base_node is None else _constant(ev, base_node, "base")
    # R's logbase(): exact log10/log2 for those bases, otherwise log(x)/log(base)
    if base == 10:
        return _numeric(_LOG10(x))
    if base == 2:
        return _numeric(_LOG2(x))
    out = _LOG(x)
    return _numeric(out if base is None else out / _LOG(np.array(float(base))))


def _abs(ev: Evaluator, node: Call) -> _Val:
    _check_args(node, 1)
    x, is_int = _as_numbers(_x(ev, node), "abs")
    return _numeric(np.abs(x), is_integer=is_int)


def _identity(ev: Evaluator, node: Call) -> _Val:
    _check_args(node, 1)
    return _x(ev, node)


def _as_numeric(ev: Evaluator, node: Call) -> _Val:
    _check_args(node, 1)
    v = _x(ev, node)
    if isinstance(v.col, Factor):
        return _numeric(np.where(v.col.codes < 0, np.nan, v.col.codes + 1.0))
    x, _ = _as_numbers(v, node.func)
    return _numeric(x)


def _factor_call(ordered: bool | None, keep_levels: bool):
    """``factor()``/``ordered()`` (new levels from the data) or ``as.factor()`` (keeps a factor)."""

    def handler(ev: Evaluator, node: Call) -> _Val:
        _check_args(node, 1)
        v = _x(ev, node)
        if keep_levels and isinstance(v.col, Factor):
            return v
        return _Val(r_factor(v.col, v.missing(), ordered=ordered))

    return handler


def _poly(ev: Evaluator, node: Call) -> _Val:
    _check_args(node, 2, ("degree", "raw"))
    x, _ = _as_numbers(_x(ev, node), "poly")
    x = np.atleast_1d(x)
    if x.ndim != 1:
        raise FormulaError(f"poly() of a matrix is not supported: {deparse(node)}")
    degree_node = _arg(node, 1, "degree")
    degree = 1 if degree_node is None else _constant(ev, degree_node, "degree")
    if degree < 1 or degree != int(degree):
        raise FormulaError("'degree' must be at least 1")
    degree = int(degree)
    raw_node = _arg(node, None, "raw")
    raw = False if raw_node is None else bool(_constant(ev, raw_node, "raw"))
    names = tuple(str(j) for j in range(1, degree + 1))
    if raw:
        return _numeric(_POW(x[:, None], np.arange(1.0, degree + 1)[None, :]), colnames=names)
    if np.any(np.isnan(x)):
        raise DataError("missing values are not allowed in 'poly'")
    key = deparse(node)
    coefs = ev.state.get(key) if ev.reference else None
    if coefs is not None:
        return _numeric(poly_predict(x, coefs["alpha"], coefs["norm2"]), colnames=names)
    z, alpha, norm2 = poly_fit(x, degree)
    ev.state[key] = {"alpha": alpha, "norm2": norm2}
    return _numeric(z, colnames=names)


def _scale(ev: Evaluator, node: Call) -> _Val:
    _check_args(node, 3, ("center", "scale"))
    x, _ = _as_numbers(_x(ev, node), "scale")
    x = np.atleast_1d(x)
    x = x.reshape(x.shape[0], -1)
    key = deparse(node)
    params = ev.state.get(key) if ev.reference else None
    if params is not None:
        center, scale = params["center"], params["scale"]
    else:
        center = _scale_param(ev, _arg(node, 1, "center"), "center", lambda: _col_means(x))
        xc = x - (0.0 if center is None else center)
        scale = _scale_param(ev, _arg(node, 2, "scale"), "scale", lambda: _col_rms(xc))
        ev.state[key] = {"center": center, "scale": scale}
    out = x - (0.0 if center is None else center)
    if scale is not None:
        out = out / scale
    return _numeric(out)


def _scale_param(ev: Evaluator, node, what: str, compute) -> np.ndarray | None:
    if node is None:
        return compute()
    value = _constant(ev, node, what)
    if isinstance(value, bool):
        return compute() if value else None
    return np.array([value])


def _col_means(x: np.ndarray) -> np.ndarray:
    """R ``colMeans(x, na.rm = TRUE)``: a long-double sum divided in long double."""
    out = []
    for c in x.T:
        v = c[~np.isnan(c)]
        out.append(float(r_sum(v) / max(1, v.size)))
    return np.array(out)


def _col_rms(x: np.ndarray) -> np.ndarray:
    """R ``scale``'s ``sqrt(sum(v^2) / max(1, length(v) - 1))`` per column, NAs removed."""
    out = []
    for c in x.T:
        v = c[~np.isnan(c)]
        total = float(r_sum(v * v))  # R's sum(): sequential long-double accumulation
        out.append(math.sqrt(total / max(1, v.size - 1)))
    return np.array(out)


def _cbind(ev: Evaluator, node: Call) -> _Val:
    """R ``cbind()`` of numeric vectors, as a binomial response ``cbind(successes, failures)``.

    Column names follow R's ``deparse.level = 1``: an argument that is a bare symbol
    names its column, anything else (``size - incidence``) gives ``""``.
    """
    if node.kwargs or not node.args:
        raise FormulaError(f"unsupported arguments in {deparse(node)}: cbind() takes numeric vectors")
    columns, names, integer = [], [], True
    for arg in node.args:
        v = ev.evaluate(arg)
        values, is_int = _as_numbers(v, "cbind")
        if values.ndim != 1:
            raise FormulaError(f"cbind() of matrices is not supported in {deparse(node)}")
        columns.append(values)
        names.append(arg.id if isinstance(arg, Name) else "")
        integer = integer and is_int
    return _numeric(np.column_stack(columns), is_integer=integer, colnames=tuple(names))


_FUNCTIONS: dict[str, Callable] = {
    "I": _identity,
    "offset": _math(lambda x: x, "offset"),
    "log": _log,
    "log10": _math(_LOG10, "log10"),
    "log2": _math(_LOG2, "log2"),
    "log1p": _math(_libm(math.log1p, np.log1p), "log1p"),
    "exp": _math(_libm(math.exp, np.exp), "exp"),
    "sqrt": _math(lambda x: _quiet(np.sqrt, x), "sqrt"),  # IEEE sqrt is exact everywhere
    "abs": _abs,
    "poly": _poly,
    "scale": _scale,
    "as.numeric": _as_numeric,
    "as.double": _as_numeric,
    "factor": _factor_call(None, keep_levels=False),
    "as.factor": _factor_call(None, keep_levels=True),
    "ordered": _factor_call(True, keep_levels=False),
    "cbind": _cbind,
}

#: Names of the functions a formula may use.
SUPPORTED_FUNCTIONS = tuple(_FUNCTIONS)
