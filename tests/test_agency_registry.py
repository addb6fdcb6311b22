"""A tenant's agency registry: what a city's admin writes, and every way it can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.errors import DataFileError
from triage.tenants.registry import (
    SHIPPED,
    URUSAN,
    load_registry,
    parse_registry,
    shipped_registry,
)

GOOD = """\
# Kota Contoh, written 2026-12
opd,urusan,description,aliases
Dinas Pekerjaan Umum dan Penataan Ruang,1.03,"Jalan, drainase, jembatan",DPUPR;PUPR
Dinas Perumahan dan Kawasan Permukiman,1.04;2.10,Jalan perumahan dan PSU,Disperkim
Dinas Perhubungan,2.15,"Lampu jalan, parkir, lalu lintas",
"""


def test_a_good_registry_reads_with_codes_and_aliases():
    registry = parse_registry(GOOD, "contoh.csv")
    assert registry.names == (
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "Dinas Perumahan dan Kawasan Permukiman",
        "Dinas Perhubungan",
    )
    housing = registry.agency("Dinas Perumahan dan Kawasan Permukiman")
    assert housing.urusan == ("1.04", "2.10")
    assert registry.agency("Dinas Pekerjaan Umum dan Penataan Ruang").aliases == (
        "DPUPR",
        "PUPR",
    )
    assert registry.agency("Dinas Perhubungan").aliases == ()
    assert registry.holders("1.03") == ("Dinas Pekerjaan Umum dan Penataan Ruang",)


def test_aliases_column_is_optional_and_columns_may_come_in_any_order():
    registry = parse_registry("description,opd,urusan\nSampah,Dinas Lingkungan Hidup,2.11\n")
    assert registry.agency("Dinas Lingkungan Hidup").aliases == ()


def test_the_csv_round_trips():
    registry = parse_registry(GOOD)
    assert parse_registry(registry.to_csv()).agencies == registry.agencies


def test_the_digest_tells_versions_apart():
    assert (
        parse_registry(GOOD).digest != parse_registry(GOOD.replace("Jalan,", "Jalan kota,")).digest
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("1.04;2.10", "1.04;9.99"), "line 4: unknown urusan code 9.99"),
        (GOOD.replace("1.04;2.10", "1.04;1.04"), "line 4: an urusan code is listed twice"),
        (GOOD.replace(",2.15,", ",,"), "line 5: empty urusan"),
        (GOOD.replace('"Lampu jalan, parkir, lalu lintas"', ""), "line 5: empty description"),
        (GOOD.replace("Dinas Perhubungan,", ",", 1), "line 5: empty opd"),
        (GOOD + "dinas perhubungan,2.15,Terminal,\n", "line 6: 'dinas perhubungan' is already"),
        (
            GOOD.replace("Disperkim", "PUPR"),
            "line 4: 'PUPR' is already an agency or alias on line 3",
        ),
        (
            GOOD.replace("opd,urusan,description,aliases", "opd,description,aliases"),
            "missing column urusan",
        ),
        (GOOD.replace("aliases", "alias"), "unexpected or repeated column alias"),
        (GOOD + "Dinas Sosial,1.06\n", "line 6: 2 fields, expected 4"),
        ("# only a comment\n", "no header row"),
        ("opd,urusan,description\n", "no agencies"),
    ],
)
def test_a_bad_registry_is_refused_with_one_line_naming_the_row(text, message):
    with pytest.raises(DataFileError) as caught:
        parse_registry(text, "contoh.csv")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(DataFileError, match="cannot read"):
        load_registry(tmp_path / "absent.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(DataFileError, match="cannot read"):
        load_registry(binary)


def test_a_byte_order_mark_from_excel_is_not_part_of_the_header(tmp_path: Path):
    path = tmp_path / "excel.csv"
    path.write_text(GOOD, encoding="utf-8-sig")
    assert len(load_registry(path).agencies) == 3


@pytest.mark.parametrize("tenant", SHIPPED)
def test_every_shipped_registry_is_valid(tenant):
    registry = shipped_registry(tenant)
    assert registry.agencies
    assert all(code in URUSAN for agency in registry.agencies for code in agency.urusan)


def test_an_unknown_shipped_registry_is_a_clear_error():
    with pytest.raises(DataFileError, match="no shipped registry for 'atlantis'"):
        shipped_registry("atlantis")


def test_the_code_list_is_the_issues_forty_two():
    assert len(URUSAN) == 42
    assert URUSAN["1.05"].startswith("ketenteraman")
    assert URUSAN["8.01"] == "kesatuan bangsa dan politik"
