"""The public API: every name in triage.__all__ resolves, importing triage stays light, and
the packages import only what their layer allows."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import triage


@pytest.mark.parametrize("name", triage.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(triage, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute"):
        _ = triage.no_such_thing


def test_import_does_not_load_heavy_optional_modules() -> None:
    heavy = "('statsmodels', 'flask', 'triage.sample.generator')"
    code = f"import sys, triage; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


ROOT = Path(__file__).resolve().parent.parent


def _imported(package: str) -> dict[str, set[str]]:
    """Top-level names each module of ``package`` imports (module path -> names)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def _offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in _imported(package).items()
        for name in names
        if name.split(".")[0] in forbidden or name in forbidden
    )


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        # The dispatcher names the ops modules by string, so neither package imports the other.
        ("training", ("ops", "api")),
        ("ops", ("training", "api")),
        ("triage", ("training", "ops", "api", "flask", "argparse")),
    ],
)
def test_layers_import_nothing_above_or_beside_them(
    package: str, forbidden: tuple[str, ...]
) -> None:
    assert _offending(package, forbidden) == []


# triage.sources reads other systems' exports without a database: it may import errors,
# periods, tables, text and casework (for state names), and the store never imports it.
SOURCES_MAY_IMPORT = ("triage.errors", "triage.periods", "triage.tables", "triage.text")


def test_export_readers_import_only_the_layers_below_them() -> None:
    allowed = (*SOURCES_MAY_IMPORT, "triage.casework", "triage.sources")
    beyond = sorted(
        f"{module} imports {name}"
        for module, names in _imported("triage/sources").items()
        for name in names
        if (name.startswith("triage") and not name.startswith(allowed))
        or name.split(".")[0] == "sqlalchemy"
    )
    assert beyond == []
    store = {n for names in _imported("triage/store").values() for n in names}
    assert not {n for n in store if n.startswith("triage.sources")}


def test_retraining_reads_the_store_only_through_triage_store() -> None:
    names = _imported("triage")["triage/modelops/retrain.py"]
    assert not {n for n in names if n.startswith("sqlalchemy") or n.startswith("triage.store.")}


def test_the_library_reads_no_environment_variables() -> None:
    readers = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "triage").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"))
        or (isinstance(node, ast.alias) and node.name in ("environ", "getenv"))
    )
    assert readers == []
