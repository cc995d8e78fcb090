"""GLM families as R defines them and as lme4 1.1-31 evaluates them (R ``family`` objects).

A :class:`Family` is R's family object reduced to what identifies it — its name, its
:class:`~pylme.glmm.links.Link`, the negative binomial θ or the ``quasi`` variance —
so it is immutable, picklable and compares like R's ``all.equal`` on families.  Its
methods are lme4's: the C++ variance, deviance residuals and ``aic`` of
``src/glmFamily.cpp`` for binomial, poisson, Gamma, inverse.gaussian, gaussian and
``Negative Binomial(θ)``, R's closures otherwise (:mod:`pylme.glmm.family_math`), and
``initialize`` with lme4's ``mkRespMod`` checks (:mod:`pylme.glmm.initialize`).

The constructors (:func:`binomial`, :func:`poisson`, ...) follow R's: a link is a name
(any link R's ``make.link`` knows, as R allows, e.g. ``binomial(link="inverse")``) or a
:class:`Link`; anything else gets R's ``link "x" not available for ... family`` error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pylme.errors import ArgumentError, ModelSpecError
from pylme.glmm import family_math as fm
from pylme.glmm.initialize import FamilyStart, initialize_response
from pylme.glmm.links import Link, make_link
from pylme.printing.rformat import format_real, r_round

__all__ = ["Family", "FamilyStart", "family_from_arg", "binomial", "poisson", "Gamma",
           "inverse_gaussian", "gaussian", "negative_binomial", "quasibinomial", "quasipoisson",
           "quasi", "QUASI_FAMILIES"]

QUASI_FAMILIES = ("quasibinomial", "quasipoisson", "quasi")
_PLAIN = ("binomial", "poisson", "Gamma", "inverse.gaussian", "gaussian") + QUASI_FAMILIES
_NO_SCALE = ("poisson", "binomial", "negative.bin", "Negative Bin")  # lme4's hasNoScale()
_PY_NAMES = {"inverse.gaussian": "inverse_gaussian"}


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _nb_name(theta: float) -> str:
    """MASS's family name: ``paste0("Negative Binomial(", format(round(theta, 4)), ")")``."""
    return f"Negative Binomial({format_real([r_round(theta, 4)], digits=7)[0]})"


