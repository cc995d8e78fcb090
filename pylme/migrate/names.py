"""R names -> Python names (``my.data`` -> ``my_data``, keywords escaped)."""

from __future__ import annotations

import keyword
import re

from .parse import unquote_name

__all__ = ["py_name", "py_kwarg"]

_BUILTIN_SHADOW = {"list", "str", "sum", "min", "max", "range", "type", "len", "map", "filter",
                   "print", "format", "input", "id", "dir", "object", "set", "dict", "iter",
                   "round", "abs", "all", "any", "sorted", "open", "vars", "next"}


def py_name(r_name: str) -> str:
    """A valid, readable Python identifier for the R variable ``r_name``.

    Dots become underscores (R's ``my.data``), other invalid characters too;
    Python keywords and builtins the translation itself calls (``list``, ``sum``,
    ``print``, ...) get a trailing underscore so the script's variables never
    shadow them.
    """
    name = unquote_name(r_name)
    name = re.sub(r"[^0-9A-Za-z_]", "_", name)
    if not name or name[0].isdigit():
        name = "_" + name
    if keyword.iskeyword(name) or name in _BUILTIN_SHADOW:
        name += "_"
    return name


def py_kwarg(r_name: str) -> str:
    """A keyword-argument name for R's argument ``r_name`` (``re.form`` -> ``re_form``;
    builtins are fine as keywords, only Python keywords are escaped)."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", unquote_name(r_name))
    return name + "_" if keyword.iskeyword(name) else name
