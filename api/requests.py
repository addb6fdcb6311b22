"""Every request body and query the service accepts, declared once.

:mod:`api.validation` checks requests against these models and :mod:`api.openapi` writes them
into the OpenAPI document; a limit changes in one place for both.  Rules across fields that a
schema cannot state (a reversed date range, a label the model does not know) stay in the views.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    RootModel,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from api.fields import (
    NOT_NULL,
    ChannelField,
    ComplaintText,
    DateOrTime,
    Doc,
    ExternalId,
    Label,
    LocalDay,
    Name64,
    Note2000,
    Offset,
    PageLimit,
    PastTimestamp,
    Place,
    QueryText,
    Setting,
    Source,
    Text1000,
    ascii_int,
)
from triage.casework.lifecycle import ArchiveReason, State
from triage.errors import InputError
from triage.periods import STEP_DAYS
from triage.store import STATUSES
from triage.store.complaints import authority_choices
from triage.store.trend_queries import GROUP_COLUMNS, parse_group


def _one_of(choices: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices:
            raise PydanticCustomError("enum", f"must be one of {', '.join(choices)}")
        return value

    return AfterValidator(check)


def _group(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return parse_group(value)
    except InputError as exc:
        raise PydanticCustomError("group", str(exc)) from None


# Every ordering of one to three group columns: each names a different series label.
GROUP_CHOICES = [
    ",".join(columns)
    for size in range(1, len(GROUP_COLUMNS) + 1)
    for columns in itertools.permutations(GROUP_COLUMNS, size)
]
STATES = tuple(state.value for state in State)
ARCHIVE_REASONS = tuple(reason.value for reason in ArchiveReason)
Status = Annotated[str, _one_of(STATUSES), Doc({"enum": list(STATUSES)})]
StateName = Annotated[str, _one_of(STATES), Doc({"enum": list(STATES)})]
ArchiveReasonName = Annotated[str, _one_of(ARCHIVE_REASONS), Doc({"enum": list(ARCHIVE_REASONS)})]
Group = Annotated[
    tuple[str, ...],
    BeforeValidator(_group),
    WithJsonSchema({"type": "string", "enum": GROUP_CHOICES}),
]
MAX_GROUPS = 100
GroupLimit = Annotated[int, Ge(1), Le(MAX_GROUPS), BeforeValidator(ascii_int)]
# Checked in the view, so that an unknown body is a 422 listing the keys, as an unknown label.
AuthorityName = Annotated[
    str,
    Field(max_length=64),
    Doc(
        {
            "enum": list(authority_choices()),
            "description": '"local", or the registry key of the external body the complaint '
            "belongs to (bukan wewenang).",
        }
    ),
]
Freq = Annotated[str, _one_of(tuple(STEP_DAYS)), Doc({"enum": list(STEP_DAYS)})]


class Request(BaseModel):
    """Strict JSON types (no "5" for 5, no "yes" for true) and no unknown fields: a misspelt
    field is refused rather than silently ignored."""

    model_config = ConfigDict(strict=True, extra="forbid")


class ComplaintInput(Request):
    """One complaint to route.  Personal data in the places is masked; a place outside the
    tenant's gazetteer is kept but sends the complaint to review."""

    text: Annotated[ComplaintText, Field(description="The complaint as the citizen wrote it.")]
    title: Text1000 = None
    kecamatan: Place = None
    kelurahan: Place = None

    def record(self) -> dict[str, str | None]:
        """The fields the model reads."""
        return {
            "text": self.text,
            "title": self.title,
            "kecamatan": self.kecamatan,
            "kelurahan": self.kelurahan,
        }


class ClassifyBatch(Request):
    """A batch of complaints to route."""

    complaints: Annotated[
        list[ComplaintInput], Field(min_length=1), Setting("maxItems", "max_batch")
    ]


def _classify_kind(body: Any) -> str:
    return "batch" if isinstance(body, dict) and "complaints" in body else "one"


