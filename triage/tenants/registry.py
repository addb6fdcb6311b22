"""A tenant's agency registry: the agencies (OPD) a city routes to, in its admin's words.

A registry is a CSV file written by a city's admin from the city's own organisation, one row
per agency, with the columns

``opd``
    The name complaints are routed to ("Dinas Pekerjaan Umum dan Penataan Ruang").
``urusan``
    One or more codes of the government affairs of Permendagri 90/2019 that the agency
    holds, ``;``-separated ("1.03;1.04"); see :data:`URUSAN`.
``description``
    The agency's duties, in the admin's words.
``aliases`` (optional)
    Short names people use, ``;``-separated ("DPUPR;PUPR").

Lines starting with ``#`` are comments (the source, the date it was written). A bad registry
is refused whole, with one line naming the row: an unknown code, an agency or alias named
twice, an empty name, code list or description, a missing column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from triage.errors import DataFileError

# The government affairs of Permendagri 90/2019 (classification, codification and
# nomenclature of regional planning and finance) that a registry row may name.
URUSAN: dict[str, str] = {
    "1.01": "pendidikan",
    "1.02": "kesehatan",
    "1.03": "pekerjaan umum dan penataan ruang",
    "1.04": "perumahan rakyat dan kawasan permukiman",
    "1.05": "ketenteraman, ketertiban umum dan pelindungan masyarakat",
    "1.06": "sosial",
    "2.07": "tenaga kerja",
    "2.08": "pemberdayaan perempuan dan pelindungan anak",
    "2.09": "pangan",
    "2.10": "pertanahan",
    "2.11": "lingkungan hidup",
    "2.12": "administrasi kependudukan dan pencatatan sipil",
    "2.13": "pemberdayaan masyarakat dan desa",
    "2.14": "pengendalian penduduk dan keluarga berencana",
    "2.15": "perhubungan",
    "2.16": "komunikasi dan informatika",
    "2.17": "koperasi, usaha kecil dan menengah",
    "2.18": "penanaman modal",
    "2.19": "kepemudaan dan olahraga",
    "2.20": "statistik",
    "2.21": "persandian",
    "2.22": "kebudayaan",
    "2.23": "perpustakaan",
    "2.24": "kearsipan",
    "3.25": "kelautan dan perikanan",
    "3.26": "pariwisata",
    "3.27": "pertanian",
    "3.28": "kehutanan",
    "3.29": "energi dan sumber daya mineral",
    "3.30": "perdagangan",
    "3.31": "perindustrian",
    "3.32": "transmigrasi",
    "4.01": "sekretariat daerah",
    "4.02": "sekretariat DPRD",
    "5.01": "perencanaan",
    "5.02": "keuangan",
    "5.03": "kepegawaian",
    "5.04": "pendidikan dan pelatihan",
    "5.05": "penelitian dan pengembangan",
    "6.01": "inspektorat",
    "7.01": "kecamatan",
    "8.01": "kesatuan bangsa dan politik",
}

REQUIRED_COLUMNS = ("opd", "urusan", "description")
OPTIONAL_COLUMNS = ("aliases",)
# Registries shipped with Triase, by tenant name (files in triage/resources/registries/).
SHIPPED = ("bandung", "surabaya")

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Agency:
    """One agency of a registry: where complaints go, and the evidence for sending them."""

    opd: str
    urusan: tuple[str, ...]
    description: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgencyRegistry:
    """A tenant's agencies in file order, with the file's digest to tell versions apart."""

    agencies: tuple[Agency, ...]
    source: str
    digest: str

    @property
    def names(self) -> tuple[str, ...]:
        """The agencies' routing names, in file order."""
        return tuple(agency.opd for agency in self.agencies)

    def agency(self, opd: str) -> Agency:
        """The agency routed to as ``opd``.

        Raises
        ------
        KeyError
            When the registry has no such agency.
        """
        for agency in self.agencies:
            if agency.opd == opd:
                return agency
        raise KeyError(opd)

    def holders(self, code: str) -> tuple[str, ...]:
        """The agencies that hold the affair ``code`` (``"1.03"``), in file order."""
        return tuple(agency.opd for agency in self.agencies if code in agency.urusan)

    def to_csv(self) -> str:
        """The registry as a CSV text that :func:`parse_registry` reads back to it."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS])
        for agency in self.agencies:
            writer.writerow(
                [agency.opd, ";".join(agency.urusan), agency.description, ";".join(agency.aliases)]
            )
        return out.getvalue()


def _clean(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def _rows(text: str, source: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of each agency line, after checking the header."""
    header: tuple[str, ...] | None = None
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error as exc:
            raise DataFileError(f"{source}, line {line_no}: {exc}") from exc
        if header is None:
            header = tuple(field.strip().lower().lstrip("\ufeff") for field in fields)
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise DataFileError(
                    f"{source}, line {line_no}: missing column {', '.join(missing)} "
                    f"(a registry has the columns {','.join(REQUIRED_COLUMNS)}[,aliases])"
                )
            unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
            if unknown or len(set(header)) != len(header):
                raise DataFileError(
                    f"{source}, line {line_no}: unexpected or repeated column "
                    f"{', '.join(unknown) or 'name'}; a registry has the columns "
                    f"{','.join(REQUIRED_COLUMNS)}[,aliases]"
                )
            continue
        if len(fields) != len(header):
            raise DataFileError(
                f"{source}, line {line_no}: {len(fields)} fields, expected {len(header)}"
            )
        yield line_no, {name: _clean(value) for name, value in zip(header, fields, strict=True)}
    if header is None:
        raise DataFileError(f"{source}: no header row")


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", name.casefold()).strip()


