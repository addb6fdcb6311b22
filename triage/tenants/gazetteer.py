"""A tenant's gazetteer: the kecamatan and kelurahan of its city, to vet a complaint's place.

A gazetteer is a CSV file with the columns ``kecamatan,kelurahan`` (one row per kelurahan;
lines starting with ``#`` are comments, such as the source and licence).  The sample city's,
Kota Bandung's, ships in ``triage/resources/bandung_wilayah.csv``; another city passes its own.
Names compare as people write them: case, punctuation and spacing do not matter.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from triage.errors import DataFileError
from triage.routing.labels import AREA_KECAMATAN, area_office, canonical_label

DEFAULT_GAZETTEER = "bandung_wilayah.csv"
_COLUMNS = ("kecamatan", "kelurahan")


@dataclass(frozen=True)
class Gazetteer:
    """The places of one city, in canonical form (see :func:`canonical_label`).

    Built by :func:`load_gazetteer` or :func:`default_gazetteer`.
    """

    kecamatan: frozenset[str]
    kelurahan: frozenset[str]
    pairs: frozenset[tuple[str, str]]

    def doubt(self, kecamatan: str | None, kelurahan: str | None) -> str | None:
        """Why this location is not a place of the city, or None when it is (or is not given).

        The reason quotes no value: a location field may hold what a citizen typed.
        """
        kec = canonical_label(kecamatan) if kecamatan else ""
        kel = canonical_label(kelurahan) if kelurahan else ""
        if kecamatan and kec not in self.kecamatan:
            return "the kecamatan is not a place of the tenant's gazetteer"
        if kelurahan and kel not in self.kelurahan:
            return "the kelurahan is not a place of the tenant's gazetteer"
        if kec and kel and (kec, kel) not in self.pairs:
            return "the kelurahan does not lie in the kecamatan, by the tenant's gazetteer"
        return None

    def knows_office(self, label: str) -> bool:
        """Whether an area office's name ("Kecamatan Andir") names a place of the city.

        A label that is no area office (an agency) is not this gazetteer's business: True.
        """
        office = area_office(label)
        if office is None:
            return True
        place = canonical_label(office[1])
        known = self.kecamatan if office[0] == AREA_KECAMATAN else self.kelurahan
        return bool(place) and place in known


def load_gazetteer(path: str | Path) -> Gazetteer:
    """Read a gazetteer CSV file (``kecamatan,kelurahan``; ``#`` lines are comments).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    Gazetteer

    Raises
    ------
    DataFileError
        When the file cannot be read, lacks a column, or names no place.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(
            f"gazetteer {path}: cannot be read ({exc.__class__.__name__})"
        ) from None
    return _parse(text, str(path))


def parse_gazetteer(text: str, source: str = "gazetteer") -> Gazetteer:
    """A gazetteer from its CSV text (as stored for a tenant); errors name ``source``."""
    return _parse(text, source)


@cache
def default_gazetteer() -> Gazetteer:
    """The sample city's gazetteer (Kota Bandung, 30 kecamatan and 151 kelurahan)."""
    text = (resources.files("triage") / "resources" / DEFAULT_GAZETTEER).read_text("utf-8")
    return _parse(text, DEFAULT_GAZETTEER)


def _parse(text: str, name: str) -> Gazetteer:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(lines)
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFileError(f"gazetteer {name}: no column {', '.join(missing)}")
    pairs = set()
    for row in reader:
        kec = canonical_label(row.get("kecamatan") or "")
        kel = canonical_label(row.get("kelurahan") or "")
        if kec and kel:
            pairs.add((kec, kel))
    if not pairs:
        raise DataFileError(f"gazetteer {name}: names no kecamatan with a kelurahan")
    return Gazetteer(
        kecamatan=frozenset(kec for kec, _ in pairs),
        kelurahan=frozenset(kel for _, kel in pairs),
        pairs=frozenset(pairs),
    )
