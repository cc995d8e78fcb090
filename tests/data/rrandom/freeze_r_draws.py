"""Freeze R's draws for tests/unit/rrandom: run from the repository root with R on PATH.

    .venv/bin/python tests/data/rrandom/freeze_r_draws.py

For every case of ``tests/unit/rrandom/rrandom_cases.py`` R evaluates
``set.seed(seed); x <- as.double(<expr>)`` and writes ``x`` with ``writeBin`` (little
endian); this script stores the first 200 values and the SHA-256 of R's bytes in
``r_draws.json``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "rrandom"))

from rrandom_cases import CASES  # noqa: E402


def main() -> None:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        lines = []
        for name, seed, expr, _ in CASES:
            path = Path(tmp) / f"{name}.bin"
            lines.append(f'set.seed({seed}); x <- as.double({expr}); '
                         f'writeBin(x, "{path}", endian = "little")')
        script = Path(tmp) / "draws.R"
        script.write_text("\n".join(lines) + "\n")
        subprocess.run(["Rscript", str(script)], check=True)
        version = subprocess.run(["Rscript", "-e", "cat(R.version.string)"], check=True, capture_output=True,
                                 text=True).stdout
        for name, seed, expr, _ in CASES:
            raw = (Path(tmp) / f"{name}.bin").read_bytes()
            values = np.frombuffer(raw, dtype="<f8")
            out[name] = {"seed": seed, "r": f"set.seed({seed}); as.double({expr})", "n": int(values.size),
                         "sha256": hashlib.sha256(raw).hexdigest(), "head": [float(v) for v in values[:200]]}
    doc = {"_about": f"R's draws after set.seed(seed) ({version}, RNGkind defaults Mersenne-Twister/"
                     "Inversion/Rejection); sha256 of all values as little-endian doubles; written by "
                     "tests/data/rrandom/freeze_r_draws.py", "cases": out}
    (Path(__file__).parent / "r_draws.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
