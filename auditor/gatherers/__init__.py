"""Extension points of the gather layer, so check families add measurements without
touching the crawler:

* **page actions** (``@page_action``): ``async fn(page, art, settings) -> data`` run in the
  same browser visit after axe-core, in ``order``; each is bounded by its ``timeout`` and
  its result (or ``{"error": ...}``) lands in ``PageArtifacts.probes[name]``. Actions may
  change the page (viewport, focus, styles): later actions see those changes, so order
  them with care and restore what you change.
* **site gatherers** (``@site_gatherer``): ``async fn(ctx: SiteGatherContext) -> data`` run
  once per run, ``phase="before"`` the crawl (after robots.txt and sitemaps) or
  ``phase="after"`` it (with the pages and linked documents known). Their result lands in
  ``SiteArtifacts.extra[name]``. They use ``ctx.client`` (httpx, bounded timeouts) and
  must never contact hosts other than the audited site's.

Pure in-page measurements that need no Python logic can instead be a JS function in
``auditor/probes/NAME.js`` (all of those run in one round trip).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ..model import PageArtifacts, SiteArtifacts, scrub_surrogates
from ..settings import Settings


@dataclass(frozen=True)
class PageAction:
    name: str
    fn: Callable[[Any, PageArtifacts, Settings], Awaitable[Any]]
    order: int = 100
    timeout: float = 20.0
    families: tuple[str, ...] = ()
    """Check families that read this action's result; when none of them is selected
    (``--checks``/``--skip-checks``) the action is not run. Empty: always run."""

    def wanted(self, families: set[str] | None) -> bool:
        return families is None or not self.families or bool(set(self.families) & families)


@dataclass
class SiteGatherContext:
    client: Any
    """httpx.AsyncClient with the scan's user agent, headers and TLS settings."""
    site: SiteArtifacts
    settings: Settings
    start_url: str
    pages: list[dict[str, Any]] = field(default_factory=list)
    """After the crawl: the stored page rows (url, final_url, status_code, summary ...)."""
    documents: dict[str, list[str]] = field(default_factory=dict)
    """After the crawl: linked document URL -> pages that link it."""


@dataclass(frozen=True)
class SiteGatherer:
    name: str
    fn: Callable[[SiteGatherContext], Awaitable[Any]]
    phase: str = "before"
    timeout: float = 60.0


_ACTIONS: dict[str, PageAction] = {}
_SITE: dict[str, SiteGatherer] = {}
_LOADED = False


