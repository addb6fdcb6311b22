"""What the field checks would do to a complaint file: places the gazetteer knows, and fields
that hold personal data (and would be masked or refused).

    .venv/bin/python benchmarks/privacy_fields.py DATA.csv [--gazetteer FILE.csv]

DATA.csv has the columns ``kecamatan``, ``kelurahan`` and ``text`` (others are ignored).
Prints counts only, never a value: rows, rows with a place, rows whose place the gazetteer
(by default the sample city's, Kota Bandung's) knows, and per column the non-empty values and
those holding a phone number, NIK, e-mail address or URL.
"""

from __future__ import annotations

import argparse

import pandas as pd

from triage.tenants.gazetteer import default_gazetteer, load_gazetteer
from triage.text import mask_personal_data


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--gazetteer", help="kecamatan,kelurahan CSV (default: Kota Bandung)")
    args = parser.parse_args()
    frame = pd.read_csv(args.data, dtype=str)
    gazetteer = load_gazetteer(args.gazetteer) if args.gazetteer else default_gazetteer()
    places = [
        (_text(kec), _text(kel))
        for kec, kel in frame[["kecamatan", "kelurahan"]].itertuples(index=False)
    ]
    placed = [p for p in places if p != (None, None)]
    known = sum(gazetteer.doubt(kec, kel) is None for kec, kel in placed)
    print(f"rows {len(frame)}, with a place {len(placed)}, place in the gazetteer {known}")
    for column in ("kecamatan", "kelurahan", "text"):
        values = frame[column].dropna()
        personal = int((values.map(mask_personal_data) != values).sum())
        print(f"{column}: {len(values)} non-empty, {personal} holding personal data")


if __name__ == "__main__":
    main()
