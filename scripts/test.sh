#!/usr/bin/env bash
# The test command: installs everything it needs (R and lme4 from Debian, a virtual
# environment with pylme, rpy2 and the test tools), then runs the whole test suite,
# live-R tests included.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install_r.sh
if command -v Rscript >/dev/null 2>&1; then
    bash scripts/setup_env.sh "test,conformance,plots,progress,bridge"
else
    bash scripts/setup_env.sh "test,plots,progress,bridge"
fi
exec .venv/bin/python -m pytest "$@"
