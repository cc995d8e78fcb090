"""A read-only mapping that pickles (in place of ``types.MappingProxyType``).

Fitted models keep read-only mappings (the ``lmer()`` call, the model frame's columns,
R's ``xlev``/``predvars`` state, ``bootMer``'s estimates).  ``MappingProxyType`` is
read-only but cannot be pickled or deep-copied, which kept fits out of ``pickle``,
``copy.deepcopy`` and process pools.  :class:`FrozenMap` is read-only as well and
pickles as the plain ``dict`` it wraps.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["FrozenMap"]


class FrozenMap(Mapping):
    """An immutable ``str → value`` mapping that survives ``pickle`` and ``copy``.

    No lme4 counterpart: it stands in for R's lists that pylme keeps read-only.
    Like ``types.MappingProxyType`` it has no item assignment or deletion (both raise
    ``TypeError``) and no attribute assignment; unlike it, it owns a private copy of
    its items, so changing the source ``dict`` afterwards does not show through.

    Parameters
    ----------
    items : mapping or iterable of (key, value) pairs, optional
        The entries (copied, shallowly).
    """

    __slots__ = ("_items",)

    def __init__(self, items: Any = (), /):
        object.__setattr__(self, "_items", dict(items))

    def __getitem__(self, key: Any) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Any) -> bool:  # dict's lookup, not Mapping's try/except
        return key in self._items

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"'FrozenMap' object attribute '{name}' is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"'FrozenMap' object attribute '{name}' is read-only")

    def __reduce__(self):
        # rebuilt through __init__ (slots and the blocked __setattr__ rule out the default)
        return (FrozenMap, (self._items,))

    def copy(self) -> dict:
        """A plain, mutable ``dict`` of the entries (as ``MappingProxyType.copy``)."""
        return dict(self._items)

    def __or__(self, other: Any) -> dict:
        # as MappingProxyType: merging gives a new plain dict
        if not isinstance(other, Mapping):
            return NotImplemented
        return {**self._items, **other}

    def __ror__(self, other: Any) -> dict:
        if not isinstance(other, Mapping):
            return NotImplemented
        return {**other, **self._items}
