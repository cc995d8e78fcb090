"""R's pattern matching functions for translated scripts: ``grepl``, ``grep``, ``sub``,
``gsub``, ``regexpr``, ``gregexpr``, ``regmatches``, ``strsplit`` (base R's ``?regex``).

R patterns are POSIX extended (TRE) by default, PCRE with ``perl = TRUE`` and literal
with ``fixed = TRUE``.  :func:`r_pattern` rewrites the constructs where Python's
``re`` differs -- POSIX classes (``[[:digit:]]``, ``[[:alpha:]]``...), literal
patterns -- and :func:`r_replacement` the replacement syntax (``\\1``..``\\9``,
Perl's ``\\U``/``\\L``/``\\E`` case conversion; ``\\0`` is a plain ``0`` in R).  Every function is
vectorised over ``x`` as in R, and an NA element stays NA (``grepl`` gives FALSE,
as R does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

__all__ = ["r_pattern", "r_replacement", "grepl", "grep", "sub", "gsub", "regexpr",
           "gregexpr", "regmatches", "strsplit", "RegexMatch"]

# POSIX bracket classes, as ranges valid inside a Python character class (ASCII, as
# R's C locale; the letters of other locales are not covered)
_POSIX = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z",
          "lower": "a-z", "space": r" \t\n\r\f\v", "blank": r" \t", "xdigit": "0-9A-Fa-f",
          "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "cntrl": r"\x00-\x1f\x7f",
          "print": r"\x20-\x7e", "graph": r"\x21-\x7e"}


def r_pattern(pattern: str, fixed: bool = False, perl: bool = False,
              ignore_case: bool = False) -> re.Pattern:
    """R's ``pattern`` (with ``fixed``/``perl``/``ignore.case``) as a compiled ``re``."""
    flags = re.IGNORECASE if ignore_case else 0
    if fixed:
        return re.compile(re.escape(pattern), flags)
    text = re.sub(r"\[:([a-z]+):\]", lambda m: _POSIX.get(m.group(1), m.group(0)), pattern)
    return re.compile(text, flags)


def r_replacement(replacement: str, perl: bool = False, fixed: bool = False
                  ) -> Callable[[re.Match], str]:
    """R's replacement string as a function of the match: ``\\1``..``\\9`` groups
    (an unmatched group gives ""), with ``perl = TRUE`` ``\\U``/``\\L`` (upper/lower
    case the rest, or up to ``\\E``); any other escaped character is itself (R's
    ``\\0`` gives ``0``, ``\\U`` without ``perl`` a ``U``)."""
    if fixed:
        return lambda m: replacement
    tokens = re.findall(r"\\([1-9ULE])|\\(.)|([^\\]+)", replacement, flags=re.DOTALL)

    def repl(m: re.Match) -> str:
        out, case = [], None
        for group, escaped, literal in tokens:
            if group.isdigit():
                piece = m.group(int(group)) if int(group) <= (m.re.groups or 0) else ""
                piece = piece or ""
            elif group in ("U", "L", "E") and perl:
                case = None if group == "E" else group
                continue
            elif group:
                piece = group  # \U etc. without perl = TRUE: the letter itself, as TRE
            else:
                piece = escaped or literal
            out.append(piece.upper() if case == "U" else piece.lower() if case == "L"
                       else piece)
        return "".join(out)

    return repl


def _strings(x: Any) -> list:
    """``x`` as a list of str (None for NA), as R's ``as.character``."""
    if isinstance(x, str):
        return [x]
    if isinstance(x, pd.Series) and isinstance(x.dtype, pd.CategoricalDtype):
        x = x.astype(object)
    values = np.atleast_1d(np.asarray(x, dtype=object))
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            for v in values]


def grepl(pattern: str, x: Any, ignore_case: bool = False, perl: bool = False,
          fixed: bool = False) -> np.ndarray:
    """R's ``grepl``: whether each element matches (FALSE for NA)."""
    rx = r_pattern(pattern, fixed, perl, ignore_case)
    return np.array([s is not None and rx.search(s) is not None for s in _strings(x)],
                    dtype=bool)


