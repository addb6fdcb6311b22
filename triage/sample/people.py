"""Personal data inside synthetic complaints: phone numbers, NIKs, e-mail addresses.

They are shaped like the real thing, in the ways people write them, so that the
redaction of personal data (``triage.text``) is exercised by the sample corpus. All are
random: none belongs to anyone on purpose.
"""

from __future__ import annotations

import random

from triage.sample.loader import tables

PHONE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "857", "856", "877", "878",
                   "895", "896", "838", "831", "819", "859", "881", "882", "858")  # fmt: skip


def phone_number(rnd: random.Random) -> str:
    """An Indonesian mobile number in one of the ways people write them."""
    prefix = PHONE_PREFIXES[rnd.randrange(len(PHONE_PREFIXES))]
    width = rnd.choice((3, 4))  # 10- to 13-digit numbers are all in use
    a, b = f"{rnd.randrange(10000):04d}", f"{rnd.randrange(10**width):0{width}d}"
    style = rnd.randrange(6)
    if style == 0:
        return f"0{prefix}-{a}-{b}"
    if style == 1:
        return f"0{prefix}{a}{b}"
    if style == 2:
        return f"0{prefix} {a} {b}"
    if style == 3:
        return f"+62 {prefix}-{a}-{b}"
    if style == 4:
        return f"+62{prefix}{a}{b}"
    return f"62{prefix}{a}{b}"


def nik_number(rnd: random.Random, kecamatan_code: int) -> str:
    """A 16-digit NIK shaped like a Kota Bandung one (3273 + kecamatan + birth date + serial)."""
    day = rnd.randint(1, 28) + (40 if rnd.random() < 0.5 else 0)
    month, year = rnd.randint(1, 12), rnd.randint(0, 99)
    return f"3273{kecamatan_code:02d}{day:02d}{month:02d}{year:02d}{rnd.randint(1, 9999):04d}"


def email_address(rnd: random.Random, name: str) -> str:
    """A personal e-mail address derived from the complainant's name."""
    parts = name.lower().split()
    joiner = rnd.choice((".", "_", ""))
    local = joiner.join(parts) + (str(rnd.randint(1, 99)) if rnd.random() < 0.6 else "")
    domains = tables().people.email_domains
    return f"{local}@{domains[rnd.randrange(len(domains))]}"
