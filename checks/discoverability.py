"""Discoverability (OMB M-23-22 III.E) and duplication (IDEA 3(a)(3)).

robots.txt and sitemap.xml, page titles and descriptions (standards.digital.gov:
unique, title >= 20 chars, description >= 50 chars), lang, canonical, a last-modified
signal, broken internal links with their referrers, soft 404s, near-duplicate pages
(64-bit simhash of 5-word shingles of the main content), and CAPTCHA walls.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from urllib.parse import urldefrag, urlsplit

from protego import Protego

from auditor.checking import SiteContext, check, summarizer
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status
from auditor.scoring import SEVERITY_WEIGHT

from ._content import hamming, main_text, simhash
from ._html import canonical_href, fold, meta, page_url, parse

REQ = ["m2322-discoverable"]
W = SEVERITY_WEIGHT
MIN_TITLE = 20
MIN_DESCRIPTION = 50
NEAR_DUPLICATE_BITS = 6  # simhash distance at or below which two pages count as near-duplicates (of 64 bits)
MODIFIED_META = ("article:modified_time", "dcterms.modified", "dc.date.modified", "last-modified",
                 "og:updated_time", "dcterms.date", "date")
UPDATED_TEXT = re.compile(r"(last (updated|reviewed|modified)|page updated|updated on|[uú]ltima actualizaci[oó]n)"
                          r"\s*:?\s*\w+", re.I)
CAPTCHA = re.compile(r"recaptcha|hcaptcha|challenges\.cloudflare\.com/turnstile|cf-turnstile|g-recaptcha|"
                     r"captcha\.js", re.I)


def _meta_any(doc, names: tuple[str, ...]) -> str | None:
    for m in doc.iter("meta"):
        key = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        if key in names and (m.get("content") or "").strip():
            return m.get("content")
    return None


def last_modified_signal(page: PageArtifacts) -> str | None:
    """Where the page says when it was last changed: header, meta, <time>, or text."""
    for k, v in page.headers.items():
        if k.lower() == "last-modified" and v:
            return f"Last-Modified header: {v}"
    doc = parse(page.html)
    m = _meta_any(doc, MODIFIED_META)
    if m:
        return f"meta: {m}"
    for t in doc.iter("time"):
        if t.get("datetime"):
            return f"<time datetime={t.get('datetime')}>"
    hit = UPDATED_TEXT.search(page.text or "")
    return f"text: {hit.group(0)}" if hit else None


@summarizer("disc")
def summarize_disc(page: PageArtifacts) -> dict[str, Any]:
    doc = parse(page.html)
    return {"title": fold(page.title), "description": fold(meta(doc, "description") or ""),
            "simhash": simhash(main_text(page.html))}


@check(id="disc-title", family="discoverability", title="Page title is descriptive (20+ characters)",
       failure_title="Page title is missing or too short",
       description="Give every page a <title> of at least 20 characters that names the page and the agency.",
       help_url="https://standards.digital.gov/standards/page-title/", requirements=REQ,
       severity=Severity.MEDIUM, artifacts=("html",), weight=W[Severity.MEDIUM])
def title(page: PageArtifacts) -> Outcome:
    t = fold(page.title)
    if len(t) >= MIN_TITLE:
        return Outcome(Status.PASS)
    msg = "Page has no title" if not t else f"Title {t!r} is {len(t)} characters (at least {MIN_TITLE})"
    return Outcome(Status.FAIL, findings=[title.finding(page_url(page), msg, selector="title")])


@check(id="disc-description", family="discoverability", title="Page has a meta description (50+ characters)",
       failure_title="Meta description is missing or too short",
       description="Add <meta name=\"description\"> of at least 50 characters summarising the page; search "
                   "engines show it in results.",
       help_url="https://standards.digital.gov/standards/page-description/", requirements=REQ,
       severity=Severity.LOW, artifacts=("html",), weight=W[Severity.LOW])
def description(page: PageArtifacts) -> Outcome:
    raw = meta(parse(page.html), "description")
    d = fold(raw or "")
    if len(d) >= MIN_DESCRIPTION:
        return Outcome(Status.PASS)
    if raw is None:
        msg, hint = "No meta description", None
    elif not d:
        # a different problem with a different fix: the template writes the tag but no text
        msg = "Meta description is present but empty (content=\"\")"
        hint = ("The page's template writes <meta name=\"description\"> with no content: fill it from the page's "
                "own summary (front matter description/excerpt), at least 50 characters.")
    else:
        msg, hint = f"Meta description is {len(d)} characters (at least {MIN_DESCRIPTION}): {d!r}", None
    return Outcome(Status.FAIL, findings=[description.finding(page_url(page), msg, selector='meta[name="description"]',
                                                              **({"fix_hint": hint} if hint else {}))])


@check(id="disc-lang", family="discoverability", title="Page declares its language",
       failure_title="Page does not declare its language",
       description="Set <html lang=\"en\"> (or the page's language) so search engines and assistive technology "
                   "know it.", help_url="https://www.w3.org/International/questions/qa-html-language-declarations",
       requirements=REQ, wcag=["3.1.1"], severity=Severity.MEDIUM, artifacts=("html",), weight=W[Severity.MEDIUM])
def lang(page: PageArtifacts) -> Outcome:
    value = (parse(page.html).get("lang") or "").strip()
    if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        return Outcome(Status.PASS)
    return Outcome(Status.FAIL, findings=[lang.finding(
        page_url(page), "No lang attribute on <html>" if not value else f"Invalid lang {value!r}", selector="html")])


@check(id="disc-canonical", family="discoverability", title="Page declares a canonical URL",
       failure_title="Page has no canonical URL",
       description="Add <link rel=\"canonical\" href=\"https://...\"> so search engines index one URL per page.",
       help_url="https://developers.google.com/search/docs/crawling-indexing/consolidate-duplicate-urls",
       requirements=REQ, severity=Severity.LOW, artifacts=("html",), weight=W[Severity.LOW])
def canonical(page: PageArtifacts) -> Outcome:
    href = canonical_href(parse(page.html))
    url = page_url(page)
    if href is None:
        return Outcome(Status.FAIL, findings=[canonical.finding(url, "No <link rel=\"canonical\">", selector="head")])
    if not href.strip():
        return Outcome(Status.FAIL, findings=[canonical.finding(url, "Canonical link has an empty href")])
    return Outcome(Status.PASS, detail=href)


@check(id="disc-last-modified", family="discoverability", title="Page shows when it was last updated",
       failure_title="Page gives no last-updated signal",
       description="Show a 'Last updated' date (with <time datetime>) or send a Last-Modified header so people "
                   "and search engines can judge timeliness (M-23-22).",
       help_url="https://digital.gov/resources/delivering-digital-first-public-experience-act/", requirements=REQ,
       severity=Severity.LOW, artifacts=("html",), weight=W[Severity.LOW])
def last_modified(page: PageArtifacts) -> Outcome:
    sig = last_modified_signal(page)
    if sig:
        return Outcome(Status.PASS, detail=sig)
    return Outcome(Status.WARN, findings=[last_modified.finding(
        page_url(page), "No Last-Modified header, modified-date meta, <time> or 'Last updated' text",
        status=Status.WARN)])


@check(id="disc-no-captcha", family="discoverability", title="No CAPTCHA wall",
       failure_title="Page loads a CAPTCHA",
       description="Public content must be reachable without solving a CAPTCHA; protect forms with "
                   "server-side rate limiting instead.",
       help_url="https://www.w3.org/TR/turingtest/", requirements=["m2322-no-captcha"],
       severity=Severity.MEDIUM, artifacts=("html",), weight=W[Severity.MEDIUM])
def no_captcha(page: PageArtifacts) -> Outcome:
    hits = [r for r in page.requests if CAPTCHA.search(r)]
    m = CAPTCHA.search(page.html or "")
    if not hits and not m:
        return Outcome(Status.PASS)
    what = hits[0] if hits else page.html[max(0, m.start() - 40): m.end() + 40]
    return Outcome(Status.FAIL, findings=[no_captcha.finding(page_url(page), "CAPTCHA found on the page",
                                                             snippet=what)])


# ---- site checks ---------------------------------------------------------------

#: Template placeholders a static-site build leaves in a file it did not render (Liquid,
#: Go templates, Jinja/Nunjucks, Handlebars, JS template literals, ERB).
_TEMPLATE = re.compile(r"\{\{.{0,80}?\}\}|\{%.{0,80}?%\}|\$\{[^}\n]{1,80}\}|<%=?.{0,80}?%>")


def unrendered(text: str | None) -> str | None:
    """The first template placeholder in ``text``, or None."""
    m = _TEMPLATE.search(text or "")
    return m.group(0) if m else None



@check(id="disc-robots-txt", family="discoverability", title="robots.txt exists and does not block the site",
       failure_title="robots.txt is missing or blocks the site",
       description="Publish /robots.txt that allows crawling of public content and names the sitemap.",
       help_url="https://developers.google.com/search/docs/crawling-indexing/robots/intro", requirements=REQ,
       severity=Severity.HIGH, scope="site", weight=W[Severity.HIGH])
def robots_txt(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    url = site.start_url.rstrip("/") + "/robots.txt"
    if site.robots_status != 200 or site.robots_txt is None:
        why = site.extra.get("robots_error")
        return Outcome(Status.FAIL, findings=[robots_txt.finding(
            url, f"robots.txt could not be read: {why}" if why else f"No robots.txt (status {site.robots_status})",
            severity=Severity.MEDIUM)])
    try:
        rp = Protego.parse(site.robots_txt)
    except Exception as exc:
        return Outcome(Status.FAIL, findings=[robots_txt.finding(url, f"robots.txt does not parse: {exc}")])
    template = unrendered(site.robots_txt)
    if template:
        return Outcome(Status.FAIL, findings=[robots_txt.finding(
            url, f"robots.txt is an unrendered template: {template!r} is served as written, so crawlers get no "
                 "usable sitemap address", snippet=site.robots_txt[:300],
            fix_hint="Render robots.txt at build time (give it front matter in Jekyll, or make it a Hugo template "
                     "output) so {{ ... }} placeholders become the site's URL.")])
    start = urlsplit(site.start_url)
    home = f"{start.scheme}://{start.netloc}/"
    blocked = [ua for ua in ("*", "Googlebot", "bingbot") if not rp.can_fetch(home, ua)]
    if blocked:
        return Outcome(Status.FAIL, findings=[robots_txt.finding(
            url, "robots.txt blocks the homepage for " + ", ".join(blocked), snippet=site.robots_txt[:300])])
    return Outcome(Status.PASS)


@check(id="disc-sitemap", family="discoverability", title="sitemap.xml lists the site's pages",
       failure_title="sitemap.xml is missing or incomplete",
       description="Publish /sitemap.xml (listed in robots.txt) that lists every public page.",
       help_url="https://www.sitemaps.org/protocol.html", requirements=REQ, severity=Severity.MEDIUM,
       scope="site", weight=W[Severity.MEDIUM])
def sitemap(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    url = site.start_url.rstrip("/") + "/sitemap.xml"
    if not site.sitemaps:
        return Outcome(Status.FAIL, findings=[sitemap.finding(url, "No sitemap.xml found")])
    findings = []
    # entries a build left unrendered ({{ site.url }}/page/) or relative (/page/): search engines
    # drop them; the crawl resolved relative ones against the sitemap's URL
    for sm, rel in sorted((site.extra.get("sitemap_relative") or {}).items()):
        samples = ", ".join(repr(x) for x in rel.get("samples", [])[:3])
        findings.append(sitemap.finding(
            sm, f"{rel.get('count')} sitemap entries are not absolute URLs (e.g. {samples}); the sitemap protocol "
                "requires full URLs (https://...) and search engines ignore the others. This audit resolved them "
                "against the sitemap's own address.", status=Status.WARN, severity=Severity.MEDIUM,
            fix_hint="Write each <loc> as a full URL: in Jekyll set `url` in _config.yml and use "
                     "{{ page.url | absolute_url }}; in Hugo use .Permalink."))
    # what a bound cut (a sitemap too large, too slow, past the sitemaps.org limits): said, and
    # pages are then not called missing from sitemaps that were not read whole
    cuts = [c for c in site.extra.get("fetch_cuts") or [] if c.get("what") in ("sitemap", "sitemaps")]
    for c in cuts:
        findings.append(sitemap.finding(
            c.get("url") or url, f"Sitemap reading was cut: {c.get('cut')}", status=Status.WARN, severity=Severity.LOW,
            fix_hint="Keep each sitemap file within the sitemaps.org limits (50,000 URLs, 50 MB uncompressed) and "
                     "split larger sites with a sitemap index; serve sitemaps promptly."))
    templated = [u for u in site.sitemap_urls if unrendered(u)]
    if templated:
        findings.append(sitemap.finding(
            site.sitemaps[0], f"{len(templated)} sitemap entries are unrendered templates (e.g. {templated[0]!r})",
            status=Status.WARN, severity=Severity.MEDIUM))
    listed = {urldefrag(u)[0].rstrip("/") for u in site.sitemap_urls}
    missing = [p["final_url"] or p["url"] for p in ctx.pages
               if not p.get("error") and (p.get("status_code") or 0) < 400
               and (p["final_url"] or p["url"]).rstrip("/") not in listed and p["url"].rstrip("/") not in listed
               and not cuts]
    findings += [sitemap.finding(u, "Crawled page is not listed in the sitemap", status=Status.WARN,
                                 severity=Severity.LOW) for u in sorted(missing)]
    if findings:
        return Outcome(Status.WARN, findings=findings)
    return Outcome(Status.PASS, detail=f"{len(site.sitemap_urls)} URL(s) in {len(site.sitemaps)} sitemap(s)")


def _unique(spec, ctx: SiteContext, field: str, label: str) -> Outcome:
    by_value: dict[str, list[str]] = defaultdict(list)
    for p in ctx.pages:
        v = ((p.get("summary") or {}).get("disc") or {}).get(field) if isinstance(
            (p.get("summary") or {}).get("disc"), dict) else None
        if v and not p.get("error"):
            by_value[v.lower()].append(p.get("final_url") or p["url"])
    if not by_value:
        return Outcome(Status.NOT_APPLICABLE, detail=f"no page has a {label}")
    findings = []
    for value, urls in sorted(by_value.items()):
        if len(urls) > 1:
            for u in sorted(urls):
                others = ", ".join(x for x in sorted(urls) if x != u)
                findings.append(spec.finding(u, f"{label.capitalize()} {value!r} is shared with {others}"))
    return Outcome(Status.FAIL, findings=findings) if findings else Outcome(Status.PASS)


@check(id="disc-title-unique", family="discoverability", title="Page titles are unique across the site",
       failure_title="Pages share the same title",
       description="Give each page its own title so search results and browser tabs tell them apart.",
       help_url="https://standards.digital.gov/standards/page-title/", requirements=REQ,
       severity=Severity.MEDIUM, scope="site", weight=W[Severity.MEDIUM])
def title_unique(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    return _unique(title_unique, ctx, "title", "title")


@check(id="disc-description-unique", family="discoverability", title="Meta descriptions are unique",
       failure_title="Pages share the same meta description",
       description="Write a distinct meta description for each page.",
       help_url="https://standards.digital.gov/standards/page-description/", requirements=REQ,
       severity=Severity.LOW, scope="site", weight=W[Severity.LOW])
def description_unique(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    return _unique(description_unique, ctx, "description", "meta description")


@check(id="disc-broken-links", family="discoverability", title="No broken internal links",
       failure_title="Internal links lead to errors",
       description="Fix or remove links to pages that answer 4xx/5xx; redirect moved pages.",
       help_url="https://digital.gov/resources/checklist-of-requirements-for-federal-digital-services/",
       requirements=REQ, severity=Severity.MEDIUM, scope="site", weight=W[Severity.MEDIUM])
def broken_links(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    status: dict[str, Any] = {}
    for p in ctx.pages:
        sc = p.get("status_code")
        if sc and sc >= 400:
            status[p["url"]] = sc
    for u, sc in ((site.extra.get("discoverability") or {}).get("link_status") or {}).items():
        if not isinstance(sc, int) or sc >= 400:
            status[u] = sc
    if not status:
        return Outcome(Status.PASS)
    referrers: dict[str, set[str]] = defaultdict(set)
    for p in ctx.pages:
        links = (p.get("summary") or {}).get("links")
        for lk in links.get("links", []) if isinstance(links, dict) else []:
            target = urldefrag(lk.get("href", ""))[0]
            if target in status:
                referrers[target].add(p.get("final_url") or p["url"])
    findings = []
    for target in sorted(status):
        refs = sorted(referrers.get(target, ()))
        findings.append(broken_links.finding(
            target, f"{target} answers {status[target]}; linked from "
                    + (", ".join(refs) if refs else "the sitemap or the start URL"), snippet=target))
    return Outcome(Status.FAIL, findings=findings)


@check(id="disc-soft-404", family="discoverability", title="Missing pages answer 404",
       failure_title="Missing pages answer 200 (soft 404)",
       description="Answer requests for pages that do not exist with HTTP 404 so search engines drop them.",
       help_url="https://developers.google.com/search/docs/crawling-indexing/http-network-errors#soft-404-errors",
       requirements=REQ, severity=Severity.MEDIUM, scope="site", weight=W[Severity.MEDIUM])
def soft_404(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    probe = (site.extra.get("discoverability") or {}).get("soft404") or {}
    if "status" not in probe:
        return Outcome(Status.ERROR, detail=f"404 probe failed: {probe.get('error', 'not run')}")
    if probe["status"] in (404, 410):
        return Outcome(Status.PASS)
    if probe["status"] < 400:
        return Outcome(Status.FAIL, findings=[soft_404.finding(
            probe["url"], f"A nonsense path answers {probe['status']} (final URL {probe.get('final_url')})")])
    return Outcome(Status.WARN, findings=[soft_404.finding(
        probe["url"], f"A nonsense path answers {probe['status']} instead of 404", status=Status.WARN)])


@check(id="disc-near-duplicates", family="discoverability", title="No near-duplicate pages",
       failure_title="Pages duplicate each other's content",
       description="Merge or redirect pages whose main content is nearly the same (IDEA 3(a)(3): no overlap or "
                   "duplication); keep one authoritative page.",
       help_url="https://digital.gov/resources/21st-century-integrated-digital-experience-act/",
       requirements=["idea-3a3", "m2322-discoverable"], severity=Severity.MEDIUM, scope="site",
       weight=W[Severity.MEDIUM])
def near_duplicates(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    hashes = []
    for p in ctx.pages:
        d = (p.get("summary") or {}).get("disc")
        if isinstance(d, dict) and d.get("simhash") and not p.get("error"):
            hashes.append((p.get("final_url") or p["url"], d["simhash"]))
    if len(hashes) < 2:
        return Outcome(Status.NOT_APPLICABLE, detail="fewer than two pages with enough text to compare")
    findings = []
    for i, (ua, ha) in enumerate(hashes):
        for ub, hb in hashes[i + 1:]:
            dist = hamming(ha, hb)
            if dist <= NEAR_DUPLICATE_BITS:
                findings.append(near_duplicates.finding(
                    ub, f"Main content nearly duplicates {ua} (simhash distance {dist}/64)", snippet=ua))
    return Outcome(Status.FAIL, findings=findings) if findings else Outcome(Status.PASS)



