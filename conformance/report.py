"""Report the comparison: console tables and a self-contained HTML page.

Nothing here compares anything: it formats lists of
:class:`~conformance.compare.QuantityResult`. The HTML page has inline CSS and
inline SVG scatter plots (pylme against lme4: θ and the objective, for the
registered cases and for generated designs); no plotting library is needed.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from conformance.compare import QuantityResult
from conformance.inference_tiers import INFERENCE_TIERS
from conformance.tiers import TIERS, known_discrepancy

__all__ = ["CaseRun", "InferenceRun", "status", "tier_counts", "console_report", "write_html",
           "svg_scatter", "versions_text", "STATUSES", "drift_short", "drift_console"]

#: Outcome of one quantity, worst first.
STATUSES = ("fail", "xpass", "xfail", "flag", "skip", "pass")


@dataclass(frozen=True)
class CaseRun:
    """Everything ``run`` learned about one case.

    Attributes
    ----------
    case_id, tier : str
    stored : tuple of QuantityResult
        pylme against the stored reference.
    live : tuple of QuantityResult or None
        pylme against live R (None without R).
    drift : tuple of QuantityResult or None
        Live R against the stored reference (toolchain drift; None without R).
    seconds_pylme, seconds_r : float
    error : str
        A harness error (missing reference file, crash), empty when none.
    family : str
        A GLMM case's family (and nAGQ when not 1); empty for an lmer case.
    """

    case_id: str
    tier: str
    stored: tuple[QuantityResult, ...] = ()
    live: tuple[QuantityResult, ...] | None = None
    drift: tuple[QuantityResult, ...] | None = None
    seconds_pylme: float = 0.0
    seconds_r: float = 0.0
    error: str = ""
    family: str = ""


@dataclass(frozen=True)
class InferenceRun:
    """pylme against one stored inference reference, ``r_reference/inference/<file>.json``.

    Attributes
    ----------
    file : str
        ``anova_ddf``, ``confint`` or ``predict``.
    versions : dict
        R and package versions that made the reference (the file's ``versions``).
    results : tuple of QuantityResult
        One per compared quantity; ``case_id`` is the model (or comparison) id.
    seconds : float
    error : str
        A harness error (unreadable file, crash), empty when none.
    """

    file: str
    versions: dict
    results: tuple[QuantityResult, ...] = ()
    seconds: float = 0.0
    error: str = ""

    def by_model(self) -> dict[str, list[QuantityResult]]:
        """The results grouped by model (or comparison), in the order compared."""
        out: dict[str, list[QuantityResult]] = {}
        for r in self.results:
            out.setdefault(r.case_id, []).append(r)
        return out


def versions_text(versions: dict) -> str:
    """``R version ..., lme4 1.1-31, lmerTest 3.1.3, ...`` (the packages that matter here)."""
    parts = [versions.get("R", "R ?")]
    parts += [f"{name} {versions[name]}" for name in ("lme4", "lmerTest", "pbkrtest", "boot")
              if name in versions]
    return ", ".join(parts)


def status(result: QuantityResult, use_known: bool = True) -> str:
    """``pass``, ``fail``, ``flag``, ``skip``, or ``xfail``/``xpass`` for recorded discrepancies."""
    known = use_known and known_discrepancy(result.case_id, result.quantity) is not None
    if result.skipped:
        return "skip"
    if known:
        return "xpass" if result.passed else "xfail"
    if not result.passed:
        return "fail"
    return "flag" if result.flagged else "pass"


def is_failure(result: QuantityResult, use_known: bool = True) -> bool:
    """True for a failure that should make ``run`` exit non-zero (fail or xpass)."""
    return status(result, use_known) in ("fail", "xpass")


def tier_counts(results: Iterable[QuantityResult], use_known: bool = True) -> dict[str, Counter]:
    """``{tier: Counter(status)}`` in :data:`~conformance.tiers.TIERS` order (then
    :data:`~conformance.inference_tiers.INFERENCE_TIERS`)."""
    counts: dict[str, Counter] = {t.name: Counter() for t in TIERS + INFERENCE_TIERS}
    for r in results:
        counts.setdefault(r.tier, Counter())[status(r, use_known)] += 1
    return {k: v for k, v in counts.items() if v}


def _fmt(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2e}"


def _short(results: Sequence[QuantityResult] | None, use_known: bool = True) -> str:
    if results is None:
        return "–"
    counts = Counter(status(r, use_known) for r in results)
    bad = counts["fail"] + counts["xpass"]
    parts = [f"{counts['pass'] + counts['flag']}/{len(results) - counts['skip']}"]
    parts += [f"{counts[s]} {s}" for s in ("fail", "xpass", "xfail", "flag") if counts[s]]
    return ("FAIL " if bad else "ok   ") + ", ".join(parts)


# ---------------------------------------------------------------- console


def console_report(runs: Sequence[CaseRun], generated: Sequence[QuantityResult] = (),
                   verbose: bool = False, inference: Sequence[InferenceRun] = (),
                   generated_glmm: Sequence[QuantityResult] = ()) -> str:
    """The text ``run`` prints: a line per case (GLMM cases with their family), failure
    details, counts per tier (generated lmer and glmer designs apart), and the inference
    section (:func:`_inference_console`) when `inference` is given."""
    lines = [f"{'case':34s} {'pylme vs stored':28s} {'pylme vs live R':28s} "
             f"{'drift (R vs stored)':24s} time"]
    for run in runs:
        if run.error:
            lines.append(f"{run.case_id:34s} ERROR {run.error}")
            continue
        drift = drift_short(run.drift)
        family = f"  glmer {run.family}" if run.family else ""
        lines.append(f"{run.case_id:34s} {_short(run.stored):28s} {_short(run.live):28s} "
                     f"{drift:24s} {run.seconds_pylme:5.2f}s{family}")
    sections = [("pylme vs stored", [r for run in runs for r in run.stored], True),
                ("pylme vs live R", [r for run in runs for r in run.live or ()], True),
                ("generated designs", list(generated), True),
                ("generated GLMM designs", list(generated_glmm), True)]
    for title, results, use_known in sections:
        if not results:
            continue
        shown = [r for r in results if verbose or status(r, use_known) != "pass"]
        if shown:
            lines += ["", f"== {title}: details", _detail_header()]
            lines += [_detail_line(r, use_known) for r in shown]
        lines += _console_counts(title, results, use_known)
    lines += drift_console(runs)
    if inference:
        lines += _inference_console(inference, verbose)
    return "\n".join(lines)


# ---------------------------------------------------------------- R drift


def drift_short(results: Sequence[QuantityResult] | None) -> str:
    """``same`` / ``DRIFT 3 (max rel 2.1e-07)`` for live R against the stored file."""
    if results is None:
        return "–"
    moved = [r for r in results if not r.passed]
    if not moved:
        return "same"
    rel = max((r.max_rel_err for r in moved if math.isfinite(r.max_rel_err)), default=math.nan)
    return f"DRIFT {len(moved)}" + (f" (max rel {rel:.1e})" if math.isfinite(rel) else "")


def drift_console(runs: Sequence[CaseRun]) -> list[str]:
    """R drift, reported as drift: the quantities where R on this machine no longer
    reproduces the stored reference, with their size. Never a failure: pylme is judged
    against the stored reference and against live R separately."""
    moved = [r for run in runs for r in run.drift or () if not r.passed]
    checked = sum(len(run.drift) for run in runs if run.drift)
    if not checked:
        return []
    lines = ["", "== R drift: live R on this machine vs the stored references "
                 "(reported, never a failure; pylme is judged against each separately)"]
    if not moved:
        return lines + [f"  none: live R reproduces all {checked} stored quantities"]
    cases = sorted({r.case_id for r in moved})
    lines.append(f"  {len(moved)} of {checked} quantities moved, in {len(cases)} case(s): "
                 + ", ".join(cases))
    lines.append(_detail_header())
    for r in moved:
        text = (f"  {'drift':6s} {r.case_id:30s} {r.quantity:32s} {r.tier:13s} "
                f"{_fmt(r.max_abs_err):>9s} {_fmt(r.max_rel_err):>9s}")
        lines.append(f"{text}  {r.detail[:300]}")
    return lines


def _console_counts(title: str, results: Sequence[QuantityResult], use_known: bool) -> list[str]:
    lines = ["", f"== {title}: counts per tier"]
    for tier, counts in tier_counts(results, use_known).items():
        lines.append(f"  {tier:14s} " + "  ".join(f"{s} {counts[s]}" for s in STATUSES if counts[s]))
    return lines


def _inference_console(runs: Sequence[InferenceRun], verbose: bool) -> list[str]:
    """Per reference file its provenance, a line per model, failures (with the R expression
    compared against) and counts per tier."""
    lines = ["", "== inference: pylme vs the stored R references (r_reference/inference)"]
    lines += [f"  {run.file + '.json':15s} made by {versions_text(run.versions)}" for run in runs
              if not run.error]
    lines += ["", f"{'file':10s} {'model / comparison':34s} {'pylme vs stored':28s} time"]
    for run in runs:
        if run.error:
            lines.append(f"{run.file:10s} ERROR {run.error}")
            continue
        lines += [f"{run.file:10s} {model:34s} {_short(results)}"
                  for model, results in run.by_model().items()]
        lines.append(f"{run.file:10s} {'(all)':34s} {_short(run.results):28s} {run.seconds:5.2f}s")
    results = [r for run in runs for r in run.results]
    shown = [r for r in results if verbose or status(r) != "pass"]
    if shown:
        lines += ["", "== inference: details", _detail_header()]
        for r in shown:
            lines += [_detail_line(r, True), f"  {'':6s} R: {r.r_expr}"]
    return lines + _console_counts("inference", results, True)


def _detail_header() -> str:
    return f"  {'status':6s} {'case':30s} {'quantity':32s} {'tier':13s} {'max abs':>9s} {'max rel':>9s}"


def _detail_line(r: QuantityResult, use_known: bool) -> str:
    s = status(r, use_known)
    text = (f"  {s:6s} {r.case_id:30s} {r.quantity:32s} {r.tier:13s} {_fmt(r.max_abs_err):>9s} "
            f"{_fmt(r.max_rel_err):>9s}")
    detail = r.detail
    if s in ("xfail", "xpass"):  # the full reason is in tiers.py and the HTML report
        detail = f"known: {known_discrepancy(r.case_id, r.quantity).reason[:100]}..."
    return f"{text}  {detail[:300]}" if detail and s != "pass" else text


# ---------------------------------------------------------------- SVG


def svg_scatter(series: dict[str, Sequence[tuple[float, float]]], title: str,
                log: bool = False, size: int = 360, identity: bool = True,
                labels: tuple[str, str] = ("lme4", "pylme")) -> str:
    """An inline SVG scatter plot (by default of (lme4, pylme) pairs, with the identity line).

    Parameters
    ----------
    series : dict
        Label -> points ``(x, y)``; up to four series get distinct colours.
    log : bool
        log10 axes (points with non-positive coordinates are left out).
    identity : bool
        Same range on both axes and the line y = x; otherwise each axis its own range.
    labels : (str, str)
        Axis titles.
    """
    colours = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
    pts = {k: [(x, y) for x, y in v if _plottable(x, y, log)] for k, v in series.items()}
    every = [p for v in pts.values() for p in v]
    if not every:
        return f"<p class='muted'>{html.escape(title)}: no points</p>"
    tf = (lambda v: math.log10(v)) if log else (lambda v: v)
    m = 40  # margin
    xs = _range([tf(x) for x, _ in every] + ([tf(y) for _, y in every] if identity else []))
    ys = xs if identity else _range([tf(y) for _, y in every])

    def pos(v: float, span: tuple[float, float], flip: bool) -> float:
        frac = (tf(v) - span[0]) / (span[1] - span[0])
        return (size - m) - frac * (size - 2 * m) if flip else m + frac * (size - 2 * m)

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{size}' height='{size + 20}' "
             f"role='img' aria-label='{html.escape(title)}'>",
             f"<text x='{size / 2}' y='14' text-anchor='middle' class='t'>{html.escape(title)}</text>",
             f"<rect x='{m}' y='{m}' width='{size - 2 * m}' height='{size - 2 * m}' class='frame'/>"]
    if identity:
        parts.append(f"<line x1='{m}' y1='{size - m}' x2='{size - m}' y2='{m}' class='diag'/>")
    parts += _axis_labels(xs, ys, log, size, m)
    for (label, points), colour in zip(pts.items(), colours):
        parts += [f"<circle cx='{pos(x, xs, False):.1f}' cy='{pos(y, ys, True):.1f}' r='3' "
                  f"fill='{colour}' fill-opacity='0.6'><title>{html.escape(label)}: "
                  f"{labels[0]} {x:.10g}, {labels[1]} {y:.10g}</title></circle>" for x, y in points]
    for i, ((label, points), colour) in enumerate(zip(pts.items(), colours)):
        parts.append(f"<text x='{m + i * 150}' y='{size + 12}' fill='{colour}' class='l'>"
                     f"● {html.escape(label)} ({len(points)})</text>")
    parts.append(f"<text x='{size / 2}' y='{size - 8}' text-anchor='middle' class='l'>"
                 f"{html.escape(labels[0])}</text>")
    parts.append(f"<text x='10' y='{size / 2}' transform='rotate(-90 10 {size / 2})' "
                 f"text-anchor='middle' class='l'>{html.escape(labels[1])}</text></svg>")
    return "".join(parts)


def _range(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.05 or 1.0
    return lo - pad, hi + pad


def _plottable(x: float, y: float, log: bool) -> bool:
    ok = all(v is not None and math.isfinite(v) for v in (x, y))
    return ok and (not log or (x > 0 and y > 0))


def _axis_labels(xs: tuple[float, float], ys: tuple[float, float], log: bool, size: int,
                 m: int) -> list[str]:
    out = []
    for frac in (0.0, 0.5, 1.0):
        for span, horizontal in ((xs, True), (ys, False)):
            v = span[0] + frac * (span[1] - span[0])
            text = f"1e{v:.1f}" if log else f"{v:.3g}"
            where = m + frac * (size - 2 * m)
            out.append(f"<text x='{where:.1f}' y='{size - m + 14}' text-anchor='middle' "
                       f"class='a'>{text}</text>" if horizontal else
                       f"<text x='{m - 3}' y='{size - where:.1f}' text-anchor='end' "
                       f"class='a'>{text}</text>")
    return out


# ---------------------------------------------------------------- HTML

_CSS = """body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;font-size:13px;margin:.5em 0}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}.num{text-align:right;font-family:monospace}
.fail,.xpass{background:#fdd}.xfail{background:#ffe9c6}.flag{background:#fff8c4}
.skip{color:#888}.pass{color:#161}.muted{color:#888}
.t{font:bold 13px sans-serif}.l,.a{font:11px sans-serif}
.frame{fill:none;stroke:#999}.diag{stroke:#bbb;stroke-dasharray:4 3}
details{margin:.3em 0}summary{cursor:pointer}code{font-size:12px}"""


def write_html(path: Path, runs: Sequence[CaseRun], generated: Sequence[QuantityResult] = (),
               header: dict | None = None, inference: Sequence[InferenceRun] = (),
               generated_glmm: Sequence[QuantityResult] = ()) -> Path:
    """Write the self-contained report (inline CSS and SVG) to `path`; return the path."""
    body = [f"<h1>pylme ↔ lme4 conformance</h1>{_header_table(header or {})}",
            "<h2>Counts per tier</h2>", _counts_table(runs, generated, inference, generated_glmm),
            "<h2>R drift</h2>", _drift_html(runs),
            "<h2>Plots</h2>", _plots(runs, generated, generated_glmm),
            "<h2>Cases</h2>", _cases_table(runs),
            "<h2>Details (case × quantity)</h2>", *[_case_details(run) for run in runs]]
    if inference:
        body += ["<h2 id='inference'>Inference (stored R references)</h2>", _inference_html(inference)]
    if generated:
        body += ["<h2>Generated designs</h2>", _results_table(generated, True)]
    if generated_glmm:
        body += ["<h2 id='generated-glmm'>Generated GLMM designs (glmer)</h2>",
                 _results_table(generated_glmm, True)]
    tiers = TIERS + (INFERENCE_TIERS if inference else ())
    body.append("<h2>Tiers</h2>" + "".join(
        f"<h3>{t.name}</h3><p>{html.escape(t.doc)}</p>" for t in tiers))
    text = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>pylme conformance</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _drift_html(runs: Sequence[CaseRun]) -> str:
    """The drift section: every quantity live R moved on, with its size (never a failure)."""
    text = drift_console(runs)
    if not text:
        return "<p>No live R in this run: drift not measured.</p>"
    moved = [r for run in runs for r in run.drift or () if not r.passed]
    intro = f"<p>{html.escape(text[1].lstrip('= '))}. {html.escape(text[2].strip())}</p>"
    return intro + (_results_table(moved, False, drift=True) if moved else "")


def _header_table(header: dict) -> str:
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in header.items())
    return f"<table>{rows}</table>" if rows else ""


def _counts_table(runs: Sequence[CaseRun], generated: Sequence[QuantityResult],
                  inference: Sequence[InferenceRun] = (),
                  generated_glmm: Sequence[QuantityResult] = ()) -> str:
    glmm = {x.case_id for x in runs if x.family}
    groups = [("pylme vs stored (lmer cases)",
               [r for x in runs if x.case_id not in glmm for r in x.stored], True),
              ("pylme vs stored (glmer cases)",
               [r for x in runs if x.case_id in glmm for r in x.stored], True),
              ("pylme vs live R", [r for x in runs for r in x.live or ()], True),
              ("generated designs", list(generated), True),
              ("generated GLMM designs", list(generated_glmm), True)]
    groups += [(f"inference: {x.file}.json", list(x.results), True) for x in inference]
    head = "<tr><th>comparison</th><th>tier</th>" + "".join(f"<th>{s}</th>" for s in STATUSES)
    rows = []
    for title, results, use_known in groups:
        for tier, counts in tier_counts(results, use_known).items():
            cells = "".join(f"<td class='num {s if counts[s] else ''}'>{counts[s]}</td>"
                            for s in STATUSES)
            rows.append(f"<tr><td>{title}</td><td>{tier}</td>{cells}</tr>")
    return f"<table>{head}</tr>{''.join(rows)}</table>"


def _plots(runs: Sequence[CaseRun], generated: Sequence[QuantityResult],
           generated_glmm: Sequence[QuantityResult] = ()) -> str:
    def points(results: Iterable[QuantityResult], quantity: str) -> list:
        return [p for r in results if r.quantity == quantity for p in r.points]

    stored = [r for x in runs for r in x.stored]
    figures = []
    for quantity, title, log in (("optimizer.theta", "θ: pylme vs lme4", False),
                                 ("optimizer.objective", "objective: pylme vs lme4 (log)", True)):
        series = {"registered cases": points(stored, quantity)}
        if generated:
            series["generated designs"] = points(generated, quantity)
        if generated_glmm:
            series["generated GLMM designs"] = points(generated_glmm, quantity)
        figures.append(svg_scatter(series, title, log=log))
    figures.append(svg_scatter(_relative_errors(stored, list(generated) + list(generated_glmm)),
                               "how close, per case",
                               identity=False, labels=("log10 |objective rel. diff|",
                                                       "log10 max θ rel. diff")))
    return "<div>" + " ".join(figures) + "</div>"


def _relative_errors(stored: Sequence[QuantityResult],
                     generated: Sequence[QuantityResult]) -> dict[str, list]:
    """Per case: (log10 relative objective difference, log10 max θ relative difference)."""
    def pairs(results: Sequence[QuantityResult]) -> list[tuple[float, float]]:
        by_case: dict[str, dict[str, float]] = {}
        for r in results:
            if r.quantity in ("optimizer.objective", "optimizer.theta"):
                by_case.setdefault(r.case_id, {})[r.quantity] = r.max_rel_err
        floor = 1e-17  # exact agreement shows at the bottom
        return [(math.log10(max(v["optimizer.objective"], floor)),
                 math.log10(max(v["optimizer.theta"], floor)))
                for v in by_case.values() if len(v) == 2 and all(map(math.isfinite, v.values()))]

    out = {"registered cases": pairs(stored)}
    if generated:
        out["generated designs"] = pairs(generated)
    return out


def _cases_table(runs: Sequence[CaseRun]) -> str:
    head = ("<tr><th>case</th><th>tier</th><th>model</th><th>pylme vs stored</th>"
            "<th>pylme vs live R</th><th>drift</th><th>pylme s</th><th>R s</th></tr>")
    rows = []
    for run in runs:
        cls = "fail" if run.error else _worst(run.stored)
        model = f"glmer, {html.escape(run.family)}" if run.family else "lmer"
        rows.append(f"<tr class='{cls}'><td><a href='#{run.case_id}'>{run.case_id}</a></td>"
                    f"<td>{run.tier}</td><td>{model}</td>"
                    f"<td>{html.escape(run.error or _short(run.stored))}</td>"
                    f"<td>{_short(run.live)}</td><td>{drift_short(run.drift)}</td>"
                    f"<td class='num'>{run.seconds_pylme:.2f}</td>"
                    f"<td class='num'>{run.seconds_r:.2f}</td></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _case_details(run: CaseRun) -> str:
    bad = any(is_failure(r) for r in run.stored) or bool(run.error)
    parts = [f"<details id='{run.case_id}'{' open' if bad else ''}><summary>{run.case_id} — "
             f"{html.escape(run.error or _short(run.stored))}</summary>",
             _results_table(run.stored, True)]
    if run.live is not None:
        parts += ["<p>pylme vs live R</p>", _results_table(run.live, True)]
    if run.drift is not None:
        parts += ["<p>R drift: live R vs stored (reported, never a failure)</p>",
                  _results_table(run.drift, False, drift=True)]
    return "".join(parts) + "</details>"


def _results_table(results: Sequence[QuantityResult], use_known: bool,
                   r_expr: bool = False, drift: bool = False) -> str:
    """One row per result; `r_expr`: with the R expression each was compared against;
    `drift`: R against R, whose differences read ``drift`` (never ``fail``)."""
    head = ("<tr><th>case</th><th>quantity</th><th>tier</th><th>max abs</th><th>max rel</th>"
            f"<th>status</th>{'<th>R expression</th>' if r_expr else ''}<th>detail</th></tr>")
    rows = []
    for r in results:
        s = status(r, use_known)
        if drift:
            s = "pass" if r.passed else "drift"
        detail = r.detail
        if s in ("xfail", "xpass"):
            detail = f"known discrepancy: {known_discrepancy(r.case_id, r.quantity).reason}"
        expr = f"<td><code>{html.escape(r.r_expr)}</code></td>" if r_expr else ""
        rows.append(f"<tr class='{s}'><td>{html.escape(r.case_id)}</td>"
                    f"<td>{html.escape(r.quantity)}</td><td>{r.tier}</td>"
                    f"<td class='num'>{_fmt(r.max_abs_err)}</td>"
                    f"<td class='num'>{_fmt(r.max_rel_err)}</td><td>{s}</td>{expr}"
                    f"<td><code>{html.escape(detail[:1000])}</code></td></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _inference_html(runs: Sequence[InferenceRun]) -> str:
    """Per reference file: provenance, a table of models, and every record in a fold."""
    intro = ("<p>pylme against <code>r_reference/inference/*.json</code> (no R needed), under "
             "the tolerances of <code>conformance/inference_tiers.py</code>, which are those "
             "of <code>tests/inference</code>. Quantities marked <code>@ lme4 θ̂</code> are "
             "evaluated at lme4's estimates; the others on pylme's own fit.</p>")
    parts = [intro]
    for run in runs:
        if run.error:
            parts.append(f"<h3>{run.file}.json</h3><p class='fail'>{html.escape(run.error)}</p>")
            continue
        head = "<tr><th>model / comparison</th><th>pylme vs stored</th></tr>"
        rows = "".join(f"<tr class='{_worst(results)}'><td>{html.escape(model)}</td>"
                       f"<td>{_short(results)}</td></tr>"
                       for model, results in run.by_model().items())
        bad = any(is_failure(r) for r in run.results)
        parts += [f"<h3>{run.file}.json — {_short(run.results)} ({run.seconds:.1f}s)</h3>",
                  f"<p>Made by {html.escape(versions_text(run.versions))}.</p>",
                  f"<table>{head}{rows}</table>",
                  f"<details{' open' if bad else ''}><summary>every record of {run.file}.json "
                  f"({len(run.results)})</summary>", _results_table(run.results, True, True),
                  "</details>"]
    return "".join(parts)


def _worst(results: Sequence[QuantityResult]) -> str:
    """The worst status of `results` (``pass`` for none)."""
    return STATUSES[min((STATUSES.index(status(r)) for r in results), default=len(STATUSES) - 1)]
