"""The hypothesis matrices of lmerTest's ``anova()`` (lmerTest 3.1-3 ``get_contrasts_type1/2/3``).

Each function returns, for every fixed-effect term (in ``term.labels`` order), the
contrast matrix ``L`` (rows = hypotheses, columns = the columns of X) whose F test
is that term's row of the table:

* type I: rows of the Doolittle factor of ``XᵀX`` (sequential sums of squares);
* type II: the same with the term moved after everything not containing it;
* type III: lmerTest's construction from the cell-means design (``get_rdX``) with
  treatment coding, orthogonalised against the terms that contain each term, and
  mapped back to the model's own coding.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

from ..design.columns import Factor, Logical, Numeric
from ..design.model_matrix import model_matrix
from ..design.rank import qr_rank
from ..errors import PylmeMessage
from ..printing.rformat import zapsmall

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["doolittle_L", "term_columns", "containment", "contrasts_type1", "contrasts_type2",
           "contrasts_type3", "contrasts_marginal", "ginv"]


def doolittle_L(x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """The unit lower-triangular factor of lmerTest's ``doolittle(x)`` (entries < eps zeroed)."""
    n = x.shape[0]
    L = np.eye(n)
    U = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            U[i, j] = x[i, j] - L[i, :i] @ U[:i, j]
        for j in range(i + 1, n):
            v = x[j, i] - L[j, :i] @ U[:i, i]
            L[j, i] = 0.0 if abs(U[i, i]) < eps else v / U[i, i]
    L[np.abs(L) < eps] = 0.0
    return L


def ginv(X: np.ndarray, tol: float = float(np.sqrt(np.finfo(float).eps))) -> np.ndarray:
    """Moore-Penrose inverse as MASS ``ginv`` (singular values below tol·d₁ dropped)."""
    u, d, vt = np.linalg.svd(X, full_matrices=False)
    pos = d > max(tol * d[0], 0) if d.size else d > 0
    return (vt[pos].T / d[pos]) @ u[:, pos].T


def _zapsmall(m: np.ndarray) -> np.ndarray:
    """R's ``zapsmall`` of a whole matrix (one scale for every entry)."""
    return np.array(zapsmall(m.ravel().tolist()), dtype=float).reshape(m.shape)


def _terms(fit: "LmerFit"):
    return fit.inputs.X_full.terms


def term_columns(fit: "LmerFit") -> dict[str, list[int]]:
    """lmerTest ``term2colX``: the columns of X of each term (``(Intercept)`` first)."""
    t = _terms(fit)
    labels = (["(Intercept)"] if t.intercept else []) + list(t.term_labels)
    out: dict[str, list[int]] = {}
    for j, a in enumerate(fit.inputs.X_assign):
        name = "(Intercept)" if a == 0 else t.term_labels[a - 1]
        out.setdefault(name, []).append(j)
    return {name: out.get(name, []) for name in dict.fromkeys(list(out) + labels)}


def _data_class(column) -> str:
    """R's ``.MFclass`` for a model-frame column (only ``"numeric"`` matters here)."""
    if isinstance(column, Numeric):
        return "numeric" if column.ncol == 1 else f"nmatrix.{column.ncol}"
    if isinstance(column, Factor):
        return "ordered" if column.ordered else "factor"
    return "logical" if isinstance(column, Logical) else "other"


def containment(fit: "LmerFit") -> dict[str, list[str]]:
    """lmerTest ``containment``: for each term, the terms that contain it."""
    t = _terms(fit)
    frame = fit.inputs.frame
    names = list(t.variable_names)
    vars_of = {}
    numerics = {}
    for j, label in enumerate(t.term_labels):
        vs = [names[i] for i in range(len(names)) if t.factors[i, j] == 1]
        vars_of[label] = vs
        numerics[label] = {v for v in vs if _data_class(frame.column(t.variables[names.index(v)])) == "numeric"}

    def contains(f1: str, f2: str) -> bool:
        return (set(vars_of[f1]) <= set(vars_of[f2]) and bool(set(vars_of[f2]) - set(vars_of[f1]))
                and numerics[f1] == numerics[f2])

    return {a: [b for b in t.term_labels if contains(a, b)] for a in t.term_labels}


def _trivial(fit: "LmerFit") -> dict[str, np.ndarray] | None:
    """lmerTest's special cases of type I: no columns, or only an intercept."""
    p = fit.inputs.p
    if p == 0:
        return {"": np.zeros((0, 0))}
    if p == 1 and _terms(fit).intercept:
        return {"": np.zeros((0, 1))}
    return None


def contrasts_type1(fit: "LmerFit") -> dict[str, np.ndarray]:
    """Type I (sequential) contrasts (lmerTest ``get_contrasts_type1``).

    A key ``""`` marks lmerTest's unnamed placeholder of an intercept-only model (its
    table is empty).
    """
    trivial = _trivial(fit)
    if trivial is not None:
        return trivial
    X = fit.inputs.X
    L = np.ones((1, 1)) if X.shape[1] == 1 else doolittle_L(X.T @ X).T
    cols = term_columns(fit)
    return {label: L[cols[label], :] for label in _terms(fit).term_labels}