def grep(pattern: str, x: Any, ignore_case: bool = False, perl: bool = False,
         value: bool = False, fixed: bool = False, invert: bool = False) -> np.ndarray:
    """R's ``grep``: the 1-based positions of the matching elements, or with
    ``value = TRUE`` the elements themselves."""
    hits = grepl(pattern, x, ignore_case, perl, fixed)
    if invert:
        hits = ~hits
    if value:
        return np.array(_strings(x), dtype=object)[hits]
    return np.flatnonzero(hits) + 1


def _replace(pattern, replacement, x, count, ignore_case, perl, fixed) -> np.ndarray:
    rx = r_pattern(pattern, fixed, perl, ignore_case)
    repl = r_replacement(replacement, perl, fixed)
    return np.array([None if s is None else rx.sub(repl, s, count=count)
                     for s in _strings(x)], dtype=object)


def sub(pattern: str, replacement: str, x: Any, ignore_case: bool = False,
        perl: bool = False, fixed: bool = False) -> np.ndarray:
    """R's ``sub``: the first match in each element replaced."""
    return _replace(pattern, replacement, x, 1, ignore_case, perl, fixed)


def gsub(pattern: str, replacement: str, x: Any, ignore_case: bool = False,
         perl: bool = False, fixed: bool = False) -> np.ndarray:
    """R's ``gsub``: every match in each element replaced."""
    return _replace(pattern, replacement, x, 0, ignore_case, perl, fixed)


@dataclass(frozen=True)
class RegexMatch:
    """What R's ``regexpr``/``gregexpr`` return: 1-based ``start`` (-1: no match) and
    ``length`` per element (``gregexpr``: one array of each per element)."""

    start: Any
    length: Any
    many: bool


def regexpr(pattern: str, text: Any, ignore_case: bool = False, perl: bool = False,
            fixed: bool = False) -> RegexMatch:
    """R's ``regexpr``: the first match of each element."""
    rx = r_pattern(pattern, fixed, perl, ignore_case)
    found = [None if s is None else rx.search(s) for s in _strings(text)]
    start = np.array([m.start() + 1 if m else -1 for m in found])
    length = np.array([m.end() - m.start() if m else -1 for m in found])
    return RegexMatch(start, length, False)


def gregexpr(pattern: str, text: Any, ignore_case: bool = False, perl: bool = False,
             fixed: bool = False) -> RegexMatch:
    """R's ``gregexpr``: every match of each element."""
    rx = r_pattern(pattern, fixed, perl, ignore_case)
    starts, lengths = [], []
    for s in _strings(text):
        ms = [] if s is None else list(rx.finditer(s))
        starts.append(np.array([m.start() + 1 for m in ms] or [-1]))
        lengths.append(np.array([m.end() - m.start() for m in ms] or [-1]))
    return RegexMatch(starts, lengths, True)


def regmatches(x: Any, m: RegexMatch) -> Any:
    """R's ``regmatches``: the matched substrings (``regexpr``: those of the matching
    elements only; ``gregexpr``: a list with every element's matches)."""
    strings = _strings(x)
    if not m.many:
        return np.array([s[b - 1:b - 1 + n] for s, b, n in zip(strings, m.start, m.length)
                         if b > 0], dtype=object)
    return [np.array([s[b - 1:b - 1 + n] for b, n in zip(bs, ns) if b > 0], dtype=object)
            for s, bs, ns in zip(strings, m.start, m.length)]


def strsplit(x: Any, split: str, fixed: bool = False, perl: bool = False) -> list:
    """R's ``strsplit``: a list with one array of pieces per element; a match at the
    start gives a leading ``""``, one at the end no trailing piece, and ``split = ""``
    splits into characters."""
    out = []
    rx = None if split == "" else r_pattern(split, fixed, perl)
    for s in _strings(x):
        if s is None:
            out.append(np.array([None], dtype=object))
            continue
        if rx is None:
            out.append(np.array(list(s), dtype=object))
            continue
        pieces, pos = [], 0
        while pos < len(s):
            m = rx.search(s, pos)
            if m is None:
                break
            if m.end() == m.start():  # an empty match splits off one character, as R
                pieces.append(s[pos])
                pos += 1
                continue
            pieces.append(s[pos:m.start()])
            pos = m.end()
        if pos < len(s):
            pieces.append(s[pos:])
        out.append(np.array(pieces, dtype=object))
    return out
