"""Mobile family (IDEA 3(a)(8)): viewport meta, zoom, overflow at phone widths, tap
targets (WCAG 2.5.8) and text size. Measurements come from the ``mobile`` page action
(auditor/gatherers/mobile.py); viewport and zoom are read from the saved HTML.
"""

from __future__ import annotations

import re

from auditor.checking import check
from auditor.model import Outcome, PageArtifacts, Severity, Status
from auditor.scoring import SEVERITY_WEIGHT

from ._html import meta, page_url, parse

REQ = ["idea-3a8"]
MIN_TAP_PX = 24
MIN_FONT_PX = 16


_SEPARATORS = " \t\n\r=,;"
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def viewport_props(content: str) -> dict[str, str]:
    """``width=device-width, initial-scale=1`` -> {"width": "device-width", ...}, split the
    way browsers split the viewport meta (Chromium's ``HTMLMetaElement::ParseContentAttribute``,
    after IE): pairs end at ``,``, ``;`` or whitespace after a value, whitespace may surround
    ``=``, keys and values are case-insensitive, a later duplicate wins."""
    buf, out, i, n = (content or "").lower(), {}, 0, len(content or "")

    def sep(j: int) -> bool:
        return j >= n or buf[j] in _SEPARATORS

    while i < n:
        while i < n and sep(i):
            i += 1
        k0 = i
        while i < n and not sep(i):
            i += 1
        key = buf[k0:i]
        while i < n and buf[i] != "=" and buf[i] not in ",;":  # up to '=', not past a pair's end
            i += 1
        while i < n and sep(i) and buf[i] not in ",;":
            i += 1
        v0 = i
        while i < n and not sep(i):
            i += 1
        if key:
            out[key] = buf[v0:i]
    return out


def _leading_number(value: str) -> float:
    """Chromium's ``ParsePositiveNumber``: the number the value starts with, 0 when none."""
    m = _NUMBER.match(value)
    return float(m.group(0)) if m else 0.0


def viewport_zoom(value: str) -> float | None:
    """A scale value (``maximum-scale``, ``minimum-scale``) as the browser resolves it; None
    where it is ignored (negative numbers). ``yes`` is 1, ``no`` 0, ``device-width`` and
    ``device-height`` 10; other values are read as their leading number (none: 0) and
    clamped to [0, 10] (CSS Device Adaptation; Chromium's ``ParseViewportValueAsZoom``)."""
    keyword = {"yes": 1.0, "no": 0.0, "device-width": 10.0, "device-height": 10.0}
    if value in keyword:
        return keyword[value]
    v = _leading_number(value)
    return None if v < 0 else min(v, 10.0)


def viewport_user_zoom(value: str) -> bool:
    """``user-scalable`` as the browser reads it: yes, device-width, device-height and any
    number of magnitude at least 1 allow zooming; no, smaller numbers and unparsable values
    (read as 0) do not (Chromium's ``ParseViewportValueAsUserZoom``)."""
    if value in ("yes", "device-width", "device-height"):
        return True
    if value == "no":
        return False
    return abs(_leading_number(value)) >= 1


def _viewport(page: PageArtifacts) -> str | None:
    return meta(parse(page.html), "viewport")


def _mobile(page: PageArtifacts, width: str):
    m = page.probes.get("mobile")
    if not isinstance(m, dict) or "error" in m:
        return None, (m or {}).get("error", "mobile measurements missing") if isinstance(m, dict) else "mobile measurements missing"
    vp = m.get("viewports", {}).get(width)
    if not isinstance(vp, dict) or "error" in vp:
        return None, f"no measurement at {width}px"
    return vp, ""


@check(id="mobile-viewport-meta", family="mobile", title="Page has a responsive viewport meta tag",
       failure_title="Page lacks a responsive viewport meta tag",
       description="Add <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"> so phones "
                   "lay the page out at device width instead of a zoomed-out desktop width.",
       help_url="https://developer.mozilla.org/en-US/docs/Web/HTML/Viewport_meta_tag",
       requirements=REQ, severity=Severity.HIGH, artifacts=("html",), weight=SEVERITY_WEIGHT[Severity.HIGH])
def viewport_meta(page: PageArtifacts) -> Outcome:
    content = _viewport(page)
    url = page_url(page)
    if content is None:
        return Outcome(Status.FAIL, findings=[viewport_meta.finding(url, "No <meta name=\"viewport\"> tag",
                                                                     selector="head")])
    props = viewport_props(content)
    if props.get("width") != "device-width":
        return Outcome(Status.FAIL, findings=[viewport_meta.finding(
            url, f"Viewport meta does not set width=device-width ({content!r})",
            selector='meta[name="viewport"]', snippet=f'<meta name="viewport" content="{content}">')])
    return Outcome(Status.PASS)


