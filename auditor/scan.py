"""The runner: crawl -> gather -> check -> store, for one site.

Pages are written to the store as each finishes (with the URLs they led to, in the same
transaction), so a killed scan resumes where it stopped. Site-level checks run at the end
over compact page summaries read back from the store.
"""

from __future__ import annotations

import asyncio
import math
import socket
import ssl
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from . import __version__, checking, clusters, environment, heap, incremental
from .browser import find_browser
from .crawl import (
    DUPLICATE,
    LIMIT,
    MAX_SITEMAP_BYTES,
    NON_HTML,
    OFF_SITE,
    Frontier,
    QueuedURL,
    Robots,
    Scope,
    canonicalize,
    read_sitemap,
)
from .credentials import CredentialScope
from .errors import FETCH_ERRORS, CouldNotAudit, UsageError
from .gatherers import SiteGatherContext, run_site_gatherers
from .model import Outcome, PageArtifacts, SiteArtifacts, Status, scrub_artifacts
from .redact import redact_artifacts, redact_data, redact_site, redaction_values
from .scoring import SEVERITY_WEIGHT
from .settings import MAX_CRAWL_DELAY, Secrets, Settings
from .store import Store, new_run_id, now_iso

MAX_SITEMAPS = 50
MAX_SITEMAP_URLS = 50_000
MAX_FETCH_BYTES = 10 * 1024 * 1024
#: robots.txt is read up to 512 KB (Google reads 500 KiB and ignores the rest).
MAX_ROBOTS_BYTES = 512 * 1024
#: All sitemaps of a run are read within this many fetch budgets.
SITEMAP_PHASE_FACTOR = 4


def validate_start_url(url: str) -> str:
    """A start URL we can audit, canonicalised, or a UsageError naming the problem."""
    raw = url.strip()
    parts = urlsplit(raw)
    if not parts.scheme:
        raise UsageError(f"not a URL: {url!r} (expected http:// or https://)")
    if parts.scheme.lower() not in ("http", "https"):
        raise UsageError(f"unsupported URL scheme {parts.scheme!r} in {url!r} (only http and https)")
    try:
        _ = parts.port  # raises on a bad port
    except ValueError:
        raise UsageError(f"malformed URL {url!r}: bad port") from None
    if not parts.hostname or " " in raw:
        raise UsageError(f"malformed URL {url!r}")
    canon = canonicalize(raw)
    if canon is None:
        raise UsageError(f"malformed URL {url!r}")
    return canon


@dataclass
class Progress:
    """Callbacks the CLI hooks into; the defaults do nothing."""

    page_done: Callable[[PageArtifacts, int, int], None] = lambda art, done, queued: None
    page_start: Callable[[str], None] = lambda url: None
    message: Callable[[str], None] = lambda msg: None


@dataclass
class ScanStats:
    audited: int = 0
    failed: int = 0
    reused: int = 0
    """Of ``audited``: pages whose audit in the base run was reused (--incremental)."""


