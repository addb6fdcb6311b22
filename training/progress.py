"""Progress of a long command's named stages: a bar on stderr at a terminal, log lines with -v."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

log = logging.getLogger(__name__)


@contextmanager
def stage_progress(
    stages: Sequence[str], *, verbose: bool = False, stream: TextIO | None = None
) -> Iterator[Callable[[str], None]]:
    """Yield a callback to call with each stage's name as it starts.

    With ``verbose`` every stage is logged (INFO) with the time since the start.  Otherwise,
    when ``stream`` (stderr) is a terminal, a bar there follows the stages and stays on
    screen, with the elapsed time, when the block ends.  Anywhere else (a pipe, a file, a
    test's captured output) nothing is written.  A stage missing from ``stages`` changes the
    bar's label only.
    """
    stream = stream if stream is not None else sys.stderr
    if verbose:
        began = time.perf_counter()

        def logged(stage: str) -> None:
            log.info("%s (at %.1f s)", stage, time.perf_counter() - began)

        yield logged
    elif stages and stream.isatty():
        with _bar(stages, stream) as advance:
            yield advance
    else:
        yield _ignore


@contextmanager
def _bar(stages: Sequence[str], stream: TextIO) -> Iterator[Callable[[str], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    order = {stage: i for i, stage in enumerate(stages)}
    with Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=stream, force_terminal=True),
        # Standard output may be a file (`> summary.json`): never send it to the terminal.
        redirect_stdout=False,
    ) as bar:
        task = bar.add_task(stages[0], total=len(stages))

        def advance(stage: str) -> None:
            bar.update(task, description=stage, completed=order.get(stage, bar.tasks[0].completed))

        yield advance
        bar.update(task, description="done", completed=len(stages))


def _ignore(stage: str) -> None:
    """The callback when progress is not shown."""
