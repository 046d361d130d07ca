"""Branding / USWDS (IDEA 3(a)(2), M-23-22 III.A): official-site banner at the top of the
page, USWDS use and version, the USWDS identifier, and a consistent header and footer.

USWDS detection adds up independent signals into a confidence between 0 and 1:
a uswds CSS or JS asset (0.4), a version string in an asset URL or inline (0.2),
``usa-`` component classes (0.1 for 3+, 0.3 for 10+), Public Sans (0.1). USWDS counts
as present at confidence >= 0.5, so class names alone (which any site can copy) are never
enough; the version is reported only when an asset or comment names it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any

from auditor.checking import SiteContext, check, summarizer
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status
from auditor.scoring import SEVERITY_WEIGHT

from ._html import fold, page_url, parse, snippet, text_of

REQ = ["idea-3a2", "m2322-uswds"]
W = SEVERITY_WEIGHT
OFFICIAL = re.compile(r"an official website of the united states government|"
                      r"un sitio oficial del gobierno de (los )?estados unidos", re.I)
HOW_YOU_KNOW = re.compile(r"here[’']s how you know|as[ií] es como usted puede verificarlo|"
                          r"as[ií] es como lo puede saber", re.I)
USWDS_ASSET = re.compile(r"uswds[^\"'\s]*\.(css|js)", re.I)
USWDS_VERSION = re.compile(r"uswds[@/ -]v?(\d+\.\d+\.\d+)|uswds[^\"'\s]*?[?&]v=(\d+\.\d+\.\d+)|"
                           r"uswds-(\d+\.\d+\.\d+)|uswds v(\d+\.\d+\.\d+)", re.I)
PUBLIC_SANS = re.compile(r"public[ -_]?sans", re.I)
USWDS_PRESENT = 0.5
_ATTR_URL = re.compile(r"""(?:src|href|data-src)\s*=\s*["']([^"']+)""", re.I)
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
#: What real builds ship when no file names the version: USWDS 3 added ``uswds-init.js``
#: (the script that hides the page until components load); USWDS 2 renamed the 1.x classes to
#: BEM (``usa-banner-header`` -> ``usa-banner__header``, ``usa-grid`` -> ``grid-container``).
#: ``uswds-init.js`` ships with USWDS 2.10.0 and later (not in 2.9.0; the same code in 2.13,
#: 2.14, 3.0 and 3.4: npm packages compared), so it bounds the version from below only.
USWDS_INIT = re.compile(r"uswds-init(\.min)?\.js", re.I)
USWDS1_CLASSES = re.compile(r"\busa-(banner-header|banner-inner|grid(-full)?|width-[a-z-]+|nav-submenu|"
                            r"accordion-button|header-extended|footer-primary-section|button-primary)\b")
USWDS2_CLASSES = re.compile(r"\busa-[a-z]+(-[a-z]+)*__[a-z]+|\bgrid-container\b")
#: Majors that get no more releases or fixes.
UNSUPPORTED_MAJORS = {1, 2}


def version_evidence(page: PageArtifacts, html: str, versions: set[str]) -> dict[str, Any]:
    """The USWDS version a page shows and where it was read: a version string (asset URL,
    inline), an asset's banner comment (``probes["uswds_assets"]``, the start page), or the
    major version its markup belongs to. ``version`` None where nothing says."""
    if versions:
        v = sorted(versions, key=lambda x: [int(p) for p in x.split(".")])[-1]
        return {"version": v, "major": int(v.split(".")[0]), "source": "a version string in an asset URL or the page"}
    for a in ((page.probes or {}).get("uswds_assets") or {}).get("assets") or []:
        if isinstance(a, dict) and a.get("version"):
            return {"version": a["version"], "major": int(a["version"].split(".")[0]),
                    "source": f"the banner comment of {a.get('url')}"}
    scripts = list(page.requests) + re.findall(r"""<script[^>]+src=["']([^"']+)""", html[:200_000])
    if any(USWDS_INIT.search(u) for u in scripts):
        return {"version": "2.10 or later", "major": None, "source": "uswds-init.js (shipped since USWDS 2.10)"}
    v1 = sorted({m.group(0) for m in USWDS1_CLASSES.finditer(html)})
    v2 = bool(USWDS2_CLASSES.search(html))
    # USWDS 2 renamed every one of these; three or more are markup built for the 1.x stylesheet
    # (a site's own BEM-named classes beside them do not make it 2.x: plainlanguage.gov)
    if len(v1) >= 3:
        return {"version": "1.x", "major": 1, "source": f"USWDS 1 class names ({', '.join(v1[:3])}, ...)"}
    if v2:
        return {"version": "2.x or later", "major": None, "source": "USWDS 2+ class names (usa-banner__header, ...)"}
    return {"version": None, "major": None, "source": ""}


def find_banner(doc):
    """The official-site banner element (USWDS v1 ``usa-banner``, v2/v3 ``usa-banner``, or text)."""
    for el in doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' usa-banner ')]"):
        return el
    for el in doc.xpath("//body//*[self::section or self::div or self::aside or self::header]"):
        own = text_of(el)
        if OFFICIAL.search(own) and len(own) < 600:
            # the innermost block carrying the sentence
            inner = [c for c in el.iter() if c is not el and isinstance(c.tag, str)
                     and c.tag in ("section", "div", "aside", "header") and OFFICIAL.search(text_of(c))]
            return inner[-1] if inner else el
    return None


