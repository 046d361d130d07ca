"""Component-aware measurement: a block that repeats from page to page (the skip link,
USWDS banner, header and navigation before ``<main>``) is Tab-walked once per run and its
focus stops reused on later pages where it is provably identical (issue 24).

The block here is the page's *leading block*: everything in ``<body>`` before ``<main>``
(or ``[role=main]``), in document order. Its Tab stops are the first stops of the walk when
no positive tabindex reorders focus, so a page whose leading block has the fingerprint of
one walked before can skip the Tab presses through it:

1. press Tab once and check focus lands on the recorded first stop (entry proven);
2. copy the recorded stops, focus the block's last stop from script, and go on with real
   Tab presses; the first of them must land on the recorded next element (exit proven).

Any mismatch re-walks the page from the top (a *fallback*, counted). The fingerprint is a
hash of everything :data:`FINGERPRINT_JS` reads that can change how the block renders or
behaves (:func:`fingerprint`); what cannot be fingerprinted makes the page *not memoisable*
and it is measured as without memo. ``--no-memo`` (``Settings.memo`` False) runs the old
path only: nothing here is called.

Reused besides the stops: the blur/focusout listener lookups of the refocus test for the
block's controls (``blur_listeners_reusing`` in the keyboard gatherer).

Limits (what the fingerprint takes on trust): a stylesheet or external script is known by
its URL, not its content (a server that answers one URL differently from page to page is
not seen); script state that shows nowhere in the DOM (a variable a page's own data sets
before the walk) is not seen, though every script's text and URL is in the fingerprint and
the first stop is compared field by field on every page.

The *trailing block* (footer and identifier: everything in ``<body>`` after ``<main>``) is
reused too (:data:`TRAILING_FINGERPRINT_JS`, :class:`TrailingWalk`). Its controls are the
page's last ones (ids ``start``..N-1, ``start`` differs from page to page with the length of
main), so a recorded walk keeps ids relative to ``start`` and y relative to the block's top.
The walk Tabs for real up to the block's first control (entry proven: compared field by field
with the record), focuses the block's last recorded control from script and presses Tab once:
focus must leave the page as recorded (exit proven), and the block's markup must be as it
was. The stops between are copied with this page's ids, y, selector and snippet. A mismatch
puts focus back on the entry (and the scroll where it was) and the walk goes on with real
presses (a trailing *fallback*). Its fingerprint differs from the leading one in one
respect: a class name on ``<html>``/``<body>`` that no style rule's selector and no inline
script names (all sheets readable, no ``[class`` attribute selector) is left out, so a page's
own slug class (plainlanguage.gov) does not make every footer distinct; scripts that read the
class are trusted as scripts that read the URL are.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

#: Characters of page text (block markup, inline styles and scripts) read for one
#: fingerprint; a page with more is not memoised (the read would cost more than it saves).
MAX_FINGERPRINT_CHARS = 2_000_000

#: The root's and body's attributes as the fingerprints read them (``outer(el)``).
OUTER_JS = r"""
  // the root's and body's attributes, except class names no style rule names: a page's own
  // class on body (plainlanguage.gov: its slug) cannot change how the block looks when no
  // selector mentions it. Proven only when every rule can be read (same-origin sheets) and
  // none selects on the class attribute itself; else every class counts.
  const selectors = [];
  let readable = true;
  const collect = (rules) => { for (const r of rules) { if (r.selectorText) selectors.push(r.selectorText);
    if (r.cssRules) collect(r.cssRules); if (r.styleSheet) collect(r.styleSheet.cssRules); } };
  for (const sheet of document.styleSheets) { try { collect(sheet.cssRules); } catch (e) { readable = false; } }
  const texts = selectors.join('\n');
  const inline = [...document.scripts].map(s => s.textContent).join('\n');
  // a name counts where a selector could mention it (a substring is enough: stricter)
  const named = (c) => !readable || /\[\s*class/i.test(texts) || inline.includes(c) || texts.includes('.' + CSS.escape(c));
  const outer = (el) => [...el.attributes].map(a => a.name + '=' + (a.name === 'class'
    ? [...el.classList].map(c => named(c) ? c : '-').join(' ') : a.value)).join(' ');
"""

# Runs after the keyboard action's MARK_JS (elements carry data-ia-kbd=N in document order)
# and before the walk. Returns {reason} when the page cannot be memoised, else the raw
# parts of the fingerprint, which Python hashes (crypto.subtle is missing on http pages).
FINGERPRINT_JS = r"""
(limit) => {
  const main = document.querySelector('main, [role=main]');
  if (!main || !document.body || !document.body.contains(main)) return {reason: 'no main landmark'};
  const before = (el) => !!(el.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING) && !el.contains(main);
  // the block must be one that repeats: a banner, header or navigation before main
  const blocks = [...document.querySelectorAll('.usa-banner, header, [role=banner], nav, [role=navigation]')].filter(before);
  if (!blocks.length) return {reason: 'no header or navigation before main'};
  const marked = [...document.querySelectorAll('[data-ia-kbd]')];
  const ids = marked.filter(before).map(el => Number(el.getAttribute('data-ia-kbd')));
  // the block's controls are numbered first, 0..n-1, when it comes first in document order
  if (!ids.length) return {reason: 'nothing operable before main'};
  if (ids.some((id, i) => id !== i)) return {reason: 'operable elements of the block are not first'};
  if (marked.some(el => !before(el) && el.contains(main))) return {reason: 'an operable element contains main'};
  // a positive tabindex anywhere takes focus before the block: the walk does not start in it
  if ([...document.querySelectorAll('[tabindex]')].some(el => el.tabIndex > 0)) return {reason: 'positive tabindex'};
  const range = document.createRange();
  range.setStart(document.body, 0);
  range.setEndBefore(main);
  const frag = range.cloneContents();
  const all = [...frag.querySelectorAll('*')];
  // what serialised markup does not show: shadow trees (custom elements may hold closed
  // ones), frames' documents, plugins
  if (all.some(el => el.localName.includes('-'))) return {reason: 'custom element in the block'};
  if (frag.querySelector('iframe, frame, object, embed, portal')) return {reason: 'frame or plugin in the block'};
  const live = [...document.body.querySelectorAll('*')];
  const inBlock = (el) => before(el);
  if (live.some(el => el.shadowRoot && inBlock(el))) return {reason: 'shadow root in the block'};
  // a fixed or sticky element outside the block could cover its focused controls. One that is
  // not drawn covers nothing (hit testing skips it, as STOP_JS's elementFromPoint does): no
  // box at all (display:none on it or an ancestor: USWDS's closed mobile menu and overlay),
  // or hidden with nothing inside made visible again
  // A drawn one is harmless where it cannot reach the block's controls while they are walked:
  // the walk through the block happens at scroll 0 (a reused walk proves it, and a recorded one
  // keeps only stops on the first screen), where a fixed or sticky box is where it is now. So
  // the boxes of it and everything inside it must not meet any control's box, and nothing in
  // it may be moving (an animation or transition could bring it over them).
  const boxes = (els) => els.flatMap(e => [...e.getClientRects()]);
  const controlBoxes = boxes(marked.filter(before));
  const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  for (const el of live) {
    if (inBlock(el) || el === main) continue;
    const cs = getComputedStyle(el);
    if (cs.position !== 'fixed' && cs.position !== 'sticky') continue;
    if (!el.getClientRects().length) continue;
    const inside = [...el.querySelectorAll('*')];
    if (cs.visibility !== 'visible' && !inside.some(c => getComputedStyle(c).visibility === 'visible')) continue;
    if (inside.length > 2000) return {reason: 'fixed or sticky element outside the block too large to measure'};
    if (el.getAnimations({subtree: true}).length) return {reason: 'fixed or sticky element outside the block is animated'};
    const own = boxes([el, ...inside]);
    if (own.some(b => controlBoxes.some(c => meets(b, c)))) return {reason: 'fixed or sticky element outside the block over its controls'};
  }
  const active = document.activeElement;
  if (active && active !== document.body && active !== document.documentElement) return {reason: 'focus already on the page'};
  const block = new XMLSerializer().serializeToString(frag).replace(/ data-ia-skip="[^"]*"/g, '');
  const styles = [...document.querySelectorAll('link[rel~=stylesheet], style')].map(s =>
    s.localName === 'style' ? 'style:' + s.media + ':' + s.textContent
      : 'link:' + s.href + ':' + s.media + ':' + s.disabled + ':' + (s.getAttribute('rel') || ''));
  const sheets = [...document.styleSheets].map(s => (s.href || 'inline') + ':' + s.disabled + ':' + (s.media ? s.media.mediaText : ''));
  const scripts = [...document.scripts].map(s => s.src ? 'src:' + s.src + ':' + s.type : 'inline:' + s.type + ':' + s.textContent);
""" + OUTER_JS + r"""  const rect = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.width, r.height].map(v => Math.round(v * 100) / 100); };
  const parts = {
    block, styles, sheets, scripts,
    adopted: (document.adoptedStyleSheets || []).length,
    html: outer(document.documentElement), body: outer(document.body),
    hash: location.hash,
    viewport: [innerWidth, innerHeight, document.documentElement.clientWidth, document.documentElement.clientHeight,
               devicePixelRatio, scrollX, scrollY],
    main: rect(main).slice(0, 3),  // where the block ends (its height is the page's own)
    controls: marked.filter(before).map(rect),
    // form state serialised markup does not carry (a typed value, a checked box)
    state: [...document.querySelectorAll('input, select, textarea')].filter(before).map(el =>
      [el.value, el.checked, el.indeterminate, el.disabled]),
    ids: ids.length,
  };
  const size = block.length + styles.join('').length + scripts.join('').length;
  if (size > limit) return {reason: 'page too large to fingerprint'};
  return {parts, count: ids.length, height: innerHeight, width: innerWidth};
}
"""


# The block's markup alone, after the walk: a block whose markup its own Tab walk changed
# (a menu left open, a class a focus handler added) is not reused.
BLOCK_DOM_JS = r"""
() => {
  const main = document.querySelector('main, [role=main]');
  if (!main || !document.body) return '';
  const range = document.createRange();
  range.setStart(document.body, 0);
  range.setEndBefore(main);
  return new XMLSerializer().serializeToString(range.cloneContents()).replace(/ data-ia-skip="[^"]*"/g, '');
}
"""


# The trailing block: everything in <body> after main, in document order. Runs with
# FINGERPRINT_JS (after MARK_JS, before the walk). Returns {reason} or {parts, start, count,
# top, block}: the block's controls are ids start..start+count-1, the page's last ones;
# ``top`` is the block's top in document coordinates; ``block`` its markup with data-ia-kbd
# renumbered from 0 (what the learning and the reuse compare after the walk); ``ys`` the y
# (document coordinates, whole pixels) of each of its controls, by relative id.
TRAILING_FINGERPRINT_JS = r"""
(limit) => {
  const main = document.querySelector('main, [role=main]');
  if (!main || !document.body || !document.body.contains(main)) return {reason: 'no main landmark'};
  // after main's end in document order (not inside it, not one of its ancestors)
  const after = (el) => !main.contains(el) && !!(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  if (![...document.querySelectorAll('footer, [role=contentinfo], .usa-footer, .usa-identifier')].some(after))
    return {reason: 'no footer after main'};
  const marked = [...document.querySelectorAll('[data-ia-kbd]')];
  // MARK_JS marks at most 400: beyond, controls of the block could be left unmarked
  if (marked.length >= 400) return {reason: 'too many operable elements'};
  const ids = marked.filter(after).map(el => Number(el.getAttribute('data-ia-kbd')));
  if (!ids.length) return {reason: 'nothing operable after main'};
  const start = marked.length - ids.length;
  // the block's controls are the last ids, start..N-1, in document order
  if (ids.some((id, i) => id !== start + i)) return {reason: 'operable elements of the footer are not last'};
  if ([...document.querySelectorAll('[tabindex]')].some(el => el.tabIndex > 0)) return {reason: 'positive tabindex'};
  const range = document.createRange();
  range.setStartAfter(main);
  range.setEnd(document.body, document.body.childNodes.length);
  const frag = range.cloneContents();
  if ([...frag.querySelectorAll('*')].some(el => el.localName.includes('-'))) return {reason: 'custom element in the footer'};
  if (frag.querySelector('iframe, frame, object, embed, portal')) return {reason: 'frame or plugin in the footer'};
  const live = [...document.body.querySelectorAll('*')];
  if (live.some(el => el.shadowRoot && after(el))) return {reason: 'shadow root in the footer'};
  const box = range.getBoundingClientRect();
  const blockTop = box.top;
  // "drawn": as FINGERPRINT_JS (a box, and visible or with something inside made visible)
  const drawn = (el, cs) => el.getClientRects().length > 0 &&
    (cs.visibility === 'visible' || [...el.querySelectorAll('*')].some(c => getComputedStyle(c).visibility === 'visible'));
  for (const el of live) {
    const cs = getComputedStyle(el);
    if (cs.position !== 'fixed' && cs.position !== 'sticky') continue;
    if (!drawn(el, cs)) continue;
    if (after(el)) return {reason: 'fixed or sticky element in the footer'};
    // a fixed element can be drawn over the footer wherever the page is scrolled
    if (cs.position === 'fixed') return {reason: 'fixed element outside the footer'};
    // a sticky one stays inside its parent's box (plus whatever of its own content hangs
    // below it): it cannot reach a block that starts below that
    const parent = el.parentElement;
    if (!parent || ['contents', 'inline'].includes(getComputedStyle(parent).display))
      return {reason: 'sticky element that can reach the footer'};
    const own = el.getBoundingClientRect().bottom;
    const hang = Math.max(0, ...[...el.querySelectorAll('*')].map(c => c.getBoundingClientRect().bottom - own));
    if (parent.getBoundingClientRect().bottom + hang > blockTop) return {reason: 'sticky element that can reach the footer'};
  }
  const active = document.activeElement;
  if (active && active !== document.body && active !== document.documentElement) return {reason: 'focus already on the page'};
  const block = new XMLSerializer().serializeToString(frag).replace(/ data-ia-skip="[^"]*"/g, '')
    .replace(/ data-ia-kbd="(\d+)"/g, (m, n) => ' data-ia-kbd="' + (Number(n) - start) + '"');
  const styles = [...document.querySelectorAll('link[rel~=stylesheet], style')].map(s =>
    s.localName === 'style' ? 'style:' + s.media + ':' + s.textContent
      : 'link:' + s.href + ':' + s.media + ':' + s.disabled + ':' + (s.getAttribute('rel') || ''));
  const sheets = [...document.styleSheets].map(s => (s.href || 'inline') + ':' + s.disabled + ':' + (s.media ? s.media.mediaText : ''));
  const scripts = [...document.scripts].map(s => s.src ? 'src:' + s.src + ':' + s.type : 'inline:' + s.type + ':' + s.textContent);
""" + OUTER_JS + r"""  const top = blockTop + scrollY, left = box.left + scrollX;
  const mr = main.getBoundingClientRect();
  const parts = {
    trailing: true,  // never equal to a leading block's parts
    block, styles, sheets, scripts,
    adopted: (document.adoptedStyleSheets || []).length,
    html: outer(document.documentElement), body: outer(document.body),
    hash: location.hash,
    viewport: [innerWidth, innerHeight, document.documentElement.clientWidth, document.documentElement.clientHeight,
               devicePixelRatio, scrollX, scrollY],
    main: [mr.left, mr.width],
    left,  // the block's left (document coordinates); its top is the page's own
    // each control's box relative to the block's top-left (document coordinates)
    controls: marked.filter(after).map(el => { const r = el.getBoundingClientRect();
      return [r.left - box.left, r.top - blockTop, r.width, r.height]; }),
    state: [...document.querySelectorAll('input, select, textarea')].filter(after).map(el =>
      [el.value, el.checked, el.indeterminate, el.disabled]),
    ids: ids.length,
  };
  const size = block.length + styles.join('').length + scripts.join('').length;
  if (size > limit) return {reason: 'page too large to fingerprint'};
  // where each control is on this page: the y a stop on it records (STOP_JS rounds the same way)
  const ys = marked.filter(after).map(el => Math.round(el.getBoundingClientRect().top + scrollY));
  return {parts, start, count: ids.length, top, ys, block};
}
"""

# The trailing block's markup now, data-ia-kbd renumbered from ``start``: compared with its
# markup before the walk (learning) and before the jump (reuse).
TRAILING_DOM_JS = r"""
(start) => {
  const main = document.querySelector('main, [role=main]');
  if (!main || !document.body) return '';
  const range = document.createRange();
  range.setStartAfter(main);
  range.setEnd(document.body, document.body.childNodes.length);
  return new XMLSerializer().serializeToString(range.cloneContents()).replace(/ data-ia-skip="[^"]*"/g, '')
    .replace(/ data-ia-kbd="(\d+)"/g, (m, n) => ' data-ia-kbd="' + (Number(n) - start) + '"');
}
"""


def dom_hash(markup: str) -> str:
    return hashlib.sha256(markup.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(parts: dict[str, Any]) -> str:
    """The block's fingerprint: SHA-256 of the canonical JSON of everything read
    (:data:`FINGERPRINT_JS`): block markup (with our data-ia-kbd/-click marks, which say
    which controls and click listeners it has), stylesheet URLs and inline styles, script
    URLs and inline script text, the root and body attributes, URL fragment, viewport and
    scroll, and the left, top and width of main, and the layout of each control in the block."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class LeadingWalk:
    """What the Tab walk recorded through a leading block."""

    stops: tuple[dict[str, Any], ...]
    """The stops inside the block, first to last, as STOP_JS measured them."""
    next_id: int
    """data-ia-kbd of the first stop after the block (its exit)."""
    block_dom: str
    """Hash of the block's markup after the walk (a block its own walk changed is not kept)."""

    @property
    def first_id(self) -> int:
        return int(self.stops[0]["id"])

    @property
    def last_id(self) -> int:
        return int(self.stops[-1]["id"])


def leading_stops(stops: list[dict[str, Any]], count: int, width: int, height: int) -> tuple[list[dict[str, Any]],
                                                                                           int | None]:
    """The stops of a full walk that fall inside a leading block of ``count`` controls
    (ids 0..count-1) and the id of the first stop after them; ``([], None)`` when the walk
    cannot be reused: a stop without an id (focus on something not marked), a repeated
    one, a stop outside the first screen (Tab scrolled the page, which a jump would not),
    a walk that left the page inside the block, or fewer than two stops."""
    inside: list[dict[str, Any]] = []
    for stop in stops:
        sid = stop.get("id")
        if stop.get("body") or not isinstance(sid, int):
            return [], None
        if sid >= count:
            if len(inside) < 2:
                return [], None
            return inside, sid
        if any(s["id"] == sid for s in inside):
            return [], None
        if not (stop.get("x", -1) >= 0 and stop.get("y", -1) >= 0 and stop.get("x", 0) + stop.get("w", 0) <= width
                and stop.get("y", 0) + stop.get("h", 0) <= height and stop.get("in_view")):
            return [], None
        inside.append(stop)
    return [], None


@dataclass(frozen=True)
class TrailingWalk:
    """What the Tab walk recorded through a trailing block, relative to the block: ids minus
    the block's first id (``start``); y is left out (each page gives its own: the block's
    top moves with the length of main). Its exit is always the walk leaving the page
    (``{body: True}``)."""

    stops: tuple[dict[str, Any], ...]
    """The stops inside the block, first to last, as STOP_JS measured them (relative)."""

    @property
    def first(self) -> int:
        """Relative id of the block's first stop (its entry)."""
        return int(self.stops[0]["id"])

    @property
    def last(self) -> int:
        """Relative id of the block's last stop (focused from script before the exit press)."""
        return int(self.stops[-1]["id"])


def trailing_stops(stops: list[dict[str, Any]], start: int, ys: list[int]) -> tuple[dict[str, Any], ...] | None:
    """The stops of a full walk through a trailing block whose controls are ids ``start``..
    ``start+len(ys)-1`` at ``ys`` (y of each before the walk, document coordinates), relative
    to the block (:class:`TrailingWalk`); None when the walk cannot be reused: the block
    entered anywhere but at its first control (``start``) or entered before, a stop in it
    without an id, repeated, out of view, covered or not where the control was before the
    walk (the layout moved), a walk that did not leave the page right after the block, or
    fewer than two stops (nothing to skip)."""
    end = start + len(ys)
    at = next((i for i, s in enumerate(stops) if not s.get("body") and s.get("id") == start), None)
    if at is None:
        return None
    # before the entry: only controls before the block (or unmarked ones)
    if any(isinstance(s.get("id"), int) and s["id"] >= start for s in stops[:at] if not s.get("body")):
        return None
    inside: list[dict[str, Any]] = []
    for i in range(at, len(stops)):
        stop = stops[i]
        if stop.get("body"):
            if i != len(stops) - 1 or len(inside) < 2:
                return None
            return tuple(inside)
        sid = stop.get("id")
        if not isinstance(sid, int) or not start <= sid < end or any(s["id"] == sid - start for s in inside):
            return None
        if not stop.get("in_view") or stop.get("obscured_by") != "" or stop.get("y") != ys[sid - start]:
            return None
        inside.append({k: v for k, v in stop.items() if k != "y"} | {"id": sid - start})
    return None  # the walk ended inside the block


def place_stops(walk: TrailingWalk, start: int, ys: list[int]) -> list[dict[str, Any]]:
    """The recorded stops of ``walk`` placed on a page whose block starts at id ``start`` with
    its controls at ``ys``: absolute ids and this page's y, in STOP_JS's field order
    (selector and snippet are still the recorded page's: the caller gives this page's)."""
    out = []
    for s in walk.stops:
        placed = {}
        for k, v in s.items():
            placed[k] = v + start if k == "id" else v
            if k == "x":
                placed["y"] = ys[s["id"]]
        out.append(placed)
    return out


def same_stop(recorded: dict[str, Any], got: dict[str, Any], fields: tuple[str, ...]) -> bool:
    """Whether a stop measured on this page is the recorded one (``place_stops``d), field by field."""
    return not got.get("body") and all(got.get(f) == recorded.get(f) for f in fields)


def presses_to_block(stops: list[dict[str, Any]], sent: int, tabbable: list[int], start: int) -> int:
    """Tab presses that should land the walk on a trailing block's first control (id
    ``start``): one per tabbable marked element between the last stop and the block, plus
    one. ``tabbable``: the page's tabbable marked ids. A last stop without an id (focusable,
    not marked): the tabbable elements before the block less the presses made, at least 1."""
    last = stops[-1].get("id") if stops and not stops[-1].get("body") else None
    if isinstance(last, int):
        return sum(1 for i in tabbable if last < i < start) + 1
    if stops and not stops[-1].get("body"):
        return max(1, sum(1 for i in tabbable if i < start) - sent + 1)
    return sum(1 for i in tabbable if i < start) + 1


_TRAILING_COUNTS = ("hits", "misses", "fallbacks", "not_memoisable", "stops_reused", "presses_saved")


@dataclass
class BlockMemo:
    """Per-run cache of leading-block walks keyed by fingerprint, with counters. One per
    :class:`auditor.gather.Gatherer`, shared by all its workers (one event loop; the lock
    keeps it consistent should pages be measured from threads)."""

    walks: dict[str, LeadingWalk | None] = field(default_factory=dict)
    """Fingerprint -> the walk recorded for it; None: seen, but its walk could not be reused."""
    blur: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Fingerprint -> the block's controls (data-ia-kbd) with a blur/focusout listener."""
    hits: int = 0
    misses: int = 0
    fallbacks: int = 0
    not_memoisable: int = 0
    stops_reused: int = 0
    presses_saved: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    """Why pages were not memoised (or fell back), with counts."""
    searches: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    """Search query URL -> the answer measured for it (the search test of the first start page
    whose form makes that URL; later start pages with the same form reuse it)."""
    searches_reused: int = 0
    tails: dict[str, TrailingWalk | None] = field(default_factory=dict)
    """Trailing-block fingerprint -> the walk recorded for it; None: seen, not reusable."""
    trailing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TRAILING_COUNTS, 0))
    """Trailing-block counters: hits, misses, fallbacks, not_memoisable, stops_reused, presses_saved."""
    trailing_reasons: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    async def search_once(self, url: str, measure: Callable[[], Awaitable[dict[str, Any]]]
                          ) -> tuple[dict[str, Any], bool]:
        """The answer to the search query ``url``, measured by the first caller only: a scan
        given many start URLs (a URL list) submitted the same site search from each of them
        (0.36 s a page, 23% of the visit time on a 187-page real site), and the site-level
        check reads one answer. Returns (answer, reused)."""
        fut = self.searches.get(url)
        if fut is None:
            fut = self.searches[url] = asyncio.ensure_future(measure())
            return dict(await asyncio.shield(fut)), False
        answer = dict(await asyncio.shield(fut))
        self.searches_reused += 1
        return answer, True

    def get(self, key: str) -> LeadingWalk | None:
        with self._lock:
            return self.walks.get(key)

    def seen(self, key: str) -> bool:
        with self._lock:
            return key in self.walks

    def put(self, key: str, walk: LeadingWalk | None) -> None:
        """Keep the first walk recorded for a fingerprint; None marks it unusable for good."""
        with self._lock:
            if walk is None or key not in self.walks:
                self.walks[key] = walk

    def blur_of(self, key: str) -> tuple[int, ...] | None:
        with self._lock:
            return self.blur.get(key)

    def put_blur(self, key: str, ids: tuple[int, ...]) -> None:
        with self._lock:
            self.blur.setdefault(key, ids)

    def get_tail(self, key: str) -> TrailingWalk | None:
        with self._lock:
            return self.tails.get(key)

    def seen_tail(self, key: str) -> bool:
        with self._lock:
            return key in self.tails

    def put_tail(self, key: str, walk: TrailingWalk | None) -> None:
        """As :meth:`put`, for trailing blocks."""
        with self._lock:
            if walk is None or key not in self.tails:
                self.tails[key] = walk

    def count_tail(self, what: str, reason: str = "", stops: int = 0, presses: int = 0) -> None:
        """Count one page's trailing-block outcome (``what``: hits, misses, fallbacks or
        not_memoisable); its saved presses count in ``presses_saved`` too (both blocks)."""
        with self._lock:
            self.trailing[what] += 1
            self.trailing["stops_reused"] += stops
            self.trailing["presses_saved"] += presses
            self.presses_saved += presses
            if reason:
                self.trailing_reasons[reason] = self.trailing_reasons.get(reason, 0) + 1

    def count(self, what: str, reason: str = "", stops: int = 0, presses: int = 0) -> None:
        with self._lock:
            setattr(self, what, getattr(self, what) + 1)
            self.stops_reused += stops
            self.presses_saved += presses
            if reason:
                self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def restore(self, prior: dict[str, Any] | None) -> None:
        """Add the counts of an interrupted run's earlier part (``--resume``)."""
        if not prior:
            return
        with self._lock:
            for k in ("hits", "misses", "fallbacks", "not_memoisable", "stops_reused", "presses_saved",
                      "searches_reused"):
                setattr(self, k, getattr(self, k) + int(prior.get(k) or 0))
            for r, n in (prior.get("reasons") or {}).items():
                self.reasons[r] = self.reasons.get(r, 0) + int(n)
            tail = prior.get("trailing") or {}
            for k in _TRAILING_COUNTS:
                self.trailing[k] += int(tail.get(k) or 0)
            for r, n in (tail.get("reasons") or {}).items():
                self.trailing_reasons[r] = self.trailing_reasons.get(r, 0) + int(n)

    def summary(self) -> dict[str, Any]:
        """The run's record (``run.memo`` in the JSON result)."""
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "fallbacks": self.fallbacks,
                    "not_memoisable": self.not_memoisable, "stops_reused": self.stops_reused,
                    "presses_saved": self.presses_saved, "blocks": sum(1 for w in self.walks.values() if w),
                    "searches_reused": self.searches_reused,
                    "reasons": dict(sorted(self.reasons.items())),
                    "trailing": {**self.trailing, "blocks": sum(1 for w in self.tails.values() if w),
                                 "reasons": dict(sorted(self.trailing_reasons.items()))}}


def memo_note(memo: dict[str, Any] | None) -> str | None:
    """One line for the terminal summary, or None when memo was off or never applied."""
    if not memo:
        return None
    pages = memo.get("hits", 0) + memo.get("misses", 0) + memo.get("fallbacks", 0) + memo.get("not_memoisable", 0)
    if not pages:
        return None
    line = f"{memo.get('hits', 0)} of {pages} pages reused a measured header block"
    tail = memo.get("trailing") or {}
    if any(tail.get(k) for k in ("hits", "misses", "fallbacks", "not_memoisable")):
        line += f", {tail.get('hits', 0)} a measured footer"
    line += f" ({memo.get('presses_saved', 0)} Tab presses saved)"
    if memo.get("fallbacks"):
        line += f"; {memo['fallbacks']} re-walked after a mismatch"
    if tail.get("fallbacks"):
        line += f"; {tail['fallbacks']} measured the footer after a mismatch"
    return line