class HostLimiter:
    """Politeness: at most N pages in flight per host, a delay between requests, and
    adaptive back-off.

    Two signals slow a host down: a 429/503 answer (:meth:`back_off`: pause as asked, then
    space requests more), and server response times that grow well past the site's own
    baseline (:meth:`observe`: one page fewer in flight per step, down to one, then extra
    spacing; given back step by step when the site recovers).
    """

    #: Responses count as "slow" when the recent average is this many times the baseline ...
    SLOW_FACTOR = 3.0
    #: ... and at least this many seconds (fast sites jitter by large factors harmlessly).
    SLOW_MIN_S = 1.0
    #: Pages whose response times make the baseline.
    BASELINE_PAGES = 5
    #: Events kept in words for the run's record (the counters count all).
    MAX_EVENTS = 100

    def __init__(self, per_host: int, delay: float) -> None:
        self.per_host = max(1, per_host)
        self.delay = delay
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._last: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._not_before: dict[str, float] = {}
        self._extra: dict[str, float] = {}
        """Adaptive extra delay per host, grown by 429/503 answers or slow responses (capped)."""
        self._held: dict[str, int] = {}
        """Permits taken out of a host's semaphore while it is slow (capacity = per_host - held)."""
        self._pending: set[asyncio.Task[None]] = set()
        self._base: dict[str, float] = {}
        self._recent: dict[str, float] = {}
        self._seen: dict[str, int] = {}
        self.events: list[str] = []
        """What the limiter did, in words (at most ``MAX_EVENTS``; ``events_total`` counts all)."""
        self.events_total = 0
        self._t0 = time.monotonic()
        self.busy_answers: dict[str, int] = {}
        """429/503 answers by status code."""
        self.pauses = 0
        self.longest_pause = 0.0
        self.slowdowns = 0
        self.min_in_flight = self.per_host
        self.max_spacing = delay
        self.crawl_delay_asked: float | None = None
        """robots.txt's Crawl-delay, as asked (honoured up to MAX_CRAWL_DELAY)."""

    def capacity(self, host: str) -> int:
        return self.per_host - self._held.get(host, 0)

    async def acquire(self, url: str) -> str:
        host = urlsplit(url).netloc
        sem = self._sem(host)
        await sem.acquire()
        pause = self._not_before.get(host, 0.0) - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        delay = self.delay + self._extra.get(host, 0.0)
        if delay > 0:
            lock = self._locks.setdefault(host, asyncio.Lock())
            async with lock:
                wait = self._last.get(host, 0.0) + delay - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._last[host] = time.monotonic()
        return host

    def _sem(self, host: str) -> asyncio.Semaphore:
        return self._sems.setdefault(host, asyncio.Semaphore(self.per_host))

    def busy(self, host: str, status: int) -> None:
        """The host answered 429/503 ("too many requests", "unavailable")."""
        key = str(status)
        self.busy_answers[key] = self.busy_answers.get(key, 0) + 1

    def back_off(self, host: str, wait: float) -> None:
        """The host said "too many requests": pause it for ``wait`` s and space later requests more."""
        self._not_before[host] = max(self._not_before.get(host, 0.0), time.monotonic() + wait)
        self._extra[host] = min(max(0.5, 2 * self._extra.get(host, 0.0)), 5.0)
        self.pauses += 1
        self.longest_pause = max(self.longest_pause, wait)
        self._event(host, f"asked to slow down: paused {wait:.1f}s, then {self.spacing(host):.1f}s between requests")

    def spacing(self, host: str) -> float:
        return self.delay + self._extra.get(host, 0.0)

    def _event(self, host: str, what: str) -> None:
        # a host's spacing only grows, and its capacity only shrinks, where an event is recorded
        self.events_total += 1
        self.max_spacing = max(self.max_spacing, self.spacing(host))
        self.min_in_flight = min(self.min_in_flight, self.capacity(host))
        if len(self.events) < self.MAX_EVENTS:
            self.events.append(f"+{time.monotonic() - self._t0:.0f}s {host} {what}")

    def summary(self) -> dict[str, Any]:
        """How the scan paced itself, for the run's record and reports: a long scan may be the
        site's doing (429/503 answers, slow responses), not the tool's."""
        return {"per_host_limit": self.per_host, "delay_s": round(self.delay, 2),
                "busy_answers": dict(sorted(self.busy_answers.items())), "pauses": self.pauses,
                "longest_pause_s": round(self.longest_pause, 1), "slowdowns": self.slowdowns,
                "min_in_flight": self.min_in_flight, "max_spacing_s": round(self.max_spacing, 2),
                "events": list(self.events), "events_total": self.events_total,
                "crawl_delay_asked_s": self.crawl_delay_asked,
                "crawl_delay_capped_s": MAX_CRAWL_DELAY if (self.crawl_delay_asked or 0) > MAX_CRAWL_DELAY else None}

    def restore(self, prior: dict[str, Any] | None) -> None:
        """Carry the record of an interrupted run's earlier part into this one (``--resume``)."""
        if not prior:
            return
        for k, n in (prior.get("busy_answers") or {}).items():
            self.busy_answers[k] = self.busy_answers.get(k, 0) + int(n)
        self.pauses += int(prior.get("pauses") or 0)
        self.slowdowns += int(prior.get("slowdowns") or 0)
        self.longest_pause = max(self.longest_pause, float(prior.get("longest_pause_s") or 0))
        self.max_spacing = max(self.max_spacing, float(prior.get("max_spacing_s") or 0))
        self.min_in_flight = min(self.min_in_flight, int(prior.get("min_in_flight") or self.per_host))
        self.events = [*(prior.get("events") or []), "(resumed)"][:self.MAX_EVENTS]
        self.events_total += int(prior.get("events_total") or 0)
        if self.crawl_delay_asked is None:
            self.crawl_delay_asked = prior.get("crawl_delay_asked_s")

    def observe(self, host: str, seconds: float | None) -> None:
        """One page's server response time (time to first byte): adapt to the host's pace."""
        if seconds is None or seconds < 0:
            return
        n = self._seen[host] = self._seen.get(host, 0) + 1
        if n <= self.BASELINE_PAGES:
            base = self._base.get(host, seconds)
            self._base[host] = base + (seconds - base) / n  # running mean
            self._recent[host] = self._base[host]
            return
        recent = self._recent[host] = 0.7 * self._recent[host] + 0.3 * seconds
        base = self._base[host]
        if recent > max(self.SLOW_MIN_S, self.SLOW_FACTOR * base):
            if self.capacity(host) > 1:
                self._hold(host)
                self.slowdowns += 1
                self._event(host, f"slowed down (responses ~{recent:.1f}s vs {base:.1f}s): "
                                  f"{self.capacity(host)} page(s) in flight")
            elif self._extra.get(host, 0.0) < 5.0:
                self._extra[host] = min(max(0.5, 2 * self._extra.get(host, 0.0)), 5.0)
                self.slowdowns += 1
                self._event(host, f"still slow: {self.spacing(host):.1f}s between requests")
            self._recent[host] = base + (recent - base) / 2  # judge the new pace afresh
        elif recent < 1.5 * base + 0.05:
            if self._extra.get(host, 0.0) > 0 and host not in self._not_before_active():
                self._extra[host] = 0.0 if self._extra[host] <= 0.5 else self._extra[host] / 2
            elif self._held.get(host, 0) > 0:
                self._held[host] -= 1
                self._sem(host).release()
                self._event(host, f"recovered: {self.capacity(host)} page(s) in flight")

    def _not_before_active(self) -> set[str]:
        now = time.monotonic()
        return {h for h, t in self._not_before.items() if t > now}

    def _hold(self, host: str) -> None:
        """Take one permit out of circulation (as soon as one is free)."""
        self._held[host] = self._held.get(host, 0) + 1
        task = asyncio.ensure_future(self._sem(host).acquire())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def release(self, host: str) -> None:
        self._sems[host].release()


