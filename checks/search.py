"""Search (IDEA 3(a)(4)): a site search on every page, in the same place, that answers.

Search is recognised by any of: a form with role=search (or inside one), the USWDS
``usa-search`` component, an ``input type=search``, a form whose action contains
"search", or a Search.gov affiliate field. The test query is submitted on the start page
by the ``search_submit`` page action (auditor/gatherers/search.py).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from auditor.checking import SiteContext, check, summarizer
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status
from auditor.scoring import SEVERITY_WEIGHT

from ._html import page_url, parse

REQ = ["idea-3a4"]
W = SEVERITY_WEIGHT
SEARCH_GOV = re.compile(r"search\.usa\.gov|search\.gov", re.I)


def find_search(doc):
    """(element, kind) of the site search, or (None, None)."""
    tests = (
        ("role=search", "//*[@role='search']"),
        ("usa-search", "//*[contains(concat(' ', normalize-space(@class), ' '), ' usa-search ')]"),
        ("search.gov", "//form[contains(@action, 'search.usa.gov') or .//input[@name='affiliate']]"),
        ("input type=search", "//form[.//input[@type='search']]"),
        ("search action", "//form[contains(translate(@action, 'SEARCH', 'search'), 'search')]"),
        ("input type=search", "//input[@type='search']"),
    )
    for kind, xp in tests:
        hit = doc.xpath(xp)
        if hit:
            return hit[0], kind
    return None, None


def region_of(el) -> str:
    for anc in el.iterancestors():
        if anc.tag in ("header", "nav", "main", "footer", "aside") or anc.get("role") in ("banner", "contentinfo"):
            return {"banner": "header", "contentinfo": "footer"}.get(anc.get("role"), anc.tag)
    return "other"


@summarizer("search")
def summarize_search(page: PageArtifacts) -> dict[str, Any]:
    el, kind = find_search(parse(page.html))
    return {"present": el is not None, "kind": kind, "region": region_of(el) if el is not None else None}


@check(id="search-present", family="search", title="Page offers site search",
       failure_title="Page has no site search",
       description="Put a search box (USWDS usa-search, role=search, Search.gov or your own) in the header of "
                   "every page.", help_url="https://digital.gov/topics/search/", requirements=REQ,
       severity=Severity.HIGH, artifacts=("html",), weight=W[Severity.HIGH])
def present(page: PageArtifacts) -> Outcome:
    el, kind = find_search(parse(page.html))
    if el is None:
        return Outcome(Status.FAIL, findings=[present.finding(page_url(page), "No search form on this page")])
    return Outcome(Status.PASS, detail=f"{kind} in the {region_of(el)}")


@check(id="search-consistent", family="search", title="Search sits in the same place on every page",
       failure_title="Search is missing from some pages or moves around",
       description="Keep the search box in the same region (usually the header) on every page.",
       help_url="https://designsystem.digital.gov/components/search/", requirements=REQ,
       severity=Severity.LOW, scope="site", weight=W[Severity.LOW])
def consistent(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    rows = [(p.get("final_url") or p["url"], (p.get("summary") or {}).get("search") or {})
            for p in ctx.pages if not p.get("error") and (p.get("status_code") or 0) < 400]
    with_search = [(u, s) for u, s in rows if s.get("present")]
    if not with_search:
        return Outcome(Status.NOT_APPLICABLE, detail="no page has site search (see search-present)")
    usual = Counter(s.get("region") for _, s in with_search).most_common(1)[0][0]
    findings = [consistent.finding(u, "Search is missing here" if not s.get("present")
                                   else f"Search is in the {s.get('region')}, elsewhere in the {usual}")
                for u, s in rows if not s.get("present") or s.get("region") != usual]
    return Outcome(Status.FAIL, findings=findings) if findings else Outcome(Status.PASS)


@check(id="search-works", family="search", title="Site search answers a query",
       failure_title="Site search does not answer a query",
       description="Submitting a query must return a results page (HTTP 200, not the homepage).",
       help_url="https://search.gov/", requirements=REQ, severity=Severity.MEDIUM, scope="site",
       weight=W[Severity.MEDIUM])
def works(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    result = None
    for p in ctx.pages:
        r = (p.get("summary") or {}).get("search_submit")
        if r:
            result = r
            break
    if result is None:
        return Outcome(Status.NOT_APPLICABLE, detail="the start page was not measured")
    if result.get("form") is None:
        return Outcome(Status.NOT_APPLICABLE, detail="no search form on the start page (see search-present)")
    if result.get("skipped"):
        return Outcome(Status.MANUAL, detail=result["skipped"], findings=[works.finding(
            site.start_url, f"Search not submitted: {result['skipped']}; try a query by hand",
            status=Status.MANUAL, severity=Severity.INFO)])
    url = result.get("url", site.start_url)
    if result.get("error"):
        return Outcome(Status.FAIL, findings=[works.finding(url, f"Search query failed: {result['error']}")])
    if result.get("status") != 200:
        return Outcome(Status.FAIL, findings=[works.finding(url, f"Search query answered {result.get('status')}")])
    final = (result.get("final_url") or "").split("?")[0].rstrip("/")
    if final == site.start_url.split("?")[0].rstrip("/"):
        return Outcome(Status.FAIL, findings=[works.finding(url, "Search query led back to the homepage")])
    return Outcome(Status.PASS, detail=f"{url} -> {result.get('status')} {result.get('title', '')!r}")


@summarizer("search_submit")
def summarize_submit(page: PageArtifacts) -> Any:
    r = page.probes.get("search_submit")
    return r if isinstance(r, dict) else None



