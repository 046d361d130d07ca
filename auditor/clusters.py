"""'Fix once' clusters: the same problem on the same shared block across pages is one fix.

A site's header, navigation and footer come from one template: a footer link without visible
focus is reported on every page (1,987 findings) but fixed once. At check time each finding
with an element selector is located in the page's rendered HTML, its enclosing shared block
(banner, header, navigation, footer, identifier, sidebar, search, side navigation) is found,
and the finding gets a cluster id made of

    check id + the block's *template* fingerprint + the element's place in the block.

The template fingerprint is the block's markup reduced like :func:`auditor.model.element_identity`
(tag names, identity attributes, classes, text) *without* per-page markers (``aria-current``,
``current``/``active``/``selected`` classes), so the same footer on every page is one template
even though the navigation's current item differs. A block whose markup differs in anything
else (another link, other text) is another template: another cluster. Findings not in a shared
block, and findings that cannot be located with certainty (a selector that matches nothing or
several elements, iframe and shadow-DOM paths, an element whose tag or identity attributes differ
from the snippet's), are singletons: their cluster id is derived from their own fingerprint.
A wrong merge would tell a developer a problem is fixed in one place when it is not, so every
doubt ends in a singleton.

Clusters are a view: scores, gates and baselines still count occurrences (fingerprints).
"""

from __future__ import annotations

import hashlib
import html as _html
import re
from collections import Counter
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from .model import (
    _ABS_URL,
    _ATTR,
    _TAG,
    _WS,
    CLUSTER_VERSION,
    IDENTITY_ATTRIBUTES,
    Finding,
    element_identity,
    singleton_id,
)

MAX_SELECTORS_PER_PAGE = 200
"""Distinct selectors located per page at most; findings beyond are singletons (bounds the work
on a page with thousands of findings)."""
MAX_BLOCK_ELEMENTS = 4000
"""A 'block' bigger than this (a ``<header>`` wrapping the whole page) is not a shared block."""
MAX_SELECTOR_CHARS = 1000

CONTEXT_DEPENDENT_CHECKS = frozenset({
    "axe-heading-order",  # a footer heading fails or passes by the headings before it on the page
    "axe-duplicate-id", "axe-duplicate-id-active", "axe-duplicate-id-aria",  # the twin may be in the page
})
"""Checks whose verdict on an element depends on the rest of the page: the fix may not be in
the block, so their findings are never clustered by block."""

# (kind, words for people, ARIA landmark). Kinds a usa-* class names come first: a USWDS side
# navigation is a <ul class="usa-sidenav"> inside a <nav>, and the nearest block wins.
_CLASS_KINDS = (("usa-banner", "official banner", ""), ("usa-identifier", "identifier", ""),
                ("usa-sidenav", "side navigation", "navigation"))
_ROLE_KINDS = {"banner": ("header", "banner"), "navigation": ("navigation", "navigation"),
               "contentinfo": ("footer", "contentinfo"), "complementary": ("sidebar", "complementary"),
               "search": ("search", "search")}
_TAG_KINDS = {"header": ("header", "banner"), "nav": ("navigation", "navigation"),
              "footer": ("footer", "contentinfo"), "aside": ("sidebar", "complementary"),
              "search": ("search", "search")}
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
"""A <header>/<footer> inside one of these is that section's header, not the page's banner/contentinfo."""

_MARKER_CLASS = re.compile(r"(?i)(?:^|[-_])(?:current|active|selected)(?:[-_]|$)")
"""Classes that mark the page being shown (``usa-current``, ``is-active``, ``current-menu-item``)."""
_SKIP_TEXT = frozenset({"script", "style", "template", "noscript"})
_OPEN_TAG = re.compile(r"<\s*([A-Za-z][\w:-]*)")


__all__ = ["assign", "block_cluster_id", "cluster_of", "enclosing_block", "fix_phrase", "locate", "singleton_id",
           "summarize", "template_fingerprint"]


def block_cluster_id(check_id: str, template: str, path: str, identity: str) -> str:
    """The cluster of a finding on a shared block: check + block template + element in it."""
    basis = "\x1f".join([f"v{CLUSTER_VERSION}", check_id, template, path, identity])
    return "b" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:15]


# -- locating an element --------------------------------------------------------------------

