"""Freeze R's named ``result`` of every snippet of contrasts_cases.py into contrasts_r.json.

Run from the repository root: ``python tests/data/migrate/freeze_contrasts.py``
(needs Rscript with lme4 and jsonlite).  Each snippet runs in its own environment with
R's options restored afterwards (``options(contrasts=)`` is global in R).
"""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from contrasts_cases import CONTRAST_CASES  # noqa: E402

from freeze_r_values import r_values as _r_values  # noqa: E402


def r_values(cases: dict) -> dict:
    return _r_values(cases, "list(names = names(result), values = unname(result))",
                     restore_options=True)


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
