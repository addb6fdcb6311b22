"""The field types requests are declared with: each carries its check and its OpenAPI wording.

A limit that is a service setting (the longest text, the largest batch, the page size) is a
:class:`Setting`: validation reads the number from the settings passed as context, and the
OpenAPI builder writes the same number into the document, so neither can drift from the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal, TypeVar, get_args

from annotated_types import Ge, Le, MaxLen
from pydantic import AfterValidator, BeforeValidator, GetCoreSchemaHandler, ValidationInfo
from pydantic.json_schema import GetJsonSchemaHandler, JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from api.config import Settings
from triage.periods import LOCAL_TIME, MAX_YEAR, MIN_YEAR
from triage.text import holds_personal_data, mask_personal_data

# Text must hold a visible character and no NUL (which PostgreSQL cannot store).
# "Visible" as Python's str.strip() sees it: JSON Schema's \s (ECMA) leaves out U+001C-U+001F
# and U+0085, which strip() removes, so the class is spelt out.
_SPACE = (
    r"\t\n\u000b\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
VISIBLE = rf"^[^\u0000]*[^{_SPACE}\u0000][^\u0000]*$"
NO_NUL = r"^[^\u0000]*$"
# ASCII digits only: int() and \d would also take "١٢" or "1_000" or " 12 ".
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INTEGER = re.compile(r"-?[0-9]{1,12}")
MAX_ID = 2**31 - 1
SETTING_KEY = "x-triase-setting-"
_Day = TypeVar("_Day", bound=date)


def _any_digits(count: int) -> str:
    return "" if count == 0 else "[0-9]" if count == 1 else f"[0-9]{{{count}}}"


def _digit_range(low: str, high: str) -> str:
    # A regex for the numbers low..high written with the same number of digits.
    if not low:
        return ""
    if low[0] == high[0]:
        return low[0] + _digit_range(low[1:], high[1:])
    rest = len(low) - 1
    if low[1:] == "0" * rest and high[1:] == "9" * rest:
        return f"[{low[0]}-{high[0]}]" + _any_digits(rest)
    parts = [low[0] + _digit_range(low[1:], "9" * rest)]
    if int(high[0]) - int(low[0]) > 1:
        middle = f"[{int(low[0]) + 1}-{int(high[0]) - 1}]"
        parts.append(middle + _any_digits(rest))
    parts.append(high[0] + _digit_range("0" * rest, high[1:]))
    return "(?:" + "|".join(parts) + ")"


# Dates and date-times start with a year the service accepts; further ones overflow time-zone
# arithmetic.  Derived from the library's bounds, so the document says what validation does.
YEAR_PREFIX = rf"^{_digit_range(f'{MIN_YEAR:04d}', f'{MAX_YEAR:04d}')}-"


@dataclass(frozen=True)
class Setting:
    """A constraint whose number is the service setting ``setting`` (a :class:`Settings` field).

    ``keyword`` is the JSON Schema keyword it stands for: ``maxLength``, ``maxItems``,
    ``maximum`` or ``default`` (used when the field is absent).
    """

    keyword: str
    setting: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        inner = handler(source)
        if self.keyword == "default":
            return core_schema.with_info_before_validator_function(self._default, inner)
        return core_schema.with_info_after_validator_function(self._check, inner)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found[SETTING_KEY + self.keyword] = self.setting
        return found

    def _limit(self, info: ValidationInfo) -> Any:
        settings = info.context.get("settings") if isinstance(info.context, dict) else None
        if not isinstance(settings, Settings):
            raise TypeError("validate requests with context={'settings': Settings}")
        return getattr(settings, self.setting)

    def _default(self, value: Any, info: ValidationInfo) -> Any:
        return self._limit(info) if value is None else value

    def _check(self, value: Any, info: ValidationInfo) -> Any:
        limit = self._limit(info)
        if self.keyword == "maxLength" and isinstance(value, str) and len(value) > limit:
            raise PydanticCustomError("too_long", f"is longer than {limit} characters")
        if self.keyword == "maxItems" and isinstance(value, list) and len(value) > limit:
            raise PydanticCustomError("too_long", f"holds more than {limit} items")
        if self.keyword == "maximum" and isinstance(value, int) and value > limit:
            raise PydanticCustomError("too_large", f"must be at most {limit}")
        return value


# eq=False: hashed by identity, as typing hashes the members of a union.
@dataclass(frozen=True, eq=False)
class Doc:
    """OpenAPI wording added to a field's schema (patterns, formats) that checks elsewhere
    in the same declaration enforce."""

    extra: dict[str, Any]

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), **self.extra}


class NotNull:
    """Documents an optional field as not nullable: validation takes null as absent, but the
    document asks clients to leave the field out (a query argument cannot be null at all)."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = dict(handler(schema))
        found.pop("nullable", None)
        if "enum" in found:
            found["enum"] = [value for value in found["enum"] if value is not None]
        options = [s for s in found.pop("anyOf", []) if s != {"type": "null"}]
        if len(options) == 1:
            found.update(options[0])
        elif options:
            found["anyOf"] = options
        return found


