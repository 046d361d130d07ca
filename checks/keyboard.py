"""Keyboard family: what a keyboard user meets when pressing Tab through the page.

Reads ``probes["keyboard"]`` (``auditor/gatherers/keyboard.py``): the operable
elements a mouse user can reach, and each Tab stop with how the element looks
focused versus unfocused. Rule engines cannot see these because they need the page
to be operated.
"""

from __future__ import annotations

import re

from auditor.checking import check
from auditor.model import Outcome, PageArtifacts, Severity, Status

from ._probes import conclude, probe, url_of

REQ = ["idea-3a1"]
#: Elements whose focus indicator is drawn inside them (media controls, frames): the
#: outer element's style does not show it, so they are not judged.
INNER_FOCUS_TAGS = frozenset({"audio", "video", "iframe", "object", "embed"})
#: Words of a control inside a trap that may explain the way out.
_HELP = re.compile(r">[^<]*\b(help|how to|instructions?|keyboard shortcuts?)\b", re.I)
#: How far (CSS px) focus may move up the page before the order counts as jumping back.
BACKWARD_TOLERANCE = 150
#: Overlap (CSS px) still counted as "beside" when focus moves up into another column.
COLUMN_SLACK = 4


def _stops(data: dict) -> list[dict]:
    return [s for s in data.get("stops", []) if not s.get("body")]


@check(id="kbd-reachable", family="keyboard", title="Every operable element is reachable with Tab",
       failure_title="Some operable elements cannot be reached with the keyboard",
       description="Controls a mouse user can click must be reachable with Tab: use native links and "
                   "buttons, or add tabindex=\"0\" and key handlers to custom widgets. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/keyboard",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/keyboard", requirements=REQ, wcag=["2.1.1"],
       severity=Severity.HIGH, artifacts=("probes",))
def kbd_reachable(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "keyboard")
    if early:
        return early
    elements = data.get("elements", [])
    if not elements:
        return Outcome(Status.NOT_APPLICABLE, detail="no operable elements")
    reached = {s.get("id") for s in _stops(data)}
    if data.get("initial_focus") is not None:
        reached.add(data["initial_focus"])  # the page put focus there itself
    if data.get("stuck") or (not data.get("completed") and _trapped(data)):
        return Outcome(Status.NOT_APPLICABLE, detail="focus is trapped; see kbd-no-trap")
    candidates = elements
    if not data.get("completed"):
        # the Tab cap was reached: only judge elements before the last one focused
        last = max((i for i in reached if isinstance(i, int)), default=-1)
        candidates = [e for e in elements if e["id"] < last]
    by_id = {e["id"]: e for e in elements}
    # one Tab stop per radio group or composite widget: arrow keys move inside it
    groups = {by_id[i]["group"] for i in reached if i in by_id and by_id[i].get("group")}
    # a link Tab skips is no barrier when a reachable link goes to the same place (a card's
    # image link beside its title link)
    hrefs = {by_id[i]["href"] for i in reached if i in by_id and by_id[i].get("href")}
    findings = []
    for el in candidates:
        if el["id"] in reached or (el.get("group") and el["group"] in groups):
            continue
        if el.get("href") and el["href"] in hrefs:
            continue
        if el.get("has_tabbable_inside") and not el.get("native"):
            continue  # a clickable container whose own controls Tab reaches
        if el.get("frame_controls"):
            why = (f"tabindex=\"-1\" on the frame takes the {el['frame_controls']} control(s) inside it out of the "
                   "Tab order")
        elif el.get("tabindex") is not None and el["tabindex"] < 0:
            why = "tabindex=\"-1\" removes it from the Tab order"
        elif el.get("listener"):
            why = f"a script listens for {el['listener']} on it, but it is not focusable"
        else:
            why = "it is not focusable (a click handler or role on a non-focusable element)"
        findings.append(kbd_reachable.finding(
            url_of(page), f"<{el['tag']}> can be clicked but Tab never reaches it: {why}.",
            selector=el["selector"], snippet=el.get("snippet", "")))
    return conclude(findings)


def _trapped(data: dict) -> bool:
    ids = [s.get("id") for s in _stops(data)]
    return any(ids.count(i) >= 2 for i in set(ids) if i is not None)


