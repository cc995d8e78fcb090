"""R's ``print()`` and ``cat()`` for the plain values of a translated script.

A migrated script should write what the R script wrote, so that the two outputs can be
diffed.  :func:`rprint` is R 4.2.2's ``print()`` (and top-level auto-print) for the
values a translation holds: vectors (``[1] ...`` lines wrapped at width 80, the index
right-aligned), named vectors, factors, data frames (``print.data.frame``), tables,
matrices, ``NULL`` and lists; :func:`rcat` is ``cat()``.  Objects that print R's text
themselves (pylme fits and summaries, ``HTest``, lm/glm summaries, anova tables) are
written as their ``str()`` unchanged, followed by Python's print's newline, except that a
pylme result whose text already ends with a newline gets no second one (R writes no blank
line after ``summary(fm)`` or ``anova(m1, m2)``).

Conventions (the translation's representation of R values):

* NumPy arrays, Python lists of scalars and pandas Series are atomic vectors; a Series is
  a *named* vector when its index is not one of row positions (integers): ``fixef(fm)``,
  ``tapply()``, ``c(a = 1)``; the translation marks a data frame's column with
  ``names=False`` (``mtcars$mpg`` is unnamed in R; pandas keeps mtcars' row names);
* NaN, ``None`` and ``pd.NA`` are R's ``NA`` (the translation writes ``NA`` as
  ``np.nan``): a NaN prints ``NA``;
* a Python list of mixed or non-scalar items, or any list with ``kind="list"``, is an R
  list (``[[1]]`` blocks); a dict is a named list (``$name`` blocks);
* a 2-D NumPy array is a matrix; a DataFrame a data frame (a matrix with dimnames prints
  the same); ``kind="table"`` prints a Series/DataFrame of counts as ``print.table``
  (the translation passes it where the R value is a ``table``);
* a data frame's integer index holds R's row numbers less one (pandas counts from 0), so
  ``tail(iris, 3)`` prints rows 148..150 as R does.

>>> import numpy as np
>>> _ = rprint(np.array([1.5, 2.25, 3]))
[1] 1.50 2.25 3.00
>>> rcat(np.pi, 1 / 3, 1e-20, "\\n")
3.141593 0.3333333 1e-20 
"""

from __future__ import annotations

import sys
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from ..printing.rformat import R_NA, encode_real, format_info_real, format_integer
from ..printing.rprint import (PRINT_WIDTH, cat as _cat_text, index_width, list_tag,
                               print_character_matrix, print_named_character)
from .rprint_cells import (RVector, as_rvector, cat_strings, encode_cells, encode_string,
                           format_column, is_scalar, r_label)

__all__ = ["rprint", "rcat", "rprint_text"]

_EMPTY = {"double": "numeric(0)", "integer": "integer(0)", "logical": "logical(0)",
          "character": "character(0)"}


def rprint(x: Any, digits: Optional[int] = None, kind: Optional[str] = None,
           quote: bool = True, names: Optional[bool] = None, row_names: bool = True) -> Any:
    """R's ``print(x, digits=)`` (and auto-print) of ``x``; returns ``x`` as R's print
    returns its argument (invisibly in R).

    Parameters
    ----------
    x : object
        The value; objects this module does not know (fits, summaries, HTest, ...) are
        written as ``print(x)`` writes them, except that a pylme result whose text already
        ends with a newline gets no second one.
    digits : int, optional
        Significant digits (R's ``digits``; default 7, ``getOption("digits")``).
    kind : {"table", "list"}, optional
        What the R value was when the Python object cannot tell: ``"table"`` for
        ``table()``/``xtabs()`` results (``print.table``), ``"list"`` for an R list held
        as a Python list of scalars.
    quote : bool
        R's ``quote``: ``False`` prints character vectors without quotes (NA as ``<NA>``).
    names : bool, optional
        Whether a Series is a named vector; by default, when its index is not one of row
        positions (the translation passes ``False`` for a data frame's column: R's
        ``mtcars$mpg`` has no names although pandas keeps mtcars' row names).
    row_names : bool
        ``print.data.frame``'s ``row.names``: ``False`` leaves the row names out.

    Notes
    -----
    A value this module cannot lay out as R does (an unforeseen type inside a frame) is
    printed with Python's ``print`` rather than stopping the script.
    """
    try:
        text = rprint_text(x, digits=digits, kind=kind, quote=quote, names=names,
                           row_names=row_names)
    except (TypeError, ValueError, AttributeError, IndexError):
        text = None
    sys.stdout.write(_own_text(x) if text is None else text)
    return x


