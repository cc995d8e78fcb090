"""Global settings read by pylme's model code, as R's ``options()`` (R: ``base::options``).

Only the settings pylme honours are kept: ``contrasts``, the default coding of
unordered and ordered factors (R's ``getOption("contrasts")``, by default
``c(unordered = "contr.treatment", ordered = "contr.poly")``).  It is read when a
design matrix is built (:func:`pylme.lmer`, :func:`pylme.glmer`,
:func:`pylme.model_matrix`, :func:`pylme.lmList`), for every factor that has no
contrast of its own in ``contrasts=``, exactly where R's ``contrasts()`` reads it.

>>> import pylme
>>> old = pylme.options(contrasts=("contr.sum", "contr.poly"))   # R: old <- options(contrasts = ...)
>>> pylme.options(**old)                                         # R: options(old)
>>> with pylme.options(contrasts=("contr.sum", "contr.poly")):  # restored on exit
...     pass
"""

from __future__ import annotations

import threading
from typing import Any

from .errors import ArgumentError

__all__ = ["options", "get_option", "OptionsChange", "DEFAULT_CONTRASTS", "KNOWN_CONTRASTS"]

#: R's default ``getOption("contrasts")``: (unordered, ordered)
DEFAULT_CONTRASTS = ("contr.treatment", "contr.poly")
#: the contrast functions pylme's design code can look up by name
KNOWN_CONTRASTS = ("contr.treatment", "contr.sum", "contr.helmert", "contr.poly", "contr.SAS")

_lock = threading.Lock()
_current: dict[str, Any] = {"contrasts": DEFAULT_CONTRASTS}


def _check_contrasts(value: Any) -> tuple[str, str]:
    """``contrasts``: two contrast names, unordered first (R's ``c(unordered=, ordered=)``
    names are honoured when given as a mapping)."""
    if isinstance(value, dict):
        if set(value) != {"unordered", "ordered"}:
            raise ArgumentError("contrasts as a mapping needs the keys 'unordered' and 'ordered', "
                                f"got {sorted(value)}")
        value = (value["unordered"], value["ordered"])
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ArgumentError("options(contrasts=) takes two contrast names, unordered and ordered "
                            f"(e.g. ('contr.sum', 'contr.poly')), got {value!r}")
    for name in value:
        if name not in KNOWN_CONTRASTS:
            raise ArgumentError(f"object '{name}' of mode 'function' was not found "
                                f"(contrast names pylme knows: {', '.join(KNOWN_CONTRASTS)})")
    return (str(value[0]), str(value[1]))


_CHECKS = {"contrasts": _check_contrasts}


class OptionsChange(dict):
    """The previous values of the options just set (R: the invisible value of ``options()``).

    ``pylme.options(**old)`` restores them, as R's ``options(old)``; used in a ``with``
    statement the change lasts until the block ends.
    """

    def __enter__(self) -> "OptionsChange":
        return self

    def __exit__(self, *exc: Any) -> None:
        options(**self)


_UNSET: Any = object()  # "not given" (None means R's default)


def options(*, contrasts: Any = _UNSET) -> OptionsChange:
    """Set or read pylme's global options (R: ``options()``).

    Parameters
    ----------
    contrasts : pair of str, mapping or None, optional
        The default contrasts (unordered, ordered), e.g. ``("contr.sum", "contr.poly")``
        or ``{"unordered": ..., "ordered": ...}``; ``None`` restores R's default
        ``("contr.treatment", "contr.poly")``.  Left out: unchanged.

    Returns
    -------
    OptionsChange
        With settings, their previous values (a dict usable as ``options(**old)`` and as
        a context manager that restores them); without, every current value.

    Raises
    ------
    ArgumentError
        An invalid value (an option pylme does not know is Python's ``TypeError``).
    """
    settings = {k: v for k, v in (("contrasts", contrasts),) if v is not _UNSET}
    with _lock:
        if not settings:
            return OptionsChange(_current)
        checked = {k: DEFAULT_CONTRASTS if v is None else _CHECKS[k](v) for k, v in settings.items()}
        old = OptionsChange({k: _current[k] for k in checked})
        _current.update(checked)
        return old


def get_option(name: str) -> Any:
    """One option's current value (R: ``getOption(name)``)."""
    if name not in _current:
        raise ArgumentError(f"unknown option {name!r}; pylme's options: {', '.join(_current)}")
    return _current[name]


def default_contrast(ordered: bool) -> str:
    """The contrast name for a factor without one of its own (R's ``contrasts()``:
    ``getOption("contrasts")[[if (is.ordered(x)) 2 else 1]]``)."""
    return _current["contrasts"][1 if ordered else 0]
