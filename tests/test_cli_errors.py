"""Bad input gets one clear line and a documented exit code, never a traceback."""

from __future__ import annotations

import socket

import pytest
from conftest import run_cli


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("url, code, words", [
    ("not a url", 2, "not a URL"),
    ("ftp://127.0.0.1/", 2, "unsupported URL scheme 'ftp'"),
    ("file:///etc/passwd", 2, "unsupported URL scheme 'file'"),
    ("http://127.0.0.1:99999/", 2, "malformed URL"),
    ("http:///nohost", 2, "malformed URL"),
])
def test_bad_start_urls(tmp_path, url, code, words):
    proc = run_cli("scan", url, "--db", str(tmp_path / "r.sqlite"), "--out", str(tmp_path / "o"))
    assert proc.returncode == code
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.browser
def test_unreachable_start_url_exits_3_with_the_run_recorded(tmp_path):
    url = f"http://127.0.0.1:{_free_port()}/"
    proc = run_cli("scan", url, "--db", str(tmp_path / "r.sqlite"), "--out", str(tmp_path / "o"), "-q")
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.strip().splitlines() == [f"idea-audit: error: cannot reach {url}: connection refused"]
    assert "Traceback" not in proc.stderr
    runs = run_cli("runs", "--db", str(tmp_path / "r.sqlite"), check_exit=0)
    assert "failed" in runs.stdout


def test_usage_errors(tmp_path):
    for args, words in [
        (("scan",), "needs at least one URL"),
        (("scan", "http://127.0.0.1/", "--format", "pdf"), "unknown format 'pdf'"),
        (("scan", "http://127.0.0.1/", "--checks", "nope"), "unknown check or family: nope"),
        (("scan", "--resume", "zzz", "--db", str(tmp_path / "x.sqlite")), "no run 'zzz'"),
        (("report", "--db", str(tmp_path / "none.sqlite")), "no store at"),
        (("scan", "http://127.0.0.1/", "--header", "NoColon"), "--header expects"),
    ]:
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert words in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)


def test_checks_and_doctor_commands():
    proc = run_cli("checks", check_exit=0)
    assert "axe-image-alt" in proc.stdout and "idea-3a1" in proc.stdout and "1.1.1" in proc.stdout
    import json

    data = json.loads(run_cli("checks", "--format", "json", check_exit=0).stdout)
    ids = {c["id"] for c in data["checks"]}
    assert "axe-color-contrast" in ids and len(data["requirements"]) >= 15
    doc = run_cli("doctor", check_exit=0)
    assert "browser:" in doc.stdout and "version:" in doc.stdout
    missing = run_cli("doctor", "--browser-path", "/nonexistent/chrome")
    assert missing.returncode == 3 and "not an executable file" in missing.stdout


def test_help_documents_exit_codes():
    out = run_cli("scan", "--help", check_exit=0).stdout
    assert "Exit codes: 0 passed; 1 a gate failed; 2 usage" in " ".join(out.split())


@pytest.mark.parametrize("command", [["scan", "http://127.0.0.1:9/", "--out", "o"], ["runs"], ["report"]])
def test_a_store_that_is_not_a_database_is_one_line_exit_3(tmp_path, command):
    db = tmp_path / "r.sqlite"
    db.write_text("these are somebody's notes, not an SQLite database\n" * 20)
    proc = run_cli(*command, "--db", str(db), cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "idea-audit: error: the results store could not be used: file is not a database"]
    assert "Traceback" not in proc.stderr + proc.stdout