def _own_text(x: Any) -> str:
    """What an object that prints itself writes: its ``str()`` and Python print's newline
    (none for a pylme result whose text already ends with one)."""
    text = str(x)
    return text if _is_pylme_core(x) and text.endswith("\n") else text + "\n"


def _is_pylme_core(x: Any) -> bool:
    """pylme's own results (fits, summaries, anova tables) whose text already ends with
    R's last newline: ``print()`` would add a blank line R does not write.  The migrate
    runtime's objects (HTest, lm summaries) are written for Python's print, unchanged."""
    module = type(x).__module__
    return module.startswith("pylme.") and not module.startswith("pylme.migrate")


def rcat(*args: Any, sep: str = " ", fill: bool | int = False) -> None:
    """R's ``cat(..., sep=, fill=)``: numbers with up to 7 significant digits (``cat(pi)``
    is ``3.141593``), integers as integers, logicals ``TRUE``/``FALSE``, vectors'
    elements separated by ``sep``, ``None`` (NULL) skipped; no newline of its own."""
    items = [cat_strings(a) for a in args]
    sys.stdout.write(_cat_text(*items, sep=sep, fill=fill, width=PRINT_WIDTH))


def rprint_text(x: Any, digits: Optional[int] = None, kind: Optional[str] = None,
                quote: bool = True, names: Optional[bool] = None,
                row_names: bool = True) -> Optional[str]:
    """The text :func:`rprint` writes, or ``None`` for an object that prints itself."""
    digits = 7 if digits is None else int(digits)
    if x is None:
        return "NULL\n"
    if type(x) is np.ndarray and x.ndim == 0:
        x = x.item()  # a 0-d array is its scalar
    if kind == "table" and type(x) in (pd.Series, pd.DataFrame):
        return _table_text(x, digits)
    if type(x) is pd.DataFrame:
        return _frame_text(x, digits, row_names)
    if type(x) is np.ndarray and x.ndim == 2:
        return _matrix_text(x, digits)
    if isinstance(x, dict) and type(x) is dict:
        return _list_text(list(x.values()), [str(k) for k in x], digits, "")
    if type(x) in (list, tuple) and (kind == "list" or as_rvector(x) is None):
        return _list_text(list(x), None, digits, "")
    if type(x) is pd.Series and not isinstance(x.dtype, pd.CategoricalDtype) \
            and (_is_named(x) if names is None else names):
        vec = as_rvector(x)
        if vec is not None:
            return _named_text(vec, [r_label(v) for v in x.index], digits, quote)
    if is_scalar(x) or type(x) in (np.ndarray, pd.Series, pd.Categorical, list, tuple) \
            or isinstance(x, pd.Index) and not isinstance(x, pd.MultiIndex) \
            or isinstance(x, pd.api.extensions.ExtensionArray):
        vec = as_rvector(x)
        if vec is not None:
            return _factor_text(vec) if vec.kind == "factor" else _vector_text(vec, digits, quote)
    return None


# ------------------------------------------------------------------ vectors
def _is_named(s: pd.Series) -> bool:
    """A named vector: a Series not indexed by row positions (``fixef()``, ``coef()``,
    ``tapply()``, ``c(a = 1)``); a column of a frame with row names counts as named."""
    idx = s.index
    if isinstance(idx, pd.CategoricalIndex):
        return True  # tapply()'s groups
    return not pd.api.types.is_integer_dtype(idx.dtype)


