"""Text contrast measured in pixels where axe-core cannot tell (WCAG 1.4.3, 1.4.6).

axe-core computes contrast from CSS colours. Over a background image or a gradient it has
no single background colour and returns the element as *needs review* ("incomplete"); on
real sites that is every hero banner and every card over a photo. This action measures
those elements the way a person with a colour picker would, character by character:

1. the element is scrolled into view and each character's box read (``Range`` rects, at
   most ``MAX_CHARS``), with the colour and size of the text it belongs to;
2. the element's text is made transparent (its own and its descendants', by a temporary
   style rule) and the area under the characters is captured: the real rendered
   background, images and gradients included, without the text;
3. for every character, the contrast between its colour (alpha composited over each pixel)
   and each background pixel in its box is computed with WCAG's relative luminance.

A character's contrast is the 90th percentile over its box (its "highest possible" contrast
in ACT's sense, robust to a stray pixel). The element **fails** when some character's stays
below the threshold (4.5:1, 3:1 for large text; 7:1 / 4.5:1 enhanced) by more than
``MARGIN``, and **passes** only when every character's 10th percentile clears it by
``MARGIN``. Anything between stays *needs review*, as do elements axe-core could not judge
for other reasons (overlap, pseudo-elements, text shadows, opacity), elements covered by
something else at a character's centre, and text in frames: a pixel measure of those would
be a guess.

The verdicts are written onto axe-core's own incomplete nodes (``ia_barrier`` /
``ia_not_barrier``), so the findings stay those of ``axe-color-contrast``.
"""

from __future__ import annotations

import io
import re
from typing import Any

from . import cleanup, page_action

MAX_NODES = 12
MAX_CHARS = 200
MARGIN = 0.1
RULES = {"color-contrast": (4.5, 3.0), "color-contrast-enhanced": (7.0, 4.5)}
#: axe-core's words (in the node's failure summary) for the reasons a pixel measure settles.
MEASURABLE = re.compile(r"background (?:image|gradient)", re.I)

PREP_JS = r"""
([target, maxChars]) => {
  let el = null;
  try { el = document.querySelector(target); } catch (e) { return {skip: 'selector'}; }
  if (!el) return {skip: 'not found'};
  el.scrollIntoView({block: 'center', inline: 'nearest'});
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  for (let a = el; a; a = a.parentElement) {
    const cs = getComputedStyle(a);
    if (parseFloat(cs.opacity) < 1) return {skip: 'opacity'};
    if (cs.filter !== 'none' || cs.mixBlendMode !== 'normal') return {skip: 'filter or blend mode'};
  }
  const chars = [];
  const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = w.nextNode(); n && chars.length < maxChars; n = w.nextNode()) {
    const host = n.parentElement;
    if (!host || !n.textContent.trim()) continue;
    const cs = getComputedStyle(host);
    if (cs.visibility !== 'visible') continue;
    if (cs.textShadow !== 'none' || (cs.webkitTextStrokeWidth && parseFloat(cs.webkitTextStrokeWidth) > 0)) return {skip: 'text shadow or stroke'};
    const color = parse(cs.webkitTextFillColor && cs.webkitTextFillColor !== cs.color ? cs.webkitTextFillColor : cs.color);
    if (!color || color[3] === 0) continue;
    const size = parseFloat(cs.fontSize) || 16;
    const bold = (parseInt(cs.fontWeight, 10) || 400) >= 700;
    const t = n.textContent;
    for (let i = 0; i < t.length && chars.length < maxChars; i++) {
      if (!t[i].trim()) continue;
      range.setStart(n, i); range.setEnd(n, i + 1);
      const r = range.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight) continue;
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!top || !(top === host || host.contains(top) || top.contains(host))) return {skip: 'covered'};
      chars.push({x: r.left, y: r.top, w: r.width, h: r.height, color, size, bold, ch: t[i]});
    }
  }
  if (!chars.length) return {skip: 'no measurable characters'};
  el.setAttribute('data-ia-contrast', '');
  const st = document.createElement('style');
  st.id = '__ia_contrast__';
  st.textContent = '[data-ia-contrast], [data-ia-contrast] * { color: transparent !important; ' +
    '-webkit-text-fill-color: transparent !important; text-shadow: none !important; ' +
    'text-decoration-color: transparent !important; caret-color: transparent !important; }';
  document.head.appendChild(st);
  return {chars, dpr: devicePixelRatio, vw: innerWidth, vh: innerHeight};
}
"""

