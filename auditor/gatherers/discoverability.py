"""Site facts for discoverability (M-23-22) and required links, after the crawl:

* a soft-404 probe: a random nonsense path on the audited host must not answer 200;
* the status of in-scope link targets that were not crawled (limits, robots, documents),
  so broken links and required-link destinations can be judged. Bounded in count; only
  the audited host is contacted (off-site targets are listed as not verified).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urldefrag, urlsplit

import httpx

from ..crawl import BINARY_EXTENSIONS, DOCUMENT_EXTENSIONS, Robots, canonicalize, extension
from ..errors import FETCH_ERRORS
from . import SiteGatherContext, site_gatherer

MAX_LINK_PROBES = 150


def _same_host(url: str, start: str) -> bool:
    a, b = urlsplit(url), urlsplit(start)
    return a.scheme in ("http", "https") and (a.hostname, a.port) == (b.hostname, b.port)


async def _status(client: httpx.AsyncClient, url: str) -> int | str:
    try:
        resp = await client.head(url)
        if resp.status_code >= 400:  # many servers mishandle HEAD: confirm errors with GET
            resp = await client.get(url)
        return resp.status_code
    except FETCH_ERRORS as exc:
        return f"{type(exc).__name__}"


@site_gatherer("discoverability", phase="after", timeout=120.0)
async def gather_discoverability(ctx: SiteGatherContext) -> dict[str, Any]:
    start = ctx.start_url
    p = urlsplit(start)
    root = f"{p.scheme}://{p.netloc}"
    nonsense = f"{root}/idea-audit-soft404-{secrets.token_hex(6)}"
    soft404: dict[str, Any] = {"url": nonsense}
    try:
        resp = await ctx.client.get(nonsense)
        soft404.update(status=resp.status_code, final_url=str(resp.url))
    except FETCH_ERRORS as exc:
        soft404["error"] = type(exc).__name__
    crawled = {row.get("url") for row in ctx.pages} | {row.get("final_url") for row in ctx.pages}
    robots = Robots(ctx.site.robots_txt, ctx.settings.user_agent, obey=ctx.settings.obey_robots)
    targets: list[str] = []
    for row in ctx.pages:
        links = ((row.get("summary") or {}).get("links") or {})
        for lk in links.get("links", []) if isinstance(links, dict) else []:
            href = canonicalize(urldefrag(lk.get("href", ""))[0]) or ""
            # Only linked documents, which the crawler records but never fetches: probing pages
            # the crawl skipped for its limits would break the limits' promise (and robots.txt).
            ext = extension(href)
            if not href or (ext not in DOCUMENT_EXTENSIONS and ext not in BINARY_EXTENSIONS):
                continue
            if _same_host(href, start) and href not in crawled and href not in targets and robots.allowed(href):
                targets.append(href)
    statuses = {u: await _status(ctx.client, u) for u in targets[:MAX_LINK_PROBES]}
    return {"soft404": soft404, "link_status": statuses, "unprobed": max(0, len(targets) - MAX_LINK_PROBES)}
