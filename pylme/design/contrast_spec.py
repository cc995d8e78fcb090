"""A user's contrasts read as R reads ``model.matrix(contrasts.arg = list(f = ...))``.

R handles ``contrasts.arg`` in three steps, and pylme keeps them apart because their order
decides which error or warning a user sees first:

1. every factor of the model frame gets its default contrast *name* (``contr.treatment``,
   ``contr.poly`` if ordered); a factor with one level fails here;
2. ``contrasts.arg`` is applied in its own order (R's ``contrasts<-``): a name that is no
   variable of the frame is ignored with a warning, a numeric variable (the response
   included) is an error, and the value is checked — numbers become a matrix (a matrix
   keeps its columns, a vector is completed with R's QR), a function is called with the
   number of levels, a *name is only stored*;
3. the model matrix looks each stored name up (``get(name, mode = "function")``) when
   a term codes the factor by contrasts, in the order of the frame's variables: only
   then does an unknown name fail, and a factor coded by indicators only (``~ 0 + f``)
   never looks its name up.  A stored matrix with NA, NaN or infinite values fails only
   after that, in lme4's ``qr(X)``, and only if X uses it (:func:`check_contrast_values`).

:func:`assign_contrasts` is steps 1-2 for all variables at once, :func:`assign_contrast`
step 2 for one value, :meth:`ContrastName.resolve` and :func:`check_contrast_values`
step 3, and :func:`resolve_contrast` steps 2-3 for one factor;
:func:`pylme.design.model_matrix.model_matrix` takes the three steps in R's order.  pylme
has no R functions: a *callable* plays the part of R's contrast function
(``contrasts={"f": contr_sum}`` is R's ``list(f = contr.sum)``), and names are looked up
among :data:`~pylme.design.contrasts.CONTRASTS`; what R does with the name of another R
function is in :mod:`pylme.design.contrast_names`.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError, PylmeError, PylmeWarning
from .contrast_names import R_FUNCTION_OUTCOMES
from .contrasts import CONTRASTS, Contrast, _check_levels
from .rank import qr_rank
from ..options import default_contrast

__all__ = ["ContrastName", "ContrastVariable", "assign_contrast", "assign_contrasts", "check_contrast_values",
           "resolve_contrast"]

_KNOWN = ", ".join(f"'{name}'" for name in CONTRASTS)

# dqrdc2's tolerance in R's qr(), which `contrasts<-` uses to complete a short matrix
_QR_TOL = 1e-7


@dataclass(frozen=True)
class _RValue:
    """A contrast specification read as the R value it stands for.

    ``kind`` is what R's ``contrasts<-`` branches on: ``"contrast"`` (a ready
    :class:`Contrast`), ``"function"``, ``"character"``, ``"numeric"`` (``matrix`` is
    2-d; ``is_matrix`` says whether R's ``is.matrix`` holds, which decides how many
    columns R keeps), ``"null"`` or ``"other"`` (logical, complex, lists, ...).
    """

    kind: str
    payload: object = None
    is_matrix: bool = False
    colnames: tuple | None = None
    what: str = ""


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array"
    return type(value).__name__


def _elements_kind(values: np.ndarray) -> str:
    """R's type of ``c(...)`` over the elements of an object array."""
    items = list(values.ravel(order="F"))
    if items and all(isinstance(v, str) for v in items):
        return "character"
    if any(isinstance(v, str) for v in items):
        return "character"  # R's c() coerces numbers to text beside a string
    if items and all(isinstance(v, (bool, np.bool_)) for v in items):
        return "logical"
    if all(isinstance(v, Real) for v in items):
        return "numeric"
    return "other"


def _array_value(values: np.ndarray, is_matrix: bool, colnames, what: str) -> _RValue:
    """Classify an array by its element type, as R's ``is.numeric``/``is.character``."""
    kind = values.dtype.kind
    if kind == "O":
        kind = {"character": "U", "logical": "b", "numeric": "f"}.get(_elements_kind(values), "O")
    if kind == "U":
        return _RValue("character", tuple(str(v) for v in values.ravel(order="F")), what=what)
    if kind in "iuf":
        m = values.astype(float)
        if m.ndim != 2:
            # R's as.matrix(): a vector (or higher array, in column-major order) is one column
            m = m.ravel(order="F")[:, None]
            is_matrix = False
        return _RValue("numeric", m, is_matrix, colnames, what)
    return _RValue("other", what=what)


