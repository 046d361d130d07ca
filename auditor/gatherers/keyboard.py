"""Keyboard operability: press Tab through the page like a keyboard user and record
what gets focus, how it looks focused, and whether a skip link works.

Everything measured here is plain data for ``checks/keyboard.py`` (WCAG 2.1.1, 2.1.2,
2.4.1, 2.4.3, 2.4.7, 2.4.11). Bounded: at most ``MAX_TAB_STOPS`` presses, and the
action's own timeout. Focus and the URL fragment are restored afterwards.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from .. import memo as memo_mod
from . import cdp_session, cleanup, evaluate_json, page_action

#: Tab presses per page: enough for a long navigation, bounded for cost.
MAX_TAB_STOPS = 60

# Marks every element a mouse user can operate (native controls, ARIA widgets, inline
# click handlers) with data-ia-kbd=N so focus stops can be matched back to them.
MARK_JS = r"""
() => {
  const sel = 'a[href],area[href],button,input:not([type=hidden]),select,textarea,summary,' +
    '[onclick],[role=button],[role=link],[role=checkbox],[role=tab],[role=menuitem],[role=switch],' +
    '[role=radio],[tabindex],[data-ia-click]';
  const native = 'a[href],area[href],button,input,select,textarea,summary';
  // Composite widgets move focus inside themselves with arrow keys (one Tab stop each).
  const composite = '[role=tablist],[role=menu],[role=menubar],[role=radiogroup],[role=listbox],' +
    '[role=toolbar],[role=grid],[role=tree],[role=treegrid]';
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
  window.__iaSnip = (el) => el.outerHTML.replace(/ data-ia-(kbd|skip|click)="[^"]*"/g, '').slice(0, 300);
  // An open modal dialog makes the rest of the page inert (showModal) or, for aria-modal
  // dialogs, out of reach by design while it is open: only its content is judged.
  const modal = document.querySelector(':modal') ||
    [...document.querySelectorAll('[role=dialog][aria-modal=true],[role=alertdialog][aria-modal=true]')].find(visible) || null;
  // Controls inside a same-origin frame that Tab can reach there (a frame with tabindex="-1"
  // takes them out of the page's Tab order).
  const frameControls = (f) => {
    let doc = null;
    try { doc = f.contentDocument; } catch (e) { return 0; }
    if (!doc || !doc.body) return 0;
    const w = f.clientWidth, h = f.clientHeight;
    let n = 0;
    for (const c of doc.querySelectorAll(native + ',[tabindex]')) {
      const r = c.getBoundingClientRect();
      if (c.tabIndex >= 0 && !c.disabled && r.width > 1 && r.height > 1 && r.left < w && r.top < h &&
          r.right > 0 && r.bottom > 0) n++;
    }
    return n;
  };
  const out = [];
  let n = 0;
  const mark = (el, extra) => {
    const ti = el.getAttribute('tabindex');
    el.setAttribute('data-ia-kbd', String(n));
    const group = el.matches('input[type=radio][name]')
      ? 'radio:' + (el.form ? cssPath(el.form) : '') + ':' + el.name
      : (el.parentElement && el.parentElement.closest(composite) ? 'widget:' + cssPath(el.parentElement.closest(composite)) : '');
    out.push({id: n, selector: cssPath(el), snippet: window.__iaSnip(el),
              tag: el.tagName.toLowerCase(), tabindex: ti === null ? null : Number(ti),
              tabbable: el.tabIndex >= 0, native: el.matches(native),
              href: el.matches('a[href],area[href]') ? el.href : '', group,
              has_tabbable_inside: [...el.querySelectorAll(native + ',[tabindex]')].some(c => c.tabIndex >= 0 && visible(c)),
              ...extra});
    n++;
  };
  for (const el of document.querySelectorAll(sel)) {
    if (out.length >= 400) break;
    if (el.disabled || el.closest('[inert],[aria-hidden=true]') || !visible(el)) continue;
    if (modal && !modal.contains(el)) continue;
    if (el.matches('iframe,frame,object,embed')) {
      const inside = el.matches('iframe,frame') && el.tabIndex < 0 ? frameControls(el) : 0;
      if (inside) mark(el, {frame_controls: inside});
      continue;
    }
    // tabindex="-1" alone (skip-link and heading targets, dialog containers) makes an element
    // a focus target for scripts, not a control: it is judged only with another sign of being
    // operable (a native control, a widget role, a click handler)
    const ti = el.getAttribute('tabindex');
    if (ti !== null && Number(ti) < 0 && !el.matches(native + ',[onclick],[data-ia-click],[role=button],[role=link],[role=checkbox],' +
        '[role=tab],[role=menuitem],[role=switch],[role=radio],[role=option],[role=treeitem],[role=gridcell]')) continue;
    // an element inside another operable element is operated through that one
    const outer = el.parentElement && el.parentElement.closest(sel);
    if (outer && outer.matches('a[href],button,[role=button],[role=link]')) continue;
    mark(el, el.hasAttribute('data-ia-click') ? {listener: el.getAttribute('data-ia-click')} : {});
  }
  const active = document.activeElement;
  const initial = active && active.hasAttribute('data-ia-kbd') ? Number(active.getAttribute('data-ia-kbd')) : null;
  if (active && active !== document.body) active.blur();
  window.scrollTo(0, 0);
  return {elements: out, initial_focus: initial, modal: modal ? cssPath(modal) : ''};
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
            cs.width, cs.height, cs.opacity, cs.display, cs.visibility, pseudo('::before'),
            pseudo('::after')].join('|');
  };
  const finish = () => { for (const a of document.getAnimations()) { try { a.finish(); } catch (e) {} } };
  finish();
  const parent = el.parentElement;
  // Focus may be shown on the element, around it (a wrapper, a sibling drawn by CSS) or by a
  // separate indicator a script changes on focus/blur: all of these are compared.
  const around = [parent, parent && parent.parentElement, el.previousElementSibling, el.nextElementSibling,
                  el.firstElementChild];
  const lookAll = () => look(el) + '#' + around.map(look).join('#');
  const focused = lookAll();
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
  const mo = new MutationObserver(() => {});
  mo.observe(document.documentElement, {attributes: true, childList: true, subtree: true});
  el.blur();
  finish();
  const moved = new Set();
  for (const rec of mo.takeRecords()) {
    for (const t of [rec.target, ...rec.addedNodes]) {
      if (t.nodeType === 1 && t !== el && !around.includes(t) && moved.size < 10) moved.add(t);
    }
  }
  const others = [...moved];
  const unfocused = lookAll();
  const othersUnfocused = others.map(look);
  el.focus({preventScroll: true});
  finish();
  mo.disconnect();
  const othersChanged = others.some((o, i) => o.isConnected && look(o) !== othersUnfocused[i]);
  return {
    id: el.hasAttribute('data-ia-kbd') ? Number(el.getAttribute('data-ia-kbd')) : null,
    selector: window.__iaCssPath(el), snippet: window.__iaSnip(el),
    tag: el.tagName.toLowerCase(),
    x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY), w: Math.round(r.width), h: Math.round(r.height),
    size: r.width * r.height, visible_change: focused !== unfocused || othersChanged, in_view: inView,
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
  // Whether Tab has anywhere to go from the target: inside it or after it. Where nothing
  // focusable follows, the Tab after the jump leaves the page (or wraps to the top) even when
  // the jump worked; the jump is then judged by where it landed.
  const tail = [...document.querySelectorAll('a[href],button,input,select,textarea,summary,[tabindex]')].some(
    (c) => c.tabIndex >= 0 && !c.disabled && c.getClientRects().length &&
      (target.contains(c) || (target.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING)));
  if (!el || el === document.body) {
    const r = target.getBoundingClientRect();
    const landed = location.hash === '#' + encodeURIComponent(id) || location.hash === '#' + id;
    return {moved: !tail && landed && r.bottom > 0 && r.top < innerHeight, nothing_after: !tail};
  }
  const inside = target === el || target.contains(el);
  const after = !!(target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  if (!inside && !after && !tail) {
    const landed = location.hash === '#' + encodeURIComponent(id) || location.hash === '#' + id;
    return {moved: landed, nothing_after: true, focused: window.__iaCssPath(el)};
  }
  return {moved: inside || after, focused: window.__iaCssPath(el)};
}
"""

CLEANUP_JS = r"""
(hash) => {
  for (const el of document.querySelectorAll('[data-ia-kbd],[data-ia-skip],[data-ia-click]')) {
    el.removeAttribute('data-ia-kbd'); el.removeAttribute('data-ia-skip'); el.removeAttribute('data-ia-click');
  }
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  if (location.hash !== hash) history.replaceState(history.state, '', location.href.split('#')[0] + hash);
  window.scrollTo(0, 0);
}
"""


# Instructions a page gives for leaving a component ("Press Ctrl+M to exit"): WCAG 2.1.2 allows
# a non-standard way out when the user is told of it.
TRAP_HINT_JS = r"""
() => {
  const text = (document.body ? document.body.innerText : '').slice(0, 50000);
  const key = '(?:ctrl|control|alt|option|shift|meta|cmd|command|esc|escape|enter|f[0-9]{1,2}|[a-z0-9])';
  const re = new RegExp('\\b(?:press|hit|use|type)\\s+(?:the\\s+)?["\'\u201c]?(' + key + '(?:\\s*(?:\\+|-|\\band\\b)\\s*' + key +
    ')*)(?![a-z0-9])["\'\u201d]?(?:\\s+keys?)?[^.\\n]{0,40}?\\b(?:exit|leave|escape|close|move|continue|next|out)', 'i');
  const m = text.match(re);
  return m ? {stated: m[0].slice(0, 120), keys: m[1]} : null;
}
"""

ACTIVE_ID_JS = r"""
() => { const a = document.activeElement;
  if (!a || a === document.body || a === document.documentElement) return 'body';
  return a.hasAttribute('data-ia-kbd') ? Number(a.getAttribute('data-ia-kbd')) : 'other'; }
