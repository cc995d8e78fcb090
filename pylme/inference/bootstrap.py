"""Model-based bootstrap of a fitted model (lme4 1.1-31: ``bootMer`` in ``R/bootMer.R``;
the printed summary is ``boot``'s ``print.boot`` plus lme4's ``print.bootWarnings``).

For each replicate a response is simulated from the fit (:mod:`.simulate`), the model is
refitted to it (:meth:`LmerFit.refit`, started at θ̂ with the fit's control, as lme4's
``refit``) and the statistic is computed.  Errors in a replicate give a row of NaN and
are counted; warnings and messages are tabulated as lme4 does.

Parallelism and reproducibility
-------------------------------
Replicates run in ``n_jobs`` worker processes (``concurrent.futures``), in chunks, each
worker with one BLAS thread.  Replicate ``i`` draws from its own stream, the ``i``-th
child of ``SeedSequence(seed)`` — the same response as column ``sim_<i+1>`` of
``simulate(fit, nsim, seed=seed)`` — so results do not depend on ``n_jobs`` or on the
chunking.  Workers are forked where the platform allows it (Linux); elsewhere each
worker rebuilds the fit from its :func:`pylme.lmer` call, which needs a picklable
``func``.  Draws are numpy's, not R's (see :mod:`.simulate`), unless ``rng="R"``.

With ``rng="R"`` the responses are lme4's: after ``set.seed(seed)`` (rrandom's global
stream; ``seed=None`` continues it), ``func(fit)`` is evaluated, then all ``nsim``
responses are drawn at once as lme4's one ``simulate(x, nsim)`` call draws them (the
semiparametric bootstrap: ``nsim`` times ``fitted + sample(residuals, replace = TRUE)``);
only then are they refitted, in worker processes or not, which cannot change them.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError, PylmeMessage, PylmeWarning
from ..frozen import FrozenMap
from .checks import check_fit, check_flag, match_arg
from .simulate import as_seed_sequence, check_rng, r_stream, replicate_generator, seed_value, simulation_plan

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["bootMer", "BootResult"]

_TYPES = ("parametric", "semiparametric")


@dataclass(frozen=True, eq=False)
class BootResult:
    """The result of :func:`bootMer` (lme4: class ``c("bootMer", "boot")``).

    Attributes
    ----------
    t0 : ndarray, shape (k,)
        The statistic on the fitted model.
    t : ndarray, shape (R, k)
        The statistic on each refit; NaN rows for failed replicates.
    R : int
        Number of replicates.
    seed : int or SeedSequence
        Reproduces the replicates (``bootMer(..., seed=result.seed)``).
    statistic_names : tuple of str
        Names of the statistic's components (``t1``, ``t2``, ... when unnamed).
    sim : str
        ``"parametric"`` or ``"semiparametric"``.
    mle : mapping
        ``beta``, ``theta`` and ``sigma`` of the fitted model.
    messages, warnings, errors : tuple of (str, int)
        Distinct texts raised by the replicates with their counts (lme4's
        ``boot.all.msgs``), in R's table order.
    call : str
        The call shown by ``str()``.
    """

    t0: np.ndarray
    t: np.ndarray
    R: int
    seed: Any
    statistic_names: tuple
    sim: str
    mle: Mapping
    messages: tuple
    warnings: tuple
    errors: tuple
    call: str

    @property
    def n_failed(self) -> int:
        """Number of failed replicates (lme4 ``attr(, "bootFail")``)."""
        return int(sum(count for _, count in self.errors))

    @property
    def bias(self) -> np.ndarray:
        """``mean(t) − t0`` per component (NaN rows ignored)."""
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmean(self.t, axis=0) - self.t0

    @property
    def std_error(self) -> np.ndarray:
        """Standard deviation of ``t`` per component (R ``sd``, NaN rows ignored)."""
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanstd(self.t, axis=0, ddof=1)

    @property
    def warning_summary(self) -> dict[str, dict[str, int]]:
        """``{"message": {text: count}, "warning": {...}, "error": {...}}`` (lme4 ``boot.all.msgs``)."""
        return {"message": dict(self.messages), "warning": dict(self.warnings), "error": dict(self.errors)}

    def to_frame(self) -> pd.DataFrame:
        """``t`` as a DataFrame with the statistic's names as columns (R ``as.data.frame(b)``)."""
        return pd.DataFrame(self.t, columns=list(self.statistic_names))

    def __str__(self) -> str:
        return boot_text(self.sim, self.call, self.t0, self.t, self.messages, self.warnings, self.errors)

    __repr__ = __str__


