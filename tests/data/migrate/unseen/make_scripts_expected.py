"""Development-only: run each script under scripts/ with Rscript and freeze its key
numbers (the R expressions below, evaluated after the script) into
scripts_expected.json; test_unseen_gaps.py compares the translated scripts' values
(the Python expressions) with them, without R.

    .venv/bin/python tests/data/migrate/unseen/make_scripts_expected.py
"""

import json
import subprocess
from pathlib import Path

from make_cases import ENCODE

HERE = Path(__file__).parent

# script -> {key: (R expression, Python expression over the translation's variables)}
KEYS = {
    "s7_orthodont_ave_apply.R": {
        "dist_mean": ("orth$dist_mean", 'orth["dist_mean"]'),
        "stage": ("orth$stage", 'orth["stage"]'),
        "slope_means": ("rowMeans(slopes)", "np.mean(slopes, axis=1)"),
        "slope_sd": ("apply(wide, 2, sd)", "rbase.apply(wide, 2, lambda col: np.std(col, ddof=1))"),
        "fixef_full": ("fixef(m_full)", "m_full.fixef()"),
        "vcov_table": ("vc$vcov", 'vc["vcov"]'),
        "blups_F01": ('unlist(re["F01", ])', 're.loc["F01"]'),
    },
    "s7_sleep_merge_docall.R": {
        "group_counts": ("as.vector(table(ss$group))", 'ss["group"].value_counts(sort=False).sort_index()'),
        "per_subject": ("per_subject", "per_subject"),
        "fixef_m1": ("fixef(m1)", "m1.fixef()"),
        "pred": ("unname(pred)", "pred"),
        "back": ("back", "back"),
    },
    "s7_cbpp_strings_bind.R": {
        "label": ("cb$label", 'cb["label"]'),
        "herd_id": ("cb$herd_id", 'cb["herd_id"]'),
        "per": ("cb$per", 'cb["per"]'),
        "cb_small_names": ("names(cb_small)", "list(cb_small.columns)"),
        "est": ("est", "est"),
        "vc": ("vc", "vc"),
        "cask_id": ("p$cask_id", 'p["cask_id"]'),
    },
    "s7_chick_dplyr_predict.R": {
        "by_diet": ("as.data.frame(by_diet)", "by_diet"),
        "stats_tab": ("stats_tab", "stats_tab"),
        "fixef_m": ("fixef(m)", "m.fixef()"),
        "grid_pred": ("grid$pred", 'grid["pred"]'),
        "chicks_b1": ("chicks[, c('Chick', 'b0', 'b1')]", 'chicks[["Chick", "b0", "b1"]]'),
    },
}


def main() -> None:
    out = {"header": {
        "produced_by": "tests/data/migrate/unseen/make_scripts_expected.py: Rscript runs "
                       "the script, then jsonlite::toJSON of each key's R expression",
        "R": subprocess.run(["Rscript", "-e", "cat(R.version.string)"], capture_output=True,
                            text=True).stdout,
        "lme4": subprocess.run(["Rscript", "-e", 'cat(format(packageVersion("lme4")))'],
                               capture_output=True, text=True).stdout,
    }, "scripts": {}}
    for script, keys in KEYS.items():
        entry = {}
        for key, (r_expr, py_expr) in keys.items():
            code = (f'invisible(capture.output(source("{HERE / "scripts" / script}")))\n'
                    f"out <- {r_expr}\n{ENCODE}")
            res = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True,
                                 check=True, cwd=HERE / "scripts")
            entry[key] = {"r": r_expr, "python": py_expr, "value": json.loads(res.stdout)}
        out["scripts"][script] = entry
    (HERE / "scripts_expected.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
