"""Keyboard checks on saved measurements (no browser). The same checks run end to end
in real Chromium on the barrier corpus in test_barrier_corpus.py."""

from __future__ import annotations

from auditor.model import PageArtifacts, Status
from checks.keyboard import (
    kbd_focus_obscured,
    kbd_focus_order,
    kbd_focus_visible,
    kbd_no_trap,
    kbd_reachable,
    kbd_skip_link,
)

URL = "http://127.0.0.1/p.html"


def el(i: int, tag: str = "a", tabindex: int | None = None) -> dict:
    return {"id": i, "selector": f"#e{i}", "snippet": f"<{tag} id=e{i}>", "tag": tag, "tabindex": tabindex,
            "tabbable": tabindex is None or tabindex >= 0, "native": tag in ("a", "button")}


def stop(i: int, y: int = 0, visible: bool = True, tag: str = "a", obscured: str = "") -> dict:
    return {"id": i, "selector": f"#e{i}", "snippet": f"<{tag} id=e{i}>", "tag": tag, "x": 0, "y": y, "w": 50,
            "h": 20, "size": 1000, "visible_change": visible, "in_view": True, "obscured_by": obscured}


def page(**kbd) -> PageArtifacts:
    data = {"elements": [], "stops": [], "skip_link": None, "max_stops": 60, "completed": True, "stuck": False}
    data.update(kbd)
    return PageArtifacts(url=URL, final_url=URL, probes={"keyboard": data})


def test_unreachable_element_fails_with_its_selector():
    p = page(elements=[el(0), el(1, "div")], stops=[stop(0), {"body": True}])
    out = kbd_reachable.fn(p)
    assert out.status is Status.FAIL
    assert [f.selector for f in out.findings] == ["#e1"]
    assert out.findings[0].wcag == ["2.1.1"] and out.findings[0].requirements == ["idea-3a1"]


def test_negative_tabindex_is_named_as_the_cause():
    p = page(elements=[el(0), el(1, "a", -1)], stops=[stop(0), {"body": True}])
    assert "tabindex" in kbd_reachable.fn(p).findings[0].message


def test_all_reached_passes():
    p = page(elements=[el(0), el(1)], stops=[stop(0), stop(1), {"body": True}])
    assert kbd_reachable.fn(p).status is Status.PASS


def test_cap_reached_judges_only_elements_before_the_last_stop():
    p = page(elements=[el(0), el(1, "div"), el(2), el(3, "div")], stops=[stop(0), stop(2)], completed=False)
    assert [f.selector for f in kbd_reachable.fn(p).findings] == ["#e1"]


def test_cycle_inside_a_subset_is_a_trap():
    p = page(elements=[el(0), el(1), el(2), el(3)], completed=False,
             stops=[stop(0), stop(1), stop(2), stop(1), stop(2), stop(1)])
    out = kbd_no_trap.fn(p)
    assert out.status is Status.FAIL and "#e1" in out.findings[0].message
    # the unreachable check defers to the trap rather than blaming every element after it
    assert kbd_reachable.fn(p).status is Status.NOT_APPLICABLE


def test_cycle_that_shift_tab_leaves_is_no_trap():
    # Tab is sent back into the cycle by a script, but Shift+Tab takes focus out of the page
    p = page(elements=[el(0), el(1), el(2)], completed=False,
             stops=[stop(1), stop(2), stop(1), stop(2), stop(1)],
             trap_exit={"tried": ["Escape", "Shift+Tab"], "works": "Shift+Tab", "stated": "", "stated_key": ""})
    out = kbd_no_trap.fn(p)
    assert out.status is Status.PASS and "Shift+Tab" in out.detail


