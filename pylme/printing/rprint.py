"""R's ``print.default`` / ``cat`` layouts for vectors, matrices, data frames.

Mirrors ``src/main/printvector.c`` (named vectors), ``printmatrix.c`` and
``printutils.c`` (matrices, row/column labels), ``builtin.c`` (``cat`` with
``fill``), ``print.c`` (list tags) and ``base::print.data.frame``.  Every
function returns the exact text R writes, newlines included; widths are in
characters (R's display width for the ASCII and common UTF-8 text that
appears in lme4 output).
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

from .rformat import DEFAULT_DIGITS, encode_real, format_info_real, format_real

__all__ = [
    "PRINT_WIDTH", "index_width", "print_named_numeric", "print_named_character",
    "print_character_matrix", "cat", "print_data_frame", "list_tag", "is_syntactic_name",
    "dquote",
]

#: getOption("width") in a default R session.
PRINT_WIDTH = 80

_KEYWORDS = frozenset({
    "NULL", "NA", "TRUE", "FALSE", "Inf", "NaN", "NA_integer_", "NA_real_",
    "NA_character_", "NA_complex_", "function", "while", "repeat", "for", "if",
    "in", "else", "next", "break",
})


def index_width(n: int) -> int:
    """R's ``IndexWidth()``: decimal digits of a positive integer."""
    return int(math.log10(n + 0.5) + 1)