class ClassifyRequest(
    RootModel[
        Annotated[
            Annotated[ComplaintInput, Tag("one")] | Annotated[ClassifyBatch, Tag("batch")],
            Discriminator(_classify_kind),
        ]
    ]
):
    """One complaint, or ``{"complaints": [...]}``."""

    model_config = ConfigDict(strict=True)


class ComplaintCreate(ComplaintInput):
    """A complaint to store and route; idempotent on ``source`` and ``external_id`` (a retry
    that differs from the stored complaint is a 409)."""

    source: Source
    external_id: ExternalId
    channel: ChannelField = None
    created_at: PastTimestamp | None = None


class CorrectionRequest(Request):
    """At least one of opd, topic and authority. Labels outside the model's are refused with
    422 unless new_label is true; OPDs may also name an area office of a place in the tenant's
    gazetteer ('Kecamatan Andir', 'Kelurahan Campaka'). ``authority`` corrects the "bukan
    wewenang" decision: "local" or an external body's registry key (an unknown one is a 422
    listing them); an external body comes without an opd, since it routes the complaint to no
    city agency. Labels and the reviewer must not hold personal data; the reason is masked."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [{"required": ["opd"]}, {"required": ["topic"]}, {"required": ["authority"]}]
        }
    )

    opd: Label = None
    topic: Label = None
    authority: Annotated[AuthorityName | None, NOT_NULL] = None
    new_label: bool = False
    reason: Note2000 = None
    reviewer: Name64 = None

    @model_validator(mode="after")
    def _one_label(self) -> CorrectionRequest:
        if self.opd is None and self.topic is None and self.authority is None:
            raise ValueError("send an 'opd', a 'topic' or an 'authority'")
        return self


class AcknowledgeRequest(Request):
    """An optional note to keep with the acknowledgement (personal data masked)."""

    note: Note2000 = None


class ComplaintQuery(Request):
    """Filters and page of the review queue (urgent complaints first, then oldest first)."""

    status: Annotated[Status | None, NOT_NULL] = None
    opd: QueryText = None
    state: Annotated[StateName | None, NOT_NULL] = None
    group: Annotated[
        Literal["none", "incident"],
        Field(
            description="incident: one item per incident, its first complaint with the other "
            "complaints listed nested in `members`; limit and offset count incidents."
        ),
    ] = "none"
    limit: PageLimit = Field(default=None, validate_default=True)
    offset: Offset = 0


class TransitionRequest(Request):
    """Move a complaint to the state ``to``. Archiving needs ``archive_reason``; handing over
    (dialihkan) needs ``external_body`` (a registry key); asking the reporter, following up,
    finishing and handing over need ``tanggapan``, the text the reporter sees. ``reason`` and
    ``tanggapan`` are masked (phone numbers, NIK, e-mail addresses, URLs)."""

    to: StateName
    reason: Note2000 = None
    archive_reason: Annotated[ArchiveReasonName | None, NOT_NULL] = None
    external_body: Name64 = None
    tanggapan: Note2000 = None
    apply_to_cluster: Annotated[
        bool,
        Field(
            description="Move the other open complaints of the incident this one starts too "
            "(selesai or diarsipkan only), each with its own event, all or none."
        ),
    ] = False


class StatsQuery(Request):
    """Local days or date-times; a plain ``to`` date includes that day."""

    from_: Annotated[DateOrTime | None, NOT_NULL] = Field(default=None, alias="from")
    to: Annotated[DateOrTime | None, NOT_NULL] = None


class TrendsQuery(Request):
    """Grouping, period and range of a trends chart; defaults are set by the view."""

    group: Group = Field(default="topic", validate_default=True)
    freq: Freq = "W"
    from_: Annotated[LocalDay | None, NOT_NULL] = Field(default=None, alias="from")
    to: Annotated[LocalDay | None, NOT_NULL] = None
    limit: GroupLimit = 20


class AlertQuery(Request):
    """Status filter, nesting and page of the alert listing."""

    status: Literal["open", "acknowledged", "all"] = "open"
    related: Literal["nested", "flat"] = "nested"
    limit: PageLimit = Field(default=None, validate_default=True)
    offset: Offset = 0
