"""The README's examples are tests: every ``>>>`` line runs and prints what the README shows.

The tutorial of ``README.md`` is read as doctests (:class:`doctest.DocTestParser`), one
namespace for the whole file since each section builds on the fits of the previous ones,
from the repository root, with ``NORMALIZE_WHITESPACE`` (lme4's printouts end lines with
spaces that Markdown renderers and editors may trim).  Only the ``>>>`` lines of the
fenced ```` ```python ```` blocks are examples; everything outside those blocks is prose.

The one departure from plain ``python -m doctest``: inside a fenced block an expected
output runs to the next ``>>>`` line or the end of the block, blank lines included,
because the README shows lme4's printouts as R prints them (``summary()`` has blank lines
between its sections) rather than with doctest's ``<BLANKLINE>`` markers.

Warnings are silenced while the examples run: lme4's messages and warnings arrive as
Python warnings on stderr, which doctest does not compare, and the README states them in
its prose.  Examples that need R must not appear in the README.
"""

from __future__ import annotations

import doctest
import re
import time
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

#: The README's examples must stay quick to run (and to read).
TIME_LIMIT_S = 60.0

_FENCE_OPEN = re.compile(r"^```python\s*$")
_FENCE_CLOSE = re.compile(r"^```\s*$")


def doctest_text(markdown: str) -> str:
    """The README as doctest source, line for line (so failures report README line numbers).

    Lines outside ```` ```python ```` blocks and the fences themselves become empty lines
    (an empty line ends an expected output, as a closing fence does in the README).
    Inside a block, an empty line followed by more output before the next ``>>>`` line
    becomes ``<BLANKLINE>``, so the output goes on past it.

    Parameters
    ----------
    markdown : str
        The text of README.md.

    Returns
    -------
    str
        Text with as many lines as `markdown`, for :class:`doctest.DocTestParser`.
    """
    lines = markdown.split("\n")
    out = [""] * len(lines)
    i = 0
    while i < len(lines):
        if not _FENCE_OPEN.match(lines[i]):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and not _FENCE_CLOSE.match(lines[end]):
            end += 1
        block = lines[i + 1:end]
        for k, line in enumerate(block):
            if line.strip():
                out[i + 1 + k] = line
                continue
            rest = [x for x in block[k + 1:] if x.strip()]
            if rest and not rest[0].lstrip().startswith(">>>"):
                out[i + 1 + k] = "<BLANKLINE>"
        i = end + 1
    return "\n".join(out)


def _warm_up() -> None:
    """One small lmer and glmer fit, so the time limit measures the examples themselves.

    The first GLMM fit of an installation may compile pylme's Numba kernels (cached on
    disk afterwards); that one-time cost is not what the README's examples cost.
    """
    import pylme

    pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff"))
    pylme.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", pylme.datasets.load("cbpp"),
                family="binomial")


def test_doctest_text_keeps_blank_lines_inside_outputs_only():
    md = ("Prose\n```python\n>>> print('a\\n\\nb')\na\n\nb\n\n>>> 1\n1\n```\n"
          "```bash\n>>> not python\n```\n")
    text = doctest_text(md)
    assert len(text.split("\n")) == len(md.split("\n"))
    examples = doctest.DocTestParser().get_examples(text)
    assert [(e.source, e.want) for e in examples] == [
        ("print('a\\n\\nb')\n", "a\n<BLANKLINE>\nb\n"), ("1\n", "1\n")]


def test_readme_examples_run_as_shown(monkeypatch):
    monkeypatch.chdir(ROOT)  # the README's commands are written for the repository root
    text = doctest_text(README.read_text(encoding="utf-8"))
    test = doctest.DocTestParser().get_doctest(text, {"__name__": "README"}, "README.md", str(README), 0)
    assert len(test.examples) >= 40, "the README's examples were not found"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    report: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _warm_up()
        start = time.perf_counter()
        result = runner.run(test, out=report.append, clear_globs=True)
    elapsed = time.perf_counter() - start
    assert result.failed == 0, "".join(report)
    assert elapsed < TIME_LIMIT_S, f"README examples took {elapsed:.1f} s (limit {TIME_LIMIT_S:.0f} s)"


if __name__ == "__main__":  # pragma: no cover - convenience: python tests/meta/test_readme.py
    raise SystemExit(pytest.main([__file__, "-q"]))
