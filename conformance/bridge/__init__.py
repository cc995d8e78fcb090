"""``pylme verify``: parity of any R lme4 script with pylme, with no translation.

* :mod:`conformance.bridge.capture` (child process, rpy2) runs the script in a fresh R with
  lme4 instrumented by ``instrument.R`` and :mod:`~conformance.bridge.extract` records every
  fit's data and its conformance reference record;
* :mod:`~conformance.bridge.refit` fits each captured model again with pylme (no R);
* :mod:`~conformance.bridge.compare` judges every quantity under the conformance tiers
  (an ``lm``/``glm`` in a script's ``anova(merMod, lm)`` refitted with statsmodels by
  :mod:`~conformance.bridge.lmfit`);
* :mod:`~conformance.bridge.report` prints the table and writes ``--json``/``--html``;
* :mod:`~conformance.bridge.verify_cli` is the command (``configure``/``handler``).

The Python side of ``--python`` is :mod:`pylme.recording`.
"""
