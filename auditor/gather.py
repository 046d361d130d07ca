"""Gather: ONE browser visit per page -> :class:`PageArtifacts`. The only module that
imports Playwright.

Every wait is bounded: navigation by ``page_timeout``, load and network quiet by short
caps (off-site requests on closed networks hang rather than fail), axe-core by
``axe_timeout``, and the whole visit by an outer deadline.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT
from playwright.async_api import Browser, BrowserContext, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from .browser import LAUNCH_ARGS, sandbox_mode, start_playwright
from .credentials import CredentialScope
from .gatherers import (
    DESKTOP_VIEWPORT,
    GUARD_JS,
    cdp_session,
    cleanup,
    open_world,
    page_actions,
    world_json,
    world_run,
)
from .memo import BlockMemo
from .model import Link, PageArtifacts, Redirect
from .settings import Secrets, Settings

#: The axe tags run on every page: WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations", "incomplete"],
}

#: Response headers whose values are secrets or per-user; stored only as "[redacted]".
REDACT_HEADERS = frozenset({"set-cookie", "cookie", "authorization", "proxy-authorization",
                            "www-authenticate", "x-csrf-token", "x-xsrf-token"})

#: axe rules whose cost grows with the square of the links/controls on a page (axe-core
#: issue #5389; ~40 s and ~30 s on a 3,000-link A-Z index on 2 cores). On pages with at
#: least DENSE_TARGETS of them they run last, each with what is left of the axe budget.
SLOW_ON_DENSE = ("target-size", "link-in-text-block")
DENSE_TARGETS = 800
COUNT_TARGETS_JS = """() => document.querySelectorAll(
  'a[href],button,input,select,textarea,summary,[tabindex],[role=button],[role=link]').length"""

#: Chromium binds a cookie to the port it was set for (see Gatherer._set_cookies).
PORT_BOUND = ["--enable-features=EnablePortBoundCookies"]

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_HTML_CHARS = 2_000_000
MAX_TEXT_CHARS = 200_000
MAX_REQUESTS = 1000
#: Seconds at most to wait, after a visit, for the bodies still being hashed for the page's
#: proof of sameness (``PageArtifacts.validators``); a body not hashed by then leaves the page
#: without proof, so the next ``--incremental`` scan audits it again.
PROOF_HASH_TIMEOUT = 5.0

# One round trip for everything the page-level checks need from the DOM.
COLLECT_JS = """
(watch) => {
  const t_look = performance.now();  // ms since navigation start, as the other timings
  if (watch) {  // note when the DOM first changes from here on (see WATCH_END_JS)
    const w = {t0: performance.now(), first: null, mo: null};
    w.mo = new MutationObserver(() => { if (w.first === null) w.first = (performance.now() - w.t0) / 1000; });
    w.mo.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
    window.__iaWatch = w;
  }
  const regionOf = (el) => {
    // the USWDS identifier is the bottom of the page's footer region, inside <footer> or after
    // it (as the USWDS documentation shows it), with its own "Important links" <nav>
    if (el.closest('.usa-identifier')) return 'footer';
    const r = el.closest('header,nav,main,footer,aside,[role=banner],[role=navigation],[role=main],[role=contentinfo]');
    if (!r) return 'other';
    // a nav inside the footer (the USWDS identifier's "Important links") is footer
    if (r.matches('nav,aside,[role=navigation]') && r.parentElement) {
      const outer = r.parentElement.closest('header,footer,[role=banner],[role=contentinfo]');
      if (outer) return outer.matches('footer,[role=contentinfo]') ? 'footer' : 'header';
    }
    const role = r.getAttribute('role');
    if (role) return {banner: 'header', navigation: 'nav', main: 'main', contentinfo: 'footer'}[role] || 'other';
    return r.tagName.toLowerCase();
  };
  const links = [];
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    if (links.length >= 5000) break;
    let text = (a.innerText || a.textContent || '').trim().replace(/\\s+/g, ' ');
    if (!text) text = (a.getAttribute('aria-label') || '').trim();
    if (!text) { const img = a.querySelector('img[alt]'); if (img) text = img.alt.trim(); }
    // an SVG <a>'s href is an SVGAnimatedString: resolve its baseVal against the base URL
    let href = a.href;
    if (typeof href !== 'string') { try { href = new URL(href.baseVal, document.baseURI).href; } catch (e) { href = ''; } }
    links.push({href, raw: a.getAttribute('href') || '', text: text.slice(0, 200),
                rel: a.getAttribute('rel') || '', region: regionOf(a)});
  }
  const nav = performance.getEntriesByType('navigation')[0];
  // the page's HTML as Playwright's page.content() builds it (doctype + outerHTML), here in
  // the same round trip: page.content() runs in Playwright's utility world, and the first use
  // on each new document injects Playwright's own script there (~23 ms a page, most of the
  // collect stage; /tmp profile of 40 bench pages)
  let html = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
  if (document.documentElement) html += document.documentElement.outerHTML;
  return {
    title: document.title || '',
    text: (document.body ? document.body.innerText : '').slice(0, %d),
    html,
    links,
    timing: nav ? {dom_content_loaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                   ttfb: nav.responseStart, transfer_size: nav.transferSize,
                   look_start: t_look} : {},
  };
}
""" % MAX_TEXT_CHARS


def _probe_sources() -> dict[str, str]:
    """Extra in-page measurements contributed by check families: ``probes/*.js``.

    Each file holds one JS function expression (may be async); its JSON result lands in
    ``PageArtifacts.probes[name]``. All run in a single round trip.
    """
    out = {}
    base = resources.files("auditor").joinpath("probes")
    if not base.is_dir():
        return out
    for entry in sorted(base.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".js"):
            out[entry.name[:-3]] = entry.read_text("utf-8").strip().rstrip(";")
    return out


def probes_script(sources: dict[str, str]) -> str | None:
    if not sources:
        return None
    parts = [f"  try {{ out[{json.dumps(n)}] = await ({src})(); }} catch (e) "
             f"{{ out[{json.dumps(n)}] = {{error: String(e)}}; }}" for n, src in sources.items()]
    return "async () => {\n  const out = {};\n" + "\n".join(parts) + "\n  return out;\n}"


def look_script(probes: str | None) -> str:
    """One round trip for everything a look takes from the page before axe-core runs: the
    page facts and HTML (COLLECT_JS), every probe, whether our axe-core is loaded, and the
    number of links and controls (when the rules that grow with them are selected). Run it
    with ``evaluate_json``."""
    return ("async ([watch, count]) => { const info = (" + COLLECT_JS.strip() + ")(watch);"
            + (" info.probes = await (" + probes + ")();" if probes else "")
            + " info.has_axe = (" + HAS_AXE_JS + ")();"
            + " info.targets = count ? (" + COUNT_TARGETS_JS + ")() : 0;"
            + " info.popups_blocked = window.__iaPopupsBlocked || 0;"
            + " return info; }")


#: axe-core as a script every new http(s) document of a context runs before its own
#: scripts: the 0.5 MB source crosses Playwright's driver once per context instead of once
#: per page and frame (36 ms of a 60 ms injection was that transfer, docs/performance.md).
#: The top document's axe-core lives in the tab's isolated world (gatherers.WORLD), where the
#: page cannot replace it; frames keep theirs in their own world (Playwright's init script
#: reaches every frame, in any process), where the top's axe-core asks them for their results.
INIT_AXE_TOP = "if (window.top === window && (location.protocol === 'http:' || location.protocol === 'https:')) {\n" \
    + AXE_SCRIPT + "\n}"
INIT_AXE_FRAMES = "if (window.top !== window && (location.protocol === 'http:' || location.protocol === 'https:')) {\n" \
    + AXE_SCRIPT + "\n}"
AXE_VERSION = AXE_SCRIPT[:60].split("axe v")[-1].split()[0]
#: Our axe-core is loaded (a page that ships its own axe, another version, gets ours injected).
HAS_AXE_JS = ("() => typeof window.axe === 'object' && window.axe !== null && typeof window.axe.run === 'function'"
              f" && window.axe.version === {json.dumps(AXE_VERSION)}")

#: axe.run, with its result cut down in the page to what checks and reports read (passes
#: and inapplicable rules by id only, at most 200 nodes a rule, snippets capped) and handed
#: over as one JSON string. A full result as a structured value is the largest message of
#: a visit: Playwright's driver and its Python side serialise and validate it value by
#: value, which cost more Python CPU than any check (pyinstrument, docs/performance.md).
AXE_RUN_JS = r"""
async (opts) => {
  const r = await axe.run(document, opts);
  const nodes = (rule) => (rule.nodes || []).slice(0, 200).map(n => ({
    target: n.target, html: (n.html || '').slice(0, 1000), impact: n.impact ?? null,
    failureSummary: (n.failureSummary || '').slice(0, 1000)}));
  const full = (list) => (list || []).map(x => ({id: x.id, impact: x.impact ?? null, help: x.help ?? null,
    helpUrl: x.helpUrl ?? null, tags: x.tags || [], nodes: nodes(x)}));
  return JSON.stringify({
    violations: full(r.violations), incomplete: full(r.incomplete),
    passes: (r.passes || []).map(x => ({id: x.id})), inapplicable: (r.inapplicable || []).map(x => ({id: x.id})),
    engine: (r.testEngine || {}).version || ''});
}
"""


class _ProofRecorder:
    """Records, for the next ``--incremental`` scan, every answer a page received from its own
    site: status and validators (ETag, Last-Modified), and a sha256 of the body for documents
    and for answers without a validator. A response listener costs next to nothing; a body is
    read (one DevTools round trip) only where a validator is missing."""

    def __init__(self, scope: Any) -> None:
        self.scope = scope
        self.records: list[dict[str, Any]] = []
        self._hashing: list[asyncio.Task[None]] = []

    def on_response(self, resp: Any) -> None:
        url = resp.url
        if len(self.records) >= MAX_REQUESTS or not url.startswith(("http:", "https:")) \
                or not self.scope.contains(url):
            return
        headers = resp.headers  # lower-cased names
        req = resp.request
        rec: dict[str, Any] = {"url": url, "method": req.method, "status": resp.status,
                               "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
                               "type": req.resource_type}
        if resp.status == 304 and not (rec["etag"] or rec["last_modified"]):
            # the browser revalidated what it cached (a 304 need not repeat the validators):
            # the validators it sent are the ones the site just confirmed
            self._hashing.append(asyncio.ensure_future(self._asked(req, rec)))
        elif 300 <= resp.status < 400:
            rec["location"] = headers.get("location")
        elif rec["type"] == "document" or not (rec["etag"] or rec["last_modified"]):
            self._hashing.append(asyncio.ensure_future(self._hash(resp, rec)))
        self.records.append(rec)

    @staticmethod
    async def _hash(resp: Any, rec: dict[str, Any]) -> None:
        try:
            rec["sha256"] = hashlib.sha256(await resp.body()).hexdigest()
        except Exception:  # no body (e.g. evicted, a failed load): no proof for this answer
            rec["sha256"] = None

    @staticmethod
    async def _asked(req: Any, rec: dict[str, Any]) -> None:
        try:
            sent = await req.all_headers()  # with what the network stack added (If-None-Match ...)
        except Exception:  # the request is gone: this answer has no proof
            return
        rec["etag"] = sent.get("if-none-match")
        rec["last_modified"] = sent.get("if-modified-since")

    async def finish(self) -> list[dict[str, Any]] | None:
        """The records, once their bodies are hashed; None when hashing did not finish in time
        (the page then has no proof, and is audited again next time)."""
        pending = [t for t in self._hashing if not t.done()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=PROOF_HASH_TIMEOUT)
            for t in late:
                t.cancel()
            if late:
                return None
        return self.records


def _left_scope(art: PageArtifacts, target: str) -> PageArtifacts:
    out = PageArtifacts(url=art.url, depth=art.depth, final_url=target)
    out.timings = art.timings
    return out


class NonHTML(Exception):
    """The URL answered with something that is not a web page."""

    def __init__(self, content_type: str, status: int | None = None, final_url: str = "",
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(content_type)
        self.content_type = content_type
        self.status = status
        self.final_url = final_url
        self.headers = headers or {}


class Gatherer:
    """One Chromium, many contexts. Use as ``async with Gatherer(...) as g``."""

    def __init__(self, settings: Settings, browser_path: str, secrets: Secrets | None = None, *,
                 families: set[str] | None = None, axe_rules: list[str] | None = None,
                 best_practice: list[str] | tuple[str, ...] = ()) -> None:
        """``families``: the selected check families (None: all), so page actions nobody reads
        are skipped; ``axe_rules``: the axe rules to run (None: every WCAG A/AA rule)."""
        self.settings = settings
        self.browser_path = browser_path
        self.secrets = secrets or Secrets()
        self._pw: Any = None
        self.browser: Browser | None = None
        self._probes = probes_script(_probe_sources())
        self._look_js = look_script(self._probes)
        self._actions = [a for a in page_actions() if a.wanted(families)]
        self._axe_options = axe_options(axe_rules, best_practice)
        #: The selected rules that grow with the square of a page's links and controls.
        self._slow_rules = [r for r in SLOW_ON_DENSE if _runs_rule(self._axe_options or {}, r)]
        self._tabs: dict[Any, Page] = {}
        self._creds = CredentialScope(self.secrets, settings.start_urls, settings.scope)
        #: Blocks measured once per run and reused (auditor/memo.py); None with --no-memo.
        self.memo = BlockMemo() if settings.memo else None
        #: Seconds all page actions of one page may take together (each is bounded too).
        self.action_budget = max(60.0, 2 * settings.page_timeout)

    async def __aenter__(self) -> Gatherer:
        self._pw = await start_playwright(self.settings.concurrency)
        #: Chromium's sandbox, on wherever it can work (browser.sandbox_mode)
        self.sandbox = sandbox_mode(self.browser_path)
        args = [a for a in LAUNCH_ARGS if a != "--no-sandbox"] + (PORT_BOUND if self.secrets.cookies else [])
        try:
            # chromium_sandbox=False makes Playwright add --no-sandbox itself
            self.browser = await self._pw.chromium.launch(
                executable_path=self.browser_path, args=args, chromium_sandbox=self.sandbox.on,
                headless=True, timeout=60_000)
        except Exception:
            await self._pw.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.browser is not None:
                await asyncio.wait_for(self.browser.close(), 20)
        except Exception:
            pass
        try:
            await asyncio.wait_for(self._pw.stop(), 20)
        except Exception:
            pass

    async def new_context(self) -> BrowserContext:
        assert self.browser is not None
        ctx = await self.browser.new_context(
            user_agent=self.settings.user_agent,
            ignore_https_errors=self.settings.insecure,
            viewport=dict(DESKTOP_VIEWPORT),
            service_workers="block",
        )
        if self.secrets.headers and self._creds.scope.start_urls:
            # only requests to the audited site get the headers: the pattern is matched in
            # Playwright's driver, so requests to other hosts never come through Python (a
            # context-wide extra_http_headers sent them to every off-site script and image)
            await ctx.route(self._creds.scope.pattern(), self._with_credentials)
        await ctx.add_init_script(script=GUARD_JS)  # before the page's scripts: see evaluate_json
        if self._axe_options is not None:
            await ctx.add_init_script(script=INIT_AXE_FRAMES)
        ctx.set_default_timeout(self.settings.page_timeout * 1000)
        return ctx

    async def _with_credentials(self, route: Any, request: Any) -> None:
        if not self._creds.allows(request.url):  # the pattern's near miss (http of an https site)
            await route.fallback()
            return
        # Chromium does not carry headers set here over to a redirect's next hop, which is
        # routed (or not) on its own URL
        await route.fallback(headers={**request.headers, **self.secrets.headers})

    async def visit(self, context: BrowserContext, url: str, depth: int = 0) -> PageArtifacts:
        """Visit one page; never raises for page problems (they land in ``error``).

        Two bounded phases: the core (navigation, settle, collect, axe-core) within an outer
        deadline, whose expiry fails the page; then the page actions (keyboard, mobile,
        reflow ...) within a shared budget, whose expiry only marks the unfinished
        measurements, so a slow measurement never loses a page's other results.

        Each context keeps one tab and navigates it from page to page: the renderer process
        and V8's compilation cache (axe-core is 0.5 MB of script) are reused, which
        measured 28 % less time per page than a new tab per page (bench/run.py). A tab
        whose page failed, crashed, timed out or stopped answering during a measurement is
        closed and replaced.
        """
        s = self.settings
        deadline = s.page_timeout + s.idle_wait + 2 * s.axe_timeout + 15  # a look may be taken twice
        art = PageArtifacts(url=url, depth=depth)
        try:
            page = await asyncio.wait_for(self._tab(context), TAB_TIMEOUT)
        except asyncio.TimeoutError:
            art.error = f"could not open a tab within {TAB_TIMEOUT:g}s"
            return art
        healthy = False
        page._ia_left_scope = None  # type: ignore[attr-defined]
        page._ia_popups = 0  # type: ignore[attr-defined]
        proof = _ProofRecorder(self._creds.scope)
        page.on("response", proof.on_response)
        try:
            await asyncio.wait_for(self._visit(page, art), deadline)
            left = page._ia_left_scope  # type: ignore[attr-defined]
            if left is not None:
                # it tried to go to another site: recorded where it was going (the crawler
                # skips it as off-site), its measurements of the page it left are not kept
                healthy = True
                return _left_scope(art, left)
            if not art.error:
                await self._run_actions(page, art)
                art.validators = await proof.finish()
            healthy = not art.error and not page._ia_wedged  # type: ignore[attr-defined]
            if healthy:
                await self._collect_garbage(page, art)
        except NonHTML:
            healthy = True
            raise
        except asyncio.TimeoutError:
            art.error = f"timed out after {deadline:.0f}s"
        except PlaywrightError as exc:
            art.error = _short_error(exc)
        finally:
            page.remove_listener("response", proof.on_response)
            if page._ia_popups:  # type: ignore[attr-defined]
                art.timings["popups_closed"] = page._ia_popups  # type: ignore[attr-defined]
            if page._ia_on_request is not None:  # type: ignore[attr-defined]
                page.remove_listener("request", page._ia_on_request)  # type: ignore[attr-defined]
                page._ia_on_request = None  # type: ignore[attr-defined]
            # a healthy tab stays on the page: the next visit's navigation unloads it (an
            # about:blank in between cost a navigation a page, and the worker moves straight
            # on to the next page while this one's checks run)
            if not healthy or getattr(page, "_ia_crashed", False):
                self._tabs.pop(context, None)
                await cleanup(page.close(), 10)
        return art

    async def _collect_garbage(self, page: Page, art: PageArtifacts) -> None:
        """Every ``gc_every`` pages of a tab, a full garbage collection in its renderer.

        The documents a tab has left (their DOM, layout and axe-core's data on them) are
        freed only by a full collection, which V8 schedules by the size of its own heap; that
        stays small, so without this a renderer grew ~10 MB a page until its context was
        recycled (bench/run.py: 110 MB to 600 MB over 50 pages). One costs ~30 ms."""
        every = self.settings.gc_every
        page._ia_pages = getattr(page, "_ia_pages", 0) + 1  # type: ignore[attr-defined]
        if every <= 0 or page._ia_pages % every:  # type: ignore[attr-defined]
            return
        t0 = time.monotonic()
        try:
            cdp = await cdp_session(page)
            await asyncio.wait_for(cdp.send("HeapProfiler.collectGarbage"), GC_TIMEOUT)
        except Exception:  # no DevTools session (not Chromium), or a busy page: memory only
            pass
        art.timings["gc"] = round(time.monotonic() - t0, 3)

    async def close_context(self, context: BrowserContext) -> None:
        """Close a context and forget its tab (bounded; a hung browser does not hang us)."""
        self._tabs.pop(context, None)
        await cleanup(context.close(), 10)

    async def _tab(self, context: BrowserContext) -> Page:
        page = self._tabs.get(context)
        if page is not None and not page.is_closed():
            return page
        page = await context.new_page()
        page._ia_crashed = False  # type: ignore[attr-defined]
        page._ia_wedged = False  # type: ignore[attr-defined]  # stopped answering after a measurement timed out
        page._ia_on_request = None  # type: ignore[attr-defined]
        page.on("dialog", lambda d: asyncio.ensure_future(_dismiss(d)))
        # a window.open loop made hundreds of tabs (3.8 GB) that nobody audits: each closed as it opens
        page._ia_popups = 0  # type: ignore[attr-defined]
        page.on("popup", lambda p: asyncio.ensure_future(_close_popup(page, p)))
        page.on("crash", lambda _p: setattr(page, "_ia_crashed", True))
        page._ia_quiet = _NetworkQuiet(page)  # type: ignore[attr-defined]
        page._ia_left_scope = None  # type: ignore[attr-defined]
        await open_world(page, INIT_AXE_TOP if self._axe_options is not None else "")
        if self.secrets.cookies and not getattr(context, "_ia_cookies", False):
            await self._set_cookies(context, page)
            context._ia_cookies = True  # type: ignore[attr-defined]
        if self._creds.scope.start_urls:
            await self._guard_navigation(page)
        self._tabs[context] = page
        return page

    async def _set_cookies(self, context: BrowserContext, page: Page) -> None:
        """The --cookie values, bound to the start URL's origin (scheme, host and port).

        A browser sends a host's cookies to every port of it (RFC 6265), so a server on
        another port of the same host would receive them. With Chromium's port-bound
        cookies (PORT_BOUND, on only for scans given --cookie) a cookie goes to the port it
        was set for: DevTools' Network.setCookies takes that port, Playwright's add_cookies
        does not."""
        cookies = []
        for c in self.secrets.cookies:
            parts = urlsplit(c["url"])
            secure = parts.scheme.lower() == "https"
            port = parts.port or (443 if secure else 80)
            cookies.append({"name": c["name"], "value": c.get("value", ""), "url": c["url"], "sourcePort": port,
                            "sourceScheme": "Secure" if secure else "NonSecure"})
        try:
            cdp = await cdp_session(page)
            await cdp.send("Network.setCookies", {"cookies": cookies})
        except Exception:  # no DevTools session (not Chromium): the host's cookies, as before
            await context.add_cookies(self.secrets.cookies)  # type: ignore[arg-type]

    async def _guard_navigation(self, page: Page) -> None:
        """Stop the tab's own document from leaving the audited site.

        A crawled page that redirects elsewhere (HTTP, meta refresh, script) must not load
        the other site's page and assets: its navigation is aborted before it is sent (as
        ERR_ABORTED: no error page replaces the one it left), and its target is kept
        (``_ia_left_scope``) for the crawler to record as off-site. Only document requests
        pause (a DevTools Fetch pattern on resource type), in the tab's
        own session, so subresources and the HTTP cache are untouched (a Playwright route
        would pause every request and disable the cache). Frames may still show other
        sites."""
        try:
            cdp = await cdp_session(page)
            tree = await cdp.send("Page.getFrameTree")
            main = tree["frameTree"]["frame"]["id"]
        except Exception:  # no DevTools session (not Chromium): unguarded, as before
            return

        pending: set[asyncio.Future[None]] = set()

        def on_paused(ev: dict[str, Any]) -> None:
            task = asyncio.ensure_future(self._judge_navigation(cdp, page, main, ev))
            pending.add(task)
            task.add_done_callback(pending.discard)

        cdp.on("Fetch.requestPaused", on_paused)
        await cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document",
                                                      "requestStage": "Request"}]})

    async def _judge_navigation(self, cdp: Any, page: Page, main: str, ev: dict[str, Any]) -> None:
        url = ev.get("request", {}).get("url", "")
        leaves = (ev.get("frameId") == main and url.lower().startswith(("http:", "https:"))
                  and not self._creds.scope.contains(url))
        try:
            if leaves:
                if page._ia_left_scope is None:  # type: ignore[attr-defined]
                    page._ia_left_scope = url  # type: ignore[attr-defined]
                await cdp.send("Fetch.failRequest", {"requestId": ev["requestId"], "errorReason": "Aborted"})
            else:
                await cdp.send("Fetch.continueRequest", {"requestId": ev["requestId"]})
        except Exception:  # the tab closed meanwhile
            pass

    async def _run_actions(self, page: Page, art: PageArtifacts) -> None:
        budget = self.action_budget
        end = time.monotonic() + budget
        # which actions run on this page, so one can leave state the next one wants (the
        # reflow action leaves the 320 px layout for the mobile action)
        page._ia_actions = {a.name for a in self._actions}  # type: ignore[attr-defined]
        page._ia_memo = self.memo  # type: ignore[attr-defined]
        try:
            await self._run_each(page, art, end, budget)
        finally:
            # whatever an action left (or failed to restore), the next page starts at desktop size
            if page.viewport_size != DESKTOP_VIEWPORT and not page.is_closed() \
                    and not page._ia_wedged:  # type: ignore[attr-defined]
                await cleanup(page.set_viewport_size(dict(DESKTOP_VIEWPORT)), 10)

    async def _run_each(self, page: Page, art: PageArtifacts, end: float, budget: float) -> None:
        for action in self._actions:
            if getattr(page, "_ia_crashed", False) or page.is_closed():
                # a crashed renderer answers no DevTools command (they hang): say so, run nothing
                art.probes[action.name] = {"error": "not run: the page's renderer crashed during an earlier "
                                                    "measurement"}
                continue
            if page._ia_wedged:  # type: ignore[attr-defined]
                art.probes[action.name] = {"error": "not run: the page stopped answering (an earlier measurement "
                                                    "timed out)"}
                continue
            left = end - time.monotonic()
            if left < 1:
                art.probes[action.name] = {"error": f"not run: the page's measurement budget ({budget:g}s) was spent"}
                continue
            cap = min(action.timeout, left)
            t4 = time.monotonic()
            try:
                art.probes[action.name] = await asyncio.wait_for(action.fn(page, art, self.settings), cap)
            except asyncio.TimeoutError:
                if getattr(page, "_ia_crashed", False):
                    art.probes[action.name] = {"error": f"the page's renderer crashed (no answer in {cap:g}s)"}
                else:
                    art.probes[action.name] = {"error": f"timed out after {cap:g}s"}
                # a page busy in its own script answers nothing: the actions after this one
                # would each wait out their timeouts, and the tab is no use for the next page
                if not getattr(page, "_ia_crashed", False) and not await cleanup(page.evaluate("1"), ANSWER_TIMEOUT):
                    page._ia_wedged = True  # type: ignore[attr-defined]
            except Exception as exc:  # one broken measurement must not lose the page
                art.probes[action.name] = {"error": f"{type(exc).__name__}: {_short_error(exc)}"}
            art.timings[f"action:{action.name}"] = round(time.monotonic() - t4, 3)

    async def _visit(self, page: Page, art: PageArtifacts) -> None:
        s = self.settings
        requests: list[str] = []

        def on_request(req: Any) -> None:
            if len(requests) < MAX_REQUESTS:
                requests.append(req.url)

        page.on("request", on_request)
        page._ia_on_request = on_request  # type: ignore[attr-defined]
        art.requests = requests  # filled as the page loads and acts
        quiet: _NetworkQuiet = page._ia_quiet  # type: ignore[attr-defined]
        quiet.reset()
        t0 = time.monotonic()
        try:
            resp = await page.goto(art.url, wait_until="domcontentloaded", timeout=s.page_timeout * 1000)
        except PlaywrightTimeout:
            art.error = f"navigation timed out after {s.page_timeout:g}s"
            return
        except PlaywrightError as exc:
            msg = str(exc)
            if "Download is starting" in msg:
                raise NonHTML("download") from None
            art.error = _short_error(exc)
            return
        if resp is None:
            art.error = "no response"
            return
        art.timings["navigation"] = round(time.monotonic() - t0, 3)
        headers = await resp.all_headers()
        art.status_code = resp.status
        art.final_url = page.url
        art.headers = {k: ("[redacted]" if k.lower() in REDACT_HEADERS else v) for k, v in headers.items()}
        art.content_type = headers.get("content-type", "")
        art.redirects = await _redirect_chain(resp)
        if art.content_type and art.content_type.split(";")[0].strip().lower() not in HTML_TYPES:
            raise NonHTML(art.content_type, resp.status, page.url, art.headers)
        # Bounded waits: load (third-party assets may hang), then a short network quiet.
        t1 = time.monotonic()
        try:
            await page.wait_for_load_state("load", timeout=min(s.page_timeout, 10.0) * 1000)
        except PlaywrightError:
            pass
        # Most pages are quiet at ``load``. Rather than sit out the quiet window, look at
        # such a page at once (with a watch on its DOM and network) and keep what was seen
        # only if nothing changed before the window would have closed; otherwise wait for
        # quiet and look again. Pages with frames (the watch sees one document) and pages
        # still loading something wait first, as before.
        window_end = quiet.window_end() if len(page.frames) == 1 else None
        if window_end is None:
            await quiet.wait(s.idle_wait)
        art.timings["settle"] = round(time.monotonic() - t1, 3)
        if window_end is not None:
            quiet.watch()
            t_watch = time.monotonic()
            try:
                await self._look(page, art, watch=True)
                now = time.monotonic()
                if now < window_end:  # a very fast look: the rest of the window still counts
                    await asyncio.sleep(window_end - now)
                # bounded: where axe-core ran out of its budget its run is still busy in the
                # page, which answers nothing until it is done; then only the network decides
                first_change = await asyncio.wait_for(world_json(page, WATCH_END_JS), WATCH_END_TIMEOUT)
            except asyncio.TimeoutError:
                first_change = None
            except PlaywrightError:  # e.g. the page navigated away meanwhile
                first_change = 0.0
            finally:
                quiet.unwatch()
            changed = (quiet.first_start is not None and quiet.first_start <= window_end) or (
                first_change is not None and t_watch + first_change <= window_end + WATCH_SLACK)
            if not changed:
                return
            t5 = time.monotonic()
            await quiet.wait(s.idle_wait)
            art.timings["resettle"] = round(time.monotonic() - t5, 3)
        await self._look(page, art)

    async def _look(self, page: Page, art: PageArtifacts, watch: bool = False) -> None:
        """What the checks see of a settled page: its facts, HTML, probes and axe-core."""
        t2 = time.monotonic()
        # in the isolated world: what the page's scripts redefine (JSON.stringify, Array.prototype.map,
        # window.axe) is not what the look and axe-core use
        info = await world_json(page, self._look_js, [watch, bool(self._slow_rules)])
        if not isinstance(info, dict):
            raise PlaywrightError("the page's facts could not be read")
        # the document measured: a client-side redirect (meta refresh, location=...) may have
        # replaced the one the navigation answered; the crawler judges scope and duplicates by it
        art.final_url = page.url
        art.title = info.get("title", "")
        art.text = info.get("text", "")
        art.links = [Link(href=lk["href"], text=lk["text"], rel=lk["rel"], region=lk["region"])
                     for lk in info.get("links", []) if lk.get("href")]
        art.timings.update({k: v for k, v in (info.get("timing") or {}).items() if isinstance(v, (int, float))})
        if watch and "look_start" in art.timings:  # kept apart: a second look replaces look_start
            art.timings["watched_look_start"] = art.timings["look_start"]
        art.html = (info.get("html") or "")[:MAX_HTML_CHARS]
        if self._probes:
            art.probes = info.get("probes") or {}
        if info.get("popups_blocked"):
            art.timings["popups_blocked"] = info["popups_blocked"]
        art.timings["collect"] = round(time.monotonic() - t2, 3)
        t3 = time.monotonic()
        if self._axe_options is not None:
            art.axe = await self._run_axe(page, has_axe=bool(info.get("has_axe")), targets=info.get("targets") or 0)
        art.timings["axe"] = round(time.monotonic() - t3, 3)

    async def _axe(self, page: Page, opts: dict[str, Any], timeout: float) -> dict[str, Any]:
        raw = await asyncio.wait_for(world_json(page, AXE_RUN_JS, opts), timeout)
        if not isinstance(raw, str):
            raise PlaywrightError("axe-core gave no result")
        return json.loads(raw)

    async def _run_axe(self, page: Page, has_axe: bool, targets: int) -> dict[str, Any]:
        """axe-core on the page (and its frames), bounded by ``axe_timeout`` in total.

        On link-dense pages the rules in :data:`SLOW_ON_DENSE` run after the others, each
        with what is left of the budget; one that cannot finish is recorded per rule in
        ``rule_errors`` and every other rule's result is kept. ``has_axe`` and ``targets``
        (links and controls) come with the look's round trip (:func:`look_script`).
        """
        budget = self.settings.axe_timeout
        t0 = time.monotonic()
        opts = self._axe_options or {}
        try:
            # normally there already (INIT_AXE_TOP); not where the page replaced its document
            # or a frame is about:blank/srcdoc
            if not has_axe:
                await world_run(page, AXE_SCRIPT)
            # axe reaches into iframes only where it is loaded too; a frame that fails is skipped
            for frame in page.frames[1:50]:
                try:
                    if not await asyncio.wait_for(frame.evaluate(HAS_AXE_JS), 10):
                        await asyncio.wait_for(frame.evaluate(AXE_SCRIPT), 10)
                except (PlaywrightError, asyncio.TimeoutError):
                    pass
            later: list[str] = []
            if targets >= DENSE_TARGETS:
                later = self._slow_rules
                opts = _without_rules(opts, later)
            raw = await self._axe(page, opts, max(1.0, budget - (time.monotonic() - t0)))
        except asyncio.TimeoutError:
            return {"error": f"axe-core did not finish within {budget:g}s"}
        except PlaywrightError as exc:
            return {"error": _short_error(exc)}
        rule_errors: dict[str, str] = {}
        for rule in later:
            left = budget - (time.monotonic() - t0)
            why = (f"not finished within the axe-core budget ({budget:g}s, --axe-timeout) on a page with "
                   f"{targets} links and controls")
            if rule_errors or left < 1:  # a timed-out axe.run is still busy in the page
                rule_errors[rule] = why
                continue
            try:
                extra = await self._axe(page, {"runOnly": {"type": "rule", "values": [rule]},
                                               "resultTypes": AXE_OPTIONS["resultTypes"]}, left)
            except asyncio.TimeoutError:
                rule_errors[rule] = why
                continue
            except PlaywrightError as exc:
                rule_errors[rule] = _short_error(exc)
                continue
            for kind in ("violations", "incomplete", "passes", "inapplicable"):
                raw.setdefault(kind, []).extend(extra.get(kind, []))
        slim = raw  # already cut down in the page (AXE_RUN_JS)
        if rule_errors:
            slim["rule_errors"] = rule_errors
        await _verify_axe(page, slim)
        await _orientation_cssom(page, slim)
        await _label_words(page, slim)
        return slim


# axe-core rules whose violations are measured again on the element, where axe decides by a
# proxy: each function returns why the element is no barrier, or '' when it is one.
VERIFY_AXE_JS = r"""
(todo) => {
  // content behind an open modal dialog (or made inert) cannot be reached while it is open
  const inert = (el) => {
    if (el.closest('[inert]')) return 'the element is inert';
    const modal = document.querySelector(':modal');
    return modal && !modal.contains(el) ? 'the element is behind an open modal dialog' : '';
  };
  const hasText = (e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  // An !important inline spacing value blocks a user's own spacing only for the text it styles,
  // and only when it is below WCAG 1.4.12's value (then the user has to override it).
  const WCAG = {'letter-spacing': 0.12, 'word-spacing': 0.16, 'line-height': 1.5};
  const spacing = (el) => {
    let blocked = false;
    for (const [prop, min] of Object.entries(WCAG)) {
      if (el.style.getPropertyPriority(prop) !== 'important') continue;
      const styled = [];
      const walk = (e) => {
        if (styled.length > 50) return;
        if (hasText(e)) styled.push(e);
        for (const c of e.children) if (!c.style || !c.style.getPropertyValue(prop)) walk(c);
      };
      walk(el);
      for (const t of styled) {
        const cs = getComputedStyle(t);
        const size = parseFloat(cs.fontSize) || 16;
        const v = cs.getPropertyValue(prop);
        const px = v === 'normal' ? (prop === 'line-height' ? 1.2 * size : 0) : parseFloat(v);
        if (!(px >= min * size - 0.01)) blocked = true;
      }
    }
    return blocked ? '' : 'no text it styles is held below WCAG 1.4.12 spacing';
  };
  // A link whose text is underlined while the text around it is not is told apart by more
  // than color (WCAG 1.4.1). axe-core compares the link's own style with its block's, so an
  // underline drawn by an element inside the link (USWDS 3's breadcrumb: <a><span>Home</span>
  // </a>, the span underlined) is not seen, and it asks for a contrast it often cannot measure.
  // Decorations reach text through inline boxes only: an atomic or block box between the text
  // and the underlined element stops them.
  const underlinedText = (t, link) => {
    for (let e = t.parentElement; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (/underline/.test(cs.textDecorationLine)) return e;
      if (e === link || cs.display !== 'inline') return null;
    }
    return null;
  };
  const underlined = (link) => {
    for (let e = link.parentElement; e && e !== document.documentElement; e = e.parentElement) {
      if (/underline/.test(getComputedStyle(e).textDecorationLine)) return '';  // the text around it is too
    }
    const texts = [];
    const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n && texts.length < 50; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const r = document.createRange(); r.selectNodeContents(n);
      if (r.getClientRects().length) texts.push(n);
    }
    if (!texts.length) return '';
    const by = texts.map((n) => underlinedText(n, link));
    if (by.some((e) => !e)) return '';
    const names = [...new Set(by.map((e) => e === link ? 'the link' : '<' + e.tagName.toLowerCase() + '> inside it'))];
    return 'its text is underlined (by ' + names.join(', ') + ') and the text around it is not: it is not told ' +
           'apart by color alone';
  };
  const verify = {'avoid-inline-spacing': spacing, 'frame-focusable-content': inert,
                  'scrollable-region-focusable': inert, 'link-in-text-block': underlined};
  // axe-core's selector is checked against its snippet of the element: some it builds match
  // another element or none (":root" for the USWDS breadcrumb's first link, axe-core issues
  // #3109, #4302); the element is then found by its snippet, when exactly one element has it
  const squash = (h) => (h || '').replace(/\s+/g, ' ').trim().slice(0, 120);
  const find = (t, html) => {
    let el = null;
    try { el = document.querySelector(t); } catch (e) { el = null; }
    const want = squash(html);
    if (!want || (el && squash(el.outerHTML).startsWith(want))) return el;
    const tag = (/^<([a-z][a-z0-9-]*)/i.exec(want) || [])[1];
    if (!tag) return null;
    const same = [...document.getElementsByTagName(tag)].filter((e) => squash(e.outerHTML).startsWith(want));
    return same.length === 1 ? same[0] : null;
  };
  return todo.map(([rule, targets]) => targets.map(([t, html]) => {
    const el = find(t, html);
    return el && verify[rule] ? verify[rule](el) : '';
  }));
}
"""


# axe-core's label-content-name-mismatch asks whether the visible label is a substring of the
# accessible name; WCAG 2.5.3 (and ACT rule 2ee8b8) asks for it as whole words, in order: a
# speech user who says "Discover It" does not reach a control named "Discover Italy". Widgets
# named from content whose visible text is a substring of an author-given name but not whole
# words of it: the elements axe-core passed for that difference alone.
LABEL_WORDS_JS = r"""
(skip) => {
  const norm = (t) => (t || '').toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const roles = 'a[href],button,summary,[role=button],[role=link],[role=menuitem],[role=menuitemcheckbox],' +
    '[role=menuitemradio],[role=tab],[role=checkbox],[role=radio],[role=switch],[role=option],[role=treeitem]';
  // text a sighted user sees: rendered text nodes outside visually hidden (clipped, 1px) boxes
  const hiddenBox = (e, top) => {
    for (; e && e !== top.parentElement; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') return true;
      const r = e.getBoundingClientRect();
      if ((r.width <= 1 || r.height <= 1) && cs.overflow !== 'visible') return true;
      if (/rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)/.test(cs.clip) || cs.clipPath === 'inset(50%)') return true;
    }
    return false;
  };
  const visibleText = (el) => {
    const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      if (!n.textContent.trim() || hiddenBox(n.parentElement, el)) continue;
      const rg = document.createRange(); rg.selectNodeContents(n);
      if ([...rg.getClientRects()].some((r) => r.width > 1 && r.height > 1)) parts.push(n.textContent);
    }
    return parts.join('');
  };
  const out = [];
  for (const el of document.querySelectorAll(roles)) {
    if (out.length >= 50) break;
    let name = null;
    if (el.hasAttribute('aria-labelledby')) {
      const ids = el.getAttribute('aria-labelledby').split(/\s+/).filter(Boolean);
      const refs = ids.map((i) => document.getElementById(i)).filter(Boolean);
      if (refs.length) name = refs.map((r) => r.textContent).join(' ');
    }
    if (name === null && el.hasAttribute('aria-label') && el.getAttribute('aria-label').trim()) name = el.getAttribute('aria-label');
    if (name === null || el.closest('[aria-hidden=true],[inert]')) continue;
    const seen = norm(visibleText(el)), named = norm(name);
    if (!seen || !/\p{L}|\p{N}/u.test(seen) || !named.includes(seen)) continue;  // axe-core's judgement stands
    if ((' ' + named + ' ').includes(' ' + seen + ' ')) continue;
    // axe-core's selector needs its tree set up (only during a run); a short path instead
    let target = '', e = el;
    while (e && e.nodeType === 1 && e !== document.documentElement) {
      if (e.id) { target = '#' + CSS.escape(e.id) + (target ? ' > ' + target : ''); break; }
      const same = e.parentElement ? [...e.parentElement.children].filter((c) => c.tagName === e.tagName) : [];
      const part = e.tagName.toLowerCase() + (same.length > 1 ? ':nth-of-type(' + (same.indexOf(e) + 1) + ')' : '');
      target = part + (target ? ' > ' + target : '');
      e = e.parentElement;
    }
    if (!target || skip.includes(target)) continue;
    out.push({target: [target], html: el.outerHTML.slice(0, 1000), impact: 'serious',
              failureSummary: 'The visible label "' + seen + '" is in the accessible name "' + named +
                '" only as part of a word: put the visible words, whole and in order, in the name.'});
  }
  return out;
}
"""


async def _label_words(page: Page, axe: dict[str, Any]) -> None:
    rule = "label-content-name-mismatch"
    ran = any(r.get("id") == rule for kind in ("violations", "incomplete", "passes") for r in axe.get(kind, []))
    if not ran:
        return
    flagged = [n["target"][0] for kind in ("violations", "incomplete") for r in axe.get(kind, [])
               if r.get("id") == rule for n in r.get("nodes", []) if n.get("target")]
    try:
        nodes = await asyncio.wait_for(world_json(page, LABEL_WORDS_JS, flagged), 5)
    except (PlaywrightError, asyncio.TimeoutError):
        return
    if not nodes:
        return
    for n in nodes:
        n["ia_measured"] = "visible label is part of a word of the accessible name"
    entry = next((r for r in axe.get("violations", []) if r.get("id") == rule), None)
    if entry is None:
        src = next((r for r in axe.get("passes", []) + axe.get("incomplete", []) if r.get("id") == rule), {})
        entry = {"id": rule, "impact": "serious", "tags": src.get("tags") or [], "nodes": []}
        axe.setdefault("violations", []).append(entry)
    entry["nodes"].extend(nodes)


async def _verify_axe(page: Page, axe: dict[str, Any]) -> None:
    """Mark violation nodes (and undecided nodes of :data:`VERIFIED_AXE_INCOMPLETE`) that a
    measurement shows are no barrier (``ia_not_barrier``: why)."""
    todo = []
    for rule in axe.get("violations", []) + [r for r in axe.get("incomplete", [])
                                             if r.get("id") in VERIFIED_AXE_INCOMPLETE]:
        if rule.get("id") in VERIFIED_AXE_RULES:
            # a node inside a frame is [frame, element]: inertness is the frame's, spacing the element's
            whole = VERIFIED_AXE_RULES[rule["id"]]
            nodes = [n for n in rule.get("nodes", []) if n.get("target") and isinstance(n["target"][0], str)
                     and (whole or len(n["target"]) == 1)]
            if nodes:
                todo.append((rule["id"], nodes))
    if not todo:
        return
    try:
        why = await asyncio.wait_for(world_json(page, VERIFY_AXE_JS, [
            # the snippet is of the element itself: for a node in a frame ([frame, element]),
            # measured by its frame, there is none of the frame to check the selector with
            [r, [[n["target"][0], (n.get("html") or "") if len(n["target"]) == 1 else ""] for n in ns]]
            for r, ns in todo]), 5)
    except (PlaywrightError, asyncio.TimeoutError):
        return  # unverified: axe-core's verdict stands
    for (_, nodes), reasons in zip(todo, why):
        for node, reason in zip(nodes, reasons):
            if reason:
                node["ia_not_barrier"] = reason


#: css-orientation-lock is left undecided by axe-core when it has no CSSOM to read: it skips
#: every style sheet whose media list names print, so a site whose one sheet is
#: ``media="screen, print"`` (uswds-jekyll's layout, the plainlanguage.gov build) got "needs
#: review" on every page. The page's own CSSOM is read here: the sheets of the document and of
#: its open shadow roots (adopted ones too), @import-ed sheets and grouping rules included.
#: Only when every sheet could be read and none has an orientation media query can CSS not
#: lock the orientation; anything else stays for review.
ORIENTATION_CSSOM_JS = r"""
() => {
  const roots = [document];
  for (const el of document.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  let sheets = 0, unreadable = 0, orientation = 0;
  const oriented = (media) => !!media && /orientation/i.test(media.mediaText || '');
  const visit = (sheet, depth) => {
    if (!sheet || depth > 10) return;
    sheets++;
    if (oriented(sheet.media)) orientation++;
    let rules;
    try { rules = sheet.cssRules; } catch (e) { rules = null; }
    if (!rules) { unreadable++; return; }
    const walk = (list, d) => {
      for (const rule of list) {
        if (oriented(rule.media)) orientation++;  // @media, and @import's media list
        if (rule.styleSheet) visit(rule.styleSheet, depth + 1);  // @import
        if (rule.cssRules && d < 32) walk(rule.cssRules, d + 1);  // @media, @supports, @layer, nesting
      }
    };
    walk(rules, 0);
  };
  for (const root of roots) {
    for (const s of root.styleSheets || []) visit(s, 0);
    for (const s of root.adoptedStyleSheets || []) visit(s, 0);
  }
  return {sheets, unreadable, orientation};
}
"""


async def _orientation_cssom(page: Page, axe: dict[str, Any]) -> None:
    """Decide css-orientation-lock's undecided nodes from the CSSOM of the document they are in
    (:data:`ORIENTATION_CSSOM_JS`): the page's, or a frame's one level down (axe-core's
    ``[frame selector, element]``); deeper frames, and anything not measured, stay for review."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for r in axe.get("incomplete", []):
        if r.get("id") != "css-orientation-lock":
            continue
        for n in r.get("nodes", []):
            target = n.get("target") or []
            if n.get("ia_not_barrier") or not 1 <= len(target) <= 2 or not all(isinstance(t, str) for t in target):
                continue
            by_doc.setdefault(target[0] if len(target) == 2 else "", []).append(n)
    for frame_selector, nodes in list(by_doc.items())[:20]:
        try:
            if not frame_selector:
                seen = await asyncio.wait_for(world_json(page, ORIENTATION_CSSOM_JS), 5)
            else:
                handle = await asyncio.wait_for(page.query_selector(frame_selector), 5)
                frame = await asyncio.wait_for(handle.content_frame(), 5) if handle else None
                seen = await asyncio.wait_for(frame.evaluate(ORIENTATION_CSSOM_JS), 5) if frame else None
        except (PlaywrightError, asyncio.TimeoutError):
            continue  # unmeasured: it stays for review
        if not isinstance(seen, dict) or seen.get("unreadable") or seen.get("orientation"):
            continue
        where = "the page's" if not frame_selector else "the frame's"
        why = (f"none of {where} {seen.get('sheets', 0)} style sheet(s) has an orientation media query, so CSS "
               "cannot lock the orientation (axe-core had no style sheet to read)")
        for n in nodes:
            n["ia_not_barrier"] = why


#: The rules :data:`VERIFY_AXE_JS` measures again -> whether a node in a frame is judged by its frame.
VERIFIED_AXE_RULES = {"avoid-inline-spacing": False, "frame-focusable-content": True,
                      "scrollable-region-focusable": True, "link-in-text-block": False}
#: The rules whose undecided ("incomplete") nodes are measured too, not only their violations.
VERIFIED_AXE_INCOMPLETE = frozenset({"link-in-text-block"})


def _runs_rule(opts: dict[str, Any], rule: str) -> bool:
    only = opts.get("runOnly") or {}
    if only.get("type") == "rule":
        return rule in only.get("values", [])
    return (opts.get("rules") or {}).get(rule, {}).get("enabled", True) is not False


def _without_rules(opts: dict[str, Any], rules: list[str]) -> dict[str, Any]:
    only = opts.get("runOnly") or {}
    if only.get("type") == "rule":
        return {**opts, "runOnly": {"type": "rule", "values": [r for r in only["values"] if r not in rules]}}
    return {**opts, "rules": {**(opts.get("rules") or {}), **{r: {"enabled": False} for r in rules}}}


def axe_options(rules: list[str] | None, best_practice: list[str] | tuple[str, ...] = ()) -> dict[str, Any] | None:
    """axe-core options for the selected rules: None = all WCAG A/AA rules (by tag, like the
    floor and pa11y), an empty list = none of them; ``best_practice``: the best-practice tier's
    rules to run beside them (enabled by name: experimental rules run only when enabled).
    None when nothing at all is to run."""
    extra = {"rules": {r: {"enabled": True} for r in sorted(best_practice)}} if best_practice else {}
    if rules is None:
        return {**AXE_OPTIONS, **extra}
    if not rules and not best_practice:
        return None
    return {"runOnly": {"type": "rule", "values": sorted([*rules, *best_practice])},
            "resultTypes": AXE_OPTIONS["resultTypes"], **extra}


class _NetworkQuiet:
    """Waits until no request has been in flight for :data:`QUIET_WINDOW` seconds.

    Playwright's ``networkidle`` always waits 500 ms past the last request, which on a
    fast site is the largest fixed cost of a visit; a page that is quiet at ``load`` (most
    are) needs only a short look. Requests started late (analytics, lazy content) still
    reset the window, and the whole wait is bounded by ``idle_wait``.
    """

    def __init__(self, page: Page) -> None:
        self.in_flight: set[Any] = set()
        self.last_change = time.monotonic()
        self.watching = False
        self.first_start: float | None = None
        """While watching: when the first request started (monotonic seconds)."""
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def reset(self) -> None:
        """A new navigation: requests of the page before it no longer count (those the
        navigation cancels end as failed ones, which are then not in the set)."""
        self.in_flight.clear()
        self.last_change = time.monotonic()

    def window_end(self) -> float | None:
        """When the quiet window closes if nothing else starts; None while requests are in flight."""
        return None if self.in_flight else self.last_change + QUIET_WINDOW

    def watch(self) -> None:
        self.watching = True
        self.first_start = None

    def unwatch(self) -> None:
        self.watching = False

    def _started(self, req: Any) -> None:
        self.in_flight.add(req)
        self.last_change = time.monotonic()
        if self.watching and self.first_start is None:
            self.first_start = self.last_change

    def _ended(self, req: Any) -> None:
        if req in self.in_flight:
            self.in_flight.discard(req)
            self.last_change = time.monotonic()

    async def wait(self, cap: float) -> None:
        end = time.monotonic() + cap
        while (now := time.monotonic()) < end:
            quiet_for = now - self.last_change
            if not self.in_flight and quiet_for >= QUIET_WINDOW:
                return
            # nothing in flight: sleep just until the window would close (a request that
            # starts meanwhile moves last_change and the loop looks again)
            wait = QUIET_WINDOW - quiet_for if not self.in_flight else QUIET_POLL
            await asyncio.sleep(min(max(wait, 0.005), QUIET_POLL * 3, end - now))


#: Seconds without network activity that count as "settled" after ``load``.
QUIET_WINDOW = 0.15
QUIET_POLL = 0.05
#: Ends the DOM watch COLLECT_JS starts: seconds from its start to the first change, or
#: null for none (0 when the watch is gone: the page has a new document).
WATCH_END_JS = """() => {
  const w = window.__iaWatch;
  if (!w) return 0;
  if (w.first === null && w.mo.takeRecords().length) w.first = (performance.now() - w.t0) / 1000;
  w.mo.disconnect();
  delete window.__iaWatch;
  return w.first;
}"""
#: Seconds of leeway when comparing the page's clock with ours (the watch starts a round
#: trip after ``t_watch``, so a change is, if anything, dated early: counted in the window).
WATCH_SLACK = 0.02
WATCH_END_TIMEOUT = 2.0
#: Seconds a renderer's full garbage collection may take before the visit moves on.
GC_TIMEOUT = 5.0
#: Seconds a page gets to answer a trivial script after one of its measurements timed out;
#: a page that does not is busy in its own script (a loop), and its tab is replaced.
ANSWER_TIMEOUT = 2.0
#: Seconds opening a tab may take.
TAB_TIMEOUT = 30.0


async def _close_popup(opener: Any, popup: Any) -> None:
    opener._ia_popups = getattr(opener, "_ia_popups", 0) + 1
    # its own popups too, should it manage to open some before it is closed
    popup.on("popup", lambda p: asyncio.ensure_future(_close_popup(opener, p)))
    await cleanup(popup.close(), 10)


async def _dismiss(dialog: Any) -> None:
    try:
        if dialog.type == "beforeunload":
            await dialog.accept()  # leave the page (the tab moves on to the next URL)
        else:
            await dialog.dismiss()
    except Exception:
        pass


async def _redirect_chain(resp: Any) -> list[Redirect]:
    chain: list[Redirect] = []
    req = resp.request
    hops = 0
    while req.redirected_from is not None and hops < 30:
        prev = req.redirected_from
        prev_resp = await prev.response()
        chain.insert(0, Redirect(url=prev.url, status=prev_resp.status if prev_resp else 0))
        req = prev
        hops += 1
    return chain


def _short_error(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for prefix in ("Page.goto: ", "Page.evaluate: ", "Error: "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return msg[:300]
