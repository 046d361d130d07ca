"""The ``idea-audit`` command line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import click

from . import __version__, checking, requirements, scoring
from .browser import browser_version, find_browser, sandbox_mode
from .errors import (
    EXIT_CODES_HELP,
    EXIT_COULD_NOT_AUDIT,
    EXIT_GATE_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_WRITE_FAILED,
    AuditError,
    RunBusy,
    UsageError,
    WriteFailed,
)
from .model import Severity
from .settings import (
    MAX_AXE_TIMEOUT,
    MAX_CONCURRENCY,
    MAX_DELAY,
    MAX_PAGE_TIMEOUT,
    MAX_TIME,
    Secrets,
    Settings,
    default_concurrency,
)
from .store import DEFAULT_DB, Store

DEFAULT_FORMATS = "json,html"


def _err(msg: str) -> None:
    """An error line; its text may hold what a site sent (a redirect target, an error message)."""
    from .progress import printable

    click.echo(f"idea-audit: error: {printable(msg)}", err=True)


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
            # as for --header: an unset variable is a mistake, not an empty cookie
            env = os.environ.get(value[1:])
            if env is None:
                raise UsageError(f"--cookie {name.strip()}: environment variable {value[1:]} is not set")
            value = env
        out.append({"name": name.strip(), "value": value, "url": start_url})
    return out


class Finite(click.FloatRange):
    """A number within [min, max] that is finite: click's FloatRange lets ``nan`` through (every
    comparison with it is false) and ``inf`` where there is no maximum, and either made every
    page fail ("timed out after nans") or a gate that cannot fail."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        rv = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a finite number in the range {self._describe_range()}", param, ctx)
        return super().convert(rv, param, ctx)


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
        except sqlite3.DatabaseError as exc:  # e.g. a store another program holds locked
            _err(f"the results store could not be used: {exc}")
            full = any(w in str(exc).lower() for w in ("disk is full", "readonly", "read-only", "disk i/o"))
            ctx.exit(EXIT_WRITE_FAILED if full else EXIT_COULD_NOT_AUDIT)


@click.group(cls=_Group, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="idea-audit")
def cli() -> None:
    """Audit US federal websites against the 21st Century IDEA Act and OMB M-23-22."""


GATE_HELP = (
    "Gates: --fail-on SEVERITY fails on any finding at or above it; --min-score N (overall) and "
    "--min-score REQUIREMENT=N (repeatable); --max-findings N. With --baseline only NEW findings count."
)


@cli.command(epilog=f"{GATE_HELP}\n\n{EXIT_CODES_HELP}")
@click.argument("urls", nargs=-1)
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False),
              help="Config file [default: ./idea-audit.toml or [tool.idea-audit] in ./pyproject.toml].")
@click.option("--max-pages", type=click.IntRange(1), default=50, show_default=True, help="Pages to audit at most.")
@click.option("--max-depth", type=click.IntRange(0), default=3, show_default=True, help="Link depth from the start URL.")
@click.option("--max-time", type=Finite(0, MAX_TIME), default=0, help="Seconds for the crawl (0: no limit).")
@click.option("--concurrency", type=click.IntRange(1, MAX_CONCURRENCY), default=None, help="Pages in parallel [default: CPU count].")
@click.option("--per-host", type=click.IntRange(0, MAX_CONCURRENCY), default=0, help="Pages in flight per host (0: = concurrency).")
@click.option("--delay", type=Finite(0, MAX_DELAY), default=0.0, help="Seconds between requests to a host.")
@click.option("--user-agent", default=None, help="User agent for requests and robots.txt rules.")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (audit your own site only).")
@click.option("--scope", type=click.Choice(["host", "subdomains"]), default="host", show_default=True)
@click.option("--trailing-slash", type=click.Choice(["keep", "strip", "add"]), default="keep", show_default=True)
@click.option("--no-sitemap", is_flag=True, help="Do not seed the crawl from sitemaps.")
@click.option("--page-timeout", type=Finite(1, MAX_PAGE_TIMEOUT), default=30.0, show_default=True,
              help="Seconds per page load.")
@click.option("--axe-timeout", type=Finite(5, MAX_AXE_TIMEOUT), default=60.0, show_default=True,
              help="Seconds axe-core may take on one page (pages with thousands of links need more).")
@click.option("--target-grade", type=Finite(1, 20), default=None,
              help="Plain-language target reading grade (default 8, the federal plain-language goal).")
