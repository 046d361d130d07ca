"""Required links (OMB M-23-22 III.F and the federal website standards).

Each link is matched on its text AND its destination (English and Spanish variants),
preferring the footer/identifier. A link whose destination is ``#`` or ``javascript:``
fails; same-site destinations must resolve (crawled page status, or the status probed
after the crawl); off-site destinations (usa.gov, oig.gov) are never contacted and are
reported as not verified. The privacy link is checked on every page, the rest on the
homepage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urlsplit

from auditor.checking import SiteContext, check, summarizer
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status
from auditor.scoring import SEVERITY_WEIGHT

from ._html import fold, page_url

REQ = ["m2322-required-links"]
MAX_SUMMARY_LINKS = 400
REGION_PREFERENCE = {"footer": 0, "header": 1, "nav": 2, "other": 3, "main": 4}


@dataclass(frozen=True)
class RequiredLink:
    key: str
    name: str
    text: re.Pattern[str]
    href: re.Pattern[str]
    help_url: str
    also: tuple[tuple[re.Pattern[str], str], ...] = ()
    """Other destinations agencies really use, each with the reason it is accepted (matched
    against the whole URL, host included)."""

    def destination(self, href: str) -> str | None:
        """Why ``href`` is an acceptable destination for this link, or None."""
        if self.href.search(href):
            return "the destination names it"
        for pattern, reason in self.also:
            if pattern.search(href):
                return reason
        return None


def _r(p: str) -> re.Pattern[str]:
    return re.compile(p, re.I)


#: A URL's host (after the scheme), for host rules.
_HOST = r"^https?://(?:[^/@]*@)?"

REQUIRED: tuple[RequiredLink, ...] = (
    RequiredLink("about", "About", _r(r"^(about\b|acerca de|sobre (nosotros|la agencia))"),
                 _r(r"/(about|acerca|sobre)"), "https://digital.gov/resources/required-web-content-and-links/",
                 also=((_r(r"/(who-we-are|our-(agency|mission|story)|mission|organization)\b"),
                        "an agency page about who it is"),)),
    RequiredLink("accessibility", "Accessibility statement", _r(r"accessib|accesibilidad|section 508"),
                 _r(r"accessib|accesibilidad|508"), "https://www.section508.gov/manage/laws-and-policies/"),
    RequiredLink("budget", "Budget and Performance", _r(r"budget|presupuesto|performance|desempe[nñ]o"),
                 _r(r"budget|performance|presupuesto|cj|plan"), "https://www.performance.gov/",
                 also=((_r(_HOST + r"(www\.)?performance\.gov(/|$)"), "performance.gov"),
                       (_r(r"/(cfo|finance|financial|strategic|reports?)\b"), "a department budget or performance page"))),
    RequiredLink("foia", "FOIA", _r(r"\bfoia\b|freedom of information|libertad de informaci[oó]n"),
                 _r(r"foia|freedom"), "https://www.foia.gov/"),
    RequiredLink("no-fear", "No FEAR Act data", _r(r"no fear"), _r(r"no-?fear|nofear"),
                 "https://www.eeoc.gov/no-fear-act-data",
                 # the Act's full name is the "Notification and Federal Employee Antidiscrimination and
                 # Retaliation Act"; agencies publish its data on their civil rights / EEO pages
                 also=((_r(r"antidiscrimination|anti-discrimination|retaliation"), "the Act's full name"),
                       (_r(r"civil-?rights|\beeo\b|equal-employment"), "the agency's civil rights (EEO) page"))),
    RequiredLink("oig", "Office of Inspector General", _r(r"inspector general|\boig\b|inspector general"),
                 _r(r"oig|inspector"), "https://www.oversight.gov/",
                 # an Inspector General has its own domain: gsaig.gov, dodig.mil, tigta.gov, ignet.gov
                 also=((_r(_HOST + r"([\w-]+\.)*[\w-]*ig\.(gov|mil)(:\d+)?(/|$)"), "an Inspector General's own domain"),
                       (_r(_HOST + r"(www\.)?(oversight|ignet|tigta|sigar|sigpr)\.gov(/|$)"), "the IG community's site"))),
    RequiredLink("privacy", "Privacy policy", _r(r"privacy|privacidad"), _r(r"privacy|privacidad"),
                 "https://digital.gov/resources/privacy-policy/",
                 also=((_r(r"(website|site|web)[-_]?(policies|policy|information|notices)|/policies(/|$|[?#])"),
                        "the agency-wide website policies page"),)),
    RequiredLink("usagov", "USA.gov", _r(r"usa\.?gov|usagov"), _r(r"^https?://(www\.)?usa\.gov(/|$)"),
                 "https://www.usa.gov/", also=((_r(r"^https?://(www\.)?usa\.gov/es(/|$)|gobiernousa\.gov"), "USAGov en Español"),)),
    RequiredLink("vdp", "Vulnerability Disclosure Policy",
                 _r(r"vulnerability disclosure|divulgaci[oó]n de vulnerabilidades|\bvdp\b"),
                 _r(r"vulnerab|vdp|divulgacion"), "https://www.cisa.gov/binding-operational-directive-20-01",
                 also=((_r(r"/\.well-known/security\.txt$|/security(/|$)"), "the agency's security page"),)),
)
BY_KEY = {r.key: r for r in REQUIRED}


def _summary_link(lk: Any) -> dict[str, Any]:
    return {"href": lk.href, "text": fold(lk.text)[:100], "region": lk.region}


@summarizer("links")
def summarize_links(page: PageArtifacts) -> dict[str, Any]:
    """Links with text and region (bounded): required links, broken links, VDP.

    At most :data:`MAX_SUMMARY_LINKS`, chosen by region (footer, header, navigation, then
    the rest) and kept in document order: the required links live in the footer, which
    comes last, so the first 400 alone dropped it on long pages (the 978-link events list
    of the digital.gov build: "No privacy policy link on this page")."""
    links = page.links
    if len(links) > MAX_SUMMARY_LINKS:
        ranked = sorted(range(len(links)), key=lambda i: (REGION_PREFERENCE.get(links[i].region, 3), i))
        keep = sorted(ranked[:MAX_SUMMARY_LINKS])
        links = [links[i] for i in keep]
    return {"links": [_summary_link(lk) for lk in links]}


def is_dead_href(href: str, base: str) -> bool:
    if href.strip().lower().startswith("javascript:"):
        return True
    no_frag, frag = urldefrag(href)
    # "#" (or "#top") resolved against the page is the page itself: goes nowhere
    return bool(no_frag.rstrip("/") == urldefrag(base)[0].rstrip("/") and (frag or href.endswith("#")))


def find_link(item: RequiredLink, links: list[dict[str, Any]], base: str) -> tuple[dict | None, dict | None]:
    """(best good match, best text-only match): a good match has matching text and an accepted
    destination (the good match carries ``why``: the rule that accepted it). The footer region
    (the USWDS identifier included) is preferred."""
    good = []
    for lk in links:
        href = lk.get("href", "")
        if not item.text.search(lk.get("text", "")) or is_dead_href(href, base):
            continue
        why = item.destination(href)
        if why:
            good.append({**lk, "why": why})
    text_only = [lk for lk in links if item.text.search(lk.get("text", ""))]
    key = lambda lk: REGION_PREFERENCE.get(lk.get("region", "other"), 3)  # noqa: E731
    return (min(good, key=key) if good else None, min(text_only, key=key) if text_only else None)


def destination_status(href: str, ctx: SiteContext, site: SiteArtifacts) -> tuple[str, Any]:
    """('ok'|'broken'|'offsite'|'unknown', status)."""
    target = urldefrag(href)[0]
    start = urlsplit(site.start_url)
    t = urlsplit(target)
    if (t.hostname, t.port) != (start.hostname, start.port):
        return "offsite", None
    for row in ctx.pages:
        if target in (row.get("url"), row.get("final_url")):
            sc = row.get("status_code")
            return ("ok" if sc and sc < 400 and not row.get("error") else "broken"), sc
    probed = ((site.extra.get("discoverability") or {}).get("link_status") or {}).get(target)
    if probed is None:
        return "unknown", None
    return ("ok" if isinstance(probed, int) and probed < 400 else "broken"), probed


def homepage(ctx: SiteContext, site: SiteArtifacts) -> dict[str, Any] | None:
    start = site.start_url.rstrip("/")
    for row in ctx.pages:
        if start in ((row.get("url") or "").rstrip("/"), (row.get("final_url") or "").rstrip("/")):
            return row
    depth0 = [r for r in ctx.pages if r.get("depth") == 0]
    return depth0[0] if depth0 else None


def _links_of(row: dict[str, Any]) -> list[dict[str, Any]]:
    s = (row.get("summary") or {}).get("links")
    return s.get("links", []) if isinstance(s, dict) else []


def judge(spec, item: RequiredLink, site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    home = homepage(ctx, site)
    if home is None or home.get("error"):
        return Outcome(Status.ERROR, detail="the homepage was not audited")
    url = home.get("final_url") or home["url"]
    good, text_only = find_link(item, _links_of(home), url)
    if good is None:
        if text_only is not None:
            why = ("which goes nowhere (a bare # or javascript: link)" if is_dead_href(text_only["href"], url) else
                   f"which is not a {item.name} destination: its address names none (expected e.g. {item.help_url})")
            return Outcome(Status.FAIL, findings=[spec.finding(
                url, f"'{item.name}' link {text_only['text']!r} (in the {text_only['region']}) points to "
                     f"{text_only['href']!r}, {why}", snippet=text_only["href"],
                selector=f"{text_only['region']} a")])
        return Outcome(Status.FAIL, findings=[spec.finding(url, f"No '{item.name}' link on the homepage")])
    state, status = destination_status(good["href"], ctx, site)
    if state == "broken":
        return Outcome(Status.FAIL, findings=[spec.finding(
            url, f"'{item.name}' link goes to {good['href']} which answers {status}",
            snippet=good["href"], selector=f"{good['region']} a")])
    detail = f"{good['region']}: {good['text']!r} -> {good['href']} ({good['why']})"
    if state == "offsite":
        detail += " (off-site: not verified)"
    elif state == "unknown":
        detail += " (destination not verified)"
    if good.get("region") != "footer":
        return Outcome(Status.WARN, detail=detail, findings=[spec.finding(
            url, f"'{item.name}' link {good['text']!r} -> {good['href']} is in the {good['region']}, not the footer "
                 "(nor the USWDS identifier)", status=Status.WARN,
            severity=Severity.LOW, snippet=good["href"])])
    return Outcome(Status.PASS, detail=detail)


def _register_homepage_checks() -> None:
    """One site check per homepage item (ids links-about, links-foia, ...)."""
    from auditor.checking import CheckSpec, register

    for item in REQUIRED:
        if item.key == "privacy":
            continue
        spec_holder: dict[str, Any] = {}

        def fn(site: SiteArtifacts, ctx: SiteContext, _item: RequiredLink = item, _h=spec_holder) -> Outcome:
            return judge(_h["spec"], _item, site, ctx)

        spec_holder["spec"] = register(CheckSpec(
            id=f"links-{item.key}", family="required-links", title=f"Homepage links to {item.name}",
            failure_title=f"Homepage lacks a working {item.name} link",
            description=f"Link '{item.name}' from the site footer (text and destination), with a destination "
                        "that resolves. Required by OMB M-23-22 and the federal website standards.",
            help_url=item.help_url, requirements=tuple(REQ), wcag=(), severity=Severity.MEDIUM,
            scope="site", artifacts=(), fn=fn, weight=SEVERITY_WEIGHT[Severity.MEDIUM]))


_register_homepage_checks()


@check(id="links-privacy", family="required-links", title="Page links to the privacy policy",
       failure_title="Page lacks a privacy policy link",
       description="Link the privacy policy from every page (usually the footer); OMB M-17-06 and M-23-22.",
       help_url=BY_KEY["privacy"].help_url, requirements=REQ, severity=Severity.MEDIUM, artifacts=("links",),
       weight=SEVERITY_WEIGHT[Severity.MEDIUM])
def privacy_every_page(page: PageArtifacts) -> Outcome:
    url = page_url(page)
    links = [_summary_link(lk) for lk in page.links]  # every link the page has (the gatherer's bound)
    good, text_only = find_link(BY_KEY["privacy"], links, url)
    if good:
        return Outcome(Status.PASS)
    if text_only:
        return Outcome(Status.FAIL, findings=[privacy_every_page.finding(
            url, f"Privacy link {text_only['text']!r} goes to {text_only['href']!r}, whose address names neither a "
                 "privacy policy nor the agency's website policies", snippet=text_only["href"])])
    return Outcome(Status.FAIL, findings=[privacy_every_page.finding(url, "No privacy policy link on this page")])
