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
from the snippet's, CSS the matcher does not know), are singletons: their cluster id is derived
from their own fingerprint.
A wrong merge would tell a developer a problem is fixed in one place when it is not, so every
doubt ends in a singleton.

Locating is bounded work: the page's blocks are found once (libxml2), a finding's selector is
matched right to left against candidate elements in the blocks first (most findings are in the
main content and stop there), and only a finding with a candidate in a block is checked for
uniqueness over the whole page.

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

from lxml import etree

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


__all__ = ["PageIndex", "assign", "block_cluster_id", "cluster_of", "enclosing_block", "fix_phrase", "locate_in_block",
           "singleton_id", "summarize", "template_fingerprint"]


def block_cluster_id(check_id: str, template: str, path: str, identity: str) -> str:
    """The cluster of a finding on a shared block: check + block template + element in it."""
    basis = "\x1f".join([f"v{CLUSTER_VERSION}", check_id, template, path, identity])
    return "b" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:15]


# -- locating an element --------------------------------------------------------------------

class _Unsupported(Exception):
    """A selector feature the matcher does not know: the finding stays a singleton."""


_NTH = {"nth-child": (False, False), "nth-last-child": (False, True), "nth-of-type": (True, False),
        "nth-last-of-type": (True, True)}
_PSEUDO = {"first-child", "last-child", "only-child", "first-of-type", "last-of-type", "only-of-type", "root",
           "empty"}


@lru_cache(maxsize=4096)
def _parsed(selector: str):
    """The selector's parse tree (cssselect), or None when it is not one plain CSS selector the
    matcher knows (a selector list, a pseudo-element, :hover, :has()...)."""
    from cssselect import SelectorError, parse
    from cssselect.parser import parse_series

    try:
        found = parse(selector)
    except (SelectorError, ValueError, TypeError):
        return None
    if len(found) != 1 or found[0].pseudo_element is not None:
        return None
    tree = found[0].parsed_tree

    def check(node) -> None:  # every node a kind _match knows; nth arguments parsed once
        kind = type(node).__name__
        if kind == "Element":
            if node.namespace not in (None, "*"):
                raise _Unsupported(kind)
        elif kind in ("Hash", "Class", "Attrib"):
            if kind == "Attrib" and (node.namespace not in (None, "*") or node.operator not in
                                     ("exists", "=", "~=", "^=", "$=", "*=", "|=", "!=")):
                raise _Unsupported(kind)
            check(node.selector)
        elif kind == "Function":
            if node.name not in _NTH:
                raise _Unsupported(node.name)
            node._ia_series = parse_series(node.arguments)
            check(node.selector)
        elif kind == "Pseudo":
            if node.ident not in _PSEUDO:
                raise _Unsupported(node.ident)
            check(node.selector)
        elif kind == "Negation":
            check(node.selector)
            check(node.subselector)
        elif kind == "CombinedSelector":
            if node.combinator not in (" ", ">", "+", "~"):
                raise _Unsupported(node.combinator)
            check(node.selector)
            check(node.subselector)
        else:
            raise _Unsupported(kind)

    try:
        check(tree)
    except (_Unsupported, ValueError, TypeError):
        return None
    return tree


@lru_cache(maxsize=4096)
def _subject_xpath(selector: str):
    """libxml2's search for candidates of the selector (a superset of its matches), so a page's
    10,000 links are not each looked at in Python. None when it cannot be built."""
    tree = _parsed(selector)
    if tree is None:
        return None
    # The whole selector when libxml2 runs it fast: its first compound names a tag or an id (a
    # name test, not a class test on every element) and nothing counts siblings (``nth-child``
    # is a count of preceding siblings per element: quadratic on a long list). Else its last
    # compound: a superset, which _match then narrows.
    first = selector.lstrip()[:1]
    if (first in "." + "[" + ":" + "*") or re.search(r"nth-|-child|-of-type", selector):
        while type(tree).__name__ == "CombinedSelector":
            tree = tree.subselector
    try:
        from cssselect import HTMLTranslator

        return etree.XPath("descendant-or-self::" + str(HTMLTranslator().xpath(tree)))
    except Exception:  # a translation cssselect refuses: the Python scan of the tag decides
        return None


