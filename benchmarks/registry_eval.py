"""Held-out checks of routing through a registry (docs/registry-routing.md).

    .venv/bin/python benchmarks/registry_eval.py [--data ../shared/data/surabaya-...csv]
                                                 [--parts new-city,reorganised,left-out,curve]

``new-city``: the layer learnt on the synthetic sample city (10,000 complaints, seed 7, as
``make run``) through Bandung's registry, routing the real Surabaya complaints of 2023
through Surabaya's registry, month by month.  ``reorganised``: learnt on Surabaya 2022
through its registry, routing Surabaya 2023 through a re-organised registry written below
(other names, aliases and descriptions, merged agencies); complaints of agencies whose
duties it splits are not scored.  ``left-out``: model and layer learnt on Surabaya 2022
without the complaints of some agencies, routing those agencies' 2023 complaints through
the full registry.  ``curve``: a plain model on a tenant's first 100 ... 3,000 labelled
complaints (time order) against registry-only routing and the two combined, on 2023.

Accuracy is the top agency against the label (an area office right only when it names the
complaint's own office); auto is the share routed without review, and "acc auto" the
accuracy among those.  Prints markdown tables of aggregates only, never a complaint.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from triage import Columns, InputError, TriageModel, read_table, train_model
from triage.model.registry_layer import (
    RegistryLayer,
    fit_registry_layer,
    registry_decisions,
    registry_proba,
)
from triage.model.registry_match import PreparedRegistry
from triage.routing.decision import RoutingDecision, RoutingPolicy, decide, top_indices
from triage.routing.labels import OTHER_LABEL, canonical_label, model_label
from triage.tenants.registry import AgencyRegistry, parse_registry, shipped_registry

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/surabaya-2022-01_2023-03.csv"
SPLIT = "2023-01-01"
PARTS = ("new-city", "reorganised", "left-out", "curve")

# A re-organised city: Surabaya's duties regrouped as another kota might (our own text).
# Each row: new agency, codes, description, aliases, the Surabaya labels it takes whole.
REORGANISED: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "1.03",
        "Jalan kota, trotoar, jembatan, saluran dan drainase, banjir dan genangan",
        "DPUPR;PUPR",
        ("Dinas Sumber Daya Air dan Bina Marga",),
    ),
    (
        "Dinas Perumahan dan Kawasan Permukiman",
        "1.04;2.10",
        "Rumah susun, rumah tidak layak huni, prasarana perumahan, tanah milik kota, makam",
        "Disperkim",
        ("Dinas Perumahan Rakyat dan Kawasan Permukiman serta Pertanahan",),
    ),
    (
        "Dinas Kebersihan dan Pertamanan",
        "2.11",
        "Angkutan sampah, TPS, penyapuan jalan, taman kota, pohon peneduh, pencemaran",
        "DKP;Dinas Kebersihan",
        ("Dinas Lingkungan Hidup",),
    ),
    (
        "Dinas Perhubungan dan Penerangan Jalan",
        "2.15",
        "Lalu lintas, parkir, angkutan kota, lampu jalan, rambu",
        "Dishub",
        ("Dinas Perhubungan",),
    ),
    (
        "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak",
        "1.06;2.08;2.14",
        "Bantuan sosial, warga miskin, lansia, disabilitas, anak terlantar, "
        "kekerasan terhadap perempuan dan anak, keluarga berencana",
        "Dinsos P3A",
        (
            "Dinas Sosial",
            "Dinas Pemberdayaan Perempuan dan Perlindungan Anak serta Pengendalian Penduduk "
            "dan Keluarga Berencana",
        ),
    ),
    (
        "Dinas Catatan Sipil",
        "2.12",
        "KTP, KK, akta lahir dan akta kematian, pindah domisili",
        "Capil",
        ("Dinas Kependudukan dan Pencatatan Sipil",),
    ),
    (
        "Dinas Pendidikan Kota",
        "1.01",
        "Sekolah negeri SD dan SMP, penerimaan murid baru, guru, biaya sekolah",
        "Disdikkot",
        ("Dinas Pendidikan",),
    ),
    (
        "Dinas Kesehatan dan Rumah Sakit Daerah",
        "1.02",
        "Puskesmas, rumah sakit daerah, jaminan kesehatan, vaksin, wabah",
        "Dinkes RS",
        ("Dinas Kesehatan", "RSUD dr. Mohamad Soewandhie", "RSUD Bhakti Dharma Husada"),
    ),
    (
        "Satuan Polisi Pamong Praja dan Pemadam Kebakaran",
        "1.05",
        "Ketertiban, pedagang kaki lima, penertiban bangunan, kebakaran dan penyelamatan",
        "Satpol PP Damkar",
        ("Satuan Polisi Pamong Praja", "Dinas Pemadam Kebakaran dan Penyelamatan"),
    ),
    (
        "Badan Penanggulangan Bencana",
        "1.05",
        "Bencana alam, banjir besar, angin kencang, pengungsi",
        "BPB",
        ("Badan Penanggulangan Bencana Daerah",),
    ),
    (
        "Dinas Perdagangan, Perindustrian, Koperasi dan Tenaga Kerja",
        "2.07;2.17;3.30;3.31",
        "Pasar, harga bahan pokok, UMKM, koperasi, pabrik, buruh, upah, PHK, pencari kerja",
        "Disdagkopnaker",
        (
            "Dinas Perindustrian dan Tenaga Kerja",
            "Dinas Koperasi Usaha Kecil dan Menengah dan Perdagangan",
        ),
    ),
    (
        "Bagian Ekonomi dan BUMD",
        "4.01;3.29",
        "Perusahaan daerah air minum, perusahaan pasar, listrik dan gas",
        "Bagian Ekonomi",
        ("Bagian Perekonomian dan Sumber Daya Alam",),
    ),
    (
        "Dinas Kominfo dan Statistik",
        "2.16;2.20;2.21",
        "Aplikasi kota, internet publik, informasi publik",
        "Kominfo",
        ("Dinas Komunikasi dan Informatika",),
    ),
    (
        "Dinas Pemuda, Olahraga, Budaya dan Wisata",
        "2.19;2.22;3.26",
        "Olahraga, stadion, kesenian, budaya, wisata",
        "Dispora Budpar",
        ("Dinas Kebudayaan Kepemudaan dan Olah Raga serta Pariwisata",),
    ),
    (
        "Badan Keuangan Daerah",
        "5.02",
        "Pajak daerah, PBB, pajak restoran, aset dan keuangan kota",
        "Bakeuda",
        ("Badan Pendapatan Daerah", "Badan Pengelolaan Keuangan dan Aset Daerah"),
    ),
    (
        "Badan Kepegawaian Daerah",
        "5.03;5.04",
        "Pegawai negeri dan honorer kota, penerimaan pegawai",
        "BKD",
        ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",),
    ),
    (
        "Dinas Perizinan Terpadu",
        "2.18",
        "Izin usaha, izin bangunan, investasi",
        "DPMPTSP",
        ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",),
    ),
    (
        "Sekretariat Daerah",
        "4.01",
        "Protokol, hukum, organisasi, pengadaan, pemerintahan umum dan kesejahteraan rakyat",
        "Setda",
        (
            "Bagian Umum Protokol dan Komunikasi Pimpinan",
            "Bagian Pemerintahan dan Kesejahteraan Rakyat",
            "Bagian Hukum dan Kerjasama",
            "Bagian Pengadaan Barang/Jasa dan Administrasi Pembangunan",
            "Bagian Organisasi",
        ),
    ),
    (
        "Dinas Pangan dan Pertanian",
        "2.09;3.25;3.27",
        "Pangan, pertanian, peternakan, hewan, perikanan",
        "Dispertan",
        ("Dinas Ketahanan Pangan dan Pertanian",),
    ),
    (
        "Badan Kesbangpol",
        "8.01",
        "Ormas, politik, kerukunan",
        "Kesbang",
        ("Badan Kesatuan Bangsa dan Politik",),
    ),
    (
        "Inspektorat Kota",
        "6.01",
        "Pengawasan pegawai, pungli, penyalahgunaan wewenang",
        "Itko",
        ("Inspektorat",),
    ),
    (
        "Badan Perencanaan Pembangunan",
        "5.01;5.05",
        "Perencanaan kota, musrenbang, riset",
        "Bappeda",
        ("Badan Perencanaan Pembangunan Daerah Penelitian dan Pengembangan",),
    ),
    (
        "Kecamatan",
        "7.01",
        "Kantor camat: layanan kecamatan, koordinasi wilayah",
        "",
        ("Kecamatan (wilayah pelapor)",),
    ),
    (
        "Kelurahan",
        "7.01",
        "Kantor lurah: surat pengantar, RT dan RW, lingkungan warga",
        "",
        ("Kelurahan (wilayah pelapor)",),
    ),
)

# Groups of Surabaya agencies left out of training, and what they share with the rest.
LEFT_OUT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Dishub (2.15: no trained agency holds it)", ("Dinas Perhubungan",)),
    ("Dispendik (1.01: no trained agency holds it)", ("Dinas Pendidikan",)),
    ("Dinkes (1.02: shared with the trained RSUDs)", ("Dinas Kesehatan",)),
    (
        "BPBD and Damkar (1.05: shared with the trained Satpol PP)",
        ("Badan Penanggulangan Bencana Daerah", "Dinas Pemadam Kebakaran dan Penyelamatan"),
    ),
)
CURVE = (100, 300, 1000, 3000)


def reorganised_registry() -> tuple[AgencyRegistry, dict[str, str]]:
    """The re-organised registry and each Surabaya label's new agency."""
    lines = ["opd,urusan,description,aliases"]
    mapping: dict[str, str] = {}
    for name, codes, description, aliases, old in REORGANISED:
        lines.append(f'"{name}",{codes},"{description}",{aliases}')
        for label in old:
            mapping[label] = name
    return parse_registry("\n".join(lines) + "\n", "reorganised"), mapping