def _vector_lines(cells: Sequence[str], width: int = PRINT_WIDTH) -> str:
    """printVector: ``[k]`` labels right-aligned in ``IndexWidth(n) + 2`` columns, each
    cell after one blank, a new line before a cell that would pass ``width``."""
    n = len(cells)
    w = max(len(c) for c in cells)
    labw = index_width(n) + 2
    out = ["[1]".rjust(labw)]
    used = labw
    for i, c in enumerate(cells):
        if i > 0 and used + w + 1 > width:
            out.append("\n" + f"[{i + 1}]".rjust(labw))
            used = labw
        out.append(" " + c)
        used += w + 1
    return "".join(out) + "\n"


def _vector_text(vec: RVector, digits: int, quote: bool = True) -> str:
    if not vec.values:
        return _EMPTY[vec.kind] + "\n"
    return _vector_lines(encode_cells(vec, digits, quote=quote))


def _named_text(vec: RVector, names: list[str], digits: int, quote: bool = True) -> str:
    """printNamedVector: names over values, right-justified to one common width."""
    if not vec.values:
        return f"named {_EMPTY[vec.kind]}\n"
    if vec.kind == "factor":
        cells = [encode_string(v, False) for v in vec.values]
    else:
        cells = [c.strip() if vec.kind == "character" else c
                 for c in encode_cells(vec, digits, quote=quote)]
    return print_named_character(cells, names, quote=False, width=PRINT_WIDTH)


def _factor_text(vec: RVector) -> str:
    """print.factor: the labels unquoted (NA as ``<NA>``), then the ``Levels:`` line,
    shortened with ``...`` when the levels pass the width as R shortens them."""
    if vec.values:
        cells = encode_cells(RVector("character", vec.values), quote=False)
        head = _vector_lines(cells)
    else:
        head = ("ordered(0)" if vec.ordered else "factor(0)") + "\n"
    lev = [str(v) for v in vec.levels]
    n = len(lev)
    colsep = " < " if vec.ordered else " "
    room = PRINT_WIDTH - (len("Levels: ") + 3 + 1 + 3)
    lenl = np.cumsum([len(v) + len(colsep) for v in lev]) if n else np.array([0])
    if n <= 1 or lenl[-1] <= room:
        maxl = n
    else:
        maxl = max(1, int(np.argmax(lenl > room)))  # R: which.max(lenl > width) - 1
    drop = n > maxl
    shown = lev[:max(1, maxl - 1)] + ["..."] + ([lev[-1]] if maxl > 1 else []) if drop else lev
    return head + (f"{n} " if drop else "") + "Levels: " + colsep.join(shown) + "\n"


# ------------------------------------------------------------------ data frames, matrices
def _row_names(index: pd.Index) -> list[str]:
    if pd.api.types.is_integer_dtype(index.dtype):
        return [str(int(i) + 1) for i in index]  # pandas counts rows from 0, R from 1
    return [r_label(v) for v in index]


def _frame_text(df: pd.DataFrame, digits: int, row_names: bool = True) -> str:
    """print.data.frame: each column formatted on its own, all cells right-justified,
    row names left-justified, column blocks wrapped at width 80."""
    nrow, ncol = df.shape
    if ncol == 0:
        return f"data frame with 0 columns and {nrow} row{'' if nrow == 1 else 's'}\n"
    names = [r_label(c) for c in df.columns]
    if nrow == 0:
        return _vector_lines(encode_cells(RVector("character", tuple(names)), quote=False)) \
            + "<0 rows> (or 0-length row.names)\n"
    cols = [format_column(df.iloc[:, j], digits) for j in range(ncol)]
    cells = [[cols[j][i] for j in range(ncol)] for i in range(nrow)]
    labels = _row_names(df.index) if row_names else [""] * nrow  # R: rep.int("", n)
    return print_character_matrix(cells, labels, names, right=True, quote=False,
                                  width=PRINT_WIDTH)


def _matrix_cells(columns: Sequence[Any], digits: int) -> tuple[list[list[str]], bool]:
    """printMatrix's cells: each numeric column in its own common format; strings quoted
    and left-justified (the second value says whether to right-justify)."""
    vecs = [as_rvector(c) for c in columns]
    right = not any(v is not None and v.kind in ("character", "factor") for v in vecs)
    encoded = []
    for v, col in zip(vecs, columns):
        if v is None:
            encoded.append([str(c) for c in col])
        elif v.kind == "double":
            vals = [R_NA if x is None else float(x) for x in v.values]
            fmt = format_info_real(vals, digits)
            encoded.append([encode_real(x, fmt) for x in vals])
        elif v.kind == "integer":
            encoded.append(format_integer([None if x is None else int(x) for x in v.values]))
        else:
            encoded.append([c.strip() for c in encode_cells(v, digits, quote=right is False)])
    nr = len(encoded[0]) if encoded else 0
    return [[encoded[j][i] for j in range(len(encoded))] for i in range(nr)], right