def _frame_colnames(frame) -> tuple | None:
    """A DataFrame's column labels as R colnames; pandas' default 0..k-1 are no names."""
    cols = frame.columns
    if isinstance(cols, pd.RangeIndex) and cols.start == 0 and cols.step == 1:
        return None
    return tuple("NA" if c is None or (isinstance(c, float) and np.isnan(c)) else str(c) for c in cols)


def _read_value(value) -> _RValue:
    """What R value a Python contrast specification stands for."""
    what = _describe(value)
    if isinstance(value, Contrast):
        return _RValue("contrast", value, what=what)
    if isinstance(value, ContrastName):  # a name kept from a model matrix: R's stored name
        return _RValue("character", value.names, what=what)
    if value is None:
        return _RValue("null", what=what)
    if isinstance(value, str):
        return _RValue("character", (value,), what=what)
    if isinstance(value, (bool, np.bool_)):
        return _RValue("other", what=what)
    if isinstance(value, Real):
        return _RValue("numeric", np.array([[float(value)]]), False, None, what)
    if isinstance(value, pd.DataFrame):
        return _array_value(value.to_numpy(), True, _frame_colnames(value), what)
    if isinstance(value, (pd.Series, pd.Index)):
        return _array_value(value.to_numpy(), False, None, what)
    if isinstance(value, (np.ndarray, list, tuple)):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):  # ragged nesting: R's list(), not a vector
            return _RValue("other", what=what)
        return _array_value(arr, arr.ndim == 2, None, what)
    if callable(value):
        return _RValue("function", value, what=what)
    return _RValue("other", what=what)


def _householder_q_columns(a: np.ndarray, first: int) -> np.ndarray:
    """Columns ``first, ...`` of Q in R's ``qr.qy(qr(a), diag(n))`` for a full-rank ``a``.

    The reflections are LINPACK ``dqrdc2``'s (column l scaled by the reciprocal of its
    signed norm, 1 added to its diagonal entry) and Q is applied to the unit vectors as
    ``dqrsl`` does, last reflection first, with the same order of sums, so the columns
    agree with R's to the last bits rather than only up to the sign of each column.
    """
    x = np.array(a, dtype=float)
    n, p = x.shape
    qraux = np.zeros(p)
    for l in range(p):
        col = x[l:, l]
        nrmxl = float(np.linalg.norm(col))
        if nrmxl == 0.0:
            continue
        if x[l, l] != 0.0:
            nrmxl = math.copysign(nrmxl, x[l, l])
        col *= 1.0 / nrmxl
        col[0] += 1.0
        for j in range(l + 1, p):
            t = -_dot(col, x[l:, j]) / col[0]
            x[l:, j] += t * col
        qraux[l] = col[0]
        x[l, l] = -nrmxl
    y = np.eye(n)[:, first:].copy()
    for l in range(min(p, n - 1) - 1, -1, -1):
        if qraux[l] == 0.0:
            continue
        u = x[l:, l].copy()
        u[0] = qraux[l]
        # one reflection applied to every column: sums run down the rows, as ddot's do
        t = -np.sum(u[:, None] * y[l:, :], axis=0) / u[0]
        y[l:, :] += u[:, None] * t[None, :]
    return y


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    """Reference BLAS ``ddot``: products summed in order."""
    s = 0.0
    for a, b in zip(u.tolist(), v.tolist()):
        s += a * b
    return s


def _check_rows(rows: int, levels: tuple, variable: str) -> None:
    if rows != len(levels):
        raise DataError(f"wrong number of contrast matrix rows (contrasts for '{variable}': "
                        f"{rows} row(s), the factor has {len(levels)} levels)")


