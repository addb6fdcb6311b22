"""The model registry: versions under ``models/``, one active version, promotion and rollback.

``models/ACTIVE`` names the active version and is the only commit point: it is replaced
atomically (temporary file + ``os.replace``), so a reader sees the old name or the new one,
never half a name, and a crash before the replace leaves the old model active.
``models/HISTORY`` logs every promotion and rollback (tab-separated: time, action, version,
previous) so that ``rollback`` can step back through them.  It is rewritten before ACTIVE; a
trailing line that ACTIVE does not confirm is a promotion that crashed and is dropped.
What a candidate must pass is :mod:`triage.modelops.promotion`; saving a trained model as a new
version is :mod:`triage.modelops.versions`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from triage.errors import InputError, ModelError, ModelNotFoundError
from triage.modelops.persistence import (
    ACTIVE,
    ARTIFACT,
    _atomic_write,
    find_active_model,
    list_versions,
    load_model,
    read_metadata,
    read_pointer_file,
)
from triage.modelops.promotion import DEFAULT_MARGIN, Comparison, compare_models, orphaned_labels

HISTORY = "HISTORY"
_LOCK = ".registry.lock"


class PromotionRefusedError(ModelError):
    """A promotion would orphan open complaints or make routing measurably worse."""


@dataclass(frozen=True)
class ModelEntry:
    """One saved version as ``triage models list`` shows it."""

    version: str
    path: Path
    created_at: str
    n_rows: int
    date_range: tuple[str, str] | None
    opd_accuracy: float | None
    opd_macro_f1: float | None
    active: bool


@dataclass(frozen=True)
class Promotion:
    """A change of the active model."""

    action: str
    version: str
    previous: str | None
    at: str
    comparison: Comparison | None = None
    forced: tuple[str, ...] = ()


def active_version(models_dir: str | Path) -> str | None:
    """The version named in ACTIVE, else the newest saved one, else None.

    Unlike :func:`triage.find_active_model` this does not fail when ACTIVE names a version
    that is gone, so that a promotion can repair the pointer.
    """
    root = Path(models_dir)
    name = read_pointer_file(root / ACTIVE).strip()
    if name:
        return name
    try:
        # The service's own rule without a pointer: the most recently saved version.
        return find_active_model(root).name
    except ModelNotFoundError:
        return None


def list_models(models_dir: str | Path) -> list[ModelEntry]:
    """Every saved version, oldest name first, with its headline hold-out scores."""
    active = active_version(models_dir)
    entries = []
    for path in list_versions(models_dir):
        meta = read_metadata(path)
        opd = meta.metrics.get("holdout", {}).get("opd", {})
        entries.append(
            ModelEntry(
                version=path.name,
                path=path,
                created_at=meta.created_at,
                n_rows=meta.n_rows,
                date_range=meta.date_range,
                opd_accuracy=opd.get("accuracy"),
                opd_macro_f1=opd.get("macro_f1"),
                active=path.name == active,
            )
        )
    return entries


def version_dir(models_dir: str | Path, version: str) -> Path:
    """The directory of a saved version.

    Raises
    ------
    ModelNotFoundError
        When there is no such version (or ``version`` is a path, not a name).
    """
    if not version or Path(version).name != version or version.startswith("."):
        raise ModelNotFoundError(f"{version!r} is not a model version name")
    path = Path(models_dir) / version
    if not (path / ARTIFACT).is_file():
        known = ", ".join(p.name for p in list_versions(models_dir)) or "none"
        raise ModelNotFoundError(f"no model version {version!r} in {models_dir} (known: {known})")
    return path


def describe(models_dir: str | Path, version: str) -> dict[str, Any]:
    """Metadata of one version with its card text and whether it is active."""
    path = version_dir(models_dir, version)
    card = path / "card.md"
    return {
        **read_metadata(path).to_dict(),
        "active": active_version(models_dir) == version,
        "card": card.read_text(encoding="utf-8") if card.is_file() else None,
    }


def history(models_dir: str | Path) -> list[tuple[str, str, str, str]]:
    """The committed lines of HISTORY as (time, action, version, previous)."""
    lines, _ = _committed(Path(models_dir))
    return lines


def promote(
    models_dir: str | Path,
    version: str,
    *,
    open_opds: Mapping[str, int] | None = None,
    eval_frame: pd.DataFrame | None = None,
    margin: float = DEFAULT_MARGIN,
    force: bool = False,
) -> Promotion:
    """Make ``version`` the active model after checking it is safe to.

    Parameters
    ----------
    models_dir : path
        The registry directory.
    version : str
        A saved version name.
    open_opds : mapping, optional
        OPDs of open (needs-review, uncorrected) complaints with their counts; a candidate
        that cannot produce one of them would orphan those complaints.
    eval_frame : DataFrame, optional
        Labelled complaints both models are scored on; default: the newer model's hold-out.
    margin : float
        How much lower than the active model's OPD macro-F1 the candidate's may be.
    force : bool
        Promote despite failed checks (they are still recorded in ``forced``).

    Returns
    -------
    Promotion

    Raises
    ------
    ModelNotFoundError, ModelIntegrityError
        When the version is missing or its artifact does not load.
    InputError
        When the version is already active.
    PromotionRefusedError
        When a check fails and ``force`` is false.
    """
    root = Path(models_dir)
    candidate = load_model(version_dir(root, version))
    current = active_version(root)
    if current == version and (root / ACTIVE).is_file():
        raise InputError(f"{version} is already the active model")
    failed: list[str] = []
    orphans = orphaned_labels(candidate, open_opds or {})
    if orphans:
        listed = ", ".join(f"{opd} ({n})" for opd, n in list(orphans.items())[:5])
        failed.append(
            f"{sum(orphans.values())} open complaints are routed to OPDs that {version} "
            f"cannot produce: {listed}"
        )
    comparison = None
    if current not in (None, version) and (root / str(current) / ARTIFACT).is_file():
        try:
            comparison = compare_models(
                candidate, load_model(root / current), eval_frame, margin, root
            )
        except InputError as exc:
            failed.append(str(exc))
        else:
            if not comparison.acceptable:
                failed.append(
                    f"OPD macro-F1 {comparison.candidate_f1:.4f} of {version} is more than "
                    f"{margin} below {comparison.active_f1:.4f} of {current} on "
                    f"{comparison.evaluation} ({comparison.n} rows)"
                )
    if failed and not force:
        raise PromotionRefusedError(failed[0] + " (use --force to promote anyway)")
    line = _commit(root, "promote", version, expected=current)
    return Promotion("promote", version, line[3] or None, line[0], comparison, tuple(failed))


def pin(models_dir: str | Path, version: str) -> Promotion:
    """Make ``version`` active without the promotion checks, recorded as a promotion.

    For a registry without an ACTIVE pointer yet: :func:`triage.versions.save_version` pins
    what the service already runs there, so that training alone never switches models.
    """
    line = _commit(Path(models_dir), "promote", version)
    return Promotion("promote", version, line[3] or None, line[0])


def rollback(models_dir: str | Path) -> Promotion:
    """Make the previously promoted version active again.

    Raises
    ------
    InputError
        When no earlier promotion is recorded.
    ModelNotFoundError, ModelIntegrityError
        When that version is gone or does not load.
    """
    root = Path(models_dir)
    with _locked(root):
        lines, stack = _committed(root)
        if len(stack) < 2:
            raise InputError(f"nothing to roll back to: {root / HISTORY} records no earlier model")
        target = stack[-2]
        load_model(version_dir(root, target))
        line = _write(root, lines, "rollback", target, stack[-1])
    return Promotion("rollback", target, line[3] or None, line[0])


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Serialise registry changes between processes (two admins promoting at once)."""
    root.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks, single analyst assumed
        yield
        return
    with open(root / _LOCK, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _replay(lines: list[tuple[str, str, str, str]]) -> list[list[str]]:
    """The stack of promoted versions after each line."""
    stack: list[str] = []
    states = []
    for _, action, version, previous in lines:
        if action == "rollback":
            while stack and stack[-1] != version:
                stack.pop()
            if not stack:
                stack = [version]
        else:
            if not stack and previous:
                stack = [previous]
            if not stack or stack[-1] != version:
                stack.append(version)
        states.append(list(stack))
    return states


def _committed(root: Path) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """HISTORY lines up to the last one ACTIVE confirms, and the promotion stack then."""
    lines: list[tuple[str, str, str, str]] = []
    for raw in read_pointer_file(root / HISTORY).splitlines():
        parts = raw.split("\t")
        if len(parts) == 4 and parts[1] in {"promote", "rollback"}:
            lines.append((parts[0], parts[1], parts[2], parts[3]))
    pointer = root / ACTIVE
    active = read_pointer_file(pointer).strip() if pointer.is_file() else None
    states = _replay(lines)
    for i in range(len(lines) - 1, -1, -1):
        if states[i][-1] == active:
            return lines[: i + 1], states[i]
    # No line matches: ACTIVE was set by hand (or never); start the stack from it.
    base = active or active_version(root)
    return [], [base] if base else []


def _commit(
    root: Path, action: str, version: str, expected: str | None = None
) -> tuple[str, str, str, str]:
    with _locked(root):
        if expected is not None and active_version(root) != expected:
            # Someone promoted while this promotion was being checked: its checks are stale.
            raise InputError("the active model changed during the checks; run promote again")
        lines, stack = _committed(root)
        previous = stack[-1] if stack and stack[-1] != version else ""
        return _write(root, lines, action, version, previous)


def _write(
    root: Path, lines: list[tuple[str, str, str, str]], action: str, version: str, previous: str
) -> tuple[str, str, str, str]:
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    line = (at, action, version, previous)
    text = "".join("\t".join(item) + "\n" for item in [*lines, line])
    _atomic_write(root / HISTORY, text.encode("utf-8"))
    # The commit point: until this replace the old model stays active.
    _atomic_write(root / ACTIVE, (version + "\n").encode("utf-8"))
    return line
