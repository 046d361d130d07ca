"""Bad CLI values: each a clear error naming the option (and the allowed values), exit 2,
no traceback, no run started."""

from __future__ import annotations

import pytest
from faults.harness import run

BAD = [
    (["--max-pages", "0"], "--max-pages", "1"),
    (["--max-pages", "lots"], "--max-pages", "integer"),
    (["--max-depth", "-1"], "--max-depth", "0"),
    (["--concurrency", "999"], "--concurrency", "64"),
    (["--page-timeout", "0"], "--page-timeout", "1"),
    (["--delay", "-5"], "--delay", "0"),
    (["--scope", "planet"], "--scope", "subdomains"),
    (["--trailing-slash", "maybe"], "--trailing-slash", "strip"),
    (["--format", "pdf"], "--format", "html"),
    (["--format", ","], "--format", "json"),
    (["--checks", "no-such-check"], "--checks", "no-such-check"),
    (["--header", "NoColonHere"], "--header", "Name: value"),
    (["--header", "X-Token: $IDEA_AUDIT_UNSET_VAR_FOR_TEST"], "--header", "IDEA_AUDIT_UNSET_VAR_FOR_TEST"),
    (["--cookie", "novalue"], "--cookie", "NAME=VALUE"),
    (["--resume", "no-such-run"], "--resume", "no-such-run"),
    (["--no-such-option"], "--no-such-option", "No such option"),
]


@pytest.mark.parametrize("args, option, allowed", BAD, ids=[" ".join(a) for a, _, _ in BAD])
def test_bad_value_is_a_usage_error(tmp_path, args, option, allowed):
    proc = run("scan", "http://127.0.0.1:9/", "--db", str(tmp_path / "runs.sqlite"), "--out", str(tmp_path / "o"),
               *args, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert option in proc.stderr and allowed in proc.stderr, proc.stderr
    assert not (tmp_path / "o").exists()


def test_no_url_is_a_usage_error(tmp_path):
    proc = run("scan", "--db", str(tmp_path / "runs.sqlite"), timeout=60)
    assert proc.returncode == 2 and "at least one URL" in proc.stderr


@pytest.mark.parametrize("cmd", [["report", "--db", "{tmp}/missing.sqlite"], ["runs", "--db", "{tmp}/missing.sqlite"]])
def test_missing_store_is_a_usage_error(tmp_path, cmd):
    proc = run(*[c.format(tmp=tmp_path) for c in cmd], timeout=60)
    assert proc.returncode == 2 and "no store at" in proc.stderr and "Traceback" not in proc.stderr


def test_fault_table_matches_tests():
    """docs/faults.md names a test for every row; each named test must exist."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    doc = (root / "docs" / "faults.md").read_text()
    named = set(re.findall(r"`(test_faults_\w+\.py)::(\w+)`", doc))
    assert len(named) > 25
    for module, func in named:
        source = (root / "tests" / module).read_text()
        assert re.search(rf"^def {func}\(", source, re.M), f"{module}::{func} named in docs/faults.md is missing"
    for path in sorted((root / "tests").glob("test_faults_*.py")):
        assert path.name in doc, f"{path.name} has no row in docs/faults.md"
