"""The models of ``python -m benchmarks compare`` (issue 11's table) and how each tool reads them.

A :class:`ModelSpec` is plain data (frozen, JSON-able through :meth:`ModelSpec.to_dict`) so
that the parent process can hand it to the per-tool worker processes.  Data come either
from a named dataset (``pylme.datasets`` in Python, the same data set from its R package
in R) or from a seeded generator of :mod:`benchmarks.generate` (Python workers regenerate
it; R reads the CSV the parent wrote once).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from . import generate

__all__ = ["ModelSpec", "MODELS", "QUICK", "select", "TOOLS"]

#: Every tool the comparison knows, in the order the table lists them.
TOOLS = ("lme4", "lme4-openblas", "pylme", "mixedlm", "statsmodels")

#: R expressions of the named data sets (pylme's copies were exported from these).
R_DATASETS = {
    "InstEval": "lme4::InstEval",
    "sleepstudy": "lme4::sleepstudy",
    "Dyestuff": "lme4::Dyestuff",
    "Penicillin": "lme4::Penicillin",
    "star": "mlmRev::star",
}


@dataclass(frozen=True)
class ModelSpec:
    """One benchmarked model.

    Attributes
    ----------
    key : str
        Name used by ``--only`` and in the JSON.
    label : str
        Markdown label of the table row.
    data : str
        ``"dataset:<name>"``, ``"kb07_like"`` or ``"crossed:<rows>:<users>:<items>"``.
    formula : str
        lme4 syntax (pylme reads it as is).
    reml : bool
    small : bool
        Part of ``--quick``.
    warmup : bool
        One untimed fit before the timed ones (imports, compiled kernels, caches); off for
        the large generated designs, where one fit costs minutes.
    max_repeat : int or None
        Upper bound on ``--repeat`` for this model (large designs).
    mixedlm_formula : str or None
        The formula in mixedlm's dialect when it differs.
    statsmodels : tuple or None
        ``(fixed formula, groups column, re_formula)`` for ``statsmodels`` MixedLM, which
        handles one grouping factor only; ``None`` where it does not apply.
    series : str or None
        ``"scaling"`` for the points of the scaling series.
    batch : int
        Consecutive fits per timed sample, the sample's time divided by it (every tool
        alike): a fit of a few milliseconds is below the resolution of R's ``system.time``
        (whole milliseconds) and at the mercy of the CPU waking from idle between samples.
    """

    key: str
    label: str
    data: str
    formula: str
    reml: bool = True
    small: bool = False
    warmup: bool = True
    max_repeat: int | None = None
    mixedlm_formula: str | None = None
    statsmodels: tuple | None = None
    series: str | None = None
    batch: int = 1

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "ModelSpec":
        d = dict(d)
        if d.get("statsmodels") is not None:
            d["statsmodels"] = tuple(d["statsmodels"])
        return cls(**d)

    @property
    def generated(self) -> bool:
        return not self.data.startswith("dataset:")

    @property
    def rows(self) -> int | None:
        """Rows of a generated crossed design (the scaling series' x axis)."""
        return int(self.data.split(":")[1]) if self.data.startswith("crossed:") else None

    def applies_to(self, tool: str) -> bool:
        """Whether ``tool`` can fit this model (statsmodels: one grouping factor only)."""
        return tool != "statsmodels" or self.statsmodels is not None


def load_frame(spec: ModelSpec):
    """The model's data as the Python tools read it (a pandas DataFrame)."""
    kind, _, rest = spec.data.partition(":")
    if kind == "dataset":
        import pylme

        return pylme.datasets.load(rest)
    if kind == "kb07_like":
        return generate.kb07_like()
    if kind == "crossed":
        n, users, items = (int(x) for x in rest.split(":"))
        return generate.crossed(n, users, items)
    raise ValueError(f"unknown data source {spec.data!r}")


def r_data_expression(spec: ModelSpec, csv_path: str | None) -> str:
    """The R expression that yields the model's data (a data set, or the parent's CSV)."""
    if not spec.generated:
        return R_DATASETS[spec.data.split(":", 1)[1]]
    if csv_path is None:
        raise ValueError(f"{spec.key}: a generated design needs its CSV for R")
    return f'read.csv("{csv_path}", stringsAsFactors = TRUE)'


CROSSED = "y ~ x + (1 | user) + (1 | item)"


def _scaling_point(n: int) -> ModelSpec:
    users, items = generate.scaling_levels(n)
    return ModelSpec(f"scale_{n}", f"crossed {n:,} rows, {users:,} × {items:,}", f"crossed:{n}:{users}:{items}",
                     CROSSED, reml=False, warmup=n <= 100_000, max_repeat=None if n <= 100_000 else 3,
                     series="scaling")


#: Fits per timed sample of the models that fit in milliseconds (:attr:`ModelSpec.batch`).
SMALL_BATCH = 10

MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("dyestuff", "Dyestuff `Yield ~ 1 + (1\\|Batch)`", "dataset:Dyestuff", "Yield ~ 1 + (1 | Batch)",
              small=True, statsmodels=("Yield ~ 1", "Batch", "~1"), batch=SMALL_BATCH),
    ModelSpec("sleepstudy", "sleepstudy `Reaction ~ Days + (Days\\|Subject)`", "dataset:sleepstudy",
              "Reaction ~ Days + (Days | Subject)", small=True,
              statsmodels=("Reaction ~ Days", "Subject", "~Days"), batch=SMALL_BATCH),
    ModelSpec("penicillin", "Penicillin `diameter ~ 1 + (1\\|plate) + (1\\|sample)`", "dataset:Penicillin",
              "diameter ~ 1 + (1 | plate) + (1 | sample)", small=True, batch=SMALL_BATCH),
    ModelSpec("star", "star `math ~ gr + sx + eth + cltype + (yrs\\|id) + (yrs\\|sch)`", "dataset:star",
              "math ~ gr + sx + eth + cltype + (yrs | id) + (yrs | sch)"),
    ModelSpec("kb07_like", "kb07-like, 20 θ, 1,800 rows (`generate.kb07_like`)", "kb07_like",
              "y ~ a * b * c + (1 + a + b + c | subj) + (1 + a + b + c | item)"),
    ModelSpec("insteval_reml", "InstEval `y ~ service*dept + (1\\|s) + (1\\|d)`, REML", "dataset:InstEval",
              "y ~ service * dept + (1 | s) + (1 | d)"),
    ModelSpec("insteval_3theta", "InstEval `y ~ 1 + service + (1\\|s) + (1\\|d) + (1\\|dept)`, ML",
              "dataset:InstEval", "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)", reml=False),
    ModelSpec("insteval_service_dept", "InstEval `… + (1\\|dept) + (0 + service\\|dept)`, ML", "dataset:InstEval",
              "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept) + (0 + service | dept)", reml=False),
    ModelSpec("crossed_100k", "crossed 100,000 rows, 20,000 × 5,000 (`generate.crossed`)",
              "crossed:100000:20000:5000", CROSSED, reml=False, warmup=False, max_repeat=3),
    *(_scaling_point(n) for n in generate.scaling_sizes()[:-1]),
    # the last point of the scaling series (10^6 rows = 20,000 x 5,000 at 50 / 200 rows a level)
    ModelSpec("crossed_1m", "crossed 1,000,000 rows, 20,000 × 5,000 (`generate.crossed`)",
              "crossed:1000000:20000:5000", CROSSED, reml=False, warmup=False, max_repeat=3, series="scaling"),
)

#: ``--quick``: the small models only (seconds in all, for tests).
QUICK = tuple(m.key for m in MODELS if m.small)


def select(only: list[str] | None, quick: bool) -> list[ModelSpec]:
    """The models to run: ``--only`` keys (``scaling`` names the whole series), else all
    (or, with ``quick``, the small ones)."""
    known = {m.key for m in MODELS}
    if only:
        unknown = [k for k in only if k not in known and k != "scaling"]
        if unknown:
            raise SystemExit(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}, scaling")
        chosen = [m for m in MODELS if m.key in only or ("scaling" in only and m.series == "scaling")]
    else:
        chosen = list(MODELS)
    return [m for m in chosen if m.small] if quick else chosen