def _rightmost_tag(node) -> str:
    """The tag the selector's subject must have ("*" for any)."""
    while type(node).__name__ != "Element":
        node = node.subselector if type(node).__name__ == "CombinedSelector" else node.selector
    return (node.element or "*").lower()


def _elements(parent) -> list:
    return [c for c in parent if isinstance(c.tag, str)]


def _match(node, el) -> bool:
    """Whether element ``el`` matches the parsed selector ``node`` (right to left, as browsers do)."""
    kind = type(node).__name__
    if kind == "Element":
        return node.element in (None, "*") or str(el.tag).lower() == node.element.lower()
    if kind == "CombinedSelector":
        if not _match(node.subselector, el):
            return False
        if node.combinator == ">":
            parent = el.getparent()
            return parent is not None and _match(node.selector, parent)
        if node.combinator == " ":
            return any(_match(node.selector, a) for a in el.iterancestors())
        previous = [s for s in el.itersiblings(preceding=True) if isinstance(s.tag, str)]
        if node.combinator == "+":
            return bool(previous) and _match(node.selector, previous[0])
        return any(_match(node.selector, s) for s in previous)  # "~"
    if not _match(node.selector, el):
        return False
    if kind == "Hash":
        return el.get("id") == node.id
    if kind == "Class":
        return node.class_name in (el.get("class") or "").split()
    if kind == "Attrib":
        have = el.get(node.attrib.lower())
        if node.operator == "exists":
            return have is not None
        want = getattr(node.value, "value", node.value) or ""
        if node.operator == "!=":
            return have != want
        if have is None:
            return False
        return {"=": have == want, "~=": want in have.split(), "^=": bool(want) and have.startswith(want),
                "$=": bool(want) and have.endswith(want), "*=": bool(want) and want in have,
                "|=": have == want or have.startswith(want + "-")}[node.operator]
    if kind == "Negation":
        return not _match(node.subselector, el)
    parent = el.getparent()
    siblings = _elements(parent) if parent is not None else [el]
    if kind == "Function":
        of_type, from_end = _NTH[node.name]
        pool = [s for s in siblings if s.tag == el.tag] if of_type else siblings
        if from_end:
            pool = pool[::-1]
        n = pool.index(el) + 1
        a, b = node._ia_series
        return n == b if a == 0 else (n - b) % a == 0 and (n - b) // a >= 0
    # Pseudo
    ident = node.ident
    if ident == "root":
        return parent is None
    if ident == "empty":
        return len(el) == 0 and not el.text
    same = [s for s in siblings if s.tag == el.tag] if ident.endswith("-of-type") else siblings
    first, last = same[0] is el, same[-1] is el
    return {"first": first, "last": last, "only": first and last}[ident.split("-")[0]]


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