@dataclass
class Fetched:
    """One bounded fetch outside the browser: status, the body (perhaps cut short) and why it
    was cut ('' when it arrived whole)."""

    status: int
    body: bytes
    cut: str = ""


def fetch_budget(settings: Settings) -> float:
    """Seconds one fetch outside the browser (robots.txt, a sitemap) may take in all, headers
    and body: a server dripping a byte a second never trips a per-read timeout."""
    return min(max(10.0, 2 * settings.page_timeout), 120.0)


async def _fetch(client: httpx.AsyncClient, url: str, limit: int = MAX_FETCH_BYTES, *,
                 budget: float = 60.0) -> Fetched:
    """GET ``url`` within ``budget`` seconds in all and ``limit`` bytes of body. A body cut at
    either bound is returned as far as it came, with the reason; no status within the budget
    raises ``httpx.TimeoutException``."""
    chunks: list[bytes] = []
    size, status, cut = 0, None, ""
    try:
        async with asyncio.timeout(budget):
            async with client.stream("GET", url) as resp:
                status = resp.status_code
                async for chunk in resp.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > limit:
                        cut = f"larger than {_size(limit)}: read up to the limit"
                        break
    except TimeoutError:
        if status is None:
            raise httpx.ReadTimeout(f"no answer within {budget:g}s") from None
        cut = f"not complete within {budget:g}s: {_size(size)} read"
    return Fetched(status, b"".join(chunks)[:limit], cut)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def _note_cut(site: SiteArtifacts, what: str, url: str, why: str) -> None:
    """Say in the run's site record what a bound cut (the reports and disc-* checks read it)."""
    site.extra.setdefault("fetch_cuts", []).append({"what": what, "url": url, "cut": why})


def _transport_error(exc: BaseException) -> str:
    """One readable reason from an httpx/OS error, looking through its causes."""
    chain, seen = [], set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        chain.append(e)
        e = e.__cause__ or e.__context__
    for e in chain:
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, socket.gaierror):
            return "DNS lookup failed"
        if isinstance(e, ssl.SSLCertVerificationError):
            return f"TLS error: certificate verify failed: {e.verify_message or e.reason}"
        if isinstance(e, ssl.SSLError):
            return f"TLS error: {e.reason or e}"
    text = " ".join(str(e) for e in chain).lower()
    if "name or service not known" in text or "temporary failure in name resolution" in text \
            or "nodename nor servname" in text or "no address associated" in text:
        return "DNS lookup failed"
    if "connection refused" in text or "errno 111" in text or "all connection attempts failed" in text:
        return "connection refused"
    if "certificate" in text:
        return "TLS certificate error"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]


async def gather_site(settings: Settings, secrets: Secrets, start_url: str) -> tuple[SiteArtifacts, list[str]]:
    """Preflight the start URL, then read robots.txt and the sitemaps.

    Returns the site artifacts and the sitemap page URLs. Raises CouldNotAudit when the
    start URL cannot be reached at all (DNS, refused, TLS, timeout).
    """
    site = SiteArtifacts(start_url=start_url)
    async with site_client(settings, secrets) as client:
        status = await _preflight(client, settings, secrets, site, start_url)
        site.extra["start_status"] = status
        root = f"{urlsplit(start_url).scheme}://{urlsplit(start_url).netloc}"
        budget = fetch_budget(settings)
        try:
            got = await _fetch(client, root + "/robots.txt", limit=MAX_ROBOTS_BYTES, budget=budget)
            site.robots_status = got.status
            if got.cut:
                _note_cut(site, "robots.txt", root + "/robots.txt", got.cut)
            if got.status == 200 and got.cut.startswith("not complete"):
                # rules cut off mid-line may allow or forbid the wrong paths: not used at all
                site.extra["robots_error"] = f"robots.txt {got.cut}; its rules were not used"
            elif got.status == 200:
                site.robots_txt = got.body.decode("utf-8", "replace")  # past 512 KB: ignored, as Google does
        except FETCH_ERRORS as exc:
            site.extra["robots_error"] = _transport_error(exc)
        robots = Robots(site.robots_txt, settings.user_agent)
        page_urls: list[str] = []
        # the sitemaps are read either way: --no-sitemap only keeps their URLs out of the crawl
        # (disc-sitemap judges them; not reading them made it say "No sitemap.xml found")
        queue = robots.sitemaps() or []
        default = root + "/sitemap.xml"
        if default not in queue:
            queue.append(default)
        seen: set[str] = set()
        t_sitemaps = time.monotonic()
        while queue and len(seen) < MAX_SITEMAPS and len(page_urls) < MAX_SITEMAP_URLS:
            if time.monotonic() - t_sitemaps > SITEMAP_PHASE_FACTOR * budget:
                _note_cut(site, "sitemaps", root, f"{len(queue)} sitemap(s) not read: reading sitemaps took "
                                                  f"more than {SITEMAP_PHASE_FACTOR * budget:g}s")
                break
            sm = urljoin(root, queue.pop(0))
            if sm in seen:
                continue
            seen.add(sm)
            try:
                got = await _fetch(client, sm, limit=MAX_SITEMAP_BYTES, budget=budget)
            except FETCH_ERRORS as exc:
                _note_cut(site, "sitemap", sm, f"not read: {_transport_error(exc)}")
                continue
            if got.status != 200:
                continue
            site.sitemaps.append(sm)
            read = read_sitemap(got.body, truncated=got.cut)
            urls, children = read.urls, read.children
            if read.cut:
                _note_cut(site, "sitemap", sm, f"{read.cut}; {len(urls) + len(children):,} entries before the "
                                               "cut were used")
            # <loc> must be an absolute URL (sitemaps.org); a relative one is resolved against
            # the sitemap's own URL, as browsers resolve links, and reported
            bad = [u for u in urls + children if not urlsplit(u).scheme]
            if bad:
                rel = site.extra.setdefault("sitemap_relative", {})
                rel[sm] = {"count": len(bad), "samples": bad[:5]}
            urls = [urljoin(sm, u) for u in urls]
            room = MAX_SITEMAP_URLS - len(page_urls)
            if len(urls) > room:
                _note_cut(site, "sitemaps", sm, f"{len(urls) - room:,} URLs past the limit of "
                                                f"{MAX_SITEMAP_URLS:,} sitemap URLs a run reads")
            page_urls.extend(urls[:room])
            queue.extend(u for c in children if (u := urljoin(sm, c)) not in seen)
        if queue and len(seen) >= MAX_SITEMAPS:
            _note_cut(site, "sitemaps", root, f"{len(queue)} sitemap(s) not read: at most {MAX_SITEMAPS} are read")
        site.sitemap_urls = page_urls
        await run_site_gatherers("before", SiteGatherContext(client, site, settings, start_url))
    return site, (page_urls if settings.use_sitemap else [])


