"""Reflow, text spacing and zoom family (WCAG 1.4.10, 1.4.12, 1.4.4).

Reads ``probes["reflow"]`` (``auditor/gatherers/reflow.py``): the page measured at
320 CSS px wide, with the WCAG text-spacing overrides applied, and at the width 200%
zoom gives. Only what changed relative to the unchanged page is reported.
"""

from __future__ import annotations

import re

from auditor.checking import check
from auditor.model import Outcome, PageArtifacts, Severity, Status

from ._probes import conclude, probe, url_of

REQ = ["idea-3a1"]


@check(id="reflow-320", family="reflow", title="Content reflows at 320 CSS px without horizontal scrolling",
       failure_title="Content needs horizontal scrolling at 320 CSS px",
       description="At 320 CSS px wide (a 1280 px window at 400% zoom) content must reflow into one "
                   "column. Replace fixed widths with max-width: 100%, let long words wrap, and put wide "
                   "tables in a scrolling container. See https://www.w3.org/WAI/WCAG22/Understanding/reflow",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/reflow", requirements=REQ, wcag=["1.4.10"],
       severity=Severity.HIGH, artifacts=("probes",))
def reflow_320(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "reflow")
    if early:
        return early
    r = data.get("reflow") or {}
    if not r.get("overflows"):
        return Outcome(Status.PASS)
    culprits = [c for c in r.get("culprits") or [] if isinstance(c, dict)]
    # a culprit whose own text and images end inside the edge (only its empty box edges:
    # borders, padding, negative margins, pass it) hides nothing and is not named
    past = [c for c in culprits if not _inside(c, r)]
    if culprits and not past:
        # nothing needs scrolling to read
        return Outcome(Status.PASS, detail=f"the page is {r.get('scroll_width')} px wide at {r.get('viewport')} px, "
                                           "but no text or image lies past the edge")
    return conclude(reflow_findings(url_of(page), {**r, "culprits": past} if culprits else r))


def _inside(c: dict, r: dict) -> bool:
    return "content_right" in c and c["content_right"] <= (r.get("viewport") or 0) + CONTENT_SLACK


#: How far (CSS px) drawn content may pass the 320 px edge and still be read whole (a glyph's
#: side bearing, a hyphen of a table cell).
CONTENT_SLACK = 4


def _tag(snippet: str) -> str:
    m = re.match(r"<([A-Za-z][\w:-]*)", snippet or "")
    return m.group(1).lower() if m else "element"


def reflow_findings(url: str, r: dict) -> list:
    """The findings for a page measured as overflowing at 320 px (``__iaOverflow``).

    The gatherer lists as culprits only elements that add to the document's scrollable
    overflow (not fixed to the viewport, not clipped or scrolled by an ancestor). Where the
    viewport hides horizontal overflow (``scrollable`` false) nobody can scroll: the culprits
    are content cut off at the right edge. A ``visibility: hidden`` culprit still widens the
    page but shows nothing where it sticks out: a warning, not a failure."""
    culprits = [c for c in r.get("culprits") or [] if isinstance(c, dict)]
    scrollable = r.get("scrollable", True)
    if scrollable:
        head = f"At {r.get('viewport')} px wide the page is {r.get('scroll_width')} px wide and scrolls horizontally"
    else:
        head = (f"At {r.get('viewport')} px wide content reaches {r.get('scroll_width')} px and is cut off at the "
                "right edge (the page hides horizontal overflow)")
    if not culprits:
        return [reflow_320.finding(url, head + ".")]
    return [reflow_320.finding(
        url, f"{head}: <{_tag(c.get('snippet', ''))}> reaches {c.get('right')} px"
             + ("" if c.get("visible", True) else " (an invisible box, visibility: hidden, that still takes room)")
             + ".", selector=c.get("selector", ""), snippet=c.get("snippet", ""),
        status=Status.FAIL if c.get("visible", True) else Status.WARN) for c in culprits]


@check(id="text-spacing", family="reflow", title="Text stays readable with increased text spacing",
       failure_title="Text is cut off when text spacing is increased",
       description="With line height 1.5, letter spacing 0.12em, word spacing 0.16em and paragraph "
                   "spacing 2em, no text may be clipped. Avoid fixed heights and overflow: hidden on "
                   "text containers. See https://www.w3.org/WAI/WCAG22/Understanding/text-spacing",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/text-spacing", requirements=REQ, wcag=["1.4.12"],
       severity=Severity.MEDIUM, artifacts=("probes",))
def text_spacing(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "reflow")
    if early:
        return early
    clipped = (data.get("text_spacing") or {}).get("clipped", [])
    return conclude([text_spacing.finding(
        url_of(page), "Text is clipped once WCAG text spacing is applied.", selector=c["selector"],
        snippet=c.get("snippet", "")) for c in clipped])


@check(id="zoom-200", family="reflow", title="No content is lost at 200% zoom",
       failure_title="Content may be lost at 200% zoom",
       description="At 200% zoom all text must still be readable. Text containers with a fixed size "
                   "and overflow: hidden cut their text off. Let containers grow with their text. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/resize-text",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/resize-text", requirements=REQ, wcag=["1.4.4"],
       severity=Severity.MEDIUM, artifacts=("probes",))
def zoom_200(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "reflow")
    if early:
        return early
    clipped = (data.get("zoom") or {}).get("clipped", [])
    return conclude([zoom_200.finding(
        url_of(page), "Text is clipped at 200% zoom (a 640 CSS px wide window).", selector=c["selector"],
        snippet=c.get("snippet", ""), status=Status.WARN) for c in clipped])
