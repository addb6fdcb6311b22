"""Precision and recall of duplicate links, and counts of incident links, on a real export.

    python benchmarks/incidents_eval.py --data complaints.csv [--no-topic] [--intake]

``--intake`` replays the file through the service's intake path instead of the in-memory
index: each complaint, in time order, through ``ComplaintStore.add`` into a scratch SQLite
store (text masked as stored, the file's topic standing for the model's, the lookup in SQL).

Reference for duplicates: two complaints within 24 hours whose normalised word sets have a
Jaccard similarity of at least 0.9 (all such pairs, found by brute force within the day).
A complaint is a reference duplicate when it has such an earlier partner; a predicted
duplicate is right when its original is in the same reference group.  Incidents have no
reference: the script counts the links and draws the random sample that is read by hand
(``--sample``); it prints ids and counts only, never texts.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from triage import read_table
from triage.casework.incidents import Link
from triage.casework.incidents_table import link_complaints
from triage.casework.incidents_text import street_names
from triage.periods import LOCAL_TIME
from triage.store import ComplaintStore, IncidentLinker, NewComplaint, NewPrediction, make_engine
from triage.store.database import upgrade
from triage.store.incident_queries import Prepared
from triage.store.schema import Complaint
from triage.text import tokens

# The default sample (with topics, --seed 20240304, 40 pairs) read by hand, pair by pair:
# counts only; the texts stay in the export.
HAND_CHECKED = {"one incident or matter": 31, "not one": 6, "unclear": 3}
DEFAULT_SEED = 20240304

REFERENCE_HOURS = 24
REFERENCE_JACCARD = 0.9


def reference_groups(frame: pd.DataFrame) -> tuple[set[str], dict[str, str]]:
    """Ids with an earlier near-identical partner, and each id's reference group."""
    times = pd.to_datetime(frame["created_at"], format="mixed")
    order = times.sort_values(kind="stable").index
    words = {row: frozenset(tokens(frame.at[row, "text"], stemming=False)) for row in order}
    parent = {str(frame.at[row, "id"]): str(frame.at[row, "id"]) for row in order}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    later: set[str] = set()
    rows = list(order)
    window = pd.Timedelta(hours=REFERENCE_HOURS)
    for i, row in enumerate(rows):
        for earlier in reversed(rows[:i]):
            if times[row] - times[earlier] > window:
                break
            a, b = words[row], words[earlier]
            if a and b and len(a & b) / len(a | b) >= REFERENCE_JACCARD:
                key, other = str(frame.at[row, "id"]), str(frame.at[earlier, "id"])
                later.add(key)
                parent[root(key)] = root(other)
    return later, {key: root(key) for key in parent}