async def _preflight(client: httpx.AsyncClient, settings: Settings, secrets: Secrets, site: SiteArtifacts,
                     start_url: str) -> int:
    """Fetch the start URL once (retrying a 429/503 politely) or raise CouldNotAudit saying why."""
    if settings.insecure and start_url.startswith("https:"):
        # --insecure accepts a bad certificate, but the audit still reports it (site.extra["tls_error"])
        async with site_client(settings, secrets, verify=True) as strict:
            try:
                await asyncio.wait_for(strict.head(start_url), settings.page_timeout)
                site.extra["tls_error"] = None  # verified: nothing to report
            except httpx.ConnectError as exc:
                if "certificate" in str(exc).lower() or "ssl" in str(exc).lower():
                    site.extra["tls_error"] = _transport_error(exc).removeprefix("TLS error: ")
            except (*FETCH_ERRORS, asyncio.TimeoutError):
                pass
    for attempt in range(MAX_RETRIES + 1):
        try:
            # bounded in all, as the browser's navigation is: a server sending its headers a
            # byte a second never trips httpx's timeout between reads
            async with asyncio.timeout(settings.page_timeout):
                async with client.stream("GET", start_url) as resp:
                    status, final, wait = resp.status_code, str(resp.url), retry_after(resp.headers, attempt)
        except TimeoutError:
            raise CouldNotAudit(f"cannot reach {start_url}: no complete answer within {settings.page_timeout:g}s "
                                "(--page-timeout)") from None
        except httpx.TooManyRedirects:
            raise CouldNotAudit(f"cannot audit {start_url}: redirect loop") from None
        except FETCH_ERRORS as exc:
            raise CouldNotAudit(f"cannot reach {start_url}: {_transport_error(exc)}") from None
        if status in RETRY_STATUSES and attempt < MAX_RETRIES:
            await asyncio.sleep(wait)
            continue
        break
    landed = canonicalize(final) or final
    if not Scope([start_url], settings.scope).contains(landed):
        raise CouldNotAudit(f"cannot audit {start_url}: it redirects to another site ({landed}); "
                            "audit that URL instead")
    if status >= 400:
        raise CouldNotAudit(f"cannot audit {start_url}: start page returned HTTP {status}")
    return status


#: Statuses that mean "slow down": retried after Retry-After (capped) or a short backoff.
RETRY_STATUSES = (429, 503)
MAX_RETRIES = 2
MAX_RETRY_AFTER = 30.0


def gather_selection(specs: list[checking.CheckSpec]) -> dict[str, Any]:
    """What the browser visit must measure for the selected checks: page actions of
    deselected families and deselected axe rules are not run at all."""
    every = checking.select()
    families = {s.family for s in specs}
    axe = [s.id.removeprefix("axe-") for s in specs if "axe" in s.artifacts and s.tier == "wcag"]
    all_axe = len(axe) == sum(1 for s in every if "axe" in s.artifacts and s.tier == "wcag")
    return {"families": None if families == {s.family for s in every} else families,
            "axe_rules": None if all_axe else axe,
            "best_practice": [s.id.removeprefix("axe-") for s in specs if "axe" in s.artifacts
                              and s.tier == "best-practice"]}


