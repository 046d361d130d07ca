"""Desktop and mobile screenshots of a page for the scorecard (only with ``--screenshots``).

Runs last in the visit. Elements that axe-core found failing are outlined first, so a reader
sees *where* the problem is. Shots are stored as small JPEG thumbnails (data URIs, a few KB
each) in ``art.probes["screenshots"]``: the scorecard stays one self-contained file and its
size stays bounded (the report embeds them for a capped number of pages only).
"""

from __future__ import annotations

import base64
import io
from typing import Any

from ..model import PageArtifacts
from ..settings import Settings
from . import DESKTOP_VIEWPORT, cleanup, next_frame, page_action

MOBILE = {"width": 375, "height": 667}
THUMB_WIDTH = {"desktop": 480, "mobile": 200}
JPEG_QUALITY = 55
MAX_OUTLINED = 40

OUTLINE_JS = """(sels) => {
  let n = 0;
  for (const s of sels) {
    let els = [];
    try { els = document.querySelectorAll(s); } catch (e) { continue; }
    for (const el of els) {
      el.setAttribute('data-idea-audit-outline', el.style.outline || '');
      el.style.outline = '4px solid #d83933'; el.style.outlineOffset = '2px'; n++;
    }
  }
  return n;
}"""

UNOUTLINE_JS = """() => {
  for (const el of document.querySelectorAll('[data-idea-audit-outline]')) {
    el.style.outline = el.getAttribute('data-idea-audit-outline'); el.style.outlineOffset = '';
    el.removeAttribute('data-idea-audit-outline');
  }
}"""


def failing_selectors(axe: dict[str, Any], limit: int = MAX_OUTLINED) -> list[str]:
    """CSS selectors of the elements axe-core reported as violations (top-level documents only)."""
    out: list[str] = []
    for rule in (axe or {}).get("violations", []) or []:
        for node in rule.get("nodes", []) or []:
            target = node.get("target") or []
            if len(target) == 1 and isinstance(target[0], str) and target[0] not in out:
                out.append(target[0])
            if len(out) >= limit:
                return out
    return out


def thumbnail(png_or_jpeg: bytes, width: int, quality: int = JPEG_QUALITY) -> str:
    """A JPEG data URI of the image scaled to ``width`` CSS px."""
    from PIL import Image

    img = Image.open(io.BytesIO(png_or_jpeg)).convert("RGB")
    if img.width > width:
        img = img.resize((width, max(1, round(img.height * width / img.width))), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@page_action("screenshots", order=900, timeout=30.0)
async def take_screenshots(page: Any, art: PageArtifacts, settings: Settings) -> dict[str, Any] | None:
    if not settings.screenshots:
        return None
    before = page.viewport_size or DESKTOP_VIEWPORT
    outlined = 0
    try:
        outlined = await page.evaluate(OUTLINE_JS, failing_selectors(art.axe))
        shots = {}
        for name, size in (("desktop", DESKTOP_VIEWPORT), ("mobile", MOBILE)):
            await page.set_viewport_size(size)
            await next_frame(page)  # the page's resize handlers have run
            raw = await page.screenshot(type="jpeg", quality=80, timeout=10_000)
            shots[name] = thumbnail(raw, THUMB_WIDTH[name])
    finally:
        await cleanup(page.set_viewport_size(before))
        await cleanup(page.evaluate(UNOUTLINE_JS))  # may have navigated away: the shots are what matter
    return {**shots, "outlined": outlined}
