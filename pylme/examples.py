"""lme4's classic examples, fitted with pylme (``python -m pylme.examples``).

Prints, for each model, the R call it reproduces and pylme's ``summary()``, which is
the text lme4 prints.  Needs no R: the datasets ship with pylme.

Usage::

    python -m pylme.examples            # all examples
    python -m pylme.examples sleepstudy # only the examples on that dataset
    python -m pylme.examples --list
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass

from . import datasets, lmer

__all__ = ["Example", "EXAMPLES", "main"]


@dataclass(frozen=True)
class Example:
    """One classic model: dataset, formula and criterion."""

    dataset: str
    formula: str
    REML: bool = True

    @property
    def r_call(self) -> str:
        reml = "" if self.REML else ", REML = FALSE"
        return f"summary(lmer({self.formula}, data = {self.dataset}{reml}))"


EXAMPLES = (
    Example("Dyestuff", "Yield ~ 1 + (1 | Batch)"),
    Example("Dyestuff", "Yield ~ 1 + (1 | Batch)", REML=False),
    Example("Dyestuff2", "Yield ~ 1 + (1 | Batch)"),
    Example("Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)"),
    Example("sleepstudy", "Reaction ~ Days + (Days | Subject)"),
    Example("sleepstudy", "Reaction ~ Days + (Days | Subject)", REML=False),
    Example("sleepstudy", "Reaction ~ Days + (Days || Subject)"),
    Example("Pastes", "strength ~ 1 + (1 | batch/cask)"),
    Example("cake", "angle ~ recipe * temperature + (1 | recipe:replicate)"),
    Example("HSB", "MathAch ~ cses + (1 | School)"),
)


def run(example: Example) -> str:
    """Fit one example and return the text to show (lme4's messages included)."""
    data = datasets.load(example.dataset)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = lmer(example.formula, data, REML=example.REML, data_name=example.dataset)
        notes = "".join(f"{w.message}\n" for w in caught)
        del caught[:]
        summary = str(fit.summary())
        # what R sends to stderr while printing (e.g. the p > 12 correlation note) comes after
        after = "".join(f"{w.message}\n" for w in caught)
    return f"> {example.r_call}\n{notes}{summary}{after}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--list" in args:
        for ex in EXAMPLES:
            print(ex.r_call)
        return 0
    chosen = [ex for ex in EXAMPLES if not args or ex.dataset in args]
    if not chosen:
        print(f"no example uses {', '.join(args)}; try --list", file=sys.stderr)
        return 2
    for ex in chosen:
        print(run(ex))
    return 0


if __name__ == "__main__":
    sys.exit(main())
