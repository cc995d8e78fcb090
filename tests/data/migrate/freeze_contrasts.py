"""Freeze R's named ``result`` of every snippet of contrasts_cases.py into contrasts_r.json.

Run from the repository root: ``python tests/data/migrate/freeze_contrasts.py``
(needs Rscript with lme4 and jsonlite).  Each snippet runs in its own environment with
R's options restored afterwards (``options(contrasts=)`` is global in R).
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from contrasts_cases import CONTRAST_CASES  # noqa: E402

PRELUDE = "suppressPackageStartupMessages({library(lme4); library(jsonlite)})\n"


def r_values(cases: dict) -> dict:
    parts = [PRELUDE, "out <- list()\n"]
    for name, code in cases.items():
        parts.append(f"op <- options()\nout[[{json.dumps(name)}]] <- local({{\n{code}\n"
                     "list(names = names(result), values = unname(result))})\noptions(op)\n")
    parts.append("cat(toJSON(out, digits = NA, na = 'null'))\n")
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write("".join(parts))
    out = subprocess.run(["Rscript", fh.name], cwd=HERE, capture_output=True, text=True,
                         check=True)
    Path(fh.name).unlink()
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    version = subprocess.run(["Rscript", "-e", "cat(R.version.string, 'lme4', "
                              "as.character(packageVersion('lme4')))"],
                             capture_output=True, text=True, check=True).stdout
    payload = {"_source": "tests/data/migrate/freeze_contrasts.py: R's named `result` of each "
                          "snippet in contrasts_cases.py, serialized by jsonlite::toJSON(digits = NA)",
               "_r_version": version, "values": r_values(CONTRAST_CASES)}
    (HERE / "contrasts_r.json").write_text(json.dumps(payload, indent=1) + "\n")


if __name__ == "__main__":
    main()
