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

from . import cleanup, next_frame, page_action

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
  // Text containers whose own text is cut off (overflow hidden/clip, content larger than box).
  window.__iaClipped = () => {
    const out = {};
    for (const el of document.body.querySelectorAll('*')) {
      if (Object.keys(out).length >= 300) break;
      const hasText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      if (!hasText) continue;
      const cs = getComputedStyle(el);
      const hidesX = cs.overflowX === 'hidden' || cs.overflowX === 'clip';
      const hidesY = cs.overflowY === 'hidden' || cs.overflowY === 'clip';
      if (!hidesX && !hidesY) continue;
      if (el.clientWidth <= 2 || el.clientHeight <= 2) continue;  // visually-hidden helpers
      const cutY = hidesY && el.scrollHeight > el.clientHeight + 2;
      const cutX = hidesX && el.scrollWidth > el.clientWidth + 2 && cs.textOverflow !== 'ellipsis';
      if (cutY || cutX) out[window.__iaPath(el)] = el.outerHTML.slice(0, 300);
    }
    return out;
  };
  // Overlapping text: a text element whose box overlaps a following sibling's box.
  window.__iaOverflow = () => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const scroll = Math.max(root.scrollWidth, document.body ? document.body.scrollWidth : 0);
    const culprits = [];
    if (scroll > width + 1) {
      for (const el of document.body.querySelectorAll('*')) {
        if (culprits.length >= 10) break;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || r.right <= width + 1) continue;
        // content inside a scrolling container (data tables, code) is an allowed exception
        let p = el.parentElement, scrolls = false, parentOver = false;
        while (p && p !== document.body) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') { scrolls = true; break; }
          p = p.parentElement;
        }
        if (scrolls) continue;
        const par = el.parentElement;
        if (par && par !== document.body && par.getBoundingClientRect().right > width + 1) parentOver = true;
        if (parentOver) continue;  // report the outermost element that sticks out
        culprits.push({selector: window.__iaPath(el), snippet: el.outerHTML.slice(0, 300),
                       right: Math.round(r.right), width: Math.round(r.width)});
      }
    }
    return {viewport: width, scroll_width: scroll, overflows: scroll > width + 1, culprits};
  };
}
"""


@page_action("reflow", order=45, timeout=30.0, families=("reflow",))
async def reflow(page: Any, art: Any, settings: Any) -> dict[str, Any]:
    """Desktop first (the baseline, then text spacing), then 640 px (zoom), then 320 px
    (reflow). Each width change re-lays the whole page, the dearest step here, so the
    320 px layout is left for the mobile action when it runs next (it measures 320 px
    too); otherwise, and on any error, the desktop size is restored."""
    size = page.viewport_size or {"width": 1280, "height": 900}
    await page.evaluate(HELPERS_JS)
    out: dict[str, Any] = {}
    base_clipped = await page.evaluate("() => window.__iaClipped()")
    style_id = "__ia_text_spacing"
    try:
        await page.evaluate("([id, css]) => { const s = document.createElement('style'); s.id = id; "
                            "s.textContent = css; document.head.appendChild(s); }", [style_id, TEXT_SPACING_CSS])
        await next_frame(page)
        spaced = await page.evaluate("() => window.__iaClipped()")
        out["text_spacing"] = {"clipped": [{"selector": k, "snippet": v} for k, v in spaced.items()
                                           if k not in base_clipped]}
    finally:
        await cleanup(page.evaluate("(id) => { const s = document.getElementById(id); if (s) s.remove(); }", style_id))
    leave_narrow = False
    try:
        await page.set_viewport_size({"width": ZOOM_WIDTH, "height": size["height"] // 2})
        await next_frame(page)
        zoom_clipped = await page.evaluate("() => window.__iaClipped()")
        out["zoom"] = {"width": ZOOM_WIDTH,
                       "clipped": [{"selector": k, "snippet": v} for k, v in zoom_clipped.items()
                                   if k not in base_clipped]}
        await page.set_viewport_size({"width": REFLOW_WIDTH, "height": REFLOW_HEIGHT})
        await next_frame(page)
        out["reflow"] = await page.evaluate("() => window.__iaOverflow()")
        leave_narrow = "mobile" in getattr(page, "_ia_actions", ())
    finally:
        if not leave_narrow and await cleanup(page.set_viewport_size(size)):
            await cleanup(next_frame(page))
    return out
