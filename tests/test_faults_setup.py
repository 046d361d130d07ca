"""Broken set-ups and concurrent resumes: each ends with one line and a defined exit code,
never a traceback; a run is audited by one process at a time (a lease in the store); a
resumed run audits the same pages as an uninterrupted one. Real servers on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
from faults.harness import (
    FAST,
    cli_env,
    error_lines,
    explain,
    no_traceback,
    run,
    scan,
    serving,
    spawn,
    stored_urls,
)
from faults.server import Reply, html, page, redirect

from auditor.store import Store, lease_is_live

pytestmark = pytest.mark.browser


def _one_line(proc, code: int, *words: str) -> str:
    assert proc.returncode == code, explain(proc)
    assert no_traceback(proc), explain(proc)
    last = error_lines(proc)[-1]
    for w in words:
        assert w in last, last
    return last


def test_db_under_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "afile").write_text("x")
    proc = run("scan", "http://127.0.0.1:9/", "--db", str(tmp_path / "afile" / "runs.sqlite"), timeout=60)
    _one_line(proc, 2, "--db", "is a file, not a directory")


@pytest.mark.parametrize("name, data, words", [
    ("idea-audit.toml", b"max_pages = 3\n# caf\xe9\n", ["not valid UTF-8"]),
    ("pyproject.toml", b"[tool]\nidea-audit = 5\n", ["'tool.idea-audit' must be a table"]),
    ("pyproject.toml", b"tool = 1\n", ["'tool' must be a table"]),
], ids=["invalid-utf8", "section-not-a-table", "tool-not-a-table"])
def test_broken_config_file_is_one_line(tmp_path, name, data, words):
    (tmp_path / name).write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "auditor", "scan", "http://127.0.0.1:9/", "--db",
                           str(tmp_path / "r.sqlite")], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env=cli_env())
    _one_line(proc, 2, name, *words)


def test_resume_of_a_run_rejected_at_its_start(tmp_path):
    db = str(tmp_path / "runs.sqlite")
    assert run("scan", "not a url", "--db", db, timeout=60).returncode == 2
    with contextlib.closing(sqlite3.connect(db)) as con:
        rid = con.execute("SELECT id FROM runs").fetchone()[0]
    proc = run("scan", "--resume", rid, "--db", db, timeout=60)
    _one_line(proc, 2, "--resume", "rejected at its start", "nothing to resume")


def _mount_tmpfs(where, opts: str) -> bool:
    where.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)], capture_output=True).returncode == 0


@pytest.mark.parametrize("kind", ["read-only", "full"])
def test_unwritable_out_is_one_line_and_no_half_report(tmp_path, kind):
    where = tmp_path / "mnt"
    if os.geteuid() != 0 or not _mount_tmpfs(where, "ro,size=1m" if kind == "read-only" else "size=64k"):
        pytest.skip("needs root and tmpfs mounts to make a read-only or full file system")
    try:
        if kind == "full":
            with contextlib.suppress(OSError):
                (where / "filler").write_bytes(b"x" * 70_000)
        with serving({"/": html(page("Home page of the site"))}) as srv:
            proc = scan(srv.base_url, tmp_path, "--no-sitemap", "--max-pages", "1", "--out", str(where / "reports"))
        _one_line(proc, 4, "--out", "read-only file system" if kind == "read-only" else "no space left")
        assert not (where / "reports").exists()
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)


def test_full_disk_at_report_time_is_one_line(tmp_path):
    """The disk fills during the scan: the reports cannot be written; each is whole or absent."""
    where = tmp_path / "mnt"
    if os.geteuid() != 0 or not _mount_tmpfs(where, "size=32k"):
        pytest.skip("needs root and a tmpfs mount")
    try:
        def fill(req) -> Reply:
            with contextlib.suppress(OSError):
                (where / "filler").write_bytes(b"x" * 40_000)
            return Reply(page("Home page of the site", "<p>" + "words " * 4000 + "</p>"))
        with serving({"/": fill}) as srv:
            proc = scan(srv.base_url, tmp_path, "--no-sitemap", "--max-pages", "1", "--out", str(where / "reports"))
        _one_line(proc, 4, "could not write the reports", "idea-audit report")
        leftovers = [p.name for p in (where / "reports").glob("*")] if (where / "reports").exists() else []
        for name in leftovers:
            assert not name.endswith(".tmp"), leftovers
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)


# -- resume: a lease per run, and the same pages as an uninterrupted run ---------------------
def test_lease_liveness():
    now, host = time.time(), socket.gethostname()
    assert lease_is_live({"pid": os.getpid(), "host": host, "heartbeat": now}, now, host)
    assert not lease_is_live({"pid": os.getpid(), "host": host, "heartbeat": now - 120}, now, host)  # stopped beating
    dead = subprocess.Popen(["true"])
    dead.wait()
    assert not lease_is_live({"pid": dead.pid, "host": host, "heartbeat": now}, now, host)  # owner crashed
    assert lease_is_live({"pid": 1, "host": "elsewhere", "heartbeat": now}, now, host)


def _slow(seconds: float, title: str):
    def route(req) -> Reply:
        time.sleep(seconds)
        return Reply(page(title))
    return route


def _wait(pred, limit: float = 90) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def _killed_run(db: str, base: str, n: int) -> str:
    """A scan SIGKILLed once ``n`` pages are stored; its run id."""
    proc = spawn("scan", base, "--db", db, "--out", db + ".out", *FAST, "--concurrency", "1", "--no-sitemap")
    try:
        _wait(lambda: len(stored_urls(db)) >= n)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    with contextlib.closing(sqlite3.connect(db)) as con:
        return con.execute("SELECT id FROM runs").fetchone()[0]


def test_two_resumes_of_one_run_one_is_refused(tmp_path):
    links = "".join(f"<a href='/p{i}'>Page {i}</a> " for i in range(6))
    routes = {"/": html(page("Home page of the site", links))} | {f"/p{i}": _slow(1.0, f"Slow page {i}") for i in range(6)}
    db = str(tmp_path / "runs.sqlite")
    with serving(routes) as srv:
        rid = _killed_run(db, srv.base_url, 1)  # its lease stays behind, its owner is dead: free
        first = spawn("scan", "--resume", rid, "--db", db, "--out", str(tmp_path / "o1"))
        try:
            _wait(lambda: len(stored_urls(db)) >= 2)
            second = run("scan", "--resume", rid, "--db", db, "--out", str(tmp_path / "o2"), timeout=60)
            _one_line(second, 5, f"--resume {rid}", "being audited by process", str(first.pid))
            out, err = first.communicate(timeout=120)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(first.pid, signal.SIGKILL)
        assert first.returncode in (0, 1), err
        hits = {p: srv.hits(p) for p in routes}
    assert sorted(stored_urls(db)) == sorted(srv.base_url + p.lstrip("/") for p in routes)
    assert all(n == 1 for p, n in hits.items() if p != "/" and p != "/p0"), hits  # none audited twice
    with contextlib.closing(Store(db)) as store:
        assert store.db.execute("SELECT COUNT(*) FROM leases").fetchone()[0] == 0  # released at the end


def test_resumed_run_skips_a_redirect_to_a_page_already_audited(tmp_path):
    """/a and /b both redirect to /t (linked from nowhere else). Uninterrupted, /b is a duplicate;
    resumed after /a was stored, it is too (before: audited again)."""
    routes = {"/": html(page("Home page of the site", "<a href='/a'>A</a> <a href='/b'>B</a>")),
              "/a": redirect("/t"), "/b": lambda req: (time.sleep(3), Reply(b"", 302, "", {"Location": "/t"}))[1],
              "/t": html(page("The target page"))}
    with serving(routes) as srv:
        whole = tmp_path / "whole"
        whole.mkdir()
        proc = scan(srv.base_url, whole, "--concurrency", "1", "--no-sitemap")
        assert proc.returncode in (0, 1), explain(proc)
        uninterrupted = sorted(stored_urls(str(whole / "runs.sqlite")))
        db = str(tmp_path / "runs.sqlite")
        rid = _killed_run(db, srv.base_url, 2)
        resumed = run("scan", "--resume", rid, "--db", db, "--out", str(tmp_path / "o"), timeout=120)
        assert resumed.returncode in (0, 1), explain(resumed)
    assert uninterrupted == sorted([srv.base_url, srv.base_url + "a"]), uninterrupted
    assert sorted(stored_urls(db)) == uninterrupted