@lru_cache(maxsize=2048)
def _compiled(selector: str):
    """The selector compiled to an XPath evaluator, or None when it is not CSS cssselect knows
    (axe-core writes plain CSS; a few pseudo-classes are browser-only)."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector
    from lxml.etree import XPathError

    try:
        return CSSSelector(selector, translator="html")
    except (SelectorError, XPathError, ValueError, TypeError):
        return None


def _fold(value: str) -> str:
    return _WS.sub(" ", _ABS_URL.sub("", _html.unescape(value))).strip()


def _tag_identity(tag: str, attrs: dict[str, str]) -> str:
    kept = sorted(f'{k}="{_fold(v)}"' for k, v in attrs.items() if k in IDENTITY_ATTRIBUTES)
    return "<" + " ".join([tag, *kept]) + ">"


def _snippet_open_tag(snippet: str) -> str | None:
    """The identity of the snippet's first start tag (None when the snippet has none: a URL,
    a quoted sentence)."""
    s = snippet.lstrip()
    if not s.startswith("<"):
        return None
    m = _TAG.match(s)
    if not m or m.group(1):
        return None
    attrs = {}
    for a in _ATTR.finditer(m.group(3)):
        attrs[a.group(1).lower()] = next((v for v in a.group(2, 3, 4) if v is not None), "")
    return _tag_identity(m.group(2).lower(), attrs)


def _element_open_tag(el) -> str:
    return _tag_identity(str(el.tag).lower(), {str(k).lower(): str(v) for k, v in el.attrib.items()})


def locate(doc, selector: str, snippet: str = ""):
    """The one element ``selector`` names in ``doc``, or None when that is not certain.

    Certain means: a plain CSS selector (not an iframe ``|`` or shadow-DOM ``>>>`` path) that
    matches exactly one element whose start tag has the snippet's tag and identity attributes
    (when the snippet has a start tag; a selector that matches several elements is settled by
    that test or not at all)."""
    selector = (selector or "").strip()
    if not selector or len(selector) > MAX_SELECTOR_CHARS or "|" in selector or ">>>" in selector:
        return None
    compiled = _compiled(selector)
    if compiled is None:
        return None
    try:
        matches = compiled(doc)
    except Exception:  # an XPath lxml cannot evaluate on this document: not certain
        return None
    want = _snippet_open_tag(snippet) if snippet else None
    if want is not None:
        matches = [m for m in matches if isinstance(m.tag, str) and _element_open_tag(m) == want]
    return matches[0] if len(matches) == 1 else None


# -- the enclosing shared block -------------------------------------------------------------

def _kind(el) -> tuple[str, str] | None:
    """(words, landmark) when ``el`` is a shared block, else None."""
    if not isinstance(el.tag, str):
        return None
    classes = (el.get("class") or "").split()
    for cls, words, landmark in _CLASS_KINDS:
        if cls in classes:
            return words, landmark
    role = (el.get("role") or "").strip().lower().split()
    if role:
        return _ROLE_KINDS.get(role[0])  # an explicit role decides, whatever the tag
    tag = el.tag.lower()
    kind = _TAG_KINDS.get(tag)
    if kind and tag in ("header", "footer"):
        if any(isinstance(a.tag, str) and a.tag.lower() in _SECTIONING for a in el.iterancestors()):
            return None
    return kind


def enclosing_block(el) -> tuple[Any, str, str] | None:
    """(block element, words, landmark) of the nearest shared block holding ``el`` (``el``
    itself when it is one), or None."""
    node = el
    while node is not None:
        kind = _kind(node)
        if kind:
            return node, kind[0], kind[1]
        node = node.getparent()
    return None


def _stable_classes(el) -> list[str]:
    return [c for c in (el.get("class") or "").split() if not _MARKER_CLASS.search(c)]


def block_selector(block) -> str:
    """A short readable selector for the block: tag#id, tag.class.class, or tag[role=...]."""
    tag = str(block.tag).lower()
    if block.get("id"):
        return f"{tag}#{block.get('id')}"
    classes = _stable_classes(block)
    if classes:
        return tag + "." + ".".join(classes[:2])
    if block.get("role"):
        return f'{tag}[role="{block.get("role")}"]'
    if block.get("aria-label"):
        return f'{tag}[aria-label="{_fold(block.get("aria-label"))[:60]}"]'
    return tag


def template_fingerprint(block, base_url: str) -> str | None:
    """The block's markup reduced to what its template is (None when it is too big to be one).

    Tags, identity attributes (links resolved against the page, so ``../about`` and ``/about``
    written on two pages compare by where they go; host dropped), classes without per-page
    markers, and text (not of scripts or styles), whitespace-folded."""
    parts: list[str] = []
    n = 0
    for el in block.iter():
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el is not block and el.tail:
                parts.append(_WS.sub(" ", el.tail).strip())
            continue
        n += 1
        if n > MAX_BLOCK_ELEMENTS:
            return None
        attrs = []
        for k, v in el.attrib.items():
            k = str(k).lower()
            if k in ("href", "src", "action") and v:
                v = _path_of(urljoin(base_url, v.strip()))
            if k in IDENTITY_ATTRIBUTES:
                attrs.append(f'{k}="{_fold(v)}"')
        classes = _stable_classes(el)
        if classes:
            attrs.append(f'class="{" ".join(sorted(classes))}"')
        parts.append("<" + " ".join([el.tag.lower(), *sorted(attrs)]) + ">")
        if el.text and el.tag.lower() not in _SKIP_TEXT:
            parts.append(_WS.sub(" ", el.text).strip())
        if el is not block and el.tail:
            parts.append(_WS.sub(" ", el.tail).strip())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def _path_of(url: str) -> str:
    p = urlsplit(url)
    if p.scheme in ("http", "https", ""):
        return (p.path or "/") + (f"?{p.query}" if p.query else "") + (f"#{p.fragment}" if p.fragment else "")
    return url


