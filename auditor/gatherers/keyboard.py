"""Keyboard operability: press Tab through the page like a keyboard user and record
what gets focus, how it looks focused, and whether a skip link works.

Everything measured here is plain data for ``checks/keyboard.py`` (WCAG 2.1.1, 2.1.2,
2.4.1, 2.4.3, 2.4.7, 2.4.11). Bounded: at most ``MAX_TAB_STOPS`` presses, and the
action's own timeout. Focus and the URL fragment are restored afterwards.
"""

from __future__ import annotations

import asyncio
from typing import Any

from . import cdp_session, cleanup, evaluate_json, page_action

#: Tab presses per page: enough for a long navigation, bounded for cost.
MAX_TAB_STOPS = 60

# Marks every element a mouse user can operate (native controls, ARIA widgets, inline
# click handlers) with data-ia-kbd=N so focus stops can be matched back to them.
MARK_JS = r"""
() => {
  const sel = 'a[href],area[href],button,input:not([type=hidden]),select,textarea,summary,' +
    '[onclick],[role=button],[role=link],[role=checkbox],[role=tab],[role=menuitem],[role=switch],' +
    '[role=radio],[tabindex]';
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const cssPath = (el) => {
    if (el.id) return '#' + CSS.escape(el.id);
    const parts = [];
    while (el && el.nodeType === 1 && parts.length < 5) {
      let p = el.tagName.toLowerCase();
      if (el.id) { parts.unshift('#' + CSS.escape(el.id)); break; }
      const sib = el.parentElement ? [...el.parentElement.children].filter(c => c.tagName === el.tagName) : [];
      if (sib.length > 1) p += ':nth-of-type(' + (sib.indexOf(el) + 1) + ')';
      parts.unshift(p);
      el = el.parentElement;
    }
    return parts.join(' > ');
  };
  window.__iaCssPath = cssPath;
  window.__iaSnip = (el) => el.outerHTML.replace(/ data-ia-(kbd|skip)="[^"]*"/g, '').slice(0, 300);
  const out = [];
  let n = 0;
  for (const el of document.querySelectorAll(sel)) {
    if (out.length >= 400) break;
    if (el.disabled || el.closest('[inert],[aria-hidden=true]') || !visible(el)) continue;
    // an element inside another operable element is operated through that one
    const outer = el.parentElement && el.parentElement.closest(sel);
    if (outer && outer.matches('a[href],button,[role=button],[role=link]')) continue;
    const ti = el.getAttribute('tabindex');
    el.setAttribute('data-ia-kbd', String(n));
    out.push({id: n, selector: cssPath(el), snippet: window.__iaSnip(el),
              tag: el.tagName.toLowerCase(), tabindex: ti === null ? null : Number(ti),
              tabbable: el.tabIndex >= 0,
              native: el.matches('a[href],area[href],button,input,select,textarea,summary')});
    n++;
  }
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  window.scrollTo(0, 0);
  return out;
}
"""

