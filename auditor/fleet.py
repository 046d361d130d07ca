"""Fleet audits: many sites, each a normal run in the store.

Every site is audited by :func:`audit_site` in a worker (a local process, or a Dask worker
on another machine): it scans into a private SQLite file and returns the run's rows as
plain data; the client writes them into the one store, so ``report``, ``compare`` and
history work on fleet runs like on any other. One site's failure (DNS, TLS, timeouts, a
crashed worker) is recorded for that site and never stops the fleet. ``--resume`` skips
sites the store already holds a finished result for.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import AuditError, UsageError
from .settings import Secrets, Settings
from .store import Store, now_iso

FLEET_SCHEMA = """
CREATE TABLE IF NOT EXISTS fleets (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL, finished TEXT,
  sites_file TEXT, settings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fleet_sites (
  fleet_id TEXT NOT NULL, url TEXT NOT NULL, seq INTEGER NOT NULL, meta TEXT NOT NULL,
  status TEXT NOT NULL,            -- pending / complete / failed
  run_id TEXT, error TEXT, pages INTEGER, attempts INTEGER NOT NULL DEFAULT 0, finished TEXT,
  PRIMARY KEY (fleet_id, url)
);
"""

META_COLUMNS = ("agency", "bureau", "name")


@dataclass(frozen=True)
class SiteSpec:
    url: str
    agency: str = ""
    bureau: str = ""
    name: str = ""
    max_pages: int | None = None

    def meta(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "url"}


def read_sites(path: str | Path) -> list[SiteSpec]:
    """A plain list of URLs (one a line, ``#`` comments) or a CSV with a ``url`` column and
    optional ``agency``, ``bureau``, ``name``, ``max_pages`` columns."""
    from .scan import validate_start_url

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read sites file {path}: {exc.strerror or exc}") from None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise UsageError(f"sites file {path} lists no sites")
    specs: list[SiteSpec] = []
    seen: set[str] = set()
    first = [c.strip().lower() for c in next(csv.reader([lines[0]]))]
    if "url" in first:
        reader = csv.DictReader(lines)
        reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
        for n, row in enumerate(reader, start=2):
            raw = (row.get("url") or "").strip()
            try:
                url = validate_start_url(raw)
            except UsageError as exc:
                raise UsageError(f"{path}, line {n}: {exc}") from None
            mp = (row.get("max_pages") or "").strip()
            if mp and not mp.isdigit():
                raise UsageError(f"{path}, line {n}: max_pages must be a whole number, got {mp!r}")
            if url in seen:
                continue
            seen.add(url)
            specs.append(SiteSpec(url, *(str(row.get(c) or "").strip() for c in META_COLUMNS),
                                  max_pages=int(mp) if mp else None))
    else:
        for n, line in enumerate(lines, start=1):
            try:
                url = validate_start_url(line.strip())
            except UsageError as exc:
                raise UsageError(f"{path}, line {n}: {exc}") from None
            if url not in seen:
                seen.add(url)
                specs.append(SiteSpec(url))
    return specs


# -- the unit of work (runs in a worker process or on a Dask worker) --------------------------
def audit_site(task: dict[str, Any]) -> dict[str, Any]:
    """Audit one site into a private store; return its run as plain data.

    Expected failures (unreachable, TLS, no page auditable) come back as a ``failed``
    result with the reason; anything else raises, so a Dask retry can try again.
    """
    from .scan import Scanner

    url = task["url"]
    settings = Settings.from_dict({**task["settings"], "start_urls": [url]})
    if task.get("max_pages"):
        settings.max_pages = int(task["max_pages"])
    tmp = tempfile.mkdtemp(prefix="idea-audit-site-")
    t0 = time.monotonic()
    try:
        store = Store(Path(tmp) / "site.sqlite")
        scanner = Scanner(settings, store, Secrets())
        scanner.new_run()
        error = None
        try:
            asyncio.run(scanner.run())
        except AuditError as exc:
            error = str(exc)
        if error is None:  # no audited page: status failed, the reason the scan's reports give
            from .report import mark_if_nothing_audited

            error = mark_if_nothing_audited(store, scanner.run_id)
        run = store.export_run(scanner.run_id)
        pages = [r for r in run["pages"] if not r["error"]]
        store.close()
        return {"url": url, "status": "failed" if error else "complete", "error": error,
                "run": run, "pages": len(pages), "seconds": round(time.monotonic() - t0, 2),
                "worker": os.getpid()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# -- executors ---------------------------------------------------------------------------------
Result = dict[str, Any]


def _run_local(tasks: list[dict[str, Any]], workers: int) -> Iterator[tuple[dict[str, Any], Result | BaseException]]:
    """Sites in parallel worker processes (each with its own browser)."""
    ctx = multiprocessing.get_context("spawn")
    pending = list(tasks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        running: dict[Future[Result], dict[str, Any]] = {}
        while pending or running:
            while pending and len(running) < workers:
                t = pending.pop(0)
                running[pool.submit(audit_site, t)] = t
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in done:
                t = running.pop(fut)
                try:
                    yield t, fut.result()
                except BaseException as exc:  # a crashed worker is that site's failure only
                    yield t, exc


def _run_dask(tasks: list[dict[str, Any]], scheduler: str, retries: int
              ) -> Iterator[tuple[dict[str, Any], Result | BaseException]]:
    """One Dask task per site on an existing cluster; results come back to this client."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'idea-auditor[dask]'") from None
    try:
        client = Client(scheduler, timeout=20)
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
    try:
        futures = {}
        for t in tasks:
            key = "idea-audit-" + hashlib.sha256(json.dumps(t, sort_keys=True).encode()).hexdigest()[:16]
            futures[client.submit(audit_site, t, key=key, retries=retries, pure=False)] = t
        for fut in as_completed(list(futures)):
            t = futures[fut]
            try:
                yield t, fut.result()
            except BaseException as exc:
                yield t, exc
    finally:
        client.close()


# -- the fleet ---------------------------------------------------------------------------------
@dataclass
class FleetProgress:
    total: int
    done: int = 0
    failed: int = 0
    pages: int = 0
    started: float = field(default_factory=time.monotonic)

    def line(self, running: int) -> str:
        finished = self.done + self.failed
        eta = ""
        if finished and finished < self.total:
            per = (time.monotonic() - self.started) / finished
            eta = f", ETA {_duration(per * (self.total - finished))}"
        return (f"sites: {self.done} done, {running} running, {self.failed} failed, "
                f"{self.total - finished - running} waiting of {self.total}; {self.pages} pages audited{eta}")


def _duration(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m}m{s:02d}s" if m else f"{s}s"


class Fleet:
    def __init__(self, store: Store, name: str, settings: Settings, sites_file: str = "") -> None:
        self.store = store
        self.name = name
        self.settings = settings
        self.sites_file = sites_file
        store.db.executescript(FLEET_SCHEMA)
        self.id = ""

    def open(self, sites: list[SiteSpec], resume: bool) -> list[SiteSpec]:
        """Create (or with ``resume`` reopen) the fleet; returns the sites still to audit."""
        db = self.store.db
        row = db.execute("SELECT id FROM fleets WHERE name=? ORDER BY created DESC, rowid DESC LIMIT 1",
                         (self.name,)).fetchone() if resume else None
        if row is None:
            from .store import new_run_id

            self.id = "fleet-" + new_run_id()
            with self.store._tx():
                db.execute("INSERT INTO fleets (id, name, created, sites_file, settings) VALUES (?,?,?,?,?)",
                           (self.id, self.name, now_iso(), self.sites_file, json.dumps(self.settings.to_dict())))
        else:
            self.id = row["id"]
        with self.store._tx():
            for i, s in enumerate(sites):
                db.execute("INSERT OR IGNORE INTO fleet_sites (fleet_id, url, seq, meta, status) "
                           "VALUES (?,?,?,?, 'pending')", (self.id, s.url, i, json.dumps(s.meta())))
        finished = {r["url"] for r in db.execute(
            "SELECT url FROM fleet_sites WHERE fleet_id=? AND status IN ('complete','failed')", (self.id,))}
        return [s for s in sites if s.url not in finished]

    def record(self, task: dict[str, Any], result: Result | BaseException) -> dict[str, Any]:
        if isinstance(result, BaseException):
            msg = str(result).strip().splitlines()[0][:300] if str(result).strip() else type(result).__name__
            rec = {"url": task["url"], "status": "failed", "error": f"worker failed: {msg}", "run_id": None, "pages": 0}
        else:
            run_id = self.store.import_run(result["run"]) if result.get("run") and result["run"].get("runs") else None
            rec = {"url": task["url"], "status": result["status"], "error": result["error"], "run_id": run_id,
                   "pages": result["pages"]}
        with self.store._tx():
            self.store.db.execute(
                "UPDATE fleet_sites SET status=?, run_id=?, error=?, pages=?, attempts=attempts+1, finished=? "
                "WHERE fleet_id=? AND url=?",
                (rec["status"], rec["run_id"], rec["error"], rec["pages"], now_iso(), self.id, task["url"]))
        return rec

    def run(self, sites: list[SiteSpec], *, workers: int, scheduler: str | None = None, retries: int = 2,
            on_progress: Callable[[str], None] = lambda line: None) -> None:
        tasks = [{"url": s.url, "settings": self.settings.to_dict(), "max_pages": s.max_pages} for s in sites]
        prog = FleetProgress(total=len(tasks))
        on_progress(prog.line(min(workers, len(tasks))) if scheduler is None else prog.line(0))
        results: Iterable[tuple[dict[str, Any], Result | BaseException]] = (
            _run_dask(tasks, scheduler, retries) if scheduler else _run_local(tasks, workers))
        for task, result in results:
            rec = self.record(task, result)
            if rec["status"] == "complete":
                prog.done += 1
            else:
                prog.failed += 1
            prog.pages += rec["pages"] or 0
            running = min(workers, prog.total - prog.done - prog.failed) if not scheduler else 0
            state = "done" if rec["status"] == "complete" else f"FAILED ({rec['error']})"
            on_progress(f"{state}: {rec['url']}")
            on_progress(prog.line(running))
        with self.store._tx():
            self.store.db.execute("UPDATE fleets SET finished=? WHERE id=?", (now_iso(), self.id))

    def sites(self) -> list[dict[str, Any]]:
        rows = self.store.db.execute("SELECT * FROM fleet_sites WHERE fleet_id=? ORDER BY seq", (self.id,))
        out = []
        for r in rows:
            d = dict(r)
            d["meta"] = json.loads(d["meta"])
            out.append(d)
        return out


# -- the summary -------------------------------------------------------------------------------
#: Site facts for the summary CSV: column -> the check that answers it. "yes" when it
#: passed on every page it applied to, "partly" when on some, "no" when on none, "n/a"
#: when it never applied.
FACT_CHECKS: dict[str, str] = {
    "https": "sec-https",
    "hsts": "sec-hsts",
    "dap": "dap-present",
    "uswds": "brand-uswds",
    "banner": "brand-banner",
    "search": "search-present",
}
REQUIRED_LINK_PREFIX = "links-"
_VERSION = re.compile(r"version ([0-9][0-9.]*[0-9])")
_SITE_VERSION = re.compile(r"USWDS ([0-9][^,]*), from")


def site_facts(outcomes: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Yes/no facts of one site's run, from its stored check outcomes."""
    by_check: dict[str, list[dict[str, Any]]] = {}
    for o in outcomes:
        by_check.setdefault(o["check_id"], []).append(o)
    facts: dict[str, str] = {}
    for column, cid in FACT_CHECKS.items():
        statuses = [o["status"] for o in by_check.get(cid, [])]
        passed = statuses.count("pass")
        failed = statuses.count("fail") + statuses.count("warn")
        facts[column] = ("yes" if passed and not failed else "partly" if passed else "no" if failed else "n/a")
    # the site's version as brand-uswds-version judged it ("USWDS 3.x, from uswds-init.js"),
    # else the versions the pages' brand-uswds details name
    site_version = [m.group(1) for o in by_check.get("brand-uswds-version", [])
                    if (m := _SITE_VERSION.search(o.get("detail") or ""))]
    versions = site_version or sorted({m.group(1) for o in by_check.get("brand-uswds", [])
                                       if (m := _VERSION.search(o.get("detail") or ""))})
    facts["uswds_version"] = ", ".join(versions)
    # a required link is there when its check found it wherever it is required: passed, or
    # warned that it sits outside the footer (the link exists; where it sits is another
    # finding). A fail on any page (the privacy link is required on every page) is a gap.
    links = {cid: [o["status"] for o in rows] for cid, rows in by_check.items() if cid.startswith(REQUIRED_LINK_PREFIX)}
    present = sum(1 for sts in links.values() if "fail" not in sts and ("pass" in sts or "warn" in sts))
    facts["required_links"] = f"{present}/{len(links)}" if links else "n/a"
    return facts


def site_status(status: str, error: str | None) -> str:
    """A fleet site's status as the summary and comparison show it: complete, pending, or why
    it has no score (unreachable, no pages audited, failed)."""
    if status in ("complete", "pending"):
        return status
    err = error or ""
    if err.startswith("cannot reach "):
        return "unreachable"
    if err.startswith("no page could be audited"):
        return "no pages audited"
    return "failed"


def summary(store: Store, fleet: Fleet) -> dict[str, Any]:
    from . import requirements, scoring
    from .compare import rank
    from .history import run_scores

    rows = []
    for s in fleet.sites():
        row: dict[str, Any] = {"url": s["url"], **{c: s["meta"].get(c, "") for c in META_COLUMNS},
                               "status": site_status(s["status"], s["error"]), "error": s["error"] or "",
                               "run_id": s["run_id"] or "", "pages_audited": s["pages"] or 0}
        scores = run_scores(store, s["run_id"]) if s["run_id"] and store.get_run(s["run_id"]) else None
        if s["status"] != "complete":
            scores = None  # a site that failed has no score, whatever its partial run holds
        row["overall"] = scores["overall"] if scores else None
        row["grade"] = scoring.band(row["overall"])[0] if row["overall"] is not None else ""
        row["rank"], row["tied"] = None, False
        for r in requirements.REQUIREMENTS:
            row[r.id] = scores["requirements"].get(r.id) if scores else None
        empty = dict.fromkeys([*FACT_CHECKS, "uswds_version", "required_links"], "")
        row.update(site_facts(store.iter_outcomes(s["run_id"], check_ids=FACT_CHECKS.values(),
                                                  check_prefix=REQUIRED_LINK_PREFIX)) if scores else empty)
        rows.append(row)
    for row, (rk, tied) in zip(rows, rank([r["overall"] for r in rows])):
        row["rank"], row["tied"] = rk, tied
    statuses = [r["status"] for r in rows]
    return {"fleet": {"id": fleet.id, "name": fleet.name, "sites": len(rows),
                      "complete": statuses.count("complete"),
                      "failed": sum(1 for st in statuses if st not in ("complete", "pending")),
                      "pending": statuses.count("pending"),
                      "by_status": {st: statuses.count(st) for st in dict.fromkeys(statuses)}},
            "sites": rows}


def _csv_header(column: str) -> str:
    """fleet-summary.csv names each requirement column by id and name (``idea-3a1 Accessible``)."""
    from . import requirements

    req = next((r for r in requirements.REQUIREMENTS if r.id == column), None)
    return f"{req.id} {req.short}" if req else column


def write_summary(data: dict[str, Any], out_dir: str | Path, store: Store | None = None) -> dict[str, Path]:
    """fleet-summary.json and .csv, and (given the store) the comparison page of every site:
    audited sites ranked, the others listed with their status and reason."""
    from .report import atomic_open, write_text_atomic
    from .report.safe import csv_cell

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "fleet-summary.json", "csv": out / "fleet-summary.csv"}
    write_text_atomic(paths["json"], json.dumps(data, indent=2) + "\n")
    rows = data["sites"]
    cols = list(rows[0]) if rows else ["url"]

    def cell(v: Any) -> Any:
        return "" if v is None else ("yes" if v else "") if isinstance(v, bool) else v

    with atomic_open(paths["csv"]) as fh:
        w = csv.writer(fh)
        w.writerow([_csv_header(c) for c in cols])
        for r in rows:
            w.writerow([csv_cell(cell(r.get(c))) for c in cols])
    if store is not None and rows:
        from . import compare
        from .report import build_result

        done = [r for r in rows if r["status"] == "complete" and r["run_id"]]
        results = [build_result(store, r["run_id"]) for r in done]
        meta = {r["run_id"]: {c: r.get(c, "") for c in META_COLUMNS} for r in done}
        unaudited, extra = [], []
        for r in rows:
            if r in done:
                continue
            run = store.get_run(r["run_id"]) if r["run_id"] else None
            unaudited.append({"url": r["url"], "status": r["status"], "reason": r["error"],
                              "run_id": r["run_id"] if run else "", "started": run["started"] if run else "",
                              **{c: r.get(c, "") for c in META_COLUMNS}})
            if run:
                extra.append(build_result(store, r["run_id"]))
        cpaths = compare.write(results, out / "compare", meta=meta, unaudited=unaudited, extra_scorecards=extra)
        paths["compare"] = cpaths["html"]
    return paths


def default_workers() -> int:
    """Sites in parallel: one per core, and no more than free memory allows (~1 GB each)."""
    cpus = os.cpu_count() or 1
    try:
        import psutil

        mem = max(1, int(psutil.virtual_memory().available // (1024 ** 3)))
    except Exception:
        mem = cpus
    return max(1, min(cpus, mem))