@check(id="kbd-no-trap", family="keyboard", title="Keyboard focus is never trapped",
       failure_title="Keyboard focus gets trapped",
       description="Tab must be able to move focus away from every component. Remove key handlers that "
                   "hold focus inside a widget (modal dialogs must close with Escape and return focus). "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/no-keyboard-trap",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/no-keyboard-trap", requirements=REQ,
       wcag=["2.1.2"], severity=Severity.CRITICAL, artifacts=("probes",))
def kbd_no_trap(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "keyboard")
    if early:
        return early
    stops = _stops(data)
    if not stops:
        return Outcome(Status.NOT_APPLICABLE, detail="nothing takes focus")
    # a script that puts focus back on an element once it has left: a trap the Tab walk
    # (whose presses race the script) may not see
    moving = [r for r in data.get("refocus") or [] if r.get("oscillates")]
    if moving:
        first = moving[0]
        return conclude([kbd_no_trap.finding(
            url_of(page), f"Focus moves by itself between {len(moving)} elements ({first.get('changes')} times in "
                          f"{first.get('within_ms')} ms with no key pressed): each takes focus back when it "
                          "leaves (a script refocuses it on blur), so keyboard focus cannot stay anywhere else.",
            selector=first["selector"], snippet=first.get("snippet", ""))])
    held = [r for r in data.get("refocus") or [] if r.get("tab_returns") and r.get("shift_tab_returns")]
    if held:
        return conclude([kbd_no_trap.finding(
            url_of(page), "Focus is put back on this element after it leaves: Tab and Shift+Tab both "
                          f"returned to it within {data.get('refocus_wait_ms', 200)} ms (a script refocuses it "
                          "on blur), so keyboard users cannot move past it.",
            selector=r["selector"], snippet=r.get("snippet", "")) for r in held])
    if data.get("completed"):
        return Outcome(Status.PASS)
    if data.get("stuck") or _trapped(data):
        cycle = []
        for s in stops[-6:]:
            if s["selector"] not in cycle:
                cycle.append(s["selector"])
        exit_ = data.get("trap_exit") or {}
        if exit_.get("works") in ("Escape", "Shift+Tab"):
            return Outcome(Status.PASS, detail=f"Tab cycles inside a component that {exit_['works']} leaves")
        if exit_.get("works"):
            return Outcome(Status.PASS, detail=f"the page says how to leave (\"{exit_.get('stated', '')}\") and "
                                               f"{exit_['works']} does")
        msg = "Pressing Tab keeps focus cycling among: " + ", ".join(cycle) + "."
        if exit_.get("stated"):
            msg += (f" The page says \"{exit_['stated']}\", but {exit_.get('stated_key') or exit_['tried'][-1]} "
                    "did not move focus out.")
        elif exit_.get("tried"):
            msg += " " + " and ".join(k for k in exit_["tried"]) + (" do" if len(exit_["tried"]) > 1 else " does") \
                + " not leave it either."
        status = Status.FAIL
        if not exit_.get("stated") and any(_HELP.search(s.get("snippet", "")) for s in stops[-6:]):
            status = Status.WARN  # a help control inside the trap may tell the way out: a person must try it
            msg += " A help control inside it may explain a way out: check it by hand."
        return conclude([kbd_no_trap.finding(
            url_of(page), msg, selector=stops[-1]["selector"], snippet=stops[-1].get("snippet", ""), status=status)])
    return Outcome(Status.PASS, detail=f"Tab cap of {data.get('max_stops')} stops reached without a cycle")


@check(id="kbd-focus-visible", family="keyboard", title="Focused elements show a visible focus indicator",
       failure_title="Some elements show no visible focus indicator",
       description="A keyboard user must see where focus is. Do not remove the outline (outline: none) "
                   "without a replacement; style :focus-visible with an outline, border, shadow or "
                   "background change. See https://www.w3.org/WAI/WCAG22/Understanding/focus-visible",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/focus-visible", requirements=REQ,
       wcag=["2.4.7"], severity=Severity.HIGH, artifacts=("probes",))
def kbd_focus_visible(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "keyboard")
    if early:
        return early
    stops = _stops(data)
    if not stops:
        return Outcome(Status.NOT_APPLICABLE, detail="nothing takes focus")
    findings, seen = [], set()
    for s in stops:
        if s["selector"] in seen or s.get("visible_change") or not s.get("size") or s["tag"] in INNER_FOCUS_TAGS:
            continue
        seen.add(s["selector"])
        findings.append(kbd_focus_visible.finding(
            url_of(page), f"<{s['tag']}> looks the same focused and unfocused (no outline, border, shadow "
                          "or colour change).", selector=s["selector"], snippet=s.get("snippet", "")))
    return conclude(findings)


