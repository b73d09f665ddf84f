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


def format_count(count, noun: str, plural: str | None = None) -> str:
    """Return `count` with its noun in the right number, for titles, labels and messages.

    The count is shown as a whole number with thousands separators, and the noun agrees with
    the number the reader sees: ``1.2`` predictions read "1 prediction".

    Parameters
    ----------
    count : int or float
        How many (a finite number; a fraction is rounded to the nearest whole number).
    noun : str
        The noun for one, e.g. ``"tree"``.
    plural : str, optional
        The noun for any other count, when it is not `noun` + ``"s"`` (``"leaves"``).

    Examples
    --------
    >>> format_count(1, "tree"), format_count(0, "tree"), format_count(20_000, "request")
    ('1 tree', '0 trees', '20,000 requests')
    >>> format_count(3_100, "leaf", "leaves"), format_count(1.2, "prediction")
    ('3,100 leaves', '1 prediction')
    """
    from mlsys._validate import check_number

    count = check_number("count", count)
    for name, word in (("noun", noun), ("plural", plural)):
        if word is not None and (not isinstance(word, str) or not word.strip()):
            raise TypeError(f"{name} must be a non-empty string; got {word!r}")
    if noun is None:
        raise TypeError("noun must be a non-empty string; got None")
    shown = f"{round(count):,}"
    return f"{shown} {noun if shown in ('1', '-1') else plural or noun + 's'}"


MEASURED_UNITS = ("ms", "µs", "s", "requests/s")
MEASURED_SPACE = "\u202f"  # narrow no-break space: SI's space between a number and its unit


def measured(value, unit: str, spec: str = ".2f") -> str:
    """Format a wall-clock measurement, e.g. ``measured(1.234, "ms")`` -> ``'1.23 ms'``.

    A measured number is joined to its unit by a narrow no-break space (U+202F) instead of a
    plain one: the reader sees an ordinary "1.23 ms", and the test suite's sanitizer
    (tests/sanitize.cfg) masks exactly the numbers written this way, since they change on every
    run. Say once, in a table's header or the sentence before it, that the times are measured.

    Parameters
    ----------
    value : float
        The measurement, a finite number.
    unit : str
        One of ``"ms"``, ``"µs"``, ``"s"``, ``"requests/s"``.
    spec : str
        A format specification for the number, e.g. ``".3f"`` or ``">9,.0f"`` (default ``.2f``).
    """
    from mlsys._validate import check_number

    value = check_number("value", value)
    if unit not in MEASURED_UNITS:
        raise ValueError(f"unit must be one of {', '.join(MEASURED_UNITS)}; got {unit!r}")
    try:
        shown = format(value, spec)
    except (TypeError, ValueError):
        raise ValueError(f"spec must be a format specification for a number, such as '.2f'; "
                         f"got {spec!r}") from None
    return f"{shown}{MEASURED_SPACE}{unit}"
