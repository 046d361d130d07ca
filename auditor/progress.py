"""Terminal progress: a live bar on a terminal, plain lines in CI or when piped.

A live bar (rich) shows pages done / queued, the current URL and errors; it is used only
when stderr is a TTY and ``CI`` is not set. Otherwise one line per page goes to stderr.
``--quiet`` prints nothing here; ``--verbose`` adds per-page detail.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import click

from .model import PageArtifacts

#: What a terminal acts on rather than shows: C0 controls but tab (ESC starts ANSI/OSC
#: sequences: clear screen, cursor moves that overwrite earlier lines, OSC 52 clipboard
#: writes; CR and LF let text pose as a line of our own), DEL, C1 controls (8-bit CSI/OSC),
#: bidirectional overrides, and lone surrogates (which stderr cannot encode at all).
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")


def printable(text: object) -> str:
    """Text a site controls (its URLs, titles, error messages), safe to print on one line of a
    terminal: every character :data:`_UNSAFE` names is shown as an escape (``\\x1b``)."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", str(text))


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
            click.echo(f"  visiting {printable(url)}", err=True)

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
        click.echo(printable(f"[{done} done, {queued} queued] {state} {art.url}{extra}"), err=True)


class BarReporter(LineReporter):
    """A live progress bar (rich) on a terminal."""

    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        super().__init__(quiet, verbose)
        from rich.console import Console
        from rich.markup import escape
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.text import Text

        self._escape, self._text = escape, Text

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
        # the column renders its text as rich markup: a URL is escaped for it
        self._progress.update(self._task, current=self._escape(printable(url[-60:])))

    def page_done(self, art: PageArtifacts, done: int, queued: int) -> None:
        # what the site controls is never parsed as markup (a "[/red]" in an error message
        # was a MarkupError that ended the scan)
        if art.error:
            self.errors += 1
            line = self._text("failed", style="red")
            line.append(printable(f" {art.url}: {art.error}"))
            self._progress.console.print(line, highlight=False)
        elif self.verbose:
            self._progress.console.print(printable(f"{art.status_code} {art.url}"), markup=False, highlight=False)
        self._progress.update(self._task, completed=done, total=done + queued,
                              errors=f"{self.errors} errors" if self.errors else "")


def make_reporter(quiet: bool = False, verbose: bool = False) -> LineReporter:
    if not quiet and interactive():
        return BarReporter(quiet, verbose)
    return LineReporter(quiet, verbose)
