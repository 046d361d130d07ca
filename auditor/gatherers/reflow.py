"""Reflow (WCAG 1.4.10), text spacing (1.4.12) and zoom (1.4.4) measurements.

Three passes in the same visit, each restoring what it changed: the viewport narrowed
to 320 CSS px (horizontal scrolling and the elements that cause it); the WCAG
text-spacing overrides injected as a style sheet (text containers that newly clip
their text); and a 640 px wide viewport, which is what 200% browser zoom gives a
1280 px window (content newly clipped). "Newly" means compared with the same page
measured before the change, so text that was hidden on purpose (visually-hidden
helpers) is never reported.
"""

from __future__ import annotations

from typing import Any

from . import DESKTOP_VIEWPORT, after_frame, cleanup, evaluate_json, next_frame, page_action

REFLOW_WIDTH = 320
REFLOW_HEIGHT = 256  # 1280x1024 at 400%: WCAG 1.4.10's 320 by 256 CSS px
ZOOM_WIDTH = 640  # 200% zoom of the 1280 px window

#: WCAG 1.4.12's text-spacing values, as the bookmarklets used by auditors apply them.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

HELPERS_JS = r"""
() => {
  window.__iaPath = (el) => {
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
  // Text containers whose own text is cut off (overflow hidden/clip, content larger than box),
  // and how many could be: text containers that hide their overflow and are not 1 px
  // visually-hidden helpers (never reported; their box is fixed at that size).
  window.__iaClipScan = () => {
    const out = {};
    let candidates = 0;
    for (const el of document.body.querySelectorAll('*')) {
      const hasText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      if (!hasText) continue;
      const cs = getComputedStyle(el);
      const hidesX = cs.overflowX === 'hidden' || cs.overflowX === 'clip';
      const hidesY = cs.overflowY === 'hidden' || cs.overflowY === 'clip';
      if (!hidesX && !hidesY) continue;
      if (el.clientWidth <= 2 || el.clientHeight <= 2) continue;  // visually-hidden helpers
      candidates++;
      if (Object.keys(out).length >= 300) continue;
      const cutY = hidesY && el.scrollHeight > el.clientHeight + 2;
      const cutX = hidesX && el.scrollWidth > el.clientWidth + 2 && cs.textOverflow !== 'ellipsis';
      if (cutY || cutX) out[window.__iaPath(el)] = el.outerHTML.slice(0, 300);
    }
    return {clipped: out, candidates};
  };
  window.__iaClipped = () => window.__iaClipScan().clipped;
  // Horizontal overflow at the current width and the elements that cause it. An element
  // causes it only if it adds to the document's scrollable overflow: its containing-block
  // chain reaches the initial containing block without passing a box that clips or scrolls
  // its overflow (overflow other than visible, contain: paint), and is not a position:
  // fixed box held by the viewport (fixed boxes never scroll the document; their
  // descendants neither). An absolutely positioned box skips the non-positioned ancestors
  // between it and its containing block, so it escapes their overflow: hidden.
  const holdsFixed = (cs) => cs.transform !== 'none' || cs.perspective !== 'none' || cs.filter !== 'none' ||
    (cs.backdropFilter && cs.backdropFilter !== 'none') || /paint|layout|strict|content/.test(cs.contain || '') ||
    /transform|perspective|filter/.test(cs.willChange || '') || (cs.containerType || 'normal') !== 'normal';
  // overflow does not apply to inline boxes (their computed value may still say hidden)
  const clips = (cs) => (cs.display !== 'inline' && cs.overflowX !== 'visible') ||
    /paint|strict|content/.test(cs.contain || '');
  window.__iaContributes = (el) => {
    const root = document.documentElement, body = document.body;
    let cur = el;
    while (cur && cur !== root) {
      const pos = getComputedStyle(cur).position;
      let cb = cur.parentElement;
      if (pos === 'absolute' || pos === 'fixed') {
        while (cb && cb !== root) {
          const cs = getComputedStyle(cb);
          if (holdsFixed(cs) || (pos === 'absolute' && cs.position !== 'static')) break;
          cb = cb.parentElement;
        }
        if (pos === 'fixed' && (!cb || cb === root)) return false;  // held by the viewport
      }
      if (!cb || cb === root) return true;
      // body's overflow is the viewport's unless the root sets its own (then body clips)
      const own = cb !== body || getComputedStyle(root).overflowX !== 'visible';
      if (own && clips(getComputedStyle(cb))) return false;
      cur = cb;
    }
    return true;
  };
  // How far right the box's content is drawn: its text (line boxes of its text nodes) and
  // replaced content (images, video, canvas, svg, frames, form controls). Where only an empty
  // box edge (a border, padding, a negative margin) sticks out, nothing is lost at the edge.
  const REPLACED = 'img,video,canvas,svg,iframe,embed,object,input,select,textarea,button,picture';
  const contentRight = (el) => {
    let right = -Infinity, n = 0;
    const range = document.createRange();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t && n < 2000; t = walker.nextNode()) {
      if (!t.data.trim()) continue;
      n++;
      range.selectNodeContents(t);
      for (const q of range.getClientRects()) if (q.width > 0) right = Math.max(right, q.right);
    }
    for (const m of [el, ...el.querySelectorAll(REPLACED)].slice(0, 500)) {
      if (m !== el && m.matches && !m.matches(REPLACED)) continue;
      if (m === el && !el.matches(REPLACED)) continue;
      const q = m.getBoundingClientRect();
      if (q.width > 0 && q.height > 0) right = Math.max(right, q.right);
    }
    return right === -Infinity ? 0 : right;
  };
  window.__iaOverflow = () => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const scroll = (document.scrollingElement || root).scrollWidth;
    // the viewport takes overflow-x from the root, or from body when the root leaves it visible
    const rootX = getComputedStyle(root).overflowX;
    const viewX = rootX !== 'visible' ? rootX : (document.body ? getComputedStyle(document.body).overflowX : 'visible');
    const scrollable = !(viewX === 'hidden' || viewX === 'clip');
    const culprits = [], offscreen = [];
    if (scroll > width + 1 && document.body) {
      for (const el of document.body.querySelectorAll('*')) {
        if (culprits.length >= 10) break;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= width + 1) continue;
        if (culprits.some(c => c.el.contains(el)) || offscreen.some(o => o.contains(el))) continue;  // the outermost
        if (!window.__iaContributes(el)) continue;
        // where the viewport hides its overflow nobody can scroll: only content cut by the
        // edge is lost; a box wholly past it is an off-canvas panel waiting to slide in
        if (!scrollable && r.left >= width - 1) { offscreen.push(el); continue; }
        // a visibility: hidden box still takes its room, so it still widens the page
        culprits.push({el, selector: window.__iaPath(el), snippet: el.outerHTML.slice(0, 300),
                       right: Math.round(r.right), width: Math.round(r.width),
                       visible: getComputedStyle(el).visibility === 'visible',
                       content_right: Math.round(contentRight(el))});
      }
    }
    const overflows = scroll > width + 1 && (scrollable || culprits.length > 0);
    return {viewport: width, scroll_width: scroll, overflows, scrollable, offscreen: offscreen.length,
            culprits: culprits.map(({el, ...c}) => c)};
  };
}
"""


