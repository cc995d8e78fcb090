"""Run-time support of translated plotting code: R's graphics devices on matplotlib.

Translated scripts import this module as ``from pylme.migrate.rules import
graphics_device as rdev``.  It reproduces what R's device model decides and
matplotlib has no notion of (the drawing itself stays plain matplotlib in the
translated script):

* ``png()``/``pdf()``/... open a device writing to a file; ``dev.off()`` writes it.
  Sizes follow R: ``png`` in pixels at 72 dpi (480 x 480 by default), ``pdf`` in
  inches (7 x 7).  A PDF device keeps every page (``PdfPages``).
* With no device open, a plot goes to ``Rplots.pdf``, as in ``Rscript``; devices
  left open are written when the script ends (R closes them at exit).  No window
  is ever opened: the backend is ``Agg``.
* ``par(mfrow = c(r, c))``: each high-level plot takes the next panel, a new page
  after the last one (:func:`new_plot`).
* R's numbered colours (``col = 2``) map to R 4's default palette (:func:`col`).

R counterpart: grDevices (``png``, ``pdf``, ``dev.off``), graphics (``par``).
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["open_device", "close", "close_all", "mfrow", "new_plot", "page", "col",
           "qqnorm", "qqline", "legend", "PALETTE"]

#: R >= 4.0 ``palette()``: colours 1..8
PALETTE = ("black", "#DF536B", "#61D04F", "#2297E6", "#28E2E5", "#CD0BBC", "#F5C710",
           "#9E9E9E")
_LEGEND_POS = {"topleft": "upper left", "topright": "upper right", "bottomleft": "lower left",
               "bottomright": "lower right", "top": "upper center", "bottom": "lower center",
               "left": "center left", "right": "center right", "center": "center"}


@dataclass
class _Device:
    filename: str
    figsize: tuple[float, float]
    dpi: float
    layout: tuple[int, int] = (1, 1)
    panel: int = 0
    figure: Any = None
    pages: list = field(default_factory=list)


_DEVICES: list[_Device] = []


def open_device(filename: str, width: float | None = None, height: float | None = None,
                units: str | None = None, res: float | None = None,
                kind: str = "png") -> None:
    """R's ``png(filename, width, height, units = "px", res)`` / ``pdf(file, width,
    height)``: later plots are drawn for ``filename``."""
    if kind == "pdf":
        size = (width or 7.0, height or 7.0)
        dpi = 72.0
    else:
        dpi = float(res or 72)
        per_inch = {"px": dpi, "in": 1.0, "cm": 2.54, "mm": 25.4}[units or "px"]
        size = ((width or 480) / per_inch, (height or 480) / per_inch)
    _DEVICES.append(_Device(str(filename), size, dpi))


def _current() -> _Device:
    if not _DEVICES:  # Rscript's default device
        open_device("Rplots.pdf", kind="pdf")
    return _DEVICES[-1]


def _new_page(dev: _Device) -> Any:
    if dev.figure is not None:
        dev.pages.append(dev.figure)
    dev.figure = plt.figure(figsize=dev.figsize, dpi=dev.dpi)
    dev.panel = 0
    return dev.figure


def mfrow(nrow: int, ncol: int) -> None:
    """``par(mfrow = c(nrow, ncol))``: the panel grid of the following plots."""
    dev = _current()
    dev.layout = (int(nrow), int(ncol))
    dev.panel = dev.layout[0] * dev.layout[1]  # the next plot starts a new page


def new_plot() -> Any:
    """The Axes of the next high-level plot (next panel, or a new page)."""
    dev = _current()
    nrow, ncol = dev.layout
    if dev.figure is None or dev.panel >= nrow * ncol:
        _new_page(dev)
    dev.panel += 1
    ax = dev.figure.add_subplot(nrow, ncol, dev.panel)
    plt.figure(dev.figure.number)
    plt.sca(ax)
    return ax


def page(figure: Any) -> Any:
    """A figure drawn by a whole-page function (lattice, pylme.plots, plotnine)
    becomes the current device's next page."""
    dev = _current()
    if dev.figure is not None:
        dev.pages.append(dev.figure)
    figure.set_size_inches(*dev.figsize)
    dev.figure = figure
    dev.panel = dev.layout[0] * dev.layout[1]
    return figure