def _fit_columns(value: _RValue, levels: tuple, variable: str) -> Contrast:
    """A numeric contrast as R's ``contrasts<-`` keeps it (R: ``how.many``).

    A matrix keeps all its columns (``model.matrix`` passes ``ncol`` as ``how.many``);
    any other numeric value (a vector, a function's result) is cut to, or completed up
    to, ``nlevels - 1`` columns, the completion being the orthogonal complement of the
    intercept and the given columns from R's QR.
    """
    m = value.payload
    k = len(levels)
    _check_rows(m.shape[0], levels, variable)
    n1 = m.shape[1] if value.is_matrix else k - 1
    nc = m.shape[1]
    colnames = value.colnames
    if n1 == 0:
        raise ArgumentError(f"subscript out of bounds (contrasts for '{variable}': "
                            "a contrast matrix with no columns)")
    if nc < n1:
        if not np.all(np.isfinite(m)):
            # R's qr(cbind(1, value)) refuses them while completing, in contrasts<- itself
            raise DataError(f"NA/NaN/Inf in foreign function call (arg 1) (contrasts for '{variable}': "
                            "NA, NaN or infinite values in fewer than nlevels - 1 columns, "
                            "which R completes with qr())")
        a = np.column_stack([np.ones(k), m])
        if qr_rank(a, tol=_QR_TOL).rank != nc + 1:
            raise DataError(f"singular contrast matrix (contrasts for '{variable}': its columns and "
                            "the intercept are linearly dependent, so R cannot complete them)")
        out = _householder_q_columns(a, 1)
        out[:, :nc] = m
        if colnames is not None:
            colnames = tuple(colnames) + ("",) * (n1 - nc)
        return Contrast("matrix", out, colnames)
    out = m[:, :n1].copy()
    return Contrast("matrix", out, None if colnames is None else tuple(colnames)[:n1])


def check_contrast_values(contrast: Contrast, variable: str = "") -> None:
    """Refuse a contrast with NA, NaN or infinite values once X has been coded with it.

    R's ``contrasts<-`` stores such a matrix (completing none), and ``model.matrix`` codes
    X with it; lme4 then fails in ``qr(X)`` (its default ``check.rankX``), so this comes
    after every name lookup, and never for a factor coded by indicators only.

    Parameters
    ----------
    contrast : Contrast
        A contrast some term of X used.
    variable : str
        The variable's name, for the error message.

    Raises
    ------
    DataError
        R's ``NA/NaN/Inf in foreign function call (arg 1)``.
    """
    if not np.all(np.isfinite(contrast.matrix)):
        raise DataError(f"NA/NaN/Inf in foreign function call (arg 1) (contrasts for '{variable}': "
                        "the contrast matrix has NA, NaN or infinite values)")


def _by_name(names: tuple, levels: tuple, variable: str) -> Contrast:
    """A contrast given by name (R: ``get(name, mode = "function")(levels, contrasts = TRUE)``)."""
    if len(names) > 1:
        raise ArgumentError(f"first argument has length > 1 (contrasts for '{variable}': "
                            f"{len(names)} contrast names given, one expected)")
    if not names or names[0] == "":
        raise ArgumentError(f"invalid first argument (contrasts for '{variable}': an empty contrast name)")
    name = names[0]
    if name in CONTRASTS:
        return CONTRASTS[name](levels)
    if name in R_FUNCTION_OUTCOMES:
        text = R_FUNCTION_OUTCOMES[name]
        call = f"R calls {name}(levels, contrasts = TRUE)"
        if text is None:
            raise ArgumentError(f"'{name}' is not a contrast function (contrasts for '{variable}': {call} "
                                f"and codes whatever it returns; pylme refuses it and knows {_KNOWN})")
        raise ArgumentError(f"{text} (contrasts for '{variable}': {call}, and '{name}' is not a "
                            f"contrast function; pylme knows {_KNOWN})")
    raise ArgumentError(f"object '{name}' of mode 'function' was not found "
                        f"(contrasts for '{variable}': pylme knows {_KNOWN})")


def _call_function(fn, levels: tuple, variable: str) -> _RValue:
    """R calls a contrast function with the number of levels (``value(nlevels(x))``)."""
    try:
        result = fn(len(levels))
    except PylmeError:
        raise
    except Exception as exc:  # the user's function failed: say where, keep its text
        raise ArgumentError(f"{exc} (the contrast function for '{variable}' raised {type(exc).__name__} "
                            f"when called, as R calls it, with the number of levels, {len(levels)})") from exc
    if isinstance(result, Contrast):
        # R keeps the matrix it returned, not the function's name
        return _RValue("numeric", np.asarray(result.matrix, dtype=float), False, result.colnames, "Contrast")
    out = _read_value(result)
    if out.kind == "numeric":
        return dataclasses.replace(out, is_matrix=False)  # R: how.many is missing here
    if out.kind == "function":
        return _RValue("other", what=out.what)
    return out


