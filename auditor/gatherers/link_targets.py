"""Where same-site links named alike really lead (WCAG 2.4.4, 2.4.9).

Two links with one name that point at two URLs are told apart by ``content-link-purpose``
and ``content-link-name-alone`` only when they lead to different resources; a site often
keeps old addresses that redirect (an HTTP 301, or a static site's alias page that
meta-refreshes: Hugo ``aliases``, Jekyll ``redirect_from``). This action follows, for the
links of such groups on the audited site only, the redirects a browser would: HTTP
redirects (at most ``MAX_REDIRECTS``) and an immediate meta refresh in the answer. Off-site
destinations are never contacted. At most ``MAX_URLS`` URLs a page, each within
``URL_TIMEOUT_MS``.

Result: ``{"resolved": {href: final URL}}`` for the hrefs that lead somewhere else.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from ..crawl import canonicalize
from . import page_action

MAX_URLS = 12
MAX_REDIRECTS = 5
URL_TIMEOUT_MS = 3000
MAX_BODY = 16 * 1024
_REFRESH = re.compile(r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*>""", re.I)
_REFRESH_URL = re.compile(r"""content\s*=\s*["']?\s*0*\s*[;,]\s*url\s*=\s*['"]?([^"'>\s]+)""", re.I)


def _key(href: str) -> str:
    """The page a URL is known by to the crawler (fragment, session and tracking parameters
    dropped), without a trailing slash."""
    return (canonicalize(href) or urldefrag(href)[0]).rstrip("/")


def candidates(links: list[dict[str, Any]], page_url: str) -> list[str]:
    """One same-site href for each page of link groups that share a name but not a page."""
    here = urlsplit(page_url)
    groups: dict[str, set[str]] = {}
    for lk in links:
        if not isinstance(lk, dict):
            continue
        name = " ".join(str(lk.get("name") or "").split()).lower()
        href = lk.get("href")
        if name and isinstance(href, str) and href.startswith(("http://", "https://")):
            groups.setdefault(name, set()).add(href)
    out: list[str] = []
    keys: set[str] = set()
    for hrefs in groups.values():
        if len({_key(h) for h in hrefs}) < 2:
            continue
        for h in sorted(hrefs):
            t = urlsplit(h)
            if (t.scheme, t.netloc.lower()) == (here.scheme, here.netloc.lower()) and _key(h) not in keys:
                keys.add(_key(h))
                out.append(h)
    return out[:MAX_URLS]


def meta_refresh(body: str, base: str) -> str | None:
    """The target of an immediate (0 s) meta refresh in ``body``, resolved against ``base``."""
    for tag in _REFRESH.findall(body):
        m = _REFRESH_URL.search(tag)
        if m:
            return urljoin(base, m.group(1))
    return None


@page_action("link_targets", order=60, timeout=15.0, families=("content", "best-practice"))
async def link_targets(page: Any, art: Any, settings: Any) -> dict[str, Any] | None:
    links = ((art.probes or {}).get("content_structure") or {}).get("links") or []
    page_url = art.final_url or art.url
    todo = candidates(links, page_url)
    if not todo:
        return None
    here = urlsplit(page_url)
    resolved: dict[str, str] = {}
    for href in todo:
        try:
            resp = await page.context.request.get(href, max_redirects=MAX_REDIRECTS, timeout=URL_TIMEOUT_MS)
            final = resp.url
            if "html" in (resp.headers.get("content-type") or ""):
                target = meta_refresh((await resp.body())[:MAX_BODY].decode("utf-8", "replace"), final)
                t = urlsplit(target or "")
                if target and (t.scheme, t.netloc.lower()) == (here.scheme, here.netloc.lower()):
                    final = target  # one hop: an alias page points at the page itself
            await resp.dispose()
        except Exception:  # unreachable or too slow: compared as written
            continue
        if _key(final) != _key(href):
            resolved[href] = final
    # every spelling of a page resolved leads where it leads
    by_page = {_key(k): v for k, v in resolved.items()}
    for lk in links:
        href = lk.get("href") if isinstance(lk, dict) else None
        if isinstance(href, str) and href not in resolved and _key(href) in by_page:
            resolved[href] = by_page[_key(href)]
    return {"resolved": resolved, "checked": len(todo)}
