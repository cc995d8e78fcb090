"""Freeze R's frames (and error messages) of the reshape snippets of reshape_cases.py
into r_frames.json.

Run from the repository root: ``python tests/data/migrate/reshape/freeze_reshape.py`` (needs
Rscript with jsonlite).  A frame is stored as its names, row names and, per column,
R's class, typeof, levels (factors) and values (factors as their labels).
"""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from reshape_cases import CASES, ERRORS  # noqa: E402
from freeze_r_values import r_values  # noqa: E402

FRAME = ("list(names = names(result), row_names = rownames(result), columns = "
         "unname(lapply(result, function(col) list(class = class(col)[1], "
         "typeof = typeof(col), levels = if (is.factor(col)) levels(col) else list(), "
         "values = if (is.factor(col)) as.character(col) else col))))")


def main() -> None:
    version = subprocess.run(["Rscript", "-e", "cat(R.version.string)"],
                             capture_output=True, text=True, check=True).stdout
    errors = {name: f"result <- tryCatch({{{code}\n'no error'}}, "
                    "error = function(e) conditionMessage(e))"
              for name, code in ERRORS.items()}
    payload = {"_source": "tests/data/migrate/reshape/freeze_reshape.py: R's `result` frame of each "
                          "snippet in reshape_cases.py (CASES), and the error message of each "
                          "of ERRORS, serialized by jsonlite::toJSON(digits = NA)",
               "_r_version": version,
               "frames": r_values(CASES, value=FRAME),
               "errors": r_values(errors, value="result")}
    (HERE / "r_frames.json").write_text(json.dumps(payload, indent=1) + "\n")


if __name__ == "__main__":
    main()