@click.option("--checks", "only", default="", help="Comma-separated check ids or families to run.")
@click.option("--skip", default="", help="Comma-separated check ids or families to skip.")
@click.option("--format", "fmt", default=DEFAULT_FORMATS, show_default=True,
              help="Output formats, comma-separated: json, html, junit, sarif, md, csv.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports", show_default=True)
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True, help="SQLite store.")
@click.option("--resume", "resume_id", default=None, metavar="RUN_ID", help="Continue an interrupted run.")
@click.option("--browser-path", default=None, help="Chrome/Chromium executable [env: IDEA_AUDIT_BROWSER].")
@click.option("--fail-on", type=click.Choice([s.label for s in Severity]), default=None,
              help="Fail (exit 1) on any finding at or above this severity.")
@click.option("--min-score", "min_scores", multiple=True, metavar="N|REQ=N",
              help="Fail if the overall (or a requirement's) score is below N. Repeatable.")
@click.option("--max-findings", type=click.IntRange(0), default=None, help="Fail if more findings than this.")
@click.option("--baseline", "baseline_path", default=None, type=click.Path(dir_okay=False),
              help="Earlier JSON result or baseline file: only NEW findings count toward gates.")
@click.option("--baseline-ignore-host", is_flag=True, help="Match baseline findings on any host (staging vs production).")
@click.option("--sarif-source-map", "sarif_source_map", multiple=True, metavar="URL_PREFIX=REPO_PATH",
              help="Place SARIF results of pages under URL_PREFIX on the repository file REPO_PATH + the rest of "
                   "the path (repeatable). Unmapped pages are placed on the config file.")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="Extra request header (value may be $ENV_VAR). Never stored or printed.")
@click.option("--cookie", "cookies", multiple=True, metavar="NAME=VALUE", help="Cookie (value may be $ENV_VAR).")
@click.option("--auth", default=None, metavar="USER:PASSWORD",
              help="HTTP basic auth (PASSWORD may be $ENV_VAR). Never stored or printed.")
@click.option("--insecure", is_flag=True, help="Accept invalid TLS certificates.")
@click.option("--environment", type=click.Choice(["auto", "production", "staging"]), default="auto",
              show_default=True,
              help="staging: production-only checks (HTTPS, HSTS, certificate, .gov domain...) are not assessed. "
                   "auto: staging for localhost, loopback, private and link-local addresses and .test/.local/"
                   ".localhost/.internal/.example names.")
@click.option("--screenshots", is_flag=True, help="Desktop and mobile screenshots per page in the scorecard.")
@click.option("--memo/--no-memo", default=True, show_default=True,
              help="Measure a block repeated across pages (header, navigation, footer) once when it is provably "
                   "identical; --no-memo measures every block on every page.")
@click.option("--incremental", is_flag=True,
              help="Re-audit only pages changed since the latest complete run of the same site in --db; "
                   "unchanged pages keep that run's results (and say so).")
@click.option("--count-best-practice", is_flag=True,
              help="Count the best-practice tier (axe-core best-practice, experimental, AAA rules) in scores and gates.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the final summary.")
