"""Labels and places: how labels compare, which labels are area offices, and the places
a model knows, so that an area office is named only after a place it has seen."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def canonical_label(label: object) -> str:
    """Compare labels as people do: case, punctuation and spacing do not matter."""
    return _NOT_ALNUM.sub("", str(label).casefold())


OTHER_LABEL = "(lainnya: perlu telaah)"
LOCATION_COLUMNS: tuple[str, ...] = ("kecamatan", "kelurahan")

# Area offices are one class for the model and a concrete office after routing: the model
# learns *that* a complaint belongs to the local office, the location says *which* one.
AREA_KECAMATAN = "Kecamatan (wilayah pelapor)"
AREA_KELURAHAN = "Kelurahan (wilayah pelapor)"
AREA_CLASSES: dict[str, str] = {AREA_KECAMATAN: "Kecamatan", AREA_KELURAHAN: "Kelurahan"}
_LEVEL_CLASSES: dict[str, str] = {level.casefold(): c for c, level in AREA_CLASSES.items()}


def area_office(label: str) -> tuple[str, str] | None:
    """The area class and place of an area office's name, else None.

    ``"Kelurahan Babatan"`` gives ``(AREA_KELURAHAN, "Babatan")``; the level word in any case.
    """
    level, _, place = label.strip().partition(" ")
    area_class = _LEVEL_CLASSES.get(level.casefold())
    return (area_class, place.strip()) if area_class else None


@dataclass(frozen=True)
class KnownPlaces:
    """The kecamatan and kelurahan a model was trained on, to vet the location of a complaint
    before an area office is named after it (canonical forms, see :func:`canonical_label`).

    Built from a training table by :func:`known_places`.
    """

    kecamatan: frozenset[str]
    kelurahan: frozenset[str]
    pairs: frozenset[tuple[str, str]]

    def doubt(self, area_class: str, kecamatan: str | None, kelurahan: str | None) -> str | None:
        """Why the office that ``area_class`` names from this location needs a human, or None."""
        kec = canonical_label(kecamatan) if kecamatan else ""
        kel = canonical_label(kelurahan) if kelurahan else ""
        if area_class == AREA_KECAMATAN and kec and kec not in self.kecamatan:
            return f"kecamatan {kecamatan!r} is not a place the model was trained on"
        if area_class == AREA_KELURAHAN and kel:
            if kel not in self.kelurahan:
                return f"kelurahan {kelurahan!r} is not a place the model was trained on"
            if kec in self.kecamatan and self.pairs and (kec, kel) not in self.pairs:
                return f"kelurahan {kelurahan!r} does not lie in kecamatan {kecamatan!r}"
        return None


def model_label(opd: object) -> object:
    """The label the model learns for an OPD: area offices collapse into one class per level."""
    if not isinstance(opd, str):
        return opd
    office = area_office(opd)
    return office[0] if office else opd.strip()


def resolve_area_office(label: str, kecamatan: str | None, kelurahan: str | None) -> str | None:
    """Name the concrete area office for an area class, or None when the location is unknown."""
    level = AREA_CLASSES.get(label)
    if level is None:
        return label
    place = kecamatan if level == "Kecamatan" else kelurahan
    if place is None or not str(place).strip():
        return None
    return f"{level} {' '.join(str(place).split()).title()}"


def known_places(frame: pd.DataFrame, opd_column: str | None) -> KnownPlaces:
    """The places of a training table: its location columns and the places its area-office
    labels name ("Kelurahan Babatan")."""
    places: dict[str, set[str]] = {level: set() for level in LOCATION_COLUMNS}
    named = location_columns(frame)
    for level, column in named.items():
        places[level].update(_canonical_values(frame[column]))
    if opd_column and opd_column in frame.columns:
        for label in frame[opd_column].dropna().astype(str):
            office = area_office(label)
            if office and canonical_label(office[1]):
                places[AREA_CLASSES[office[0]].casefold()].add(canonical_label(office[1]))
    pairs: set[tuple[str, str]] = set()
    if len(named) == len(LOCATION_COLUMNS):
        located = frame[[named[level] for level in LOCATION_COLUMNS]].dropna().astype(str)
        pairs = {
            (canonical_label(kec), canonical_label(kel))
            for kec, kel in located.itertuples(index=False)
        }
    return KnownPlaces(
        frozenset(places["kecamatan"]), frozenset(places["kelurahan"]), frozenset(pairs)
    )


def _canonical_values(values: pd.Series) -> set[str]:
    return {canonical_label(v) for v in values.dropna().astype(str)} - {""}


def location_columns(frame: pd.DataFrame) -> dict[str, str]:
    """Which column of ``frame`` holds each location level: ``kecamatan`` itself, else the one
    column whose name is the same but for case ("Kecamatan", as exports often write it)."""
    found = {}
    for level in LOCATION_COLUMNS:
        if level in frame.columns:
            found[level] = level
            continue
        alike = [c for c in frame.columns if str(c).strip().casefold() == level]
        if len(alike) == 1:
            found[level] = str(alike[0])
    return found
