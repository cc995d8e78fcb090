"""Reproduce with pylme (run from the repository root)."""
from pathlib import Path

import pylme
from conformance.generated import load_design

design = load_design(Path(__file__).parent)
fit = pylme.lmer(design.formula, design.frame, **design.fit_kwargs())
print(fit.summary())
print(repr(fit.theta.tolist()), repr(float(fit.opt.fval)))
