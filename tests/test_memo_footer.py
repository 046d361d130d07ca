"""The trailing block (footer) in the Tab walk (auditor/memo.py, issue 24): what a full walk
must show for its footer stops to be kept, how they are placed on another page, which
footers can be fingerprinted, and, end to end in Chromium, that a scan reusing the footer
finds exactly what ``--no-memo`` finds, stop by stop, reusing it only where it is identical
and its entry and exit are proven."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor.memo import (
    BlockMemo,
    TrailingWalk,
    memo_note,
    place_stops,
    presses_to_block,
    same_stop,
    trailing_stops,
)

SCHEMA = Path(__file__).resolve().parent.parent / "auditor" / "schemas" / "result.schema.json"
FIELDS = ("id", "snippet", "tag", "x", "y", "w", "h", "size", "visible_change", "in_view", "obscured_by")


def _stop(i, y=900, **over):
    return {"id": i, "selector": f"#s{i}", "snippet": f"<a id=s{i}>", "tag": "a", "x": 10 * (i or 0), "y": y, "w": 8,
            "h": 8, "size": 64, "visible_change": True, "in_view": True, "obscured_by": "", **over}


BODY = {"body": True}


# -- learning: the footer's stops of a full walk ------------------------------------------------
YS = [900, 900, 940]  # where the footer's three controls (ids 3-5) are before the walk


def test_trailing_stops_keeps_the_block_relative_to_its_start():
    # ids 0-2 header and main, 3-5 the footer (start 3, 3 controls)
    stops = [_stop(0, 10), _stop(1, 200), _stop(2, 400), _stop(3, 900), _stop(4, 900), _stop(5, 940), BODY]
    got = trailing_stops(stops, 3, YS)
    assert [s["id"] for s in got] == [0, 1, 2]
    assert all("y" not in s for s in got)  # each page gives its own
    assert got[0]["snippet"] == "<a id=s3>" and got[2]["x"] == 50  # the rest as measured


def test_trailing_stops_allows_untabbable_controls_and_unmarked_stops_before():
    # control 4 is not in the Tab order; an unmarked focusable (a scroller) before the block
    stops = [_stop(0, 10), _stop(None, 300), _stop(3), _stop(5, 940), BODY]
    assert [s["id"] for s in trailing_stops(stops, 3, YS)] == [0, 2]


@pytest.mark.parametrize("stops", [
    [_stop(0), _stop(4), _stop(5), BODY],                          # entered past the first control
    [_stop(0), _stop(4), _stop(3), _stop(5), BODY],                # visited the block before its entry
    [_stop(0), _stop(3), _stop(None), _stop(5), BODY],             # focus on something not marked
    [_stop(0), _stop(3), _stop(4), _stop(3), BODY],                # a cycle inside the block
    [_stop(0), _stop(3), _stop(4, in_view=False), BODY],           # out of view
    [_stop(0), _stop(3), _stop(4, obscured_by="#chat"), BODY],     # covered
    [_stop(0), _stop(3), _stop(4), _stop(0)],                      # wrapped to the top: no exit from the page
    [_stop(0), _stop(3), _stop(4), _stop(5)],                      # the walk ended inside the block (the cap)
    [_stop(0), _stop(3), BODY],                                    # one stop: nothing to skip
    [_stop(0), _stop(3), _stop(4), BODY, _stop(0)],                # the exit is not the walk's end
    [_stop(0), _stop(1)],                                          # never reached the block
    [_stop(0), _stop(3), _stop(4, y=910), BODY],                   # not where it was before the walk
])
def test_trailing_stops_refuses_what_a_jump_would_not_reproduce(stops):
    assert trailing_stops(stops, 3, YS) is None


# -- placing a recorded footer on another page ---------------------------------------------------
def test_place_stops_gives_ids_and_y_of_this_page():
    walk = TrailingWalk(trailing_stops([_stop(0, 10), _stop(3, 901), _stop(4, 941), BODY], 3, [901, 941]))
    assert (walk.first, walk.last) == (0, 1)
    # the same footer below a longer main: starts at id 9, its controls 1200 px lower
    placed = place_stops(walk, 9, [2101, 2141])
    assert [(s["id"], s["y"]) for s in placed] == [(9, 2101), (10, 2141)]
    assert list(placed[0]) == list(_stop(0))  # STOP_JS's field order
    assert same_stop(placed[0], {**_stop(9, 2101), "snippet": "<a id=s3>", "x": 30, "selector": "other"}, FIELDS)
    for change in ({"y": 2102}, {"id": 10}, {"w": 9}, {"visible_change": False}, {"obscured_by": "#x"}, {"snippet": "<b>"}):
        assert not same_stop(placed[0], {**placed[0], **change}, FIELDS), change
    assert not same_stop(placed[0], BODY, FIELDS)


def test_presses_to_block_lands_on_the_first_control():
    tabbable = [0, 1, 2, 4, 5, 7, 8]  # 3 and 6 are not tabbable; the footer starts at 7
    assert presses_to_block([], 0, tabbable, 7) == 6  # 0, 1, 2, 4, 5, then 7
    assert presses_to_block([_stop(2)], 3, tabbable, 7) == 3  # 4, 5, then 7
    assert presses_to_block([_stop(5)], 5, tabbable, 7) == 1
    # an unmarked stop (a scroller): the tabbable ones before the block less the presses made
    assert presses_to_block([_stop(0), _stop(None)], 2, tabbable, 7) == 4
    assert presses_to_block([_stop(None)] * 9, 9, tabbable, 7) == 1


def test_block_memo_counts_both_blocks():
    memo = BlockMemo()
    walk = TrailingWalk((_stop(0), _stop(1)))
    memo.put_tail("trailing:k", walk)
    memo.put_tail("trailing:k", TrailingWalk((_stop(0), _stop(2))))
    assert memo.get_tail("trailing:k") is walk and memo.seen_tail("trailing:k") and not memo.seen("trailing:k")
    memo.count("hits", stops=6, presses=6)
    memo.count_tail("hits", stops=5, presses=5)
    memo.count_tail("fallbacks", "entry differs")
    memo.count_tail("not_memoisable", "fixed element outside the footer")
    s = memo.summary()
    assert s["presses_saved"] == 11 and s["stops_reused"] == 6  # presses: both blocks
    assert s["trailing"] == {"hits": 1, "misses": 0, "fallbacks": 1, "not_memoisable": 1, "stops_reused": 5,
                             "presses_saved": 5, "blocks": 1,
                             "reasons": {"entry differs": 1, "fixed element outside the footer": 1}}
    assert memo_note(s) == ("1 of 1 pages reused a measured header block, 1 a measured footer (11 Tab presses saved); "
                            "1 measured the footer after a mismatch")
    again = BlockMemo()
    again.restore(s)  # --resume
    again.count_tail("hits", stops=2, presses=2)
    t = again.summary()["trailing"]
    assert (t["hits"], t["fallbacks"], t["presses_saved"], t["reasons"]["entry differs"]) == (2, 1, 7, 1)
    assert again.summary()["presses_saved"] == 13
    memo.put_tail("trailing:k", None)
    assert memo.get_tail("trailing:k") is None and memo.summary()["trailing"]["blocks"] == 0


# -- the in-page fingerprint, in Chromium -------------------------------------------------------
BASE = """<!DOCTYPE html><html lang="en"><head><style>a:focus{outline:2px solid red} body{margin:0}</style>{head}</head>
<body><header><a href="/">Agency</a></header><div class="wrap"><main id="main">{main}</main></div>
<footer class="usa-footer"><a href="/">Home</a> <a href="/a">About</a>{link}</footer>{after}</body></html>"""


def _html(head="", main="<p>Text</p>", link="", after=""):
    return BASE.replace("{head}", head).replace("{main}", main).replace("{link}", link).replace("{after}", after)


async def _fingerprints(pages: list[str]) -> list[dict]:
    from playwright.async_api import async_playwright

    from auditor import memo
    from auditor.browser import LAUNCH_ARGS, find_browser
    from auditor.gatherers.keyboard import MARK_JS

    out = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_browser(None).path, args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        for html in pages:
            await page.set_content(html)
            await page.evaluate(MARK_JS)
            got = await page.evaluate(memo.TRAILING_FINGERPRINT_JS, memo.MAX_FINGERPRINT_CHARS)
            out.append({"reason": got["reason"]} if "reason" in got else
                       {"key": memo.fingerprint(got["parts"]), "start": got["start"], "count": got["count"],
                        "top": got["top"], "ys": got["ys"]})
        await browser.close()
    return out


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_in_page_trailing_fingerprint_rules():
    long_main = "<p>Text</p>" * 60 + '<a href="/x">x</a><button>b</button>'
    cases = {
        "base": _html(),
        # the same footer under a longer main with more controls: same key, later start and top
        "long main": _html(main=long_main),
        "added link": _html(link=' <a href="/b">B</a>'),
        "other href": _html().replace('href="/a"', 'href="/b"'),
        "class": _html().replace('<a href="/a">', '<a href="/a" class="x">'),
        "page css": _html(head="<style>footer a:focus{outline:none}</style>"),
        "script": _html(after="<script>var x = 1;</script>"),
        "body attribute": _html().replace("<body>", '<body data-theme="dark">'),
        # a class on body no style rule names (a page's slug) does not count; one a rule names does
        "page class": _html().replace("<body>", '<body class="page-benefits">'),
        "page class, other page": _html().replace("<body>", '<body class="page-contact">'),
        "styled class": _html(head="<style>.dark a{color:#fff}</style>").replace("<body>", '<body class="dark">'),
        "styled class, other page": _html(head="<style>.dark a{color:#fff}</style>").replace("<body>",
                                                                                            '<body class="light">'),
        "class selector": _html(head="<style>[class^=page] a{color:red}</style>").replace("<body>",
                                                                                        '<body class="page-a">'),
        "class selector, other page": _html(head="<style>[class^=page] a{color:red}</style>").replace(
            "<body>", '<body class="page-b">'),
        "class in a script": _html(after="<script>var c = 'page-benefits';</script>").replace(
            "<body>", '<body class="page-benefits">'),
        "class in a script, other page": _html(after="<script>var c = 'page-benefits';</script>").replace(
            "<body>", '<body class="page-other">'),
        "wider footer": _html(head="<style>footer{padding-left:7px}</style>"),
        # what cannot be fingerprinted
        "no footer": _html().replace('<footer class="usa-footer"', "<div").replace("</footer>", "</div>"),
        "no main": _html().replace("<main", "<section").replace("</main>", "</section>"),
        "positive tabindex": _html(main='<span tabindex="3">first</span>'),
        "custom element": _html(link="<x-share></x-share>"),
        "frame": _html(link='<iframe srcdoc="<a href=/>in</a>"></iframe>'),
        "nothing operable": _html().replace('<a href="/">Home</a> <a href="/a">About</a>', "<p>Agency</p>"),
        "fixed back to top": _html(main='<a href="#main" style="position:fixed;bottom:0">Top</a>'),
        "fixed in footer": _html(link='<a href="#main" style="position:fixed;bottom:0">Top</a>'),
        "sticky in footer": _html(link='<span style="position:sticky;bottom:0">s</span>'),
        "sticky header": _html().replace("<header>", '<header style="position:sticky;top:0">'),
        # a sticky element whose content hangs below its parent's box into the footer
        "sticky overhang": _html(main='<div style="height:40px"><div style="position:sticky;top:0;height:10px">'
                                      '<div style="height:400px">menu</div></div></div>'),
        # sticky inside main cannot leave main; fixed but not drawn covers nothing
        "sticky in main": _html(main='<div style="position:sticky;top:0">aside</div><p>Text</p>'),
        "fixed, display none": _html(main='<div style="display:none"><a href="#" style="position:fixed">m</a></div>'),
    }
    got = dict(zip(cases, asyncio.run(_fingerprints(list(cases.values())))))
    base = got["base"]
    assert (base["start"], base["count"]) == (1, 2) and "key" in base  # header link 0; footer 1, 2
    assert got["long main"]["key"] == base["key"]
    assert got["long main"]["start"] == 3 and got["long main"]["top"] > base["top"]
    assert got["long main"]["ys"] == [y + got["long main"]["top"] - base["top"] for y in base["ys"]]
    for name in ("added link", "other href", "class", "page css", "script", "body attribute", "wider footer"):
        assert got[name].get("key") and got[name]["key"] != base["key"], name
    # body has a class (one, no rule names it): which one does not count
    assert got["page class"]["key"] == got["page class, other page"]["key"] != base["key"]
    assert got["styled class"]["key"] != got["styled class, other page"]["key"]
    assert got["class selector"]["key"] != got["class selector, other page"]["key"]
    assert got["class in a script"]["key"] != got["class in a script, other page"]["key"]
    assert got["sticky in main"]["key"] == base["key"] and got["fixed, display none"].get("key")
    assert got["no footer"]["reason"] == "no footer after main"
    assert got["no main"]["reason"] == "no main landmark"
    assert got["positive tabindex"]["reason"] == "positive tabindex"
    assert got["custom element"]["reason"] == "custom element in the footer"
    assert got["frame"]["reason"] == "frame or plugin in the footer"
    assert got["nothing operable"]["reason"] == "nothing operable after main"
    assert got["fixed back to top"]["reason"] == "fixed element outside the footer"
    assert got["fixed in footer"]["reason"] == "fixed or sticky element in the footer"
    assert got["sticky in footer"]["reason"] == "fixed or sticky element in the footer"
    assert got["sticky header"]["reason"] == "sticky element that can reach the footer"
    assert got["sticky overhang"]["reason"] == "sticky element that can reach the footer"


# -- a recorded footer that does not match: focus back on the entry, the walk goes on -----------
async def _walks(base: str, doctor) -> tuple[dict, dict, dict]:
    """The keyboard action on c.html without memo, then with memo on index (recorded) and on
    c.html after ``doctor(walk)`` changed the recorded footer walk."""
    from playwright.async_api import async_playwright

    from auditor.browser import LAUNCH_ARGS, find_browser
    from auditor.gatherers import keyboard as kb
    from auditor.settings import Settings

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_browser(None).path, args=LAUNCH_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(base + "c.html", wait_until="load")
        plain = await kb.keyboard.fn(page, None, Settings(memo=False))
        memo = BlockMemo()
        page._ia_memo = memo
        await page.goto(base, wait_until="load")
        first = await kb.keyboard.fn(page, None, Settings(memo=True))
        (key, walk), = memo.tails.items()
        memo.tails[key] = dataclasses.replace(walk, **doctor(walk))
        await page.goto(base + "c.html", wait_until="load")
        again = await kb.keyboard.fn(page, None, Settings(memo=True))
        await browser.close()
    return plain, first, again


@pytest.mark.browser
@pytest.mark.timeout(300)
@pytest.mark.parametrize("doctor, reason", [
    # the recorded walk ends one control early: Tab from its "last" stop stays in the footer
    (lambda w: {"stops": w.stops[:-1]}, "exit differs"),
    # a recorded control's markup is not this page's
    (lambda w: {"stops": w.stops[:2] + ({**w.stops[2], "snippet": "<a>other</a>"},) + w.stops[3:]}, "footer differs"),
    # the recorded entry looked different
    (lambda w: {"stops": ({**w.stops[0], "h": w.stops[0]["h"] + 1},) + w.stops[1:]}, "entry differs"),
])
def test_a_footer_mismatch_goes_on_with_real_presses(serve_site, doctor, reason):
    plain, first, again = asyncio.run(_walks(serve_site("memo-footer").rstrip("/") + "/", doctor))
    assert first["memo"]["trailing"] == {"state": "miss", "reason": ""}
    assert again["memo"]["trailing"] == {"state": "fallback", "reason": reason, "stops_reused": 0, "presses_saved": 0}
    assert {k: v for k, v in again.items() if k != "memo"} == plain


# -- end to end: the CLI on a site sharing a footer ----------------------------------------------
#: pages with the footer of the first page ("/"), main of different lengths (b, c, contact: the
#: footer below the first screen), one with a sticky aside inside main
IDENTICAL = ("/a.html", "/b.html", "/c.html", "/d.html", "/contact.html", "/index.html", "/sticky-aside.html")


def _scan(cli, base: str, tmp: Path, name: str, *extra: str) -> tuple[dict, dict[str, dict], str]:
    from auditor.store import Store

    db, out = tmp / f"{name}.sqlite", tmp / name
    proc = cli("scan", base, "--db", str(db), "--out", str(out), "--concurrency", "1", "--format", "json",
               "--max-pages", "30", *extra)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    result = json.loads((out / "idea-audit.json").read_text())
    store = Store(db)
    probes = {urlsplit(a.url).path: a.probes.get("keyboard") or {} for a in store.iter_artifacts(result["run"]["id"])}
    store.close()
    return result, probes, proc.stdout


def _findings(result: dict) -> list[tuple]:
    return sorted((f["check_id"], f["page_url"], f.get("selector") or "", f.get("snippet") or "",
                   f.get("fingerprint") or "", f["status"], f["message"]) for f in result["findings"])


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_footer_reuse_finds_exactly_what_no_memo_finds(serve_site, cli, tmp_path):
    import jsonschema

    base = serve_site("memo-footer")
    with_memo, memo_probes, stdout = _scan(cli, base, tmp_path, "memo")
    without, plain_probes, _ = _scan(cli, base, tmp_path, "plain", "--no-memo")
    assert set(memo_probes) == set(plain_probes) and len(memo_probes) == 13
    assert _findings(with_memo) == _findings(without)
    for p in memo_probes:  # the whole measurement is the no-memo one: every stop, field by field
        assert {k: v for k, v in memo_probes[p].items() if k != "memo"} == plain_probes[p], p
    assert all("memo" not in v for v in plain_probes.values())
    tails = {p: memo_probes[p]["memo"]["trailing"] for p in memo_probes}
    assert tails["/"] == {"state": "miss", "reason": ""}  # the first page with this footer: recorded
    for p in IDENTICAL:
        # 7 footer links: the first pressed to (entry), 6 copied, then one press out (exit)
        assert tails[p] == {"state": "hit", "reason": "", "stops_reused": 6, "presses_saved": 6}, p
        stops = memo_probes[p]["stops"]
        assert stops[-1] == {"body": True} and [s["snippet"] for s in stops[-8:-1]][-2] == \
            '<a class="plain" href="/index.html">FOIA requests</a>', p
    assert tails["/link-differs.html"] == {"state": "miss", "reason": ""}  # another footer: recorded for itself
    assert tails["/back-to-top.html"] == {"state": "not-memoisable", "reason": "fixed element outside the footer"}
    assert tails["/sticky-header.html"] == {"state": "not-memoisable",
                                            "reason": "sticky element that can reach the footer"}
    assert tails["/reorder.html"] == {"state": "fallback", "reason": "entry differs", "stops_reused": 0,
                                      "presses_saved": 0}
    assert tails["/cap.html"] == {"state": "miss", "reason": "Tab cap before the footer's exit", "stops_reused": 0,
                                  "presses_saved": 0}
    assert len(memo_probes["/cap.html"]["stops"]) == 60
    # the footer's focus defect (a.plain) is found on every page, reused or not
    visible = {(urlsplit(f["page_url"]).path, f["snippet"]) for f in with_memo["findings"]
               if f["check_id"] == "kbd-focus-visible"}
    for p in memo_probes:
        assert (p, '<a class="plain" href="/index.html">FOIA requests</a>') in visible, p
    run = with_memo["run"]["memo"]
    assert run["trailing"]["hits"] == len(IDENTICAL) and run["trailing"]["fallbacks"] == 1
    assert run["trailing"]["presses_saved"] == 6 * len(IDENTICAL)
    assert run["presses_saved"] == sum(memo_probes[p]["memo"].get("presses_saved", 0) for p in memo_probes) + \
        6 * len(IDENTICAL)
    assert f", {len(IDENTICAL)} a measured footer" in stdout and "1 measured the footer after a mismatch" in stdout
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(with_memo, schema)
    jsonschema.validate(without, schema)