@click.option("-v", "--verbose", is_flag=True, help="Per-page detail.")
@click.pass_context
def scan(ctx: click.Context, urls: tuple[str, ...], config_path: str | None, max_pages: int, max_depth: int,
         max_time: float, concurrency: int | None, per_host: int, delay: float, user_agent: str | None,
         ignore_robots: bool, scope: str, trailing_slash: str, no_sitemap: bool, page_timeout: float,
         axe_timeout: float, target_grade: float | None, only: str, skip: str, fmt: str, out_dir: str, db: str, resume_id: str | None, browser_path: str | None,
         fail_on: str | None, min_scores: tuple[str, ...], max_findings: int | None, baseline_path: str | None,
         baseline_ignore_host: bool, sarif_source_map: tuple[str, ...], headers: tuple[str, ...],
         cookies: tuple[str, ...], auth: str | None, insecure: bool, environment: str, screenshots: bool, memo: bool, incremental: bool,
         count_best_practice: bool, quiet: bool, verbose: bool) -> None:
    """Crawl URL(s) in headless Chromium, run the checks, store the run, write reports."""
    from . import config as config_mod
    from .progress import make_reporter
    from .scan import Progress, Scanner, validate_start_url

    cfg = config_mod.load(config_path)
    c = cfg.scan

    def pick(name: str, value: Any, key: str | None = None) -> Any:
        """The CLI value if given on the command line, else the config file's, else the default."""
        src = ctx.get_parameter_source(name)
        key = key or name
        if (src is not None and src.name in ("COMMANDLINE", "ENVIRONMENT")) or key not in c:
            return value
        return c[key]

    fmt_val = pick("fmt", fmt, "formats")
    formats = _formats(",".join(fmt_val) if isinstance(fmt_val, list) else fmt_val)
    out_dir = pick("out_dir", out_dir, "out")
    db = pick("db", db)
    store = Store(db)
    if resume_id:
        run = store.get_run(resume_id)
        if run is None:
            raise UsageError(f"--resume: no run {resume_id!r} in {db}")
        if not (run.get("settings") or {}).get("start_urls"):
            raise UsageError(f"--resume {resume_id}: the run was rejected at its start "
                             f"({run.get('error') or 'no start URL'}); nothing to resume: start a new scan")
        settings = Settings.from_dict(run["settings"])
        if browser_path:
            settings.browser_path = browser_path
    else:
        start_raw = list(urls) or c.get("urls", [])
        if not start_raw:
            raise UsageError("scan needs at least one URL (or --resume RUN_ID, or urls in the config file)")
        try:
            start = [validate_start_url(u) for u in start_raw]
        except UsageError as exc:
            _record_rejected(store, start_raw, str(exc))
            raise
        only_v = pick("only", only, "checks")
        skip_v = pick("skip", skip)
        settings = Settings(
            start_urls=start, max_pages=pick("max_pages", max_pages), max_depth=pick("max_depth", max_depth),
            max_time=pick("max_time", max_time), concurrency=pick("concurrency", concurrency) or default_concurrency(),
            per_host=pick("per_host", per_host), delay=pick("delay", delay),
            obey_robots=(not ignore_robots) if ctx.get_parameter_source("ignore_robots").name == "COMMANDLINE"
            else c.get("obey_robots", True),
            scope=pick("scope", scope), trailing_slash=pick("trailing_slash", trailing_slash),
            use_sitemap=(not no_sitemap) if ctx.get_parameter_source("no_sitemap").name == "COMMANDLINE"
            else c.get("use_sitemap", True),
            page_timeout=pick("page_timeout", page_timeout), axe_timeout=pick("axe_timeout", axe_timeout),
            target_grade=pick("target_grade", target_grade),
            checks=_csv_list(only_v), skip_checks=_csv_list(skip_v),
            browser_path=pick("browser_path", browser_path), insecure=insecure or c.get("insecure", False),
            screenshots=screenshots or c.get("screenshots", False),
            count_best_practice=count_best_practice or c.get("count_best_practice", False),
            environment=pick("environment", environment), memo=pick("memo", memo),
            incremental=incremental or c.get("incremental", False))
        ua = pick("user_agent", user_agent)
        if ua:
            settings.user_agent = ua
    try:
        checking.select(settings.checks, settings.skip_checks)
    except ValueError as exc:
        raise UsageError(f"--checks/--skip: {exc}") from None
    gates = _gates(cfg, ctx, fail_on, min_scores, max_findings)
    base_file = baseline_path or cfg.baseline.get("file")
    ignore_host = baseline_ignore_host or cfg.baseline.get("ignore_host", False)
    baseline = _load_baseline(base_file, db)
    sarif_opts = _sarif_options(cfg, sarif_source_map)
    secrets = _secrets(cfg, headers, cookies, auth, settings.start_urls[0])
    settings.header_names = sorted(secrets.headers)

    _check_writable(out_dir)
    reporter = make_reporter(quiet=quiet, verbose=verbose)
    def say(msg: str) -> None:  # one line the scan has to say before its summary (--incremental's base)
        from .progress import printable

        if not quiet:
            click.echo(printable(msg), err=True)

    scanner = Scanner(settings, store, secrets, Progress(page_done=reporter.page_done, page_start=reporter.page_start,
                                                         message=say))
    if resume_id:
        scanner.run_id = resume_id
    else:
        scanner.new_run()
    from .store import LEASE_TTL, Lease

    # one process audits a run at a time: a second --resume of it (or a --resume of a scan
    # still running) would audit every remaining page twice
    lease = Lease(db, scanner.run_id)
    holder = lease.acquire(store)
    if holder is not None:
        ago = max(0, round(time.time() - float(holder["heartbeat"])))
        raise RunBusy(f"--resume {scanner.run_id}: the run is being audited by process {holder['pid']} on "
                      f"{holder['host']} (since {holder['acquired']}, last heartbeat {ago}s ago); wait for it to "
                      f"finish (its lease lapses {LEASE_TTL:g}s after its last heartbeat if it hangs)")
    try:
        _scan_leased(ctx, scanner, store, settings, resume_id, reporter, quiet, cfg, gates, baseline, ignore_host,
                     formats, out_dir, sarif_opts)
    finally:
        lease.release(store)


