"""Mobile measurements in the same browser visit (IDEA 3(a)(8)).

After axe-core, the page is resized to phone widths (375x667 and 320x640), measured
(horizontal overflow, tap targets, body text size), and left there (the gatherer restores
1280x900 after the page's actions). When the
reflow action ran just before, it left the page laid out at 320x256 (WCAG 1.4.10's
size): that layout is measured as the 320 px phone width instead of laying the page out
again (only viewport-height units differ; each re-layout is the costliest step here).

Why the same visit: one navigation per page keeps the crawl polite and fast. Playwright
cannot change device scale factor, touch support or the user agent of an open page, so
this emulates the *layout width* only: CSS media queries and viewport-relative layout
respond as on a phone, but UA-sniffing servers and ``(pointer: coarse)`` styles do not.
That is documented in docs/checks.md; sites that serve different HTML to mobile UAs need a
separate mobile-UA scan.
"""

from __future__ import annotations

from typing import Any

from . import after_frame, page_action
from .reflow import HELPERS_JS

#: Phone viewports measured: the common 375x667 and WCAG 1.4.10's 320 CSS px.
PHONE_VIEWPORTS = ((375, 667), (320, 640))
MAX_TARGETS = 40

MEASURE_JS = """
(maxTargets) => {
  const doc = document.documentElement;
  const vw = window.innerWidth;
  // horizontal overflow by the reflow gatherer's model (one model, so the two families never
  // disagree): only boxes that add to the document's scrollable overflow count, and where the
  // viewport hides horizontal overflow nobody can scroll, so what lies past the edge is
  // content cut off, or an off-canvas panel wholly past it (a closed mobile menu), which is not
  if (typeof window.__iaOverflow !== 'function') (""" + HELPERS_JS.strip() + """)();
  const ov = window.__iaOverflow();
  const scrollW = ov.scroll_width;
  const sel = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) return s + '#' + el.id;
    if (el.classList.length) s += '.' + Array.from(el.classList).slice(0, 2).join('.');
    const p = el.parentElement;
    return p && p !== document.body ? (p.tagName.toLowerCase() + (p.id ? '#' + p.id : '') + ' > ' + s) : s;
  };
  const targets = [];
  const rects = [];
  const interactive = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=link], [onclick]');
  for (const el of interactive) {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden' || cs.display === 'none') continue;
    // moved off the page (off-canvas text for screen readers, a collapsed breadcrumb): no finger reaches it
    if (r.right + scrollX <= 0 || r.left + scrollX >= scrollW || r.bottom + scrollY <= 0) continue;
    // inline links inside a sentence are exempt (WCAG 2.5.8 "inline" exception): text of the
    // enclosing block (through inline wrappers such as <span>) outside the link
    let block = el.parentElement;
    while (block && block !== document.body && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    const inline = el.tagName === 'A' && cs.display === 'inline' && !!block &&
      /\\S/.test((block.textContent || '').split(el.textContent || '\\u0000').join(''));
    rects.push({el, r, inline});
  }
  for (const {el, r, inline} of rects) {
    if (inline || (r.width >= 24 && r.height >= 24)) continue;
    // spacing exception: a 24px circle centred on the target does not intersect another target
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    let crowded = false;
    for (const o of rects) {
      if (o.el === el) continue;
      const nx = Math.max(o.r.left, Math.min(cx, o.r.right)), ny = Math.max(o.r.top, Math.min(cy, o.r.bottom));
      if (Math.hypot(cx - nx, cy - ny) < 12) { crowded = true; break; }
    }
    if (crowded && targets.length < maxTargets) {
      targets.push({selector: sel(el), width: Math.round(r.width), height: Math.round(r.height),
                    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
                    html: el.outerHTML.slice(0, 200)});
    }
  }
  const body = document.body ? parseFloat(getComputedStyle(document.body).fontSize) : null;
  const para = document.querySelector('main p') || document.querySelector('article p') || document.querySelector('p');
  const paraSize = para ? parseFloat(getComputedStyle(para).fontSize) : null;
  // the body text: the font size most of the main content's characters are drawn in (not the
  // first paragraph, which may be a date line or a caption); navigation, header, footer,
  // asides, code and hidden text are not body text
  const root = document.querySelector('main,[role=main]') || document.querySelector('article') || document.body;
  const sizes = new Map(); const where = new Map(); let chars = 0;
  if (root) {
    const skip = 'nav,header,footer,aside,[role=navigation],[role=banner],[role=contentinfo],script,style,noscript,' +
      'pre,code,template,[aria-hidden=true],[hidden]';
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(), k = 0; n && k < 20000; n = walker.nextNode(), k++) {
      const host = n.parentElement;
      const len = n.textContent.replace(/\\s+/g, '').length;
      if (!host || !len || host.closest(skip)) continue;
      if (!host.getClientRects().length) continue;
      const cs = getComputedStyle(host);
      if (cs.visibility !== 'visible') continue;
      const px = Math.round(parseFloat(cs.fontSize) * 100) / 100;
      sizes.set(px, (sizes.get(px) || 0) + len); chars += len;
      const block = host.closest('p,li,td,th,dd,dt,blockquote,figcaption,h1,h2,h3,h4,h5,h6,div') || host;
      const w = where.get(px);
      if (!w || len > w.len) where.set(px, {el: block, len});
    }
  }
  let bodyText = null, share = null;
  for (const [px, n] of sizes) if (bodyText === null || n > sizes.get(bodyText)) bodyText = px;
  if (bodyText !== null) share = Math.round(100 * sizes.get(bodyText) / chars) / 100;
  const at = bodyText !== null ? where.get(bodyText).el : null;
  return {width: vw, scroll_width: scrollW, overflow: ov.overflows, scrollable: ov.scrollable,
          offscreen: ov.offscreen, overflowing: ov.culprits,
          small_targets: targets, targets_checked: rects.length,
          body_font_px: body, paragraph_font_px: paraSize,
          body_text_px: bodyText, body_text_share: share, body_text_chars: chars,
          body_text_selector: at ? sel(at) : null,
          font_sizes: [...sizes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)};
}
"""


#: A width change's wait for the next frame and the measurement, in one round trip.
MEASURE_AFTER_FRAME_JS = after_frame(MEASURE_JS)


@page_action("mobile", order=50, timeout=20.0, families=("mobile",))
async def measure_mobile(page: Any, art: Any, settings: Any) -> dict[str, Any]:
    """The phone widths, the one the page is at first (the reflow action leaves 320 px laid
    out). The page is left at the last phone width: the gatherer puts the desktop size back
    after the page's actions (the next page loads at it), and a later action that reads the
    desktop layout asks for it first (``desktop_layout``), so no re-layout is waited for here."""
    out: dict[str, Any] = {"emulation": "width-only (same visit)", "viewports": {}}
    current = page.viewport_size or {}
    for width, height in sorted(PHONE_VIEWPORTS, key=lambda wh: wh[0] != current.get("width")):
        if width != current.get("width"):
            await page.set_viewport_size({"width": width, "height": height})
            # the page's resize and media-query handlers have run by the next frame (a fixed
            # 100 ms sleep here cost 0.2 s a page for nothing, bench/run.py)
            out["viewports"][str(width)] = await page.evaluate(MEASURE_AFTER_FRAME_JS, MAX_TARGETS)
        else:  # the reflow action left this width laid out (a re-layout saved)
            out["viewports"][str(width)] = await page.evaluate(MEASURE_JS, MAX_TARGETS)
    return out
