"""The book's one figure style: a colour-blind-safe palette, white background, labelled axes.

Colours come from Okabe & Ito's palette, safe for the common colour-vision deficiencies. Figures
never rely on colour alone: pair each colour with a line style or marker (see `LINESTYLES`).
"""

from __future__ import annotations

import matplotlib as mpl

#: Okabe-Ito colours, in the order the book uses them.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: Line styles paired with the colour cycle so that meaning survives in greyscale.
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))]

FIGSIZE = (7.0, 3.6)  # inches; at DPI below a figure is 770 x 396 px
DPI = 110


def apply_style() -> None:
    """Set the book's matplotlib defaults (call once at the top of a notebook)."""
    cycle = mpl.cycler(color=[PALETTE[k] for k in ("blue", "orange", "green", "vermillion",
                                                   "sky", "purple")]) + mpl.cycler(linestyle=LINESTYLES)
    mpl.rcParams.update({
        "figure.figsize": FIGSIZE,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.prop_cycle": cycle,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.labelsize": 10,
        "legend.fontsize": 9,
        "legend.frameon": False,
        "lines.linewidth": 2,
        "font.size": 10,
        "figure.constrained_layout.use": True,
        "svg.hashsalt": "mlsys",
    })


def decorate(ax, *, xlabel: str, ylabel: str, title: str | None = None, legend: bool = False):
    """Label an axes the book's way (lower-case labels with units) and return it."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, loc="left")
    if legend:
        ax.legend()
    return ax