def _browser_gone(exc: BaseException) -> bool:
    """Whether ``exc`` says the browser or Playwright's driver went away under the scan."""
    text = f"{type(exc).__name__}: {exc}"
    return "TargetClosedError" in text or "has been closed" in text or "Connection closed" in text


def _scan_leased(ctx: click.Context, scanner: Any, store: Store, settings: Settings, resume_id: str | None,
                 reporter: Any, quiet: bool, cfg: Any, gates: Any, baseline: Any, ignore_host: bool,
                 formats: list[str], out_dir: str, sarif_opts: dict[str, Any] | None = None) -> None:
    """The scan of a run this process holds the lease of, its reports and its exit."""
    if resume_id:
        store.update_run(resume_id, status="running", finished=None)
    if not quiet:
        click.echo(f"run {scanner.run_id}: auditing {', '.join(settings.start_urls)} "
                   f"(max {settings.max_pages} pages, depth {settings.max_depth}, "
                   f"{settings.concurrency} in parallel)", err=True)
    runner = asyncio.Runner()
    terminated: list[int] = []

    def _on_sigterm(signum: int, frame: Any) -> None:
        # SIGTERM (a CI system cancelling the job, or its timeout) ends the scan as Ctrl-C
        # does: the runner's SIGINT handling cancels it, and the partial reports are written
        terminated.append(signum)
        os.kill(os.getpid(), signal.SIGINT)

    previous_term = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        try:
            with reporter, runner:
                runner.run(scanner.run(resume=bool(resume_id)))
        except Exception as exc:
            # Ctrl-C cancels the scan, and a tab being opened as the browser shuts down may
            # end it with that error instead of the cancellation: still an interruption
            if getattr(runner, "_interrupt_count", 0) or terminated:
                raise KeyboardInterrupt from None
            if _browser_gone(exc):
                # a signal to the process group reaches Playwright's driver too, which closes
                # the browser at once (handleSIGINT/SIGTERM): the error can come before this
                # process has run its own handler. Give the signal a bounded moment to arrive
                # (the runner's handler is gone now: a SIGINT raises KeyboardInterrupt here)
                for _ in range(40):
                    time.sleep(0.05)
                    if terminated:
                        raise KeyboardInterrupt from None
            raise
    except KeyboardInterrupt:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM does not cut the reports short
        what = "terminated (SIGTERM)" if terminated else "interrupted"
        store.update_run(scanner.run_id, status="incomplete", error="terminated" if terminated else "interrupted")
        _, paths, _ = _finish(store, scanner.run_id, cfg, gates, baseline, ignore_host, formats, out_dir, sarif_opts)
        _err(f"{what}; partial report{'s' if len(paths) > 1 else ''} written "
             f"({', '.join(str(p) for p in paths.values())}); continue with --resume {scanner.run_id}")
        sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
    finally:
        with contextlib.suppress(Exception):
            signal.signal(signal.SIGTERM, previous_term)
    from .report import mark_if_nothing_audited

    nothing = mark_if_nothing_audited(store, scanner.run_id)  # status failed, no score, the reason
    result, paths, verdict = _finish(store, scanner.run_id, cfg, gates, baseline, ignore_host, formats, out_dir,
                                     sarif_opts)
    _summary(result, paths)
    if nothing:
        _err(nothing)
        sys.exit(EXIT_COULD_NOT_AUDIT)
    sys.exit(_verdict_exit(verdict, result))


def _load_baseline(base_file: str | None, db: str) -> dict[str, Any] | None:
    if not base_file:
        return None
    from . import baseline as baseline_mod

    baseline = baseline_mod.load(base_file)
    if db != str(DEFAULT_DB):
        baseline["db"] = db  # for the first-run note's `idea-audit baseline --db ...`
    return baseline


def _sarif_options(cfg: Any, values: tuple[str, ...]) -> dict[str, Any]:
    """The SARIF source map (command line, else config) and the anchor file: the config file
    the run used, relative to the working directory (the repository root in CI), else
    ``idea-audit.toml``."""
    from .report.sarif import DEFAULT_ANCHOR, parse_source_map

    raw = list(values) or list(cfg.scan.get("sarif_source_map") or [])
    try:
        pairs = parse_source_map(raw)
    except ValueError as exc:
        raise UsageError(f"--sarif-source-map: {exc}") from None
    anchor = DEFAULT_ANCHOR
    if cfg.path:
        try:
            anchor = Path(os.path.relpath(Path(cfg.path).resolve(), Path.cwd().resolve())).as_posix()
        except ValueError:  # another drive (Windows)
            anchor = DEFAULT_ANCHOR
        if anchor.startswith("../"):
            anchor = DEFAULT_ANCHOR
    return {"source_map": [{"prefix": p, "path": r} for p, r in pairs], "anchor": anchor}


