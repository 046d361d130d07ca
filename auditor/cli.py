"""The ``idea-audit`` command line."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__, checking, requirements
from .browser import browser_version, find_browser
from .errors import EXIT_CODES_HELP, EXIT_COULD_NOT_AUDIT, EXIT_INTERRUPTED, EXIT_OK, AuditError, UsageError
from .model import PageArtifacts
from .settings import Secrets, Settings, default_concurrency
from .store import DEFAULT_DB, Store

DEFAULT_FORMATS = "json,html"


def _err(msg: str) -> None:
    click.echo(f"idea-audit: error: {msg}", err=True)


def _parse_headers(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        name, sep, value = v.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header expects 'Name: value', got {v.split(':')[0][:40]!r}...")
        value = value.strip()
        if value.startswith("$") and value[1:].isidentifier():
            env = os.environ.get(value[1:])
            if env is None:
                raise UsageError(f"--header {name.strip()}: environment variable {value[1:]} is not set")
            value = env
        out[name.strip()] = value
    return out


def _parse_cookies(values: tuple[str, ...], start_url: str) -> list[dict[str, str]]:
    out = []
    for v in values:
        name, sep, value = v.partition("=")
        if not sep or not name.strip():
            raise UsageError("--cookie expects NAME=VALUE")
        value = value.strip()
        if value.startswith("$") and value[1:].isidentifier():
            value = os.environ.get(value[1:], "")
        out.append({"name": name.strip(), "value": value, "url": start_url})
    return out


def _formats(value: str) -> list[str]:
    from .report import reporters

    known = reporters()
    fmts = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in fmts if f not in known]
    if bad or not fmts:
        raise UsageError(f"--format: unknown format {', '.join(bad) or value!r} (allowed: {', '.join(known)})")
    return fmts


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AuditError as exc:
            _err(str(exc))
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="idea-audit")
def cli() -> None:
    """Audit US federal websites against the 21st Century IDEA Act and OMB M-23-22."""


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("urls", nargs=-1)
@click.option("--max-pages", type=click.IntRange(1), default=50, show_default=True, help="Pages to audit at most.")
@click.option("--max-depth", type=click.IntRange(0), default=3, show_default=True, help="Link depth from the start URL.")
@click.option("--max-time", type=click.FloatRange(0), default=0, help="Seconds for the crawl (0: no limit).")
@click.option("--concurrency", type=click.IntRange(1, 64), default=None, help="Pages in parallel [default: CPU count].")
@click.option("--per-host", type=click.IntRange(0), default=0, help="Pages in flight per host (0: = concurrency).")
@click.option("--delay", type=click.FloatRange(0), default=0.0, help="Seconds between requests to a host.")
@click.option("--user-agent", default=None, help="User agent for requests and robots.txt rules.")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (audit your own site only).")
@click.option("--scope", type=click.Choice(["host", "subdomains"]), default="host", show_default=True)
@click.option("--trailing-slash", type=click.Choice(["keep", "strip", "add"]), default="keep", show_default=True)
@click.option("--no-sitemap", is_flag=True, help="Do not seed the crawl from sitemaps.")
@click.option("--page-timeout", type=click.FloatRange(1), default=30.0, show_default=True, help="Seconds per page load.")
@click.option("--checks", "only", default="", help="Comma-separated check ids or families to run.")
@click.option("--skip", default="", help="Comma-separated check ids or families to skip.")
@click.option("--format", "fmt", default=DEFAULT_FORMATS, show_default=True, help="Output formats, comma-separated.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports", show_default=True)
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True, help="SQLite store.")
@click.option("--resume", "resume_id", default=None, metavar="RUN_ID", help="Continue an interrupted run.")
@click.option("--browser-path", default=None, help="Chrome/Chromium executable [env: IDEA_AUDIT_BROWSER].")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="Extra request header (value may be $ENV_VAR). Never stored or printed.")
@click.option("--cookie", "cookies", multiple=True, metavar="NAME=VALUE", help="Cookie (value may be $ENV_VAR).")
@click.option("--insecure", is_flag=True, help="Accept invalid TLS certificates.")
@click.option("--screenshots", is_flag=True, help="Desktop and mobile screenshots per page in the scorecard.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the final summary.")
@click.option("-v", "--verbose", is_flag=True, help="Per-page detail.")
def scan(urls: tuple[str, ...], max_pages: int, max_depth: int, max_time: float, concurrency: int | None,
         per_host: int, delay: float, user_agent: str | None, ignore_robots: bool, scope: str, trailing_slash: str,
         no_sitemap: bool, page_timeout: float, only: str, skip: str, fmt: str, out_dir: str, db: str,
         resume_id: str | None, browser_path: str | None, headers: tuple[str, ...], cookies: tuple[str, ...],
         insecure: bool, screenshots: bool, quiet: bool, verbose: bool) -> None:
    """Crawl URL(s) in headless Chromium, run the checks, store the run, write reports."""
    from .scan import Progress, Scanner, validate_start_url

    formats = _formats(fmt)
    store = Store(db)
    if resume_id:
        run = store.get_run(resume_id)
        if run is None:
            raise UsageError(f"--resume: no run {resume_id!r} in {db}")
        settings = Settings.from_dict(run["settings"])
        if browser_path:
            settings.browser_path = browser_path
    else:
        if not urls:
            raise UsageError("scan needs at least one URL (or --resume RUN_ID)")
        start = [validate_start_url(u) for u in urls]
        settings = Settings(
            start_urls=start, max_pages=max_pages, max_depth=max_depth, max_time=max_time,
            concurrency=concurrency or default_concurrency(), per_host=per_host, delay=delay,
            obey_robots=not ignore_robots, scope=scope, trailing_slash=trailing_slash, use_sitemap=not no_sitemap,
            page_timeout=page_timeout, checks=[c.strip() for c in only.split(",") if c.strip()],
            skip_checks=[c.strip() for c in skip.split(",") if c.strip()], browser_path=browser_path,
            insecure=insecure, screenshots=screenshots)
        if user_agent:
            settings.user_agent = user_agent
    try:
        checking.select(settings.checks, settings.skip_checks)
    except ValueError as exc:
        raise UsageError(f"--checks/--skip: {exc}") from None
    secrets = Secrets(headers=_parse_headers(headers), cookies=_parse_cookies(cookies, settings.start_urls[0]))
    settings.header_names = sorted(secrets.headers)

    def page_done(art: PageArtifacts, done: int, queued: int) -> None:
        if quiet:
            return
        state = f"failed: {art.error}" if art.error else f"{art.status_code}"
        extra = f" ({len(art.links)} links, axe {art.timings.get('axe', 0):.1f}s)" if verbose and not art.error else ""
        click.echo(f"[{done} done, {queued} queued] {state} {art.url}{extra}", err=True)

    scanner = Scanner(settings, store, secrets, Progress(page_done=page_done))
    if resume_id:
        scanner.run_id = resume_id
        store.update_run(resume_id, status="running", finished=None)
    else:
        scanner.new_run()
    if not quiet:
        click.echo(f"run {scanner.run_id}: auditing {', '.join(settings.start_urls)} "
                   f"(max {settings.max_pages} pages, depth {settings.max_depth}, "
                   f"{settings.concurrency} in parallel)", err=True)
    try:
        asyncio.run(scanner.run(resume=bool(resume_id)))
    except KeyboardInterrupt:
        store.update_run(scanner.run_id, status="incomplete", error="interrupted")
        paths = _write_reports(store, scanner.run_id, formats, out_dir)
        _err(f"interrupted; partial report{'s' if len(paths) > 1 else ''} written "
             f"({', '.join(str(p) for p in paths.values())}); continue with --resume {scanner.run_id}")
        sys.exit(EXIT_INTERRUPTED)
    paths = _write_reports(store, scanner.run_id, formats, out_dir)
    _summary(store, scanner.run_id, paths)
    from .report import build_result

    result = build_result(store, scanner.run_id)
    if result["summary"]["pages_audited"] == 0:
        first = next((p for p in result["pages"] if p["error"]), None)
        why = f"{first['url']}: {first['error']}" if first else "no page could be audited"
        _err(f"could not audit any page ({why})")
        sys.exit(EXIT_COULD_NOT_AUDIT)
    sys.exit(EXIT_OK)


def _write_reports(store: Store, run_id: str, formats: list[str], out_dir: str) -> dict[str, Path]:
    from .report import build_result, write

    return write(build_result(store, run_id), formats, out_dir)


def _summary(store: Store, run_id: str, paths: dict[str, Path]) -> None:
    from .report import build_result

    r = build_result(store, run_id)
    s = r["summary"]
    overall = r["scores"]["overall"]
    skipped = ", ".join(f"{k} {v}" for k, v in r["skipped"].items() if v) or "none"
    click.echo(f"run {run_id}: {s['pages_audited']} pages audited, {s['pages_failed']} failed, "
               f"skipped: {skipped}")
    if r["run"]["limits_hit"]:
        click.echo(f"limits reached: {', '.join(r['run']['limits_hit'])}")
    click.echo(f"overall score: {'n/a' if overall is None else f'{overall:.1f}'}; "
               f"findings: {s['by_status'].get('fail', 0)} failures, {s['by_status'].get('manual', 0)} to review")
    for fmt, p in paths.items():
        click.echo(f"{fmt}: {p}")


@cli.command()
@click.argument("run_id", required=False)
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True)
@click.option("--format", "fmt", default=DEFAULT_FORMATS, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports", show_default=True)
def report(run_id: str | None, db: str, fmt: str, out_dir: str) -> None:
    """Re-render a stored run (default: the latest) without auditing again."""
    formats = _formats(fmt)
    if not Path(db).exists():
        raise UsageError(f"no store at {db}")
    store = Store(db)
    run_id = run_id or store.latest_run()
    if not run_id or store.get_run(run_id) is None:
        raise UsageError(f"no run {run_id!r} in {db}" if run_id else f"no runs in {db}")
    paths = _write_reports(store, run_id, formats, out_dir)
    _summary(store, run_id, paths)


@cli.command("runs")
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True)
def runs_cmd(db: str) -> None:
    """List stored runs."""
    if not Path(db).exists():
        raise UsageError(f"no store at {db}")
    for run in Store(db).list_runs():
        click.echo(f"{run['id']}  {run['status']:<10}  {run['started']}  {', '.join(run['seeds'])}")


@cli.command("checks")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def checks_cmd(fmt: str) -> None:
    """List every check: id, requirement, WCAG criteria, severity."""
    specs = checking.load_all()
    if fmt == "json":
        click.echo(json.dumps({
            "checks": [s.to_dict() for s in specs.values()],
            "requirements": [r.__dict__ for r in requirements.REQUIREMENTS],
        }, indent=2))
        return
    click.echo(f"{'id':<44} {'severity':<9} {'requirements':<26} wcag")
    for s in specs.values():
        click.echo(f"{s.id:<44} {s.severity.label:<9} {','.join(s.requirements):<26} {','.join(s.wcag)}")
    click.echo(f"\n{len(specs)} checks")


@cli.command()
@click.option("--browser-path", default=None)
def doctor(browser_path: str | None) -> None:
    """Say which browser would be used, its version, and what to do if none is found."""
    click.echo(f"idea-auditor {__version__}, Python {sys.version.split()[0]}")
    info = find_browser(browser_path)
    if not info.found:
        click.echo(f"browser: none ({info.reason})")
        sys.exit(EXIT_COULD_NOT_AUDIT)
    click.echo(f"browser: {info.path}")
    click.echo(f"  found via: {info.reason}")
    click.echo(f"  version: {browser_version(info.path or '')}")
    try:
        from axe_playwright_python.base import AXE_SCRIPT

        click.echo(f"axe-core: {AXE_SCRIPT[:40].split('axe v')[-1].split()[0]}")
    except Exception as exc:  # pragma: no cover - broken install
        click.echo(f"axe-core: not importable ({exc})")
    click.echo(f"checks: {len(checking.load_all())}")


@cli.command()
@click.argument("refs", nargs=-1, required=True, metavar="RUN_OR_JSON...")
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports/compare", show_default=True)
def compare(refs: tuple[str, ...], db: str, out_dir: str) -> None:
    """Compare runs (run id, JSON result file, or latest:SITE_URL): HTML, CSV and JSON."""
    from . import compare as comparing

    store = Store(db) if Path(db).exists() else None
    results = [comparing.resolve(ref, store) for ref in refs]
    paths = comparing.write(results, out_dir)
    for e in comparing.comparison(results)["entries"]:
        score = "n/a" if e["overall"] is None else f"{e['overall']:.1f}"
        click.echo(f"{e['rank']}. {e['label']}: {score}")
    for fmt, p in paths.items():
        click.echo(f"{fmt}: {p}")


def main() -> None:
    try:
        cli(prog_name="idea-audit")
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":  # pragma: no cover
    main()
