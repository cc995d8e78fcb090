"""pylme: linear mixed models that reproduce R's lme4::lmer."""

__version__ = "0.1.0"