def _print_named(cells: Sequence[str], names: Sequence[str], w: int, gap: int, width: int) -> str:
    """The ``PRINT_N_VECTOR`` macro: names over values, each field followed
    by ``gap`` blanks, as many fields per line as fit in ``width``."""
    w = max([w] + [len(n) for n in names])
    per_line = max(width // (w + gap), 1)
    lines = []
    for start in range(0, len(cells), per_line):
        block = range(start, min(start + per_line, len(cells)))
        lines.append("".join(names[k].rjust(w) + " " * gap for k in block))
        lines.append("".join(cells[k].rjust(w) + " " * gap for k in block))
    return "\n".join(lines) + "\n"


def print_named_numeric(x: Sequence[float], names: Sequence[str], digits: int = DEFAULT_DIGITS,
                        gap: int = 1, width: int = PRINT_WIDTH) -> str:
    """``print(x, digits=)`` of a named double vector (printNamedRealVector)."""
    if not len(x):
        return "named numeric(0)\n"
    fmt = format_info_real(x, digits)
    cells = [encode_real(v, fmt) for v in x]
    return _print_named(cells, list(names), fmt.width, gap, width)


def print_named_character(x: Sequence[Optional[str]], names: Sequence[str], quote: bool = False,
                          gap: int = 1, width: int = PRINT_WIDTH) -> str:
    """``print(x, quote=, print.gap=)`` of a named character vector.

    Strings are right-justified in named vectors; ``None`` is ``NA``.
    """
    cells = [_encode_string(v, quote) for v in x]
    w = max([len(c) for c in cells] + [0])
    return _print_named(cells, list(names), w, gap, width)


def _encode_string(s: Optional[str], quote: bool) -> str:
    if s is None:
        return "NA" if quote else "<NA>"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' if quote else s


def print_character_matrix(cells: Sequence[Sequence[Optional[str]]],
                           row_names: Optional[Sequence[str]] = None,
                           col_names: Optional[Sequence[str]] = None,
                           right: bool = False, quote: bool = False, gap: int = 1,
                           width: int = PRINT_WIDTH) -> str:
    """``print(m, quote=, right=)`` of a character matrix (printStringMatrix).

    ``cells`` is a list of rows.  Row names are left-justified; entries and
    column labels are left-justified unless ``right``.  Columns that do not
    fit in ``width`` continue in a further block below, row labels repeated.
    """
    nr = len(cells)
    nc = len(cells[0]) if nr else len(col_names or ())
    enc = [[_encode_string(v, quote) for v in row] for row in cells]
    if row_names is not None:
        rlabw = max([len(r) for r in row_names] + [0])
    else:
        rlabw = index_width(nr + 1) + 3
    col_w = []
    for j in range(nc):
        clabw = len(col_names[j]) if col_names is not None else index_width(j + 1) + 3
        col_w.append(max([len(enc[i][j]) for i in range(nr)] + [clabw]))
    out = []
    jmin = 0
    while jmin < nc:
        jmax, used = jmin, rlabw
        while True:  # R's do { } while (... < width): at least one column
            used += col_w[jmax] + gap
            jmax += 1
            if not (jmax < nc and used + col_w[jmax] + gap < width):
                break
        header = " " * rlabw
        for j in range(jmin, jmax):
            header += _column_label(col_names, j, col_w[j], gap, right)
        out.append(header)
        for i in range(nr):
            line = _row_label(row_names, i, rlabw)
            for j in range(jmin, jmax):
                cell = enc[i][j]
                line += " " * gap + (cell.rjust(col_w[j]) if right else cell.ljust(col_w[j]))
            out.append(line)
        jmin = jmax
    if nc == 0:
        out.append(" " * rlabw)
        out.extend(_row_label(row_names, i, rlabw) for i in range(nr))
    return "\n".join(out) + "\n"


def _column_label(col_names, j: int, w: int, gap: int, right: bool) -> str:
    """Right/LeftMatrixColumnLabel (printutils.c)."""
    label = col_names[j] if col_names is not None else f"[,{j + 1}]"
    if right:
        return " " * (gap + w - len(label)) + label
    return " " * gap + label + " " * (w - len(label))


def _row_label(row_names, i: int, rlabw: int) -> str:
    """MatrixRowLabel (printutils.c)."""
    if row_names is not None:
        return row_names[i].ljust(rlabw)
    label = f"[{i + 1},]"
    return label.rjust(rlabw)


def cat(*items: Sequence[str] | str | None, sep: str = " ", fill: bool | int = False,
        width: int = PRINT_WIDTH) -> str:
    """R's ``cat(..., sep=, fill=)`` for already-encoded character items.

    Each positional argument is one R argument: a string, a sequence of
    strings, or ``None`` for ``NULL`` (skipped without a separator, unlike an
    empty sequence, which is ``character(0)``) (encode doubles with :func:`~pylme.printing.rformat.encode_number_cat`).
    With ``fill`` a newline is inserted *before* an item that would pass the
    line width; the separator written before it stays at the end of the
    previous line, as in R.
    """
    pwidth = width if fill is True else (int(fill) if fill else None)
    objs = [None if it is None else [it] if isinstance(it, str) else list(it) for it in items]
    out: list[str] = []
    col = 0
    sepw = len(sep.encode("utf-8"))
    for iobj, s in enumerate(objs):
        if s is None:  # NULL: no separator, nothing printed
            continue
        if iobj:
            out.append(sep)
        for i, p in enumerate(s):
            starts_object = i == 0
            w = len(p.encode("utf-8"))  # R measures with strlen(): bytes
            if pwidth is not None and (not starts_object or iobj > 0) and col + w + sepw > pwidth:
                out.append("\n")
                col = 0
            out.append(p)
            col += w + sepw
            if i < len(s) - 1:
                out.append(sep)
    if pwidth is not None or "\n" in sep:
        out.append("\n")
    return "".join(out)


def print_data_frame(columns: Sequence[str], row_names: Sequence[str],
                     values: Sequence[Sequence[float]], digits: int = DEFAULT_DIGITS,
                     width: int = PRINT_WIDTH) -> str:
    """``print.data.frame`` of numeric columns: each column formatted on its
    own (``format(col, digits=7)``), printed right-justified."""
    if not columns:
        n = len(row_names)
        return f"data frame with 0 columns and {n} row{'s' if n != 1 else ''}\n"
    formatted = [format_real(col, digits) for col in values]
    cells = [[formatted[j][i] for j in range(len(columns))] for i in range(len(row_names))]
    return print_character_matrix(cells, list(row_names), list(columns), right=True, width=width)


def is_syntactic_name(name: str) -> bool:
    """R's ``isValidName()``: may ``name`` be written without backticks?"""
    if name == "...":
        return True
    if not name:
        return False
    first = name[0]
    if first == ".":
        if len(name) > 1 and name[1].isdigit():
            return False
    elif not first.isalpha():
        return False
    if not all(c.isalnum() or c in "._" for c in name):
        return False
    return name not in _KEYWORDS


def list_tag(name: str, index: int) -> str:
    """The tag line ``print()`` writes before list element ``index`` (1-based)."""
    if not name:
        return f"[[{index}]]"
    return f"${name}" if is_syntactic_name(name) else f"$`{name}`"


def dquote(s: str) -> str:
    """``dQuote(s)`` in a UTF-8 session with ``useFancyQuotes = TRUE``."""
    return "\u201c" + s + "\u201d"