def zoom_problems(props: dict[str, str]) -> list[str]:
    """Why the viewport keeps users from zooming to 200%, from its parsed properties.

    ``user-scalable`` that resolves to "no" fixes the scale; so does a ``maximum-scale``
    under 2 (the greater of it and ``minimum-scale`` is the real ceiling). Ignored values
    (a negative ``maximum-scale``) count as absent, as the browser treats them."""
    problems = []
    if "user-scalable" in props and not viewport_user_zoom(props["user-scalable"]):
        problems.append(f"user-scalable={props['user-scalable'] or '(empty)'}")
    if "maximum-scale" in props:
        ceiling = viewport_zoom(props["maximum-scale"])
        floor = viewport_zoom(props["minimum-scale"]) if "minimum-scale" in props else None
        if ceiling is not None and floor is not None:
            ceiling = max(ceiling, floor)
        if ceiling is not None and ceiling < 2:
            problems.append(f"maximum-scale={props['maximum-scale'] or '(empty)'}")
    return problems


@check(id="mobile-zoom-enabled", family="mobile", title="Users can zoom the page",
       failure_title="Page disables zoom",
       description="Remove user-scalable=no and any maximum-scale below 2 from the viewport meta tag: "
                   "people with low vision must be able to zoom (WCAG 1.4.4).",
       help_url="https://dequeuniversity.com/rules/axe/4.10/meta-viewport", requirements=REQ + ["idea-3a1"],
       wcag=["1.4.4"], severity=Severity.HIGH, artifacts=("html",), weight=SEVERITY_WEIGHT[Severity.HIGH])
def zoom_enabled(page: PageArtifacts) -> Outcome:
    content = _viewport(page)
    if content is None:
        return Outcome(Status.NOT_APPLICABLE, detail="no viewport meta tag")
    problems = zoom_problems(viewport_props(content))
    if problems:
        return Outcome(Status.FAIL, findings=[zoom_enabled.finding(
            page_url(page), "Zoom is disabled: " + ", ".join(problems), selector='meta[name="viewport"]',
            snippet=f'<meta name="viewport" content="{content}">')])
    return Outcome(Status.PASS)


def _overflow(spec, page: PageArtifacts, width: str) -> Outcome:
    """Sideways scrolling at a phone width, measured by the reflow family's model
    (``__iaOverflow``): the culprits are boxes that add to the document's scrollable
    overflow. Where the viewport hides horizontal overflow (``scrollable`` false) the page
    cannot scroll: what lies past the edge is cut off, and is reported as such, unless its
    own text and images end inside the edge (only empty box edges, or an off-canvas panel's,
    pass it). Where it can scroll, it does, content or not: the check is about scrolling (WCAG
    1.4.10's loss of content is reflow-320's). Measurements stored before this model (no
    ``scrollable``) read as before."""
    vp, why = _mobile(page, width)
    if vp is None:
        return Outcome(Status.ERROR, detail=why)
    if not vp.get("overflow"):
        return Outcome(Status.PASS)
    culprits = [c for c in vp.get("overflowing") or [] if isinstance(c, dict)]
    scrollable = vp.get("scrollable", True)
    past = culprits
    if not scrollable:
        # nobody can scroll: only what is drawn past the edge is lost (cut off)
        edge = (vp.get("width") or int(width)) + CONTENT_SLACK
        past = [c for c in culprits if not ("content_right" in c and c["content_right"] <= edge)]
        if not past:
            return Outcome(Status.PASS, detail=f"content reaches {vp.get('scroll_width')} px at {width} px, but the "
                                               "page hides horizontal overflow and no text or image lies past the edge")
    first = max(past, key=lambda c: c.get("right") or c.get("width") or 0) if past else {}
    snippet = first.get("snippet", first.get("html", ""))
    tag = first.get("tag") or _tag(snippet)
    sel = first.get("selector") or (tag + (f"#{first['id']}" if first.get("id") else "") if first else "")
    if scrollable:
        msg = (f"Page scrolls sideways at {width} CSS px: content is {vp.get('scroll_width')}px wide"
               + (f"; widest offender <{tag}> reaches {first.get('right') or first.get('width')}px" if first else ""))
    else:
        msg = (f"At {width} CSS px content reaches {vp.get('scroll_width')}px and is cut off at the right edge "
               "(the page hides horizontal overflow)"
               + (f": <{tag}> reaches {first.get('right') or first.get('width')}px" if first else ""))
    hidden = bool(first) and first.get("visible", True) is False
    if hidden:
        msg += " (an invisible box, visibility: hidden, that still takes room)"
    return Outcome(Status.WARN if hidden else Status.FAIL,
                   findings=[spec.finding(page_url(page), msg, selector=sel, snippet=snippet,
                                          status=Status.WARN if hidden else Status.FAIL)])


#: How far (CSS px) drawn content may pass the edge and still be read whole (as reflow-320).
CONTENT_SLACK = 4


def _tag(snippet: str) -> str:
    m = re.match(r"<([A-Za-z][\w:-]*)", snippet or "")
    return m.group(1).lower() if m else "element"