def _check_writable(out_dir: str) -> None:
    """Refuse, before auditing anything, an --out that cannot take the reports (a read-only file
    system, a path under a file, a full disk); nothing is created here."""
    p = Path(out_dir).absolute()
    existing = next(q for q in [p, *p.parents] if q.exists())
    if not existing.is_dir():
        raise WriteFailed(f"--out {out_dir}: {existing} is a file, not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        try:
            ro = bool(os.statvfs(existing).f_flag & os.ST_RDONLY)
        except OSError:
            ro = False
        raise WriteFailed(f"--out {out_dir}: cannot write in {existing} ({'read-only file system' if ro else 'permission denied'})")
    try:
        st = os.statvfs(existing)
    except OSError:
        return
    if st.f_bavail == 0:
        raise WriteFailed(f"--out {out_dir}: no space left on the device holding {existing}")


def _record_rejected(store: Store, seeds: list[str], reason: str) -> None:
    """A start URL that cannot be audited at all still leaves a failed run with the reason."""
    from .store import new_run_id, now_iso

    run_id = new_run_id()
    store.create_run(run_id, __version__, [str(u)[:500] for u in seeds], {})
    store.update_run(run_id, status="failed", error=reason, finished=now_iso())


def _csv_list(v: Any) -> list[str]:
    if isinstance(v, list):
        return [x.strip() for x in v if x.strip()]
    return [x.strip() for x in str(v).split(",") if x.strip()]


def _gates(cfg: Any, ctx: click.Context, fail_on: str | None, min_scores: tuple[str, ...],
           max_findings: int | None) -> Any:
    from .gates import Gates, parse_min_scores

    g = cfg.gates
    overall, per = parse_min_scores(min_scores, set(requirements.BY_ID))
    fo = fail_on or g.get("fail_on")
    return Gates(fail_on=Severity.parse(fo) if fo else None,
                 min_score=overall if overall is not None else g.get("min_score"),
                 min_scores={**g.get("min_scores", {}), **per},
                 max_findings=max_findings if max_findings is not None else g.get("max_findings"))


def _secrets(cfg: Any, headers: tuple[str, ...], cookies: tuple[str, ...], auth: str | None,
             start_url: str) -> Secrets:
    from . import config as config_mod

    hdrs = config_mod.env_values(cfg.header_env, "header", cfg.path)
    hdrs.update(_parse_headers(headers))
    cks = [{"name": k, "value": v, "url": start_url}
           for k, v in config_mod.env_values(cfg.cookie_env, "cookie", cfg.path).items()]
    cks += _parse_cookies(cookies, start_url)
    if auth:
        import base64

        given = next((k for k in hdrs if k.lower() == "authorization"), None)
        if given is not None:  # --auth would silently replace it
            where = "--header" if any(h.partition(":")[0].strip().lower() == "authorization" for h in headers) \
                else f"{cfg.path} [headers]"
            raise UsageError(f"--auth and {where} {given}: both set the Authorization header; give one of them")
        user, sep, pw = auth.partition(":")
        if not sep or not user:
            raise UsageError("--auth expects USER:PASSWORD (PASSWORD may be $ENV_VAR)")
        if pw.startswith("$") and pw[1:].isidentifier():
            if pw[1:] not in os.environ:
                raise UsageError(f"--auth: environment variable {pw[1:]} is not set")
            pw = os.environ[pw[1:]]
        hdrs["Authorization"] = "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()
    return Secrets(headers=hdrs, cookies=cks)


def _finish(store: Store, run_id: str, cfg: Any, gates: Any, baseline: dict[str, Any] | None, ignore_host: bool,
            formats: list[str], out_dir: str, sarif_opts: dict[str, Any] | None = None,
            ) -> tuple[dict[str, Any], dict[str, Path], list[Any]]:
    """Build the result, apply config policy, baseline and gates, write every format."""
    from . import baseline as baseline_mod
    from . import config as config_mod
    from .gates import evaluate
    from .report import build_result, write

    result = build_result(store, run_id)
    config_mod.apply_policy(result, cfg)
    if baseline is not None:
        baseline_mod.apply(result, baseline, ignore_host)
    verdict = evaluate(result, gates) if gates.any() else []
    if verdict:
        from .gates import LISTED, culprits

        result["gates"] = []
        for g in verdict:
            entry = g.to_dict()
            if not g.passed:
                named = culprits(result, g)
                entry["findings_total"] = len(named)
                entry["findings"] = [{k: f.get(k) for k in ("check_id", "severity", "page_url", "message", "selector")}
                                     for f in named[:LISTED]]
            result["gates"].append(entry)
    if sarif_opts:
        result["sarif"] = sarif_opts
    try:
        paths = write(result, formats, out_dir)
    except OSError as exc:  # disk full, read-only: each report is whole or absent (atomic_open)
        raise WriteFailed(f"could not write the reports to {out_dir}: {exc.strerror or exc}; the run is stored: "
                          f"write them elsewhere with `idea-audit report {run_id} --out DIR`") from None
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        from .report import md

        try:
            with open(summary_file, "a", encoding="utf-8") as fh:
                fh.write(md.render(result))
        except OSError as exc:
            _err(f"could not write GITHUB_STEP_SUMMARY ({exc.strerror or exc}); continuing")
    return result, paths, verdict


def _verdict_exit(verdict: list[Any], result: dict[str, Any]) -> int:
    """Print each gate; under a failing one, the findings that failed it (at most
    ``gates.LISTED``, worst first), so a CI log's last lines say what to fix."""
    from .gates import LISTED, culprits, describe
    from .progress import printable

    failed = [g for g in verdict if not g.passed]
    for g in verdict:
        click.echo(f"gate {'FAILED' if not g.passed else 'passed'}: {g.gate}: {g.detail}")
        if not g.passed:
            named = culprits(result, g)
            for f in named[:LISTED]:
                click.echo(printable(f"  - {describe(f)}"))
            if len(named) > LISTED:
                click.echo(f"  ... and {len(named) - LISTED} more (all of them in the reports)")
    if failed:
        click.echo(f"result: FAILED ({len(failed)} of {len(verdict)} gates)")
        return EXIT_GATE_FAILED
    if verdict:
        click.echo(f"result: passed ({len(verdict)} gates)")
    return EXIT_OK


def _summary(r: dict[str, Any], paths: dict[str, Path]) -> None:
    from .memo import memo_note
    from .progress import printable
    from .report import incremental_note, pacing_note

    s = r["summary"]
    run_id = r["run"]["id"]
    overall = r["scores"]["overall"]
    skipped = ", ".join(f"{k} {v}" for k, v in r["skipped"].items() if v) or "none"
    click.echo(f"run {run_id}: {s['pages_audited']} pages audited, {s['pages_failed']} failed, "
               f"skipped: {skipped}")
    if r["run"]["limits_hit"]:
        click.echo(f"limits reached: {', '.join(r['run']['limits_hit'])}")
    for c in (r.get("site") or {}).get("fetch_cuts") or []:
        click.echo(printable(f"cut: {c['what']} {c['url']}: {c['cut']}"))
    pacing = pacing_note(r["run"].get("pacing"))
    if pacing:
        click.echo(f"pacing: {pacing}")
    inc = incremental_note(r)
    if inc:
        click.echo(printable(inc))
        gone = (r["run"].get("incremental") or {}).get("gone") or []
        for u in gone[:10]:
            click.echo(printable(f"gone since the base run: {u}"))
        if len(gone) > 10:
            click.echo(f"...and {len(gone) - 10} more gone (listed in the JSON report, run.incremental.gone)")
    memo = memo_note(r["run"].get("memo"))
    if memo:
        click.echo(f"memo: {memo}")
    env = r["run"].get("environment")
    if env:
        click.echo(printable(env["note"]))
    click.echo(f"overall score: {scoring.fmt(overall, 'n/a')}; "
               f"findings: {s['by_status'].get('fail', 0)} failures, {s['by_status'].get('warn', 0)} warnings, "
               f"{s['by_status'].get('manual', 0)} to review"
               + (f", {len(r['ignored'])} ignored" if r.get("ignored") else ""))
    if r.get("baseline"):
        b = r["baseline"]
        click.echo(f"baseline {b['file']}: {b['new']} new, {b['existing']} unchanged, {b['fixed']} fixed"
                   + (f", {b['not_checked']} not checked in this run" if b.get("not_checked") else ""))
        if b.get("note"):
            click.echo(f"baseline: {b['note']}")
    for fmt, p in paths.items():
        click.echo(f"{fmt}: {p}")


@cli.command(epilog=f"{GATE_HELP}\n\n{EXIT_CODES_HELP}")
@click.argument("run_id", required=False)
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True)
@click.option("--format", "fmt", default=DEFAULT_FORMATS, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports", show_default=True)
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False))
@click.option("--fail-on", type=click.Choice([s.label for s in Severity]), default=None)
@click.option("--min-score", "min_scores", multiple=True, metavar="N|REQ=N")
@click.option("--max-findings", type=click.IntRange(0), default=None)
@click.option("--baseline", "baseline_path", default=None, type=click.Path(dir_okay=False))
@click.option("--baseline-ignore-host", is_flag=True)
@click.option("--sarif-source-map", "sarif_source_map", multiple=True, metavar="URL_PREFIX=REPO_PATH")
@click.pass_context
def report(ctx: click.Context, run_id: str | None, db: str, fmt: str, out_dir: str, config_path: str | None,
           fail_on: str | None, min_scores: tuple[str, ...], max_findings: int | None, baseline_path: str | None,
           baseline_ignore_host: bool, sarif_source_map: tuple[str, ...]) -> None:
    """Re-render a stored run (default: the latest) without auditing again; gates apply too."""
    from . import config as config_mod

    formats = _formats(fmt)
    store = _open_store(db)
    run_id = _run_id(store, run_id, db)
    cfg = config_mod.load(config_path)
    if ctx.get_parameter_source("out_dir").name != "COMMANDLINE" and cfg.scan.get("out"):
        out_dir = cfg.scan["out"]  # read against the config file's folder, as scan does
    gates = _gates(cfg, ctx, fail_on, min_scores, max_findings)
    base_file = baseline_path or cfg.baseline.get("file")
    baseline = _load_baseline(base_file, db)
    result, paths, verdict = _finish(store, run_id, cfg, gates, baseline,
                                     baseline_ignore_host or cfg.baseline.get("ignore_host", False), formats, out_dir,
                                     _sarif_options(cfg, sarif_source_map))
    _summary(result, paths)
    if result["run"]["status"] == "failed" and not result["summary"]["pages_audited"]:
        _err(result["run"]["error"] or "no page could be audited")  # the scan's exit, again
        sys.exit(EXIT_COULD_NOT_AUDIT)
    sys.exit(_verdict_exit(verdict, result))


