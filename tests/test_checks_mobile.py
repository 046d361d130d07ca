"""Mobile family on saved HTML and saved measurements (no browser)."""

from checkhelp import Status, asset, page, run_page

GOOD_VP = '<html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body></body></html>'


def measured(**vp):
    base = {"width": 375, "scroll_width": 375, "overflow": False, "overflowing": [], "small_targets": [],
            "targets_checked": 5, "body_font_px": 16, "paragraph_font_px": 16}
    m375 = {**base, **vp}
    m320 = {**base, "width": 320, "scroll_width": 320, **{k: v for k, v in vp.items() if k == "overflow"}}
    if vp.get("overflow"):
        m320["scroll_width"] = vp.get("scroll_width", 900)
    return {"mobile": {"viewports": {"375": m375, "320": m320}}}


def test_viewport_meta_pass_and_fail():
    assert run_page("mobile-viewport-meta", page(GOOD_VP)).status is Status.PASS
    missing = run_page("mobile-viewport-meta", page("<html><head></head><body></body></html>"))
    assert missing.status is Status.FAIL and "No <meta" in missing.findings[0].message
    fixed = run_page("mobile-viewport-meta", page('<meta name="viewport" content="width=1024">'))
    assert fixed.status is Status.FAIL and "device-width" in fixed.findings[0].message


def test_zoom_disabled_fails_and_missing_viewport_is_not_applicable():
    assert run_page("mobile-zoom-enabled", page(GOOD_VP)).status is Status.PASS
    html = asset("mobile", "zoom-disabled.html")
    out = run_page("mobile-zoom-enabled", page(html))
    assert out.status is Status.FAIL
    assert "user-scalable=no" in out.findings[0].message and "maximum-scale=1" in out.findings[0].message
    assert out.findings[0].wcag == ["1.4.4"]
    assert run_page("mobile-zoom-enabled", page("<p>x</p>")).status is Status.NOT_APPLICABLE


def test_overflow_at_375_and_320():
    ok = page(GOOD_VP, probes=measured())
    assert run_page("mobile-no-overflow-375", ok).status is Status.PASS
    assert run_page("mobile-no-overflow-320", ok).status is Status.PASS
    wide = page(GOOD_VP, probes=measured(overflow=True, scroll_width=900, overflowing=[
        {"tag": "table", "id": "rates", "width": 900, "right": 900, "html": "<table id=rates>"}]))
    out = run_page("mobile-no-overflow-375", wide)
    assert out.status is Status.FAIL and out.findings[0].selector == "table#rates"
    assert "900px" in out.findings[0].message
    assert run_page("mobile-no-overflow-320", wide).status is Status.FAIL


def test_missing_measurement_is_an_error_not_a_pass():
    assert run_page("mobile-no-overflow-375", page(GOOD_VP, probes={"mobile": {"error": "boom"}})).status is Status.ERROR


def test_tap_targets_list_offenders():
    assert run_page("mobile-tap-targets", page(GOOD_VP, probes=measured())).status is Status.PASS
    small = page(GOOD_VP, probes=measured(small_targets=[
        {"selector": "div.pager > a", "width": 10, "height": 12, "text": "1", "html": "<a>1</a>"},
        {"selector": "div.pager > a", "width": 10, "height": 12, "text": "2", "html": "<a>2</a>"}]))
    out = run_page("mobile-tap-targets", small)
    assert out.status is Status.FAIL and len(out.findings) == 2 and out.findings[0].wcag == ["2.5.8"]
    none = page(GOOD_VP, probes=measured(targets_checked=0))
    assert run_page("mobile-tap-targets", none).status is Status.NOT_APPLICABLE


def test_small_text_is_a_warning():
    assert run_page("mobile-font-size", page(GOOD_VP, probes=measured())).status is Status.PASS
    out = run_page("mobile-font-size", page(GOOD_VP, probes=measured(paragraph_font_px=12)))
    assert out.status is Status.WARN and "12px" in out.findings[0].message


def body_text(sizes, paragraph=16):
    chars = sum(n for _, n in sizes)
    top = max(sizes, key=lambda s: s[1])
    return measured(paragraph_font_px=paragraph, body_text_px=top[0], body_text_share=round(top[1] / chars, 2),
                    body_text_chars=chars, body_text_selector="main p", font_sizes=sorted(sizes, key=lambda s: -s[1]))


def test_body_text_is_what_most_of_the_main_content_uses():
    # section508.gov contributors/: a 12 px first paragraph, the rest of the page at 16 px
    out = run_page("mobile-font-size", page(GOOD_VP, probes=body_text([(16, 1156), (32, 33)], paragraph=12)))
    assert out.status is Status.PASS and "97%" in out.detail
    # a page written mostly at 13 px: small body text
    out = run_page("mobile-font-size", page(GOOD_VP, probes=body_text([(13, 4888), (17, 726), (25, 82)])))
    assert out.status is Status.WARN
    assert "13px" in out.findings[0].message and out.findings[0].selector == "main p"
    # the most used size is small but most of the text is not: no small body text
    out = run_page("mobile-font-size", page(GOOD_VP, probes=body_text([(13, 1334), (16, 900), (17, 600), (20, 300)])))
    assert out.status is Status.PASS and "below 16px" in out.detail


def test_too_little_text_to_judge():
    out = run_page("mobile-font-size", page(GOOD_VP, probes=body_text([(12, 150)])))
    assert out.status is Status.NOT_APPLICABLE


def culprit(sel, right, content_right, visible=True):
    return {"selector": sel, "snippet": f"<div id={sel[1:]}>", "right": right, "width": right, "visible": visible,
            "content_right": content_right}


def test_a_page_that_hides_overflow_fails_only_where_content_is_cut_off():
    # the reflow model's shape: the viewport hides horizontal overflow (nobody can scroll)
    edge_only = measured(overflow=True, scroll_width=387, scrollable=False, overflowing=[culprit("#row", 387, 300)])
    out = run_page("mobile-no-overflow-375", page(GOOD_VP, probes=edge_only))
    assert out.status is Status.PASS and "no text or image lies past the edge" in out.detail
    cut = measured(overflow=True, scroll_width=600, scrollable=False,
                   overflowing=[culprit("#row", 387, 300), culprit("#rates", 600, 590)])
    out = run_page("mobile-no-overflow-375", page(GOOD_VP, probes=cut))
    assert out.status is Status.FAIL and out.findings[0].selector == "#rates"
    assert out.findings[0].message == ("At 375 CSS px content reaches 600px and is cut off at the right edge "
                                       "(the page hides horizontal overflow): <div> reaches 600px")


def test_a_page_that_scrolls_fails_even_if_only_an_empty_edge_passes():
    edge_only = measured(overflow=True, scroll_width=387, scrollable=True, overflowing=[culprit("#row", 387, 300)])
    out = run_page("mobile-no-overflow-375", page(GOOD_VP, probes=edge_only))
    assert out.status is Status.FAIL and out.findings[0].message.startswith("Page scrolls sideways at 375 CSS px")


def test_an_invisible_box_that_widens_the_page_is_a_warning():
    hidden = measured(overflow=True, scroll_width=700, scrollable=True,
                      overflowing=[culprit("#ghost", 700, 690, visible=False)])
    out = run_page("mobile-no-overflow-375", page(GOOD_VP, probes=hidden))
    assert out.status is Status.WARN and "visibility: hidden" in out.findings[0].message