def correct_of(decisions: Sequence[RoutingDecision], truth: Sequence[str]) -> np.ndarray:
    """Whether each decision's top agency is the labelled one (area offices by place)."""
    out = []
    for d, t in zip(decisions, truth, strict=True):
        top = d.opd or (d.alternatives[0].label if d.alternatives else "")
        out.append(canonical_label(top) == canonical_label(t))
    return np.array(out, dtype=bool)


def scores(decisions: Sequence[RoutingDecision], truth: Sequence[str]) -> dict[str, float]:
    correct = correct_of(decisions, truth)
    auto = np.array([not d.needs_review for d in decisions], dtype=bool)
    return {
        "n": len(decisions),
        "accuracy": float(correct.mean()) if len(correct) else float("nan"),
        "auto": float(auto.mean()) if len(auto) else float("nan"),
        "acc_auto": float(correct[auto].mean()) if auto.any() else float("nan"),
    }


def _row(name: str, s: dict[str, float]) -> str:
    return f"| {name} | {s['n']:,} | {s['accuracy']:.3f} | {s['auto']:.1%} | " + (
        f"{s['acc_auto']:.3f} |" if s["acc_auto"] == s["acc_auto"] else "– |"
    )


def _header(first: str) -> None:
    print(f"| {first} | complaints | accuracy | auto | acc auto |")
    print("|---|---:|---:|---:|---:|")


