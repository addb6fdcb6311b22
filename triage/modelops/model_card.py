"""Model cards: ``card.md`` beside every saved model, for the people who decide to deploy it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from triage.model.triage_model import ModelMetadata
from triage.modelops.persistence import read_metadata

CARD = "card.md"
WEAK_CLASSES = 5


def bootstrap_intervals(
    report: dict[str, Any], n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals of accuracy and macro-F1 from a saved head report.

    The per-row predictions are not saved, so the resampled rows come from a confusion table
    rebuilt from the report: per class, ``recall * support`` true positives, its misses and
    its false alarms (from precision).  Misses and false alarms are paired in label order;
    the pairing couples one class's miss with another's false alarm as real errors do,
    though not necessarily with the same partner, so the macro-F1 interval is approximate.
    The accuracy interval is exact (correct/incorrect rows resampled).

    Parameters
    ----------
    report : dict
        A :class:`triage.evaluation.HeadReport` as a dict (``n``, ``accuracy``,
        ``per_class``).
    n_boot : int
        Resamples.
    level : float
        Coverage of the interval.
    seed : int
        Random seed: the same report gives the same interval.

    Returns
    -------
    dict
        ``{"accuracy": (low, high), "macro_f1": (low, high)}``; empty when ``n`` is 0.
    """
    n = int(report.get("n") or 0)
    if n == 0:
        return {}
    rng = np.random.default_rng(seed)
    tail = (1 - level) / 2
    correct = int(round(float(report["accuracy"]) * n))
    acc = rng.binomial(n, correct / n, size=n_boot) / n
    out = {"accuracy": _percentiles(acc, tail)}
    per_class: dict[str, dict[str, float]] = report.get("per_class", {})
    labels = sorted(per_class)
    if not labels:
        return out
    index = {label: i for i, label in enumerate(labels)}
    tp = np.array([round(per_class[c]["recall"] * per_class[c]["support"]) for c in labels])
    fn = np.array([int(per_class[c]["support"]) for c in labels]) - tp
    fp = np.array(
        [
            round(tp[i] / per_class[c]["precision"] - tp[i]) if per_class[c]["precision"] else 0
            for i, c in enumerate(labels)
        ]
    )
    misses = np.repeat(np.arange(len(labels)), fn)
    alarms = np.repeat(np.arange(len(labels)), fp)
    k = min(len(misses), len(alarms))
    # Cells: (true, predicted) with their counts; unmatched misses are predicted "elsewhere".
    cells_true = np.r_[np.arange(len(labels)), misses]
    cells_pred = np.r_[np.arange(len(labels)), np.r_[alarms[:k], np.full(len(misses) - k, -1)]]
    is_hit = np.r_[np.ones(len(labels)), np.zeros(len(misses))]
    weights = np.r_[tp, np.ones(len(misses))].astype(float)
    if weights.sum() == 0:
        return out
    draws = rng.multinomial(int(weights.sum()), weights / weights.sum(), size=n_boot)
    present = np.zeros(len(labels), bool)
    present[[index[c] for c in labels if per_class[c]["support"] > 0]] = True
    pred_mask = cells_pred >= 0
    predicted = cells_pred[pred_mask]
    f1s = np.empty(n_boot)
    for b in range(n_boot):
        counts = draws[b]
        true_n = np.bincount(cells_true, counts, len(labels))
        pred_n = np.bincount(predicted, counts[pred_mask], len(labels))
        hits = np.bincount(cells_true, counts * is_hit, len(labels))
        denom = true_n + pred_n
        f1 = np.divide(2 * hits, denom, out=np.zeros(len(labels)), where=denom > 0)
        f1s[b] = f1[present].mean() if present.any() else 0.0
    out["macro_f1"] = _percentiles(f1s, tail)
    return out


def _percentiles(values: np.ndarray, tail: float) -> tuple[float, float]:
    low, high = np.quantile(values, [tail, 1 - tail])
    return round(float(low), 4), round(float(high), 4)


def _threshold_rule(metrics: dict[str, Any]) -> str:
    rule = metrics.get("review_threshold", {})
    if rule.get("rule") != "lower_bound":
        return ""
    return (
        f", chosen so that the auto-routed share reaches {rule.get('target_accuracy')} "
        f"accuracy with {rule.get('confidence_level')} confidence on the hold-out"
    )