def banner_at_top(doc, banner) -> bool:
    """Nothing but skip links comes before the banner in the body."""
    body = doc.find(".//body")
    if body is None:
        return False
    for el in body.iter():
        if el is banner:
            return True
        if not isinstance(el.tag, str) or el is body:
            continue
        if el.tag in ("main", "h1", "nav", "p", "img", "form") or (
                el.tag == "header" and banner not in el.iter()):
            return False
    return False


@check(id="brand-banner", family="branding", title="Official-site banner at the top of the page",
       failure_title="Official-site banner is missing or not at the top",
       description="Put the USWDS banner (\"An official website of the United States government\" with "
                   "\"Here's how you know\") first on every page.",
       help_url="https://designsystem.digital.gov/components/banner/", requirements=REQ,
       severity=Severity.HIGH, artifacts=("html",), weight=W[Severity.HIGH])
def banner(page: PageArtifacts) -> Outcome:
    doc = parse(page.html)
    url = page_url(page)
    el = find_banner(doc)
    if el is None:
        return Outcome(Status.FAIL, findings=[banner.finding(url, "No official-site banner", selector="body")])
    text = text_of(el)
    problems = []
    if not OFFICIAL.search(text):
        problems.append("banner lacks 'An official website of the United States government'")
    if not HOW_YOU_KNOW.search(text):
        problems.append("banner lacks 'Here's how you know'")
    if not banner_at_top(doc, el):
        problems.append("banner is not the first thing on the page")
    if problems:
        return Outcome(Status.FAIL, findings=[banner.finding(url, _sentence("; ".join(problems)),
                                                             snippet=snippet(el), selector=".usa-banner")])
    return Outcome(Status.PASS)


def _sentence(s: str) -> str:
    return s[:1].upper() + s[1:]


def uswds_signals(page: PageArtifacts) -> dict[str, Any]:
    html = page.html or ""
    assets = [r for r in page.requests if USWDS_ASSET.search(r)] or (USWDS_ASSET.findall(html) and ["markup"])
    versions = set()
    # what the page loads and its comments name, not its text: a documentation page that says
    # "the only variant until USWDS 3.13.0" does not ship that version
    head = html[:200_000]
    shipped = list(page.requests) + _ATTR_URL.findall(head) + _COMMENT.findall(head)
    for src in shipped:
        for m in USWDS_VERSION.finditer(src):
            versions.add(next(g for g in m.groups() if g))
    classes = len(set(re.findall(r"\busa-[a-z0-9_-]+", html)))
    public_sans = bool(PUBLIC_SANS.search(html) or any(PUBLIC_SANS.search(r) for r in page.requests))
    conf = (0.4 if assets else 0) + (0.2 if versions else 0) + (0.3 if classes >= 10 else 0.1 if classes >= 3 else 0) \
        + (0.1 if public_sans else 0)
    return {"confidence": round(min(conf, 1.0), 2), "versions": sorted(versions), "asset": bool(assets),
            "usa_classes": classes, "public_sans": public_sans, **version_evidence(page, html, versions)}