NOT_NULL = NotNull()


def _refuse(kind: str, reason: str) -> PydanticCustomError:
    return PydanticCustomError(kind, reason)


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _refuse("bad_characters", "holds NUL or unpaired surrogate characters") from None
        if "\x00" in value:
            raise _refuse("bad_characters", "holds NUL or unpaired surrogate characters")
    return value


def _stripped(value: str) -> str:
    # The length limit held for the value as sent, before surrounding whitespace (which
    # includes characters such as U+0085) is stripped.
    stripped = value.strip()
    if not stripped:
        raise _refuse("empty", "must not be empty")
    return stripped


def _blank_is_none(value: str) -> str | None:
    return value.strip() or None


def _local_day(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if not DATE.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise _refuse("date", "must be a date YYYY-MM-DD") from None
    return _in_years(day)


def _in_years(moment: _Day) -> _Day:
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise _refuse("year", f"must fall between the years {MIN_YEAR} and {MAX_YEAR}")
    return moment


def _timestamp(value: Any) -> Any:
    if not isinstance(value, str) or len(value) > 64:
        raise _refuse("date_time", "must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        # Quoted masked: a client may have put anything (a phone number) in the field.
        shown = mask_personal_data(value)
        raise _refuse("date_time", f"must be an ISO 8601 date-time, not {shown!r}") from None
    return _in_years(moment)


def _not_after_tomorrow(moment: datetime, info: ValidationInfo) -> datetime:
    # A complaint cannot be written in the future; tomorrow is allowed for clocks a few hours
    # ahead (another time zone, a wrong offset).  Naive times are local (TRIAGE_TIMEZONE).
    settings = info.context.get("settings") if isinstance(info.context, dict) else None
    zone = settings.timezone if isinstance(settings, Settings) else LOCAL_TIME
    limit = datetime.combine(datetime.now(zone).date() + timedelta(days=2), time(), zone)
    if (moment if moment.tzinfo else moment.replace(tzinfo=zone)) >= limit:
        raise _refuse("future", f"must not be later than tomorrow ({zone.key} time)")
    return moment


def _no_personal_data(value: str | None) -> str | None:
    # Identifiers and names are matched and shown as sent, so they cannot be masked: refused,
    # without quoting the value.
    if value is not None and holds_personal_data(value):
        raise _refuse(
            "personal_data",
            "must not hold personal data (a phone number, NIK, e-mail address or URL)",
        )
    return value


def _masked(value: str | None) -> str | None:
    return None if value is None else mask_personal_data(value)


def _channel(value: Any) -> Any:
    # Channel names as people write them ("WhatsApp", " web "); blank is absent.
    if isinstance(value, str):
        return value.strip().casefold() or None
    return value


def _date_or_time(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value) if DATE.fullmatch(value) else datetime.fromisoformat(value)
    except ValueError:
        raise _refuse("date", "must be a date (YYYY-MM-DD) or ISO 8601 date-time") from None


def ascii_int(value: Any) -> Any:
    """A query argument's ASCII digits as an int; anything else is left to the type check."""
    if isinstance(value, str):
        if not INTEGER.fullmatch(value):
            raise _refuse("integer", "must be an integer")
        return int(value)
    return value


def _checked(check: Callable[[Any], Any]) -> BeforeValidator:
    return BeforeValidator(check)


_PRINTABLE = _checked(_printable)
_OPTIONAL = AfterValidator(_blank_is_none)
_REQUIRED = AfterValidator(_stripped)
_VISIBLE = Doc({"pattern": VISIBLE})
_NO_NUL = Doc({"pattern": NO_NUL})
_CLEAN = AfterValidator(_no_personal_data)
_MASKED = AfterValidator(_masked)
_NO_PERSONAL_DATA = "Must not hold personal data (a phone number, NIK, e-mail address or URL)."

# Required text: stripped, refused when blank.
ComplaintText = Annotated[
    str, _PRINTABLE, Setting("maxLength", "max_text_chars"), _REQUIRED, _VISIBLE
]
_IDENTIFIER = Doc({"description": _NO_PERSONAL_DATA})
Source = Annotated[str, MaxLen(64), _PRINTABLE, _REQUIRED, _CLEAN, _VISIBLE, _IDENTIFIER]
ExternalId = Annotated[str, MaxLen(128), _PRINTABLE, _REQUIRED, _CLEAN, _VISIBLE, _IDENTIFIER]
# Optional text: stripped; null and blank are both taken as absent.
Text64 = Annotated[str, MaxLen(64), _PRINTABLE, _OPTIONAL, _NO_NUL] | None
Text128 = Annotated[str, MaxLen(128), _PRINTABLE, _OPTIONAL, _NO_NUL] | None
Text255 = Annotated[str, MaxLen(255), _PRINTABLE, _OPTIONAL, _NO_NUL] | None
Text1000 = Annotated[str, MaxLen(1000), _PRINTABLE, _OPTIONAL, _NO_NUL] | None
Text2000 = Annotated[str, MaxLen(2000), _PRINTABLE, _OPTIONAL, _NO_NUL] | None
# Free text typed by a person: personal data masked before anything else sees it.
Place = Annotated[str, MaxLen(128), _PRINTABLE, _OPTIONAL, _MASKED, _NO_NUL] | None
Note2000 = Annotated[str, MaxLen(2000), _PRINTABLE, _OPTIONAL, _MASKED, _NO_NUL] | None
# A person's name, shown as sent.
Name64 = Annotated[str, MaxLen(64), _PRINTABLE, _OPTIONAL, _CLEAN, _NO_NUL, _IDENTIFIER] | None
# Where a complaint came in: the sample corpus's channels, LAPOR!'s and the city's own desks.
Channel = Literal["web", "whatsapp", "lapor", "112", "email", "telepon", "sosmed", "langsung"]
CHANNELS: tuple[str, ...] = get_args(Channel)
ChannelField = Annotated[Channel | None, BeforeValidator(_channel)]
QueryText = Annotated[Annotated[str, MaxLen(255), _PRINTABLE, _OPTIONAL, _NO_NUL] | None, NOT_NULL]
# A label sent to name something: documented as a visible string; absent, null or blank is
# "not sent".
Label = Annotated[
    Annotated[str, MaxLen(255), _PRINTABLE, _OPTIONAL, _CLEAN, _VISIBLE] | None, NOT_NULL
]
Timestamp = Annotated[
    datetime, _checked(_timestamp), Doc({"format": "date-time", "pattern": YEAR_PREFIX})
]
# When a complaint was written: not after tomorrow, local time.
PastTimestamp = Annotated[
    Timestamp,
    AfterValidator(_not_after_tomorrow),
    Doc({"description": "No later than tomorrow in the service's time zone (TRIAGE_TIMEZONE)."}),
]
LocalDay = Annotated[date, _checked(_local_day), Doc({"pattern": YEAR_PREFIX})]
DateOrTime = Annotated[
    date | datetime,
    _checked(_date_or_time),
    Doc({"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}),
]
PageLimit = Annotated[
    int,
    Ge(1),
    _checked(ascii_int),
    Setting("default", "page_size"),
    Setting("maximum", "max_page_size"),
]
Offset = Annotated[int, Ge(0), Le(MAX_ID), _checked(ascii_int)]


def local_day(value: str) -> date:
    """``value`` as a local day ``YYYY-MM-DD`` within the years the service accepts.

    Raises ``ValueError`` with the reason otherwise.
    """
    try:
        day: date = _local_day(value)
    except PydanticCustomError as exc:
        raise ValueError(exc.message()) from None
    return day
