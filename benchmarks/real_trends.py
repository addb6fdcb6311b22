"""What the spike detector reports on real complaints: flooding and damaged roads in Surabaya.

Reads the private Surabaya file (15 months: a short history, so every baseline is the
recent-weeks fallback), draws observed counts against the expected value and upper bound with
alarms marked, and prints the alerts with counts and complaint ids only, never texts.

    .venv/bin/python benchmarks/real_trends.py [--data FILE] [--out var/charts/] [--freq W]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from triage.trends.alerts import describe_alert  # noqa: E402
from triage.trends.counts import SpikeReport, find_spikes  # noqa: E402
from triage.trends.detectors import SeasonalNB  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "surabaya-2022-01_2023-03.csv"
FLOOD_TOPIC = "Informasi Lokasi Genangan"
FLOOD_WORDS = r"\b(?:genangan|banjir)"
ROAD_TOPIC = "Jalan Rusak dan Berlubang"


def themes(complaints: pd.DataFrame) -> pd.DataFrame:
    """Complaints about flooding (topic or flood words in the text) or roads, one theme each."""
    words = complaints["text"].fillna("").str.lower().str.contains(FLOOD_WORDS, regex=True)
    flood = complaints[(complaints["topic"] == FLOOD_TOPIC) | words].assign(theme="banjir/genangan")
    roads = complaints[complaints["topic"] == ROAD_TOPIC].assign(theme="jalan rusak")
    return pd.concat([flood, roads], ignore_index=True)


def chart(report: SpikeReport, path: Path, title: str) -> None:
    """One panel per theme: observed, expected, the band up to the upper bound, alarms."""
    detection = report.detection
    groups = list(dict.fromkeys(detection["group"]))
    figure, axes = plt.subplots(len(groups), 1, figsize=(11, 3.2 * len(groups)), sharex=True)
    for ax, group in zip(list(getattr(axes, "flat", [axes])), groups, strict=False):
        rows = detection[detection["group"] == group]
        ax.fill_between(rows["date"], rows["expected"], rows["upperbound"], step="mid",
                        color="tab:blue", alpha=0.2, label="expected to upper bound")  # fmt: skip
        ax.plot(rows["date"], rows["expected"], color="tab:blue", lw=1, label="expected")
        ax.plot(rows["date"], rows["observed"], color="black", lw=1.2, marker=".", label="observed")
        alarms = rows[rows["alarm"]]
        ax.scatter(alarms["date"], alarms["observed"], color="red", zorder=3, s=40, label="alarm")
        ax.set_title(f"{group} ({'weekly' if report.freq == 'W' else 'daily'} complaints)")
        ax.set_ylabel("complaints")
        ax.legend(loc="upper right", fontsize=8)
    figure.suptitle(title)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def print_alerts(report: SpikeReport, heading: str, limit: int = 12) -> None:
    print(f"\n## {heading}: {len(report.alerts)} alert(s)\n")
    for alert in report.alerts[:limit]:
        ids = ", ".join(alert.example_ids[:3])
        last = "n/a" if alert.last_year is None else f"{alert.last_year:.0f}"
        print(f"- {describe_alert(alert)} [last year: {last}; ids {ids}]")
    if len(report.alerts) > limit:
        print(f"- ... and {len(report.alerts) - limit} more")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=Path("var/charts"), help="folder or .png")
    parser.add_argument("--freq", choices=("W", "D"), default="W")
    parser.add_argument("--alpha", type=float, default=0.01)
    args = parser.parse_args()
    complaints = pd.read_csv(args.data, dtype={"id": str})
    subset = themes(complaints)
    # Text is kept only for the detector's internal evidence; nothing of it is printed.
    common = {"freq": args.freq, "text_col": "__none__"}
    detector = SeasonalNB(alpha=args.alpha)
    city = find_spikes(subset, group_cols=["theme"], detector=detector, **common)
    local = find_spikes(subset, group_cols=["theme", "kecamatan"], detector=detector, **common)
    path = args.out if args.out.suffix == ".png" else args.out / f"real_trends_{args.freq}.png"
    chart(city, path, f"Surabaya, {len(subset)} of {len(complaints)} complaints")
    methods = city.detection["method"].value_counts().to_dict()
    print(
        f"# Surabaya flooding and roads, {args.freq}: {len(subset)} complaints, methods {methods}"
    )
    print(f"chart: {path}")
    print_alerts(city, "City-wide, per theme")
    print_alerts(local, "Per theme and kecamatan")


if __name__ == "__main__":
    main()
