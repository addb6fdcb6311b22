"""The checks of one entry of the sample generator's phrase tables, used by ``loader``.

An entry that would make the generator fail or write nonsense later (a missing field, an
unknown agency or slot, an unbalanced brace, a frame without its ``{P}``) is refused with a
``DataFileError`` naming the file and the entry.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Set
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import NoReturn

from triage.errors import DataFileError
from triage.sample.vocab import (
    SEASONS,
    SLOTS,
    Phrases,
    Route,
    TopicSpec,
)

_KEY = re.compile(r"[a-z][a-z0-9_]*")
_SLOT = re.compile(r"\{([A-Z_]+)\}")
# Shares of a topic's routes are written with two decimals; allow for float rounding only.
_SHARE_TOLERANCE = 1e-6
_TOPIC_FIELDS = {"key", "label", "weight", "season", "routes", "problems", "details"}
_TOPIC_FIELDS |= {"requests", "titles", "mentions"}
_TOPIC_OPTIONAL = {"vague", "emergency", "area", "place_bound"}


class Entry:
    """Where in which file a value sits, so that a complaint about it can say so."""

    def __init__(self, file: str, path: str = "") -> None:
        self.file, self.path = file, path

    def __truediv__(self, part: str | int) -> Entry:
        step = f"[{part}]" if isinstance(part, int) else f".{part}" if self.path else part
        return Entry(self.file, self.path + step)

    def fail(self, problem: str) -> NoReturn:
        where = f"{self.file}, entry {self.path}" if self.path else self.file
        raise DataFileError(f"sample table {where}: {problem}")


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def read_json(folder: Traversable, name: str) -> object:
    """The parsed content of one table file."""
    try:
        text = folder.joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"sample table {name} cannot be read: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            f"sample table {name} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from exc


def record(
    value: object, at: Entry, fields: Set[str], optional: Set[str] = frozenset()
) -> dict[str, object]:
    """An object with exactly the required fields and perhaps some optional ones."""
    if not isinstance(value, dict):
        at.fail(f"expected an object, got {type(value).__name__}")
    missing = sorted(fields - value.keys())
    if missing:
        at.fail(f"missing field {missing[0]!r}")
    unknown = sorted(value.keys() - fields - optional)
    if unknown:
        at.fail(f"unknown field {unknown[0]!r} (expected {', '.join(sorted(fields | optional))})")
    return value


def plain_text(value: object, at: Entry) -> str:
    """A string used as written: no braces, since nothing expands it."""
    if not isinstance(value, str):
        at.fail(f"expected a string, got {type(value).__name__}")
    if "{" in value or "}" in value:
        at.fail(f"{_short(value)} is used as written and may not hold braces")
    return value


def template(value: object, at: Entry, extra: frozenset[str] = frozenset()) -> str:
    """A template: balanced braces, and no slot that the composer would leave unfilled."""
    if not isinstance(value, str):
        at.fail(f"expected a string, got {type(value).__name__}")
    depth = 0
    for char in value:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            at.fail(f"{_short(value)} closes a brace it never opened")
    if depth:
        at.fail(f"{_short(value)} leaves a brace open")
    for slot in _SLOT.findall(value):
        if slot not in SLOTS | extra:
            known = ", ".join(sorted(SLOTS | extra))
            at.fail(f"{_short(value)} names the unknown slot {{{slot}}} (known: {known})")
    return value


def entries(value: object, at: Entry, minimum: int) -> list[object]:
    """A list of at least ``minimum`` entries."""
    if not isinstance(value, list):
        at.fail(f"expected a list, got {type(value).__name__}")
    if len(value) < minimum:
        at.fail(f"needs at least {minimum} entr{'y' if minimum == 1 else 'ies'}, has {len(value)}")
    return value


def phrases(
    value: object, at: Entry, *, minimum: int = 1, plain: bool = False, needs: str = ""
) -> Phrases:
    """A list of templates (or plain strings); each must hold ``{needs}`` if given."""
    out = []
    extra = frozenset({needs}) if needs else frozenset()
    for i, item in enumerate(entries(value, at, minimum)):
        text = plain_text(item, at / i) if plain else template(item, at / i, extra)
        if needs and f"{{{needs}}}" not in text:
            (at / i).fail(f"{_short(text)} lacks the {{{needs}}} it exists to frame")
        out.append(text)
    return tuple(out)


def phrase_map(
    value: object,
    at: Entry,
    keys: tuple[str, ...] | None,
    *,
    minimum: int = 1,
    plain: bool = False,
    needs: str = "",
) -> Mapping[str, Phrases]:
    """An object of phrase lists with exactly ``keys`` (any keys if ``None``)."""
    if not isinstance(value, dict):
        at.fail(f"expected an object, got {type(value).__name__}")
    if keys is not None and set(value) != set(keys):
        at.fail(f"needs exactly the keys {', '.join(keys)}; has {', '.join(value) or 'none'}")
    out = {
        key: phrases(item, at / key, minimum=minimum, plain=plain, needs=needs)
        for key, item in value.items()
    }
    return MappingProxyType(out)


def positive(value: object, at: Entry) -> float:
    """A finite number above zero (a weight or share)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        at.fail(f"expected a number, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        at.fail(f"must be a positive number, got {value!r}")
    return value


def flag(value: object, at: Entry) -> bool:
    """A JSON boolean."""
    if not isinstance(value, bool):
        at.fail(f"expected true or false, got {value!r}")
    return value


def routes_of(
    value: object,
    at: Entry,
    area: bool,
    agencies: Mapping[str, str],
    registry: str = "agencies.json",
) -> tuple[Route, ...]:
    """The routes of a topic: none for an area topic, else shares adding up to 1."""
    items = entries(value, at, 0 if area else 1)
    if area and items:
        at.fail("an area topic goes to the complainant's own area office: routes must be empty")
    routes = []
    for i, item in enumerate(items):
        route = record(item, at / i, {"opd", "weight"}, {"cues"})
        code = route["opd"]
        if not isinstance(code, str) or code not in agencies:
            (at / i / "opd").fail(f"unknown agency {code!r} (see {registry})")
        weight = positive(route["weight"], at / i / "weight")
        cues = phrases(route.get("cues", []), at / i / "cues", minimum=0, plain=True)
        routes.append(Route(agencies[code], weight, cues))
    total = sum(r.weight for r in routes)
    if routes and abs(total - 1.0) > _SHARE_TOLERANCE:
        at.fail(f"the route weights are shares of the topic and must add up to 1, not {total:g}")
    return tuple(routes)


def topic(
    value: object, at: Entry, agencies: Mapping[str, str], registry: str = "agencies.json"
) -> TopicSpec:
    """One topic of a ``topics_*.json`` file; routes name agencies by their code (in
    ``registry``, the file ``agencies`` was read from)."""
    raw = record(value, at, _TOPIC_FIELDS, _TOPIC_OPTIONAL)
    key = raw["key"]
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        (at / "key").fail(f"must be a lower-case identifier like 'jalan_rusak', got {key!r}")
    at = Entry(at.file, f"{at.path} (topic {key!r})")
    label = plain_text(raw["label"], at / "label")
    if not label.strip():
        (at / "label").fail("must not be empty")
    season = raw["season"]
    if season not in SEASONS:
        (at / "season").fail(f"unknown season {season!r} (known: {', '.join(SEASONS)})")
    area = flag(raw.get("area", False), at / "area")

    def texts(name: str, minimum: int = 1) -> Phrases:
        return phrases(raw.get(name, []), at / name, minimum=minimum)

    return TopicSpec(
        key=key,
        label=label,
        weight=positive(raw["weight"], at / "weight"),
        season=str(season),
        routes=routes_of(raw["routes"], at / "routes", area, agencies, registry),
        problems=texts("problems"),
        details=texts("details"),
        requests=texts("requests"),
        titles=texts("titles"),
        mentions=texts("mentions"),
        vague=texts("vague", minimum=0),
        emergency=flag(raw.get("emergency", False), at / "emergency"),
        area=area,
        place_bound=flag(raw.get("place_bound", True), at / "place_bound"),
    )