def retry_after(headers: Any, attempt: int) -> float:
    """Seconds to wait before retrying: the server's Retry-After (seconds or HTTP date) capped at
    MAX_RETRY_AFTER, else an exponential backoff (1, 2, 4 ... s)."""
    value = (headers.get("retry-after") or "").strip() if headers else ""
    backoff = float(2 ** attempt)
    if not value:
        return backoff
    try:
        secs = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            secs = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return backoff
    if secs != secs:  # "nan"
        return backoff
    return min(max(secs, 0.0), MAX_RETRY_AFTER)


def site_client(settings: Settings, secrets: Secrets, *, verify: bool | None = None) -> httpx.AsyncClient:
    """The HTTP client for site-level requests: our user agent, TLS policy, bounded.

    The credentials (--header, --auth, --cookie) are not client headers: a request hook sets
    them on each request to the audited site and takes them off a redirect hop, a sitemap or
    a link to any other host (httpx copies a request's headers to its redirect, and strips
    only Authorization across origins)."""
    hooks: dict[str, list[Any]] = {}
    creds = CredentialScope(secrets, settings.start_urls, settings.scope)
    if creds:
        async def add_credentials(request: httpx.Request) -> None:
            creds.apply(str(request.url), request.headers)

        hooks["request"] = [add_credentials]
    return httpx.AsyncClient(headers={"User-Agent": settings.user_agent},
                             timeout=httpx.Timeout(min(settings.page_timeout, 20.0)), follow_redirects=True,
                             verify=(not settings.insecure) if verify is None else verify, max_redirects=20,
                             event_hooks=hooks)


