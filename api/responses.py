"""What the service answers, declared once for the OpenAPI document.

The views build these bodies from the library's ``to_dict()`` results; the schemathesis test
checks every answer against the document generated from these models.  A field typed
``X | Omitted`` may be left out; ``X | None`` is always there and may be null.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, RootModel
from pydantic.json_schema import SkipJsonSchema

from api.requests import ARCHIVE_REASONS, STATES, Status

Omitted = SkipJsonSchema[None]
Count = Annotated[int, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Freq = Literal["W", "D"]
AlertStatus = Literal["open", "acknowledged"]


class Response(BaseModel):
    """Responses may grow fields; clients ignore those they do not know."""


class Error(Response):
    error: str
    detail: str


class Conflict(Error):
    existing_id: Annotated[int, Field(description="The complaint stored under this id.")]


class Alternative(Response):
    label: str
    confidence: float


Authority = Annotated[
    Literal["local", "external"],
    Field(
        description="external: the complaint is another body's business ('bukan wewenang'); "
        "it is then routed to no city agency (opd is null) and needs review."
    ),
]
ExternalBody = Annotated[
    str, Field(description="The registry key of that body (e.g. PLN); empty when local.")
]


class Referral(Response):
    body: Annotated[str, Field(description="The body's registry key.")]
    name: str
    contact: Annotated[str, Field(description="How the citizen reaches that body.")]
    reason: Annotated[str, Field(description="Quotes the complaint's phrase that points there.")]


UrgentFlag = Annotated[
    bool,
    Field(
        description="An emergency for 112 by the urgency lexicon (fire, an accident with a "
        "victim, people trapped by a flood...); it goes to the top of the review queue."
    ),
]
UrgencyReason = Annotated[
    str | None, Field(description="The category and the words that made it urgent.")
]


class MissingItem(Response):
    item: Annotated[Literal["isi", "objek", "lokasi"], Field(description="What is missing.")]
    question: Annotated[str, Field(description="The ready question for the reporter.")]


class Decision(Response):
    opd: str | None
    opd_confidence: float
    topic: str | None | Omitted = None
    topic_confidence: float | None | Omitted = None
    needs_review: bool
    alternatives: list[Alternative]
    topic_alternatives: list[Alternative] | Omitted = None
    reasons: list[str]
    authority: Authority | Omitted = None
    external_body: ExternalBody | Omitted = None
    referral: Referral | None | Omitted = None
    urgent: UrgentFlag | Omitted = None
    urgency_reason: UrgencyReason | Omitted = None
    missing: list[MissingItem] | Omitted = None


class Decisions(Response):
    model_version: str
    decisions: list[Decision]


class OneDecision(Decision):
    model_version: str


class ClassifyResult(RootModel[OneDecision | Decisions]):
    """One decision with the model version, or ``decisions`` for a batch."""


class Prediction(Response):
    model_version: str
    opd: str | None
    opd_confidence: float
    topic: str | None | Omitted = None
    topic_confidence: float | None | Omitted = None
    needs_review: bool
    latency_ms: float | Omitted = None
    created_at: datetime
    authority: Authority | Omitted = None
    external_body: ExternalBody | Omitted = None


class Correction(Response):
    id: int
    corrected_by: str
    created_at: datetime
    old_opd: str | None | Omitted = None
    new_opd: str | None
    old_topic: str | None | Omitted = None
    new_topic: str | None
    new_label: bool | Omitted = None
    reason: Annotated[str | None | Omitted, Field(description="With personal data masked.")] = None
    place_known: Annotated[
        bool | None | Omitted,
        Field(description="False: new_opd names an area office outside the gazetteer."),
    ] = None
    authority: Annotated[
        str | None | Omitted,
        Field(description='Who holds the complaint: "local" or an external body\'s key.'),
    ] = None


State = Annotated[str, Field(json_schema_extra={"enum": list(STATES)})]
ArchiveReasonValue = Annotated[str, Field(json_schema_extra={"enum": list(ARCHIVE_REASONS)})]


class SlaDue(Response):
    verification: date
    follow_up: date
    resolution: date


class SlaFlags(Response):
    verification: bool
    follow_up: bool
    resolution: bool


class Sla(Response):
    due: Annotated[SlaDue, Field(description="The last local day each clock is in time.")]
    working_days_elapsed: Annotated[
        Count, Field(description="Working days since receipt, up to the closing or today.")
    ]
    overdue: SlaFlags


class Complaint(Response):
    id: int
    source: str
    external_id: str
    channel: str | None | Omitted = None
    created_at: datetime
    received_at: datetime | Omitted = None
    kecamatan: str | None | Omitted = None
    kelurahan: str | None | Omitted = None
    place_known: Annotated[
        bool | None | Omitted,
        Field(
            description="Whether kecamatan and kelurahan are places of the tenant's gazetteer; "
            "null when no place was sent or nobody checked."
        ),
    ] = None
    title: str | None | Omitted = None
    text: Annotated[str, Field(description="With personal data masked.")]
    status: Status
    opd: str | None | Omitted = None
    topic: str | None | Omitted = None
    prediction: Prediction | None | Omitted = None
    corrections: list[Correction] | Omitted = None
    state: Annotated[State, Field(description="Where the complaint stands in its life.")]
    urgent: UrgentFlag
    urgency_reason: UrgencyReason
    missing: list[MissingItem]
    sla: Annotated[
        Sla | None,
        Field(description="Null when the holiday calendar does not cover a year on the way."),
    ]
    incident_id: Annotated[
        int | None,
        Field(
            description="The first complaint of its incident (its own id when it starts one), "
            "found at intake; null when never looked up (stored before incidents, bulk imports)."
        ),
    ]
    duplicate_of: Annotated[
        int | None,
        Field(description="The original when this is the same complaint sent again."),
    ]
    incident_size: Annotated[
        Count | Omitted, Field(description="Complaints in its incident, itself included.")
    ] = None
    incident_open: Annotated[
        Count | Omitted, Field(description="Of them, those not yet ended.")
    ] = None


class Event(Response):
    complaint_id: int
    seq: Annotated[int, Field(ge=1, description="1 for the first move, then 2, 3...")]
    from_state: State
    to_state: State
    actor: Annotated[str, Field(description="The API key's name that made the move.")]
    role: str
    at: datetime
    reason: Annotated[str | None, Field(description="With personal data masked.")]
    archive_reason: ArchiveReasonValue | None
    external_body: str | None
    tanggapan: Annotated[
        str | None, Field(description="What the reporter is told; personal data masked.")
    ]


class EventList(Response):
    complaint_id: int
    events: list[Event]


class SkippedMember(Response):
    id: int
    state: Annotated[State, Field(description="It had already ended there.")]


class ClusterResult(Response):
    events: Annotated[list[Event], Field(description="One per member moved with the first.")]
    skipped: list[SkippedMember]


class TransitionResult(Response):
    event: Event
    complaint: Complaint
    cluster_open: (
        Annotated[
            list[int],
            Field(
                description="Resolving or archiving an incident's first complaint: its other "
                "open complaints, to move with apply_to_cluster."
            ),
        ]
        | Omitted
    ) = None
    cluster: Annotated[ClusterResult, Field(description="With apply_to_cluster.")] | Omitted = None


class IllegalTransition(Error):
    allowed: Annotated[
        list[State], Field(description="The states that may follow the current one.")
    ]


class ComplaintPage(Response):
    items: list[Complaint]
    total: Count
    limit: Count
    offset: Count


class IncidentItem(Complaint):
    members: Annotated[
        list[Complaint],
        Field(
            description="The incident's other complaints the filters list, most urgent then "
            "oldest first; without a state filter those that have ended are left out."
        ),
    ]


class IncidentPage(Response):
    group: Literal["incident"]
    items: Annotated[
        list[IncidentItem],
        Field(description="One per incident: its first complaint, with its members."),
    ]
    total: Annotated[Count, Field(description="Incidents, not complaints.")]
    limit: Count
    offset: Count


class QueuePage(RootModel[ComplaintPage | IncidentPage]):
    """One complaint per item, or with group=incident one incident per item."""


class OpdStats(Response):
    opd: str | None
    complaints: Count
    auto_routed: Count | Omitted = None
    reviewed: Count | Omitted = None
    correct: Count | Omitted = None
    accuracy: Share | None


class ExternalBodyStats(Response):
    body: Annotated[str, Field(description="The body's registry key (e.g. PLN).")]
    name: str
    complaints: Count


class AuthorityStats(Response):
    corrected: Annotated[
        Count, Field(description="Complaints whose corrections say who holds them.")
    ]
    correct: Annotated[
        Count, Field(description="Of them, those whose first prediction said the same.")
    ]
    accuracy: Share | None


class Stats(Response):
    start: datetime | None | Omitted = None
    end: datetime | None | Omitted = None
    complaints: Count
    by_status: dict[str, Count]
    auto_routed: Count | Omitted = None
    auto_routed_share: Share | None
    reviewed: Count | Omitted = None
    correct: Count | Omitted = None
    accuracy: Share | None
    auto_routed_reviewed: Count | Omitted = None
    auto_routed_accuracy: Share | None | Omitted = None
    per_opd: list[OpdStats]
    external: Annotated[
        Count, Field(description="Complaints first found to be another body's business.")
    ] = 0
    per_external_body: list[ExternalBodyStats] | Omitted = None
    authority: AuthorityStats | Omitted = None
    by_state: (
        Annotated[dict[str, Count], Field(description="Complaints per lifecycle state.")] | Omitted
    ) = None
    compliance: (
        Annotated[
            Compliance | None,
            Field(
                description="SLA compliance per agency and month of receipt for complaints "
                "received in the range; null when the holiday calendar does not cover a year."
            ),
        ]
        | Omitted
    ) = None


class ComplianceMonth(Response):
    month: Annotated[str, Field(description="YYYY-MM, the local month of receipt.")]
    agency: str
    received: Count
    verified_in_time_pct: Annotated[
        float | None, Field(description="Of the clocks that closed; null while none has.")
    ]
    followed_up_in_time_pct: float | None
    resolved: Count
    resolved_in_time_pct: float | None
    median_working_days_to_disposition: float | None
    overdue: Count


class OverdueComplaint(Response):
    id: int
    month: str
    agency: str
    clocks: list[Literal["verifikasi", "tindak_lanjut", "penyelesaian"]]
    received_at: datetime


class Compliance(Response):
    months: list[ComplianceMonth]
    overdue: list[OverdueComplaint]


class Model(Response):
    version: str
    labels: dict[str, list[str]]
    metrics: dict[str, Any]


class Health(Response):
    status: str
    checks: dict[str, Any] | Omitted = None


class Reloaded(Response):
    previous: str
    version: str
    changed: bool


class TrendPoint(Response):
    period: date
    observed: Count
    expected: float | None
    upperbound: float | None
    alarm: bool
    method: Literal["none", "recent", "seasonal"]


class TrendSeries(Response):
    group: str
    values: dict[str, str]
    total: Count
    alarms: Count
    points: list[TrendPoint]


class Trends(Response):
    group: list[str]
    freq: Freq
    from_: date = Field(alias="from")
    to: date
    total_groups: Count
    warnings: list[str] | Omitted = None
    series: list[TrendSeries]


Relation = Annotated[
    Literal["context", "where", "same"],
    Field(
        description="context: a broader count that the headline's spike lifts; where: one of "
        "the places a broad headline's rise happened in; same: the same incident seen by the "
        "weekly model after the burst that heads it."
    ),
]
AlertKind = Annotated[
    Literal["spike", "burst"],
    Field(
        description="spike: periods (freq W or D) above the seasonal model's bound; burst: "
        "hours (freq H) of the hourly scan, within the day."
    ),
]
AlertFreq = Literal["W", "D", "H"]
BurstTime = Annotated[
    datetime,
    Field(description="A burst's window of hours (start, end); null for a spike."),
]
ExcessShare = Annotated[
    float,
    Field(
        ge=0,
        le=1,
        description="The part of the broader alert's excess over expected that the narrower "
        "one accounts for.",
    ),
]


class RelatedAlert(Response):
    id: int
    relation: Relation
    share: ExcessShare | None | Omitted = None
    group_columns: list[str]
    group_key: str
    group_values: dict[str, str]
    start: date
    end: date
    observed: float
    expected: float
    severity: float | Omitted = None
    status: AlertStatus
    summary: str | Omitted = None
    summary_id: str | Omitted = None
    kind: AlertKind | Omitted = None


class Alert(Response):
    id: int
    group_columns: list[str]
    group_key: str
    group_values: dict[str, str] | Omitted = None
    freq: AlertFreq
    start: date
    end: date
    periods: int | Omitted = None
    observed: float | Omitted = None
    expected: float | Omitted = None
    upperbound: float | Omitted = None
    severity: float | Omitted = None
    score: float | Omitted = None
    last_year: float | None | Omitted = None
    method: str | Omitted = None
    reason: str | Omitted = None
    summary: Annotated[str, Field(description="The alert as one English sentence.")] | Omitted = (
        None
    )
    summary_id: Annotated[str, Field(description="The same in Indonesian.")] | Omitted = None
    top_words: list[str] | Omitted = None
    example_ids: list[str] | Omitted = None
    status: AlertStatus
    acknowledged_by: str | None | Omitted = None
    acknowledged_at: datetime | None | Omitted = None
    note: str | None | Omitted = None
    created_at: datetime | Omitted = None
    updated_at: datetime | Omitted = None
    series: (
        Annotated[
            dict[str, Any],
            Field(
                description="Per period, two years up to the alert: dates, observed, "
                "expected, upperbound, alarm (parallel arrays)."
            ),
        ]
        | Omitted
    ) = None
    headline_id: (
        Annotated[
            int,
            Field(
                description="The alert this one is shown under (same spike, another "
                "grouping); null when it is a headline itself."
            ),
        ]
        | None
        | Omitted
    ) = None
    relation: Relation | None | Omitted = None
    share: ExcessShare | None | Omitted = None
    kind: AlertKind | Omitted = None
    window_start: BurstTime | None | Omitted = None
    window_end: BurstTime | None | Omitted = None
    related: (
        Annotated[
            list[RelatedAlert],
            Field(
                description="The alerts shown under this one, most excess over expected "
                "first (nested listings, one alert and acknowledgements)."
            ),
        ]
        | Omitted
    ) = None


class AlertPage(Response):
    items: list[Alert]
    total: Count
    limit: Count
    offset: Count