def by_month(
    decisions: Sequence[RoutingDecision], frame: pd.DataFrame, truth: Sequence[str], name: str
) -> None:
    months = pd.to_datetime(frame.created_at).dt.strftime("%Y-%m").to_numpy()
    for month in sorted(set(months)):
        keep = months == month
        chosen = [d for d, k in zip(decisions, keep, strict=True) if k]
        print(
            _row(
                f"{name}, {month}",
                scores(chosen, [t for t, k in zip(truth, keep, strict=True) if k]),
            )
        )
    print(_row(f"{name}, all", scores(decisions, truth)))


def with_layer(model: TriageModel, frame: pd.DataFrame, registry: AgencyRegistry) -> TriageModel:
    model.registry_layer = fit_registry_layer(model, frame, registry)
    return model


def route(
    model: TriageModel,
    registry: AgencyRegistry,
    frame: pd.DataFrame,
    policy: RoutingPolicy | None = None,
) -> list[RoutingDecision]:
    layer: RegistryLayer = model.registry_layer
    return registry_decisions(model, layer.prepare(model, registry), frame, policy=policy)


def new_city(sample: TriageModel, test: pd.DataFrame, surabaya: AgencyRegistry) -> None:
    print("\n### (a) new city: sample city (Bandung registry) → Surabaya 2023\n")
    layer: RegistryLayer = sample.registry_layer
    print(f"layer hold-out (sample city, own registry): {layer.metrics['accuracy']:.3f} "
          f"accuracy; threshold {layer.policy.opd_threshold:.3f} auto-routes "
          f"{layer.metrics['review_threshold']['coverage']:.1%}\n")  # fmt: skip
    _header("routing")
    truth = list(test.opd)
    decisions = route(sample, surabaya, test)
    by_month(decisions, test, truth, "foreign threshold (default)")
    calibrated = route(sample, surabaya, test, policy=layer.policy)
    print(_row("sample city's own threshold, all", scores(calibrated, truth)))


def reorganised(model: TriageModel, test: pd.DataFrame, surabaya: AgencyRegistry) -> None:
    print("\n### (a) Surabaya 2022 → Surabaya 2023 through its own and a re-organised registry\n")
    registry, mapping = reorganised_registry()
    scored = test[test.opd.map(model_label).isin(mapping)]
    truth_new = [
        t if str(model_label(t)) != t else mapping[t] for t in scored.opd
    ]  # area offices keep their place name
    _header("routing")
    print(
        _row("plain model (its own labels)", scores(model.decide_frame(scored), list(scored.opd)))
    )
    own = route(model, surabaya, scored)
    print(_row("layer, Surabaya registry", scores(own, list(scored.opd))))
    layer: RegistryLayer = model.registry_layer
    decisions = route(model, registry, scored)
    by_month(decisions, scored, truth_new, "layer, re-organised registry")
    calibrated = route(model, registry, scored, policy=layer.policy)
    print(_row("re-organised, the source threshold, all", scores(calibrated, truth_new)))
    print(f"\n{len(test) - len(scored)} of {len(test)} complaints not scored (no such label).")


