"""Staging-aware audits: which environment a scan assumes, and what it then leaves unassessed."""

from __future__ import annotations

import pytest
from conftest import load_json, run_cli

from auditor import checking, environment
from auditor.environment import NOT_ASSESSED, resolve
from auditor.model import Outcome, PageArtifacts, SiteArtifacts, Status

STAGING = [
    "http://127.0.0.1:8000/", "http://127.5.5.5/", "http://[::1]:3000/", "http://[fe80::1]/",
    "http://169.254.10.1/", "http://10.1.2.3/", "http://192.168.0.1/", "http://172.16.0.1/",
    "http://172.31.255.255/", "http://[fd12:3456::1]/", "http://[::ffff:127.0.0.1]/", "http://localhost:4000/",
    "http://LOCALHOST/", "http://foo.localhost/", "http://x.local/", "http://bar.test/", "http://a.internal/",
    "http://www.example/", "http://preview.site.test./",
]
PRODUCTION = [
    "https://www.gsa.gov/", "https://example.com/", "http://172.32.0.1/", "http://8.8.8.8/",
    "https://localhost.gov/", "https://test.gov/", "https://local.agency.gov/", "https://my.internal.agency.gov/",
    "http://[2001:4860::8888]/",
]


@pytest.mark.parametrize("url", STAGING)
def test_auto_is_staging_for_local_private_and_test_addresses(url):
    env = resolve("auto", url)
    assert env.assumed == "staging" and env.staging, (url, env)
    assert " is a" in env.reason


@pytest.mark.parametrize("url", PRODUCTION)
def test_auto_is_production_for_public_hosts(url):
    env = resolve("auto", url)
    assert env.assumed == "production" and not env.staging, (url, env)


def test_explicit_modes_win_and_bad_modes_fail():
    assert resolve("production", "http://127.0.0.1/").assumed == "production"
    assert resolve("staging", "https://www.gsa.gov/").assumed == "staging"
    assert resolve("staging", "https://www.gsa.gov/").reason == "--environment staging"
    with pytest.raises(ValueError):
        resolve("prod", "http://127.0.0.1/")


def test_the_note_says_what_was_assumed_and_how_to_change_it():
    assert resolve("auto", "http://127.0.0.1:9/").describe() == (
        "environment: staging (127.0.0.1 is a loopback address); production-only checks are not assessed: "
        "use --environment production to assess them")
    assert "use --environment staging" in resolve("auto", "https://www.gsa.gov/").describe()
    # a run stored before environments existed assessed everything
    assert environment.of_run({"start_urls": ["http://127.0.0.1/"]}).assumed == "production"


PRODUCTION_ONLY = {"sec-https", "sec-hsts", "sec-http-redirect", "sec-certificate", "sec-gov-domain",
                   "sec-security-txt", "sec-tls-accepted-insecurely"}


def test_the_production_only_checks_are_the_documented_ones():
    specs = checking.load_all()
    assert {cid for cid, s in specs.items() if s.production_only} == PRODUCTION_ONLY
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "environment.md").read_text()
    for cid in PRODUCTION_ONLY:
        assert f"`{cid}`" in doc, cid


def test_staging_leaves_production_only_checks_unassessed_and_runs_the_rest():
    specs = checking.load_all()
    page = PageArtifacts(url="http://127.0.0.1:9/", final_url="http://127.0.0.1:9/", status_code=200,
                         html="<html><body>x</body></html>")
    picked = [specs["sec-https"], specs["sec-mixed-content"]]
    prod = dict((s.id, o) for s, o in checking.run_page_checks(picked, page))
    stag = dict((s.id, o) for s, o in checking.run_page_checks(picked, page, staging=True))
    assert prod["sec-https"].status is Status.FAIL
    assert stag["sec-https"] == Outcome(Status.NOT_APPLICABLE, detail=NOT_ASSESSED)
    assert stag["sec-mixed-content"].status == prod["sec-mixed-content"].status  # assessed everywhere
    site = SiteArtifacts(start_url="http://127.0.0.1:9/")
    ctx = checking.SiteContext(pages=[])
    out = dict((s.id, o) for s, o in checking.run_site_checks([specs["sec-gov-domain"]], site, ctx, staging=True))
    assert out["sec-gov-domain"].detail == NOT_ASSESSED


