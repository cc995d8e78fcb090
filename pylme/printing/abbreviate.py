"""R's ``abbreviate()`` (base R: ``abbreviate`` in R/character.R and
``stripchars`` in src/main/character.c), as used by lme4 to label the
"Correlation of Fixed Effects" matrix."""

from __future__ import annotations

from typing import Sequence

__all__ = ["abbreviate"]

_VOWELS = frozenset("aeiou")


def _is_space(c: str) -> bool:
    return c in " \t\n\v\f\r"


class _Buffer:
    """The C character buffer of ``stripchars``.

    R shortens the string in place with ``memmove`` while its loop index
    keeps running over the *original* length; positions past the current end
    read as NUL.  Keeping that model makes the order of deletions identical.
    """

    def __init__(self, text: str):
        self.chars = list(text)

    def at(self, i: int) -> str:
        return self.chars[i] if 0 <= i < len(self.chars) else "\0"

    def remove(self, i: int) -> None:
        if i < len(self.chars):
            del self.chars[i]

    def __len__(self) -> int:
        return len(self.chars)

    def first_char(self, i: int) -> bool:
        # FIRSTCHAR(i): the character before i is a space (i starts a word)
        return _is_space(self.at(i - 1))

    def last_char(self, i: int) -> bool:
        # LASTCHAR(i): i ends a word
        nxt = self.at(i + 1)
        return (not _is_space(self.at(i - 1))) and (nxt == "\0" or _is_space(nxt))


def _strip_pass(buf: _Buffer, minlen: int, nspace: int, drop) -> bool:
    """One right-to-left deletion sweep from the current last character
    (C's ``UPPER`` macro is re-evaluated per loop); True once short enough."""
    for i in range(len(buf) - 1, 0, -1):
        if drop(buf, i):
            buf.remove(i)
        if len(buf) - nspace <= minlen:
            return True
    return False


def _stripchars(text: str, minlen: int, use_classes: bool = True) -> str:
    """R's C ``stripchars()``: abbreviate one (ASCII) string."""
    buf = _Buffer(text)
    if len(buf) >= minlen:
        _strip(buf, minlen, use_classes)
    if len(buf) > minlen:  # drop the spaces that acted as word boundaries
        for i in range(len(buf) - 1, 0, -1):
            if _is_space(buf.at(i)):
                buf.remove(i)
    return "".join(buf.chars)


def _strip(buf: _Buffer, minlen: int, use_classes: bool) -> None:
    upper = len(buf) - 1
    nspace = 0
    trailing = True
    for i in range(upper, 0, -1):  # count inner spaces, cut trailing ones
        if _is_space(buf.at(i)):
            if trailing:
                del buf.chars[i:]
            else:
                nspace += 1
        else:
            trailing = False
        if len(buf) - nspace <= minlen:
            return
    if use_classes:
        passes = (
            # lower-case vowels that end a word
            lambda b, i: b.at(i) in _VOWELS and b.last_char(i),
            # lower-case vowels not starting a word
            lambda b, i: b.at(i) in _VOWELS and not b.first_char(i),
            # other lower-case letters that end a word
            lambda b, i: b.at(i).islower() and b.at(i).isascii() and b.last_char(i),
            # other lower-case letters not starting a word
            lambda b, i: b.at(i).islower() and b.at(i).isascii() and not b.first_char(i),
        )
        for drop in passes:
            if _strip_pass(buf, minlen, nspace, drop):
                return
    # brute force: drop anything that does not start a word
    _strip_pass(buf, minlen, nspace,
                lambda b, i: not b.first_char(i) and not _is_space(b.at(i)))


def abbreviate(names: Sequence[str], minlength: int = 4, use_classes: bool = True) -> list[str]:
    """R's ``abbreviate(names.arg, minlength)`` with the default
    ``method = "left.kept"``, ``strict = FALSE``.

    Duplicated abbreviations are redone with ``minlength`` increased by one
    (only for the clashing names) until all are unique.
    """
    if minlength <= 0:
        return ["" for _ in names]
    old = [str(n).strip(" ") for n in names]
    uniq: list[str] = []
    for n in old:
        if n not in uniq:
            uniq.append(n)
    x = list(uniq)
    dup2 = [True] * len(uniq)
    these = list(uniq)
    while True:
        ans = iter([_stripchars(t, minlength, use_classes) for t in these])
        x = [next(ans) if d else v for v, d in zip(x, dup2)]
        dup2 = _duplicated(x)
        if not any(dup2):
            break
        minlength += 1
        clashing = {v for v, d in zip(x, dup2) if d}
        dup2 = [d or v in clashing for v, d in zip(x, dup2)]
        these = [n for n, d in zip(uniq, dup2) if d]
    lookup = dict(zip(uniq, x))
    return [lookup[n] for n in old]


def _duplicated(values: Sequence[str]) -> list[bool]:
    seen: set[str] = set()
    out = []
    for v in values:
        out.append(v in seen)
        seen.add(v)
    return out
