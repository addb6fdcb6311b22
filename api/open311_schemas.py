"""GeoReport v2 shapes: services from the model's labels, service requests from stored
complaints, the form a reporter posts, and the location lines kept in a complaint's text.

The store has no location columns, so an Open311 complaint keeps its address and coordinates
as two lines at the end of its (masked) text, which :func:`split_location` reads back.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict

from api.fields import ComplaintText, Text255, Text1000
from api.state import RoutingModel
from triage.casework.lifecycle import State
from triage.casework.sla import SlaPolicy, due_dates, local_date
from triage.errors import CalendarError
from triage.routing.labels import OTHER_LABEL
from triage.store import ComplaintRecord

SOURCE = "open311"
# Final states of a complaint's life, as SP4N-LAPOR! names them (triage.casework.lifecycle).
CLOSED_STATES = frozenset({State.SELESAI, State.DIARSIPKAN, State.DIALIHKAN, State.DITUTUP_SISTEM})
POLICY = SlaPolicy()
_ADDRESS = "Alamat (Open311): "
_COORDINATES = "Koordinat (Open311): "
_LOCATION = re.compile(
    rf"\n\n(?:{re.escape(_ADDRESS)}(?P<address>[^\n]*))?"
    rf"\n?(?:{re.escape(_COORDINATES)}(?P<lat>-?\d+\.\d+),(?P<long>-?\d+\.\d+))?\Z"
)


def open311_status(record: ComplaintRecord) -> str:
    """``closed`` when the complaint's lifecycle state is final, else ``open``.

    The one place that reads a complaint's state for Open311: ``selesai``, ``diarsipkan``,
    ``dialihkan`` and ``ditutup_sistem`` are closed.
    """
    return "closed" if record.state in CLOSED_STATES else "open"


def status_notes(record: ComplaintRecord) -> str:
    """A sentence for the reporter on where the complaint stands."""
    closed = _CLOSED_NOTES.get(record.state)
    if closed is not None:
        return closed
    if record.status == "needs_review":
        return "Menunggu telaah petugas sebelum diteruskan."
    if record.status == "corrected":
        return f"Ditelaah petugas dan diteruskan ke {record.opd}."
    return f"Diteruskan ke {record.opd}."


_CLOSED_NOTES: dict[str, str] = {
    State.SELESAI: "Selesai ditindaklanjuti.",
    State.DIARSIPKAN: "Diarsipkan oleh petugas.",
    State.DIALIHKAN: "Dialihkan ke instansi yang berwenang.",
    State.DITUTUP_SISTEM: "Ditutup oleh sistem.",
}

SERVICE_NOTICE = (
    f"Janji penyelesaian: {POLICY.resolution_days} hari kalender sejak pengaduan diterima."
)


def slug(name: str) -> str:
    """A stable service code for a topic name: ASCII, lower case, words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "layanan"


@dataclass(frozen=True)
class Service:
    """One topic as a GeoReport service."""

    code: str
    name: str
    group: str | None
    complaints: int

    def to_dict(self) -> dict[str, Any]:
        """The service as ``services.json`` lists it."""
        return {
            "service_code": self.code,
            "service_name": self.name,
            "description": f"Pengaduan {self.name}"
            + (f", biasanya ditangani {self.group}." if self.group else "."),
            "metadata": False,
            "type": "realtime",
            "keywords": ", ".join(dict.fromkeys(slug(self.name).split("-"))),
            "group": self.group,
        }

    def definition(self) -> dict[str, Any]:
        """The service definition: no attributes to ask for."""
        return {"service_code": self.code, "attributes": []}


def services_of(model: RoutingModel) -> tuple[Service, ...]:
    """The model's topics as services, most trained-on first.

    The metadata keeps no topic-by-agency table, so a topic's group is the agency the model
    itself routes the topic's name to. Codes are slugs of the names; a name whose slug another
    name already took gets ``-2``, ``-3`` … in label order, which stays put between versions
    that keep the same labels.
    """
    topics = [t for t in model.labels.get("topic", []) if t != OTHER_LABEL]
    if not topics:
        return ()
    decisions = model.decide([{"text": topic} for topic in topics])
    counts = getattr(model.metadata, "label_counts", {}).get("topic", {})
    taken: dict[str, int] = {}
    found = []
    for topic, decision in zip(topics, decisions, strict=True):
        code = slug(topic)
        taken[code] = taken.get(code, 0) + 1
        if taken[code] > 1:
            code = f"{code}-{taken[code]}"
        found.append(Service(code, topic, decision.opd, int(counts.get(topic, 0))))
    return tuple(sorted(found, key=lambda s: (-s.complaints, s.code)))