def test_cycle_no_standard_key_leaves_names_the_keys_tried():
    p = page(elements=[el(0), el(1), el(2)], completed=False,
             stops=[stop(1), stop(2), stop(1), stop(2), stop(1)],
             trap_exit={"tried": ["Escape", "Shift+Tab"], "works": None, "stated": "", "stated_key": ""})
    out = kbd_no_trap.fn(p)
    assert out.status is Status.FAIL
    assert "Escape and Shift+Tab do not leave it either" in out.findings[0].message


def test_focus_moving_by_itself_between_refocusing_elements_is_a_trap():
    refocus = [{"selector": "#e0", "snippet": "<button id=e0>", "oscillates": True, "with": ["#e2"], "changes": 28,
                "within_ms": 300},
               {"selector": "#e2", "snippet": "<button id=e2>", "oscillates": True, "with": ["#e0"], "changes": 28,
                "within_ms": 300}]
    p = page(elements=[el(0), el(1), el(2)], stops=[stop(0), stop(1), stop(2), {"body": True}], refocus=refocus)
    out = kbd_no_trap.fn(p)
    assert out.status is Status.FAIL and len(out.findings) == 1
    f = out.findings[0]
    assert f.selector == "#e0" and "moves by itself between 2 elements" in f.message and f.wcag == ["2.1.2"]


def test_refocus_on_one_key_only_is_no_trap():
    refocus = [{"selector": "#e0", "snippet": "<button id=e0>", "tab_returns": True, "shift_tab_returns": False}]
    p = page(elements=[el(0), el(1)], stops=[stop(0), stop(1), {"body": True}], refocus=refocus)
    assert kbd_no_trap.fn(p).status is Status.PASS


def test_full_cycle_is_no_trap():
    p = page(elements=[el(0), el(1)], stops=[stop(0), stop(1), {"body": True}])
    assert kbd_no_trap.fn(p).status is Status.PASS


def test_focus_without_visible_change_fails_once_per_element():
    p = page(stops=[stop(0, visible=False), stop(1), stop(0, visible=False)])
    out = kbd_focus_visible.fn(p)
    assert out.status is Status.FAIL and [f.selector for f in out.findings] == ["#e0"]


def test_media_and_frames_are_not_judged_for_focus_visibility():
    p = page(stops=[stop(0, visible=False, tag="audio"), stop(1, visible=False, tag="iframe")])
    assert kbd_focus_visible.fn(p).status is Status.PASS


def test_backward_jump_warns_but_wrap_around_does_not():
    p = page(stops=[stop(5, y=800), stop(0, y=10), stop(1, y=20)])
    out = kbd_focus_order.fn(p)
    assert out.status is Status.WARN and out.findings[0].selector == "#e0"
    wrap = page(stops=[stop(0, y=10), stop(1, y=900), stop(0, y=10)])
    assert kbd_focus_order.fn(wrap).status is Status.PASS


def test_skip_link_outcomes():
    broken = page(skip_link={"selector": "a.skip", "snippet": "<a>", "href": "#main", "text": "Skip",
                             "target_exists": False, "moved": False})
    assert kbd_skip_link.fn(broken).status is Status.FAIL
    assert "does not exist" in kbd_skip_link.fn(broken).findings[0].message
    works = page(skip_link={"selector": "a.skip", "href": "#main", "text": "Skip", "target_exists": True,
                            "moved": True})
    assert kbd_skip_link.fn(works).status is Status.PASS
    assert kbd_skip_link.fn(page()).status is Status.NOT_APPLICABLE


def test_obscured_focus_warns():
    out = kbd_focus_obscured.fn(page(stops=[stop(0, obscured="div.sticky"), stop(1)]))
    assert out.status is Status.WARN and "div.sticky" in out.findings[0].message


def test_missing_or_failed_measurement_is_not_a_pass():
    assert kbd_reachable.fn(PageArtifacts(url=URL)).status is Status.NOT_APPLICABLE
    failed = PageArtifacts(url=URL, probes={"keyboard": {"error": "timed out after 40s"}})
    assert kbd_no_trap.fn(failed).status is Status.ERROR
