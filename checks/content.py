"""Page-level content family: heading levels, link purpose, new-window links, and
page titles duplicated across the site.

Page checks read ``probes["content_structure"]`` (``auditor/probes/content_structure.js``);
the title check is a site check over the stored per-page titles.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urldefrag

from auditor.checking import SiteContext, check
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status

from ._probes import conclude, probe, url_of

REQ = ["idea-3a1"]


@check(id="content-heading-levels", family="content", title="Headings do not skip levels",
       failure_title="Headings skip levels",
       description="Heading levels convey the outline of the page; going from h2 to h4 suggests a missing "
                   "section. Use the next level down. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/info-and-relationships",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/info-and-relationships", requirements=REQ,
       wcag=["1.3.1"], severity=Severity.LOW, artifacts=("probes",))
def content_heading_levels(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "content_structure")
    if early:
        return early
    heads = data.get("headings", [])
    if not heads:
        return Outcome(Status.NOT_APPLICABLE, detail="no headings")
    findings, prev = [], 0
    for h in heads:
        if prev and h["level"] > prev + 1:
            findings.append(content_heading_levels.finding(
                url_of(page), f"Heading level jumps from h{prev} to h{h['level']} (\"{h['text'][:60]}\").",
                selector=h["selector"], snippet=h["snippet"], status=Status.WARN))
        prev = h["level"]
    return conclude(findings)


@check(id="content-link-purpose", family="content", title="Links with the same text go to the same place",
       failure_title="Links with identical text go to different places",
       description="Links named alike (\"Read more\", \"Click here\") but leading to different pages cannot "
                   "be told apart in a list of links. Make each link's text (or aria-label) say where it "
                   "goes. See https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context", requirements=REQ,
       wcag=["2.4.4"], severity=Severity.MEDIUM, artifacts=("probes",))
def content_link_purpose(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "content_structure")
    if early:
        return early
    links = [lk for lk in data.get("links", []) if lk["name"]]
    if not links:
        return Outcome(Status.NOT_APPLICABLE, detail="no named links")
    by_name: dict[str, list[dict]] = defaultdict(list)
    for lk in links:
        by_name[lk["name"].strip().lower()].append(lk)
    findings = []
    for name, group in by_name.items():
        dests = {urldefrag(lk["href"])[0].rstrip("/") for lk in group}
        if len(dests) > 1:
            findings.append(content_link_purpose.finding(
                url_of(page), f"{len(group)} links named \"{group[0]['name'][:60]}\" go to {len(dests)} "
                              "different places.", selector=group[1]["selector"], snippet=group[1]["snippet"]))
    return conclude(findings)


@check(id="content-new-window", family="content", title="Links that open a new window say so",
       failure_title="Links open a new window without warning",
       description="A link that opens a new window or tab (target=\"_blank\") should say so in its text "
                   "or accessible name, e.g. \"(opens in a new tab)\". "
                   "See https://www.w3.org/WAI/WCAG22/Techniques/general/G201",
       help_url="https://www.w3.org/WAI/WCAG22/Techniques/general/G201", requirements=REQ,
       wcag=["3.2.5"], severity=Severity.INFO, artifacts=("probes",))
def content_new_window(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "content_structure")
    if early:
        return early
    blank = [lk for lk in data.get("links", []) if lk["target"].lower() == "_blank"]
    if not blank:
        return Outcome(Status.NOT_APPLICABLE, detail="no links open a new window")
    return conclude([content_new_window.finding(
        url_of(page), f"Link \"{lk['name'][:60]}\" opens a new window without saying so.",
        selector=lk["selector"], snippet=lk["snippet"], status=Status.WARN) for lk in blank if not lk["warned"]])


@check(id="content-title-unique", family="content", title="Each page has its own title",
       failure_title="Several pages share the same title",
       description="The page title is the first thing a screen reader announces and what tabs and "
                   "bookmarks show; pages that share one cannot be told apart. Give each page a title "
                   "that names its topic. See https://www.w3.org/WAI/WCAG22/Understanding/page-titled",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/page-titled", requirements=REQ,
       wcag=["2.4.2"], severity=Severity.MEDIUM, scope="site")
def content_title_unique(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    by_title: dict[str, list[str]] = defaultdict(list)
    for p in ctx.pages:
        title = (p.get("title") or "").strip()
        if title and not p.get("error"):
            by_title[" ".join(title.lower().split())].append(p.get("final_url") or p["url"])
    if not by_title:
        return Outcome(Status.NOT_APPLICABLE, detail="no titled pages")
    findings = []
    for title, urls in sorted(by_title.items()):
        if len(urls) > 1:
            for u in sorted(urls):
                findings.append(content_title_unique.finding(
                    u, f"Title \"{title[:80]}\" is shared by {len(urls)} pages.", snippet=title[:200]))
    return conclude(findings)