@dataclass(frozen=True, repr=False)
class Family:
    """A GLM family (R's ``family`` object), evaluated as lme4 1.1-31 evaluates it.

    Build one with the constructors in :mod:`pylme.families` (``binomial()``,
    ``poisson(link="sqrt")``, ``negative_binomial(2.5)``, ...).

    Parameters
    ----------
    family : str
        R's ``family$family``: ``"binomial"``, ``"poisson"``, ``"Gamma"``,
        ``"inverse.gaussian"``, ``"gaussian"``, ``"quasibinomial"``, ``"quasipoisson"``,
        ``"quasi"`` or ``"Negative Binomial(θ)"``.
    link : Link
        The link function.
    theta : float, optional
        The negative binomial θ (MASS ``negative.binomial(theta)``).
    varfun : str, optional
        The ``quasi`` variance: ``"constant"``, ``"mu(1-mu)"``, ``"mu"``, ``"mu^2"``, ``"mu^3"``.
    """

    family: str
    link: Link
    theta: float | None = None
    varfun: str | None = None

    def __post_init__(self):
        if not isinstance(self.link, Link):
            raise ArgumentError("'link' must be a pylme Link (see pylme.families.make_link)")
        negbin = isinstance(self.family, str) and self.family.startswith("Negative Binomial(")
        if negbin:
            if self.theta is None:
                raise ArgumentError("'theta' must be specified")
        elif self.family not in _PLAIN:
            raise ModelSpecError(f"unknown family {self.family!r}")
        if (self.family == "quasi") != (self.varfun is not None):
            raise ModelSpecError("a 'quasi' family needs its variance name (and only it has one)")
        if self.varfun is not None and self.varfun not in fm.QUASI_VARIANCES:
            raise ModelSpecError(f"unknown quasi variance {self.varfun!r}")

    # --- identity ---------------------------------------------------------------------
    @property
    def _kind(self) -> str:
        return fm.family_kind(self.family, self.varfun)

    @property
    def has_scale(self) -> bool:
        """Whether the family has a scale parameter (lme4 ``!hasNoScale(family)``).

        False for binomial, poisson and negative binomial (σ ≡ 1); True otherwise.
        """
        return self.family[:12] not in _NO_SCALE

    @property
    def is_quasi(self) -> bool:
        """Whether this is a quasi family (which ``glmer`` refuses)."""
        return self.family in QUASI_FAMILIES

    def r_text(self) -> str:
        """What R's ``print(family)`` writes (``print.family``)."""
        return f"\nFamily: {self.family} \nLink function: {self.link.name} \n\n"

    def __repr__(self) -> str:
        link = self.link.name
        if self._kind == "negbin":
            return f"negative_binomial(theta={self.theta!r}, link={link!r})"
        if self.family == "quasi":
            return f"quasi(link={link!r}, variance={self.varfun!r})"
        return f"{_PY_NAMES.get(self.family, self.family)}(link={link!r})"

    # --- numerics -------------------------------------------------------------------
    def variance(self, mu) -> np.ndarray:
        """V(μ), lme4's C++ (binomial: ``max(ε, μ(1−μ))``) or R's closure for quasi families."""
        return fm.variance(self._kind, mu, self.theta)

    def dev_resids(self, y, mu, wt) -> np.ndarray:
        """Per-observation deviance residuals d_i (lme4 ``devResid``; 0·log 0 := 0)."""
        return fm.dev_resids(self._kind, y, mu, wt, self.theta)

    def aic(self, y, n, mu, wt, dev) -> float:
        """lme4's ``aic(y, n, μ, wt, dev)``: −2 log L (+ lme4's constants), a float.

        Binomial: ``−2 Σ (m > 0 ? wt/m : 0) log dbinom(round(m y), round(m), μ)`` with
        m = n if any n > 1 else wt; Poisson ``−2 Σ wt log dpois(y, μ)``; Gamma,
        inverse.gaussian and gaussian estimate the dispersion from ``dev`` (the sum of the
        deviance residuals); quasi families give NaN (R's ``NA``).  R's densities are
        reproduced (:mod:`pylme.glmm.densities`); non-integer Poisson counts give +Inf
        (see :meth:`aic_warnings`).
        """
        return fm.aic(self._kind, y, n, mu, wt, dev, self.theta)

    def aic_warnings(self, y) -> tuple[str, ...]:
        """R's warnings from one evaluation of :meth:`aic` at these y, verbatim.

        R's ``dpois`` warns ``non-integer x = 2.500000`` once per non-integer count (the
        Poisson ``aic`` is then +Inf); nothing else warns.
        """
        return tuple(f"non-integer x = {v:f}" for v in fm.aic_nonint(self._kind, _arr(y).ravel()))

    def validmu(self, mu) -> bool:
        """R's ``family$validmu``: whether μ is inside the family's mean space."""
        with np.errstate(all="ignore"):
            return fm.validmu(self._kind, _arr(mu))

    def initialize(self, y, weights=None, *, mustart=None, etastart=None, start=None) -> FamilyStart:
        """The response's starting state: lme4 ``mkRespMod`` checks + R's ``family$initialize``.

        Parameters
        ----------
        y : array_like
            (n,) numeric or bool, a pandas categorical (binomial: first level = failure,
            all others success), or (n, 2) ``cbind(successes, failures)`` (binomial).
        weights : array_like, optional
            Prior weights (default ones).
        mustart, etastart : array_like, optional
            User starting means / linear predictor.
        start : object, optional
            Non-None when ``start$fixef`` was given (gaussian's start-value check reads it).

        Returns
        -------
        FamilyStart
            y, weights, n, mustart, R's warnings (returned, not emitted) and η start.

        Raises
        ------
        pylme.errors.DataError
            With R's text: ``response must be numeric or factor``, ``NA/NaN/Inf in 'y'``,
            ``y values must be 0 <= y <= 1``, ``negative values not allowed for the
            'Poisson' family``, ``updateXwts: dimension mismatch`` (two columns for a
            non-binomial family), ...
        """
        return initialize_response(self.family, self.link.name, y, weights, mustart=mustart,
                                   etastart=etastart, start=start, varfun=self.varfun,
                                   linkfun=self.link.linkfun)


# --- constructors (R: stats::binomial() etc.) -------------------------------------------
def _resolve_link(link, family: str, ok_links: tuple[str, ...]) -> Link:
    """R's link handling in the family constructors (a name or a ``link-glm`` object)."""
    if isinstance(link, Link):
        return link
    if isinstance(link, str):
        return make_link(link)
    shown = "NULL" if link is None else str(link)
    if family.startswith("negative binomial"):
        raise ModelSpecError(f'"{shown}" link not available for negative binomial family; '
                             'available links are "identity", "log" and "sqrt"')
    if family == "quasi":  # R reads stats$name off the object: fails for non-lists
        raise ModelSpecError("$ operator is invalid for atomic vectors")
    okl = ", ".join(f"\u2018{n}\u2019" for n in ok_links)
    raise ModelSpecError(f'link "{shown}" not available for {family} family; available links are {okl}')


_BINOMIAL_LINKS = ("logit", "probit", "cloglog", "cauchit", "log")