def close() -> None:
    """``dev.off()``: write the current device's file and close it."""
    if not _DEVICES:
        return
    dev = _DEVICES.pop()
    figures = dev.pages + ([dev.figure] if dev.figure is not None else [])
    if not figures:
        figures = [plt.figure(figsize=dev.figsize, dpi=dev.dpi)]
    if dev.filename.lower().endswith(".pdf"):
        from matplotlib.backends.backend_pdf import PdfPages

        with PdfPages(dev.filename) as pdf:
            for fig in figures:
                pdf.savefig(fig)
    else:  # a bitmap device keeps the last page (R would number the files)
        figures[-1].savefig(dev.filename, dpi=dev.dpi)
    for fig in figures:
        plt.close(fig)


def close_all() -> None:
    """``graphics.off()``, and what R does at exit."""
    while _DEVICES:
        close()


atexit.register(close_all)


def col(value: Any) -> Any:
    """R colours: numbers index the palette (recycled, 0 is white); names pass."""
    if isinstance(value, str):
        return _name(value)
    arr = np.asarray(value)
    if arr.ndim == 0:  # one colour: a number indexes the palette
        v = arr.item()
        if isinstance(v, str):
            return _name(v)
        return "white" if int(v) == 0 else PALETTE[(int(v) - 1) % len(PALETTE)]
    if arr.dtype.kind in "iuf":
        return [("white" if int(v) == 0 else PALETTE[(int(v) - 1) % len(PALETTE)]) for v in arr]
    return [_name(str(v)) for v in arr]


def _name(name: str) -> str:
    """R colour names matplotlib lacks: ``grey62`` -> the grey level."""
    low = name.lower()
    for stem in ("grey", "gray"):
        if low.startswith(stem) and low[len(stem):].isdigit():
            level = int(low[len(stem):]) / 100
            return matplotlib.colors.to_hex((level, level, level))
    return name


def qqnorm(x: Any, ax: Any = None, **kwargs: Any) -> Any:
    """R's ``qqnorm``: sorted sample against normal quantiles of ``ppoints(n)``."""
    from scipy import stats

    ax = ax or new_plot()
    y = np.asarray(x, dtype=float)
    y = np.sort(y[np.isfinite(y)])
    n = len(y)
    a = 3 / 8 if n <= 10 else 1 / 2
    theo = stats.norm.ppf((np.arange(1, n + 1) - a) / (n + 1 - 2 * a))
    ax.scatter(theo, y, facecolors="none", edgecolors=kwargs.pop("color", "black"))
    ax.set(xlabel="Theoretical Quantiles", ylabel="Sample Quantiles",
           title=kwargs.pop("title", "Normal Q-Q Plot"))
    return ax


def qqline(x: Any, ax: Any = None, **kwargs: Any) -> Any:
    """R's ``qqline``: the line through the first and third quartiles."""
    from scipy import stats

    ax = ax or plt.gca()
    y = np.asarray(x, dtype=float)
    y = y[np.isfinite(y)]
    q1, q3 = np.quantile(y, [0.25, 0.75])
    z1, z3 = stats.norm.ppf([0.25, 0.75])
    slope = (q3 - q1) / (z3 - z1)
    ax.axline((z1, q1), slope=slope, color=kwargs.pop("color", "black"), **kwargs)
    return ax


def legend(position: str, labels: Any, colors: Any = None, ax: Any = None,
           **kwargs: Any) -> Any:
    """R's ``legend("topleft", legend = ..., col = ..., lty/lwd/pch = ...)``."""
    from matplotlib.lines import Line2D

    ax = ax or plt.gca()
    labels = [str(v) for v in np.atleast_1d(labels)]
    colors = col(colors) if colors is not None else ["black"]
    colors = [colors] if isinstance(colors, str) else list(colors)
    marker = kwargs.pop("marker", None)
    handles = [Line2D([], [], color=colors[i % len(colors)], marker=marker,
                      linestyle="-" if marker is None else "none", **kwargs)
               for i in range(len(labels))]
    return ax.legend(handles, labels, loc=_LEGEND_POS.get(position, position))