@check(id="brand-uswds", family="branding", title="Page uses the U.S. Web Design System",
       failure_title="No sign of the U.S. Web Design System",
       description="Build on USWDS (its CSS/JS, components and Public Sans). Detection confidence: asset 0.4, "
                   "version 0.2, usa- classes up to 0.3, Public Sans 0.1; present at >= 0.5.",
       help_url="https://designsystem.digital.gov/", requirements=REQ, severity=Severity.MEDIUM,
       artifacts=("html",), weight=W[Severity.MEDIUM])
def uswds(page: PageArtifacts) -> Outcome:
    s = uswds_signals(page)
    version = f"{s['version']} ({s['source']})" if s.get("version") else "unknown"
    detail = (f"confidence {s['confidence']}; version {version}; "
              f"{s['usa_classes']} usa- classes; Public Sans {'yes' if s['public_sans'] else 'no'}")
    if s["confidence"] >= USWDS_PRESENT:
        return Outcome(Status.PASS, detail=detail)
    return Outcome(Status.FAIL, detail=detail, findings=[uswds.finding(page_url(page), f"USWDS not detected ({detail})")])


@check(id="brand-identifier", family="branding", title="USWDS identifier in the footer",
       failure_title="No USWDS identifier",
       description="Add the USWDS identifier (agency name, 'An official website of ...', required links) at the "
                   "bottom of every page.",
       help_url="https://designsystem.digital.gov/components/identifier/", requirements=REQ,
       severity=Severity.LOW, artifacts=("html",), weight=W[Severity.LOW])
def identifier(page: PageArtifacts) -> Outcome:
    doc = parse(page.html)
    if doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' usa-identifier ')]"):
        return Outcome(Status.PASS)
    for f in doc.xpath("//footer|//*[@role='contentinfo']"):
        if OFFICIAL.search(text_of(f)) or re.search(r"an official website of the", text_of(f), re.I):
            return Outcome(Status.PASS, detail="identifier text in the footer (no usa-identifier markup)")
    return Outcome(Status.FAIL, findings=[identifier.finding(page_url(page), "No USWDS identifier (usa-identifier) "
                                                             "or agency identifier text in the footer")])


def _varies_by_page(e) -> bool:
    """Parts of a header or footer that change with the page by design: a list nested in a list
    item (a section's submenu, expanded or filled only on that section's pages, the current
    page's own subpages) and hidden content."""
    if e.tag in ("ul", "ol") and any(a.tag == "li" for a in e.iterancestors()):
        return True
    return e.get("hidden") is not None or (e.get("aria-hidden") or "").lower() == "true"


def region_fingerprint(doc, xpath: str) -> str | None:
    """Hash of a region's stable structure and link texts: not hrefs or 'current' marks, and
    not the parts that vary with the page by design (:func:`_varies_by_page`)."""
    els = doc.xpath(xpath)
    if not els:
        return None
    parts: list[str] = []

    def walk(e) -> None:
        if not isinstance(e.tag, str) or _varies_by_page(e):
            return
        parts.append(e.tag)
        if e.tag in ("a", "button"):
            parts.append(fold(e.text_content()).lower())
        for child in e:
            walk(child)

    walk(els[0])
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


@summarizer("brand")
def summarize_brand(page: PageArtifacts) -> dict[str, Any]:
    doc = parse(page.html)
    return {"header": region_fingerprint(doc, "//body//header[not(ancestor::main) and not(ancestor::*[contains(@class, "
                                            "'usa-banner')])]|//*[@role='banner']"),
            "footer": region_fingerprint(doc, "//body//footer[not(ancestor::main)]|//*[@role='contentinfo']"),
            "uswds": uswds_signals(page)}


