"""Generalized linear mixed models (lme4 ``glmer``)."""
