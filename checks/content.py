"""Page-level content family: heading levels, link purpose, new-window links, and
page titles duplicated across the site.

Page checks read ``probes["content_structure"]`` (``auditor/probes/content_structure.js``);
the title check is a site check over the stored per-page titles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import unquote, urlsplit, urlunsplit

from auditor.checking import SiteContext, check
from auditor.crawl import canonicalize
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status

from ._probes import conclude, probe, url_of

REQ = ["idea-3a1"]


@check(id="content-heading-levels", family="best-practice", title="Headings do not skip levels",
       failure_title="Best practice: headings skip levels",
       description="Heading levels convey the outline of the page; going from h2 to h4 suggests a missing "
                   "section, and screen-reader users who move by level may miss the deeper heading. Use the "
                   "next level down. A skipped level is not itself a WCAG 1.3.1 failure (the headings are "
                   "still marked up and nested), so this is a best-practice warning. "
                   "See https://www.w3.org/WAI/tutorials/page-structure/headings/",
       help_url="https://www.w3.org/WAI/tutorials/page-structure/headings/", requirements=REQ,
       severity=Severity.LOW, artifacts=("probes",), weight=0.0, tier="best-practice")
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


_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}
_INDEX_PAGES = ("index.html", "index.htm")
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_CONTEXT_PARTS = ("sentence", "block", "headers", "heading", "description", "parents")


def _percent(text: str) -> str:
    """Percent-escapes normalised (RFC 3986 6.2.2): unreserved characters decoded, the rest upper-case."""
    def one(m: re.Match) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else m.group(0).upper()
    return re.sub(r"%([0-9A-Fa-f]{2})", one, text)


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") and host.count(".") >= 2 else host


def site_aliases(page: PageArtifacts) -> dict[str, str]:
    """The other names of the page's own site, mapped to the origin it was audited at: the
    origin of its canonical URL (a site served from a staging or local address names its
    production origin there), each with and without ``www.`` (one site's two names; one
    redirects to the other)."""
    from ._html import canonical_href, parse

    own = urlsplit(page.final_url or page.url or "")
    if own.scheme not in _DEFAULT_PORTS or not own.hostname:
        return {}
    own_origin = f"{own.scheme}://{own.netloc.lower()}"
    names = {_bare_host(own.hostname)}
    try:
        doc = parse(page.html) if page.html else None
    except Exception:  # unparsable saved HTML: no canonical to read
        doc = None
    canon = urlsplit((canonical_href(doc) or "").strip()) if doc is not None else None
    if canon is not None and canon.scheme in _DEFAULT_PORTS and canon.hostname:
        names.add(_bare_host(canon.hostname))
    return {name: own_origin for name in names}


def _resolved(page: PageArtifacts) -> dict[str, str]:
    got = ((page.probes or {}).get("link_targets") or {}).get("resolved")
    return got if isinstance(got, dict) else {}


def link_destination(href: object, aliases: dict[str, str] | None = None) -> str | None:
    """The resource a link leads to, normalised so that spellings of one resource compare
    equal: scheme and host case, default ports, fragments, a trailing slash or ``index.html``,
    percent-escapes; ``mailto:`` by its (case-folded) addresses, ``tel:`` by its digits; a
    host with or without ``www.`` as one. ``aliases`` (:func:`site_aliases`) maps the other
    names of the page's own site to its origin. None where the link names no resource to
    compare (empty, ``javascript:``)."""
    if not isinstance(href, str) or not href.strip():
        return None
    href = href.strip()
    if href[:5].lower() in ("http:", "https"):
        # the page the crawler knows it by: session and tracking parameters are not another place
        href = canonicalize(href) or href
    try:
        parts = urlsplit(href)
    except ValueError:
        return href
    scheme = parts.scheme.lower()
    if scheme == "javascript":
        return None
    if scheme == "mailto":
        addresses = sorted(a.strip().lower() for a in unquote(parts.path).split(",") if a.strip())
        return "mailto:" + ",".join(addresses)
    if scheme == "tel":
        return "tel:" + re.sub(r"[^0-9+]", "", unquote(parts.path))
    if scheme not in _DEFAULT_PORTS:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host  # IPv6 literal
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host + (f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else "")
    alias = (aliases or {}).get(_bare_host(host)) if port is None or port == _DEFAULT_PORTS[scheme] else None
    if alias:  # another name of the page's own site
        scheme, netloc = alias.split("://", 1)
    elif port is None or port == _DEFAULT_PORTS[scheme]:
        netloc = _bare_host(host)
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    path = _percent(parts.path)
    head, _, last = path.rpartition("/")
    if last.lower() in _INDEX_PAGES:
        path = head + "/"
    return urlunsplit((scheme, netloc, path.rstrip("/"), _percent(parts.query), ""))


def link_context(link: dict) -> tuple[str, ...] | None:
    """What the page gives a reader to tell this link's purpose from besides its name
    (``content_structure.js``): its sentence, its paragraph/list item/cell, that cell's
    headers, the heading it sits under, its description, the list items a nested list sits
    in. None when not measured."""
    ctx = link.get("context")
    if not isinstance(ctx, dict):
        return None
    return tuple(str(ctx.get(k) or "") for k in _CONTEXT_PARTS)


def ambiguous_link_groups(links: list[dict], *, with_context: bool = True, aliases: dict[str, str] | None = None,
                          resolved: dict[str, str] | None = None) -> list[tuple[list[dict], set[str]]]:
    """Groups of links that share an accessible name and every part of their context but
    lead to more than one resource: a reader cannot tell them apart from the page. Links to
    one resource however spelled, or told apart by any part of their context, are not.
    Links without a measured context count as sharing one. ``resolved`` maps same-site hrefs
    to where their redirects lead (``auditor/gatherers/link_targets.py``)."""
    resolved = resolved or {}

    def dest(lk: dict) -> str | None:
        href = lk.get("href")
        return link_destination(resolved.get(href, href) if isinstance(href, str) else href, aliases)

    groups: dict[tuple, list[dict]] = defaultdict(list)
    for lk in links:
        name = " ".join(str(lk.get("name") or "").split()).lower()
        if name and dest(lk) is not None:
            groups[(name, link_context(lk) if with_context else None)].append(lk)
    out = []
    for group in groups.values():
        dests = {d for lk in group if (d := dest(lk)) is not None}
        if len(dests) > 1:
            out.append((group, dests))
    return out


@check(id="content-link-purpose", family="content", title="Links with the same text go to the same place",
       failure_title="Links with identical text go to different places",
       description="Links named alike (\"Read more\", \"Click here\") in the same context (sentence, "
                   "paragraph, list item, table cell, heading) but leading to different pages cannot be told "
                   "apart. Make each link's text (or aria-label) say where it goes, or give each its own "
                   "context. See https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context", requirements=REQ,
       wcag=["2.4.4"], severity=Severity.MEDIUM, artifacts=("probes",))
def content_link_purpose(page: PageArtifacts) -> Outcome:
    """Same name, same context, different destinations is a warning, not a failure: two
    URLs may still serve one purpose (a redirect, a copy of the page, a page that lists the
    same contacts), which only visiting them would show."""
    data, early = probe(page, "content_structure")
    if early:
        return early
    links = [lk for lk in data.get("links", []) if isinstance(lk, dict) and lk.get("name")]
    if not links:
        return Outcome(Status.NOT_APPLICABLE, detail="no named links")
    findings = []
    for group, dests in ambiguous_link_groups(links, aliases=site_aliases(page), resolved=_resolved(page)):
        findings.append(content_link_purpose.finding(
            url_of(page), f"{len(group)} links named \"{group[0]['name'][:60]}\" in the same context go to "
                          f"{len(dests)} different places; unless these serve the same purpose, say in each "
                          "link where it goes.", selector=group[1].get("selector", ""),
            snippet=group[1].get("snippet", ""), status=Status.WARN))
    return conclude(findings)


@check(id="content-link-name-alone", family="best-practice", title="Links named alike go to the same place",
       failure_title="Best practice: links with the same name go to different places",
       description="WCAG 2.4.9 (Link Purpose, Link Only; AAA): a link's name alone should say where it goes, "
                   "because screen-reader users often list the links of a page without their context. Links "
                   "named alike that lead to different resources cannot be told apart in that list. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-link-only",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-link-only", requirements=REQ,
       wcag=["2.4.9"], severity=Severity.LOW, artifacts=("probes",), weight=0.0, tier="best-practice")
def content_link_name_alone(page: PageArtifacts) -> Outcome:
    """The AAA form of content-link-purpose: the same name, whatever the context, leading to
    more than one resource (normalised). A warning of the best-practice tier."""
    data, early = probe(page, "content_structure")
    if early:
        return early
    links = [lk for lk in data.get("links", []) if isinstance(lk, dict) and lk.get("name")]
    if not links:
        return Outcome(Status.NOT_APPLICABLE, detail="no named links")
    return conclude([content_link_name_alone.finding(
        url_of(page), f"{len(group)} links named \"{group[0]['name'][:60]}\" go to {len(dests)} different places; "
                      "a list of the page's links cannot tell them apart.", selector=group[1].get("selector", ""),
        snippet=group[1].get("snippet", ""), status=Status.WARN)
        for group, dests in ambiguous_link_groups(links, with_context=False, aliases=site_aliases(page),
                                                  resolved=_resolved(page))])


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
    # a mailto:/tel: link starts a mail or phone program, it opens no browser window
    blank = [lk for lk in data.get("links", []) if lk["target"].lower() == "_blank"
             and str(lk.get("href") or "").lower().startswith(("http:", "https:"))]
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