def render_card(metadata: ModelMetadata, source: str | None = None) -> str:
    """The model card of a saved model as Markdown.

    Parameters
    ----------
    metadata : ModelMetadata
        As written by :func:`triage.save_model`.
    source : str, optional
        Where the training data came from (a file name, or the store and its window).

    Returns
    -------
    str
    """
    m = metadata
    lines = [f"# Model card: {m.version}", "", "## Data", ""]
    if source:
        lines.append(f"- Source: {source}")
    span = f"{m.date_range[0]} to {m.date_range[1]}" if m.date_range else "unknown (no dates)"
    lines += [
        f"- Complaints: {m.n_rows} (skipped without text: {m.skipped_rows})",
        f"- Date range: {span}",
        f"- Data sha256: `{m.data_sha256}`",
        f"- Trained: {m.created_at}; git commit {m.git_commit or 'unknown'}",
        "",
        "## Labels",
        "",
    ]
    for head, counts in m.label_counts.items():
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += [f"### {head.upper()} ({len(counts)} labels)", "", "| label | examples |"]
        lines += ["|---|---:|", *(f"| {label} | {n} |" for label, n in top), ""]
    holdout = m.metrics.get("holdout", {})
    lines += ["## Evaluation", ""]
    if not holdout:
        lines += ["Not measured (trained without a hold-out).", ""]
    else:
        rows = holdout.get("rows", {})
        split = holdout.get("split", "time")
        how = "the latest" if split == "time" else "a random"
        lines += [
            f"Trained on {rows.get('train', '?')} complaints and tested on {how} "
            f"{rows.get('test', '?')} ({split}-based hold-out). 95% bootstrap intervals.",
            "",
            "| head | accuracy | macro-F1 | auto-routed share at target accuracy |",
            "|---|---|---|---|",
        ]
        for head, report in holdout.items():
            if not isinstance(report, dict) or "accuracy" not in report:
                continue
            ci = bootstrap_intervals(report)
            cov = report.get("coverage", {})
            lines.append(
                f"| {head} | {_with_ci(report['accuracy'], ci.get('accuracy'))} "
                f"| {_with_ci(report['macro_f1'], ci.get('macro_f1'))} "
                f"| {cov.get('coverage', '?')} at {cov.get('target_accuracy', '?')} |"
            )
        lines += ["", "## Known weak classes (lowest F1 on the hold-out)", ""]
        for head, report in holdout.items():
            if isinstance(report, dict) and report.get("per_class"):
                lines += _weak_classes(head, report["per_class"])
    lines += [
        "## Intended use and limits",
        "",
        "- Suggests the agency (OPD) and topic of a citizen complaint written in Indonesian,",
        "  and flags for human review every complaint below the confidence threshold "
        f"({m.policy.get('opd_threshold', '?')}){_threshold_rule(m.metrics)}.",
        "- Not for decisions about people: it sees masked complaint text only.",
        "- Learns the routing habits in its data; agencies or topics that were rare or absent",
        "  there are routed to review, and accuracy falls when wording or agencies change",
        "  (check `triage drift`).",
        "- Kecamatan and kelurahan offices are one class each; the complaint's location names",
        "  the office.",
        "",
        "## Provenance",
        "",
        f"- Parameters: `{m.params}`",
        f"- Libraries: {', '.join(f'{k} {v}' for k, v in sorted(m.library_versions.items()))}",
        f"- Artifact sha256: `{m.artifact_sha256}`",
        "",
    ]
    return "\n".join(lines)


def _with_ci(value: float, ci: tuple[float, float] | None) -> str:
    return f"{value:.3f}" + (f" ({ci[0]:.3f}–{ci[1]:.3f})" if ci else "")


def _weak_classes(head: str, per_class: dict[str, dict[str, float]]) -> list[str]:
    seen = [(label, s) for label, s in per_class.items() if s.get("support", 0) > 0]
    weakest = sorted(seen, key=lambda item: (item[1]["f1"], item[0]))[:WEAK_CLASSES]
    lines = [f"### {head.upper()}", "", "| label | F1 | precision | recall | support |"]
    lines.append("|---|---:|---:|---:|---:|")
    lines += [
        f"| {label} | {s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | "
        f"{int(s['support'])} |"
        for label, s in weakest
    ]
    return [*lines, ""]


def write_card(directory: str | Path, source: str | None = None) -> Path:
    """Write ``card.md`` into a saved model's directory from its metadata; return its path."""
    directory = Path(directory)
    path = directory / CARD
    path.write_text(render_card(read_metadata(directory), source), encoding="utf-8")
    return path
