"""Shared HTML helpers for the IDEA check families (parsing saved HTML, no browser).

Private module (leading underscore): the checks loader skips it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

_WS = re.compile(r"\s+")


@lru_cache(maxsize=32)
def parse(html: str):
    """The parsed document of saved HTML (cached: several checks read the same page)."""
    if not html or not html.strip():
        return lxml.html.fromstring("<html><body></body></html>")
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return lxml.html.fromstring("<html><body></body></html>")


def text_of(el) -> str:
    return _WS.sub(" ", el.text_content() or "").strip()


def snippet(el, limit: int = 300) -> str:
    try:
        raw = etree.tostring(el, encoding="unicode", with_tail=False)
    except Exception:
        return ""
    return raw[:limit]


def css_path(el) -> str:
    """A short, readable selector: tag#id or tag.class, with its parent."""
    def one(e) -> str:
        tag = e.tag if isinstance(e.tag, str) else "node"
        if e.get("id"):
            return f"{tag}#{e.get('id')}"
        cls = (e.get("class") or "").split()
        return tag + ("." + ".".join(cls[:2]) if cls else "")
    parent = el.getparent()
    return f"{one(parent)} > {one(el)}" if parent is not None and parent.tag not in ("html", "body") else one(el)


def meta(doc, name: str) -> str | None:
    for m in doc.iter("meta"):
        if (m.get("name") or "").strip().lower() == name:
            return m.get("content") or ""
    return None


def canonical_href(doc) -> str | None:
    """The href of the document's first <link rel="canonical"> ("" when empty), None without one."""
    for el in doc.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split():
            return el.get("href") or ""
    return None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def page_url(page) -> str:
    return page.final_url or page.url


def fold(s: str) -> str:
    return _WS.sub(" ", s or "").strip()
