"""Interruption: SIGINT writes a partial report marked incomplete (exit 130); SIGKILL loses
nothing already stored and --resume finishes the run with each page audited once; two scans
sharing one store do not corrupt it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import time

import pytest
from faults.harness import FAST, explain, run, serving, spawn, stored_urls
from faults.server import page, slow

pytestmark = pytest.mark.browser

N_PAGES = 6


def slow_site(delay: float = 0.7) -> dict:
    links = "".join(f"<a href='/p{i}'>Page {i}</a> " for i in range(N_PAGES))
    routes = {f"/p{i}": slow(delay, page(f"Slow page number {i}")) for i in range(N_PAGES)}
    routes["/"] = slow(delay, page("Slow site home page", links))
    return routes


def _wait_for_pages(proc, db_path, n: int, limit: float = 150) -> list[str]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        got = stored_urls(db_path)
        if len(got) >= n:
            return got
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    raise AssertionError(f"fewer than {n} pages stored in {limit}s")


def _args(url, tmp):
    return ("scan", url, "--db", str(tmp / "runs.sqlite"), "--out", str(tmp / "out"), *FAST, "--concurrency", "1",
            "--no-sitemap")


def test_sigint_writes_partial_report_and_exits_130(tmp_path):
    with serving(slow_site()) as srv:
        proc = spawn(*_args(srv.base_url, tmp_path))
        before = _wait_for_pages(proc, str(tmp_path / "runs.sqlite"), 2)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
        out, err = proc.communicate(timeout=90)
    assert proc.returncode == 130, f"{proc.returncode}\n{out}\n{err}"
    assert "Traceback" not in err, err
    assert "interrupted" in err and "--resume" in err
    res = json.loads((tmp_path / "out" / "idea-audit.json").read_text())
    assert res["run"]["status"] == "incomplete"
    assert (tmp_path / "out" / "idea-audit.html").exists()
    reported = {p["url"] for p in res["pages"]}
    assert set(before) <= reported  # every page stored before the signal is in the partial report


def test_sigkill_then_resume_audits_every_page_once(tmp_path):
    db_path = str(tmp_path / "runs.sqlite")
    with serving(slow_site()) as srv:
        proc = spawn(*_args(srv.base_url, tmp_path))
        before = _wait_for_pages(proc, db_path, 3)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        after_kill = stored_urls(db_path)
        assert set(before) <= set(after_kill)  # nothing already stored was lost
        with contextlib.closing(sqlite3.connect(db_path)) as con:
            [(run_id, status)] = con.execute("SELECT id, status FROM runs").fetchall()
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert status == "running"
        hits_before = dict(srv.requests)
        done = run("scan", "--resume", run_id, "--db", db_path, "--out", str(tmp_path / "out"))
        assert done.returncode == 0, explain(done)
        hits_after = dict(srv.requests)
    base = srv.base_url.rstrip("/")
    stored = stored_urls(db_path)
    assert len(stored) == len(set(stored)) == N_PAGES + 1
    assert sorted(stored) == sorted([srv.base_url] + [f"{base}/p{i}" for i in range(N_PAGES)])
    for url in after_kill:  # pages stored before the kill were not fetched again by the resumed run
        path = url[len(base):]
        assert hits_after.get(path, 0) == hits_before.get(path, 0), path
    res = json.loads((tmp_path / "out" / "idea-audit.json").read_text())
    assert res["run"]["status"] == "complete"
    assert res["summary"]["pages_audited"] == N_PAGES + 1


def test_two_scans_share_one_store(tmp_path):
    db_path = str(tmp_path / "runs.sqlite")
    with serving(slow_site(0.1)) as a, serving(slow_site(0.1)) as b:
        procs = [spawn("scan", srv.base_url, "--db", db_path, "--out", str(tmp_path / name), *FAST,
                       "--concurrency", "1", "--no-sitemap") for name, srv in (("a", a), ("b", b))]
        outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, f"{out}\n{err}"
    with contextlib.closing(sqlite3.connect(db_path)) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = con.execute("SELECT r.status, COUNT(p.url) FROM runs r JOIN pages p ON p.run_id = r.id "
                           "GROUP BY r.id").fetchall()
    assert rows == [("complete", N_PAGES + 1), ("complete", N_PAGES + 1)]


def test_sigterm_writes_partial_report_and_exits_143(tmp_path):
    # what CI systems send on cancel and timeout (GitLab, GitHub Actions, Jenkins): to the job's
    # process group, browser included
    with serving(slow_site()) as srv:
        proc = spawn(*_args(srv.base_url, tmp_path))
        before = _wait_for_pages(proc, str(tmp_path / "runs.sqlite"), 2)
        os.killpg(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=90)
    assert proc.returncode == 143, f"{proc.returncode}\n{out}\n{err}"
    assert "Traceback" not in err, err
    assert "terminated (SIGTERM)" in err and "--resume" in err
    res = json.loads((tmp_path / "out" / "idea-audit.json").read_text())
    assert res["run"]["status"] == "incomplete" and res["run"]["error"] == "terminated"
    assert (tmp_path / "out" / "idea-audit.html").exists()
    assert set(before) <= {p["url"] for p in res["pages"]}


def _driver_pids(parent: int) -> list[int]:
    """Playwright's node driver among the children of ``parent`` (read from /proc)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and b"run-driver" in cmd:
            pids.append(int(entry))
    return pids


def test_sigint_reaching_the_driver_first_is_still_an_interruption(tmp_path):
    """A signal to the process group reaches Playwright's driver too, and it closes the browser
    at once: the scan's next tab fails before this process has run its own handler. Forced here
    by signalling the driver 0.8 s before the CLI (before: the TargetClosedError traceback,
    exit 1; it happened in the full suite under load)."""
    with serving(slow_site()) as srv:
        proc = spawn(*_args(srv.base_url, tmp_path))
        _wait_for_pages(proc, str(tmp_path / "runs.sqlite"), 2)
        drivers = _driver_pids(proc.pid)
        assert drivers, "no Playwright driver found among the CLI's children"
        for pid in drivers:
            os.kill(pid, signal.SIGINT)
        time.sleep(0.8)
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=90)
    assert proc.returncode == 130, f"{proc.returncode}\n{out}\n{err}"
    assert "Traceback" not in err and "interrupted" in err, err
    res = json.loads((tmp_path / "out" / "idea-audit.json").read_text())
    assert res["run"]["status"] == "incomplete"