UNPREP_JS = r"""
() => {
  const st = document.getElementById('__ia_contrast__');
  if (st) st.remove();
  for (const e of document.querySelectorAll('[data-ia-contrast]')) e.removeAttribute('data-ia-contrast');
  window.scrollTo(0, 0);
}
"""


def _lin(c: float) -> float:
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[float, float, float]) -> float:
    r, g, b = rgb
    return 0.2126 * _lin(r) + 0.7152 * _lin(g) + 0.0722 * _lin(b)


def ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def judge(chars: list[dict[str, Any]], pixels: Any, origin: tuple[float, float], scale: float,
          thresholds: tuple[float, float]) -> dict[str, Any]:
    """Per-character contrast from the captured background (``pixels``: a PIL RGB image of
    the area starting at ``origin`` in CSS px, ``scale`` image px per CSS px)."""
    worst_hi, worst_lo, worst_char = None, None, ""
    fails = passes = 0
    need_min = None
    width, height = pixels.size
    px = pixels.load()
    for c in chars:
        normal, large = thresholds
        big = c["size"] >= 24 or (c["bold"] and c["size"] >= 18.66)
        need = large if big else normal
        need_min = need if need_min is None else min(need_min, need)
        fr, fg, fb, fa = c["color"]
        x0 = int((c["x"] - origin[0]) * scale)
        y0 = int((c["y"] - origin[1]) * scale)
        x1 = int((c["x"] + c["w"] - origin[0]) * scale)
        y1 = int((c["y"] + c["h"] - origin[1]) * scale)
        step = max(1, int(max(x1 - x0, y1 - y0) / 12))
        values = []
        for yy in range(max(0, y0), min(height, y1), step):
            for xx in range(max(0, x0), min(width, x1), step):
                br, bg, bb = px[xx, yy][:3]
                fg_rgb = (fa * fr + (1 - fa) * br, fa * fg + (1 - fa) * bg, fa * fb + (1 - fa) * bb)
                values.append(ratio(fg_rgb, (br, bg, bb)))
        if not values:
            continue
        hi, lo = _pct(values, 0.9), _pct(values, 0.1)
        if hi < need - MARGIN:
            fails += 1
        if lo >= need + MARGIN:
            passes += 1
        if worst_hi is None or hi < worst_hi:
            worst_hi, worst_char, worst_need = hi, c["ch"], need
        worst_lo = lo if worst_lo is None else min(worst_lo, lo)
    if worst_hi is None:
        return {"verdict": "unknown"}
    verdict = "fail" if fails else ("pass" if passes == len(chars) else "unknown")
    return {"verdict": verdict, "worst": round(worst_hi, 2), "lowest": round(worst_lo or 0, 2),
            "char": worst_char, "need": worst_need, "chars": len(chars), "failing_chars": fails}