def binomial(link="logit") -> Family:
    """The binomial family (R: ``binomial(link = "logit")``); canonical link ``logit``."""
    return Family("binomial", _resolve_link(link, "binomial", _BINOMIAL_LINKS))


def poisson(link="log") -> Family:
    """The Poisson family (R: ``poisson(link = "log")``)."""
    return Family("poisson", _resolve_link(link, "poisson", ("log", "identity", "sqrt")))


def Gamma(link="inverse") -> Family:  # noqa: N802 - R's name
    """The Gamma family (R: ``Gamma(link = "inverse")``)."""
    return Family("Gamma", _resolve_link(link, "Gamma", ("inverse", "log", "identity")))


def inverse_gaussian(link="1/mu^2") -> Family:
    """The inverse Gaussian family (R: ``inverse.gaussian(link = "1/mu^2")``)."""
    return Family("inverse.gaussian",
                  _resolve_link(link, "inverse.gaussian", ("inverse", "log", "identity", "1/mu^2")))


def gaussian(link="identity") -> Family:
    """The Gaussian family (R: ``gaussian(link = "identity")``).

    ``glmer`` with the identity link is lme4's deprecated shortcut to ``lmer``; other
    links are genuine GLMMs.
    """
    return Family("gaussian", _resolve_link(link, "gaussian", ("inverse", "log", "identity")))


_MISSING = object()


def negative_binomial(theta=_MISSING, link="log") -> Family:
    """The negative binomial family with known θ (R: ``MASS::negative.binomial(theta)``).

    Its family name is ``"Negative Binomial(θ)"`` with θ rounded to 4 decimals and
    formatted as R's ``format()`` does; V(μ) = μ + μ²/θ.
    """
    if theta is _MISSING:
        raise ArgumentError("'theta' must be specified")
    theta = float(theta)
    return Family(_nb_name(theta), _resolve_link(link, "negative binomial", ("log", "identity", "sqrt")),
                  theta=theta)


def quasibinomial(link="logit") -> Family:
    """The quasibinomial family (R: ``quasibinomial()``); constructible, refused by ``glmer``."""
    return Family("quasibinomial", _resolve_link(link, "quasibinomial", _BINOMIAL_LINKS))


def quasipoisson(link="log") -> Family:
    """The quasi-Poisson family (R: ``quasipoisson()``); constructible, refused by ``glmer``."""
    return Family("quasipoisson", _resolve_link(link, "quasipoisson", ("log", "identity", "sqrt")))


def quasi(link="identity", variance="constant") -> Family:
    """R's ``quasi(link, variance)`` family; constructible, refused by ``glmer``.

    ``variance`` is one of ``"constant"``, ``"mu(1-mu)"``, ``"mu"``, ``"mu^2"``, ``"mu^3"``
    (spaces ignored, as R does).
    """
    resolved = _resolve_link(link, "quasi", ())
    name = variance.replace(" ", "") if isinstance(variance, str) else variance
    if name not in fm.QUASI_VARIANCES:
        raise ModelSpecError(f"'variance' \"{name}\" is invalid: possible values are \"mu(1-mu)\", "
                             "\"mu\", \"mu^2\", \"mu^3\" and \"constant\"")
    return Family("quasi", resolved, varfun=name)


_BY_R_NAME = {
    "binomial": binomial, "poisson": poisson, "Gamma": Gamma, "inverse.gaussian": inverse_gaussian,
    "gaussian": gaussian, "quasibinomial": quasibinomial, "quasipoisson": quasipoisson, "quasi": quasi,
}


def family_from_arg(family) -> Family:
    """``glmer``'s ``family`` argument read as lme4 reads it (``glmer``/``glFormula``).

    Parameters
    ----------
    family : str, Family or callable
        An R family function name (``"binomial"``, ``"Gamma"``, ``"inverse.gaussian"``,
        ...), a :class:`Family`, or a constructor called without arguments
        (``pylme.families.binomial``).

    Raises
    ------
    pylme.errors.ModelSpecError
        ``"quasi" families cannot be used in glmer``.
    pylme.errors.ArgumentError
        R's texts: ``object 'foo' of mode 'function' was not found`` for an unknown name,
        ``argument is of length zero`` for None, ``$ operator is invalid for atomic
        vectors`` for other values.
    """
    if isinstance(family, str):
        if family not in _BY_R_NAME:
            raise ArgumentError(f"object '{family}' of mode 'function' was not found")
        family = _BY_R_NAME[family]
    if callable(family) and not isinstance(family, Family):
        family = family()
    if family is None:
        raise ArgumentError("argument is of length zero")
    if not isinstance(family, Family):
        raise ArgumentError("$ operator is invalid for atomic vectors")
    if family.is_quasi:
        raise ModelSpecError('"quasi" families cannot be used in glmer')
    return family