@dataclass(frozen=True)
class ContrastName:
    """A contrast given by name, stored until the model matrix needs it (R keeps the name
    in ``attr(f, "contrasts")`` and looks it up while coding X).

    Attributes
    ----------
    names : tuple of str
        The name as given: R's character vector, which must hold exactly one non-empty
        name when it is looked up.
    """

    names: tuple

    @property
    def label(self) -> str:
        """What R records in ``attr(X, "contrasts")`` for the factor (the name)."""
        return self.names[0] if len(self.names) == 1 else repr(self.names)

    def resolve(self, levels, variable: str = "") -> Contrast:
        """Look the name up and build the matrix (R: ``contrasts(f)``'s ``get()`` and call).

        Parameters
        ----------
        levels : sequence of str
            The factor's levels.
        variable : str
            The variable's name, for error messages.

        Raises
        ------
        ArgumentError
            R's ``object 'x' of mode 'function' was not found``, ``first argument has
            length > 1``, ``invalid first argument``, or the error R's function of that
            name gives (``sum``: ``invalid 'type' (character) of argument``).
        """
        return _by_name(self.names, tuple(levels), variable)


@dataclass(frozen=True)
class ContrastVariable:
    """One variable of the model frame, as :func:`assign_contrasts` needs it.

    Attributes
    ----------
    names : tuple of str
        The spellings a ``contrasts`` key may use for it (R's deparsed name first).
    levels : tuple of str or None
        The factor levels (a logical's are ``FALSE``, ``TRUE``); None for a numeric
        variable, the response included.
    ordered : bool
        Whether the factor is ordered (its default contrast is ``contr.poly``).
    """

    names: tuple
    levels: tuple | None
    ordered: bool = False


def assign_contrast(spec, levels, variable: str = "", ordered: bool | None = None) -> Contrast | ContrastName:
    """Check one factor's contrast as R's ``contrasts<-`` does, looking no name up yet.

    Parameters
    ----------
    spec : str, array-like, pandas.DataFrame, callable, Contrast or None
        See :func:`resolve_contrast`.
    levels : sequence of str
        The factor's levels.
    variable : str
        The variable's name, for error messages.
    ordered : bool, optional
        Whether the factor is ordered; needed only when ``spec`` is None or a callable
        returning None (R's ``NULL``: the default coding).

    Returns
    -------
    Contrast or ContrastName
        The matrix for anything numeric, the stored name for a name.

    Raises
    ------
    DataError, ArgumentError
        As :func:`resolve_contrast`, except the errors of the name lookup and non-finite
        values in a matrix kept as given (R stores it; :func:`check_contrast_values`
        refuses it once X uses it).
    """
    levels = tuple(levels)
    if isinstance(spec, Contrast):
        _check_rows(spec.matrix.shape[0], levels, variable)
        return spec
    _check_levels(levels)  # R checks the factor before it looks at the value
    value = _read_value(spec)
    if value.kind == "function":
        value = _call_function(value.payload, levels, variable)
    if value.kind == "numeric":
        return _fit_columns(value, levels, variable)
    if value.kind == "character":
        return ContrastName(value.payload)
    if value.kind == "contrast":
        return assign_contrast(value.payload, levels, variable)
    if value.kind == "null":
        if ordered is None:
            # the default depends on whether the factor is ordered, which the caller must say
            raise ArgumentError(f"the contrast for '{variable}' is None (R's NULL: the default coding), "
                                "but whether the factor is ordered was not given (ordered=)")
        return ContrastName((default_contrast(ordered),))  # R: getOption("contrasts")
    raise ArgumentError(f"numeric contrasts or contrast name expected (the contrast for '{variable}' "
                        f"is a {value.what}: give a contrast name, a numeric matrix or a function)")


