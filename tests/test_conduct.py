"""Complaints about an office's own staff: detected from the text, never routed to that office."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triage import TriageModel
from triage.errors import DataFileError
from triage.routing.conduct import ConductLexicon, detect_conduct
from triage.routing.decision import RoutingPolicy, decide
from triage.routing.labels import AREA_KELURAHAN

CASES = Path(__file__).parent / "data" / "conduct_cases.csv"


@pytest.mark.parametrize(
    ("text", "office"),
    [
        ("pungli di kantor kelurahan", "Kelurahan"),
        ("petugas kecamatan minta uang untuk tanda tangan", "Kecamatan"),
        ("oknum dishub memeras juru parkir", "Dinas Perhubungan"),
        ("pegawai disdukcapil kasar dan membentak", "Dinas Kependudukan dan Pencatatan Sipil"),
        ("lurah tidak pernah ada di kantor saat jam kerja", "Kelurahan"),
        ("calo di dalam kantor samsat", "Samsat"),
        ("saya dibentak petugas", None),
        ("ptgs kec gak sopan", "Kecamatan"),
    ],
)
def test_misconduct_of_officials_is_found(text: str, office: str | None) -> None:
    found = detect_conduct(text)
    assert found is not None
    assert found.office == office
    assert found.evidence


@pytest.mark.parametrize(
    "text",
    [
        "minta surat pengantar kelurahan",
        "pelayanan KTP lambat karena blanko habis",
        "petugas sampah tidak datang",
        "mohon bantuan kelurahan",
        "tidak ada pungli",
        "tidak ada pungli di kantor kelurahan",
        "kelurahan bebas pungli",
        "preman minta uang ke pedagang",
        "saya marah kepada petugas karena lampu mati",
        "jukir liar melakukan pungli di depan kantor kecamatan",
        "",
    ],
)
def test_service_failures_requests_and_denials_are_not_misconduct(text: str) -> None:
    assert detect_conduct(text) is None


def test_the_evaluation_set_is_mostly_right() -> None:
    cases = pd.read_csv(CASES)
    assert len(cases) >= 60
    assert cases.misconduct.sum() == len(cases) // 2  # half misconduct, half near misses
    predicted = cases.text.map(lambda t: detect_conduct(t) is not None)
    assert (predicted == cases.misconduct.astype(bool)).mean() >= 0.95


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["strong"], "expected"),
        (["sometimes\tpungli"], "expected"),
        (["strong\t?!"], "no words"),
        (["official\tpetugas"], "no misconduct words"),
    ],
)
def test_a_broken_lexicon_is_a_data_file_error(lines: list[str], message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        ConductLexicon.from_lines(lines)


def test_a_lexicon_can_be_injected() -> None:
    lexicon = ConductLexicon.from_lines(["strong\tpalak", "official\tmandor", "negator\ttidak"])
    assert detect_conduct("mandor suka palak", lexicon) is not None
    assert detect_conduct("mandor tidak palak", lexicon) is None
    assert detect_conduct("pungli di kantor kelurahan", lexicon) is None


LABELS = ["Dinas Perhubungan", "Inspektorat Daerah", AREA_KELURAHAN]


@pytest.mark.parametrize(
    ("proba", "threshold", "opd", "review"),
    [
        ([0.05, 0.05, 0.90], 0.5, "Inspektorat Daerah", True),  # the model doubts it
        ([0.05, 0.80, 0.15], 0.5, "Inspektorat Daerah", False),  # the rules allow it
    ],
)
def test_conduct_goes_to_the_inspektorat(
    proba: list[float], threshold: float, opd: str, review: bool
) -> None:
    decision = decide(
        np.array(proba), LABELS, None, [], RoutingPolicy(opd_threshold=threshold),
        kecamatan="Coblong", kelurahan="Cipaganti", text="Pungli di kantor kelurahan",
    )  # fmt: skip
    assert (decision.opd, decision.needs_review) == (opd, review)
    assert decision.alternatives[0].label == "Inspektorat Daerah"
    assert decision.conduct is not None
    assert decision.conduct.office == "Kelurahan Cipaganti"
    assert any("Inspektorat" in r for r in decision.reasons) == review
    assert decision.to_dict()["conduct"] == {
        "evidence": "pungli di kantor kelurahan",
        "office": "Kelurahan Cipaganti",
    }


def test_without_an_inspektorat_the_office_named_is_not_chosen() -> None:
    labels = ["Dinas Perhubungan", "Dinas Lingkungan Hidup"]
    policy = RoutingPolicy(opd_threshold=0.5)
    named = decide(np.array([0.9, 0.1]), labels, None, [], policy, text="oknum dishub memeras")
    assert (named.opd, named.needs_review) == (None, True)
    assert "Dinas Perhubungan's staff" in named.reasons[-1]
    other = decide(np.array([0.1, 0.9]), labels, None, [], policy, text="oknum dishub memeras")
    assert (other.opd, other.needs_review) == ("Dinas Lingkungan Hidup", True)
    plain = decide(np.array([0.9, 0.1]), labels, None, [], policy, text="lampu pju mati")
    assert (plain.opd, plain.needs_review, plain.conduct) == ("Dinas Perhubungan", False, None)


def test_the_trained_model_keeps_pungli_from_the_kelurahan(trained_model: TriageModel) -> None:
    place = {"kecamatan": "Coblong", "kelurahan": "Cipaganti"}
    # The toy model's 16-row hold-out promises no accuracy, so its own threshold sends all to
    # review; at 0.5 the letter shows that only the conduct complaint is held back.
    router = copy.copy(trained_model)
    router.policy = RoutingPolicy(opd_threshold=0.5)
    pungli, letter = router.decide(
        [
            {"text": "Pungli di kantor kelurahan", **place},
            {"text": "minta surat pengantar dari kelurahan", **place},
        ]
    )
    assert pungli.needs_review
    assert pungli.opd is None
    assert pungli.conduct is not None
    assert any("conduct of Kelurahan Cipaganti's staff" in r for r in pungli.reasons)
    # Whether the letter is reviewed depends on the policy's threshold (on this small corpus
    # its accuracy bound never reaches 95%); it must not be for conduct.
    assert (letter.opd, letter.conduct) == ("Kelurahan Cipaganti", None)
    assert not any("conduct" in r for r in letter.reasons)
