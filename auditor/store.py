"""The store: one SQLite file holding runs, the frontier, pages, outcomes and findings.

Each finished page is written in one transaction (page row, outcomes, findings, frontier
state), so a killed scan loses nothing already finished and ``--resume`` re-audits only
pages that had not been written. WAL mode and a busy timeout let two scans share a file.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import socket
import sqlite3
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .model import Finding, PageArtifacts, SiteArtifacts

DEFAULT_DB = Path(".idea-audit") / "runs.sqlite"

_FINDING_KEYS = frozenset(f.name for f in fields(Finding))
#: Finding fields whose values repeat across pages (shared by ``Store.finding_dicts``).
_SHARED_STRINGS = ("check_id", "status", "severity", "page_url", "message", "help_url", "fix_hint", "cluster_id")

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  tool_version TEXT NOT NULL,
  started TEXT NOT NULL,
  finished TEXT,
  status TEXT NOT NULL,            -- running / complete / incomplete / failed
  seeds TEXT NOT NULL,             -- JSON list
  settings TEXT NOT NULL,          -- JSON (no secrets)
  site TEXT,                       -- JSON SiteArtifacts
  error TEXT,
  limit_hit TEXT,                  -- JSON list of limits that stopped the crawl
  pacing TEXT,                     -- JSON: how the crawl paced itself (HostLimiter.summary)
  incremental TEXT,                -- JSON: --incremental's base run, pages reused/audited/gone
  memo TEXT                        -- JSON: what component-aware measurement reused (BlockMemo.summary)
);
CREATE TABLE IF NOT EXISTS frontier (
  run_id TEXT NOT NULL, url TEXT NOT NULL, depth INTEGER NOT NULL, seq INTEGER NOT NULL,
  source TEXT, state TEXT NOT NULL,  -- queued / done
  PRIMARY KEY (run_id, url)
);
-- the next sequence number (MAX(seq)) and the resume order without reading the whole frontier
CREATE INDEX IF NOT EXISTS frontier_seq ON frontier (run_id, seq);
CREATE TABLE IF NOT EXISTS skipped (
  run_id TEXT NOT NULL, reason TEXT NOT NULL, url TEXT NOT NULL, source TEXT,
  PRIMARY KEY (run_id, reason, url)
);
CREATE TABLE IF NOT EXISTS pages (
  run_id TEXT NOT NULL, url TEXT NOT NULL, final_url TEXT, status_code INTEGER, error TEXT,
  depth INTEGER, title TEXT, content_type TEXT, audited_at TEXT NOT NULL,
  summary TEXT,                    -- JSON: compact facts for site checks
  artifacts BLOB,                  -- zlib(JSON PageArtifacts)
  reused_from TEXT,                -- --incremental: the run whose audit of this page was reused
  PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS outcomes (
  run_id TEXT NOT NULL, page_url TEXT NOT NULL, check_id TEXT NOT NULL, status TEXT NOT NULL,
  score REAL, weight REAL NOT NULL, requirements TEXT NOT NULL, detail TEXT
);
CREATE INDEX IF NOT EXISTS outcomes_run ON outcomes (run_id, check_id);
-- a page's rows, replaced when it is stored (again): without it every page's write scanned
-- all the run's rows so far, and a 2,000-page scan spent most of its time there
CREATE INDEX IF NOT EXISTS outcomes_page ON outcomes (run_id, page_url);
CREATE TABLE IF NOT EXISTS findings (
  run_id TEXT NOT NULL, page_url TEXT NOT NULL, check_id TEXT NOT NULL, status TEXT NOT NULL,
  severity TEXT NOT NULL, fingerprint TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_run ON findings (run_id, check_id);
CREATE INDEX IF NOT EXISTS findings_page ON findings (run_id, page_url);
-- the process auditing a run (a new scan or a --resume): one at a time; a lease whose owner
-- died (its pid gone on this host) or stopped beating (LEASE_TTL) is free
CREATE TABLE IF NOT EXISTS leases (
  run_id TEXT PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
  acquired TEXT NOT NULL, heartbeat REAL NOT NULL
);
"""

