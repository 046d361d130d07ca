"""A scan killed with SIGKILL resumes with --resume; every page ends audited exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import ROOT, load_json, run_cli

pytestmark = pytest.mark.browser


def _pages(db) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT url, audited_at FROM pages").fetchall()


def test_sigkill_then_resume(serve_site, tmp_path):
    base = serve_site("legacy")
    db = tmp_path / "runs.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "auditor", "scan", base, "--db", str(db), "--out", str(tmp_path / "first"),
         "--concurrency", "1", "--delay", "1.5"],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if db.exists():
                try:
                    if len(_pages(db)) >= 2:
                        break
                except sqlite3.Error:
                    pass
            time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    before = dict(_pages(db))
    assert 2 <= len(before) < 7, before
    with sqlite3.connect(db) as c:
        (run_id, status), = c.execute("SELECT id, status FROM runs").fetchall()
    assert status == "running"  # killed: nothing got to mark it
    out = tmp_path / "resumed"
    run_cli("scan", "--resume", run_id, "--db", str(db), "--out", str(out), check_exit=0)
    after = _pages(db)
    urls = [u for u, _ in after]
    assert len(urls) == len(set(urls)) == 7  # every page exactly once
    assert {u: t for u, t in after if u in before} == before  # finished pages were not audited again
    r = load_json(out / "idea-audit.json")
    assert r["run"]["id"] == run_id and r["run"]["status"] == "complete"
    assert r["summary"]["pages_audited"] == 6 and r["summary"]["pages_failed"] == 1
    import json as _json

    assert len({_json.dumps(f, sort_keys=True) for f in r["findings"]}) == len(r["findings"])  # none twice
    assert sum(1 for f in r["findings"] if f["check_id"].startswith("axe-") and f["status"] == "fail") == 12
