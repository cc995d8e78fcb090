"""lme4's classic lmer and glmer examples, fitted with pylme (``python -m pylme.examples``).

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

from . import datasets, glmer, lmer

__all__ = ["Example", "EXAMPLES", "main"]


@dataclass(frozen=True)
class Example:
    """One classic model: dataset, formula and criterion."""

    dataset: str
    formula: str
    REML: bool = True
    #: R's family argument for a glmer example (None: an lmer example)
    family: str | None = None
    nAGQ: int = 1

    @property
    def r_call(self) -> str:
        if self.family is not None:
            agq = "" if self.nAGQ == 1 else f", nAGQ = {self.nAGQ}"
            return f"summary(glmer({self.formula}, data = {self.dataset}, family = {self.family}{agq}))"
        reml = "" if self.REML else ", REML = FALSE"
        return f"summary(lmer({self.formula}, data = {self.dataset}{reml}))"

    def fit(self):
        """The pylme fit of this example."""
        data = datasets.load(self.dataset)
        if self.family is not None:
            return glmer(self.formula, data, family=self.family, nAGQ=self.nAGQ, data_name=self.dataset)
        return lmer(self.formula, data, REML=self.REML, data_name=self.dataset)


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
    Example("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", family="binomial"),
    Example("cbpp", "cbind(incidence, size - incidence) ~ period + (1 | herd)", family="binomial", nAGQ=25),
    Example("grouseticks", "TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)",
            family="poisson"),
)


def run(example: Example) -> str:
    """Fit one example and return the text to show (lme4's messages included)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = example.fit()
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