def test_robots_blocking_the_site_is_production_only():
    specs = checking.load_all()
    site = SiteArtifacts(start_url="http://127.0.0.1:9/", robots_status=200, robots_txt="User-agent: *\nDisallow: /\n")
    prod = specs["disc-robots-txt"].fn(site, checking.SiteContext(pages=[], settings={"environment_assumed": "production"}))
    stag = specs["disc-robots-txt"].fn(site, checking.SiteContext(pages=[], settings={"environment_assumed": "staging"}))
    assert prod.status is Status.FAIL
    assert stag.status is Status.NOT_APPLICABLE and stag.detail.startswith(NOT_ASSESSED)
    missing = SiteArtifacts(start_url="http://127.0.0.1:9/", robots_status=404)
    # a missing robots.txt is the build's to fix: still a failure on staging
    assert specs["disc-robots-txt"].fn(
        missing, checking.SiteContext(pages=[], settings={"environment_assumed": "staging"})).status is Status.FAIL


def test_bad_environment_is_a_usage_error():
    proc = run_cli("scan", "http://127.0.0.1:1/", "--environment", "prod")
    assert proc.returncode == 2 and "'prod' is not one of 'auto', 'production', 'staging'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.browser
def test_a_loopback_scan_says_staging_and_production_assesses_it(serve_site, tmp_path):
    url = serve_site("good")
    common = ("--max-pages", "2", "--no-sitemap", "--concurrency", "2", "--format", "json,html,md")
    auto = run_cli("scan", url, "--db", str(tmp_path / "a.sqlite"), "--out", str(tmp_path / "a"), *common,
                   check_exit=0)
    assert "environment: staging (127.0.0.1 is a loopback address); production-only checks are not assessed: " \
           "use --environment production to assess them" in auto.stdout
    r = load_json(tmp_path / "a" / "idea-audit.json")
    assert r["run"]["environment"]["assumed"] == "staging" and r["run"]["settings"]["environment"] == "auto"
    assert not [f for f in r["findings"] if f["check_id"] in PRODUCTION_ONLY]
    assert r["checks"]["sec-https"]["outcomes"] == {"not-applicable": 2}
    html = (tmp_path / "a" / "idea-audit.html").read_text()
    assert "<strong>Environment:</strong> staging (127.0.0.1 is a loopback address)" in html
    assert "<code>--environment production</code>" in html
    assert r["scores"]["requirements"]["m2322-domain"] is None  # not assessed: no score, not 0
    assert "Not assessed on a staging address" in html  # the .gov domain card says why it has no score
    md = (tmp_path / "a" / "idea-audit.md").read_text()
    assert "Environment: staging" in md and "--environment production" in md

    prod = run_cli("scan", url, "--db", str(tmp_path / "p.sqlite"), "--out", str(tmp_path / "p"), *common,
                   "--environment", "production", check_exit=0)
    assert "environment: production (--environment production)" in prod.stdout
    r = load_json(tmp_path / "p" / "idea-audit.json")
    assert r["run"]["environment"]["assumed"] == "production"
    https = [f for f in r["findings"] if f["check_id"] == "sec-https"]
    assert len(https) == 2 and https[0]["severity"] == "critical"
    assert {f["check_id"] for f in r["findings"]} >= {"sec-gov-domain", "sec-http-redirect"}
    html = (tmp_path / "p" / "idea-audit.html").read_text()
    assert "<strong>Environment:</strong> production" in html and "Not assessed on a staging address" not in html
    assert r["scores"]["requirements"]["m2322-domain"] == 0