"""

_KEY_NAMES = {"ctrl": "Control", "control": "Control", "alt": "Alt", "option": "Alt", "shift": "Shift",
              "meta": "Meta", "cmd": "Meta", "command": "Meta", "esc": "Escape", "escape": "Escape", "enter": "Enter"}


def key_combo(stated: str) -> str | None:
    """'Ctrl+M' / 'control and m' -> 'Control+m' (Playwright's form); None if it names no key."""
    import re

    parts = [p for p in re.split(r"\s*(?:\+|-|\band\b)\s*", stated.strip().lower()) if p]
    keys = []
    for p in parts:
        if p in _KEY_NAMES:
            keys.append(_KEY_NAMES[p])
        elif re.fullmatch(r"f\d{1,2}", p):
            keys.append(p.upper())
        elif re.fullmatch(r"[a-z0-9]", p):
            keys.append(p)
        else:
            return None
    return "+".join(keys) or None


def is_trapped(stops: list[dict[str, Any]]) -> bool:
    """Tab stopped moving, or cycles inside part of the page without leaving it."""
    summary = tab_summary(stops)
    if summary["completed"]:
        return False
    ids = [s.get("id") for s in stops if not s.get("body")]
    return summary["stuck"] or any(ids.count(i) >= 2 for i in set(ids) if i is not None)


#: Shift+Tab presses are spaced like a person's (scripts that move focus on blur run between
#: them), and each is read at its keyup, before a script's timer can move focus again.
SHIFT_TAB_GAP_MS = 120


async def try_trap_exits(page: Any, stops: list[dict[str, Any]]) -> dict[str, Any]:
    """Focus is trapped: try the standard ways out (Escape, then Shift+Tab back through the
    cycle) and any key the page says leaves it. Returns what was tried and which key (if any)
    moved focus out of the cycle.

    Shift+Tab leaves when one of its presses takes focus out of the page (to the browser,
    where no script of the page can take it back: ``element.focus()`` does not pull keyboard
    focus from the browser's own controls) or to an element outside the cycle where it stays."""
    cycle = {s.get("id") for s in stops[-8:] if not s.get("body")}
    hint = await page.evaluate(TRAP_HINT_JS)
    tried, works = [], None
    candidates = ["Escape"]
    combo = key_combo(hint["keys"]) if hint else None
    if combo and combo not in candidates:
        candidates.append(combo)
    for key in candidates:
        await page.keyboard.press(key)
        tried.append(key)
        where = await page.evaluate(ACTIVE_ID_JS)
        if where not in cycle:
            works = key
            break
    if works is None:
        tried.append("Shift+Tab")
        await page.evaluate(RECORD_JS)
        try:
            for _ in range(min(len(cycle) + 3, 12)):
                await page.keyboard.press("Shift+Tab")
                await page.wait_for_timeout(SHIFT_TAB_GAP_MS)
        finally:
            back = await page.evaluate(UNRECORD_JS)
        where = await page.evaluate(ACTIVE_ID_JS)
        if any(isinstance(b, dict) and b.get("body") for b in back) or where not in cycle | {"body"}:
            works = "Shift+Tab"
    return {"tried": tried, "works": works, "stated": hint["stated"] if hint else "", "stated_key": combo or ""}


#: Elements that look clickable (pointer cursor) but are neither native controls nor focusable
#: nor inside one: where a script gave them a click listener (addEventListener, which no
#: attribute shows), they are operable and must be reachable. At most this many are looked up.
MAX_LISTENER_LOOKUPS = 40
CLICK_EVENTS = frozenset({"click", "mousedown", "mouseup", "pointerdown", "pointerup", "dblclick"})

CANDIDATES_JS = r"""
(cap) => {
  const operable = 'a[href],area[href],button,input,select,textarea,summary,label,details,[onclick],[tabindex],' +
    '[role=button],[role=link],[role=checkbox],[role=tab],[role=menuitem],[role=switch],[role=radio],[role=option]';
  const out = [];
  for (const el of document.body ? document.body.querySelectorAll('div,span,li,img,svg,p,td,tr,h1,h2,h3,h4,h5,h6,i,section,article') : []) {
    if (out.length >= cap) break;
    if (el.closest(operable) || el.tabIndex >= 0 || el.closest('[inert],[aria-hidden=true]')) continue;
    const cs = getComputedStyle(el);
    if (cs.cursor !== 'pointer' || (el.parentElement && getComputedStyle(el.parentElement).cursor === 'pointer')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 4 || r.height < 4 || cs.visibility === 'hidden') continue;
    out.push(el);
  }
  return out;
}
"""


async def _candidate_ids(cdp: Any, expression: str, group: str) -> list[str]:
    """The objectIds of the elements (in document order) of the array ``expression`` gives,
    kept in the DevTools object ``group`` (released by the caller)."""
    res = await cdp.send("Runtime.evaluate", {"expression": expression, "objectGroup": group})
    arr = res.get("result", {}).get("objectId")
    if not arr:
        return []
    props = await cdp.send("Runtime.getProperties", {"objectId": arr, "ownProperties": True})
    items = [(int(p["name"]), (p.get("value") or {}).get("objectId")) for p in props.get("result", [])
             if p.get("name", "").isdigit()]
    return [oid for _, oid in sorted(items) if oid]


async def _listener_types(cdp: Any, oids: list[str]) -> list[set[str]]:
    """The event types each element has its own listeners for, one DOMDebugger lookup an
    element. The lookups are sent back to back (one burst, answered in order) rather than
    one round trip after another: on a real USWDS page the 60 blur lookups took 85 ms of
    the visit one by one (docs/performance.md)."""
    got = await asyncio.gather(*(cdp.send("DOMDebugger.getEventListeners", {"objectId": oid, "depth": 0})
                                 for oid in oids))
    return [{lst["type"] for lst in g.get("listeners", [])} for g in got]


async def mark_click_listeners(page: Any) -> int:
    """Give ``data-ia-click=TYPE`` to pointer-cursor elements with their own click listener
    (DevTools' DOMDebugger.getEventListeners); returns how many. Bounded: one evaluation,
    one property read and at most MAX_LISTENER_LOOKUPS listener lookups."""
    cdp = await cdp_session(page)
    try:
        oids = await _candidate_ids(cdp, f"({CANDIDATES_JS.strip()})({MAX_LISTENER_LOOKUPS})", "ia-click")
        marks = []
        for oid, types in zip(oids, await _listener_types(cdp, oids)):
            clicks = sorted(types & CLICK_EVENTS)
            if clicks:
                marks.append(cdp.send("Runtime.callFunctionOn", {
                    "objectId": oid, "functionDeclaration": "function (t) { this.setAttribute('data-ia-click', t); }",
                    "arguments": [{"value": clicks[0]}]}))
        await asyncio.gather(*marks)
    finally:
        await cdp.send("Runtime.releaseObjectGroup", {"objectGroup": "ia-click"})
    return len(marks)


#: Tab stops whose own blur/focusout listeners are looked up (DOMDebugger.getEventListeners),
#: and at most this many of those with one are tried for a timing-based trap.
MAX_REFOCUS_LOOKUPS = 60
MAX_REFOCUS_TRIES = 8
#: How long after leaving an element a script may take to pull focus back (ms).
REFOCUS_WAIT_MS = 200
BLUR_EVENTS = frozenset({"blur", "focusout"})

REFOCUS_CANDIDATES_JS = r"""
(cap) => {
  const out = [];
  for (const el of document.querySelectorAll('[data-ia-kbd]')) {
    if (out.length >= cap) break;
    if (el.tabIndex < 0 || el.disabled || el.closest('[inert]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    out.push(el);
  }
  return out;
}
"""

# Focus the element and say whether focus stays on it; after the key, whether focus is back
# on it and stays there. Focus is sampled through the wait: where two scripts pass focus back
# and forth (each refocusing on blur, set off by an earlier key), it is never steady and the
# element is not judged.
_STEADY_JS = r"""
  const steady = async (el) => {
    let on = true;
    for (let i = 0; i < 8; i++) {
      await new Promise(r => setTimeout(r, wait / 8));
      if (i >= 3) on = on && document.activeElement === el;
    }
    return on;
  };
"""
REFOCUS_TRY_JS = r"""
async ([sel, wait]) => {""" + _STEADY_JS + r"""
  const el = document.querySelector(sel);
  if (!el) return false;
  el.focus();
  return await steady(el);
}
"""
# Where focus is, every 10 ms for ``ms`` with no key pressed: the indexes of the candidates
# it was on ('other' elsewhere, 'body' on none) and how often it changed.
OSCILLATION_JS = r"""
async ([sels, ms]) => {
  const els = sels.map(s => { try { return document.querySelector(s); } catch (e) { return null; } });
  const where = () => { const a = document.activeElement;
    if (!a || a === document.body || a === document.documentElement) return 'body';
    const i = els.indexOf(a); return i >= 0 ? i : 'other'; };
  const seen = []; let changes = 0, last = where();
  for (let t = 0; t < ms; t += 10) {
    await new Promise(r => setTimeout(r, 10));
    const now = where();
    if (now !== last) { changes++; last = now; }
    if (!seen.includes(now)) seen.push(now);
  }
  return {changes, seen};
}
"""
#: Changes of focus within OSCILLATION_MS, no key pressed, that make focus "move by itself".
OSCILLATION_MS = 300
OSCILLATION_CHANGES = 6
FOCUSED_INDEX_JS = r"""
(sels) => sels.findIndex(s => { try { const e = document.querySelector(s); return !!e && e === document.activeElement; }
                                catch (err) { return false; } })
"""
REFOCUS_READ_JS = r"""
async ([sel, wait]) => {""" + _STEADY_JS + r"""
  const el = document.querySelector(sel);
  return !!el && await steady(el);
}
"""


async def _blur_infos(cdp: Any, oids: list[str], cap: int) -> tuple[list[dict[str, Any]], list[int]]:
    """The first ``cap`` of the elements ``oids`` (in order) with their own blur/focusout
    listener: their selector and snippet, and their indexes in ``oids``. The listener
    lookups go in one burst (:func:`_listener_types`), then the reads of the elements found."""
    types = await _listener_types(cdp, oids)
    found = [i for i, t in enumerate(types) if t & BLUR_EVENTS][:cap]
    got = await asyncio.gather(*(cdp.send("Runtime.callFunctionOn", {
        "objectId": oids[i], "returnByValue": True,
        "functionDeclaration": "function () { return {selector: window.__iaCssPath(this), "
                               "snippet: window.__iaSnip(this)}; }"}) for i in found))
    return [g.get("result", {}).get("value") or {} for g in got], found


async def blur_listener_elements(page: Any) -> list[dict[str, Any]]:
    """Tab stops with their own blur/focusout listener (inline or addEventListener): the only
    elements a script can pull focus back to when the user leaves them. Bounded lookups."""
    cdp = await cdp_session(page)
    try:
        oids = await _candidate_ids(cdp, f"({REFOCUS_CANDIDATES_JS.strip()})({MAX_REFOCUS_LOOKUPS})", "ia-blur")
        out, _ = await _blur_infos(cdp, oids, MAX_REFOCUS_TRIES)
    finally:
        await cdp.send("Runtime.releaseObjectGroup", {"objectGroup": "ia-blur"})
    return [o for o in out if o.get("selector")]


# REFOCUS_CANDIDATES_JS for a page whose leading block was reused (auditor/memo.py): the
# block's controls (data-ia-kbd below ``skip``) count toward the cap as before but are not
# returned (what their listeners are is known); with ``keep`` (a page whose block is being
# recorded) the ids of all candidates are kept in window.__iaBlurIds.
REFOCUS_CANDIDATES_AFTER_JS = r"""
(cap, skip, keep) => {
  const out = [], ids = [];
  for (const el of document.querySelectorAll('[data-ia-kbd]')) {
    if (ids.length >= cap) break;
    if (el.tabIndex < 0 || el.disabled || el.closest('[inert]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const id = Number(el.getAttribute('data-ia-kbd'));
    ids.push(id);
    if (id >= skip) out.push(el);
  }
  if (keep) window.__iaBlurIds = ids;
  return out;
}
"""
_KNOWN_JS = r"""
(ids) => ids.map(id => { const el = document.querySelector('[data-ia-kbd="' + id + '"]');
  return el ? {selector: window.__iaCssPath(el), snippet: window.__iaSnip(el)} : {}; })
"""


async def blur_listeners_reusing(page: Any, count: int, known: tuple[int, ...] | None) -> tuple[list[dict[str, Any]],
                                                                                             tuple[int, ...] | None]:
    """``blur_listener_elements`` on a page with a fingerprinted leading block of ``count``
    controls. ``known``: the block's controls with a blur listener, recorded on an earlier
    page with the same block (their lookups are skipped); None: look them all up, and
    return them for the memo (None when the bounded lookups stopped inside the block)."""
    cdp = await cdp_session(page)
    skip = count if known is not None else 0
    out: list[dict[str, Any]] = []
    try:
        oids = await _candidate_ids(cdp, f"({REFOCUS_CANDIDATES_AFTER_JS.strip()})({MAX_REFOCUS_LOOKUPS}, {int(skip)}, {'true' if known is None else 'false'})",
                                    "ia-blur")
        if known:
            out = list(await page.evaluate(_KNOWN_JS, list(known)))[:MAX_REFOCUS_TRIES]
        more, found = await _blur_infos(cdp, oids, MAX_REFOCUS_TRIES - len(out))
        out += more
    finally:
        await cdp.send("Runtime.releaseObjectGroup", {"objectGroup": "ia-blur"})
    learned = None
    if known is None:
        ids = await page.evaluate("() => { const ids = window.__iaBlurIds || []; delete window.__iaBlurIds; return ids; }")
        # complete for the block when every candidate inside it was looked at: the lookups
        # stop at the MAX_REFOCUS_TRIES-th element found, as the one-by-one walk did
        examined = found[-1] if len(found) >= MAX_REFOCUS_TRIES else len(oids) - 1
        if all(i <= examined for i, cid in enumerate(ids) if cid < count):
            learned = tuple(ids[i] for i in found if ids[i] < count)
    return [o for o in out if o.get("selector")], learned


async def refocus_traps(page: Any, candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A timing-based trap: a script that puts focus back on an element once it has left
    (``onblur="setTimeout(() => this.focus(), 10)"``). Tab walks sent back to back race such a
    script, so each element with a blur listener is left with Tab and with Shift+Tab, one key
    at a time, and looked at again after REFOCUS_WAIT_MS: trapped when focus came back both times."""
    out = []
    # scripts that each take focus back on blur can hand it back and forth by themselves for
    # ever once two of them have lost it (the Tab walk may set that off): focus that keeps
    # moving among them with no key pressed cannot be kept anywhere else
    sels = [c["selector"] for c in candidates]
    osc = await page.evaluate(OSCILLATION_JS, [sels, OSCILLATION_MS])
    among = [i for i in (osc or {}).get("seen", []) if isinstance(i, int)]
    if (osc or {}).get("changes", 0) >= OSCILLATION_CHANGES and len(among) >= 2 and \
            all(isinstance(i, int) for i in osc["seen"]):
        return [{**candidates[i], "oscillates": True, "with": [sels[j] for j in among if j != i],
                 "changes": osc["changes"], "within_ms": OSCILLATION_MS} for i in among]
    pending = list(candidates)
    while pending:
        # the element focus is on goes first: where two elements each take focus back on blur,
        # focusing one makes the other pull focus back, and only the holder can be left by a key
        at = await page.evaluate(FOCUSED_INDEX_JS, [c["selector"] for c in pending])
        c = pending.pop(at if isinstance(at, int) and 0 <= at < len(pending) else 0)
        back = []
        for key in ("Tab", "Shift+Tab"):
            if not await page.evaluate(REFOCUS_TRY_JS, [c["selector"], REFOCUS_WAIT_MS]):
                back = []
                break
            await page.keyboard.press(key)
            back.append(await page.evaluate(REFOCUS_READ_JS, [c["selector"], REFOCUS_WAIT_MS]))
            if not back[-1]:
                break
        out.append({**c, "tab_returns": bool(back and back[0]),
                    "shift_tab_returns": len(back) > 1 and back[1]})
    return out


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


async def _walk_fast(page: Any, stops: list[dict[str, Any]], first: int, sent: int = 0,
                     trail: _Trail | None = None) -> bool:
    """Tab in batches of presses sent back to back over the DevTools session (``first``,
    then ``BATCH`` each); the page records each stop on keyup. False when a batch came back
    short (a keyup went elsewhere): the caller goes on press by press. ``sent``: presses the
    walk already made (a walk that reused a memoised block goes on from there). ``trail``: a
    memoised trailing block to skip (:func:`_trail_jump`); the batches are then sized to land
    on its first control."""
    cdp = await cdp_session(page)
    start = sent
    while sent < MAX_TAB_STOPS:
        n = min(first if sent == start else BATCH, MAX_TAB_STOPS - sent)
        aim = trail is not None and not trail.state
        if trail is not None and aim:
            to = memo_mod.presses_to_block(stops, sent, trail.tabbable, trail.start)
            # the full walk would be cut by the cap inside the block (or before its exit)
            if len(stops) + to + len(trail.walk.stops) > MAX_TAB_STOPS or sent + to > MAX_TAB_STOPS:
                trail.end("miss", "Tab cap before the footer's exit")
                aim = False
            else:
                n = to
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
                if trail is not None and aim:
                    trail.end("fallback", "walk ended before the footer")
                return True
        if len(got) != n:
            if trail is not None and aim:
                trail.end("fallback", "a Tab press went unrecorded")
            return False
        if trail is not None and aim:
            inside = [i for i, s in enumerate(got) if isinstance(s.get("id"), int) and s["id"] >= trail.start]
            if not inside:
                continue  # not there yet (stops the marks did not predict): aim again
            if inside[0] != len(got) - 1:
                trail.end("fallback", "walk passed the footer's entry")
                continue
            if await _trail_jump(page, stops, trail):
                sent += len(trail.walk.stops)  # the copied stops and the exit press
                if should_stop(stops):
                    return True
    return True


async def _walk_slow(page: Any, stops: list[dict[str, Any]]) -> None:
    """Tab press by press, measuring after each (pages with frames, or after a short batch)."""
    while len(stops) < MAX_TAB_STOPS:
        await page.keyboard.press("Tab")
        stops.append(await page.evaluate(STOP_JS))
        if should_stop(stops):
            return


# --- component-aware measurement (auditor/memo.py) ------------------------------------
#: Stop fields compared between the memoised first stop and this page's real one (the
#: selector is this page's own: ``:nth-of-type`` counts siblings outside the block).
_SAME_FIELDS = ("id", "snippet", "tag", "x", "y", "w", "h", "size", "visible_change", "in_view", "obscured_by")

# After the first Tab press: the stop it recorded must be the memoised first stop (entry
# proven; compared in the page, no round trip of its own). Then focus the block's last
# control from script (the Tab presses to it are skipped) and give this page's selector and
# snippet of each reused stop. Tab from a focused element goes on from it, as it would after
# the skipped presses.
_ENTER_AND_JUMP_JS = r"""
([entry, fields, ids, last]) => {
  const got = window.__iaStops.splice(0);
  if (got.length !== 1 || fields.some(f => got[0][f] !== entry[f])) return {ok: false, got};
  const find = (id) => document.querySelector('[data-ia-kbd="' + id + '"]');
  const out = ids.map(id => { const el = find(id); return el ? {selector: window.__iaCssPath(el), snippet: window.__iaSnip(el)} : null; });
  const el = find(last);
  if (!el || out.includes(null) || scrollX !== 0 || scrollY !== 0) return {ok: false, got, jumped: false};
  el.focus();
  // where the next Tab lands, for a stop without an id (focusable, not marked as operable):
  // in or after main is outside the block. Kept on the recorder's list (UNRECORD_JS drops it).
  const main = document.querySelector('main, [role=main]');
  const once = (e) => {
    if (e.key !== 'Tab') return;
    removeEventListener('keyup', once, true);
    const a = document.activeElement;
    window.__iaStops.exitAfterMain = !!(main && a && a !== document.body && a !== document.documentElement &&
      (a === main || main.contains(a) || (main.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)));
  };
  addEventListener('keyup', once, true);
  return {ok: document.activeElement === el && scrollX === 0 && scrollY === 0, got, jumped: true, stops: out};
}
"""

# A mismatch: put focus back on the page's first control (Shift+Tab from it leaves the
# page, as at the end of a walk) and forget what the recorder saw, for a walk from the top.
_RESTART_JS = r"""
(first) => {
  const el = document.querySelector('[data-ia-kbd="' + first + '"]');
  if (el) el.focus();
  window.__iaStops = [];
  return !!el && document.activeElement === el;
}
"""


@dataclass
class _Trail:
    """One page's reuse of a memoised trailing block (auditor/memo.py) during its Tab walk."""

    walk: memo_mod.TrailingWalk
    start: int
    """data-ia-kbd of the block's first control on this page."""
    ys: list[int]
    """Where the block's controls are on this page (y, document coordinates, by relative id)."""
    tabbable: list[int]
    """The page's tabbable marked ids (MARK_JS), to size the batch that lands on the block."""
    block: str
    """The block's markup before the walk (data-ia-kbd renumbered from 0)."""
    state: str = ""
    """'' (not reached yet), 'hit', 'fallback' or 'miss'."""
    reason: str = ""
    reused: int = 0

    def end(self, state: str, reason: str = "", reused: int = 0) -> None:
        self.state, self.reason, self.reused = state, reason, reused

    def reset(self) -> None:
        """The walk starts again from the top: nothing of the discarded one counts."""
        self.end("")


# Focus is on the trailing block's entry (its recorded first stop, compared): check that the
# block's controls to be copied are there and look as recorded (snippets, which a focus
# handler that changes markup would change), keep the scroll, and focus the block's last
# recorded control from script. The Tab presses to it are skipped.
_TRAIL_JUMP_JS = r"""
([entry, ids, snippets]) => {
  const find = (id) => document.querySelector('[data-ia-kbd="' + id + '"]');
  const first = find(entry);
  if (!first || document.activeElement !== first) return {ok: false};
  const out = ids.map(id => { const el = find(id); return el ? {selector: window.__iaCssPath(el), snippet: window.__iaSnip(el)} : null; });
  if (out.some((o, i) => !o || o.snippet !== snippets[i])) return {ok: false};
  window.__iaTrailBack = [scrollX, scrollY];
  const last = find(ids[ids.length - 1]);
  last.focus();
  return {ok: document.activeElement === last, jumped: true, stops: out};
}
"""

# After the one real Tab press from the block's last control: what the recorder saw (the
# exit) and whether the block's markup is as before the walk.
_TRAIL_EXIT_JS = "([start, block]) => ({got: window.__iaStops.splice(0), same: (" + memo_mod.TRAILING_DOM_JS.strip() + \
    ")(start) === block})"

# A mismatch after the jump: focus back on the entry, the scroll where the walk had it, and
# nothing recorded since: the walk goes on with real presses from where it was.
_TRAIL_BACK_JS = r"""
(entry) => {
  const el = document.querySelector('[data-ia-kbd="' + entry + '"]');
  if (el) el.focus({preventScroll: true});
  const back = window.__iaTrailBack || [scrollX, scrollY];
  window.scrollTo(back[0], back[1]);
  delete window.__iaTrailBack;
  window.__iaStops.splice(0);
  return !!el && document.activeElement === el && scrollX === back[0] && scrollY === back[1];
}
"""


class _FocusLost(RuntimeError):
    """Focus could not be put back on a trailing block's entry after a mismatch."""


async def _trail_jump(page: Any, stops: list[dict[str, Any]], trail: _Trail) -> bool:
    """The walk's last stop is the first in the trailing block: when it is the recorded
    entry, skip to the block's last control and press Tab once; the walk must leave the page
    (the recorded exit) with the block's markup as it was. Then the recorded stops are copied
    in before the exit, with this page's ids, y, selectors and snippets (the list a full walk
    gives). Returns whether the stops were copied; else the walk goes on from the entry.

    The copied stops cannot end the walk early (``should_stop``): their ids are distinct and
    no stop before the entry is in the block."""
    placed = memo_mod.place_stops(trail.walk, trail.start, trail.ys)
    if not memo_mod.same_stop(placed[0], stops[-1], _SAME_FIELDS):
        trail.end("fallback", "entry differs")
        return False
    rest = placed[1:]
    jump = await evaluate_json(page, _TRAIL_JUMP_JS, [placed[0]["id"], [s["id"] for s in rest], [s["snippet"] for s in rest]])
    if not jump.get("ok"):
        if jump.get("jumped"):
            await _trail_back(page, placed[0]["id"])
        trail.end("fallback", "footer differs")
        return False
    await _press_tab(page)
    after = await evaluate_json(page, _TRAIL_EXIT_JS, [trail.start, trail.block])
    got = after.get("got") or []
    if got != [{"body": True}] or not after.get("same"):
        await _trail_back(page, placed[0]["id"])
        trail.end("fallback", "exit differs" if after.get("same") else "the footer changed")
        return False
    stops.extend({**rec, **here} for rec, here in zip(rest, jump["stops"]))
    stops.append(got[0])
    trail.end("hit", reused=len(rest))
    return True


async def _trail_back(page: Any, entry: int) -> None:
    if not await page.evaluate(_TRAIL_BACK_JS, entry):
        raise _FocusLost("focus could not be put back on the footer's entry")


async def _press_tab(page: Any, shift: bool = False) -> None:
    """One Tab press over the DevTools session (down and up sent back to back)."""
    cdp = await cdp_session(page)
    mod = {"modifiers": 8} if shift else {}
    await asyncio.gather(cdp.send("Input.dispatchKeyEvent", {**_TAB_DOWN, **mod}),
                         cdp.send("Input.dispatchKeyEvent", {**_TAB_UP, **mod}))


async def _walk_reusing(page: Any, stops: list[dict[str, Any]], walk: Any, count: int,
                        first: int, trail: _Trail | None = None) -> tuple[bool, str, int]:
    """The fast walk with the Tab presses through a memoised leading block of ``count``
    controls skipped (module docstring of auditor/memo.py). Returns (walk done, mismatch
    reason or '', stops reused). ``trail``: a memoised trailing block, for ``_walk_fast``."""
    await _press_tab(page)
    k = len(walk.stops)
    jump = await evaluate_json(page, _ENTER_AND_JUMP_JS, [walk.stops[0], list(_SAME_FIELDS),
                                                          [s["id"] for s in walk.stops[1:]], walk.last_id])
    got = jump.get("got") or []
    if not jump.get("jumped"):
        if jump.get("jumped") is False:  # entered as recorded, but the block's controls are not all here
            return await _restart(page, stops, walk, first, trail), "block differs", 0
        # focus did not enter the block as recorded: this is the first press of a full walk
        stops.extend(got)
        if stops and should_stop(stops):
            return True, "entry differs", 0
        return await _walk_fast(page, stops, max(1, first - 1), sent=1, trail=trail), "entry differs", 0
    if not jump.get("ok"):
        return await _restart(page, stops, walk, first, trail), "jump failed", 0
    stops.append(got[0])
    for rec, here in zip(walk.stops[1:], jump["stops"]):
        stops.append({**rec, **here})
    # the first press after the jump must leave the block for a control after it (exit
    # proven): ids from ``count`` on are the controls from main on, in document order. The
    # walk goes on in the same list, so should_stop judges it as it would the full walk.
    done = await _walk_fast(page, stops, max(1, first - k), sent=k, trail=trail)
    nxt = stops[k] if len(stops) > k else {}
    if nxt.get("body") or (isinstance(nxt.get("id"), int) and nxt["id"] < count):
        return await _restart(page, stops, walk, first, trail), "exit differs", 0
    if not isinstance(nxt.get("id"), int) and not await page.evaluate(
            "() => !!window.__iaStops && window.__iaStops.exitAfterMain === true"):
        return await _restart(page, stops, walk, first, trail), "exit differs", 0
    return done, "", k - 1


async def _restart(page: Any, stops: list[dict[str, Any]], walk: Any, first: int, trail: _Trail | None = None) -> bool:
    """Walk the page again from before its first control, after a mismatch."""
    stops.clear()
    if trail is not None:
        trail.reset()
    if await page.evaluate(_RESTART_JS, walk.first_id):
        await _press_tab(page, shift=True)
    await page.evaluate("() => { window.__iaStops = []; }")
    return await _walk_fast(page, stops, first, trail=trail)


# Both blocks' fingerprints in one round trip; one that throws does not hide the other.
_PLAN_JS = ("(limit) => { const run = (f) => { try { return f(limit); } catch (e) {"
            " return {reason: 'fingerprint failed (' + e.name + ')'}; } };"
            " return {lead: run(" + memo_mod.FINGERPRINT_JS.strip() + "), tail: run("
            + memo_mod.TRAILING_FINGERPRINT_JS.strip() + ")}; }")


async def _memo_plan(page: Any, memo: Any, setup: dict[str, Any]) -> dict[str, Any]:
    """Fingerprint the page's leading block: {key, walk, count, width, height} or {reason},
    and its trailing block under ``tail``: {key, walk, seen, start, count, ys, block} or
    {reason}."""
    if setup.get("modal"):
        return {"reason": "an open modal dialog", "tail": {"reason": "an open modal dialog"}}
    if setup.get("initial_focus") is not None:
        return {"reason": "focus already on the page", "tail": {"reason": "focus already on the page"}}
    both = await evaluate_json(page, _PLAN_JS, memo_mod.MAX_FINGERPRINT_CHARS)
    got, tail = both["lead"], both["tail"]
    if tail.get("reason"):
        tail_plan: dict[str, Any] = {"reason": tail["reason"]}
    else:
        tkey = "trailing:" + memo_mod.fingerprint(tail["parts"])
        tail_plan = {"key": tkey, "walk": memo.get_tail(tkey), "seen": memo.seen_tail(tkey), "start": tail["start"],
                     "count": tail["count"], "ys": tail["ys"], "block": tail["block"]}
    if got.get("reason"):
        return {"reason": got["reason"], "tail": tail_plan}
    key = memo_mod.fingerprint(got["parts"])
    return {"key": key, "walk": memo.get(key), "seen": memo.seen(key), "count": got["count"],
            "width": got["width"], "height": got["height"], "block": got["parts"]["block"], "tail": tail_plan}


async def _memo_learn(page: Any, memo: Any, plan: dict[str, Any], stops: list[dict[str, Any]]) -> str:
    """After a full walk of a page whose block was not seen before: keep its stops through
    the block for later pages, when they can be reused; returns why not ('' when kept)."""
    inside, next_id = memo_mod.leading_stops(stops, plan["count"], plan["width"], plan["height"])
    if not inside or next_id is None:
        memo.put(plan["key"], None)
        return "walk through the block not reusable"
    after = await page.evaluate(memo_mod.BLOCK_DOM_JS)
    if after != plan["block"]:
        memo.put(plan["key"], None)
        return "the walk changed the block"
    memo.put(plan["key"], memo_mod.LeadingWalk(tuple(inside), next_id, memo_mod.dom_hash(after)))
    return ""


async def _memo_learn_tail(page: Any, memo: Any, tail: dict[str, Any], stops: list[dict[str, Any]]) -> str:
    """As ``_memo_learn``, for the trailing block (``plan["tail"]``): its stops, relative to
    the block, when the walk entered it at its first control and left the page right after."""
    inside = memo_mod.trailing_stops(stops, tail["start"], tail["ys"])
    if inside is None:
        memo.put_tail(tail["key"], None)
        return "walk through the footer not reusable"
    if await page.evaluate(memo_mod.TRAILING_DOM_JS, tail["start"]) != tail["block"]:
        memo.put_tail(tail["key"], None)
        return "the walk changed the footer"
    memo.put_tail(tail["key"], memo_mod.TrailingWalk(inside))
    return ""


# One round trip before the walk: the fragment to restore, the operable elements, and the
# recorder (which says whether the page has frames).
SETUP_JS = ("() => ({hash: location.hash, marked: (" + MARK_JS.strip() + ")(), frames: ("
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
    try:
        listeners = await mark_click_listeners(page)
    except Exception:  # no DevTools session (not Chromium): inline handlers and roles only
        listeners = None
    setup = await evaluate_json(page, SETUP_JS)
    setup.update(setup.pop("marked"))
    hash_before = setup["hash"]
    stops: list[dict[str, Any]] = []
    walk = "per-press"
    cleaned = False
    trap_exit = None
    refocus: list[dict[str, Any]] = []
    # component-aware measurement (auditor/memo.py); None with --no-memo: the old path only
    memo = getattr(page, "_ia_memo", None) if getattr(settings, "memo", False) else None
    memo_note: dict[str, Any] | None = None
    plan: dict[str, Any] = {}
    trail: _Trail | None = None
    tail_note: dict[str, Any] | None = None
    try:
        done = False
        if not setup["frames"]:
            try:
                if memo is not None:
                    try:
                        plan = await _memo_plan(page, memo, setup)
                    except Exception as exc:  # a page that tampers with built-ins: measured in full
                        plan = {"reason": f"fingerprint failed ({type(exc).__name__})",
                                "tail": {"reason": f"fingerprint failed ({type(exc).__name__})"}}
                    tail = plan.get("tail") or {}
                    if tail.get("walk") is not None:
                        trail = _Trail(tail["walk"], tail["start"], tail["ys"],
                                       [e["id"] for e in setup["elements"] if e.get("tabbable")], tail["block"])
                if plan.get("walk") is not None:
                    done, mismatch, reused = await _walk_reusing(page, stops, plan["walk"], plan["count"],
                                                                  first_batch(setup["elements"]), trail)
                    # the stops after the first one inside the block are copied, not pressed to
                    memo_note = {"state": "fallback" if mismatch else "hit", "reason": mismatch,
                                 "stops_reused": reused, "presses_saved": reused}
                else:
                    done = await _walk_fast(page, stops, first_batch(setup["elements"]), trail=trail)
                walk = "batched" if done else "batched, then per-press"
            except Exception:  # no DevTools session (not Chromium): the per-press walk
                walk = "per-press"
                done = False
                first_id = plan["walk"].first_id if plan.get("walk") is not None else (
                    stops[0].get("id") if stops and isinstance(stops[0].get("id"), int) else None)
                if plan.get("walk") is not None:
                    # the reuse broke off somewhere: the per-press walk starts from the top
                    memo_note = {"state": "fallback", "reason": "walk failed", "stops_reused": 0, "presses_saved": 0}
                if trail is not None and trail.state:
                    tail_note = {"state": "fallback", "reason": "walk failed", "stops_reused": 0, "presses_saved": 0}
                if plan.get("walk") is not None or (trail is not None and trail.state):
                    stops.clear()
                    if first_id is not None and await page.evaluate(_RESTART_JS, first_id):
                        await page.keyboard.press("Shift+Tab")
            if trail is not None and tail_note is None:
                # a walk that never reached the footer (a trap, the cap) has nothing to say of it
                state = trail.state or "miss"
                reused = trail.reused if state == "hit" else 0
                tail_note = {"state": state, "reason": trail.reason if trail.state else "walk did not reach the footer",
                             "stops_reused": reused, "presses_saved": reused}
            if memo is not None and tail_note is None:
                tail = plan.get("tail") or {}
                if tail.get("reason"):
                    tail_note = {"state": "not-memoisable", "reason": tail["reason"]}
                elif tail.get("key"):
                    why = ("walk not complete" if not done else
                           await _memo_learn_tail(page, memo, tail, stops) if not tail["seen"] else
                           "footer seen before, its walk not reusable")
                    if not done:
                        memo.put_tail(tail["key"], None)
                    tail_note = {"state": "miss", "reason": why}
            if memo is not None and memo_note is None:
                if plan.get("reason"):
                    memo_note = {"state": "not-memoisable", "reason": plan["reason"]}
                elif plan.get("key"):
                    why = ("walk not complete" if not done else
                           await _memo_learn(page, memo, plan, stops) if not plan["seen"] else
                           "block seen before, its walk not reusable")
                    if not done:
                        memo.put(plan["key"], None)
                    memo_note = {"state": "miss", "reason": why}
        elif memo is not None:
            memo_note = {"state": "not-memoisable", "reason": "frames or plugins on the page"}
            tail_note = {"state": "not-memoisable", "reason": "frames or plugins on the page"}
        if not done and not (stops and should_stop(stops)):
            await page.evaluate(UNRECORD_JS)
            await _walk_slow(page, stops)
        trap_exit = await try_trap_exits(page, stops) if is_trapped(stops) else None
        try:
            if memo is not None and memo_note and memo_note["state"] in ("hit", "miss") and plan.get("key"):
                # the block's blur listeners: looked up once per block (on a hit, the walk
                # proved the block behaves as recorded)
                known = memo.blur_of(plan["key"]) if memo_note["state"] == "hit" else None
                blur_candidates, learned = await blur_listeners_reusing(page, plan["count"], known)
                if learned is not None:
                    memo.put_blur(plan["key"], learned)
                if known is not None:
                    memo_note["listener_lookups_saved"] = plan["count"]
            else:
                blur_candidates = await blur_listener_elements(page)
        except Exception:  # no DevTools session (not Chromium)
            blur_candidates = []
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
        # last: a script that refocuses an element would disturb the skip-link test
        if blur_candidates:
            refocus = await refocus_traps(page, blur_candidates)
            await cleanup(page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); "
                                        "window.scrollTo(0, 0); }"))
    finally:
        if not cleaned:
            await cleanup(page.evaluate("(hash) => { (" + UNRECORD_JS.strip() + ")(); (" + CLEANUP_JS.strip() + ")(hash); }",
                                        hash_before))
    out = {"elements": setup["elements"], "stops": stops, "skip_link": skip, "max_stops": MAX_TAB_STOPS,
           "walk": walk, "initial_focus": setup["initial_focus"], "modal": setup["modal"], "trap_exit": trap_exit,
           "click_listeners": listeners, "refocus": refocus, "refocus_wait_ms": REFOCUS_WAIT_MS,
           **tab_summary(stops)}
    if memo is not None and memo_note is not None:
        out["memo"] = memo_note
        memo.count({"hit": "hits", "fallback": "fallbacks", "miss": "misses"}.get(memo_note["state"], "not_memoisable"),
                   memo_note.get("reason", ""), memo_note.get("stops_reused", 0), memo_note.get("presses_saved", 0))
        if tail_note is not None:
            memo_note["trailing"] = tail_note
            memo.count_tail({"hit": "hits", "fallback": "fallbacks", "miss": "misses"}.get(tail_note["state"],
                                                                                           "not_memoisable"),
                            tail_note.get("reason", ""), tail_note.get("stops_reused", 0),
                            tail_note.get("presses_saved", 0))
    return out