#: The name of the pristine-built-ins guard :data:`GUARD_JS` defines in every document.
GUARD_KEY = "__ideaAuditPristine"
#: Built-ins the in-page measurements rely on, captured before any page script runs (an init
#: script in every document of a context). A page that replaces one of them (JSON.stringify
#: returning a forged result, Array.prototype.map returning nothing), or gives the prototypes
#: a toJSON, could make a measurement in its world say what it likes: :func:`evaluate_json`
#: then refuses the result (:class:`PageTampered`) instead of passing it on.
GUARD_JS = r"""
(() => {
  const KEY = '%s';
  if (Object.prototype.hasOwnProperty.call(window, KEY)) return;
  const gopd = Object.getOwnPropertyDescriptor, stringify = JSON.stringify, AP = Array.prototype,
        SP = String.prototype, OP = Object.prototype, EP = Element.prototype, DP = Document.prototype;
  const watched = [
    [JSON, 'stringify'], [JSON, 'parse'], [Object, 'keys'], [Object, 'values'], [Object, 'entries'],
    [Object, 'assign'], [Object, 'fromEntries'], [Object, 'getOwnPropertyDescriptor'], [Array, 'from'],
    [Array, 'isArray'], [AP, 'map'], [AP, 'filter'], [AP, 'forEach'], [AP, 'slice'], [AP, 'push'], [AP, 'some'],
    [AP, 'every'], [AP, 'includes'], [AP, 'indexOf'], [AP, 'join'], [AP, 'reduce'], [AP, 'find'], [AP, 'concat'],
    [AP, 'sort'], [AP, 'splice'], [AP, Symbol.iterator], [SP, 'slice'], [SP, 'trim'], [SP, 'replace'],
    [SP, 'split'], [SP, 'toLowerCase'], [SP, 'includes'], [SP, 'startsWith'], [SP, 'match'],
    [Function.prototype, 'call'], [Function.prototype, 'apply'], [Function.prototype, 'bind'],
    [Math, 'round'], [Math, 'min'], [Math, 'max'], [Math, 'abs'], [Number, 'isFinite'], [window, 'Set'],
    [window, 'Map'], [window, 'Promise'], [window, 'getComputedStyle'], [EP, 'getBoundingClientRect'],
    [EP, 'querySelectorAll'], [EP, 'querySelector'], [EP, 'getAttribute'], [EP, 'closest'], [EP, 'matches'],
    [DP, 'querySelectorAll'], [DP, 'querySelector'], [HTMLElement.prototype, 'innerText'],
  ];
  const orig = [];
  for (let i = 0; i < watched.length; i++) orig[i] = gopd(watched[i][0], watched[i][1]);
  const noToJSON = [OP, AP, SP, Number.prototype, Boolean.prototype];
  const pristine = () => {
    for (let i = 0; i < watched.length; i++) {
      const d = gopd(watched[i][0], watched[i][1]), o = orig[i];
      if (!o) { if (d) return false; continue; }  // not an own property at the start: must stay so
      if (!d || d.value !== o.value || d.get !== o.get) return false;
    }
    for (let i = 0; i < noToJSON.length; i++) if (gopd(noToJSON[i], 'toJSON')) return false;
    return true;
  };
  // window.open loops: each popup is a new window (a renderer, ~80 ms of the opener's time; a page
  // opened 243). Blocked, as a browser's popup blocker does for windows opened without a click;
  // each attempt is told to the isolated world (POPUP_EVENT), popups opened otherwise are closed
  const dispatch = EventTarget.prototype.dispatchEvent, apply = Reflect.apply, CE = CustomEvent;
  const open = function open() { apply(dispatch, document, [new CE('%s')]); return null; };
  Object.defineProperty(window, 'open', {value: open, writable: true, configurable: true, enumerable: true});
  const api = Object.freeze({stringify: (v) => pristine() ? stringify(v) : '!tampered'});
  Object.defineProperty(window, KEY, {value: api, writable: false, configurable: false, enumerable: false});
})();
""" % (GUARD_KEY, "__ideaAuditPopup")
#: Counts, in the isolated world, the window.open calls GUARD_JS blocked (the look reads it).
WORLD_INIT_JS = ("document.addEventListener('__ideaAuditPopup', () => { "
                 "window.__iaPopupsBlocked = (window.__iaPopupsBlocked || 0) + 1; }, true);")


class PageTampered(Exception):
    """The page replaced JavaScript built-ins an in-page measurement relies on: its result is
    not trusted (:data:`GUARD_JS`)."""

    def __init__(self) -> None:
        super().__init__("not trusted: the page replaced JavaScript built-ins (JSON.stringify, Array methods ...) "
                         "this measurement relies on")


async def evaluate_json(target: Any, fn: str, arg: Any = None) -> Any:
    """Evaluate the JS function ``fn`` (sync or async) and get its result as one JSON string.

    For results with many values (link lists, probe data, focus stops): Playwright moves a
    structured result value by value through its driver and validates each on arrival in
    Python; one string is moved and checked once and parsed by ``json`` in C. Values JSON
    cannot hold (undefined, NaN, functions) arrive as None or are dropped, so ``fn``
    should return plain data.

    The result is serialised by the built-ins captured before the page's scripts ran, and
    refused (:class:`PageTampered`) when the page has replaced any of them since; anything
    but JSON text is refused as well (a ValueError), never handed on as a measurement.
    """
    raw = await target.evaluate(
        f"async (arg) => {{ const v = await ({fn.strip()})(arg); const g = window[{json.dumps(GUARD_KEY)}]; "
        "return g ? g.stringify(v) : JSON.stringify(v); }", arg)
    if raw is None:
        return None
    if raw == "!tampered":
        raise PageTampered()
    if not isinstance(raw, str):
        raise ValueError(f"the page's JSON.stringify returned {type(raw).__name__}, not JSON text")
    return scrub_surrogates(json.loads(raw)) if "\\ud" in raw or "\\uD" in raw else json.loads(raw)