@check(id="brand-consistent", family="branding", title="Header and footer are the same on every page",
       failure_title="Header or footer differs between pages",
       description="Use one site header and footer everywhere so people always know where they are (IDEA 3(a)(2)).",
       help_url="https://designsystem.digital.gov/components/header/", requirements=REQ,
       severity=Severity.MEDIUM, scope="site", weight=W[Severity.MEDIUM])
def consistent(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    rows = [(p.get("final_url") or p["url"], (p.get("summary") or {}).get("brand") or {})
            for p in ctx.pages if not p.get("error") and (p.get("status_code") or 0) < 400]
    if len(rows) < 2:
        return Outcome(Status.NOT_APPLICABLE, detail="fewer than two pages")
    findings = []
    for region in ("header", "footer"):
        common = Counter(b.get(region) for _, b in rows).most_common(1)[0][0]
        for url, b in rows:
            if b.get(region) != common:
                what = f"has no {region}" if b.get(region) is None else f"has a different {region}"
                if common is None:
                    continue
                findings.append(consistent.finding(url, f"Page {what} from most pages", selector=region))
    return Outcome(Status.FAIL, findings=findings) if findings else Outcome(Status.PASS)


def site_uswds(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """The site's USWDS version from its pages' summaries: the most specific evidence any page
    gives (a full version over a major; the start page's asset banner comment counts like any
    other), ``{"version", "major", "source", "supported", "pages"}``."""
    best: dict[str, Any] | None = None
    seen = 0
    rank = lambda e: (2 if re.match(r"\d+\.\d+\.\d+$", str(e.get("version") or "")) else  # noqa: E731
                      1 if e.get("major") else 0 if e.get("version") else -1)
    for p in pages:
        if p.get("error"):
            continue
        u = ((p.get("summary") or {}).get("brand") or {}).get("uswds") or {}
        if (u.get("confidence") or 0) < USWDS_PRESENT:
            continue
        seen += 1
        if best is None or rank(u) > rank(best):
            best = {**u, "page": p.get("final_url") or p.get("url")}
    if best is None:
        return {"version": None, "major": None, "source": "", "supported": None, "pages": 0}
    major = best.get("major")
    return {"version": best.get("version"), "major": major, "source": best.get("source") or "",
            "supported": (major not in UNSUPPORTED_MAJORS) if major else None, "pages": seen,
            "page": best.get("page")}


@check(id="brand-uswds-version", family="branding", title="The site is on a supported USWDS version",
       failure_title="The site's USWDS version is out of support",
       description="USWDS 1.x and 2.x get no more releases, fixes or accessibility updates; build on USWDS 3. "
                   "The version is read from asset URLs, the package's banner comment in its CSS/JS, "
                   "uswds-init.js (USWDS 3) or the markup's class names (USWDS 1 vs BEM).",
       help_url="https://designsystem.digital.gov/about/releases/", requirements=REQ, severity=Severity.MEDIUM,
       scope="site", weight=W[Severity.MEDIUM])
def uswds_version(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    u = site_uswds(ctx.pages)
    if not u["pages"]:
        return Outcome(Status.NOT_APPLICABLE, detail="USWDS not detected")
    if not u["version"]:
        return Outcome(Status.PASS, detail="USWDS detected; its version is not shown anywhere the audit can read")
    where = f"USWDS {u['version']}, from {u['source']}"
    if u["supported"] is False:
        return Outcome(Status.WARN, detail=where, findings=[uswds_version.finding(
            u.get("page") or site.start_url, f"The site is on {where}: USWDS {u['major']}.x is out of support "
                                             "(no more releases or fixes); move to USWDS 3.",
            status=Status.WARN, help_url="https://designsystem.digital.gov/documentation/migration/")])
    return Outcome(Status.PASS, detail=where)