def _matrix_text(m: np.ndarray, digits: int) -> str:
    """print.default of a matrix (printMatrix) without dimnames: ``[i,]``/``[,j]``."""
    nr, nc = m.shape
    if nr == 0 or nc == 0:
        return f"<{nr} x {nc} matrix>\n"
    cells, right = _matrix_cells([m[:, j] for j in range(nc)], digits)
    return print_character_matrix(cells, None, None, right=right, quote=False,
                                  width=PRINT_WIDTH)


def _titled_matrix(cells: list[list[str]], row_names: list[str], col_names: list[str],
                   rn: str, cn: str) -> str:
    """printMatrix with names of dimnames (a table): the column title on a line above
    each block's header, the row title at its left, row labels shifted right by R's
    ``lbloff`` (at least 2)."""
    nr = len(row_names)
    rlabw = max(len(r) for r in row_names)
    lbloff = 2 if len(rn) < rlabw + 2 else len(rn) - rlabw
    text = print_character_matrix(cells, [" " * lbloff + r for r in row_names], col_names,
                                  right=True, quote=False, width=PRINT_WIDTH)
    rlabw += lbloff
    out = []
    for k, line in enumerate(text.rstrip("\n").split("\n")):
        if k % (nr + 1) == 0:  # a column block's header line
            out.append(" " * rlabw + cn)
            line = rn.ljust(rlabw) + line[rlabw:]
        out.append(line)
    return "\n".join(out) + "\n"


def _table_text(x: Any, digits: int) -> str:
    """print.table of a 1-D table (a Series: the dimnames name on its own line, then the
    named-vector layout) or a 2-D table (a DataFrame: printMatrix with both names)."""
    if isinstance(x, pd.Series):
        title = "" if x.index.name is None else str(x.index.name)
        vec = as_rvector(x.reset_index(drop=True).rename(None))
        body = _named_text(vec, [r_label(v) for v in x.index], digits) if vec is not None \
            else str(x) + "\n"
        return title + "\n" + body
    rn = "" if x.index.name is None else str(x.index.name)
    cn = "" if x.columns.name is None else str(x.columns.name)
    nr, nc = x.shape
    # print.table formats the whole table at once (one width, one number of decimals)
    vec = as_rvector(x.to_numpy().ravel())
    flat = [c.strip() for c in encode_cells(vec, digits)] if vec is not None \
        else [str(v) for v in x.to_numpy().ravel()]
    w = max([len(c) for c in flat] + [0])
    cells = [[flat[i * nc + j].rjust(w) for j in range(nc)] for i in range(nr)]
    if nr == 0 or nc == 0:
        return f"< table of extent {nr} x {nc} >\n"
    return _titled_matrix(cells, [r_label(v) for v in x.index],
                          [r_label(v) for v in x.columns], rn, cn)


# ------------------------------------------------------------------ lists
def _list_text(items: list, names: Optional[list[str]], digits: int, prefix: str) -> str:
    """printList: each element under its tag (``[[i]]`` or ``$name``, nested tags joined)
    followed by a blank line."""
    if not items:
        return "named list()\n" if names is not None else "list()\n"
    out = []
    for i, item in enumerate(items):
        tag = prefix + list_tag(names[i] if names is not None else "", i + 1)
        out.append(tag + "\n")
        if isinstance(item, dict) and type(item) is dict:
            out.append(_list_text(list(item.values()), [str(k) for k in item], digits, tag))
        elif type(item) in (list, tuple) and as_rvector(item) is None:
            out.append(_list_text(list(item), None, digits, tag))
        else:
            text = rprint_text(item, digits)
            out.append(text if text is not None else _own_text(item))
        out.append("\n")
    return "".join(out)
