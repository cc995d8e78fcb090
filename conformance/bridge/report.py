"""Report ``pylme verify``: a per-model console table, ``--json`` for CI, ``--html`` for review.

Nothing here compares: it formats :class:`~conformance.bridge.compare.ModelReport` and
:class:`~conformance.bridge.compare.AnovaReport` lists. The HTML page reuses the conformance
report's style sheet and per-quantity tables (:mod:`conformance.report`).
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from conformance.bridge.compare import (FAILING, PASS, AnovaReport, ModelReport)
from conformance.report import _CSS, _results_table

__all__ = ["Outcome", "console_table", "summary_line", "to_json", "write_json", "write_html"]

#: Tier columns of the console table, in this order (others follow alphabetically).
_TIER_ORDER = ("structure", "deterministic", "optimizer", "text", "messages", "counts")


@dataclass(frozen=True)
class Outcome:
    """Everything one ``pylme verify`` run found.

    Attributes
    ----------
    script : str
    models, anovas : lists of ModelReport / AnovaReport
    script_error : dict or None
        R's error that stopped the script (``message``, ``line``, ``call``).
    mode : str
        ``"pylme refit"`` or ``"python script <path>"``.
    versions : dict
        R and package versions.
    notes : list of str
        Anything else the reader must know (a timeout, the Python script's exit status).
    timed_out : bool
        A script ran past ``--timeout`` (what was captured before is still judged).
    """

    script: str
    models: list
    anovas: list
    script_error: dict | None = None
    mode: str = "pylme refit"
    versions: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    timed_out: bool = False

    @property
    def failed(self) -> bool:
        """True when any model or anova is a mismatch or could not be captured."""
        return any(m.status in FAILING for m in self.models) or any(
            a.status in FAILING for a in self.anovas)


def _tiers(models: Sequence[ModelReport]) -> list[str]:
    seen = {t for m in models for t in m.worst}
    return [t for t in _TIER_ORDER if t in seen] + sorted(seen - set(_TIER_ORDER))


def _fmt(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    return "0" if x == 0 else f"{x:.1e}"


def console_table(outcome: Outcome) -> str:
    """The per-model table (call site, formula, status, worst difference per tier)."""
    tiers = _tiers(outcome.models)
    site_head = "R site" + (" / Python site" if outcome.mode != "pylme refit" else "")
    rows = [["#", site_head, "kind", "formula", "status", *tiers]]
    for m in outcome.models:
        site = m.site + (f" / {m.python_site}" if m.python_site else "")
        rows.append([str(m.index or "-"), site, m.kind, _clip(m.formula, 48), m.status,
                     *(_fmt(m.worst.get(t)) for t in tiers)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for m in outcome.models:
        if m.status != PASS and m.reason:
            lines.append(f"  #{m.index or '-'} {m.status}: {_clip(m.reason, 400)}")
    for a in outcome.anovas:
        models = _anova_models(a)
        lines.append(f"anova({models}) at {a.site}: {a.status}"
                     + (f" ({_clip(a.reason, 300)})" if a.reason else ""))
    if outcome.script_error:
        err = outcome.script_error
        lines.append(f"the script stopped with an R error at line {err.get('line')}: "
                     f"{err.get('message')} (models captured before it are verified above)")
    lines += outcome.notes
    lines.append(summary_line(outcome))
    return "\n".join(lines)


def _anova_models(a: AnovaReport) -> str:
    return ", ".join("?" if i is None else (i if isinstance(i, str) else f"#{i}")
                     for i in a.models)


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."


def summary_line(outcome: Outcome) -> str:
    """``verify script.R: 5 models: 4 pass, 1 unsupported; 1 anova: 1 pass``."""
    counts = Counter(m.status for m in outcome.models)
    anovas = Counter(a.status for a in outcome.anovas)
    text = (f"verify {Path(outcome.script).name} ({outcome.mode}): {len(outcome.models)} "
            f"model(s): " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"))
    if outcome.anovas:
        text += f"; {len(outcome.anovas)} anova(s): " + ", ".join(
            f"{n} {s}" for s, n in sorted(anovas.items()))
    return text + (" -- FAILED" if outcome.failed else "") + (
        " -- TIMED OUT" if outcome.timed_out else "") + (
        " -- OK" if not (outcome.failed or outcome.timed_out) else "")


def _number(x: float) -> float | None:
    return x if math.isfinite(x) else None


def to_json(outcome: Outcome) -> dict:
    """A JSON-friendly dict of the outcome (every compared quantity included)."""
    def results(rs):
        return [{"quantity": r.quantity, "tier": r.tier, "max_abs_err": _number(r.max_abs_err),
                 "max_rel_err": _number(r.max_rel_err), "passed": r.passed,
                 "skipped": r.skipped, "flagged": r.flagged, "detail": r.detail} for r in rs]

    return {"script": outcome.script, "mode": outcome.mode, "failed": outcome.failed,
            "timed_out": outcome.timed_out,
            "summary": summary_line(outcome), "script_error": outcome.script_error,
            "versions": outcome.versions, "notes": list(outcome.notes),
            "models": [{"index": m.index, "kind": m.kind, "site": m.site,
                        "python_site": m.python_site or None, "formula": m.formula,
                        "status": m.status, "reason": m.reason,
                        "worst": {k: _number(v) for k, v in m.worst.items()},
                        "printed": list(m.printed), "results": results(m.results)}
                       for m in outcome.models],
            "anovas": [{"index": a.index, "site": a.site, "models": list(a.models),
                        "status": a.status, "reason": a.reason, "results": results(a.results)}
                       for a in outcome.anovas]}


def write_json(path: Path, outcome: Outcome) -> Path:
    """Write :func:`to_json` to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(outcome), indent=1, default=str) + "\n", encoding="utf-8")
    return path


