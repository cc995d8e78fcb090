"""Tolerance tiers of the inference references: how closely pylme's tests, anova tables,
intervals and predictions must match lmerTest, pbkrtest and lme4.

The companion of :mod:`conformance.tiers` for ``r_reference/inference/*.json``. Every
tolerance here is the one a test in ``tests/inference`` asserts (named in each entry), so
``python -m conformance run`` and the test suite judge alike; where a test has a tighter
check for one model than for the rest, the tighter one is used for that model.

Numeric rule: an entry passes when ``|pylme − R| <= atol + rtol · max(|R|, floor)``
(:meth:`conformance.tiers.Tolerance.allowed` with scale 1: the floor here is absolute),
NA where R has NA, the same row and column names in R's order. Printed text is either
equal (``exact``) or equal up to numbers within 1e-6 relative (``numbers 1e-6``: the last
printed digit of optimizer-dependent numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.tiers import EXACT, Tier, Tolerance

__all__ = ["DDF", "DDF_AT_R_THETA", "ANOVA", "LRT", "PRINTED", "CONFINT", "PREDICT",
           "INFERENCE_TIERS", "Columns", "TOLERANCES", "TEXT_RTOL", "ENVELOPE_RTOL",
           "CRITERION_ATOL", "BOOT_MC_SE"]

DDF = Tier("ddf", """Satterthwaite and Kenward-Roger t tables on pylme's own fit.

lmerTest 3.1-3's ``coef(summary(fm))`` (df and Pr(>|t|) to 1e-4 relative, t to 1e-5) and
pbkrtest 0.5.2's (df and Std. Error to 1e-5): the issue's end-to-end targets. Where lme4
itself is not reproducible (its θ̂ moves by more than 1e-5 relative when the rows of the
data are permuted: ``permutation_spread``, 8 seeded refits stored with the reference),
pylme's values must lie in lme4's own envelope over those refits, widened by the same
tolerances, and pylme's criterion must be no worse than lme4's (+1e-6). Elsewhere pylme's
θ̂ must be lme4's to 1e-5 (relative, components below 1e-2 taken as 1e-2).
(tests/inference/test_ddf.py)""", Tolerance(rtol=1e-4))

DDF_AT_R_THETA = Tier("ddf_r_theta", """The same tables at lme4's θ̂.

pylme evaluated, not optimized, at R's θ̂ isolates the degrees-of-freedom computation:
Satterthwaite Estimate and Std. Error 1e-9, df 1e-6, Pr(>|t|) 1e-5; Kenward-Roger df 1e-9,
Std. Error 1e-10, Pr(>|t|) 1e-8; pbkrtest's adjusted covariance 1e-9 (absolute 1e-12 of its
largest entry); lmerTest's ``vcov_varpar`` and Jacobian 1e-6 of their largest entry.
(tests/inference/test_ddf.py)""", Tolerance(rtol=1e-6))

ANOVA = Tier("anova", """anova tables of one model at lme4's θ̂.

lme4's sequential F table to 1e-8; lmerTest's type I/II/III Satterthwaite tables: Sum Sq,
Mean Sq, NumDF, F value to 1e-7, DenDF and Pr(>F) to 1e-5; the type III Kenward-Roger
table to 1e-7; lmerTest's type III hypothesis matrices to 1e-12 absolute.
(tests/inference/test_anova.py)""", Tolerance(rtol=1e-7))

LRT = Tier("lrt", """Likelihood-ratio tables on pylme's own fits.

lme4's ``anova(m1, m2, ...)`` and ``drop1(fm, test = "Chisq")``: npar and Df exactly,
AIC/BIC/logLik/deviance to 1e-8, Chisq/LRT to 1e-4 (absolute 2e-6 / 1e-6), p-values to 1e-4
(absolute 1e-7 / 1e-6), lme4's messages exactly. (tests/inference/test_anova.py)""",
          Tolerance(rtol=1e-4))

PRINTED = Tier("printed", """Printed text of summary(ddf=), anova and drop1.

Equal line by line; where lme4's numbers depend on its optimizer end point (and for
lmerTest's type I-III tables) the numbers may differ by 1e-6 relative, the lines and the
other tokens must not. ``Weights:``/``Offset:`` lines are left out (pylme got vectors,
not expressions), and at lme4's θ̂ the lines a fixed-θ fit changes (``Control:``,
optimizer). (tests/inference/test_ddf.py, test_anova.py)""")

CONFINT = Tier("confint", """confint() and profile() against lme4 1.1-31.

Wald intervals to 1e-6, profile intervals to 1e-3 (absolute 1e-8; hsb_null_reml, the
issue's model, to 1e-6), the profile's points to 2e-5 (absolute 1e-6), its base deviance
to 1e-9; boot.ci's intervals on lme4's own bootstrap replicates to 1e-12, bootFun's t0 to
1e-6; pylme's own parametric bootstrap (other random streams) within 5 Monte-Carlo
standard errors of the difference of two endpoint estimates.
(tests/inference/test_confint.py)""", Tolerance(rtol=1e-6))

PREDICT = Tier("predict", """predict() against lme4 1.1-31.

Predictions (new data, re.form, new levels, NA handling, offsets) to 1e-6 relative
(``|Δ| / max(|R|, 1)``, NA positions equal), lme4's error texts exactly (one documented
deviation), the fits' θ̂ to 1e-5 (absolute 1e-7). (tests/inference/test_predict.py)""",
              Tolerance(rtol=1e-6, floor=1.0))