def relative_path(block, el) -> str:
    """``el``'s place under ``block``: tag:nth-of-type steps ("" for the block itself)."""
    steps = []
    node = el
    while node is not None and node is not block:
        parent = node.getparent()
        if parent is None:
            break
        same = [c for c in parent if c.tag == node.tag]
        steps.append(f"{node.tag}:nth-of-type({same.index(node) + 1})" if len(same) > 1 else str(node.tag))
        node = parent
    return " > ".join(reversed(steps))


def _base_url(doc, page_url: str) -> str:
    for base in doc.iter("base"):
        if base.get("href"):
            return urljoin(page_url, base.get("href").strip())
        break
    return page_url


def assign(findings: list[Finding], html: str, page_url: str) -> None:
    """Give each of one page's findings its cluster id and block (in place).

    A finding located with certainty inside a shared block gets the block's cluster; every
    other one keeps its singleton id (set when the Finding was made)."""
    wanted = [f for f in findings if f.selector and f.check_id not in CONTEXT_DEPENDENT_CHECKS]
    if not wanted or not html:
        return
    from checks._html import parse  # cached: the page's checks parsed the same HTML

    doc = parse(html)
    base = _base_url(doc, page_url)
    located: dict[tuple[str, str], Any] = {}
    templates: dict[int, tuple[str | None, dict[str, str]]] = {}
    for f in wanted:
        key = (f.selector, (_snippet_open_tag(f.snippet) or "") if f.snippet else "")
        if key not in located:
            if len(located) >= MAX_SELECTORS_PER_PAGE:
                continue
            located[key] = locate(doc, f.selector, f.snippet)
        el = located[key]
        if el is None:
            continue
        found = enclosing_block(el)
        if found is None:
            continue
        block, words, landmark = found
        if id(block) not in templates:
            templates[id(block)] = (template_fingerprint(block, base),
                                    {"name": words, "landmark": landmark, "selector": block_selector(block)})
        template, named = templates[id(block)]
        if template is None:
            continue
        f.cluster_id = block_cluster_id(f.check_id, template, relative_path(block, el), element_identity(f.snippet))
        f.block = dict(named)


# -- the run's clusters, for the reports ----------------------------------------------------

SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
EXAMPLE_PAGES = 3


def cluster_of(f: dict[str, Any]) -> str:
    """A finding dict's cluster id (a singleton id for findings stored before clusters)."""
    return f.get("cluster_id") or singleton_id(f.get("fingerprint") or "")


def summarize(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's clusters, worst first (severity, then pages, then occurrences): id, check,
    severity, status, message, block, pages, occurrences and a few example pages."""
    by_id: dict[str, dict[str, Any]] = {}
    for f in findings:
        cid = cluster_of(f)
        c = by_id.get(cid)
        if c is None:
            c = by_id[cid] = {"id": cid, "check_id": f["check_id"], "severity": f["severity"], "status": f["status"],
                              "block": f.get("block"), "selector": f.get("selector") or "", "_pages": {},
                              "_messages": Counter(), "occurrences": 0}
        c["occurrences"] += 1
        c["_pages"].setdefault(f.get("page_url") or "", None)
        c["_messages"][f.get("message") or ""] += 1
        if SEVERITY_RANK.get(f["severity"], 0) > SEVERITY_RANK.get(c["severity"], 0):
            c["severity"] = f["severity"]
        if f["status"] == "fail":
            c["status"] = "fail"
    out = []
    for c in by_id.values():
        pages = [p for p in c.pop("_pages") if p]
        c["message"] = c.pop("_messages").most_common(1)[0][0]
        c["pages"] = len(pages)
        c["example_pages"] = pages[:EXAMPLE_PAGES]
        out.append(c)
    out.sort(key=lambda c: (-SEVERITY_RANK.get(c["severity"], 0), -c["pages"], -c["occurrences"], c["id"]))
    return out


def fix_phrase(block: dict[str, Any] | None) -> str:
    """'fix once in the footer (footer.usa-footer)' for a block cluster, '' for a singleton."""
    if not block:
        return ""
    return f"fix once in the {block['name']} ({block['selector']})"
