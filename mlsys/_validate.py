"""Argument checks shared by the package: fail early, name the parameter, say what is allowed."""

from __future__ import annotations

import math
import numbers

import numpy as np


def _describe_range(low, high, low_open, high_open) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high}")
    return " and ".join(parts) if parts else "a finite number"


def check_number(name, value, *, low=None, high=None, low_open=False, high_open=False,
                 integer=False, unit=""):
    """Return `value` as a float (or int if `integer`) after checking its type and range.

    Raises TypeError for a non-number (bools are refused) and ValueError for NaN,
    infinity or a value outside [low, high] (open ends when `low_open` / `high_open`).
    """
    kind = "an integer" if integer else "a number"
    allowed = _describe_range(low, high, low_open, high_open)
    unit_text = f" ({unit})" if unit else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {kind}{unit_text} {allowed}; got {value!r} "
                        f"of type {type(value).__name__}")
    if integer and not isinstance(value, numbers.Integral):
        if float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name} must be {kind}{unit_text}; got {value!r}")
    if not integer and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number{unit_text}; got {value!r}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {allowed}{unit_text}; got {value!r}")
    return int(value) if integer else float(value)


def check_samples(name, values, *, min_size=1) -> np.ndarray:
    """Return `values` as a 1-D float array of finite numbers with at least `min_size` items."""
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a sequence of numbers; got {type(values).__name__}")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a sequence of numbers; {error}") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {array.shape}")
    if array.size < min_size:
        raise ValueError(f"{name} must hold at least {min_size} value(s); got {array.size}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers; found NaN or infinity")
    return array


def check_choice(name, value, choices):
    """Return `value` if it is one of `choices`, else raise ValueError listing them."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value
