"""The analysts' notebooks run top to bottom on a fresh sample workspace, and are stored clean."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
# Small enough that all three run in well under a minute on two busy cores.
PARAMETERS = "ROWS = 400\nCORRECTIONS = 40\nWORKSPACE = {workspace!r}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("workbench"))


@pytest.fixture(scope="module", autouse=True)
def kernel(monkeypatch_module: pytest.MonkeyPatch) -> None:
    """The venv's ipykernel as kernel "python3", installed offline if it is not yet known."""
    # jupyter_core warns about its path migration unless told which one to use.
    monkeypatch_module.setenv("JUPYTER_PLATFORM_DIRS", "1")
    from jupyter_client.kernelspec import find_kernel_specs

    if "python3" not in find_kernel_specs():
        from ipykernel.kernelspec import install

        install(prefix=sys.prefix)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_there_are_three_notebooks_named_by_step_initials_and_topic() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert len(names) == 3
    for step, name in enumerate(names, start=1):
        assert name.startswith(f"{step:02d}-tr-")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, workspace: str) -> None:
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [1]
    notebook.cells.insert(2, nbformat.v4.new_code_cell(PARAMETERS.format(workspace=workspace)))
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=240, resources={"metadata": {"path": path.parent}}
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    errors = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []
    figures = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert figures, "every notebook shows at least one chart"
