"""Freeze R's ``result`` of every scoping snippet of scoping_cases.py into r_values.json.

Run from the repository root: ``python tests/data/migrate/scoping/freeze_scoping.py`` (needs
Rscript with lme4 and jsonlite).  Each snippet runs in its own environment of one R
session (freeze_r_values.r_values), the environment its functions enclose.
"""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from scoping_cases import CASES  # noqa: E402
from freeze_r_values import r_values  # noqa: E402


def main() -> None:
    version = subprocess.run(["Rscript", "-e", "cat(R.version.string, 'lme4', "
                              "as.character(packageVersion('lme4')))"],
                             capture_output=True, text=True, check=True).stdout
    payload = {"_source": "tests/data/migrate/scoping/freeze_scoping.py: R's `unname(result)` of "
                          "each snippet in scoping_cases.py, serialized by jsonlite::toJSON(digits = NA)",
               "_r_version": version, "values": r_values(CASES)}
    (HERE / "r_values.json").write_text(json.dumps(payload, indent=1) + "\n")


if __name__ == "__main__":
    main()
