"""A ready analyst's workspace on the synthetic sample: a store with routed and corrected
complaints and a registry with an active model, so that the notebooks and the retraining
benchmark run on a fresh machine without anyone's private data.

The simulation mirrors production: a model trained on the older complaints routes the newer
ones as they arrive (stored with its predictions), and admins correct some of its mistakes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from triage.model.triage_model import TriageModel
from triage.periods import LOCAL_TIME
from triage.routing.decision import RoutingDecision
from triage.routing.labels import canonical_label
from triage.store import (
    ComplaintStore,
    NewComplaint,
    NewPrediction,
    make_engine,
    stored_complaints,
    upgrade,
)

READY = "workspace.json"


@dataclass(frozen=True)
class Workspace:
    """Paths of a sample workspace."""

    root: Path
    corpus_csv: Path
    history_csv: Path
    database_url: str
    models_dir: Path
    first_version: str
    corrections: int


def ingest_frame(
    database_url: str, frame: pd.DataFrame, model: TriageModel | None, *, source: str = "sample"
) -> int:
    """Route complaints with ``model`` and store them with its predictions, in bulk.

    Parameters
    ----------
    database_url : str
        A migrated store.
    frame : DataFrame
        ``id, created_at`` (naive times are Asia/Jakarta) ``, text`` and optionally
        ``title, kecamatan, kelurahan, channel``, and ``opd, topic`` when ``model`` is None.
    model : TriageModel or None
        The model that routes them; None stores the frame's own labels as confident
        routings of model version ``import`` (a labelled history loaded into the store).
    source : str
        The source name stored with every complaint (``id`` becomes its external id).

    Returns
    -------
    int
        Complaints stored (texts and titles masked, as by the API).

    Raises
    ------
    InputError
        When a text is empty; the chunk of 2,000 holding it is not stored.
    """
    store = ComplaintStore(make_engine(database_url))
    stored = 0
    try:
        for part in _chunks(frame, 2000):
            decisions = model.decide_frame(part) if model is not None else _as_routed(part)
            created = pd.to_datetime(part["created_at"])
            if created.dt.tz is None:
                created = created.dt.tz_localize(LOCAL_TIME)
            version = model.version if model is not None else "import"
            stored += store.add_many(
                (
                    NewComplaint(
                        source=source,
                        external_id=str(row["id"]),
                        text=_text(row["text"]) or "",
                        title=_text(row.get("title")),
                        kecamatan=_text(row.get("kecamatan")),
                        kelurahan=_text(row.get("kelurahan")),
                        channel=_text(row.get("channel")),
                        created_at=when.to_pydatetime(),
                    ),
                    NewPrediction(
                        model_version=version,
                        opd=decision.opd,
                        opd_confidence=decision.opd_confidence,
                        topic=decision.topic,
                        topic_confidence=decision.topic_confidence,
                        needs_review=decision.needs_review,
                        latency_ms=0.0,
                    ),
                )
                for (_, row), decision, when in zip(
                    part.iterrows(), decisions, created.dt.tz_convert("UTC"), strict=True
                )
            )
    finally:
        store.dispose()
    return stored


def _as_routed(part: pd.DataFrame) -> list[RoutingDecision]:
    return [
        RoutingDecision(_text(opd), 1.0, _text(topic), 1.0 if _text(topic) else None, False)
        for opd, topic in zip(part["opd"], part.get("topic", [None] * len(part)), strict=True)
    ]


def misrouted(stored: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Stored complaints whose current OPD differs from the true one in ``truth`` (by id)."""
    true_opd = truth.set_index(truth["id"].astype(str))["opd"]
    wanted = stored["external_id"].map(true_opd)
    wrong = [
        canonical_label(o if isinstance(o, str) else "") != canonical_label(t)
        for o, t in zip(stored["opd"], wanted, strict=True)
    ]
    return stored[np.asarray(wrong) & wanted.notna().to_numpy()]


def simulate_corrections(
    database_url: str, truth: pd.DataFrame, n: int, *, seed: int = 0, reviewer: str = "admin"
) -> int:
    """Correct ``n`` misrouted stored complaints to their true OPD and topic, as admins would.

    Parameters
    ----------
    database_url : str
        The store.
    truth : DataFrame
        ``id, opd, topic`` of the complaints (their external ids).
    n : int
        How many to correct (fewer if fewer are misrouted), chosen at random.
    seed : int
        Which ones.
    reviewer : str
        Recorded as the corrector.

    Returns
    -------
    int
        Corrections made.
    """
    stored = stored_complaints(database_url)
    wrong = misrouted(stored[stored["corrected_at"].isna()], truth)
    chosen = wrong.sample(n=min(n, len(wrong)), random_state=seed)
    labels = truth.set_index(truth["id"].astype(str))
    store = ComplaintStore(make_engine(database_url))
    try:
        for complaint_id, external_id in zip(chosen["id"], chosen["external_id"], strict=True):
            right = labels.loc[external_id]
            store.correct(
                int(complaint_id),
                corrected_by=reviewer,
                opd=str(right["opd"]),
                topic=_text(right.get("topic")),
                new_label=True,
                reason="simulated review",
            )
    finally:
        store.dispose()
    return len(chosen)


def sample_workspace(
    root: str | Path,
    *,
    rows: int = 3000,
    seed: int = 0,
    corrections: int = 200,
    history_share: float = 0.6,
) -> Workspace:
    """Create (once) or reopen a workspace under ``root`` built from the synthetic sample.

    The older ``history_share`` of a generated corpus trains the first model, which is
    promoted; the newer complaints are routed by it into a SQLite store, and ``corrections``
    of its mistakes are corrected.

    Parameters
    ----------
    root : path
        Directory of the workspace; reused when it already holds one.
    rows, seed : int
        Size and seed of the generated corpus.
    corrections : int
        Misrouted complaints to correct.
    history_share : float
        Share of the corpus (oldest first) used to train the first model.

    Returns
    -------
    Workspace
    """
    from triage.model.train import train_model
    from triage.modelops.versions import save_version
    from triage.sample.generator import generate_sample, write_sample

    root = Path(root)
    marker = root / READY
    if marker.is_file():
        saved = json.loads(marker.read_text(encoding="utf-8"))
        return Workspace(**{**saved, **{k: Path(saved[k]) for k in _PATHS}})
    sample = generate_sample(rows=rows, seed=seed)
    corpus = sample.complaints
    corpus_csv, _ = write_sample(sample, root / "complaints.csv")
    cut = int(len(corpus) * history_share)
    history, recent = corpus.iloc[:cut], corpus.iloc[cut:]
    history_csv = root / "history.csv"
    history.to_csv(history_csv, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    models_dir = root / "models"
    model = train_model(history)
    first = save_version(model, models_dir, history, source="synthetic sample, older part")
    database_url = f"sqlite:///{root / 'store.db'}"
    upgrade(database_url)
    ingest_frame(database_url, recent, model)
    made = simulate_corrections(database_url, recent, corrections, seed=seed)
    workspace = Workspace(
        root, corpus_csv, history_csv, database_url, models_dir, first.version, made
    )
    marker.write_text(json.dumps(asdict(workspace), default=str, indent=2), encoding="utf-8")
    return workspace


_PATHS = ("root", "corpus_csv", "history_csv", "models_dir")


def _chunks(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
