"""Incremental re-scans (``--incremental``): reuse the audit of pages that provably did not change.

The rule (docs/incremental.md): a page audited without error in the *base run* (the latest
complete run of the same start URLs, by the same tool version, with every setting that can
change a result equal) is reused when every answer it received from its own site in that run
(main document, frames, styles, scripts, images, fetches: ``PageArtifacts.validators``) is
proved unchanged now, by a conditional request (304) or by a 200 whose body hash (or, where no
hash was taken, ETag / Last-Modified) equals the recorded one. Anything else (a changed
status, a redirect elsewhere, no validator and no hash, a non-GET request, an answer that
was never recorded, a timeout) means the page is audited again: the proof fails closed.

The decisions are pure functions (:func:`base_run`, :func:`judge`, :func:`proof_gaps`); only
:class:`Revalidator` touches the network, through the scan's own HTTP client (credentials
scoped to the site) and its :class:`~auditor.scan.HostLimiter` (politeness).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping
from typing import Any

import httpx

from .crawl import Scope
from .model import PageArtifacts

#: Settings that change which pages a crawl reaches, how fast, or how the run is recorded,
#: but never what a page's checks conclude. Every other setting (checks, environment,
#: count_best_practice, target_grade, scope, user agent, timeouts, headers sent ...) must be
#: equal for a run to be a base: a setting added later counts as result-relevant until
#: listed here (fail closed).
NEUTRAL_SETTINGS = frozenset({
    "max_pages", "max_depth", "max_time", "concurrency", "per_host", "delay", "recycle_every", "gc_every",
    "incremental", "sandbox", "environment_reason", "use_sitemap", "obey_robots",
})
#: Bytes of a body read at most to hash it; a larger body is "changed" (audited again).
MAX_PROOF_BYTES = 10 * 1024 * 1024
#: Pages audited again listed with their reason in the run's record (the count is exact).
MAX_LISTED_CHANGED = 100
#: The most requests a page's proof may hold (gather.MAX_REQUESTS: past it, some went unrecorded).
MAX_PROOF_RECORDS = 1000


def result_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that can change a page's results."""
    return {k: v for k, v in settings.items() if k not in NEUTRAL_SETTINGS}


def base_run(runs: list[dict[str, Any]], seeds: list[str], tool_version: str,
             settings: Mapping[str, Any]) -> tuple[str | None, str]:
    """The run to reuse from, and why (or why none): the latest complete run of ``seeds`` by
    ``tool_version`` whose result-relevant settings equal ``settings``. ``runs`` as
    :meth:`Store.list_runs` gives them (newest first)."""
    same_site = [r for r in runs if r.get("seeds") == list(seeds) and r.get("status") == "complete"]
    if not same_site:
        return None, "no earlier complete run of this site: full scan"
    same_tool = [r for r in same_site if r.get("tool_version") == tool_version]
    if not same_tool:
        return None, (f"no earlier complete run by idea-auditor {tool_version} (the latest was by "
                      f"{same_site[0].get('tool_version')}): full scan")
    want = result_settings(settings)
    for r in same_tool:
        if result_settings(r.get("settings") or {}) == want:
            return r["id"], f"pages unchanged since run {r['id']} reused"
    have = result_settings(same_tool[0].get("settings") or {})
    differ = sorted(k for k in set(want) | set(have) if want.get(k) != have.get(k))
    return None, (f"no earlier complete run with the same settings (run {same_tool[0]['id']} differs in "
                  f"{', '.join(differ)}): full scan")


def proof_gaps(art: PageArtifacts, scope: Scope) -> str | None:
    """Why a stored page's proof cannot show it unchanged whatever the site answers now, or
    None when it can be checked: every request of the page to its own site must have a
    recorded answer (a failed request, or one past the record limit, has none)."""
    if art.error:
        return "audited with an error"
    if art.validators is None:
        return "no proof recorded (audited by an earlier version, or its bodies were not hashed in time)"
    if len(art.validators) >= MAX_PROOF_RECORDS or len(art.requests) >= MAX_PROOF_RECORDS:
        return "too many requests to record them all"
    answered = {r.get("url") for r in art.validators}
    for url in art.requests:
        if url.startswith(("http:", "https:")) and scope.contains(url) and url not in answered:
            return f"a request of the page had no recorded answer ({url})"
    if not any(r.get("type") == "document" for r in art.validators):
        return "its document's answer was not recorded"
    return None