def left_out(train: pd.DataFrame, test: pd.DataFrame, surabaya: AgencyRegistry) -> None:
    print("\n### (b) Surabaya agencies left out of training (2022), routed in 2023\n")
    print("| left out | their 2023 complaints | accuracy | auto | acc auto | "
          "others auto-routed to them |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    for name, agencies in LEFT_OUT:
        kept = train[~train.opd.isin(agencies)]
        model = with_layer(train_model(kept), kept, surabaya)
        decisions = route(model, surabaya, test)
        held = test.opd.isin(agencies).to_numpy()
        s = scores([d for d, h in zip(decisions, held, strict=True) if h], list(test.opd[held]))
        wrong = sum(
            1 for d, h in zip(decisions, held, strict=True)
            if not h and not d.needs_review and d.opd in agencies
        )  # fmt: skip
        others = int((~held).sum())
        print(f"{_row(name, s)} {wrong} of {others:,} |")


def combined_decisions(
    registry_model: TriageModel,
    prepared: PreparedRegistry,
    own: TriageModel,
    frame: pd.DataFrame,
    weight: float,
) -> list[RoutingDecision]:
    """Registry prior and own labels: P = (1 - weight) P_registry + weight P_own."""
    documents = own._documents(frame)
    p_reg, _ = registry_proba(registry_model, prepared, documents)
    p_own = own.probabilities(frame)["opd"]
    index = {label: i for i, label in enumerate(prepared.labels)}
    mapped = np.zeros_like(p_reg)
    for column, label in enumerate(own.labels["opd"]):
        if label in index:
            mapped[:, index[label]] += p_own[:, column]
    proba = (1 - weight) * p_reg + weight * mapped
    order = top_indices(proba, own.policy.top_k)
    return [
        decide(
            proba[i], prepared.labels, None, [], own.policy,
            kecamatan=frame.kecamatan.iloc[i], kelurahan=frame.kelurahan.iloc[i],
            opd_order=order[i], text=documents[i],
        )
        for i in range(len(frame))
    ]  # fmt: skip


def curve(
    sample: TriageModel, train: pd.DataFrame, test: pd.DataFrame, surabaya: AgencyRegistry
) -> None:
    print("\n### (c) learning curve: a tenant's own first labelled complaints, tested on 2023\n")
    print("| routing | own labels | accuracy | auto | acc auto | threshold |")
    print("|---|---:|---:|---:|---:|---:|")
    truth = list(test.opd)
    s = scores(route(sample, surabaya, test), truth)
    print(f"| registry only (sample-city layer) | 0 | {s['accuracy']:.3f} | {s['auto']:.1%} | "
          f"{s['acc_auto']:.3f} | 0.99 |")  # fmt: skip
    prepared = sample.registry_layer.prepare(sample, surabaya)
    for n in CURVE:
        first = train.iloc[:n]
        try:
            own = train_model(first)
        except InputError:  # too few labels of any topic to learn a topic head from
            own = train_model(first, Columns(topic=None))
        thr = own.policy.opd_threshold
        for name, decisions in (
            ("plain model on own labels", own.decide_frame(test)),
            ("registry prior + own labels (½ each)",
             combined_decisions(sample, prepared, own, test, 0.5)),
        ):  # fmt: skip
            s = scores(decisions, truth)
            acc_auto = f"{s['acc_auto']:.3f}" if s["acc_auto"] == s["acc_auto"] else "–"
            print(f"| {name} | {n:,} | {s['accuracy']:.3f} | {s['auto']:.1%} | {acc_auto} | "
                  f"{thr:.3f} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--parts", default=",".join(PARTS), help=",".join(PARTS))
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    started = time.perf_counter()
    frame = read_table(args.data).sort_values("created_at", kind="stable")
    train, test = frame[frame.created_at < SPLIT], frame[frame.created_at >= SPLIT]
    surabaya, bandung = shipped_registry("surabaya"), shipped_registry("bandung")
    sample = None
    if parts & {"new-city", "curve"}:
        from triage.sample.generator import generate_sample

        synthetic = generate_sample(rows=10000, seed=7).complaints
        sample = with_layer(train_model(synthetic), synthetic, bandung)
    if "new-city" in parts and sample is not None:
        new_city(sample, test, surabaya)
    if "reorganised" in parts:
        reorganised(with_layer(train_model(train), train, surabaya), test, surabaya)
    if "left-out" in parts:
        left_out(train, test, surabaya)
    if "curve" in parts and sample is not None:
        curve(sample, train, test, surabaya)
    print(f"\n({time.perf_counter() - started:.0f} s; {OTHER_LABEL!r} never counts as right)")


if __name__ == "__main__":
    main()