#: One round trip before the passes: the helpers, the unchanged page's clipped text, and
#: whether anything could clip under text spacing. Only a text container that hides its
#: own overflow and is more than 2 px each way can be reported (``__iaClipped``), and the
#: spacing style changes neither the DOM nor any element's overflow, so a page without one
#: gets no spacing pass (which re-lays and re-shapes every text run, ~20 ms of CPU a page
#: on the bench site, /tmp steps profile) and the empty result the pass would give. The one
#: case this could miss is a box at most 2 px high only because its own text has no line
#: height (``line-height: 0``), that also caps its height at a few px: spacing would set
#: the line height and cut its text. Visually-hidden helpers (1 px boxes, common on
#: Drupal and Bootstrap sites) keep their size and do not count. Otherwise the spacing
#: style goes in here, measured by SPACED_JS.
SETUP_JS = ("([id, css]) => { (" + HELPERS_JS.strip() + ")(); const {clipped: base, candidates} = window.__iaClipScan();"
            " if (candidates) { const s = document.createElement('style'); s.id = id; s.textContent = css;"
            " document.head.appendChild(s); }"
            " return {base, candidates}; }")
REMOVE_STYLE_JS = "(id) => { const s = document.getElementById(id); if (s) s.remove(); }"
# Each measurement after a change waits for the next frame in the same call (after_frame).
SPACED_JS = after_frame("(id) => { const out = window.__iaClipped(); (" + REMOVE_STYLE_JS + ")(id); return out; }")
ZOOM_JS = after_frame("() => window.__iaClipped()")
OVERFLOW_JS = after_frame("() => window.__iaOverflow()")


@page_action("reflow", order=45, timeout=30.0, families=("reflow",))
async def reflow(page: Any, art: Any, settings: Any) -> dict[str, Any]:
    """Desktop first (the baseline, then text spacing), then 640 px (zoom), then 320 px
    (reflow). Each width change re-lays the whole page, the dearest step here, so the
    320 px layout is left for the mobile action when it runs next (it measures 320 px
    too); otherwise, and on any error, the desktop size is restored. Each pass is one
    round trip (the wait for the next frame and the measurement together)."""
    size = page.viewport_size or DESKTOP_VIEWPORT
    out: dict[str, Any] = {}
    style_id = "__ia_text_spacing"
    spaced: dict[str, str] = {}
    styled = True  # until the page says it got no spacing style (or took it out again)
    try:
        setup = await evaluate_json(page, SETUP_JS, [style_id, TEXT_SPACING_CSS])
        base_clipped = setup["base"]
        styled = bool(setup["candidates"])
        if styled:
            spaced = await evaluate_json(page, SPACED_JS, style_id)
            styled = False
    finally:
        if styled:
            await cleanup(page.evaluate(REMOVE_STYLE_JS, style_id))
    out["text_spacing"] = {"clipped": [{"selector": k, "snippet": v} for k, v in spaced.items()
                                       if k not in base_clipped]}
    leave_narrow = False
    try:
        await page.set_viewport_size({"width": ZOOM_WIDTH, "height": size["height"] // 2})
        zoom_clipped = await evaluate_json(page, ZOOM_JS)
        out["zoom"] = {"width": ZOOM_WIDTH,
                       "clipped": [{"selector": k, "snippet": v} for k, v in zoom_clipped.items()
                                   if k not in base_clipped]}
        await page.set_viewport_size({"width": REFLOW_WIDTH, "height": REFLOW_HEIGHT})
        out["reflow"] = await evaluate_json(page, OVERFLOW_JS)
        leave_narrow = "mobile" in getattr(page, "_ia_actions", ())
    finally:
        if not leave_narrow and await cleanup(page.set_viewport_size(size)):
            await cleanup(next_frame(page))
    return out