#: Seconds without a heartbeat after which a run's lease is free (its owner is gone or hung).
LEASE_TTL = 60.0
#: Seconds between an owner's heartbeats.
LEASE_BEAT = 10.0


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


class Store:
    def __init__(self, path: str | Path = DEFAULT_DB) -> None:
        self.path = Path(path)
        if str(self.path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a path under an existing file, a read-only file system
                from .errors import UsageError

                blocker = next((p for p in [self.path.parent, *self.path.parent.parents] if p.exists()), None)
                why = f"{blocker} is a file, not a directory" if blocker is not None and not blocker.is_dir() \
                    else (exc.strerror or str(exc))
                raise UsageError(f"--db {self.path}: cannot create the store there ({why})") from None
            if self.path.is_dir():
                from .errors import UsageError

                raise UsageError(f"--db {self.path}: is a directory, not a store file")
        self.db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA busy_timeout=30000")
        # Two scans opening a new store at once: switching it to WAL (and creating the schema)
        # can answer "database is locked" at once, without SQLite's busy handler waiting
        # (it is not called where waiting could deadlock); try again for up to 30 s.
        deadline = time.monotonic() + 30
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(SCHEMA)
                self._migrate()
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05 + random.random() * 0.1)

    def _migrate(self) -> None:
        """Columns added since a store file was created (``CREATE TABLE IF NOT EXISTS`` keeps
        an old table as it was)."""
        for table, col in (("runs", "pacing"), ("runs", "incremental"), ("runs", "memo"), ("pages", "reused_from")):
            have = {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}
            if col not in have:
                try:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {col} TEXT")
                except sqlite3.OperationalError as exc:  # another process added it just now
                    if "duplicate column" not in str(exc):
                        raise

    def close(self) -> None:
        self.db.close()

    # -- transactions -------------------------------------------------------------------
    def _tx(self) -> _Tx:
        return _Tx(self.db)

    # -- runs ---------------------------------------------------------------------------
    def create_run(self, run_id: str, tool_version: str, seeds: list[str], settings: dict[str, Any]) -> None:
        with self._tx():
            self.db.execute(
                "INSERT INTO runs (id, tool_version, started, status, seeds, settings) VALUES (?,?,?,?,?,?)",
                (run_id, tool_version, now_iso(), "running", json.dumps(seeds), json.dumps(settings)))

    def update_run(self, run_id: str, **cols: Any) -> None:
        enc = {k: (json.dumps(v) if k in ("site", "limit_hit", "settings", "pacing", "incremental", "memo")
                   and v is not None else v)
               for k, v in cols.items()}
        sets = ", ".join(f"{k}=?" for k in enc)
        with self._tx():
            self.db.execute(f"UPDATE runs SET {sets} WHERE id=?", (*enc.values(), run_id))

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        if row is None:
            return None
        d = dict(row)
        for k in ("seeds", "settings", "site", "limit_hit", "pacing", "incremental", "memo"):
            d[k] = json.loads(d[k]) if d.get(k) else ([] if k in ("seeds", "limit_hit") else None)
        return d

    def list_runs(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT id FROM runs ORDER BY started DESC, id DESC").fetchall()
        return [r for r in (self.get_run(row["id"]) for row in rows) if r]

    def latest_run(self) -> str | None:
        row = self.db.execute("SELECT id FROM runs ORDER BY started DESC, rowid DESC LIMIT 1").fetchone()
        return row["id"] if row else None

    # -- frontier -----------------------------------------------------------------------
    def enqueue(self, run_id: str, entries: Iterable[tuple[str, int, str]],
                skips: Iterable[tuple[str, str, str]]) -> None:
        """Record newly queued URLs (url, depth, source) and skipped ones (reason, url, source)."""
        with self._tx():
            self._enqueue(run_id, entries, skips)

    def _enqueue(self, run_id: str, entries: Iterable[tuple[str, int, str]],
                 skips: Iterable[tuple[str, str, str]]) -> None:
        entries, skips = list(entries), list(skips)
        if entries:
            seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM frontier WHERE run_id=?",
                                  (run_id,)).fetchone()[0]
            self.db.executemany(
                "INSERT OR IGNORE INTO frontier (run_id, url, depth, seq, source, state) VALUES (?,?,?,?,?,'queued')",
                [(run_id, u, d, seq + i + 1, src) for i, (u, d, src) in enumerate(entries)])
        if skips:
            self.db.executemany("INSERT OR IGNORE INTO skipped (run_id, reason, url, source) VALUES (?,?,?,?)",
                                [(run_id, r, u, s) for r, u, s in skips])

    def frontier_state(self, run_id: str) -> tuple[list[tuple[str, int, str]], list[str], int]:
        """(queued entries in order, every URL ever queued, how many were accepted)."""
        rows = self.db.execute("SELECT url, depth, source, state FROM frontier WHERE run_id=? ORDER BY seq",
                               (run_id,)).fetchall()
        queued = [(r["url"], r["depth"], r["source"] or "") for r in rows if r["state"] == "queued"]
        return queued, [r["url"] for r in rows], len(rows)

    def skipped_counts(self, run_id: str) -> Counter[str]:
        rows = self.db.execute("SELECT reason, COUNT(*) n FROM skipped WHERE run_id=? GROUP BY reason",
                               (run_id,)).fetchall()
        return Counter({r["reason"]: r["n"] for r in rows})

    def skipped_samples(self, run_id: str, per_reason: int = 25) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for r in self.db.execute("SELECT reason, url, source FROM skipped WHERE run_id=? ORDER BY rowid",
                                 (run_id,)):
            lst = out.setdefault(r["reason"], [])
            if len(lst) < per_reason:
                lst.append({"url": r["url"], "source": r["source"] or ""})
        return out

    def skipped_urls(self, run_id: str, reason: str | None = None) -> list[tuple[str, str]]:
        if reason is None:
            return [(r["url"], r["source"] or "") for r in self.db.execute(
                "SELECT url, source FROM skipped WHERE run_id=? ORDER BY rowid", (run_id,))]
        return [(r["url"], r["source"] or "") for r in self.db.execute(
            "SELECT url, source FROM skipped WHERE run_id=? AND reason=? ORDER BY rowid", (run_id, reason))]

    # -- pages --------------------------------------------------------------------------
    def save_page(self, run_id: str, art: PageArtifacts, summary: dict[str, Any],
                  outcomes: Iterable[tuple[str, str, float | None, float, list[str], str]],
                  findings: Iterable[Finding], *, keep_artifacts: bool = True,
                  new_entries: Iterable[tuple[str, int, str]] = (),
                  new_skips: Iterable[tuple[str, str, str]] = ()) -> None:
        """Write a finished page with its outcomes, findings and the URLs it led to, atomically."""
        blob = zlib.compress(json.dumps(art.to_dict()).encode("utf-8"), 6) if keep_artifacts else None
        with self._tx():
            self.db.execute("DELETE FROM outcomes WHERE run_id=? AND page_url=?", (run_id, art.url))
            self.db.execute("DELETE FROM findings WHERE run_id=? AND page_url=?", (run_id, art.url))
            self.db.execute(
                "INSERT OR REPLACE INTO pages (run_id, url, final_url, status_code, error, depth, title, "
                "content_type, audited_at, summary, artifacts) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (run_id, art.url, art.final_url, art.status_code, art.error or None, art.depth, art.title,
                 art.content_type, now_iso(), json.dumps(summary), blob))
            self._write_results(run_id, art.url, outcomes, findings)
            self._enqueue(run_id, new_entries, new_skips)
            self.db.execute("UPDATE frontier SET state='done' WHERE run_id=? AND url=?", (run_id, art.url))

    def copy_page(self, src_run: str, dst_run: str, url: str, *, depth: int,
                  new_entries: Iterable[tuple[str, int, str]] = (),
                  new_skips: Iterable[tuple[str, str, str]] = ()) -> None:
        """``--incremental``: write ``src_run``'s page ``url`` into ``dst_run`` as it was audited
        there (row, summary, artifacts, outcomes, findings unchanged), marked ``reused_from``
        the run that audited it (``src_run``, or the run ``src_run`` itself reused it from),
        with the URLs it leads to in this run, atomically."""
        with self._tx():
            self.db.execute("DELETE FROM outcomes WHERE run_id=? AND page_url=?", (dst_run, url))
            self.db.execute("DELETE FROM findings WHERE run_id=? AND page_url=?", (dst_run, url))
            self.db.execute(
                "INSERT OR REPLACE INTO pages (run_id, url, final_url, status_code, error, depth, title, content_type, "
                "audited_at, summary, artifacts, reused_from) SELECT ?, url, final_url, status_code, error, ?, title, "
                "content_type, audited_at, summary, artifacts, COALESCE(reused_from, ?) FROM pages "
                "WHERE run_id=? AND url=?", (dst_run, depth, src_run, src_run, url))
            self.db.execute(
                "INSERT INTO outcomes (run_id, page_url, check_id, status, score, weight, requirements, detail) "
                "SELECT ?, page_url, check_id, status, score, weight, requirements, detail FROM outcomes "
                "WHERE run_id=? AND page_url=? ORDER BY rowid", (dst_run, src_run, url))
            self.db.execute(
                "INSERT INTO findings (run_id, page_url, check_id, status, severity, fingerprint, data) "
                "SELECT ?, page_url, check_id, status, severity, fingerprint, data FROM findings "
                "WHERE run_id=? AND page_url=? ORDER BY rowid", (dst_run, src_run, url))
            self._enqueue(dst_run, new_entries, new_skips)
            self.db.execute("UPDATE frontier SET state='done' WHERE run_id=? AND url=?", (dst_run, url))

    def page_index(self, run_id: str) -> dict[str, tuple[int, str | None]]:
        """url -> (depth, error) of the run's stored pages, without their summaries or artifacts."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute(
            "SELECT url, depth, error FROM pages WHERE run_id=?", (run_id,))}

    def page_blob(self, run_id: str, url: str) -> bytes | None:
        """One stored page's artifacts, compressed (:meth:`PageArtifacts.from_blob` reads them)."""
        row = self.db.execute("SELECT artifacts FROM pages WHERE run_id=? AND url=?", (run_id, url)).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def reused_count(self, run_id: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM pages WHERE run_id=? AND reused_from IS NOT NULL",
                               (run_id,)).fetchone()[0]

    def mark_done(self, run_id: str, url: str, new_skips: Iterable[tuple[str, str, str]] = ()) -> None:
        """Close a frontier URL that produced no page (non-HTML, duplicate after redirect)."""
        with self._tx():
            self._enqueue(run_id, (), new_skips)
            self.db.execute("UPDATE frontier SET state='done' WHERE run_id=? AND url=?", (run_id, url))

    def save_site_results(self, run_id: str,
                          outcomes: Iterable[tuple[str, str, float | None, float, list[str], str]],
                          findings: Iterable[Finding]) -> None:
        with self._tx():
            self.db.execute("DELETE FROM outcomes WHERE run_id=? AND page_url=''", (run_id,))
            self.db.execute("DELETE FROM findings WHERE run_id=? AND page_url='' ", (run_id,))
            self._write_results(run_id, "", outcomes, findings, site=True)

    def _write_results(self, run_id: str, page_url: str,
                       outcomes: Iterable[tuple[str, str, float | None, float, list[str], str]],
                       findings: Iterable[Finding], site: bool = False) -> None:
        self.db.executemany(
            "INSERT INTO outcomes (run_id, page_url, check_id, status, score, weight, requirements, detail) "
            "VALUES (?,?,?,?,?,?,?,?)",
            [(run_id, page_url, cid, st, sc, w, json.dumps(rq), det) for cid, st, sc, w, rq, det in outcomes])
        # site findings keep their own page_url in data; the row's page_url '' marks them as site-level
        self.db.executemany(
            "INSERT INTO findings (run_id, page_url, check_id, status, severity, fingerprint, data) "
            "VALUES (?,?,?,?,?,?,?)",
            [(run_id, "" if site else page_url, f.check_id, f.status.value, f.severity.label, f.fingerprint,
              json.dumps(f.to_dict())) for f in findings])

    def pages(self, run_id: str, *, summary: bool = True) -> list[dict[str, Any]]:
        """The run's page rows; ``summary=False`` leaves out each page's summary (what the
        checks measured, ~2.7 KB of JSON a page on the bench site), which reports do not read."""
        cols = "url, final_url, status_code, error, depth, title, content_type, audited_at, reused_from" + (
            ", summary" if summary else "")
        rows = self.db.execute(f"SELECT {cols} FROM pages WHERE run_id=? ORDER BY depth, url", (run_id,)).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            if summary:
                d["summary"] = json.loads(d["summary"]) if d.get("summary") else {}
            out.append(d)
        return out

    def done_urls(self, run_id: str) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT url FROM pages WHERE run_id=?", (run_id,))}

    def iter_artifacts(self, run_id: str) -> Iterator[PageArtifacts]:
        """Stream stored page artifacts one at a time (never all in memory)."""
        cur = self.db.execute("SELECT artifacts FROM pages WHERE run_id=? AND artifacts IS NOT NULL "
                              "ORDER BY depth, url", (run_id,))
        for (blob,) in cur:
            yield PageArtifacts.from_dict(json.loads(zlib.decompress(blob)))

    def iter_outcomes(self, run_id: str, *, check_ids: Iterable[str] = (), check_prefix: str = ""
                      ) -> Iterator[dict[str, Any]]:
        """Stream the run's outcome rows (a 2,000-page run has ~210,000: as a list of dicts
        they held ~200 MB). Given ``check_ids`` and/or ``check_prefix``, only those checks'."""
        where, args = "run_id=?", [run_id]
        ids = list(check_ids)
        terms = []
        if ids:
            terms.append(f"check_id IN ({','.join('?' * len(ids))})")
            args += ids
        if check_prefix:
            terms.append("substr(check_id, 1, ?) = ?")
            args += [len(check_prefix), check_prefix]
        if terms:
            where += " AND (" + " OR ".join(terms) + ")"
        cur = self.db.execute("SELECT page_url, check_id, status, score, weight, requirements, detail "
                              f"FROM outcomes WHERE {where}", args)
        for r in cur:
            d = dict(r)
            d["requirements"] = json.loads(d["requirements"])
            yield d

    # -- what scoring reads (auditor/scoring.py facts_from_store) ---------------------------
    def audited_pages(self, run_id: str) -> list[tuple[str, str]]:
        """(url, final_url) of the pages audited without an error."""
        return [(r[0], r[1] or "") for r in self.db.execute(
            "SELECT url, final_url FROM pages WHERE run_id=? AND error IS NULL ORDER BY url", (run_id,))]

    def outcome_counts(self, run_id: str) -> list[tuple[str, str, bool, int]]:
        """(check id, status, counted (weight > 0), how many outcomes)."""
        return [(r[0], r[1], bool(r[2]), r[3]) for r in self.db.execute(
            "SELECT check_id, status, weight > 0, COUNT(*) FROM outcomes WHERE run_id=? "
            "GROUP BY check_id, status, weight > 0", (run_id,))]

    def problem_outcomes(self, run_id: str) -> Iterator[tuple[str, str, str]]:
        """(check id, page url or '' for the site, status) of counted failing or warning outcomes,
        streamed (a large run has tens of thousands)."""
        for r in self.db.execute("SELECT check_id, page_url, status FROM outcomes WHERE run_id=? AND weight > 0 "
                                 "AND status IN ('fail', 'warn')", (run_id,)):
            yield (r[0], r[1], r[2])

    def problem_findings(self, run_id: str) -> Iterator[tuple[str, str, str, str, str, str, str]]:
        """(check id, row page url ('' for site findings), status, severity, the finding's page url,
        selector, snippet) of failing and warning findings; selector and snippet cut to 300 chars."""
        try:
            cur = self.db.execute(
                "SELECT check_id, page_url, status, severity, json_extract(data, '$.page_url'), "
                "substr(json_extract(data, '$.selector'), 1, 300), substr(json_extract(data, '$.snippet'), 1, 300) "
                "FROM findings WHERE run_id=? AND status IN ('fail', 'warn')", (run_id,))
        except sqlite3.OperationalError:  # an SQLite built without JSON functions
            for r in self.db.execute("SELECT check_id, page_url, status, severity, data FROM findings "
                                     "WHERE run_id=? AND status IN ('fail', 'warn')", (run_id,)):
                d = json.loads(r[4])
                yield (r[0], r[1], r[2], r[3], d.get("page_url") or "", (d.get("selector") or "")[:300],
                       (d.get("snippet") or "")[:300])
            return
        for r in cur:
            yield (r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6] or "")

    def check_statuses(self, run_id: str) -> dict[str, Counter[str]]:
        """check id -> how many of its outcomes had each status."""
        out: dict[str, Counter[str]] = {}
        for cid, status, n in self.db.execute("SELECT check_id, status, COUNT(*) FROM outcomes WHERE run_id=? "
                                              "GROUP BY check_id, status", (run_id,)):
            out.setdefault(cid, Counter())[status] = n
        return out

    def check_errors(self, run_id: str, examples: int = 5) -> list[dict[str, Any]]:
        """Checks that could not decide on some pages (an exception, a missing measurement):
        per check, on how many pages and the first few reasons, most pages first."""
        out: dict[str, dict[str, Any]] = {}
        for cid, page_url, detail in self.db.execute(
                "SELECT check_id, page_url, detail FROM outcomes WHERE run_id=? AND status='error' ORDER BY rowid",
                (run_id,)):
            e = out.setdefault(cid, {"check_id": cid, "pages": 0, "examples": []})
            e["pages"] += 1
            if len(e["examples"]) < examples:
                e["examples"].append({"page_url": page_url, "detail": detail or ""})
        return sorted(out.values(), key=lambda e: (-e["pages"], e["check_id"]))

    def findings(self, run_id: str) -> list[Finding]:
        return [Finding.from_dict(json.loads(r[0])) for r in self.db.execute(
            "SELECT data FROM findings WHERE run_id=? ORDER BY rowid", (run_id,))]

    def finding_dicts(self, run_id: str) -> list[dict[str, Any]]:
        """The run's findings as plain dicts (``Finding.to_dict`` shape), read without making
        Finding objects. Values that repeat from page to page (check, message, fix hint,
        help URL, requirement and WCAG lists) are shared, not copied: at 2,000 pages and
        ~33,000 findings this holds about half the memory. Treat the dicts' lists as
        read-only."""
        strings: dict[str, str] = {}
        lists: dict[tuple[str, ...], list[str]] = {}
        blocks: dict[tuple[Any, ...], dict[str, str]] = {}
        out = []
        for (data,) in self.db.execute("SELECT data FROM findings WHERE run_id=? ORDER BY rowid", (run_id,)):
            d = json.loads(data)
            if d.keys() != _FINDING_KEYS:  # written by another version: normalise
                d = Finding.from_dict(d).to_dict()
            for k in _SHARED_STRINGS:
                v = d[k]
                if isinstance(v, str):
                    d[k] = strings.setdefault(v, v)
            for k in ("requirements", "wcag"):
                v = d[k]
                if isinstance(v, list):
                    d[k] = lists.setdefault(tuple(v), v)
            b = d["block"]
            if isinstance(b, dict):  # the same footer's block on every page: one dict
                d["block"] = blocks.setdefault(tuple(sorted(b.items())), b)
            out.append(d)
        return out

    # -- moving runs between stores (fleet workers scan into their own file) -------------
    RUN_TABLES = ("runs", "frontier", "skipped", "pages", "outcomes", "findings")

    def export_run(self, run_id: str, *, with_artifacts: bool = False) -> dict[str, list[dict[str, Any]]]:
        """Every row of one run, as plain data (artifacts blobs left out unless asked)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for table in self.RUN_TABLES:
            key = "id" if table == "runs" else "run_id"
            rows = [dict(r) for r in self.db.execute(f"SELECT * FROM {table} WHERE {key}=?", (run_id,))]
            if table == "pages" and not with_artifacts:
                for r in rows:
                    r["artifacts"] = None
            out[table] = rows
        return out

    def import_run(self, data: dict[str, list[dict[str, Any]]]) -> str:
        """Write an exported run into this store (replacing a run with the same id)."""
        run_id = data["runs"][0]["id"]
        with self._tx():
            for table in self.RUN_TABLES:
                key = "id" if table == "runs" else "run_id"
                self.db.execute(f"DELETE FROM {table} WHERE {key}=?", (run_id,))
            for table in self.RUN_TABLES:
                rows = data.get(table) or []
                if not rows:
                    continue
                cols = list(rows[0])
                self.db.executemany(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [tuple(r[c] for c in cols) for r in rows])
        return run_id

    def audited_finals(self, run_id: str) -> list[tuple[str, str | None]]:
        """(url, final_url) of the run's pages audited without error: where each landed, so a
        resumed run skips a redirect to a page already audited, as an uninterrupted one does."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT url, final_url FROM pages WHERE run_id=? AND error IS NULL", (run_id,))]

    # -- leases: one process audits a run at a time -----------------------------------------
    def acquire_lease(self, run_id: str, owner: str, *, ttl: float = LEASE_TTL) -> dict[str, Any] | None:
        """Take the run's lease for ``owner``; returns None when taken, else the live holder's
        row (pid, host, acquired, heartbeat). A holder is live while its heartbeat is under
        ``ttl`` seconds old and, on this host, its pid still runs."""
        pid, host = os.getpid(), socket.gethostname()
        with self._tx():
            row = self.db.execute("SELECT * FROM leases WHERE run_id=?", (run_id,)).fetchone()
            if row is not None and row["owner"] != owner and lease_is_live(dict(row), time.time(), host, ttl):
                return dict(row)
            self.db.execute("INSERT OR REPLACE INTO leases (run_id, owner, pid, host, acquired, heartbeat) "
                            "VALUES (?,?,?,?,?,?)", (run_id, owner, pid, host, now_iso(), time.time()))
        return None

    def beat_lease(self, run_id: str, owner: str) -> bool:
        """Renew the lease; False when ``owner`` no longer holds it."""
        with self._tx():
            cur = self.db.execute("UPDATE leases SET heartbeat=? WHERE run_id=? AND owner=?",
                                  (time.time(), run_id, owner))
        return cur.rowcount == 1

    def release_lease(self, run_id: str, owner: str) -> None:
        with self._tx():
            self.db.execute("DELETE FROM leases WHERE run_id=? AND owner=?", (run_id, owner))

    def site(self, run_id: str) -> SiteArtifacts | None:
        run = self.get_run(run_id)
        return SiteArtifacts.from_dict(run["site"]) if run and run.get("site") else None


