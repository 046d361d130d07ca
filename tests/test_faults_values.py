"""Values that would kill or forge a run: each is refused at the start with one line naming
the option (or config key) and its range, exit 2, and nothing is fetched; a robots.txt
Crawl-delay is honoured only up to a cap, and the run says so. Real servers on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
from faults.harness import explain, no_traceback, result, run, scan, serving
from faults.server import Reply, html, page

pytestmark = pytest.mark.browser


def _refused(proc, *words: str) -> str:
    assert proc.returncode == 2, explain(proc)
    assert no_traceback(proc), explain(proc)
    last = proc.stderr.strip().splitlines()[-1]
    for w in words:
        assert w in last, last
    return last


OPTIONS = [
    (["--page-timeout", "nan"], ["--page-timeout", "finite", "1<=x<=600"]),
    (["--page-timeout", "inf"], ["--page-timeout", "finite", "1<=x<=600"]),
    (["--axe-timeout", "nan"], ["--axe-timeout", "finite", "5<=x<=1800"]),
    (["--delay", "inf"], ["--delay", "finite", "0<=x<=600"]),
    (["--max-time", "inf"], ["--max-time", "finite"]),
    (["--target-grade", "nan"], ["--target-grade", "finite", "1<=x<=20"]),
    (["--min-score", "nan"], ["--min-score", "0 to 100"]),
    (["--concurrency", "500"], ["--concurrency", "1<=x<=64"]),
    (["--per-host", "500"], ["--per-host", "0<=x<=64"]),
    (["--auth", "u:pw", "--header", "Authorization: Bearer abc"], ["--auth", "--header", "Authorization"]),
    (["--cookie", "sid=$IDEA_AUDIT_UNSET_COOKIE_VAR"], ["--cookie sid", "IDEA_AUDIT_UNSET_COOKIE_VAR is not set"]),
]


@pytest.mark.parametrize("args, words", OPTIONS, ids=[" ".join(a) for a, _ in OPTIONS])
def test_bad_number_or_conflict_is_refused(tmp_path, args, words):
    with serving({"/": html(page("Never fetched"))}) as srv:
        proc = run("scan", srv.base_url, "--db", str(tmp_path / "runs.sqlite"), "--out", str(tmp_path / "out"),
                   *args, timeout=60)
        assert sum(srv.requests.values()) == 0
    _refused(proc, *words)
    assert not (tmp_path / "out").exists()


CONFIG = [
    ("concurrency = 500", ["'concurrency'", "from 1 to 64"]),
    ("per_host = 100", ["'per_host'", "from 0 to 64"]),
    ("page_timeout = nan", ["'page_timeout'", "from 1 to 600"]),
    ("page_timeout = inf", ["'page_timeout'", "from 1 to 600"]),
    ("axe_timeout = nan", ["'axe_timeout'", "from 5 to 1800"]),
    ("delay = inf", ["'delay'", "from 0 to 600"]),
    ("max_time = inf", ["'max_time'"]),
    ("[gates]\nmin_score = nan", ["'gates.min_score'", "from 0 to 100"]),
]


@pytest.mark.parametrize("text, words", CONFIG, ids=[t.replace("\n", " ") for t, _ in CONFIG])
def test_bad_config_value_is_refused(tmp_path, text, words):
    cfg = tmp_path / "idea-audit.toml"
    cfg.write_text(text + "\n")
    with serving({"/": html(page("Never fetched"))}) as srv:
        proc = run("scan", srv.base_url, "--config", str(cfg), "--db", str(tmp_path / "runs.sqlite"),
                   "--out", str(tmp_path / "out"), timeout=60)
        assert sum(srv.requests.values()) == 0
    _refused(proc, str(cfg), *words)


def test_huge_crawl_delay_is_capped_and_said(tmp_path):
    """robots.txt asks for 100000 s between requests (28 hours): honoured up to 30 s, and the
    run's pacing and last lines say so."""
    routes = {
        "/robots.txt": lambda req: Reply("User-agent: *\nCrawl-delay: 100000\nAllow: /\n", type="text/plain"),
        "/": html(page("Slow please")),
    }
    t0 = time.monotonic()
    with serving(routes) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "1", "--no-sitemap")
    assert proc.returncode in (0, 1), explain(proc)
    assert time.monotonic() - t0 < 60
    pacing = result(tmp_path)["run"]["pacing"]
    assert pacing["crawl_delay_asked_s"] == 100000 and pacing["crawl_delay_capped_s"] == 30, pacing
    assert pacing["delay_s"] == 30
    assert "Crawl-delay of 100000 s" in proc.stdout and "30 s at most" in proc.stdout, proc.stdout
