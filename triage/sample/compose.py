"""Compose one synthetic complaint (title and text) from the phrase tables.

A complaint is assembled from parts (opener, framed problem, routing cue, duration, impact,
history, request, contact, closer) and then pushed through a register: formal letter,
plain, WhatsApp chat or a 112 operator's note. Used only by ``triage.sample.generator``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from triage.sample import vocab as v
from triage.sample.people import email_address, nik_number, phone_number
from triage.sample.register import informalise
from triage.sample.vocab import TopicSpec

_CUE_SHARE = 0.7
_ANNOUNCING = re.compile(r"(?i)lapor|menyampaikan|mengadukan")
_THIRD_PERSON = re.compile(r"\b(saya|kami)\b", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,!?])")
_ALTERNATIVES = re.compile(r"\{([^{}]*\|[^{}]*)\}")
_SLOT = re.compile(r"\{([A-Z_]+)\}")


@dataclass(frozen=True)
class Place:
    """Where the complainant lives (the row's kecamatan and kelurahan) and nearby streets."""

    kecamatan: str
    kelurahan: str
    streets: tuple[str, ...]
    kecamatan_code: int


@dataclass(frozen=True)
class Request:
    """Everything the composer needs to know about one row."""

    topic: TopicSpec
    cues: tuple[str, ...]
    place: Place
    channel: str
    register: str
    hour: int
    vague: bool = False
    secondary: TopicSpec | None = None
    wording: TopicSpec | None = None
    notes: tuple[str, ...] = ()


@dataclass
class _Row:
    """Per-row state: the same street, name and phone number reappear within one complaint."""

    request: Request
    rnd: random.Random
    street: str
    rt: int
    rw: int
    name: str
    loc_used: int = 0
    slots: dict[str, Callable[[], str]] = field(default_factory=dict)

    def fill(self, template: str) -> str:
        """Expand a template with this row's slots."""
        return expand(template, self.rnd, self.slots)


def _pick(rnd: random.Random, options: tuple[str, ...]) -> str:
    return options[rnd.randrange(len(options))]


def expand(template: str, rnd: random.Random, slots: dict[str, Callable[[], str]]) -> str:
    """Fill upper-case slots and resolve ``{a|b}`` alternatives until none remain."""

    def fill(match: re.Match[str]) -> str:
        provider = slots.get(match.group(1))
        return provider() if provider else match.group(0)

    text = template
    while "{" in text:
        # Slot values and chosen alternatives may hold further slots ("SDN {ANGKA}").
        new = _ALTERNATIVES.sub(
            lambda m: _pick(rnd, tuple(m.group(1).split("|"))), _SLOT.sub(fill, text)
        )
        if new == text:
            break
        text = new
    return text


def _location(row: _Row) -> str:
    # The first mention of the place is full; later ones refer back to it.
    row.loc_used += 1
    if row.loc_used > 1:
        return _pick(row.rnd, ("di situ", "di lokasi tersebut", "di sana", "di tempat itu"))
    if row.request.vague and row.rnd.random() < 0.5:
        return ""
    forms = (
        "di {JALAN}",
        "di {JALAN} {RT}",
        "di {JALAN} dekat {TEMPAT}",
        "di depan {TEMPAT} {JALAN}",
        "di {GANG} {RT} Kel. {KEL}",
        "di Kelurahan {KEL} Kecamatan {KEC}",
        "di daerah {KEL}",
        "di sekitar {TEMPAT} {KEL}",
        "di Komplek {KOMPLEK} {KEL} Blok {A|B|C|D|E|F} No. {NO}",
        "di {JALAN} No. {NO}, Kel. {KEL}, Kec. {KEC}",
        "di wilayah {RT} Kelurahan {KEL}",
        "dekat {TEMPAT} di {JALAN}",
        "di ujung {GANG} {KEL}",
        "di Kecamatan {KEC}",
        "{di|sekitar} {JALAN}, Kel. {KEL}",
    )
    return expand(_pick(row.rnd, forms), row.rnd, row.slots)


def _row_state(request: Request, rnd: random.Random) -> _Row:
    place = request.place
    name = f"{_pick(rnd, v.FIRST_NAMES)} {_pick(rnd, v.LAST_NAMES)}".strip()
    row = _Row(
        request, rnd, _pick(rnd, place.streets), rnd.randint(1, 15), rnd.randint(1, 20), name
    )
    phone = phone_number(rnd)
    greeting = ("pagi" if request.hour < 11 else "siang" if request.hour < 15
                else "sore" if request.hour < 18 else "malam")  # fmt: skip
    row.slots.update(
        LOC=lambda: _location(row),
        JALAN=lambda: row.street,
        KEL=lambda: place.kelurahan,
        KEC=lambda: place.kecamatan,
        TEMPAT=lambda: _pick(rnd, v.LANDMARKS),
        ANGKA=lambda: str(rnd.randint(2, 9)),
        NO=lambda: str(rnd.randint(1, 120)),
        RT=lambda: f"RT {row.rt:02d}/RW {row.rw:02d}" if rnd.random() < 0.6 else f"RT {row.rt}",
        GANG=lambda: _pick(rnd, v.GANG),
        KOMPLEK=lambda: _pick(rnd, v.KOMPLEK),
        NAMA=lambda: row.name,
        TELP=lambda: phone,
        EMAIL=lambda: email_address(rnd, row.name),
        NIK_OPT=lambda: (
            f"NIK {nik_number(rnd, place.kecamatan_code)}, " if rnd.random() < 0.5 else ""
        ),
        SALAM=lambda: _pick(rnd, v.GREETINGS[greeting]),
        PIHAK=lambda: _pick(rnd, v.PIHAK),
        JAM=lambda: f"{request.hour:02d}.{rnd.randrange(60):02d}",
    )
    return row


def _sentence(text: str) -> str:
    text = text.strip()
    if not text or "\n" in text:
        return text
    text = text[0].upper() + text[1:]
    return text + "." if text[-1].isalnum() or text[-1] == ")" else text


def _problem(row: _Row) -> str:
    topic, rnd = row.request.topic, row.rnd
    if row.request.vague:
        pool = topic.vague if topic.vague and rnd.random() < 0.7 else v.VAGUE
        return expand(_pick(rnd, pool), rnd, row.slots)
    problem = row.fill(_pick(rnd, (row.request.wording or topic).problems))
    if row.loc_used == 0 and rnd.random() < 0.75:
        problem = f"{problem} {_location(row)}".rstrip()
    return problem


def _body(row: _Row, shape: str, announced: bool) -> list[str]:
    """The sentences of the complaint, grouped into paragraphs by blank strings."""
    req, rnd = row.request, row.rnd
    expand_ = row.fill
    kind = "place" if req.topic.place_bound else "service"
    frame = _pick(rnd, v.FRAMES[req.register])
    if announced and _ANNOUNCING.search(frame):
        frame = "{P}."  # the opener already said "I want to report"
    parts: list[str] = [expand_(frame.replace("{P}", _problem(row)))]
    if req.secondary is not None:
        # Only the short mentions can come first: a full problem would refer back to a
        # place that has not been named yet.
        if rnd.random() < 0.25:
            parts.insert(0, _sentence(expand_(_pick(rnd, req.secondary.mentions))))
        else:
            pool = req.secondary.mentions if rnd.random() < 0.5 else req.secondary.problems
            mention = expand_(_pick(rnd, pool))
            parts.append(expand_(_pick(rnd, v.SECONDARY)).replace("{M}", mention))
    if req.vague:
        # A vague complaint names neither the problem nor the agency anywhere.
        parts.append(expand_(_pick(rnd, v.REQUESTS[kind])))
        return parts
    if req.notes and rnd.random() < 0.6:
        parts.append(expand_(_pick(rnd, req.notes)))
    if req.cues and rnd.random() < _CUE_SHARE:
        parts.append(_sentence(_pick(rnd, req.cues)))
    if shape == "oneliner":
        if rnd.random() < 0.5:
            parts.append(expand_(_pick(rnd, req.topic.requests + v.REQUESTS[kind])))
        return parts
    if shape in ("medium", "long", "very_long"):
        acute = req.topic.emergency and (req.register == "operator" or rnd.random() < 0.5)
        duration = expand_(_pick(rnd, v.ACUTE_DURATIONS if acute else v.DURATIONS))
        parts.append(_sentence(expand_(_pick(rnd, v.DURATION_FRAMES).replace("{D}", duration))))
        parts.append(expand_(_pick(rnd, req.topic.details + v.IMPACTS[kind])))
    if shape in ("long", "very_long"):
        elaborations = v.ELABORATIONS[kind] + v.ELABORATIONS["both"]
        # Drawn without replacement so that a letter never repeats a sentence.
        details = rnd.sample(req.topic.details, min(2, len(req.topic.details)))
        history = rnd.sample(v.EARLIER_REPORTS[kind], 3)
        extras = rnd.sample(elaborations, 5)
        n_extras = rnd.randint(1, 3)
        parts.append("")
        parts.append(expand_(details[0]))
        parts.append(expand_(_pick(rnd, v.IMPACTS[kind])))
        parts.append(expand_(history[0]))
        parts += [expand_(t) for t in extras[:n_extras]]
        parts.append("")
        if shape == "very_long":
            # A second paragraph of the kind angry residents add to a long letter.
            extra = expand_(details[-1])
            parts.append(f"Sebagai tambahan informasi, {extra[0].lower()}{extra[1:]}")
            parts += [expand_(t) for t in history[1:]]
            parts += [expand_(t) for t in extras[n_extras : n_extras + 2]]
            parts.append(expand_(_pick(rnd, v.REQUESTS[kind])))
            parts.append("")
    generic = v.REQUESTS[kind]
    parts.append(expand_(_pick(rnd, req.topic.requests if rnd.random() < 0.6 else generic)))
    return parts


def _join(parts: list[str], register: str) -> str:
    paragraphs, current = [], []
    for part in parts:
        if part:
            current.append(_sentence(part) if register != "chat" else part.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(p for p in paragraphs if p)


def compose(request: Request, rnd: random.Random) -> tuple[str, str]:
    """Return ``(title, text)`` of one complaint written in the request's register."""
    row = _row_state(request, rnd)
    register = request.register
    shape = _pick(rnd, _SHAPES[register])
    opener = expand(_pick(rnd, v.OPENERS[register]), rnd, row.slots) if shape != "oneliner" else ""
    parts = [opener] if opener else []
    if register == "formal":
        parts.append("")
    if shape in ("long", "very_long") and register == "formal" or rnd.random() < 0.06:
        parts.append(row.fill(_pick(rnd, v.INTROS)))
        if register == "formal":
            parts.append("")
    parts += _body(row, shape, announced=bool(_ANNOUNCING.search(opener)))
    if register == "operator" or rnd.random() < (0.1 if shape in _SHORT else 0.35):
        parts.append(expand(_pick(rnd, v.CONTACTS), rnd, row.slots))
    if shape != "oneliner":
        parts.append("")
        parts.append(expand(_pick(rnd, v.CLOSERS[register]), rnd, row.slots))
    text = _join(parts, register)
    if register == "operator":
        text = _THIRD_PERSON.sub(
            lambda m: "Pelapor" if m.group(0)[0].isupper() else "pelapor", text
        )
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", text))
    text = informalise(text, register, rnd)
    return _title(row), text


def _title(row: _Row) -> str:
    """A subject line: usually empty on WhatsApp, short and sometimes generic elsewhere."""
    req, rnd = row.request, row.rnd
    empty_share = {"whatsapp": 0.8, "112": 0.3, "lapor": 0.08, "web": 0.04}[req.channel]
    if rnd.random() < empty_share:
        return ""
    if req.channel == "112":
        return (
            f"{_pick(rnd, ('Kejadian', 'Laporan 112', 'Call 112', 'Darurat'))}: {req.topic.label}"
        )
    if req.vague or rnd.random() < 0.2:
        title = _pick(rnd, _GENERIC_TITLES)
    else:
        title = row.fill(_pick(rnd, req.topic.titles))
    style = rnd.random()
    if style < 0.1:
        return title.upper()
    if style < 0.25 or req.register == "chat":
        return title.lower()
    return title


_GENERIC_TITLES: tuple[str, ...] = (
    "Pengaduan", "Laporan warga", "Mohon bantuan", "Keluhan", "Mohon tindak lanjut", "Urgent",
    "Tolong", "Aduan masyarakat", "Laporan", "Mohon perhatian", "Keluhan warga", "Info",
)  # fmt: skip


_SHORT = ("oneliner", "short", "medium")
_SHAPES: dict[str, tuple[str, ...]] = {
    "formal": ("short", "medium", "medium", "long", "long", "very_long"),
    "semi": ("oneliner", "short", "short", "medium", "medium", "long", "very_long"),
    "chat": ("oneliner", "oneliner", "short", "short", "medium"),
    "operator": ("oneliner", "short", "short", "medium"),
}
