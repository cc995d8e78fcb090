#!/usr/bin/env bash
# The main job: fits lme4's classic examples with pylme and prints lme4-style summaries.
# Needs no R: the datasets ship with pylme.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup_env.sh ""
exec .venv/bin/python -m pylme.examples "$@"