class Scanner:
    def __init__(self, settings: Settings, store: Store, secrets: Secrets | None = None,
                 progress: Progress | None = None) -> None:
        self.settings = settings
        self.store = store
        self.secrets = secrets or Secrets()
        self.progress = progress or Progress()
        self.specs = checking.select(settings.checks, settings.skip_checks)
        env = environment.resolve(settings.environment, settings.start_urls[0] if settings.start_urls else "")
        settings.environment_assumed, settings.environment_reason = env.assumed, env.reason
        self.staging = env.staging
        if settings.target_grade is not None:
            checking.PARAMS["target_grade"] = settings.target_grade
        self.stats = ScanStats()
        self.run_id = ""
        self.base_run: str | None = None
        """--incremental: the run whose unchanged pages are reused (None: a full scan)."""
        self.base_reason = ""
        self._base_pages: dict[str, tuple[int, str | None]] = {}
        self._revalidator: incremental.Revalidator | None = None
        self._changed: dict[str, str] = {}
        """--incremental: pages of the base run audited again, and why (the first few)."""

    # -- entry points ---------------------------------------------------------------------
    def new_run(self) -> str:
        self.run_id = new_run_id()
        self.store.create_run(self.run_id, __version__, list(self.settings.start_urls), self.settings.to_dict())
        return self.run_id

    async def run(self, resume: bool = False) -> str:
        s = self.settings
        heap.limit_arenas()  # before the check threads start (auditor/heap.py)
        browser = find_browser(s.browser_path)
        if not browser.found:
            self._fail(browser.reason)
            raise CouldNotAudit(browser.reason)
        start = s.start_urls[0]
        if s.incremental:
            self._choose_base(resume)
        if resume:
            site = self.store.site(self.run_id) or SiteArtifacts(start_url=start)
            sitemap_urls: list[str] = []
        else:
            try:
                site, sitemap_urls = await gather_site(s, self.secrets, start)
                if self.secrets.values():  # a staging server may answer robots.txt with an echo page
                    site = redact_site(site, redaction_values(self.secrets))
                    sitemap_urls = redact_data(sitemap_urls, redaction_values(self.secrets))
            except CouldNotAudit as exc:
                self._fail(str(exc))
                raise
            self.store.update_run(self.run_id, site=site.to_dict())
        robots = Robots(site.robots_txt, s.user_agent, obey=s.obey_robots)
        frontier = Frontier(Scope(s.start_urls, s.scope), robots, max_pages=s.max_pages, max_depth=s.max_depth,
                            trailing_slash=s.trailing_slash)
        if resume:
            queued, every, _ = self.store.frontier_state(self.run_id)
            run = self.store.get_run(self.run_id) or {}
            frontier.restore(every, [QueuedURL(u, d, src) for u, d, src in queued],
                             [u for u, _ in self.store.skipped_urls(self.run_id)],
                             self.store.skipped_counts(self.run_id), run.get("limit_hit") or [])
            self.stats.audited = len(self.store.done_urls(self.run_id))
        else:
            for u in s.start_urls:
                frontier.add(u, 0, "", seed=True)
            for u in sitemap_urls:
                frontier.add(u, 1, "sitemap.xml")
            self._persist(frontier)
        asked = robots.crawl_delay()
        if asked is not None and not (math.isfinite(asked) and asked > 0):
            asked = None  # "nan", "-1": no usable delay
        delay = max(s.delay, min(asked or 0.0, MAX_CRAWL_DELAY))
        limiter = HostLimiter(s.per_host or s.concurrency, delay)
        limiter.crawl_delay_asked = asked
        if resume:
            limiter.restore((self.store.get_run(self.run_id) or {}).get("pacing"))
        from .gather import Gatherer  # Playwright is imported only when a scan runs

        try:
            async with Gatherer(s, browser.path or "", self.secrets, **gather_selection(self.specs)) as gatherer:
                s.sandbox = gatherer.sandbox.describe()  # the run's record says how the site was rendered
                self.store.update_run(self.run_id, settings=s.to_dict())
                if resume and gatherer.memo is not None:
                    gatherer.memo.restore((self.store.get_run(self.run_id) or {}).get("memo"))
                try:
                    if self.base_run is None:
                        await self._crawl(gatherer, frontier, limiter)
                    else:
                        # the proofs are re-checked with the site-level client: the scan's user agent,
                        # TLS policy and credentials scoped to the site (auditor/credentials.py)
                        async with site_client(s, self.secrets) as client:
                            self._revalidator = incremental.Revalidator(client, limiter, s.page_timeout)
                            await self._crawl(gatherer, frontier, limiter)
                finally:  # also for an interrupted scan: what the site made us do is part of its record
                    self.store.update_run(self.run_id, pacing=limiter.summary(),
                                          memo=gatherer.memo.summary() if gatherer.memo is not None else None)
        except CouldNotAudit:
            raise
        except Exception as exc:
            if "Executable doesn't exist" in str(exc) or "Failed to launch" in str(exc):
                msg = f"could not start the browser at {browser.path}: {str(exc).splitlines()[0][:200]}"
                self._fail(msg)
                raise CouldNotAudit(msg) from None
            raise
        await self._finish_site(site, frontier)
        return self.run_id

    def _choose_base(self, resume: bool) -> None:
        """--incremental: the base run (kept in the run's record, so --resume uses the same)."""
        prior = (self.store.get_run(self.run_id) or {}).get("incremental") if resume else None
        if prior is not None:
            base, reason = prior.get("base_run"), prior.get("reason") or ""
        else:
            runs = [r for r in self.store.list_runs() if r["id"] != self.run_id]
            base, reason = incremental.base_run(runs, list(self.settings.start_urls), __version__,
                                                self.settings.to_dict())
            self.store.update_run(self.run_id, incremental=incremental.summary(base, reason, 0, 0, []))
        self.base_run, self.base_reason = base, reason
        self.progress.message(f"incremental: {reason}")
        if base is not None:
            self._base_pages = self.store.page_index(base)

    def _fail(self, reason: str) -> None:
        if self.run_id:
            self.store.update_run(self.run_id, status="failed", error=reason, finished=now_iso())

    def _persist(self, frontier: Frontier, pending: list[QueuedURL] | None = None) -> None:
        entries = [(q.url, q.depth, q.source) for q in (pending if pending is not None else frontier.queue)]
        self.store.enqueue(self.run_id, entries, frontier.new_skips)
        frontier.new_skips.clear()

    # -- the crawl ------------------------------------------------------------------------
    async def _crawl(self, gatherer: Any, frontier: Frontier, limiter: HostLimiter) -> None:
        s = self.settings
        cond = asyncio.Condition()
        active = 0
        t_start = time.monotonic()
        # every stored page's URL and where it landed (canonical, as _one compares them): a
        # resumed run skips a redirect to a page audited before the interruption, as an
        # uninterrupted run does (done_urls alone knew only the URLs asked for)
        audited_finals: set[str] = set(self.store.done_urls(self.run_id))
        for url, final in self.store.audited_finals(self.run_id):
            if final:
                landed = canonicalize(final, trailing_slash=s.trailing_slash) or final
                audited_finals.add(landed)
                frontier.seen.add(landed)
                frontier.accepted_urls.add(landed)

        async def next_entry() -> QueuedURL | None:
            nonlocal active
            async with cond:
                while True:
                    if s.max_time and time.monotonic() - t_start > s.max_time and frontier.queue:
                        frontier.limits_hit.add("max-time")
                        while frontier.queue:
                            q = frontier.queue.popleft()
                            frontier.skip(LIMIT, q.url, q.source)
                        self.store.mark_done(self.run_id, "", frontier.new_skips)
                        frontier.new_skips.clear()
                    if frontier.queue:
                        active += 1
                        return frontier.queue.popleft()
                    if active == 0:
                        cond.notify_all()
                        return None
                    await cond.wait()

        async def worker() -> None:
            # A worker's checks and store write of one page run while its tab visits the
            # next: the browser is not idle while Python checks. At most one page is behind,
            # and a worker's pages are stored in the order visited.
            nonlocal active
            ctx = await gatherer.new_context()
            served = 0
            behind: asyncio.Future[None] | None = None
            try:
                while True:
                    entry = await next_entry()
                    if entry is None:
                        return
                    try:
                        if served >= s.recycle_every:
                            await gatherer.close_context(ctx)
                            ctx = await gatherer.new_context()
                            served = 0
                        served += 1
                        finish = await self._one(gatherer, ctx, entry, frontier, limiter, audited_finals)
                        if behind is not None:
                            prev, behind = behind, None
                            try:
                                await prev
                            except BaseException:
                                if finish is not None:
                                    finish.close()
                                raise
                        if finish is not None:
                            behind = asyncio.ensure_future(finish)
                    finally:
                        async with cond:
                            active -= 1
                            cond.notify_all()
            finally:
                try:
                    if behind is not None:
                        await behind
                finally:
                    await gatherer.close_context(ctx)

        workers = max(1, s.concurrency)
        await asyncio.gather(*(worker() for _ in range(workers)))

    async def _one(self, gatherer: Any, ctx: Any, entry: QueuedURL, frontier: Frontier, limiter: HostLimiter,
                   audited_finals: set[str]) -> Coroutine[Any, Any, None] | None:
        """Visit one queued URL and queue its links; returns what is left to do for the page
        (checks and the store write, :meth:`_finish`), or None when nothing is."""
        from .gather import NonHTML

        if self._revalidator is not None:
            handled, finish = await self._reuse(entry, frontier, audited_finals)
            if handled:
                return finish
        for attempt in range(MAX_RETRIES + 1):
            host = await limiter.acquire(entry.url)
            self.progress.page_start(entry.url)
            try:
                art = await gatherer.visit(ctx, entry.url, entry.depth)
            except NonHTML as nh:
                if nh.status not in RETRY_STATUSES:
                    frontier.skip(NON_HTML, entry.url, entry.source)
                    if "pdf" in nh.content_type or nh.content_type == "download":
                        frontier.note_document(entry.url, entry.source)
                    self.store.mark_done(self.run_id, entry.url, frontier.new_skips)
                    frontier.new_skips.clear()
                    return
                # a plain-text "slow down" answer is not a document: retry it like any 429/503
                art = PageArtifacts(url=entry.url, depth=entry.depth, status_code=nh.status,
                                    final_url=nh.final_url, content_type=nh.content_type, headers=nh.headers)
            finally:
                limiter.release(host)
            ttfb = art.timings.get("ttfb") if not art.error else None
            limiter.observe(host, ttfb / 1000 if isinstance(ttfb, (int, float)) else None)
            if art.status_code in RETRY_STATUSES:
                limiter.busy(host, art.status_code)
                if attempt < MAX_RETRIES:
                    # 429/503: wait as the server asks (capped), slow this host down, try again
                    limiter.back_off(host, retry_after(art.headers, attempt))
                    continue
            break
        if attempt:
            art.timings["retries"] = attempt
        if self.secrets.values():  # a page may echo a credential back; never check or store it
            art = redact_artifacts(art, redaction_values(self.secrets))
        art = scrub_artifacts(art)  # a lone surrogate in a title: no UTF-8 store or report could hold it
        if not self._land(entry, art, frontier, audited_finals):
            return None
        if art.status_code is not None and art.status_code >= 400 and not art.error:
            art.error = f"HTTP {art.status_code}"
        pending, skips = self._follow(entry, art, frontier)
        return self._finish(art, pending, skips, frontier)

    def _land(self, entry: QueuedURL, art: PageArtifacts, frontier: Frontier, audited_finals: set[str]) -> bool:
        """Where the page landed: False (the URL closed, nothing to store) when a redirect left
        the site or landed on a page audited (or queued) on its own account."""
        if not art.error and art.final_url:
            final = canonicalize(art.final_url, trailing_slash=self.settings.trailing_slash) or art.final_url
            if final != entry.url:
                if not frontier.scope.contains(final):
                    frontier.skip(OFF_SITE, final, entry.url)
                    self.store.mark_done(self.run_id, entry.url, frontier.new_skips)
                    frontier.new_skips.clear()
                    return False
                if final in audited_finals or final in frontier.accepted_urls:
                    # the redirect lands on a page audited (or queued) on its own account
                    frontier.skip(DUPLICATE, entry.url, entry.source)
                    self.store.mark_done(self.run_id, entry.url, frontier.new_skips)
                    frontier.new_skips.clear()
                    return False
                frontier.seen.add(final)
                frontier.accepted_urls.add(final)
            audited_finals.add(final)
        return True

    def _follow(self, entry: QueuedURL, art: PageArtifacts, frontier: Frontier
                ) -> tuple[list[tuple[str, int, str]], list[Any]]:
        """Queue the page's links; returns the new frontier entries and skips to store with it."""
        before, limits = len(frontier.queue), len(frontier.limits_hit)
        if not art.error:
            for link in art.links:
                frontier.add(link.href, entry.depth + 1, entry.url)
        if len(frontier.limits_hit) != limits:
            self.store.update_run(self.run_id, limit_hit=sorted(frontier.limits_hit))
        pending = [(q.url, q.depth, q.source) for q in list(frontier.queue)[before:]]
        skips = list(frontier.new_skips)
        frontier.new_skips.clear()
        return pending, skips

    async def _reuse(self, entry: QueuedURL, frontier: Frontier, audited_finals: set[str]
                     ) -> tuple[bool, Coroutine[Any, Any, None] | None]:
        """--incremental: reuse the base run's audit of ``entry`` if its proof still holds.
        Returns (handled, what is left to do); not handled: audit the page as usual."""
        assert self._revalidator is not None and self.base_run is not None
        known = self._base_pages.get(entry.url)
        # the same depth too: a page's record and a full scan's would differ in it otherwise
        if known is None or known[1] is not None or known[0] != entry.depth:
            return False, None
        art = await self._base_artifacts(entry.url)
        why = "no artifacts stored" if art is None else incremental.proof_gaps(art, frontier.scope)
        if why is None and art is not None:
            why = await self._revalidator.page_changed(art)
        if why is not None or art is None:
            if len(self._changed) < incremental.MAX_LISTED_CHANGED:
                self._changed[entry.url] = why or "no artifacts stored"
            return False, None
        # as if rendered: the stored page's landing place and links drive the crawl on
        if not self._land(entry, art, frontier, audited_finals):
            return True, None
        pending, skips = self._follow(entry, art, frontier)
        return True, self._finish_reused(art, entry.depth, pending, skips, frontier)

    async def _base_artifacts(self, url: str) -> PageArtifacts | None:
        assert self.base_run is not None
        blob = self.store.page_blob(self.base_run, url)
        # decoding a big page's artifacts (megabytes of HTML and axe results) is CPU work: off the loop
        return None if blob is None else await asyncio.to_thread(PageArtifacts.from_blob, blob)

    async def _finish_reused(self, art: PageArtifacts, depth: int, pending: list[tuple[str, int, str]],
                             skips: list[Any], frontier: Frontier) -> None:
        assert self.base_run is not None
        self.store.copy_page(self.base_run, self.run_id, art.url, depth=depth, new_entries=pending, new_skips=skips)
        self.stats.audited += 1
        self.stats.reused += 1
        done = self.stats.audited + self.stats.failed
        self.progress.page_done(art, done, len(frontier.queue))

    async def _finish(self, art: PageArtifacts, pending: list[tuple[str, int, str]], skips: list[Any],
                      frontier: Frontier) -> None:
        # checks and the page summary (simhash, text stats) are CPU work: off the event loop
        outcomes, findings, summary = ([], [], {}) if art.error else await asyncio.to_thread(self._check_page, art)
        self.store.save_page(self.run_id, art, summary, outcomes, findings, new_entries=pending, new_skips=skips)
        if art.error:
            self.stats.failed += 1
        else:
            self.stats.audited += 1
        done = self.stats.audited + self.stats.failed
        self.progress.page_done(art, done, len(frontier.queue))
        if not done % heap.TRIM_EVERY:
            heap.trim()

    def _check_page(self, art: PageArtifacts) -> tuple[list[tuple[str, str, float | None, float, list[str], str]],
                                                         list[Any], dict[str, Any]]:
        outcomes, findings = [], []
        for spec, out in checking.run_page_checks(self.specs, art, self.staging):
            outcomes.append(_outcome_row(spec, out, self.settings.count_best_practice))
            findings.extend(out.findings)
        # 'fix once' clusters: the page's HTML is parsed already (checks/_html.parse is cached)
        clusters.assign(findings, art.html, art.final_url or art.url)
        return outcomes, findings, checking.summarize(art)

    async def _finish_site(self, site: SiteArtifacts, frontier: Frontier) -> None:
        documents = {u: sorted(set(srcs)) for u, srcs in frontier.documents.items()}
        site.extra["documents"] = documents
        pages = self.store.pages(self.run_id)
        from checks.branding import site_uswds  # the site's USWDS version, for the reports

        site.extra["uswds"] = site_uswds(pages)
        async with site_client(self.settings, self.secrets) as client:
            await run_site_gatherers("after", SiteGatherContext(client, site, self.settings, self.settings.start_urls[0],
                                                                pages=pages, documents=documents))
        if self.secrets.values():
            site = redact_site(site, redaction_values(self.secrets))
        ctx = checking.SiteContext(pages=pages, settings=self.settings.to_dict())
        outcomes, findings = [], []
        for spec, out in checking.run_site_checks(self.specs, site, ctx, self.staging):
            outcomes.append(_outcome_row(spec, out, self.settings.count_best_practice))
            findings.extend(out.findings)
        self.store.save_site_results(self.run_id, outcomes, findings)
        if self.settings.incremental:
            self.store.update_run(self.run_id, incremental=self._incremental_record(pages))
        self.store.update_run(self.run_id, site=site.to_dict(), status="complete", finished=now_iso(),
                              limit_hit=sorted(frontier.limits_hit))

    def _incremental_record(self, pages: list[dict[str, Any]]) -> dict[str, Any]:
        """The run's --incremental record: pages reused and audited, and the base run's pages
        not reached now (gone: removed, unlinked, or past this run's limits)."""
        reused = sum(1 for p in pages if p.get("reused_from"))
        if self.base_run is None:
            return incremental.summary(None, self.base_reason, 0, len(pages), [])
        here = {p["url"] for p in pages}
        gone = sorted(u for u, (_, err) in self._base_pages.items() if err is None and u not in here)
        return incremental.summary(self.base_run, self.base_reason, reused, len(pages) - reused, gone,
                                   changed=self._changed)


def _outcome_row(spec: checking.CheckSpec, out: Outcome, count_best_practice: bool = False
                 ) -> tuple[str, str, float | None, float, list[str], str]:
    weight = spec.weight
    if spec.tier == "best-practice" and count_best_practice:
        weight = SEVERITY_WEIGHT[spec.severity]
    weight = weight if out.status in (Status.PASS, Status.FAIL, Status.WARN) else 0.0
    return (spec.id, out.status.value, out.score, weight, list(spec.requirements), out.detail)
