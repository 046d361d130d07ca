"""Reflow, text-spacing and zoom checks on saved measurements (no browser)."""

from __future__ import annotations

from auditor.model import PageArtifacts, Status
from checks.reflow import reflow_320, text_spacing, zoom_200

URL = "http://127.0.0.1/p.html"


def page(reflow=None, spacing=(), zoom=()) -> PageArtifacts:
    data = {"reflow": reflow or {"viewport": 320, "scroll_width": 320, "overflows": False, "culprits": []},
            "text_spacing": {"clipped": list(spacing)}, "zoom": {"width": 640, "clipped": list(zoom)}}
    return PageArtifacts(url=URL, final_url=URL, probes={"reflow": data})


def test_horizontal_overflow_lists_the_culprits():
    p = page({"viewport": 320, "scroll_width": 916, "overflows": True,
              "culprits": [{"selector": "main > div", "snippet": "<div style=\"width:900px\">", "right": 916}]})
    out = reflow_320.fn(p)
    assert out.status is Status.FAIL
    f = out.findings[0]
    assert f.selector == "main > div" and "916" in f.message and f.wcag == ["1.4.10"]


def test_overflow_without_an_element_culprit_still_fails():
    p = page({"viewport": 320, "scroll_width": 1164, "overflows": True, "culprits": []})
    assert reflow_320.fn(p).status is Status.FAIL


def test_no_overflow_passes():
    assert reflow_320.fn(page()).status is Status.PASS


def test_text_spacing_clipping_fails_and_none_passes():
    out = text_spacing.fn(page(spacing=[{"selector": ".note", "snippet": "<div class=note>"}]))
    assert out.status is Status.FAIL and out.findings[0].selector == ".note"
    assert text_spacing.fn(page()).status is Status.PASS


def test_zoom_clipping_is_a_warning():
    out = zoom_200.fn(page(zoom=[{"selector": ".banner", "snippet": "<div>"}]))
    assert out.status is Status.WARN and out.findings[0].wcag == ["1.4.4"]


def test_failed_measurement_is_an_error():
    p = PageArtifacts(url=URL, probes={"reflow": {"error": "timed out"}})
    assert reflow_320.fn(p).status is Status.ERROR
