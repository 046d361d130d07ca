"""Component-aware measurement (auditor/memo.py, issue 24): what changes a leading block's
fingerprint, when a recorded walk can be reused, and, end to end in Chromium, that a scan
with memo finds exactly what a scan with --no-memo finds while reusing the header's Tab
stops on the pages where it is identical (and only there)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor.memo import BlockMemo, LeadingWalk, fingerprint, leading_stops, memo_note

SCHEMA = Path(__file__).resolve().parent.parent / "auditor" / "schemas" / "result.schema.json"


# -- pure parts -------------------------------------------------------------------------------
def _parts(**over):
    base = {"block": "<a href=\"#main\">Skip</a><header><a href=\"/\">Home</a></header>", "styles": ["link:/s.css::false:stylesheet"],
            "sheets": ["/s.css:false:"], "scripts": [], "adopted": 0, "html": "lang=en", "body": "", "hash": "",
            "viewport": [1280, 800, 1280, 800, 1, 0, 0], "main": [0, 120, 1280], "controls": [[0, 0, 40, 20]],
            "state": [], "ids": 2}
    return {**base, **over}


def test_fingerprint_is_stable_and_order_free():
    assert fingerprint(_parts()) == fingerprint(dict(reversed(list(_parts().items()))))
    assert len(fingerprint(_parts())) == 64


@pytest.mark.parametrize("change", [
    {"block": "<a href=\"#main\">Skip</a><header><a href=\"/\" class=\"x\">Home</a></header>"},
    {"styles": ["link:/s.css::false:stylesheet", "style::a:focus{outline:none}"]},
    {"sheets": ["/s.css:true:"]},
    {"scripts": ["inline::document.querySelector('a').onfocus = () => {}"]},
    {"adopted": 1},
    {"body": "class=dark"},
    {"hash": "#main"},
    {"viewport": [1024, 800, 1024, 800, 1, 0, 0]},
    {"main": [0, 140, 1280]},
    {"controls": [[0, 0, 41, 20]]},
    {"state": [["typed", False, False, False]]},
])
def test_fingerprint_changes_with_every_part(change):
    assert fingerprint(_parts(**change)) != fingerprint(_parts())


def _stop(i, **over):
    return {"id": i, "selector": f"#s{i}", "snippet": f"<a id=s{i}>", "tag": "a", "x": 10 * (i or 0), "y": 10, "w": 8, "h": 8,
            "size": 64, "visible_change": True, "in_view": True, "obscured_by": "", **over}


def test_leading_stops_takes_the_block_and_its_exit():
    stops = [_stop(0), _stop(1), _stop(2), _stop(5), _stop(6), {"body": True}]
    inside, nxt = leading_stops(stops, 3, 1280, 800)
    assert [s["id"] for s in inside] == [0, 1, 2] and nxt == 5


@pytest.mark.parametrize("stops", [
    [_stop(0), _stop(None), _stop(1), _stop(5)],                       # focus on something not marked
    [_stop(0), _stop(1), _stop(0), _stop(5)],                          # a cycle inside the block
    [_stop(0), _stop(1), _stop(2, y=795), _stop(5)],                   # below the first screen: Tab scrolled
    [_stop(0), _stop(1), _stop(2, in_view=False), _stop(5)],
    [_stop(0), _stop(1), {"body": True}],                              # left the page inside the block
    [_stop(0), _stop(5)],                                              # one stop: nothing to skip
    [_stop(0), _stop(1), _stop(2)],                                    # walk ended inside the block
])
def test_leading_stops_refuses_what_a_jump_would_not_reproduce(stops):
    assert leading_stops(stops, 3, 1280, 800) == ([], None)


def test_block_memo_keeps_first_walk_and_counts():
    memo = BlockMemo()
    walk = LeadingWalk((_stop(0), _stop(1)), 5, "h")
    memo.put("k", walk)
    memo.put("k", LeadingWalk((_stop(0), _stop(2)), 6, "h"))
    assert memo.get("k") is walk and walk.first_id == 0 and walk.last_id == 1
    memo.put("k", None)  # a later page found the walk not reusable: never reused again
    assert memo.get("k") is None and memo.seen("k")
    memo.count("hits", stops=3, presses=3)
    memo.count("fallbacks", "exit differs")
    memo.count("misses")
    s = memo.summary()
    assert (s["hits"], s["fallbacks"], s["misses"], s["presses_saved"], s["reasons"]) == (1, 1, 1, 3, {"exit differs": 1})
    again = BlockMemo()
    again.restore(s)
    again.count("hits", stops=1, presses=1)
    assert again.summary()["hits"] == 2 and again.summary()["presses_saved"] == 4
    assert memo_note(s) == "1 of 3 pages reused a measured header block (3 Tab presses saved); 1 re-walked after a mismatch"
    assert memo_note(None) is None and memo_note(BlockMemo().summary()) is None


# -- the in-page fingerprint, in Chromium -------------------------------------------------------
BASE = """<!DOCTYPE html><html lang="en"><head><style>a:focus{outline:2px solid red}</style>{head}</head><body>
<a href="#main">Skip to main content</a><header><a href="/">Agency</a><nav><a href="/a">A</a>{link}</nav></header>
<main id="main"><p>{main}</p><a href="/x">x</a></main><footer><a href="/">Home</a></footer></body></html>"""


def _html(head="", link="", main="Text"):
    return BASE.replace("{head}", head).replace("{link}", link).replace("{main}", main)


async def _fingerprints(pages: list[tuple[str, dict]]) -> list[dict]:
    from playwright.async_api import async_playwright

    from auditor import memo
    from auditor.browser import LAUNCH_ARGS, find_browser
    from auditor.gatherers.keyboard import MARK_JS

    out = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_browser(None).path, args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        for html, viewport in pages:
            await page.set_viewport_size(viewport or {"width": 1280, "height": 800})
            await page.set_content(html)
            await page.evaluate(MARK_JS)
            got = await page.evaluate(memo.FINGERPRINT_JS, memo.MAX_FINGERPRINT_CHARS)
            out.append({"reason": got["reason"]} if "reason" in got else
                       {"key": memo.fingerprint(got["parts"]), "count": got["count"]})
        await browser.close()
    return out


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_in_page_fingerprint_rules():
    cases = {
        "base": (_html(), None),
        "other main": (_html(main="Quite different content, longer " * 20), None),
        "added link": (_html(link='<a href="/b">B</a>'), None),
        "aria-current": (_html().replace('<a href="/a">', '<a href="/a" aria-current="page">'), None),
        "class": (_html().replace('<a href="/a">', '<a href="/a" class="active">'), None),
        "stylesheet": (_html(head='<link rel="stylesheet" href="data:text/css,a{color:red}">'), None),
        "page css": (_html(head="<style>nav a:focus{outline:none}</style>"), None),
        "script": (_html(head="<script>var x = 1;</script>"), None),
        "onfocus": (_html().replace('<a href="/a">', '<a href="/a" onfocus="this.blur()">'), None),
        "viewport": (_html(), {"width": 1000, "height": 800}),
        # what cannot be fingerprinted
        "no main": (_html().replace("<main", "<div").replace("</main>", "</div>"), None),
        "positive tabindex": (_html(main='<span tabindex="2">first</span>'), None),
        "custom element": (_html(link="<x-menu></x-menu>"), None),
        "frame": (_html(link='<iframe srcdoc="<a href=/>in</a>"></iframe>'), None),
        # a fixed or sticky box over the block's controls (at scroll 0, where they are walked)
        "fixed outside": (_html(main='<span style="position:fixed;top:0;left:0;width:100%;height:60px">chat</span>'), None),
        "hidden fixed visible child": (_html(main='<div style="position:fixed;top:0;left:0;visibility:hidden">'
                                                 '<span style="visibility:visible">chat</span></div>'), None),
        "fixed child over": (_html(main='<div style="position:fixed;top:300px;left:0;width:10px;height:10px">'
                                        '<span style="position:absolute;top:-300px;left:0;width:900px;height:200px">x'
                                        '</span></div>'), None),
        "fixed, animated": (_html(main='<style>@keyframes f{from{opacity:0}to{opacity:1}}</style><span style='
                                       '"position:fixed;bottom:0;right:0;animation:f 60s infinite">chat</span>'), None),
        # ... and ones that cannot reach them: a sticky side nav in main, a chat button at the bottom
        "sticky side nav": (_html(main='<p style="height:300px">intro</p><aside style="position:sticky;top:0">'
                                       '<a href="/s">side</a></aside>'), None),
        "fixed at the bottom": (_html(main='<span style="position:fixed;bottom:0;right:0">chat</span>'), None),
        # fixed elements that are not drawn cover nothing: the block stays reusable
        "fixed, display none": (_html(main='<div style="display:none"><span style="position:fixed;top:0">menu</span>'
                                           '</div>'), None),
        "fixed, hidden": (_html(main='<div style="position:fixed;inset:0;visibility:hidden">overlay</div>'), None),
        "no header": ('<!DOCTYPE html><body><a href="/">a</a><main><a href="/b">b</a></main></body>', None),
    }
    got = dict(zip(cases, asyncio.run(_fingerprints(list(cases.values())))))
    base = got["base"]
    assert base["count"] == 3 and "key" in base  # skip link, logo, one nav link
    assert got["other main"]["key"] == base["key"]  # the block is the same: reusable
    for name in ("added link", "aria-current", "class", "stylesheet", "page css", "script", "onfocus", "viewport"):
        assert got[name].get("key") and got[name]["key"] != base["key"], name
    assert got["no main"]["reason"] == "no main landmark"
    assert got["positive tabindex"]["reason"] == "positive tabindex"
    assert got["custom element"]["reason"] == "custom element in the block"
    assert got["frame"]["reason"] == "frame or plugin in the block"
    over = "fixed or sticky element outside the block over its controls"
    assert got["fixed outside"]["reason"] == over
    assert got["hidden fixed visible child"]["reason"] == over
    assert got["fixed child over"]["reason"] == over  # a descendant's box counts, not only its own
    assert got["fixed, animated"]["reason"] == "fixed or sticky element outside the block is animated"
    assert got["sticky side nav"]["key"] == got["fixed at the bottom"]["key"] == base["key"]
    assert got["fixed, display none"].get("key") and got["fixed, hidden"].get("key")
    assert got["no header"]["reason"] == "no header or navigation before main"


# -- mismatches re-walk the page: the result is the full walk's ------------------------------------
async def _walks(base: str, doctor) -> tuple[dict, dict, dict]:
    """The keyboard action on a.html without memo, then with memo on index (recorded) and a.html
    after ``doctor(memo, key)`` changed what was recorded."""
    import dataclasses

    from playwright.async_api import async_playwright

    from auditor.browser import LAUNCH_ARGS, find_browser
    from auditor.gatherers import keyboard as kb
    from auditor.settings import Settings

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_browser(None).path, args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(base + "a.html", wait_until="load")
        plain = await kb.keyboard.fn(page, None, Settings(memo=False))
        memo = BlockMemo()
        page._ia_memo = memo
        await page.goto(base, wait_until="load")
        first = await kb.keyboard.fn(page, None, Settings(memo=True))
        (key, walk), = memo.walks.items()
        memo.walks[key] = dataclasses.replace(walk, **doctor(walk))
        await page.goto(base + "a.html", wait_until="load")
        again = await kb.keyboard.fn(page, None, Settings(memo=True))
        await browser.close()
    return plain, first, again


@pytest.mark.browser
@pytest.mark.timeout(300)
@pytest.mark.parametrize("doctor, reason", [
    # the recorded first stop looked different: focus did not enter as recorded
    (lambda w: {"stops": ({**w.stops[0], "w": w.stops[0]["w"] + 1},) + w.stops[1:]}, "entry differs"),
    # the block's recorded walk ends early: Tab from its "last" stop stays in the block
    (lambda w: {"stops": w.stops[:3]}, "exit differs"),
])
def test_a_mismatch_walks_the_page_in_full(serve_site, doctor, reason):
    plain, first, again = asyncio.run(_walks(serve_site("memo").rstrip("/") + "/", doctor))
    assert first["memo"]["state"] == "miss"
    note = dict(again["memo"])
    # the footer (two links) is reused in the walk from the top, apart from the header's
    assert note.pop("trailing") == {"state": "hit", "reason": "", "stops_reused": 1, "presses_saved": 1}
    assert note == {"state": "fallback", "reason": reason, "stops_reused": 0, "presses_saved": 0}
    assert {k: v for k, v in again.items() if k != "memo"} == plain


# -- end to end: the CLI on a site with identical and subtly altered headers -------------------------
#: d.html's main starts with a focusable link of no size (no id): the exit is proven in the page
IDENTICAL = ("/a.html", "/b.html", "/c.html", "/d.html", "/contact.html")
ALTERED = ("/extra-link.html", "/other-css.html", "/onfocus.html", "/page-css.html", "/current.html")


def _scan(cli, base: str, tmp: Path, name: str, *extra: str) -> tuple[dict, dict[str, dict]]:
    from auditor.store import Store

    db, out = tmp / f"{name}.sqlite", tmp / name
    proc = cli("scan", base.rstrip("/") + "/", "--db", str(db), "--out", str(out), "--concurrency", "1", "--format", "json",
               "--max-pages", "30", *extra)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    result = json.loads((out / "idea-audit.json").read_text())
    store = Store(db)
    probes = {urlsplit(a.url).path: a.probes.get("keyboard") or {} for a in store.iter_artifacts(result["run"]["id"])}
    store.close()
    return result, probes, proc.stdout


def _findings(result: dict) -> set[tuple]:
    return {(f["check_id"], f["page_url"], f.get("selector"), f.get("snippet"), f.get("fingerprint"), f["status"],
             f["message"]) for f in result["findings"]}


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_memo_finds_exactly_what_no_memo_finds(serve_site, cli, tmp_path):
    import jsonschema

    base = serve_site("memo")
    with_memo, memo_probes, stdout = _scan(cli, base, tmp_path, "memo")
    without, plain_probes, _ = _scan(cli, base, tmp_path, "plain", "--no-memo")
    assert set(memo_probes) == set(plain_probes) and set(IDENTICAL + ALTERED) <= set(memo_probes)
    assert _findings(with_memo) == _findings(without)
    # the shared header's focus defect (a.plain) is found on every page, reused or not
    visible = {(f["page_url"], f["snippet"]) for f in with_memo["findings"] if f["check_id"] == "kbd-focus-visible"}
    for path in IDENTICAL + ALTERED:
        assert any(u.endswith(path) and 'class="plain"' in (s or "") for u, s in visible), path
    # the alterations each change what the keyboard finds on their page alone
    for path in ("/other-css.html", "/onfocus.html", "/page-css.html", "/current.html"):
        assert len([u for u, _ in visible if u.endswith(path)]) > 1, path
    states = {p: (memo_probes[p].get("memo") or {}).get("state") for p in memo_probes}
    assert states["/"] == "miss"  # the first page with this header: walked in full, recorded
    assert all(states[p] == "hit" for p in IDENTICAL), states
    assert all(states[p] != "hit" for p in ALTERED), states
    for p in memo_probes:  # the whole measurement is the no-memo one, field by field
        assert {k: v for k, v in memo_probes[p].items() if k != "memo"} == plain_probes[p], p
    for p in IDENTICAL:
        # the logo's focusout listener (menu.js) was looked up once, on the first page
        assert memo_probes[p]["memo"]["listener_lookups_saved"] == 7
        assert [r["selector"] for r in memo_probes[p]["refocus"]] == ["html > body > header > a"], p
        assert memo_probes[p]["memo"]["presses_saved"] == 6  # skip link, logo, 5 nav links: 6 of 7 copied
    assert all("memo" not in v for v in plain_probes.values())  # --no-memo: the old path only
    run = with_memo["run"]["memo"]
    # the footer (two links) is the same on every page: one press saved on each page after the first
    tail = run["trailing"]
    assert tail["hits"] == tail["presses_saved"] == tail["stops_reused"] == len(memo_probes) - 3, tail
    assert run["hits"] == len(IDENTICAL) and run["presses_saved"] == 6 * len(IDENTICAL) + tail["presses_saved"]
    assert without["run"]["memo"] is None
    assert "memo: 5 of 11 pages reused a measured header block, 8 a measured footer" in stdout
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(with_memo, schema)
    jsonschema.validate(without, schema)
