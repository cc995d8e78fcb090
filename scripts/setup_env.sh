#!/usr/bin/env bash
# Create .venv (if missing) and install pylme with the given extras.
# Usage: source scripts/setup_env.sh "test,conformance"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="${1:-}"
PY="${PYTHON:-python3}"
if [ ! -x "$ROOT/.venv/bin/python" ]; then
    "$PY" -m venv "$ROOT/.venv"
fi
"$ROOT/.venv/bin/python" -m pip install -q --upgrade pip >/dev/null
if [ -n "$EXTRAS" ]; then
    "$ROOT/.venv/bin/python" -m pip install -q -e "$ROOT[$EXTRAS]"
else
    "$ROOT/.venv/bin/python" -m pip install -q -e "$ROOT"
fi