# --- what one replicate does ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Resampler:
    """lme4's semiparametric bootstrap: fitted values plus residuals drawn with replacement."""

    mu: np.ndarray
    residuals: np.ndarray

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        return self.mu + self.residuals[rng.integers(0, self.residuals.size, self.residuals.size)]

    def draw_all_r(self, stream: Any, nsim: int) -> list:
        """lme4's ``replicate(nsim, fitted(x) + sample(residuals(x, "response"), replace = TRUE))``."""
        return [self.mu + stream.sample(self.residuals, replace=True) for _ in range(nsim)]


def draw_all_r(sampler: Any, stream: Any, nsim: int) -> list:
    """The ``nsim`` responses of a bootstrap with ``rng="R"``, drawn before any refit (lme4's order)."""
    if hasattr(sampler, "draw_all_r"):
        return sampler.draw_all_r(stream, nsim)
    values = sampler.draw_r(stream, nsim)  # lmer's plan: one (n, nsim) matrix
    return [values[:, j] for j in range(nsim)]


@dataclass(frozen=True, eq=False)
class _Job:
    """Everything a worker needs (inherited by forked workers, rebuilt by spawned ones)."""

    fit: Any
    func: Callable
    sampler: Any
    root: np.random.SeedSequence
    k: int
    drawn: Any = None  # rng="R": the responses, drawn before the refits


@dataclass(frozen=True)
class _Chunk:
    start: int
    values: np.ndarray
    messages: tuple
    warnings: tuple
    errors: tuple


_JOB: _Job | None = None  # the job of this process (set before forking, or by _init_spawned)


def _run_chunk(start: int, stop: int) -> _Chunk:
    """Replicates ``start … stop−1`` of the current job (lme4: ``ffun`` via ``factory``)."""
    from ..fit import single_blas_thread

    job = _JOB
    assert job is not None, "a chunk runs only inside _run_all"
    values = np.full((stop - start, job.k), np.nan)
    messages: list[str] = []
    warns: list[str] = []
    errors: list[str] = []
    with single_blas_thread():
        for i in range(start, stop):
            y = job.drawn[i] if job.drawn is not None else job.sampler.draw(replicate_generator(job.root, i))
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    value, _ = _statistic(job.func(job.fit.refit(y)))
                    if value.size != job.k:
                        raise DataError(f"the statistic has {value.size} values, {job.k} expected")
                    values[i - start] = value
                except Exception as exc:  # noqa: BLE001 - counted as a failed run, as lme4
                    errors.append(str(exc).strip() or type(exc).__name__)
            for w in caught:
                (messages if issubclass(w.category, PylmeMessage) else warns).append(str(w.message).strip())
    return _Chunk(start, values, tuple(messages), tuple(warns), tuple(errors))


def _statistic(value: Any) -> tuple[np.ndarray, tuple | None]:
    """A statistic as a float vector and its names (lme4 needs a numeric vector)."""
    names = None
    if isinstance(value, pd.Series):
        names = tuple(str(i) for i in value.index)
        value = value.to_numpy()
    elif isinstance(value, Mapping):
        names = tuple(str(k) for k in value)
        value = list(value.values())
    try:
        out = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise DataError("bootMer currently only handles functions that return numeric vectors") from None
    return out, names


