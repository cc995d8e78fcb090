"""Run-time support of translated lattice calls: trellis panels drawn with matplotlib.

``xyplot(y ~ x | g, data, groups=, type=, layout=, as.table=)`` and
``bwplot(y ~ x | g, data)`` draw one panel per level of the conditioning factor
(levels in factor order, lattice's ``layout = c(columns, rows)``; without
``as.table = TRUE`` lattice fills the panels from the bottom row up, as here).
``type`` letters: ``"p"`` points, ``"l"`` lines (sorted by x), ``"b"``/``"o"`` both,
``"r"`` the least-squares line, ``"g"`` a grid.  ``y1 + y2 ~ x`` superposes the
responses (lattice's ``outer = FALSE``).  Each call returns a matplotlib Figure
that :func:`graphics_device.page` puts on the current device.

R counterpart: lattice's ``xyplot``, ``bwplot``, ``panel.xyplot``.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["xyplot", "bwplot"]

#: lattice's default superpose colours (trellis.par.get("superpose.symbol")$col)
SUPERPOSE = ("#0080ff", "#ff00ff", "darkgreen", "#ff0000", "orange", "#00ff00", "brown")


def _levels(s: pd.Series) -> list:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return [v for v in s.cat.categories if (s == v).any()]
    return sorted(s.dropna().unique())


def _grid(n: int, layout: Sequence[int] | None) -> tuple[int, int]:
    if layout is not None:
        ncol, nrow = int(layout[0]), int(layout[1])
        return nrow, ncol
    ncol = math.ceil(math.sqrt(n))
    return math.ceil(n / ncol), ncol


def _panels(data: pd.DataFrame, cond: str | None, layout, as_table: bool):
    import matplotlib.pyplot as plt

    levels = _levels(data[cond]) if cond else [None]
    nrow, ncol = _grid(len(levels), layout)
    fig, axes = plt.subplots(nrow, ncol, sharex=True, sharey=True, squeeze=False)
    order = []
    for i, level in enumerate(levels[: nrow * ncol]):
        r, c = divmod(i, ncol)
        row = r if as_table else nrow - 1 - r
        order.append((axes[row][c], level))
    used = {id(ax) for ax, _ in order}
    for ax in axes.flat:
        if id(ax) not in used:
            ax.set_visible(False)
    for ax, level in order:
        if level is not None:
            ax.set_title(str(level), fontsize=8, backgroundcolor="#ffe5cc")
    return fig, order


def _draw(ax: Any, x: np.ndarray, y: np.ndarray, types: Sequence[str], color: str) -> None:
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if "g" in types:
        ax.grid(True, color="#e6e6e6")
    if any(t in types for t in ("p", "b", "o")):
        ax.scatter(x, y, s=12, facecolors="none", edgecolors=color)
    if any(t in types for t in ("l", "b", "o")):
        idx = np.argsort(x, kind="stable")
        ax.plot(x[idx], y[idx], color=color)
    if "r" in types and len(x) > 1:
        slope, intercept = np.polyfit(x, y, 1)
        ax.axline((0, intercept), slope=slope, color=color)


def xyplot(data: pd.DataFrame, y: str | Sequence[str], x: str, cond: str | None = None,
           groups: str | None = None, type: str | Sequence[str] = "p",
           layout: Sequence[int] | None = None, as_table: bool = False,
           xlab: str | None = None, ylab: str | None = None, main: str | None = None) -> Any:
    """lattice's ``xyplot`` (see the module docstring)."""
    types = [type] if isinstance(type, str) else list(type)
    ys = [y] if isinstance(y, str) else list(y)
    fig, order = _panels(data, cond, layout, as_table)
    for ax, level in order:
        part = data if level is None else data[data[cond] == level]
        series = []
        if groups is not None:
            for k, g in enumerate(_levels(part[groups])):
                sub = part[part[groups] == g]
                series += [(sub, yy, SUPERPOSE[k % len(SUPERPOSE)]) for yy in ys]
        else:
            series = [(part, yy, SUPERPOSE[k % len(SUPERPOSE)]) for k, yy in enumerate(ys)]
        for sub, yy, color in series:
            _draw(ax, sub[x].to_numpy(float), sub[yy].to_numpy(float), types, color)
    fig.supxlabel(xlab if xlab is not None else x)
    fig.supylabel(ylab if ylab is not None else " + ".join(ys))
    if main is not None:
        fig.suptitle(main)
    return fig


def bwplot(data: pd.DataFrame, y: str, x: str, cond: str | None = None,
           layout: Sequence[int] | None = None, as_table: bool = False,
           xlab: str | None = None, ylab: str | None = None, main: str | None = None) -> Any:
    """lattice's ``bwplot(y ~ x | cond)``: boxes of the numeric side per level of the
    factor side, one panel per level of ``cond``."""
    fig, order = _panels(data, cond, layout, as_table)
    numeric_y = pd.api.types.is_numeric_dtype(data[y]) and not \
        isinstance(data[y].dtype, pd.CategoricalDtype)
    value, factor = (y, x) if numeric_y else (x, y)
    for ax, level in order:
        part = data if level is None else data[data[cond] == level]
        levels = _levels(data[factor])
        boxes = [part.loc[part[factor] == v, value].dropna().to_numpy(float) for v in levels]
        ax.boxplot(boxes, tick_labels=[str(v) for v in levels],
                   orientation="vertical" if numeric_y else "horizontal")
    fig.supxlabel(xlab if xlab is not None else x)
    fig.supylabel(ylab if ylab is not None else y)
    if main is not None:
        fig.suptitle(main)
    return fig