def _open_store(db: str) -> Store:
    if not Path(db).exists():
        raise UsageError(f"no store at {db}")
    return Store(db)


def _run_id(store: Store, run_id: str | None, db: str) -> str:
    run_id = run_id or store.latest_run()
    if not run_id or store.get_run(run_id) is None:
        raise UsageError(f"no run {run_id!r} in {db}" if run_id else f"no runs in {db}")
    return run_id


@cli.command("baseline")
@click.argument("run_id", required=False)
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="idea-audit-baseline.json", show_default=True)
def baseline_cmd(run_id: str | None, db: str, output: str) -> None:
    """Write a baseline file from a stored run (default: the latest) for --baseline."""
    import json as _json

    from .baseline import make_baseline
    from .report import build_result, write_text_atomic

    store = _open_store(db)
    run_id = _run_id(store, run_id, db)
    data = make_baseline(build_result(store, run_id))
    write_text_atomic(output, _json.dumps(data, indent=2) + "\n")
    click.echo(f"baseline of run {run_id}: {len(data['findings'])} findings -> {output}")


@cli.command("init")
@click.option("--url", default="https://www.example.gov/", show_default=True, help="The site to audit.")
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=".", show_default=True)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init_cmd(url: str, directory: str, force: bool) -> None:
    """Write a commented idea-audit.toml and a GitHub Actions workflow."""
    from .initcmd import write_init
    from .scan import validate_start_url

    for path in write_init(Path(directory), validate_start_url(url), force=force):
        click.echo(f"wrote {path}")