def lease_is_live(row: dict[str, Any], now: float, this_host: str, ttl: float = LEASE_TTL) -> bool:
    """Whether a lease row's owner still holds it: a heartbeat under ``ttl`` s old, and, when it
    is on this host, a process with its pid (a crashed owner frees the run at once here; on
    another host, once its heartbeat is ``ttl`` s old)."""
    if now - float(row.get("heartbeat") or 0) >= ttl:
        return False
    if row.get("host") != this_host:
        return True
    try:
        os.kill(int(row["pid"]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user has that pid
        return True
    except (OSError, ValueError, TypeError):
        return False
    return True


class Lease:
    """A run's lease held by this process, its heartbeat kept on a thread of its own (with its
    own connection), so a busy event loop or a long page never lets it lapse."""

    def __init__(self, path: str | Path, run_id: str) -> None:
        self.path = str(path)
        self.run_id = run_id
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self, store: Store) -> dict[str, Any] | None:
        holder = store.acquire_lease(self.run_id, self.owner)
        if holder is None and self.path != ":memory:":
            self._thread = threading.Thread(target=self._beat, name="idea-audit-lease", daemon=True)
            self._thread.start()
        return holder

    def _beat(self) -> None:
        con: Store | None = None
        try:
            while not self._stop.wait(LEASE_BEAT):
                try:
                    con = con or Store(self.path)
                    con.beat_lease(self.run_id, self.owner)
                except Exception:  # a locked or vanished store: try again at the next beat
                    pass
        finally:
            if con is not None:
                con.close()

    def release(self, store: Store) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            store.release_lease(self.run_id, self.owner)
        except Exception:  # the store is gone or full: the lease lapses by itself
            pass


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT, rolling back on error; retries a locked BEGIN briefly."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        for attempt in range(50):
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(0.1 * (attempt + 1))
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