# --- running the replicates ------------------------------------------------------------------------


def _chunks(nsim: int, n_jobs: int) -> list[tuple[int, int]]:
    """About eight chunks per worker (progress and load balance), at most 64 replicates each."""
    size = max(1, min(64, -(-nsim // (8 * n_jobs))))
    return [(a, min(a + size, nsim)) for a in range(0, nsim, size)]


def _run_all(job: _Job, nsim: int, n_jobs: int, progress: bool) -> list[_Chunk]:
    global _JOB
    chunks = _chunks(nsim, n_jobs)
    bar = _progress_bar(nsim, progress)
    out = []
    try:
        if n_jobs == 1 or len(chunks) == 1:
            _JOB = job
            for a, b in chunks:
                out.append(_run_chunk(a, b))
                bar.update(b - a)
            return out
        fork = _fork_context()
        if fork is not None:
            _JOB = job  # inherited by the forked workers
            executor = ProcessPoolExecutor(n_jobs, mp_context=fork)
        else:
            executor = _spawned_executor(job, n_jobs)
        with executor:
            with warnings.catch_warnings():
                # Python >= 3.12 warns about fork() when BLAS threads exist; the workers
                # only run single-threaded numerical code, which is safe after fork
                warnings.filterwarnings("ignore", message=".*multi-threaded.*fork", category=DeprecationWarning)
                futures = [executor.submit(_run_chunk, a, b) for a, b in chunks]
            for future in as_completed(futures):
                chunk = future.result()
                out.append(chunk)
                bar.update(chunk.values.shape[0])
        return out
    finally:
        _JOB = None
        bar.close()


def _fork_context() -> Any:
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _spawned_executor(job: _Job, n_jobs: int) -> ProcessPoolExecutor:
    """Workers that rebuild the fit from its :func:`pylme.lmer` call (no fork available)."""
    args = job.fit.call_args
    if args is None:
        raise DataError("bootMer with n_jobs > 1 needs a fit made by pylme.lmer() on this platform; "
                        "use n_jobs=1")
    return ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_spawned,
                               initargs=(dict(args), job.func, job.sampler, job.root, job.k, job.drawn))


def _init_spawned(args: dict, func: Callable, sampler: Any, root: np.random.SeedSequence, k: int,
                  drawn: Any = None) -> None:
    global _JOB
    from ..fit import lmer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = lmer(**args)
    _JOB = _Job(fit=fit, func=func, sampler=sampler, root=root, k=k, drawn=drawn)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


class _CounterBar(_NoBar):
    """A plain ``bootMer: done/total`` counter on stderr (when tqdm is not installed)."""

    def __init__(self, total: int):
        self.total, self.done = total, 0

    def update(self, n: int) -> None:
        self.done += n
        sys.stderr.write(f"\rbootMer: {self.done}/{self.total}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def _progress_bar(total: int, enabled: bool) -> Any:
    if not enabled:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _CounterBar(total)
    return tqdm(total=total, desc="bootMer", unit="fit")


# --- bootMer --------------------------------------------------------------------------------------


def bootMer(fit: "LmerFit", func: Callable[["LmerFit"], Any], nsim: int = 1, seed: Any = None,
            use_u: bool = False, type: str = "parametric", progress: bool = True, n_jobs: int | None = 2,
            re_form: Any = None, rng: str = "numpy") -> BootResult:
    """Parametric (or semiparametric) bootstrap of a statistic of the model (lme4 ``bootMer``).

    Parameters
    ----------
    fit : LmerFit
    func : callable
        ``func(fitted_model)`` returns a number, a vector, a pandas Series or a dict of
        numbers (lme4 ``FUN``), e.g. ``lambda m: m.fixef()``.
    nsim : int
        Number of replicates.
    seed : int, SeedSequence, Generator or None
        Replicate ``i`` uses the ``i``-th child stream of ``SeedSequence(seed)``; with
        ``rng="R"``, R's ``set.seed`` argument (None: rrandom's global stream as it stands).
    use_u : bool
        Condition on the fitted random effects (only residuals are resampled); the
        default draws new random effects too.
    type : {"parametric", "semiparametric"}
        ``"semiparametric"`` (needs ``use_u=True``) adds residuals resampled with
        replacement to the fitted values; matched by R's ``match.arg`` (``"semi"``).
    progress : bool
        Show a progress bar (tqdm when installed — ``pip install pylme[progress]`` —
        otherwise a counter on stderr).
    n_jobs : int or None
        Worker processes (None or -1: all CPUs; 1: in this process).
    re_form : str, optional
        Random-effects terms to condition on instead of ``use_u`` (lme4 ``re.form``).
    rng : {"numpy", "R"}
        ``"R"``: R's random numbers in lme4's order (module notes): the replicates of R's
        ``bootMer(fm, FUN, nsim, seed = seed)``.

    Returns
    -------
    BootResult

    Raises
    ------
    DataError
        ``func`` not returning numbers, ``nsim``/``n_jobs`` not positive integers, a
        semiparametric bootstrap lme4 does not implement.
    ArgumentError
        ``fit`` not a fitted model, ``func`` not callable, an unknown ``type`` (R's
        ``match.arg`` text), ``use_u``/``progress`` not logical.

    Warns
    -----
    PylmeWarning
        ``some bootstrap runs failed (k/nsim)``.
    """
    check_fit(fit, "bootMer")
    if not callable(func):
        raise ArgumentError(f"'func' must be a function of the fitted model, got {func!r}")
    nsim = _positive(nsim, "nsim")
    n_jobs = (os.cpu_count() or 1) if _is_all_cpus(n_jobs) else _positive(n_jobs, "n_jobs")
    type = match_arg(type, _TYPES, "type")
    use_u = check_flag(use_u, "use_u")
    progress = check_flag(progress, "progress")
    drawn = None
    if check_rng(rng) == "R":
        stream = r_stream(seed)  # lme4: set.seed(seed), then FUN(x), then simulate()
        root = as_seed_sequence(0)  # unused: the responses are drawn here
        t0, names = _statistic(func(fit))
        sampler = _sampler(fit, type, use_u, re_form)
        drawn = draw_all_r(sampler, stream, nsim)
    else:
        root = as_seed_sequence(seed)
        t0, names = _statistic(func(fit))
        sampler = _sampler(fit, type, use_u, re_form)
    chunks = _run_all(_Job(fit, func, sampler, root, t0.size, drawn), nsim, min(n_jobs, nsim), progress)
    t = np.full((nsim, t0.size), np.nan)
    for chunk in chunks:
        t[chunk.start:chunk.start + chunk.values.shape[0]] = chunk.values
    tables = [_table([text for c in chunks for text in getattr(c, kind)]) for kind in ("messages", "warnings", "errors")]
    failed = sum(count for _, count in tables[2])
    if failed:
        warnings.warn(f"some bootstrap runs failed ({failed}/{nsim})", PylmeWarning, stacklevel=2)
    return BootResult(
        t0=t0, t=t, R=nsim, seed=seed if drawn is not None else seed_value(root),
        statistic_names=names or tuple(f"t{j + 1}" for j in range(t0.size)), sim=type,
        mle=FrozenMap({"beta": fit.beta, "theta": fit.theta, "sigma": fit.sigma}),
        messages=tables[0], warnings=tables[1], errors=tables[2],
        call=_call_text(func, nsim, seed, use_u, type))


def _is_all_cpus(n_jobs: Any) -> bool:
    return n_jobs is None or (isinstance(n_jobs, (int, np.integer)) and not isinstance(n_jobs, bool) and n_jobs == -1)


def _positive(value: Any, name: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise DataError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _sampler(fit: "LmerFit", type: str, use_u: bool, re_form: Any) -> Any:
    if type == "parametric":
        return simulation_plan(fit, use_u=use_u, re_form=re_form)
    if re_form is not None:
        raise DataError("\u2018re.form\u2019 cannot be used with semiparametric bootstrapping")
    if not use_u:
        raise DataError("semiparametric bootstrapping with use.u=FALSE not yet implemented")
    mu = fit.solution.mu
    return _Resampler(mu=mu, residuals=fit.inputs.y - mu)


def _table(texts: list[str]) -> tuple:
    """R ``table()`` then ``sort()``: by count, ties in R's collation order of the texts."""
    from ..design.frame import collation_key

    counts: dict[str, int] = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    ordered = sorted(counts, key=collation_key)
    return tuple((text, counts[text]) for text in sorted(ordered, key=lambda s: counts[s]))


def _call_text(func: Callable, nsim: int, seed: Any, use_u: bool, kind: str) -> str:
    name = getattr(func, "__name__", None) or func.__class__.__name__
    parts = ["x = fit", f"FUN = {name}", f"nsim = {nsim}"]
    if seed is not None:
        parts.append(f"seed = {seed!r}" if not isinstance(seed, (int, np.integer)) else f"seed = {int(seed)}")
    if use_u:
        parts.append("use.u = TRUE")
    if kind != "parametric":
        parts.append(f'type = "{kind}"')
    return f"bootMer({', '.join(parts)})"


# --- printing (boot ``print.boot`` and lme4 ``print.bootWarnings``) -----------------------------------


def boot_text(sim: str, call: str, t0: np.ndarray, t: np.ndarray, messages: tuple, warns: tuple,
              errors: tuple) -> str:
    """The text R prints for a ``bootMer`` result (``digits = 7``), messages included."""
    from ..printing.rformat import format_real

    title = "PARAMETRIC BOOTSTRAP" if sim == "parametric" else "ORDINARY NONPARAMETRIC BOOTSTRAP"
    out = f"\n{title}\n\n\nCall:\n{call}\n\n\nBootstrap Statistics :\n"
    all_na = np.all(np.isnan(t), axis=0) if t.size else np.zeros(t0.size, bool)
    index = [j for j in range(t0.size) if not all_na[j]]
    if index:
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            kept = t[:, index]
            columns = [t0[index], np.nanmean(kept, axis=0) - t0[index], np.nanstd(kept, axis=0, ddof=1)]
        out += _matrix_text([f"t{j + 1}*" for j in index], ["original", " bias  ", " std. error"],
                            [format_real(c, 7) for c in columns])
    for j in np.flatnonzero(all_na):
        out += f"WARNING: All values of t{j + 1}* are NA\n"
    return out + _conditions_text(messages, warns, errors)


def _matrix_text(rows: list[str], headers: list[str], cells: list[list[str]]) -> str:
    """R ``print`` of a numeric matrix: row names left-aligned, columns right-aligned, gap 1."""
    rw = max(len(r) for r in rows)
    widths = [max(len(h), *(len(c) for c in col)) for h, col in zip(headers, cells)]
    lines = [" " * rw + "".join(" " + h.rjust(w) for h, w in zip(headers, widths))]
    for i, r in enumerate(rows):
        lines.append(r.ljust(rw) + "".join(" " + col[i].rjust(w) for col, w in zip(cells, widths)))
    return "\n".join(lines) + "\n"


def _conditions_text(messages: tuple, warns: tuple, errors: tuple) -> str:
    """lme4 ``print.bootWarnings``: ``<n> message(s): <least frequent text>`` per kind."""
    if not (messages or warns or errors):
        return ""
    out = "\n"
    for kind, table in (("message", messages), ("warning", warns), ("error", errors)):
        if table:
            total = sum(count for _, count in table)
            out += f"{total} {kind}(s): {table[0][0]}" + (" (and others)" if len(table) > 1 else "") + "\n"
    return out
