"""What each frame of the page is called and what it shows (WCAG 4.1.2, ACT 4b1c6c).

A screen reader announces a frame by its accessible name; two frames called the same
("List of contributors", "Video") are expected to hold the same thing, or things of one
purpose. axe-core compares frame names only with each other (``frame-title-unique``, a
best-practice rule that flags a repeated name whatever the frames show). This action reads
both sides for every frame the browser loaded, nested frames and frames in shadow trees
included:

- the ``<iframe>``/``<frame>`` element's accessible name (``aria-labelledby``, else
  ``aria-label``, else ``title``) and whether it is exposed (rendered, not
  ``aria-hidden``);
- the frame's document: its URL, title and the words of its rendered text (at most
  ``MAX_TEXT`` characters).

The judgement is ``checks/structure.py`` (``frame-same-name``). Frames whose document did
not load or shows no text (an off-site embed on a closed network, a blank frame) are kept
with ``"empty": true`` and never judged.
"""

from __future__ import annotations

import asyncio
from typing import Any

from . import page_action

MAX_FRAMES = 40
MAX_TEXT = 4000
FRAME_TIMEOUT = 3.0

ELEMENT_JS = r"""
(el) => {
  const text = (n) => (n.textContent || '').replace(/\s+/g, ' ').trim();
  let name = '';
  const ids = (el.getAttribute('aria-labelledby') || '').trim();
  if (ids) {
    const root = el.getRootNode();
    name = ids.split(/\s+/).map(id => root.getElementById ? root.getElementById(id) : document.getElementById(id))
      .filter(Boolean).map(text).join(' ').trim();
  }
  if (!name) name = (el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim();
  if (!name) name = (el.getAttribute('title') || '').replace(/\s+/g, ' ').trim();
  let exposed = typeof el.checkVisibility === 'function'
    ? el.checkVisibility({visibilityProperty: true}) : el.getClientRects().length > 0;
  for (let a = el; a && exposed; a = a.parentElement || (a.getRootNode() && a.getRootNode().host)) {
    if (a.getAttribute && a.getAttribute('aria-hidden') === 'true') exposed = false;
  }
  let sel = el.tagName.toLowerCase();
  if (el.id) sel += '#' + CSS.escape(el.id);
  return {name, exposed, tag: el.tagName.toLowerCase(), selector: sel,
          snippet: el.outerHTML.slice(0, 300), in_shadow: el.getRootNode() !== document};
}
"""

DOCUMENT_JS = r"""
(max) => ({url: location.href, title: (document.title || '').trim(),
           text: ((document.body && document.body.innerText) || '').replace(/\s+/g, ' ').trim().slice(0, max)})
"""


async def _one(frame: Any) -> dict[str, Any] | None:
    el = await frame.frame_element()
    try:
        info = await el.evaluate(ELEMENT_JS)
    finally:
        await el.dispose()
    try:
        doc = await frame.evaluate(DOCUMENT_JS, MAX_TEXT)
    except Exception as exc:  # a frame that will not answer (navigating, crashed): nothing to compare
        doc = {"url": frame.url, "title": "", "text": "", "error": type(exc).__name__}
    parent = frame.parent_frame
    info.update(doc)
    info["parent"] = parent.url if parent is not None and parent.parent_frame is not None else ""
    info["empty"] = not (doc.get("text") or "").strip()
    return info


@page_action("frames", order=30, timeout=15.0, families=("structure",))
async def frames(page: Any, art: Any, settings: Any) -> dict[str, Any]:
    found = []
    for frame in page.frames[1:MAX_FRAMES + 1]:
        try:
            info = await asyncio.wait_for(_one(frame), FRAME_TIMEOUT)
        except Exception:  # detached meanwhile, or not answering within the bound
            continue
        if info is not None:
            found.append(info)
    return {"frames": found, "more": max(0, len(page.frames) - 1 - MAX_FRAMES)}