def parse_registry(text: str, source: str = "registry") -> AgencyRegistry:
    """Read and validate an agency registry from its CSV text.

    Parameters
    ----------
    text : str
        The file's content.
    source : str
        How errors name the file.

    Returns
    -------
    AgencyRegistry

    Raises
    ------
    DataFileError
        A missing column, a row with another number of fields, an empty ``opd``, ``urusan`` or
        ``description``, a code not in :data:`URUSAN`, an agency or alias already named (case
        and punctuation aside), or no agencies at all; the message names the line.
    """
    agencies: list[Agency] = []
    seen: dict[str, int] = {}
    for line_no, row in _rows(text, source):
        where = f"{source}, line {line_no}"
        empty = [c for c in REQUIRED_COLUMNS if not row[c]]
        if empty:
            raise DataFileError(f"{where}: empty {', '.join(empty)}")
        codes = _split(row["urusan"])
        unknown = [code for code in codes if code not in URUSAN]
        if unknown or not codes:
            raise DataFileError(
                f"{where}: unknown urusan code {', '.join(unknown) or row['urusan']}; "
                "codes are those of Permendagri 90/2019, e.g. 1.03 (pekerjaan umum)"
            )
        if len(set(codes)) != len(codes):
            raise DataFileError(f"{where}: an urusan code is listed twice")
        aliases = _split(row.get("aliases", ""))
        for name in (row["opd"], *aliases):
            key = _key(name)
            if not key:
                raise DataFileError(f"{where}: the name {name!r} has no letters or digits")
            if key in seen:
                raise DataFileError(
                    f"{where}: {name!r} is already an agency or alias on line {seen[key]}"
                )
            seen[key] = line_no
        agencies.append(Agency(row["opd"], codes, row["description"], aliases))
    if not agencies:
        raise DataFileError(f"{source}: no agencies")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return AgencyRegistry(tuple(agencies), source, digest)


def load_registry(path: str | Path) -> AgencyRegistry:
    """Read and validate the agency registry at ``path`` (see :func:`parse_registry`)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read ({exc.__class__.__name__})") from exc
    return parse_registry(text, str(path))


def shipped_registry(tenant: str) -> AgencyRegistry:
    """The registry shipped for ``tenant`` (one of :data:`SHIPPED`).

    Raises
    ------
    DataFileError
        When Triase ships no registry of that name.
    """
    if tenant not in SHIPPED:
        raise DataFileError(f"no shipped registry for {tenant!r}; shipped: {', '.join(SHIPPED)}")
    name = f"{tenant}.csv"
    text = (
        resources.files("triage.resources").joinpath("registries").joinpath(name).read_text("utf-8")
    )
    return parse_registry(text, f"registries/{name}")
