"""The branding, required-link, search and feedback checks on the USWDS documentation's own
markup (``fixtures/sites/uswds-docs/``): banners, headers, footers and identifiers of USWDS 1,
2 and 3 and their variants (identifier inside or after ``<footer>``, .mil, Spanish, pasted with
placeholder destinations). Each mini-site is audited by the real CLI in real Chromium, and
every check's outcome and the detected USWDS version must equal ``truth.json``, read from the
markup."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT, run_cli

CORPUS = ROOT / "fixtures" / "sites" / "uswds-docs"
TRUTH = {k: v for k, v in json.loads((CORPUS / "truth.json").read_text("utf-8")).items() if not k.startswith("_")}
PAGES = ("index.html", "about.html", "accessibility/")
pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from serve import serve_in_thread

    server, base = serve_in_thread(CORPUS)
    out = tmp_path_factory.mktemp("uswds-docs")

    def scan(site: str) -> dict:
        d = out / site
        proc = run_cli("scan", *[f"{base}{site}/{p}" for p in PAGES], "--max-depth", "0", "--no-sitemap",
                       "--ignore-robots", "--checks", "branding,required-links,search,analytics",
                       "--concurrency", "1", "--db", str(d / "runs.sqlite"), "--out", str(d), "--format", "json",
                       timeout=300)
        assert proc.returncode in (0, 1), proc.stderr
        return json.loads((d / "idea-audit.json").read_text("utf-8"))

    try:
        with ThreadPoolExecutor(3) as pool:
            got = dict(zip(TRUTH, pool.map(scan, TRUTH)))
    finally:
        server.shutdown()
        server.server_close()
    return got


def test_every_page_of_every_mini_site_was_audited(results):
    for site, r in results.items():
        assert sorted(p["url"].split(f"/{site}/", 1)[1] for p in r["pages"] if not p["error"]) == sorted(PAGES), site


@pytest.mark.parametrize("site", sorted(TRUTH))
def test_outcomes_equal_the_truth_read_from_the_markup(results, site):
    r = results[site]
    wrong = {}
    for check_id, want in TRUTH[site]["expect"].items():
        outcomes = r["checks"][check_id]["outcomes"]
        flagged = {f["status"] for f in r["findings"] if f["check_id"] == check_id} & {"fail", "warn"}
        ok = set(outcomes) == {want} if want == "pass" else want in outcomes and want in flagged
        if not ok:
            wrong[check_id] = (want, outcomes)
    assert not wrong, f"{site}: {wrong}"
    uswds = r["site"]["uswds"]
    assert (uswds["version"], uswds["major"]) == (TRUTH[site]["uswds"]["version"], TRUTH[site]["uswds"]["major"])


def test_out_of_support_majors_name_their_version(results):
    for site in ("v1", "v2"):
        msg = next(f["message"] for f in results[site]["findings"] if f["check_id"] == "brand-uswds-version")
        assert TRUTH[site]["uswds"]["version"] in msg and "out of support" in msg


def test_placeholder_destinations_are_named_in_the_message(results):
    """An identifier pasted unfinished: each link fails saying where it points."""
    msgs = [f["message"] for f in results["v3-template"]["findings"] if f["check_id"] == "links-about"]
    assert msgs and "javascript:void(0)" in msgs[0]
