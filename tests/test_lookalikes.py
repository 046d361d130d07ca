"""End to end on the look-alike pairs (``fixtures/sites/lookalikes/``): one real scan of every
page. A ``la-*`` page resembles a barrier and must not be flagged by the checks its
``<meta name="ia-expect">`` names; its ``real-*`` twin is the barrier and must still be."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest
from conftest import ROOT, run_cli

SITE = ROOT / "fixtures" / "sites" / "lookalikes"
EXPECT = re.compile(r"""<meta\s+name=["']ia-expect["']\s+content=["']([^"']+)["']""", re.I)
pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]


def expectations() -> dict[str, list[tuple[str, str]]]:
    """page file -> [(check id, required status or '')] from each page's meta."""
    out = {}
    for f in sorted(SITE.glob("*.html")):
        m = EXPECT.search(f.read_text("utf-8"))
        assert m, f"{f.name} has no <meta name=\"ia-expect\">"
        out[f.name] = [tuple((item.split(":", 1) + [""])[:2]) for item in m.group(1).split()]
    return out


def test_every_page_is_one_of_a_pair():
    names = set(expectations())
    assert names, "no look-alike pages"
    for n in names:
        assert n.startswith(("la-", "real-")), n
        twin = ("real-" + n[3:]) if n.startswith("la-") else ("la-" + n[5:])
        assert twin in names, f"{n} has no twin {twin}"


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    from serve import serve_in_thread

    server, base = serve_in_thread("lookalikes")
    out = tmp_path_factory.mktemp("lookalikes")
    pages = sorted(expectations())
    try:
        proc = run_cli("scan", *[base + p for p in pages], "--max-depth", "0", "--max-pages", str(len(pages)),
                       "--no-sitemap", "--concurrency", "2", "--db", str(out / "runs.sqlite"), "--out", str(out),
                       "--format", "json", timeout=900)
        assert proc.returncode in (0, 1), proc.stderr
    finally:
        server.shutdown()
        server.server_close()
    report = json.loads((out / "idea-audit.json").read_text())
    flagged: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for f in report["findings"]:
        flagged[f["page_url"].rsplit("/", 1)[-1]][f["check_id"]].add(f["status"])
    return report, flagged


def test_every_page_was_audited(scan):
    report, _ = scan
    audited = {p["url"].rsplit("/", 1)[-1] for p in report["pages"] if not p["error"]}
    assert audited == set(expectations())


@pytest.mark.parametrize("page", sorted(expectations()))
def test_page_meets_its_expectation(scan, page):
    _, flagged = scan
    for check_id, status in expectations()[page]:
        got = flagged[page].get(check_id, set())
        if page.startswith("la-"):
            assert not got & {"fail", "warn"}, f"{check_id} flags the look-alike {page}: {sorted(got)}"
        elif status:
            assert status in got, f"{check_id} does not {status} the barrier {page} (got {sorted(got)})"
        else:
            assert got & {"fail", "warn"}, f"{check_id} misses the barrier {page}"