@check(id="mobile-no-overflow-375", family="mobile", title="No horizontal scrolling at 375 CSS px",
       failure_title="Page scrolls horizontally at 375 CSS px",
       description="Make wide elements fluid (max-width: 100%, responsive tables, wrapping) so a phone "
                   "never needs sideways scrolling.",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/reflow.html", requirements=REQ,
       severity=Severity.HIGH, artifacts=("probes",), weight=SEVERITY_WEIGHT[Severity.HIGH])
def overflow_375(page: PageArtifacts) -> Outcome:
    return _overflow(overflow_375, page, "375")


@check(id="mobile-no-overflow-320", family="mobile", title="No horizontal scrolling at 320 CSS px",
       failure_title="Page scrolls horizontally at 320 CSS px",
       description="Content must reflow at 320 CSS px wide (small phones, 400% zoom) without sideways scrolling.",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/reflow.html", requirements=REQ,
       severity=Severity.MEDIUM, artifacts=("probes",), weight=SEVERITY_WEIGHT[Severity.MEDIUM])
def overflow_320(page: PageArtifacts) -> Outcome:
    return _overflow(overflow_320, page, "320")


@check(id="mobile-tap-targets", family="mobile", title="Tap targets are at least 24x24 CSS px",
       failure_title="Tap targets are too small or crowded",
       description="Make links and buttons at least 24x24 CSS px, or space them so a 24px circle around each "
                   "touches no other target (WCAG 2.5.8 Target Size (Minimum)). Inline text links are exempt.",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/target-size-minimum.html",
       requirements=REQ + ["idea-3a1"], wcag=["2.5.8"], severity=Severity.MEDIUM, artifacts=("probes",),
       weight=SEVERITY_WEIGHT[Severity.MEDIUM])
def tap_targets(page: PageArtifacts) -> Outcome:
    vp, why = _mobile(page, "375")
    if vp is None:
        return Outcome(Status.ERROR, detail=why)
    if not vp.get("targets_checked"):
        return Outcome(Status.NOT_APPLICABLE, detail="no interactive elements")
    small = vp.get("small_targets") or []
    if not small:
        return Outcome(Status.PASS)
    findings = [tap_targets.finding(page_url(page), f"Tap target {t.get('text')!r} is {t.get('width')}x"
                                    f"{t.get('height')} CSS px and crowded by neighbours",
                                    selector=t.get("selector", ""), snippet=t.get("html", ""))
                for t in small]
    return Outcome(Status.FAIL, findings=findings)


#: Below this many characters of main content there is no body text to speak of.
MIN_BODY_CHARS = 200
#: Share of the main content's characters below MIN_FONT_PX that makes the body text small.
SMALL_SHARE = 0.5


@check(id="mobile-font-size", family="mobile", title="Body text is at least 16px on phones",
       failure_title="Body text is smaller than 16px on phones",
       description="Use a base font size of at least 16px (1rem) for body text on small screens so it is "
                   "legible without zooming (USWDS default).",
       help_url="https://designsystem.digital.gov/components/typography/", requirements=REQ,
       severity=Severity.LOW, artifacts=("probes",), weight=SEVERITY_WEIGHT[Severity.LOW])
def font_size(page: PageArtifacts) -> Outcome:
    vp, why = _mobile(page, "375")
    if vp is None:
        return Outcome(Status.ERROR, detail=why)
    measured = vp.get("body_text_px")
    if measured and (vp.get("body_text_chars") or 0) < MIN_BODY_CHARS:
        return Outcome(Status.NOT_APPLICABLE, detail=f"too little text to judge ({vp.get('body_text_chars')} characters)")
    size = measured or vp.get("paragraph_font_px") or vp.get("body_font_px")
    if not size:
        return Outcome(Status.NOT_APPLICABLE, detail="no body text")
    how = (f"{round(100 * (vp.get('body_text_share') or 0))}% of the main content's "
           f"{vp.get('body_text_chars')} characters" if measured else "the first paragraph")
    if measured and size < MIN_FONT_PX:
        # the most used size is small, but is most of the text small? (a docs page of code
        # tables at 13px beside prose at 17px has no small body text)
        small = sum(n for px, n in vp.get("font_sizes") or [] if px < MIN_FONT_PX)
        total = vp.get("body_text_chars") or 1
        if small / total < SMALL_SHARE:
            return Outcome(Status.PASS, detail=f"{size:g}px is the most used size ({how}), but only "
                                               f"{round(100 * small / total)}% of the text is below {MIN_FONT_PX}px")
        how += f"; {round(100 * small / total)}% of the text is below {MIN_FONT_PX}px"
    if size < MIN_FONT_PX:
        return Outcome(Status.WARN, findings=[font_size.finding(
            page_url(page), f"Body text is {size:g}px at 375px wide ({how}; recommended at least {MIN_FONT_PX}px)",
            selector=vp.get("body_text_selector") or "p", status=Status.WARN)])
    return Outcome(Status.PASS, detail=f"body text {size:g}px ({how})")