INFERENCE_TIERS: tuple[Tier, ...] = (DDF, DDF_AT_R_THETA, ANOVA, LRT, PRINTED, CONFINT, PREDICT)


@dataclass(frozen=True)
class Columns:
    """One tolerance for some columns of a table.

    Attributes
    ----------
    names : tuple of str or None
        The columns (None: every column, or a matrix or vector without column names).
    tolerance : Tolerance
    scaled : float or None
        Norm-wise: ``atol`` and ``floor`` are multiplied by the table's largest ``|R|``
        (at least `scaled`), as in ``max|Δ| < 1e-6 · max|R|``.
    """

    names: tuple[str, ...] | None
    tolerance: Tolerance
    scaled: float | None = None


def _cols(*names: str) -> tuple[str, ...]:
    return names


#: Per compared quantity: its column groups and their tolerances.
TOLERANCES: dict[str, tuple[Columns, ...]] = {
    "satterthwaite": (Columns(_cols("df", "Pr(>|t|)"), Tolerance(rtol=1e-4)),
                      Columns(_cols("t value"), Tolerance(rtol=1e-5))),
    "kenward_roger": (Columns(_cols("df", "Std. Error"), Tolerance(rtol=1e-5)),),
    "satterthwaite_at_r_theta": (Columns(_cols("Estimate", "Std. Error"), Tolerance(rtol=1e-9)),
                                 Columns(_cols("df"), Tolerance(rtol=1e-6)),
                                 Columns(_cols("Pr(>|t|)"), Tolerance(rtol=1e-5))),
    "kenward_roger_at_r_theta": (Columns(_cols("df"), Tolerance(rtol=1e-9)),
                                 Columns(_cols("Std. Error"), Tolerance(rtol=1e-10)),
                                 Columns(_cols("Pr(>|t|)"), Tolerance(rtol=1e-8))),
    "vcov_adj": (Columns(None, Tolerance(rtol=1e-9, atol=1e-12), scaled=0.0),),
    "vcov_varpar": (Columns(None, Tolerance(rtol=1e-6, floor=1.0), scaled=0.0),),
    "jacobian": (Columns(None, Tolerance(rtol=1e-6, floor=1.0), scaled=1e-8),),
    "anova_lme4": (Columns(None, Tolerance(rtol=1e-8)),),
    "anova_lmertest": (Columns(_cols("Sum Sq", "Mean Sq", "NumDF", "F value"), Tolerance(rtol=1e-7)),
                       Columns(_cols("DenDF", "Pr(>F)"), Tolerance(rtol=1e-5))),
    "anova_type3_kr": (Columns(None, Tolerance(rtol=1e-7)),),
    "hypotheses": (Columns(None, Tolerance(atol=1e-12)),),
    "comparison": (Columns(_cols("npar", "Df"), EXACT),
                   Columns(_cols("AIC", "BIC", "logLik", "deviance"), Tolerance(rtol=1e-8)),
                   Columns(_cols("Chisq"), Tolerance(rtol=1e-4, atol=2e-6)),
                   Columns(_cols("Pr(>Chisq)"), Tolerance(rtol=1e-4, atol=1e-7))),
    "drop1": (Columns(_cols("npar"), EXACT), Columns(_cols("AIC"), Tolerance(rtol=1e-8)),
              Columns(_cols("LRT", "Pr(Chi)"), Tolerance(rtol=1e-4, atol=1e-6))),
    "wald": (Columns(None, Tolerance(rtol=1e-6)),),
    "profile": (Columns(None, Tolerance(rtol=1e-3, atol=1e-8)),),
    "profile_close": (Columns(None, Tolerance(rtol=1e-6)),),
    "profile_parm": (Columns(None, Tolerance(rtol=1e-3)),),
    "profile_frame": (Columns(None, Tolerance(rtol=2e-5, atol=1e-6)),),
    "ml_deviance": (Columns(None, Tolerance(rtol=1e-9)),),
    "boot_replicates": (Columns(None, Tolerance(rtol=1e-12)),),
    "boot_t0": (Columns(None, Tolerance(rtol=1e-6)),),
    "boot_monte_carlo": (Columns(None, EXACT),),  # plus BOOT_MC_SE standard errors per row
    "predict": (Columns(None, Tolerance(rtol=1e-6, floor=1.0)),),
    "predict_theta": (Columns(None, Tolerance(rtol=1e-5, atol=1e-7)),),
    "theta": (Columns(None, Tolerance(rtol=1e-5, floor=1e-2)),),
}

#: Relative tolerance of numbers in printed text compared "numbers 1e-6".
TEXT_RTOL = 1e-6
#: Widening of lme4's permutation envelope: the end-to-end tolerance of each column.
ENVELOPE_RTOL = {"satterthwaite_df": 1e-4, "satterthwaite_p": 1e-4,
                 "kenward_roger_df": 1e-5, "kenward_roger_se": 1e-5}
#: Where lme4 is not reproducible: pylme's criterion may exceed lme4's stored one by this.
CRITERION_ATOL = 1e-6
#: Parametric bootstrap endpoints: this many standard errors of the difference of two
#: independent Monte-Carlo estimates of a quantile.
BOOT_MC_SE = 5.0
