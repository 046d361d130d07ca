"""The USWDS version a site ships, read from its assets (IDEA 3(a)(2), M-23-22 III.A).

The USWDS package's compiled files begin with a banner comment (``/*! uswds v1.3.1 */``,
``/*! @uswds/uswds v3.8.0 */``), and builds that copy them keep it; asset URLs rarely carry
the version. On the start page only (one site, one answer), this action reads the first
``HEAD_BYTES`` of at most ``MAX_ASSETS`` same-site CSS/JS files whose URL names USWDS (a
``Range`` request; a server that ignores it sends the file, read up to ``MAX_BYTES``).
Off-site assets (a CDN) are never contacted: their URL usually carries the version.

Result: ``{"assets": [{"url", "version"}]}``; the judgement is ``checks/branding.py``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from . import is_start_page, page_action

MAX_ASSETS = 4
HEAD_BYTES = 2048
MAX_BYTES = 512 * 1024
TIMEOUT_MS = 3000
ASSET = re.compile(r"uswds[^\"'\s?#]*\.(css|js|mjs)(\?|#|$)", re.I)
#: The package's banner comment, and the version string its bundles carry.
BANNER = re.compile(r"/\*!?\s*(?:@uswds/)?uswds\s+v?(\d+\.\d+\.\d+)|uswds(?:@|\s+version\s+)v?(\d+\.\d+\.\d+)", re.I)


def version_in(text: str) -> str | None:
    m = BANNER.search(text)
    return next(g for g in m.groups() if g) if m else None


@page_action("uswds_assets", order=70, timeout=15.0, families=("branding",))
async def uswds_assets(page: Any, art: Any, settings: Any) -> dict[str, Any] | None:
    if not is_start_page(art, settings):
        return None
    here = urlsplit(art.final_url or art.url)
    urls = []
    for r in art.requests or []:
        t = urlsplit(r)
        if (t.scheme, t.netloc.lower()) == (here.scheme, here.netloc.lower()) and ASSET.search(t.path) and r not in urls:
            urls.append(r)
    out = []
    for url in urls[:MAX_ASSETS]:
        try:
            resp = await page.context.request.get(url, headers={"Range": f"bytes=0-{HEAD_BYTES - 1}"},
                                                  timeout=TIMEOUT_MS, max_redirects=3)
            body = (await resp.body())[:MAX_BYTES]
            await resp.dispose()
        except Exception:  # unreachable or too slow: nothing read
            continue
        out.append({"url": url, "version": version_in(body[:HEAD_BYTES * 4].decode("utf-8", "replace"))})
    return {"assets": out}