def contrasts_marginal(fit: "LmerFit", which=None) -> dict[str, np.ndarray]:
    """Rows of the identity for each term's columns (lmerTest ``get_contrasts_marginal``)."""
    labels = list(_terms(fit).term_labels)
    if which is None and (fit.inputs.p <= 1 or len(labels) <= 1):
        return contrasts_type1(fit)
    eye = np.eye(fit.inputs.p)
    cols = term_columns(fit)
    return {label: eye[cols[label], :] for label in (labels if which is None else which)}


def _type2_term(fit: "LmerFit", term: str, contained_by: list[str]) -> np.ndarray:
    """lmerTest ``get_contrasts_type2`` for one term: the term after everything else."""
    X = fit.inputs.X
    cols = term_columns(fit)
    moved = [j for name in [term] + contained_by for j in cols[name]]
    rest = [j for j in range(X.shape[1]) if j not in moved]
    order = rest + moved
    Lc = doolittle_L(X[:, order].T @ X[:, order]).T
    rows = [k for k, j in enumerate(order) if j in cols[term]]
    out = np.zeros((len(rows), X.shape[1]))
    out[:, order] = Lc[rows, :]
    return out


def contrasts_type2(fit: "LmerFit") -> dict[str, np.ndarray]:
    """Type II contrasts (lmerTest ``get_contrasts_type2_unfolded``)."""
    labels = list(_terms(fit).term_labels)
    if fit.inputs.p <= 1 or len(labels) <= 1:
        return contrasts_type1(fit)
    within = containment(fit)
    out = {}
    for label in labels:
        if within[label]:
            out[label] = _type2_term(fit, label, within[label])
        else:
            out[label] = contrasts_marginal(fit, [label])[label]
    return out


def _cell_means_design(fit: "LmerFit") -> tuple[np.ndarray, list[str]]:
    """lmerTest ``get_rdX``: ``model.matrix(~ 0 + term)`` of every term, side by side."""
    t = _terms(fit)
    frame = fit.inputs.frame
    blocks, names = [], []
    for label in t.term_labels:
        dm = model_matrix(f"0 + {label}", frame)
        blocks.append(dm.values)
        names += list(dm.columns)
    if not t.term_labels:
        blocks.append(np.zeros((frame.n, 0)))
    if t.intercept:
        blocks.insert(0, np.ones((frame.n, 1)))
        names.insert(0, "(Intercept)")
    rdX = np.hstack(blocks)
    empty = [n for n, c in zip(names, rdX.T) if np.all(c == 0)]
    if empty:
        warnings.warn(f"Missing cells for: {', '.join(empty)}. \nInterpret type III hypotheses with care.",
                      PylmeMessage, stacklevel=4)
    return rdX, names


def _full_rank(dm) -> tuple[np.ndarray, list[str], list[int]]:
    """lmerTest ``ensure_full_rank``: the leading ``rank`` columns of R's (LINPACK) QR pivot."""
    X = dm.values
    qr = qr_rank(X, tol=1e-7)
    keep = list(qr.pivot[: qr.rank])
    assign = list(dm.assign)
    return X[:, keep], [dm.columns[j] for j in keep], [assign[j] for j in keep]


def _type3_core(fit: "LmerFit", X: np.ndarray, colnames: list[str], assign: list[int]) -> dict:
    """lmerTest ``extract_contrasts_type3`` for the (treatment-coded) design ``X``."""
    t = _terms(fit)
    rdX, rd_names = _cell_means_design(fit)
    L = _zapsmall((ginv(X) @ rdX).T)  # rows: cell-means columns; columns: X's
    cols: dict[str, list[int]] = {}
    for j, a in enumerate(assign):
        cols.setdefault("(Intercept)" if a == 0 else t.term_labels[a - 1], []).append(j)
    within = containment(fit)
    order = sorted(range(len(t.term_labels)), key=lambda k: -t.order[k])  # stable
    for k in order:
        term = t.term_labels[k]
        if within[term] and cols.get(term):
            A = L[:, [j for name in within[term] for j in cols.get(name, [])]]
            y = L[:, cols[term]]
            coef, *_ = np.linalg.lstsq(A, y, rcond=None)
            L[:, cols[term]] = _zapsmall(y - A @ coef)
    L = L[[rd_names.index(c) for c in colnames], :]
    out = {}
    for term in t.term_labels:
        Lt = L[:, cols.get(term, [])].T
        out[term] = Lt[np.sum(np.abs(Lt), axis=1) > 1e-8, :]
    return out


def contrasts_type3(fit: "LmerFit") -> dict[str, np.ndarray]:
    """Type III contrasts (lmerTest ``get_contrasts_type3``)."""
    labels = list(_terms(fit).term_labels)
    if fit.inputs.p <= 1 or len(labels) <= 1:
        return contrasts_type1(fit)
    X_orig = fit.inputs.X
    codings = list(fit.inputs.X_full.contrasts.values())
    if codings and all(c == "contr.treatment" for c in codings):
        return _type3_core(fit, X_orig, list(fit.inputs.X_columns), list(fit.inputs.X_assign))
    factors = {name: "contr.treatment" for name in fit.inputs.X_full.contrasts}
    remade = model_matrix(_terms(fit), fit.inputs.frame, contrasts=factors)
    X, names, assign = _full_rank(remade)
    core = _type3_core(fit, X, names, assign)
    mapping = _zapsmall(ginv(X) @ X_orig)
    return {term: L @ mapping for term, L in core.items()}