@cli.command("runs")
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True)
def runs_cmd(db: str) -> None:
    """List stored runs."""
    from .progress import printable

    for run in _open_store(db).list_runs():
        why = f"  ({run['error']})" if run.get("error") and run["status"] != "complete" else ""
        click.echo(printable(f"{run['id']}  {run['status']:<10}  {run['started']}  {', '.join(run['seeds'])}{why}"))


@cli.command("checks")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def checks_cmd(fmt: str) -> None:
    """List every check: id, requirement, WCAG criteria, severity."""
    specs = checking.load_all()
    if fmt == "json":
        from . import section508

        click.echo(json.dumps({
            "checks": [{**s.to_dict(), "section508": section508.check_dict(s.id)} for s in specs.values()],
            "requirements": [r.__dict__ for r in requirements.REQUIREMENTS],
            "section508": section508.catalog(),
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
    click.echo(f"  sandbox: {sandbox_mode(info.path).describe()}")
    try:
        from axe_playwright_python.base import AXE_SCRIPT

        click.echo(f"axe-core: {AXE_SCRIPT[:40].split('axe v')[-1].split()[0]}")
    except Exception as exc:  # pragma: no cover - broken install
        click.echo(f"axe-core: not importable ({exc})")
    click.echo(f"checks: {len(checking.load_all())}")


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("sites_file", type=click.Path(dir_okay=False))
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Sites audited in parallel locally [default: from CPU count and free memory].")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Run on this Dask distributed scheduler instead of locally (pip install 'idea-auditor[dask]').")
@click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True,
              help="Dask retries of a site whose worker failed.")
@click.option("--name", default=None, help="Fleet name, used by --resume [default: the sites file's name].")
@click.option("--resume", is_flag=True, help="Skip sites this fleet already finished in the store.")
@click.option("--max-pages", type=click.IntRange(1), default=20, show_default=True, help="Per site, unless the file says.")
@click.option("--max-depth", type=click.IntRange(0), default=3, show_default=True)
@click.option("--max-time", type=Finite(0, MAX_TIME), default=900, show_default=True, help="Seconds per site.")
@click.option("--concurrency", type=click.IntRange(1, 16), default=1, show_default=True, help="Pages in parallel per site.")
@click.option("--page-timeout", type=Finite(1, MAX_PAGE_TIMEOUT), default=30.0, show_default=True)
@click.option("--checks", "only", default="", help="Comma-separated check ids or families to run.")
@click.option("--skip", default="", help="Comma-separated check ids or families to skip.")
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports/fleet", show_default=True)
@click.option("-q", "--quiet", is_flag=True)
def fleet(sites_file: str, workers: int | None, scheduler: str | None, retries: int, name: str | None, resume: bool,
          max_pages: int, max_depth: int, max_time: float, concurrency: int, page_timeout: float, only: str, skip: str,
          db: str, out_dir: str, quiet: bool) -> None:
    """Audit every site listed in SITES_FILE (URLs, or a CSV with url[,agency,bureau,name,max_pages])."""
    from .fleet import Fleet, default_workers, read_sites, summary, write_summary
    from .progress import printable

    sites = read_sites(sites_file)
    settings = Settings(max_pages=max_pages, max_depth=max_depth, max_time=max_time, concurrency=concurrency,
                        page_timeout=page_timeout, checks=[c.strip() for c in only.split(",") if c.strip()],
                        skip_checks=[c.strip() for c in skip.split(",") if c.strip()])
    try:
        checking.select(settings.checks, settings.skip_checks)
    except ValueError as exc:
        raise UsageError(f"--checks/--skip: {exc}") from None
    store = Store(db)
    fl = Fleet(store, name or Path(sites_file).stem, settings, sites_file=str(sites_file))
    todo = fl.open(sites, resume)
    n = workers or default_workers()
    if not quiet:
        where = f"on Dask scheduler {scheduler}" if scheduler else f"with {n} local worker{'s' if n != 1 else ''}"
        click.echo(f"{fl.id}: {len(todo)} of {len(sites)} sites to audit {where}", err=True)
    fl.run(todo, workers=n, scheduler=scheduler, retries=retries,
           on_progress=(lambda line: None) if quiet else (lambda line: click.echo(printable(line), err=True)))
    data = summary(store, fl)
    paths = write_summary(data, out_dir, store)
    f = data["fleet"]
    click.echo(f"{fl.id}: {f['complete']} sites audited, {f['failed']} failed")
    for s in data["sites"]:
        if s["status"] not in ("complete", "pending"):
            click.echo(printable(f"  {s['status']}: {s['url']}: {s['error']}"))
    for kind, p in paths.items():
        click.echo(f"{kind}: {p}")


@cli.command()
@click.argument("refs", nargs=-1, required=True, metavar="RUN_OR_JSON...")
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports/compare", show_default=True)
def compare(refs: tuple[str, ...], db: str, out_dir: str) -> None:
    """Compare runs (run id, JSON result file, or latest:SITE_URL): HTML, CSV and JSON."""
    from . import compare as comparing
    from .progress import printable

    store = Store(db) if Path(db).exists() else None
    results = [comparing.resolve(ref, store) for ref in refs]
    paths = comparing.write(results, out_dir)
    for e in comparing.comparison(results)["entries"]:
        score = scoring.fmt(e["overall"], "n/a")
        click.echo(printable(f"{e['rank']}. {e['label']}: {score}"))
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