# What the focused element looks like, focused and (briefly blurred) unfocused.
STOP_JS = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {body: true};
  const look = (e) => {
    if (!e) return '';
    const cs = getComputedStyle(e);
    const pseudo = (p) => { const s = getComputedStyle(e, p); return s.content + s.outlineStyle + s.borderBottomColor + s.backgroundColor + s.boxShadow; };
    // with outline-style none, width/offset/colour draw nothing (and Chrome reports them anyway)
    const outline = cs.outlineStyle === 'none' || parseFloat(cs.outlineWidth) === 0 ? 'none'
      : [cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.outlineOffset].join(' ');
    return [outline, cs.boxShadow, cs.borderTopColor,
            cs.borderBottomColor, cs.borderTopWidth, cs.borderBottomWidth, cs.backgroundColor, cs.color,
            cs.textDecorationLine, cs.transform, cs.left, cs.top, cs.clip, cs.clipPath,
            cs.width, cs.height, cs.opacity, pseudo('::before'), pseudo('::after')].join('|');
  };
  const finish = () => { for (const a of document.getAnimations()) { try { a.finish(); } catch (e) {} } };
  finish();
  const parent = el.parentElement;
  const focused = look(el) + '#' + look(parent);
  const r = el.getBoundingClientRect();
  // Is the focused control hidden behind something fixed or sticky (WCAG 2.4.11)?
  let obscuredBy = '';
  const cx = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const cy = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(cx, cy);
  if (top && top !== el && !el.contains(top) && !top.contains(el)) {
    let t = top;
    while (t && t !== document.body) {
      const pos = getComputedStyle(t).position;
      if (pos === 'fixed' || pos === 'sticky') { obscuredBy = window.__iaCssPath(t); break; }
      t = t.parentElement;
    }
  }
  const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  el.blur();
  finish();
  const unfocused = look(el) + '#' + look(parent);
  el.focus({preventScroll: true});
  finish();
  return {
    id: el.hasAttribute('data-ia-kbd') ? Number(el.getAttribute('data-ia-kbd')) : null,
    selector: window.__iaCssPath(el), snippet: window.__iaSnip(el),
    tag: el.tagName.toLowerCase(),
    x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY), w: Math.round(r.width), h: Math.round(r.height),
    size: r.width * r.height, visible_change: focused !== unfocused, in_view: inView,
    obscured_by: obscuredBy,
  };
}
"""

# The skip link: the first focusable link near the top that points at a fragment.
SKIP_FIND_JS = r"""
() => {
  const words = /skip|jump to|main content|go to content/i;
  const links = [...document.querySelectorAll('a[href]')].slice(0, 5);
  for (const a of links) {
    const href = a.getAttribute('href') || '';
    const text = (a.textContent || a.getAttribute('aria-label') || '').trim();
    if (href.startsWith('#') && href.length > 1 && words.test(text)) {
      const id = decodeURIComponent(href.slice(1));
      const target = document.getElementById(id) || document.getElementsByName(id)[0] || null;
      a.setAttribute('data-ia-skip', '1');
      return {selector: window.__iaCssPath(a), snippet: window.__iaSnip(a), href,
              text: text.slice(0, 100), target_exists: !!target};
    }
  }
  return null;
}
"""

SKIP_RESULT_JS = r"""
(href) => {
  const id = decodeURIComponent(href.slice(1));
  const target = document.getElementById(id) || document.getElementsByName(id)[0];
  const el = document.activeElement;
  if (!target) return {moved: false};
  if (!el || el === document.body) return {moved: false};
  const inside = target === el || target.contains(el);
  const after = !!(target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  return {moved: inside || after, focused: window.__iaCssPath(el)};
}
"""

CLEANUP_JS = r"""
(hash) => {
  for (const el of document.querySelectorAll('[data-ia-kbd],[data-ia-skip]')) {
    el.removeAttribute('data-ia-kbd'); el.removeAttribute('data-ia-skip');
  }
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  if (location.hash !== hash) history.replaceState(history.state, '', location.href.split('#')[0] + hash);
  window.scrollTo(0, 0);
}
"""


def tab_summary(stops: list[dict[str, Any]]) -> dict[str, Any]:
    """Where the Tab sequence went: a full cycle, a trap, or the cap."""
    ids = [s.get("id") if not s.get("body") else "body" for s in stops]
    completed = "body" in ids[1:] or (len(ids) > 1 and ids[0] is not None and ids[0] in ids[1:])
    # focus that never moves, or a short cycle that never passes the document, is a trap
    stuck = any(a is not None and a == b == c for a, b, c in zip(ids, ids[1:], ids[2:]))
    return {"completed": completed, "stuck": stuck}


#: Tab presses sent before the recorded stops are read back (the fast walk), after the first
#: batch, which is sized to the page (``first_batch``).
BATCH = 15

# The fast walk: each Tab's keyup (dispatched after the keydown moved focus and scrolled)
# runs STOP_JS in the page and keeps the result, so presses can be sent back to back and
# read in one round trip per batch. Returns whether the page has frames or plugins, whose
# keyups never reach this document (those pages take the per-press walk).
RECORD_JS = "() => { const measure = " + STOP_JS.strip() + r""";
  window.__iaStops = [];
  window.__iaKeyup = (e) => {
    if (e.key !== 'Tab' || window.__iaBusy) return;
    window.__iaBusy = true;
    try { window.__iaStops.push(measure()); }
    catch (err) { window.__iaStops.push({body: true, error: String(err).slice(0, 200)}); }
    finally { window.__iaBusy = false; }
  };
  window.addEventListener('keyup', window.__iaKeyup, true);
  return !!document.querySelector('iframe,frame,object,embed');
}"""

UNRECORD_JS = r"""
() => {
  if (window.__iaKeyup) window.removeEventListener('keyup', window.__iaKeyup, true);
  const stops = window.__iaStops || [];
  delete window.__iaKeyup; delete window.__iaStops;
  return stops;
}
"""

_TAB_DOWN = {"type": "rawKeyDown", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9,
             "nativeVirtualKeyCode": 9}
_TAB_UP = {**_TAB_DOWN, "type": "keyUp"}


def should_stop(stops: list[dict[str, Any]]) -> bool:
    """Whether the Tab walk so far has said all it can: it left the page, wrapped to its
    first stop, stopped moving, or keeps cycling inside a subset."""
    stop = stops[-1]
    ids = [s.get("id") for s in stops if not s.get("body")]
    if stop.get("body") and len(stops) > 1:
        return True  # left the page: a full cycle
    if len(ids) > 1 and ids[-1] is not None and ids[-1] == ids[0] and len(stops) > 1:
        return True  # wrapped back to the first stop
    if len(ids) >= 3 and ids[-1] == ids[-2] == ids[-3]:
        return True  # focus does not move
    return len(ids) > 4 and ids[-1] is not None and ids.count(ids[-1]) >= 3  # cycling inside a subset


def first_batch(elements: list[dict[str, Any]]) -> int:
    """Presses in the first batch: one per tabbable element found, one to leave the page
    and one to spare (a scrollable region Chromium makes focusable). Every press is a
    real key event and a measurement (~6 ms of CPU across processes, bench/ablate.py), so
    the walk should not overshoot the page by much: with fixed batches of 15 a 22-stop
    page took 30 presses. A page with more stops than predicted goes on in ``BATCH``es."""
    return max(2, min(MAX_TAB_STOPS, sum(1 for e in elements if e.get("tabbable")) + 2))


async def _walk_fast(page: Any, stops: list[dict[str, Any]], first: int) -> bool:
    """Tab in batches of presses sent back to back over the DevTools session (``first``,
    then ``BATCH`` each); the page records each stop on keyup. False when a batch came back
    short (a keyup went elsewhere): the caller goes on press by press."""
    cdp = await cdp_session(page)
    sent = 0
    while sent < MAX_TAB_STOPS:
        n = min(first if sent == 0 else BATCH, MAX_TAB_STOPS - sent)
        sends = []
        for _ in range(n):
            sends.append(cdp.send("Input.dispatchKeyEvent", _TAB_DOWN))
            sends.append(cdp.send("Input.dispatchKeyEvent", _TAB_UP))
        await asyncio.gather(*sends)
        sent += n
        got = await evaluate_json(page, "() => window.__iaStops.splice(0)")
        for stop in got:
            stops.append(stop)
            if should_stop(stops):
                return True
        if len(got) != n:
            return False
    return True


async def _walk_slow(page: Any, stops: list[dict[str, Any]]) -> None:
    """Tab press by press, measuring after each (pages with frames, or after a short batch)."""
    while len(stops) < MAX_TAB_STOPS:
        await page.keyboard.press("Tab")
        stops.append(await page.evaluate(STOP_JS))
        if should_stop(stops):
            return


# One round trip before the walk: the fragment to restore, the operable elements, and the
# recorder (which says whether the page has frames).
SETUP_JS = ("() => ({hash: location.hash, elements: (" + MARK_JS.strip() + ")(), frames: ("
            + RECORD_JS + ")()})")

# One round trip after it: stop recording, find the skip link and focus it for the test.
FINISH_JS = ("() => { (" + UNRECORD_JS.strip() + ")(); const skip = (" + SKIP_FIND_JS.strip() + ")();"
             " if (skip && skip.target_exists) document.querySelector('[data-ia-skip]').focus();"
             " return skip; }")

# And one to read the skip link's effect and put the page back.
RESULT_JS = ("([href, hash]) => { const r = href ? (" + SKIP_RESULT_JS.strip() + ")(href) : null; ("
             + CLEANUP_JS.strip() + ")(hash); return r; }")


@page_action("keyboard", order=10, timeout=40.0, families=("keyboard",))
async def keyboard(page: Any, art: Any, settings: Any) -> dict[str, Any]:
    setup = await evaluate_json(page, SETUP_JS)
    hash_before = setup["hash"]
    stops: list[dict[str, Any]] = []
    walk = "per-press"
    cleaned = False
    try:
        done = False
        if not setup["frames"]:
            try:
                done = await _walk_fast(page, stops, first_batch(setup["elements"]))
                walk = "batched" if done else "batched, then per-press"
            except Exception:  # no DevTools session (not Chromium): the per-press walk
                walk = "per-press"
        if not done and not (stops and should_stop(stops)):
            await page.evaluate(UNRECORD_JS)
            await _walk_slow(page, stops)
        skip = await page.evaluate(FINISH_JS)
        href = None
        if skip and skip["target_exists"]:
            await page.keyboard.press("Enter")
            # a same-document jump is synchronous; let skip links done in script settle
            await page.evaluate("() => new Promise(r => setTimeout(r, 10))")
            await page.keyboard.press("Tab")
            href = skip["href"]
        elif skip:
            skip["moved"] = False
        result = await page.evaluate(RESULT_JS, [href, hash_before])
        cleaned = True
        if href:
            skip.update(result)
    finally:
        if not cleaned:
            await cleanup(page.evaluate("(hash) => { (" + UNRECORD_JS.strip() + ")(); (" + CLEANUP_JS.strip() + ")(hash); }",
                                        hash_before))
    return {"elements": setup["elements"], "stops": stops, "skip_link": skip, "max_stops": MAX_TAB_STOPS,
            "walk": walk, **tab_summary(stops)}
