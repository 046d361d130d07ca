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


def viewport_props(content: str) -> dict[str, str]:
    """``width=device-width, initial-scale=1`` -> {"width": "device-width", ...}."""
    out = {}
    for part in re.split(r"[,;]", content or ""):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip().lower()] = v.strip().lower()
    return out


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
    props = viewport_props(content)
    problems = []
    if props.get("user-scalable") in ("no", "0"):
        problems.append("user-scalable=no")
    try:
        if "maximum-scale" in props and float(props["maximum-scale"]) < 2:
            problems.append(f"maximum-scale={props['maximum-scale']}")
    except ValueError:
        pass
    if problems:
        return Outcome(Status.FAIL, findings=[zoom_enabled.finding(
            page_url(page), "Zoom is disabled: " + ", ".join(problems), selector='meta[name="viewport"]',
            snippet=f'<meta name="viewport" content="{content}">')])
    return Outcome(Status.PASS)


def _overflow(spec, page: PageArtifacts, width: str) -> Outcome:
    vp, why = _mobile(page, width)
    if vp is None:
        return Outcome(Status.ERROR, detail=why)
    if not vp.get("overflow"):
        return Outcome(Status.PASS)
    culprits = vp.get("overflowing") or []
    first = culprits[0] if culprits else {}
    sel = first.get("tag", "") + (f"#{first['id']}" if first.get("id") else "")
    msg = (f"Page scrolls sideways at {width} CSS px: content is {vp.get('scroll_width')}px wide"
           + (f"; widest offender <{first.get('tag')}> {first.get('width')}px" if first else ""))
    return Outcome(Status.FAIL, findings=[spec.finding(page_url(page), msg, selector=sel,
                                                       snippet=first.get("html", ""))])


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
    size = vp.get("paragraph_font_px") or vp.get("body_font_px")
    if not size:
        return Outcome(Status.NOT_APPLICABLE, detail="no body text")
    if size < MIN_FONT_PX:
        return Outcome(Status.WARN, findings=[font_size.finding(
            page_url(page), f"Body text is {size:g}px at 375px wide (recommended at least {MIN_FONT_PX}px)",
            selector="p", status=Status.WARN)])
    return Outcome(Status.PASS)
