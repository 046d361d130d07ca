"""Main-content extraction shared by plain language and near-duplicate detection."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache

from ._html import fold, parse

BOILERPLATE = ("nav", "header", "footer", "aside", "script", "style", "noscript", "template", "form")
BOILERPLATE_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
_WORD = re.compile(r"[A-Za-zÀ-ÿ0-9'’-]+")


@lru_cache(maxsize=16)
def main_text(html: str) -> str:
    """Visible text of <main>/<article>/[role=main] (else <body>), without nav/header/footer.

    Cached like ``parse``: five checks of a page read it (four plain-language checks and the
    near-duplicate summary), and each extraction copies and walks the main element's tree.
    """
    doc = parse(html)
    roots = doc.xpath("//main|//*[@role='main']") or doc.xpath("//article") or doc.xpath("//body")
    if not roots:
        return ""
    from copy import deepcopy

    root = deepcopy(roots[0])
    for el in list(root.iter()):
        if el.getparent() is None or not isinstance(el.tag, str):
            continue
        if el.tag in BOILERPLATE or (el.get("role") or "") in BOILERPLATE_ROLES or \
                "usa-banner" in (el.get("class") or "") or el.get("hidden") is not None:
            el.drop_tree()
    # block elements end sentences even without punctuation (headings, list items)
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd"):
        el.tail = (el.tail or "")
        if el.text_content().strip() and not re.search(r"[.!?:]\s*$", el.text_content()):
            el.append(_mark())
    return fold(" ".join(t for t in root.itertext()))


def _mark():
    import lxml.html

    el = lxml.html.Element("span")
    el.text = ". "
    return el


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def simhash(text: str, k: int = 5) -> str | None:
    """64-bit simhash of k-word shingles (hex); None when the text is too short to compare.

    Bit b is set when more than half the shingle hashes have it set. Counted per byte
    value (at most 256 per byte position) instead of per bit of every hash: the same
    result, ~10x faster on long pages (it runs for every audited page).
    """
    w = [x.lower() for x in words(text)]
    if len(w) < 40:
        return None
    digests = [hashlib.blake2b(" ".join(w[i:i + k]).encode(), digest_size=8).digest()
               for i in range(len(w) - k + 1)]
    ones = [0] * 64
    for pos in range(8):  # digest byte ``pos`` holds bits 8*(7-pos) .. 8*(7-pos)+7 of the big-endian int
        base = 8 * (7 - pos)
        for val, count in Counter(d[pos] for d in digests).items():
            for bit in range(8):
                if val >> bit & 1:
                    ones[base + bit] += count
    n = len(digests)
    return f"{sum(1 << b for b in range(64) if 2 * ones[b] > n):016x}"


def _simhash_reference(text: str, k: int = 5) -> str | None:
    """The textbook per-bit simhash (kept for the equivalence test)."""
    w = [x.lower() for x in words(text)]
    if len(w) < 40:
        return None
    v = [0] * 64
    for i in range(len(w) - k + 1):
        h = int.from_bytes(hashlib.blake2b(" ".join(w[i:i + k]).encode(), digest_size=8).digest(), "big")
        for b in range(64):
            v[b] += 1 if h >> b & 1 else -1
    return f"{sum(1 << b for b in range(64) if v[b] > 0):016x}"


def hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


#: Running prose: the blocks plain-language advice is about.
PROSE_BLOCKS = ("p", "li", "dd")
#: Not the site's own running prose: code, tables (data, and the before/after example tables of
#: a plain-language guide), quotations, captions, controls, and the page's furniture.
NOT_PROSE = frozenset(BOILERPLATE + ("pre", "code", "kbd", "samp", "table", "blockquote", "q", "figcaption",
                                     "caption", "button", "label", "select", "textarea", "h1", "h2", "h3", "h4",
                                     "h5", "h6"))
#: Class names of cards, pagination, breadcrumbs, side navigation, tags and bylines, and of
#: examples marked as such ("example", "before", "dont", "incorrect").
NOT_PROSE_CLASS = re.compile(r"(?:^|[\s_-])(?:cards?|collection|pagination|pager|breadcrumbs?|sidenav|tags?|byline|"
                             r"meta|prev|next|examples?|before|dont|do-not|incorrect|wrong)(?:$|[\s_-])", re.I)
#: A heading that marks what follows it (to the next heading of its level or higher) as an
#: example of what not to write: plainlanguage.gov's "Before" / "After" pairs.
EXAMPLE_HEADING = re.compile(r"(?:before|original(?: (?:version|text|wording))?|before revision|don[’']?t|do not|"
                             r"incorrect|wrong|bad(?: example)?|avoid|not this|instead of this)\s*:?", re.I)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_URL = re.compile(r"\(?\bhttps?://[^\s)]+\)?")
#: A block shorter than this, without closing punctuation, is a label or a link line.
MIN_PROSE_WORDS = 12
#: A block whose words are mostly link text is a link list or a card, not prose.
MAX_LINK_SHARE = 0.5


def _not_prose(el, root) -> bool:
    for a in [el, *el.iterancestors()]:
        if not isinstance(a.tag, str):
            continue
        if a.tag in NOT_PROSE or (a.get("role") or "") in BOILERPLATE_ROLES or a.get("hidden") is not None \
                or (a.get("aria-hidden") or "") == "true" or NOT_PROSE_CLASS.search(a.get("class") or "") \
                or "usa-banner" in (a.get("class") or ""):
            return True
        if a is root:
            break
    return False


def _own_text(el) -> tuple[str, str]:
    """The block's text and the part of it that is link text, without nested prose blocks
    and nested lists (read on their own)."""
    parts: list[tuple[str, bool]] = []

    def walk(e, in_link: bool) -> None:
        if e.text:
            parts.append((e.text, in_link))
        for child in e:
            if child.tag == "br":
                parts.append(("\n", False))  # a line break ends a line of its own ("DATE: ...<br>TIME: ...")
            elif isinstance(child.tag, str) and child.tag not in _NESTED:
                walk(child, in_link or child.tag == "a")
            if child.tail:
                parts.append((child.tail, in_link))

    walk(el, el.tag == "a")
    text = "\n".join(fold(line) for line in "".join(t for t, _ in parts).split("\n"))
    return text.strip("\n"), fold(" ".join(t for t, link in parts if link))


_NESTED = frozenset(PROSE_BLOCKS + ("ul", "ol", "dl", "script", "style", "template"))


@lru_cache(maxsize=16)
def prose_text(html: str) -> str:
    """The main content's running prose: paragraphs, list items and definitions written in
    sentences; not headings, navigation, cards, link lists, pagination ("Previous", "Next"),
    captions, code, tables or quotations and examples marked as such (by a class name, or
    by a heading such as "Before" over them). Each block ends a sentence."""
    doc = parse(html)
    roots = doc.xpath("//main|//*[@role='main']") or doc.xpath("//article") or doc.xpath("//body")
    if not roots:
        return ""
    root = roots[0]
    out = []
    example_at: dict[int, bool] = {}  # heading level -> its section is a marked example
    for el in root.iter(*PROSE_BLOCKS, *_HEADINGS):
        if el.tag in _HEADINGS:
            level = int(el.tag[1])
            example_at = {k: v for k, v in example_at.items() if k < level}
            example_at[level] = bool(EXAMPLE_HEADING.fullmatch(fold(el.text_content())))
            continue
        if any(example_at.values()) or _not_prose(el, root):
            continue
        text, link_text = _own_text(el)
        text = _URL.sub("", text)  # a printed address is not words to read ("Read more (https://...)")
        n = len(words(text))
        if not n:
            continue
        if len(words(link_text)) / n >= MAX_LINK_SHARE:
            continue
        for line in text.split("\n"):
            line = fold(line)
            if not line:
                continue
            ended = re.search(r"[.!?:;]['\"’”)]*\s*$", line)
            if len(words(line)) < MIN_PROSE_WORDS and not ended:
                continue
            # the block (or line) ends a sentence even when it ends in a colon before a list
            out.append(line if re.search(r"[.!?]['\"’”)]*\s*$", line) else line + ".")
    return " ".join(out)