def write_html(path: Path, outcome: Outcome) -> Path:
    """The reviewer's page: the summary, the model table, every quantity of every model."""
    tiers = _tiers(outcome.models)
    head = ("<tr><th>#</th><th>site</th><th>kind</th><th>formula</th><th>status</th>"
            + "".join(f"<th>{t}</th>" for t in tiers) + "<th>reason</th></tr>")
    rows = []
    for m in outcome.models:
        cls = "pass" if m.status == PASS else ("fail" if m.status in FAILING else "skip")
        site = m.site + (f" / {m.python_site}" if m.python_site else "")
        rows.append(f"<tr class='{cls}'><td><a href='#m{m.index}'>{m.index or '-'}</a></td>"
                    f"<td>{html.escape(site)}</td><td>{m.kind}</td>"
                    f"<td><code>{html.escape(m.formula)}</code></td><td>{m.status}</td>"
                    + "".join(f"<td class='num'>{_fmt(m.worst.get(t))}</td>" for t in tiers)
                    + f"<td>{html.escape(_clip(m.reason, 300))}</td></tr>")
    body = [f"<h1>pylme verify: {html.escape(Path(outcome.script).name)}</h1>",
            f"<p>{html.escape(summary_line(outcome))}</p>",
            f"<p>{html.escape(outcome.mode)}; R: "
            f"{html.escape(', '.join(f'{k} {v}' for k, v in outcome.versions.items()))}</p>",
            *(f"<p>{html.escape(n)}</p>" for n in outcome.notes)]
    if outcome.script_error:
        body.append(f"<p class='fail'>The script stopped with an R error at line "
                    f"{outcome.script_error.get('line')}: "
                    f"{html.escape(str(outcome.script_error.get('message')))}</p>")
    body += ["<h2>Models</h2>", f"<table>{head}{''.join(rows)}</table>"]
    if outcome.anovas:
        body.append("<h2>anova tables</h2>")
        body += [_anova_html(a) for a in outcome.anovas]
    body.append("<h2>Every quantity</h2>")
    for m in outcome.models:
        if m.results:
            body.append(f"<details id='m{m.index}'{' open' if m.status in FAILING else ''}>"
                        f"<summary>#{m.index} {html.escape(m.formula)} — {m.status}</summary>"
                        f"{_results_table(m.results, True)}</details>")
    text = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>pylme verify</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _anova_html(a: AnovaReport) -> str:
    models = _anova_models(a)
    head = f"<p>anova({models}) at {html.escape(a.site)}: {a.status} {html.escape(a.reason)}</p>"
    return head + (_results_table(a.results, True) if a.results else "")
