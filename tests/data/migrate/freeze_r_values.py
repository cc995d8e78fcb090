"""Freeze R's value of ``result`` for every snippet of cases.py into r_values.json.

Run from the repository root: ``python tests/data/migrate/freeze_r_values.py``
(needs Rscript with lme4, magrittr, jsonlite).
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from cases import CASES  # noqa: E402

PRELUDE = "suppressPackageStartupMessages({library(lme4); library(jsonlite)})\n"


def r_values(cases: dict, value: str = "if (is.factor(result)) as.character(result) else "
                                     "unname(result)", restore_options: bool = False) -> dict:
    """Every snippet run in its own environment of one R session; ``value`` is the R
    expression recorded from its ``result``; ``restore_options`` puts R's options back
    after each snippet (``options(contrasts=)`` is global in R)."""
    parts = [PRELUDE, "out <- list()\n"]
    for name, code in cases.items():
        save, restore = ("op <- options()\n", "options(op)\n") if restore_options else ("", "")
        parts.append(f"{save}out[[{json.dumps(name)}]] <- local({{\n{code}\n{value}}})\n{restore}")
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
    values = r_values(CASES)
    payload = {"_source": "tests/data/migrate/freeze_r_values.py: R's `result` of each "
                          "snippet in cases.py, serialized by jsonlite::toJSON(digits = NA)",
               "_r_version": version, "values": values}
    (HERE / "r_values.json").write_text(json.dumps(payload, indent=1) + "\n")


if __name__ == "__main__":
    main()
