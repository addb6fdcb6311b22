"""Per-topic sensitivity of the spike alerts: a false-alarm rate (alpha) per topic.

A manager may want flood alerts earlier in the rainy season than noise complaints: a CSV of
``topic,alpha`` rows sets alpha for those topics, and every other topic keeps the detector's.
Alpha applies to the group sets that hold a topic (the topic city-wide, the topic in each
kecamatan); a kecamatan's all-topics series keeps the detector's alpha, since it mixes them.

The hourly burst scan runs at a far smaller alpha per series-hour; a topic's alpha scales it
by the same factor (:func:`scaled_alpha`): flood alerts five times as likely a week are five
times as likely an hour.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import TypeVar

from triage.errors import DataFileError, InputError

MAX_ALPHA = 0.5
Tunable = TypeVar("Tunable")


def check_alpha(value: float, where: str) -> float:
    """``value`` if it is a usable false-alarm rate; an :class:`InputError` naming ``where``."""
    if not 0.0 < value < MAX_ALPHA:
        raise InputError(f"{where}: alpha must be between 0 and {MAX_ALPHA}, got {value:g}")
    return value


def parse_sensitivity(text: str, source: str = "sensitivity") -> dict[str, float]:
    """Parse ``topic,alpha`` CSV text (a header row, then one row per topic).

    Parameters
    ----------
    text : str
        The CSV text; blank lines are skipped.
    source : str
        Name used in error messages (the file name).

    Returns
    -------
    dict of str to float
        Alpha per topic label.

    Raises
    ------
    InputError
        Missing header, a row without two cells, an empty topic, an alpha that is not a
        number in (0, 0.5), or a topic listed twice; the message names the line.
    """
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), 1) if row]
    if not rows:
        raise InputError(f"{source}: no rows; expected a header 'topic,alpha'")
    _, header = rows[0]
    if [cell.strip().lower() for cell in header] != ["topic", "alpha"]:
        raise InputError(f"{source}: line 1 must be the header 'topic,alpha', got {header!r}")
    alphas: dict[str, float] = {}
    for line, row in rows[1:]:
        if len(row) != 2:
            raise InputError(f"{source}: line {line}: expected 'topic,alpha', got {len(row)} cells")
        topic, cell = row[0].strip(), row[1].strip()
        if not topic:
            raise InputError(f"{source}: line {line}: the topic is empty")
        try:
            alpha = float(cell)
        except ValueError:
            raise InputError(f"{source}: line {line}: alpha {cell!r} is not a number") from None
        check_alpha(alpha, f"{source}: line {line}")
        if topic in alphas:
            raise InputError(f"{source}: line {line}: topic {topic!r} is listed twice")
        alphas[topic] = alpha
    return alphas


def read_sensitivity(path: str | Path) -> dict[str, float]:
    """Read a ``topic,alpha`` CSV file (UTF-8); see :func:`parse_sensitivity`.

    Raises
    ------
    DataFileError
        If the file is missing or is not UTF-8 text.
    InputError
        As :func:`parse_sensitivity`.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read it as UTF-8 text ({exc})") from None
    return parse_sensitivity(text, str(path))


def with_alpha(detector: Tunable, alpha: float) -> Tunable:
    """A copy of ``detector`` (or of the hourly scan) with another alpha.

    Raises
    ------
    InputError
        If the detector has no ``alpha`` setting.
    """
    if not is_dataclass(detector) or "alpha" not in {f.name for f in fields(detector)}:
        raise InputError(f"{type(detector).__name__} has no alpha to set per topic")
    return replace(detector, alpha=check_alpha(alpha, "sensitivity"))  # type: ignore[type-var]


def scaled_alpha(detector: Tunable, topic_alpha: float, base_alpha: float) -> Tunable:
    """A copy of ``detector`` whose alpha is multiplied by ``topic_alpha / base_alpha``: the
    burst scan made as much more (or less) sensitive for a topic as the weekly detector.

    Raises
    ------
    InputError
        If the detector has no ``alpha``, or the scaled alpha is not in (0, 0.5).
    """
    current = getattr(detector, "alpha", None)
    if not isinstance(current, float):
        raise InputError(f"{type(detector).__name__} has no alpha to set per topic")
    return with_alpha(detector, current * check_alpha(topic_alpha, "sensitivity") / base_alpha)


def split_topics(
    sensitivity: Mapping[str, float],
) -> dict[float, frozenset[str]]:
    """Topics grouped by their alpha, so that each alpha runs the detector once."""
    by_alpha: dict[float, set[str]] = {}
    for topic, alpha in sensitivity.items():
        by_alpha.setdefault(alpha, set()).add(topic)
    return {alpha: frozenset(topics) for alpha, topics in sorted(by_alpha.items())}


__all__ = [
    "check_alpha",
    "parse_sensitivity",
    "read_sensitivity",
    "scaled_alpha",
    "split_topics",
    "with_alpha",
]
