"""Terminal progress: a live bar on a terminal, plain lines in CI or when piped.

A live bar (rich) shows pages done / queued, the current URL and errors; it is used only
when stderr is a TTY and ``CI`` is not set. Otherwise one line per page goes to stderr.
``--quiet`` prints nothing here; ``--verbose`` adds per-page detail.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from .model import PageArtifacts


def interactive() -> bool:
    ci = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
    return sys.stderr.isatty() and not ci


class LineReporter:
    """One line per finished page (CI logs, pipes)."""

    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.errors = 0

    def __enter__(self) -> LineReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def page_start(self, url: str) -> None:
        if self.verbose and not self.quiet:
            click.echo(f"  visiting {url}", err=True)

    def page_done(self, art: PageArtifacts, done: int, queued: int) -> None:
        if art.error:
            self.errors += 1
        if self.quiet:
            return
        state = f"failed: {art.error}" if art.error else f"{art.status_code}"
        extra = ""
        if self.verbose and not art.error:
            t = art.timings
            extra = (f" ({len(art.links)} links, load {t.get('navigation', 0):.1f}s, "
                     f"axe {t.get('axe', 0):.1f}s)")
        click.echo(f"[{done} done, {queued} queued] {state} {art.url}{extra}", err=True)


class BarReporter(LineReporter):
    """A live progress bar (rich) on a terminal."""

    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        super().__init__(quiet, verbose)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("[bold]auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[errors]}"),
            TimeElapsedColumn(), TextColumn("{task.fields[current]}", style="dim"),
            console=Console(stderr=True), transient=True)
        self._task: Any = None

    def __enter__(self) -> BarReporter:
        self._progress.start()
        self._task = self._progress.add_task("pages", total=1, errors="", current="")
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def page_start(self, url: str) -> None:
        self._progress.update(self._task, current=url[-60:])

    def page_done(self, art: PageArtifacts, done: int, queued: int) -> None:
        if art.error:
            self.errors += 1
            self._progress.console.print(f"[red]failed[/red] {art.url}: {art.error}", markup=True, highlight=False)
        elif self.verbose:
            self._progress.console.print(f"{art.status_code} {art.url}", highlight=False)
        self._progress.update(self._task, completed=done, total=done + queued,
                              errors=f"{self.errors} errors" if self.errors else "")


def make_reporter(quiet: bool = False, verbose: bool = False) -> LineReporter:
    if not quiet and interactive():
        return BarReporter(quiet, verbose)
    return LineReporter(quiet, verbose)
