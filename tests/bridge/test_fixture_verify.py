"""``pylme verify`` on every bridge fixture script: each one passes, model by model.

``tests/data/bridge/scripts/*.R`` are written the way people write lme4 analyses (H5's
fixtures, see their README). Each is verified as a user would verify it: every model the
script fits is captured in R, refitted by pylme and compared under the conformance tiers,
and so is every ``anova`` of captured models (``anova(merMod, lm/glm)`` included). The
test asserts exit status 0 and that no model and no anova is anything but ``pass``: an
``unsupported`` or ``R error`` row, which would not fail the command, fails here.

The scripts run on a copy of their folder in ``tmp_path`` (with ``TMPDIR`` there too), so
that nothing a script writes (plots, ``Rplots.pdf``) lands in the fixture folder; the test
checks the folder is unchanged. Minutes in all: marked ``fixture_sweep`` (and ``needs_r``);
run with ``pytest -m fixture_sweep tests/bridge/test_fixture_verify.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS_DIR = ROOT / "tests" / "data" / "bridge" / "scripts"
SCRIPTS = sorted(SCRIPTS_DIR.glob("*.R"))
#: --timeout of each verify run (the slowest fixture, 04's 100-fit bootstrap, takes ~40 s)
TIMEOUT_S = 300


def _entries() -> set[str]:
    return {str(p.relative_to(SCRIPTS_DIR)) for p in SCRIPTS_DIR.rglob("*")}


@pytest.mark.needs_r
@pytest.mark.fixture_sweep
@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_fixture_script_verifies(script: Path, tmp_path: Path) -> None:
    before = _entries()
    work = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, work)
    out = tmp_path / "verify.json"
    env = dict(os.environ, TMPDIR=str(tmp_path), R_DEFAULT_DEVICE="pdf")
    proc = subprocess.run([sys.executable, "-m", "conformance.bridge.verify_cli",
                           str(work / script.name), "--quiet", "--json", str(out),
                           "--timeout", str(TIMEOUT_S)],
                          capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=3 * TIMEOUT_S)
    text = proc.stdout[-6000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, text
    data = json.loads(out.read_text())
    assert data["models"], f"{script.name}: no model captured\n{text}"
    assert data["script_error"] is None, text
    bad = [(m["index"], m["site"], m["status"], m["reason"][:200]) for m in data["models"]
           if m["status"] != "pass"]
    assert not bad, bad
    bad_anovas = [(a["site"], a["status"], a["reason"][:200]) for a in data["anovas"]
                  if a["status"] != "pass"]
    assert not bad_anovas, bad_anovas
    assert _entries() == before, "the fixture folder changed"