async def capture(page: Any, target: str) -> dict[str, Any]:
    """The element's characters and the background under them, its text made transparent:
    ``{"chars", "image", "origin", "scale"}``, or ``{"skip": why}``."""
    from PIL import Image

    prep = await page.evaluate(PREP_JS, [target, MAX_CHARS])
    if prep.get("skip"):
        return {"skip": prep["skip"]}
    try:
        chars = prep["chars"]
        x0 = max(0.0, min(c["x"] for c in chars))
        y0 = max(0.0, min(c["y"] for c in chars))
        x1 = min(float(prep["vw"]), max(c["x"] + c["w"] for c in chars))
        y1 = min(float(prep["vh"]), max(c["y"] + c["h"] for c in chars))
        if x1 - x0 < 1 or y1 - y0 < 1:
            return {"skip": "off screen"}
        shot = await page.screenshot(clip={"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0},
                                     animations="disabled", caret="hide", scale="css", timeout=5000)
    finally:
        await cleanup(page.evaluate(UNPREP_JS))
    img = Image.open(io.BytesIO(shot)).convert("RGB")
    return {"chars": chars, "image": img, "origin": (x0, y0), "scale": img.size[0] / max(1.0, x1 - x0)}


def _verdict_notes(node: dict[str, Any], got: dict[str, Any]) -> None:
    if got["verdict"] == "fail":
        node["ia_barrier"] = (f"Measured on the rendered page: character \"{got['char']}\" has at most "
                              f"{got['worst']}:1 contrast with the background under it (needs {got['need']}:1); "
                              f"{got['failing_chars']} of {got['chars']} characters fall short")
    elif got["verdict"] == "pass":
        node["ia_not_barrier"] = (f"measured on the rendered page, every character has at least "
                                  f"{got['lowest']}:1 contrast with the background under it")


@page_action("contrast", order=20, timeout=15.0, families=("accessibility", "best-practice"))
async def contrast(page: Any, art: Any, settings: Any) -> dict[str, Any]:
    axe = art.axe or {}
    todo: dict[str, dict[str, dict[str, Any]]] = {}  # target -> rule id -> axe node
    for rule in axe.get("incomplete", []):
        if rule.get("id") not in RULES:
            continue
        for node in rule.get("nodes", []):
            target = node.get("target") or []
            if len(target) == 1 and isinstance(target[0], str) and MEASURABLE.search(node.get("failureSummary") or ""):
                todo.setdefault(target[0], {})[rule["id"]] = node
    # axe-core reports color-contrast-enhanced as passed (with no node) for an element it could
    # not judge for color-contrast; the same measure answers both, so an element measured for
    # 1.4.3 is judged for 1.4.6 as well when axe-core ran that rule and said nothing of it.
    enhanced_ran = any(r.get("id") == "color-contrast-enhanced"
                       for k in ("passes", "violations", "incomplete") for r in axe.get(k, []))
    measured = []
    targets = list(todo)
    for target in targets[:MAX_NODES]:
        try:
            cap = await capture(page, target)
        except Exception as exc:  # one element that cannot be captured leaves axe-core's verdict
            cap = {"skip": type(exc).__name__}
        rules = dict(todo[target])
        if enhanced_ran and "color-contrast" in rules and "color-contrast-enhanced" not in rules:
            base = rules["color-contrast"]
            rules["color-contrast-enhanced"] = {k: base[k] for k in ("target", "html", "impact", "failureSummary") if k in base}
        for rule_id, node in rules.items():
            if cap.get("skip"):
                got = {"verdict": "unknown", "why": cap["skip"]}
            else:
                got = judge(cap["chars"], cap["image"], cap["origin"], cap["scale"], RULES[rule_id])
            measured.append({"rule": rule_id, "target": target, **got})
            _verdict_notes(node, got)
            if node is not todo[target].get(rule_id) and got["verdict"] == "fail":
                _add_incomplete(axe, rule_id, node)
    return {"measured": measured, "skipped": max(0, len(targets) - MAX_NODES)}


def _add_incomplete(axe: dict[str, Any], rule_id: str, node: dict[str, Any]) -> None:
    """Put a measured node under axe-core's incomplete results of ``rule_id`` (moving the rule
    there from the passes, where axe-core listed it with no node)."""
    for rule in axe.get("incomplete", []):
        if rule.get("id") == rule_id:
            rule.setdefault("nodes", []).append(node)
            return
    for rule in axe.get("passes", []):
        if rule.get("id") == rule_id:
            if not rule.get("nodes"):
                axe["passes"].remove(rule)
            axe.setdefault("incomplete", []).append({**rule, "nodes": [node]})
            return