def judge(rec: Mapping[str, Any], status: int, headers: Mapping[str, str], sha256: str | None) -> str | None:
    """Whether an answer now proves a recorded answer unchanged: None when it does, else why
    not. ``headers`` lower-cased; ``sha256`` the hash of the body now (None: not read).

    - 304 (we only ask conditionally with a recorded validator): unchanged, unless it names
      another ETag;
    - the recorded status again (a cached 304 recorded by the browser counts as 200): a
      redirect must point to the same place; a body hash, where both exist, decides; else an
      equal ETag, else an equal Last-Modified;
    - anything else (another status, no validator and no hash): changed.
    """
    if (rec.get("method") or "GET") != "GET":
        return f"{rec.get('method')} request: cannot be re-checked"
    recorded = rec.get("status")
    if not isinstance(recorded, int):
        return "no answer recorded"
    etag, modified = rec.get("etag"), rec.get("last_modified")
    if status == 304:
        if not (etag or modified):
            return "answered 304 to an unconditional request"
        if etag and headers.get("etag") and headers["etag"] != etag:
            return "ETag changed"
        return None
    want = 200 if recorded == 304 else recorded
    if status != want:
        return f"status {recorded} is now {status}"
    if 300 <= status < 400:
        return None if (headers.get("location") or None) == (rec.get("location") or None) else "redirects elsewhere now"
    if rec.get("sha256") and sha256 is not None:
        return None if sha256 == rec["sha256"] else "content changed"
    if etag and headers.get("etag"):
        return None if headers["etag"] == etag else "ETag changed"
    if modified and headers.get("last-modified"):
        return None if headers["last-modified"] == modified else "Last-Modified changed"
    return "no validator and no content hash to compare"


class Revalidator:
    """Re-checks recorded answers against the site, each distinct one once per run (a style
    sheet shared by 500 pages costs one request), bounded and paced by the scan's limiter."""

    def __init__(self, client: httpx.AsyncClient, limiter: Any, timeout: float) -> None:
        self.client = client
        self.limiter = limiter
        self.timeout = timeout
        self._known: dict[tuple[Any, ...], asyncio.Future[str | None]] = {}
        self.requests = 0
        """Conditional requests made."""

    async def page_changed(self, art: PageArtifacts) -> str | None:
        """None when every recorded answer of the page still holds, else the first reason not."""
        checks = [self._check(rec) for rec in art.validators or []]
        for why in await asyncio.gather(*checks):
            if why is not None:
                return why
        return None

    def _check(self, rec: Mapping[str, Any]) -> asyncio.Future[str | None]:
        key = (rec.get("url"), rec.get("method"), rec.get("status"), rec.get("etag"), rec.get("last_modified"),
               rec.get("sha256"), rec.get("location"))
        fut = self._known.get(key)
        if fut is None:
            fut = self._known[key] = asyncio.ensure_future(self._ask(dict(rec)))
        return fut

    async def _ask(self, rec: dict[str, Any]) -> str | None:
        url = rec["url"]
        if (rec.get("method") or "GET") != "GET":
            return judge(rec, 0, {}, None)
        headers: dict[str, str] = {}
        # A hash decides for a body we hashed, so Last-Modified (one-second resolution: an edit
        # within the second of the last fetch keeps it) is only sent where there is no hash;
        # an ETag names the content and is always sent.
        if rec.get("etag"):
            headers["If-None-Match"] = rec["etag"]
        if rec.get("last_modified") and not rec.get("sha256"):
            headers["If-Modified-Since"] = rec["last_modified"]
        host = await self.limiter.acquire(url)
        try:
            self.requests += 1
            async with asyncio.timeout(self.timeout):
                async with self.client.stream("GET", url, headers=headers, follow_redirects=False) as resp:
                    status = resp.status_code
                    digest: str | None = None
                    if rec.get("sha256") and status != 304 and not 300 <= status < 400:
                        h, size = hashlib.sha256(), 0
                        async for chunk in resp.aiter_bytes():
                            size += len(chunk)
                            if size > MAX_PROOF_BYTES:
                                return "larger than the proof limit"
                            h.update(chunk)
                        digest = h.hexdigest()
                    answer = {k.lower(): v for k, v in resp.headers.items()}
        except Exception as exc:  # a timeout, a refused connection, a malformed answer: no proof, audit it
            return f"could not re-check {url}: {type(exc).__name__}"
        finally:
            self.limiter.release(host)
        if status in (429, 503):
            self.limiter.busy(host, status)
        why = judge(rec, status, answer, digest)
        return None if why is None else f"{url}: {why}"


def summary(base: str | None, reason: str, reused: int, audited: int, gone: list[str],
            changed: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The run record's ``incremental`` entry (``run.incremental`` in the JSON report);
    ``changed``: pages of the base run audited again, with why (at most MAX_LISTED_CHANGED)."""
    out: dict[str, Any] = {"base_run": base, "reason": reason, "reused": reused, "audited": audited, "gone": gone}
    if changed:
        out["changed"] = dict(changed)
    return out


def note(inc: Mapping[str, Any] | None, pages: int | None = None) -> str | None:
    """One line for the reports: "412 of 500 pages unchanged since run X: reused ..."."""
    if not inc:
        return None
    if not inc.get("base_run"):
        return f"Incremental re-scan: {inc.get('reason') or 'no earlier run: full scan'}."
    reused, audited = int(inc.get("reused") or 0), int(inc.get("audited") or 0)
    total = pages if pages is not None else reused + audited
    gone = inc.get("gone") or []
    line = (f"Incremental re-scan: {reused} of {total} page{'s' if total != 1 else ''} unchanged since run "
            f"{inc['base_run']}: reused (findings as audited then); {audited} audited")
    if gone:
        line += f"; {len(gone)} gone since then"
    return line + "."