class PageIndex:
    """One page's parsed document with what locating findings needs, built lazily and once:
    its outermost shared blocks, elements by tag (inside blocks; in the whole document) and
    their start-tag identities."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self._blocks: list | None = None
        self._in_blocks: dict[str, list] = {}
        self._everywhere: dict[str, list | None] = {}
        self._identity: dict[Any, str] = {}  # lxml elements hash by identity; held here, so stable

    def blocks(self) -> list:
        """The shared blocks not inside another one."""
        if self._blocks is None:
            # landmark tags by lxml's C iteration, role/class blocks by one compiled XPath
            # (``descendant::`` from the document: ~0.4 us an element, a third of ``//*``)
            found = [el for el in dict.fromkeys((*self.doc.iter(*_BLOCK_TAGS), *_BLOCK_XPATH(self.doc))) if _kind(el)]
            inside = set(found)
            self._blocks = [el for el in found if not any(a in inside for a in el.iterancestors())]
        return self._blocks

    def in_blocks(self, tag: str) -> list:
        if tag not in self._in_blocks:
            self._in_blocks[tag] = [el for b in self.blocks() for el in (b.iter() if tag == "*" else b.iter(tag))
                                    if isinstance(el.tag, str)]
        return self._in_blocks[tag]

    def everywhere(self, tag: str) -> list | None:
        """Every element of ``tag`` in the document; None for "*" or more than the cap."""
        if tag not in self._everywhere:
            out: list | None = []
            if tag == "*":
                out = None
            else:
                for el in self.doc.iter(tag):
                    out.append(el)
                    if len(out) > MAX_TAG_ELEMENTS:
                        out = None
                        break
            self._everywhere[tag] = out
        return self._everywhere[tag]

    def identity(self, el) -> str:
        got = self._identity.get(el)
        if got is None:
            got = self._identity[el] = _element_open_tag(el)
        return got


_BLOCK_TAGS = ("header", "footer", "nav", "aside", "search")
_BLOCK_XPATH = etree.XPath("descendant::*[@role or contains(@class, 'usa-')]")
"""With _BLOCK_TAGS, every element that may be a shared block (:func:`_kind` decides)."""

MAX_TAG_ELEMENTS = 20000
"""Elements of one tag a page may have for a finding on it to be located (bounds the work)."""


def locate_in_block(index: PageIndex, selector: str, snippet: str = ""):
    """The element ``selector`` names when it is certainly one element inside a shared block,
    else None (not in a block, or not certain).

    Certain means: one plain CSS selector (not an iframe ``|`` or shadow-DOM ``>>>`` path) that
    matches exactly one element of the whole document whose start tag has the snippet's tag and
    identity attributes (when the snippet has a start tag). The selector is matched right to
    left against candidates (the snippet's tag), never run over the whole document: a finding
    with no candidate inside a block is settled without looking further."""
    selector = (selector or "").strip()
    if not selector or len(selector) > MAX_SELECTOR_CHARS or "|" in selector or ">>>" in selector:
        return None
    tree = _parsed(selector)
    if tree is None:
        return None
    tag = _rightmost_tag(tree)
    want = _snippet_open_tag(snippet) if snippet else None
    if want is not None:
        snippet_tag = want[1:-1].split(" ", 1)[0]
        if tag not in ("*", snippet_tag):
            return None
        tag = snippet_tag

    def fits(el) -> bool:  # the selector first: it rejects most elements at their tag or parent
        return _match(tree, el) and (want is None or index.identity(el) == want)

    if not any(fits(el) for el in index.in_blocks(tag)):
        return None
    everywhere = index.everywhere(tag) if (subject := _subject_xpath(selector)) is None else subject(index.doc)
    if everywhere is None or len(everywhere) > MAX_TAG_ELEMENTS:
        return None
    found = None
    for el in everywhere:
        if fits(el):
            if found is not None:
                return None  # two elements fit: not certain which one the finding is about
            found = el
    return found


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

    index = PageIndex(parse(html))
    if not index.blocks():
        return
    base = _base_url(index.doc, page_url)
    located: dict[tuple[str, str], Any] = {}
    templates: dict[Any, tuple[str | None, dict[str, str]]] = {}
    for f in wanted:
        key = (f.selector, (_snippet_open_tag(f.snippet) or "") if f.snippet else "")
        if key not in located:
            if len(located) >= MAX_SELECTORS_PER_PAGE:
                continue
            located[key] = locate_in_block(index, f.selector, f.snippet)
        el = located[key]
        found = enclosing_block(el) if el is not None else None
        if found is None:
            continue
        block, words, landmark = found
        if block not in templates:
            templates[block] = (template_fingerprint(block, base),
                                {"name": words, "landmark": landmark, "selector": block_selector(block)})
        template, named = templates[block]
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