class _Recording(IncidentLinker):
    """The store's linker, keeping each link with the source's id."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, Link | None] = {}

    def link(self, session: Session, row: Complaint, prepared: Prepared | None) -> Link | None:
        found = super().link(session, row, prepared)
        self.links[row.external_id] = found
        return found


def link_through_intake(frame: pd.DataFrame) -> pd.DataFrame:
    """Links as the service's intake finds them: id, incident, duplicate_of, reason, matched
    (source ids, as :func:`link_complaints` gives them)."""
    times = pd.to_datetime(frame["created_at"], format="mixed")
    order = times.sort_values(kind="stable").index
    linker = _Recording()
    with tempfile.TemporaryDirectory(prefix="incidents-eval-") as directory:
        url = f"sqlite:///{Path(directory) / 'triage.db'}"
        upgrade(url)
        store = ComplaintStore(make_engine(url), incidents=linker)
        by_row: dict[int, str] = {}
        try:
            for row in order:
                topic = frame.at[row, "topic"] if "topic" in frame.columns else None
                kelurahan = frame.at[row, "kelurahan"] if "kelurahan" in frame.columns else None
                record, _ = store.add(
                    NewComplaint(
                        source="eval",
                        external_id=str(frame.at[row, "id"]),
                        text=str(frame.at[row, "text"]),
                        kelurahan=None if pd.isna(kelurahan) else str(kelurahan),
                        created_at=times[row].to_pydatetime().replace(tzinfo=LOCAL_TIME),
                    ),
                    NewPrediction(
                        "eval", None, 1.0, None if pd.isna(topic) else str(topic), 1.0, False, 0
                    ),
                )
                by_row[record.id] = record.external_id
        finally:
            store.dispose()
    rows = []
    for key in frame["id"].astype(str):
        found = linker.links[key]
        if found is None:
            rows.append((key, key, "", "new", ""))
            continue
        rows.append(
            (
                key,
                by_row[int(found.incident)],
                by_row[int(found.duplicate_of)] if found.duplicate_of else "",
                found.reason,
                by_row[int(found.matched)] if found.matched else "",
            )
        )
    return pd.DataFrame(rows, columns=["id", "incident", "duplicate_of", "reason", "matched"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="complaints file: id, created_at, text...")
    parser.add_argument("--no-topic", action="store_true", help="link on text and place only")
    parser.add_argument("--sample", type=int, default=40, help="incident links to sample")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--intake", action="store_true", help="through ComplaintStore.add")
    args = parser.parse_args()

    frame = read_table(args.data)
    if args.no_topic:
        frame = frame.drop(columns=["topic"], errors="ignore")
    start = time.perf_counter()
    links = link_through_intake(frame) if args.intake else link_complaints(frame, reasons=True)
    seconds = time.perf_counter() - start
    print(f"{len(frame)} complaints linked in {seconds:.1f} s")

    named = frame["text"].map(lambda text: bool(street_names(str(text))))
    print(f"complaints naming a street or alley: {named.mean():.1%}")
    reference, group = reference_groups(frame)
    predicted = links[links["duplicate_of"] != ""]
    hits = sum(
        row.id in reference and group[row.id] == group[row.duplicate_of]
        for row in predicted.itertuples()
    )
    precision = hits / len(predicted) if len(predicted) else float("nan")
    recall = hits / len(reference) if reference else float("nan")
    print(
        f"duplicates: {len(predicted)} predicted, {len(reference)} in the reference "
        f"(<= {REFERENCE_HOURS} h, word Jaccard >= {REFERENCE_JACCARD}), {hits} right: "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    if "opd" in frame.columns:
        opd = dict(zip(frame["id"].astype(str), frame["opd"], strict=True))
        split = sum(opd[row.id] != opd[row.duplicate_of] for row in predicted.itertuples())
        print(f"duplicates routed to another OPD than their original: {split}")

    incident = links[(links["incident"] != links["id"]) & (links["duplicate_of"] == "")]
    clusters = links.groupby("incident").size()
    print(
        f"incident links: {len(incident)} complaints joined an earlier one's incident; "
        f"{int((clusters > 1).sum())} incidents with two or more complaints, "
        f"largest {int(clusters.max())}"
    )
    on_street = int(incident["reason"].str.contains("same '").sum())
    print(
        f"  of which on one named street: {on_street}, "
        f"same kelurahan only: {len(incident) - on_street}"
    )
    if "opd" in frame.columns and len(incident):
        same = sum(opd[row.id] == opd[row.matched] for row in incident.itertuples())
        print(f"  pairs routed to the same OPD: {same} of {len(incident)}")
    pairs = sorted(zip(incident["matched"], incident["id"], strict=True))
    chosen = random.Random(args.seed).sample(pairs, min(args.sample, len(pairs)))
    print(f"sample of {len(chosen)} incident pairs (seed {args.seed}), ids only:")
    print(" ".join(f"{a}>{b}" for a, b in chosen))
    if (args.seed, args.sample, args.no_topic, args.intake) == (DEFAULT_SEED, 40, False, False):
        print(f"read by hand: {HAND_CHECKED}")


if __name__ == "__main__":
    main()
