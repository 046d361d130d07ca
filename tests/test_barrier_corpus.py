"""End to end on the barrier corpus: one real scan (real Chromium, real axe-core, the
real CLI, concurrency 2) of every barrier page and its accessible twin. Each barrier
page must be flagged by exactly the checks listed, and no twin page may have a single
failing or warning finding. The PDFs the document pages link are generated first."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from barriers import BARRIERS, barrier_url, build, twin_url

FLAGGING = {"fail", "warn"}
#: One crawl of ~95 pages in real Chromium: minutes on a shared 2-core machine.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(1500)]

#: The corpus measures accessibility (WCAG, IDEA 3(a)(1)): the corpus pages are bare test pages,
#: so the site-quality families (banner, DAP, required links, metadata...) are left out.
ACCESSIBILITY_ONLY = ["--skip", "analytics,branding,customization,discoverability,mobile,plain-language,"
                      "required-links,search,security"]

#: Barrier pages where more than the intended check rightly fires.
ALSO_FLAGGED: dict[str, set[str]] = {
    "media-marquee": {"axe-marquee"},  # axe fails <marquee> as deprecated; we warn on the motion
    "kbd-positive-tabindex": {"axe-tabindex"},  # the best-practice tier warns on tabindex > 0 too
    "content-read-more": {"content-link-name-alone"},  # and on same-named links by their names alone (2.4.9)
}


@pytest.fixture(scope="module")
def corpus_scan(tmp_path_factory):
    from serve import serve_in_thread

    build()
    server, base = serve_in_thread("barriers")
    out = tmp_path_factory.mktemp("corpus")
    try:
        proc = run_cli("scan", base, "--max-pages", "150", "--max-depth", "2", "--concurrency", "2", "--db",
                       str(out / "runs.sqlite"), "--out", str(out), "--format", "json", *ACCESSIBILITY_ONLY,
                       timeout=1500)
        # 0, or 1 where a quality gate applies: either way the run completed and was reported
        assert proc.returncode in (0, 1), proc.stderr
    finally:
        server.shutdown()
        server.server_close()
    report = json.loads((out / "idea-audit.json").read_text())
    by_page: dict[str, list[dict]] = defaultdict(list)
    for f in report["findings"]:
        by_page[f["page_url"].rsplit("/", 1)[-1]].append(f)
    return report, by_page


def test_every_page_of_the_corpus_was_audited(corpus_scan):
    report, _ = corpus_scan
    audited = {p["url"].rsplit("/", 1)[-1] for p in report["pages"] if not p["error"]}
    expected = {barrier_url(b) for b in BARRIERS} | {twin_url(b) for b in BARRIERS}
    assert expected <= audited
    assert len(BARRIERS) >= 40


@pytest.mark.parametrize("barrier", BARRIERS, ids=lambda b: b.slug)
def test_barrier_is_found_by_exactly_its_checks(corpus_scan, barrier):
    _, by_page = corpus_scan
    findings = by_page.get(barrier_url(barrier), [])
    flagged = {f["check_id"] for f in findings if f["status"] in FLAGGING}
    assert flagged == {barrier.expect} | ALSO_FLAGGED.get(barrier.slug, set()), findings
    for f in findings:
        if f["check_id"] == barrier.expect:
            assert f["requirements"] == ["idea-3a1"] and f["fix_hint"] and f["severity"]
            assert (barrier.wcag in f["wcag"] if barrier.wcag else not f["wcag"]) or barrier.expect.startswith("axe-")


@pytest.mark.parametrize("barrier", BARRIERS, ids=lambda b: b.slug)
def test_accessible_twin_has_no_false_alarm(corpus_scan, barrier):
    _, by_page = corpus_scan
    flagged = [f for f in by_page.get(twin_url(barrier), []) if f["status"] in FLAGGING]
    assert flagged == []


def test_pdf_findings_point_to_the_linking_page_and_name_the_document(corpus_scan):
    _, by_page = corpus_scan
    [f] = [f for f in by_page["b-pdf-untagged.html"] if f["check_id"] == "pdf-tagged"]
    assert f["message"].startswith("http://127.0.0.1:") and "/docs/untagged.pdf" in f["message"]
    assert "not tagged" in f["message"]


def test_keyboard_findings_carry_selectors_and_clean_snippets(corpus_scan):
    _, by_page = corpus_scan
    [f] = [f for f in by_page["b-kbd-div-button.html"] if f["check_id"] == "kbd-reachable"]
    assert f["selector"] == "html > body > main > div"
    assert f["snippet"].startswith('<div class="btn"') and "data-ia-" not in f["snippet"]
