"""pylme's benchmarks: ``python -m benchmarks compare`` (pylme against lme4, mixedlm and
statsmodels, issue 11) and the older single-purpose scripts (``bench_*.py``).

Run from the repository root (the package is not installed with pylme).
"""