#: The isolated world the look (page facts, probes) and axe-core run in: the page's scripts
#: share its DOM but not its JavaScript there, so they cannot replace axe-core, JSON.stringify
#: or Array.prototype.map for it (a page defining its own ``window.axe`` got a clean result).
WORLD = "idea-audit"


async def open_world(page: Any, init_script: str = "") -> bool:
    """Prepare the tab for :func:`world_json`: ``init_script`` runs in the world of every new
    document before the page's own scripts. False where there is no DevTools session (not
    Chromium): then :func:`world_json` falls back to the page's world."""
    page._ia_world_frame = None
    try:
        cdp = await cdp_session(page)
        await cdp.send("Page.enable")  # the world's init scripts run only with the Page domain on
        await cdp.send("Page.addScriptToEvaluateOnNewDocument", {"source": WORLD_INIT_JS + "\n" + init_script,
                                                                 "worldName": WORLD})
        tree = await cdp.send("Page.getFrameTree")
    except Exception:
        return False
    page._ia_world_frame = tree["frameTree"]["frame"]["id"]  # the main frame's id is the tab's: stable
    return True


async def _world_eval(page: Any, expression: str) -> Any:
    from playwright.async_api import Error as PlaywrightError

    cdp = await cdp_session(page)
    world = await cdp.send("Page.createIsolatedWorld", {"frameId": page._ia_world_frame, "worldName": WORLD})
    r = await cdp.send("Runtime.evaluate", {"expression": expression, "contextId": world["executionContextId"],
                                            "awaitPromise": True, "returnByValue": True})
    if "exceptionDetails" in r:
        d = r["exceptionDetails"]
        msg = ((d.get("exception") or {}).get("description") or d.get("text") or "script error").strip()
        raise PlaywrightError(msg.splitlines()[0][:300] if msg else "script error")
    return (r.get("result") or {}).get("value")


async def world_json(page: Any, fn: str, arg: Any = None) -> Any:
    """:func:`evaluate_json` in the tab's isolated world (:data:`WORLD`) of its main frame,
    where the page's scripts cannot reach; in the page's world where there is none."""
    if getattr(page, "_ia_world_frame", None) is None:
        return await evaluate_json(page, fn, arg)
    raw = await _world_eval(page, f"(async () => JSON.stringify(await ({fn.strip()})({json.dumps(arg)})))()")
    if raw is None:
        return None
    return scrub_surrogates(json.loads(raw)) if "\\ud" in raw or "\\uD" in raw else json.loads(raw)


async def world_run(page: Any, script: str) -> None:
    """Run a script (axe-core's source) in the tab's isolated world, else in the page's."""
    if getattr(page, "_ia_world_frame", None) is None:
        await page.evaluate(script)
    else:
        await _world_eval(page, script + "\n;undefined")


#: Waits for the page's next rendering update. After a viewport change the new width and
#: layout apply at once, and by the first animation frame the page's resize and
#: media-query listeners have run (HTML's "update the rendering" runs them before
#: animation-frame callbacks; tests/test_gather_viewport.py checks it in Chromium). A page
#: that renders no frames (a renderer without a compositor clock, a hidden tab) gets
#: ``NEXT_FRAME_CAP_MS`` instead of an endless wait.
NEXT_FRAME_CAP_MS = 500
FRAME_PROMISE_JS = ("new Promise(r => { requestAnimationFrame(() => r()); setTimeout(r, "
                    + str(NEXT_FRAME_CAP_MS) + "); })")
NEXT_FRAME_JS = "() => " + FRAME_PROMISE_JS


def after_frame(fn: str) -> str:
    """``fn`` (a JS function of one argument) run after the next frame, as one call: a
    viewport change's wait and its measurement in one round trip."""
    return "async (arg) => { await " + FRAME_PROMISE_JS + "; return (" + fn.strip() + ")(arg); }"

#: Seconds one clean-up step of a page action may take (putting the viewport back, removing
#: what a measurement added to the page).
CLEANUP_TIMEOUT = 5.0