def _coordinate(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError("must be a decimal number") from None
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
    return value


Latitude = Annotated[float, Ge(-90), Le(90), BeforeValidator(_coordinate)]
Longitude = Annotated[float, Ge(-180), Le(180), BeforeValidator(_coordinate)]


class ServiceRequestForm(BaseModel):
    """A POST requests.json form. The reporter's contact fields are checked for length only:
    they are never stored, and enter only the hash that makes a resent form a retry."""

    # Clients send fields of their own (jurisdiction_id, attribute[...]): ignored, not refused.
    model_config = ConfigDict(strict=True, extra="ignore")

    service_code: Text255 = None
    description: ComplaintText
    lat: Latitude | None = None
    long: Longitude | None = None
    address_string: Text1000 = None
    address_id: Text255 = None
    email: Text255 = None
    device_id: Text255 = None
    account_id: Text255 = None
    first_name: Text255 = None
    last_name: Text255 = None
    phone: Text255 = None
    media_url: Text1000 = None


def location_text(address: str | None, lat: float | None, long: float | None) -> str:
    """The lines appended to the complaint text (empty without a location)."""
    lines = []
    if address:
        lines.append(_ADDRESS + " ".join(address.split()))
    if lat is not None and long is not None:
        lines.append(f"{_COORDINATES}{lat:.6f},{long:.6f}")
    return "\n\n" + "\n".join(lines) if lines else ""


def split_location(record: ComplaintRecord) -> tuple[str, str | None, float | None, float | None]:
    """The description, address, latitude and longitude of a stored complaint."""
    found = _LOCATION.search(record.text) if record.source == SOURCE else None
    if found is None or found.group(0) == "\n\n":
        return record.text, None, None, None
    lat, long = found.group("lat"), found.group("long")
    return (
        record.text[: found.start()],
        found.group("address"),
        float(lat) if lat else None,
        float(long) if long else None,
    )


def expected_datetime(received_at: datetime, timezone: ZoneInfo) -> datetime:
    """The end of the last local day of the resolution promise (:mod:`triage.casework.sla`)."""
    try:
        day = due_dates(received_at, POLICY).resolution
    except CalendarError:
        # The resolution promise counts calendar days: no holiday calendar is needed for it.
        day = local_date(received_at) + timedelta(days=POLICY.resolution_days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=timezone)


def _local(moment: datetime, timezone: ZoneInfo) -> str:
    return moment.astimezone(timezone).isoformat(timespec="seconds")


def service_name(record: ComplaintRecord) -> str | None:
    """The complaint's topic as routed or corrected; without one, the service the reporter
    chose (kept as the title of an Open311 complaint)."""
    if record.topic and record.topic != OTHER_LABEL:
        return record.topic
    return record.title if record.source == SOURCE else None


def request_dict(
    record: ComplaintRecord, codes: dict[str, Service], timezone: ZoneInfo
) -> dict[str, Any]:
    """A stored complaint as a GeoReport service request (its text is masked already)."""
    description, address, lat, long = split_location(record)
    name = service_name(record)
    service = codes.get(name) if name else None
    updates = [record.received_at, *(c.created_at for c in record.corrections)]
    return {
        "service_request_id": str(record.id),
        "status": open311_status(record),
        "status_notes": status_notes(record),
        "service_name": name,
        "service_code": service.code if service else (slug(name) if name else None),
        "description": description,
        "agency_responsible": record.opd,
        "service_notice": SERVICE_NOTICE,
        "address_id": None,
        "requested_datetime": _local(record.created_at, timezone),
        "updated_datetime": _local(max(updates), timezone),
        "expected_datetime": _local(expected_datetime(record.received_at, timezone), timezone),
        "address": address,
        "zipcode": None,
        "lat": lat,
        "long": long,
        # URLs are personal data to the masker; the store keeps none, so none is shown.
        "media_url": None,
    }
