"""The public API: every name in triage.__all__ resolves, and importing triage stays light."""

from __future__ import annotations

import subprocess
import sys

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