async def next_frame(page: Any) -> None:
    await page.evaluate(NEXT_FRAME_JS)


#: The layout every page is loaded and audited at. The mobile and reflow actions narrow it
#: for their measurements and leave it narrow; the gatherer puts it back after the page's
#: actions, and an action that reads the desktop layout asks for it (:func:`desktop_layout`).
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}


async def desktop_layout(page: Any) -> None:
    """The page at the desktop size, its resize handlers run (a no-op when it is already)."""
    if page.viewport_size != DESKTOP_VIEWPORT:
        await page.set_viewport_size(dict(DESKTOP_VIEWPORT))
        await next_frame(page)


async def cleanup(step: Awaitable[Any], timeout: float = CLEANUP_TIMEOUT) -> bool:
    """Await a clean-up step within ``timeout``; True when it finished, False when it failed
    or ran out of time. Never raises, except cancellation.

    Clean-up runs in ``finally`` blocks, also while an action is being cancelled for its
    timeout; an unbounded wait there hangs the whole scan (``asyncio.wait_for`` waits for the
    cancelled action to finish), as happened when a page stopped answering. A tab whose
    page stopped answering is replaced by the gatherer after its visit."""
    try:
        await asyncio.wait_for(step, timeout)
        return True
    except Exception:
        return False


async def cdp_session(page: Any) -> Any:
    """The tab's own DevTools session, opened once and kept with the tab (which is reused
    from page to page). Raises where there is none (not Chromium)."""
    cdp = getattr(page, "_ia_cdp", None)
    if cdp is None:
        cdp = await page.context.new_cdp_session(page)
        page._ia_cdp = cdp
    return cdp


def is_start_page(art: Any, settings: Any) -> bool:
    """Whether the page visited is one of the scan's start URLs (as asked, or where it landed):
    actions that speak for the whole site (the search test, the USWDS assets) run there only."""
    starts = [u.rstrip("/") for u in (getattr(settings, "start_urls", None) or [])]
    return art.url.rstrip("/") in starts or (art.final_url or "").rstrip("/") in starts


def page_action(name: str, order: int = 100, timeout: float = 20.0, families: tuple[str, ...] = ()):
    def wrap(fn: Callable[[Any, PageArtifacts, Settings], Awaitable[Any]]) -> PageAction:
        if name in _ACTIONS:
            raise ValueError(f"duplicate page action {name!r}")
        _ACTIONS[name] = PageAction(name, fn, order, timeout, tuple(families))
        return _ACTIONS[name]

    return wrap


def site_gatherer(name: str, phase: str = "before", timeout: float = 60.0):
    if phase not in ("before", "after"):
        raise ValueError("phase must be 'before' or 'after'")

    def wrap(fn: Callable[[SiteGatherContext], Awaitable[Any]]) -> SiteGatherer:
        if name in _SITE:
            raise ValueError(f"duplicate site gatherer {name!r}")
        _SITE[name] = SiteGatherer(name, fn, phase, timeout)
        return _SITE[name]

    return wrap


def _load() -> None:
    global _LOADED
    if not _LOADED:
        for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if not mod.name.startswith("_"):
                importlib.import_module(f"{__name__}.{mod.name}")
        _LOADED = True


def page_actions() -> list[PageAction]:
    _load()
    return sorted(_ACTIONS.values(), key=lambda a: (a.order, a.name))


def site_gatherers(phase: str) -> list[SiteGatherer]:
    _load()
    return [g for g in sorted(_SITE.values(), key=lambda g: g.name) if g.phase == phase]


async def run_site_gatherers(phase: str, ctx: SiteGatherContext) -> None:
    """Run each site gatherer of a phase, bounded; failures are recorded, never raised."""
    for g in site_gatherers(phase):
        try:
            ctx.site.extra[g.name] = await asyncio.wait_for(g.fn(ctx), g.timeout)
        except asyncio.TimeoutError:
            ctx.site.extra[g.name] = {"error": f"timed out after {g.timeout:g}s"}
        except Exception as exc:  # a broken gatherer must not stop the run
            ctx.site.extra[g.name] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