def resolve_contrast(spec, levels, variable: str = "", ordered: bool | None = None) -> Contrast:
    """Build the contrast for a factor from ``contrasts[variable]`` (R: ``contrasts<-``
    and ``contrasts()`` as ``model.matrix(contrasts.arg =)`` uses them).

    Parameters
    ----------
    spec : str, array-like, pandas.DataFrame, callable or Contrast
        What R's ``contrasts.arg[[variable]]`` can be, in Python:

        * the name of a contrast function: ``"contr.treatment"``, ``"contr.sum"``,
          ``"contr.helmert"``, ``"contr.poly"``, ``"contr.SAS"`` — exactly, as R's
          ``get()`` looks it up, so ``"sum"`` is R's ``sum()`` and fails (see
          :mod:`pylme.design.contrast_names`); a list of one name is that name;
        * a 2-d numeric array (R's matrix): one row per level, every column kept; a
          DataFrame is a matrix whose column labels are R's colnames, the suffixes of X's
          column names (pandas' default labels ``0..k-1`` count as none; R itself
          refuses a data.frame);
        * a 1-d numeric array, list or Series, or a number (R's vector): one column,
          completed to ``nlevels - 1`` columns with R's QR as R does;
        * a callable, R's contrast function: called as R calls it, with the number of
          levels — e.g. :func:`~pylme.design.contrasts.contr_sum` itself.  It may return a
          Contrast or a numeric array (cut or completed to ``nlevels - 1`` columns), a
          name, or None (the default coding);
        * a :class:`~pylme.design.contrasts.Contrast` (e.g. kept from a fit to code new data).
    levels : sequence of str
        The factor's levels.
    variable : str
        The variable's name, used in error messages.
    ordered : bool, optional
        Whether the factor is ordered (the default coding a callable may ask for by
        returning None).

    Returns
    -------
    Contrast
        ``name`` is the contrast function's name for a name, ``"matrix"`` for anything
        numeric or computed by a callable (R records the matrix itself).

    Raises
    ------
    DataError
        Fewer than two levels, a matrix with the wrong number of rows, a vector R cannot
        complete (``singular contrast matrix``) or non-finite values — R's texts first.
    ArgumentError
        A value that is no contrast (R: ``numeric contrasts or contrast name expected``),
        an unknown name (R: ``object 'x' of mode 'function' was not found``), several or
        empty names, a matrix without columns — R's texts first.
    """
    assigned = assign_contrast(spec, levels, variable, ordered)
    if isinstance(assigned, ContrastName):
        return assigned.resolve(levels, variable)
    check_contrast_values(assigned, variable)
    return assigned


def assign_contrasts(spec: Mapping | None, variables: Sequence[ContrastVariable]) -> list:
    """Steps 1-2 of R's ``model.matrix.default`` for every variable of the frame.

    Parameters
    ----------
    spec : mapping or None
        The ``contrasts`` argument: variable name -> contrast (see
        :func:`resolve_contrast`), in the user's order.
    variables : sequence of ContrastVariable
        The model frame's variables in its order (the response included, as numeric).

    Returns
    -------
    list of Contrast, ContrastName or None
        Per variable: its contrast (a name still to look up for named ones, the defaults
        included) or None for a numeric variable.

    Warns
    -----
    PylmeWarning
        ``variable 'x' is absent, its contrast will be ignored`` for each key that names
        no variable, in the order of ``spec`` (however wrong its value).

    Raises
    ------
    DataError
        ``contrasts can be applied only to factors with 2 or more levels`` (any factor,
        before anything else), ``contrasts apply only to factors`` (a contrast for a
        numeric variable), or a value's error (:func:`assign_contrast`), in R's order.
    """
    out: list = []
    for var in variables:  # R gives every factor its default name first
        if var.levels is None:
            out.append(None)
            continue
        _check_levels(var.levels)
        out.append(ContrastName((default_contrast(var.ordered),)))  # R: getOption("contrasts")
    for key, value in (spec or {}).items():
        index = next((i for i, var in enumerate(variables) if key in var.names), None)
        if index is None:
            warnings.warn(f"variable '{key}' is absent, its contrast will be ignored", PylmeWarning,
                          stacklevel=3)
            continue
        var = variables[index]
        if var.levels is None:
            raise DataError(f"contrasts apply only to factors (contrasts for '{key}': a numeric variable)")
        out[index] = assign_contrast(value, var.levels, key, var.ordered)
    return out