@check(id="kbd-focus-order", family="keyboard", title="Focus order follows the visual order",
       failure_title="Focus order jumps against the visual order",
       description="Tab should move through the page in reading order. Positive tabindex values and "
                   "CSS that reorders content make focus jump back. Remove positive tabindex; order the "
                   "DOM as it is shown. See https://www.w3.org/WAI/WCAG22/Understanding/focus-order",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/focus-order", requirements=REQ,
       wcag=["2.4.3"], severity=Severity.MEDIUM, artifacts=("probes",))
def kbd_focus_order(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "keyboard")
    if early:
        return early
    stops = _stops(data)
    if len(stops) < 2:
        return Outcome(Status.NOT_APPLICABLE, detail="fewer than two focus stops")
    first = stops[0].get("id")
    findings = []
    for prev, nxt in zip(stops, stops[1:]):
        if nxt.get("id") == first:
            break  # wrapped around to the start: that jump is expected
        if not (prev.get("size") and nxt.get("size")) or prev["y"] - nxt["y"] <= BACKWARD_TOLERANCE:
            continue
        px, pw, nx, nw = prev.get("x", 0), prev.get("w", 0), nxt.get("x", 0), nxt.get("w", 0)
        if nx >= px + pw - COLUMN_SLACK or nx + nw <= px + COLUMN_SLACK:
            # up into another column (footer columns, a sidebar shown beside the article, to
            # the left or right): moving column by column keeps the meaning; a jump back up
            # inside one column (positive tabindex, CSS that reverses a list) does not
            continue
        findings.append(kbd_focus_order.finding(
            url_of(page), f"Tab moves focus from {prev['selector']} back up {prev['y'] - nxt['y']} px "
                          f"to {nxt['selector']}.", selector=nxt["selector"], snippet=nxt.get("snippet", ""),
            status=Status.WARN))
    return conclude(findings)


@check(id="kbd-skip-link", family="keyboard", title="The skip link moves focus to the main content",
       failure_title="The skip link does not move focus to the main content",
       description="A skip link must point at an element that exists (id on <main>) so activating it "
                   "moves the keyboard past the navigation. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/bypass-blocks",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/bypass-blocks", requirements=REQ,
       wcag=["2.4.1"], severity=Severity.HIGH, artifacts=("probes",))
def kbd_skip_link(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "keyboard")
    if early:
        return early
    skip = data.get("skip_link")
    if not skip:
        return Outcome(Status.NOT_APPLICABLE, detail="no skip link (axe-core's bypass rule covers missing ones)")
    if skip.get("moved"):
        return Outcome(Status.PASS)
    why = ("its target does not exist" if not skip.get("target_exists")
           else "after activating it, Tab does not continue from the target")
    return conclude([kbd_skip_link.finding(
        url_of(page), f"Skip link \"{skip.get('text', '')}\" ({skip.get('href')}) does not work: {why}.",
        selector=skip.get("selector", ""), snippet=skip.get("snippet", ""))])


@check(id="kbd-focus-obscured", family="keyboard", title="Focused elements are not hidden by sticky content",
       failure_title="Focused elements are hidden behind sticky or fixed content",
       description="When an element takes focus it must not be entirely covered by a sticky header, "
                   "footer or banner. Add scroll-padding-top equal to the sticky header's height. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/focus-not-obscured-minimum",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/focus-not-obscured-minimum", requirements=REQ,
       wcag=["2.4.11"], severity=Severity.MEDIUM, artifacts=("probes",))
def kbd_focus_obscured(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "keyboard")
    if early:
        return early
    stops = _stops(data)
    if not stops:
        return Outcome(Status.NOT_APPLICABLE, detail="nothing takes focus")
    findings, seen = [], set()
    for s in stops:
        if s.get("obscured_by") and s["selector"] not in seen:
            seen.add(s["selector"])
            findings.append(kbd_focus_obscured.finding(
                url_of(page), f"Focused <{s['tag']}> is covered by {s['obscured_by']}.",
                selector=s["selector"], snippet=s.get("snippet", ""), status=Status.WARN))
    return conclude(findings)
