"""The crawl frontier: seeds, scope, robots.txt, sitemaps, canonical URLs, limits.

Breadth-first with explicit limits (Scrapy's settings, in plain values); every URL that is
not audited is counted under one reason, with a few examples kept for the report.
"""

from __future__ import annotations

import bisect
import gzip
import io
import re
import zlib
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from defusedxml import ElementTree as SafeET
from protego import Protego
from w3lib.url import canonicalize_url

# Skip reasons: the keys of every "skipped" table.
ROBOTS = "robots"
OFF_SITE = "off-site"
LIMIT = "limit"
NON_HTML = "non-html"
DUPLICATE = "duplicate"
OTHER_SCHEME = "other-scheme"
SKIP_REASONS = (ROBOTS, OFF_SITE, LIMIT, NON_HTML, DUPLICATE, OTHER_SCHEME)

#: Query parameters that never change content: analytics tags and click ids.
TRACKING_PARAMS = frozenset({
    "gclid", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "mc_cid", "mc_eid",
    "_ga", "_gl", "_hsenc", "_hsmi", "igshid", "mkt_tok", "ref_src",
})
TRACKING_PREFIXES = ("utm_",)
#: Session ids in URLs would make every visit a new page.
SESSION_PARAMS = frozenset({"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "aspsessionid", "cfid",
                            "cftoken"})

#: Extensions that are not web pages: recorded, never rendered.
#: Pages noted per linked document (the smallest URLs; the reports name up to 5).
MAX_DOCUMENT_SOURCES = 20
DOCUMENT_EXTENSIONS = frozenset({
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".rtf",
    ".csv", ".txt", ".epub",
})
BINARY_EXTENSIONS = frozenset({
    ".zip", ".gz", ".tgz", ".7z", ".rar", ".exe", ".msi", ".dmg", ".iso", ".jpg", ".jpeg", ".png",
    ".gif", ".svg", ".webp", ".ico", ".bmp", ".tif", ".tiff", ".mp3", ".mp4", ".m4a", ".mov", ".avi",
    ".wmv", ".webm", ".ogg", ".wav", ".css", ".js", ".json", ".xml", ".rss", ".atom", ".woff", ".woff2",
    ".ttf", ".eot",
})

SAMPLES_PER_REASON = 25
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize(url: str, *, trailing_slash: str = "keep") -> str | None:
    """The one form a URL is known by, or None if it is not an http(s) URL.

    Drops the fragment, default port, tracking and session parameters; lower-cases scheme
    and host; sorts the query (w3lib, as Scrapy does). ``trailing_slash``: ``keep`` (as
    found), ``strip`` (``/a/`` -> ``/a``) or ``add`` (``/a`` -> ``/a/`` unless it has an
    extension).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" + ("" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}")
    path = parts.path or "/"
    # ";jsessionid=..." path parameters
    path = re.sub(r";(jsessionid|phpsessid|sid)=[^/?#]*", "", path, flags=re.I)
    if trailing_slash == "strip" and len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    elif trailing_slash == "add" and not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in TRACKING_PARAMS and k.lower() not in SESSION_PARAMS
             and not k.lower().startswith(TRACKING_PREFIXES)]
    rebuilt = urlunsplit((scheme, netloc, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def extension(url: str) -> str:
    path = urlsplit(url).path.lower()
    last = path.rsplit("/", 1)[-1]
    return "." + last.rsplit(".", 1)[-1] if "." in last else ""


def site_host(url: str) -> str:
    h = (urlsplit(url).hostname or "").lower()
    return h[4:] if h.startswith("www.") else h


@dataclass
class Scope:
    """Which URLs belong to the audited site."""

    start_urls: list[str]
    mode: str = "host"  # "host": same host and port; "subdomains": host and its subdomains

    def __post_init__(self) -> None:
        self._netlocs = {urlsplit(u).netloc.lower() for u in self.start_urls}
        self._bases = {site_host(u) for u in self.start_urls}

    def contains(self, url: str) -> bool:
        parts = urlsplit(url)
        if self.mode == "subdomains":
            host = (parts.hostname or "").lower()
            return any(host == b or host.endswith("." + b) for b in self._bases)
        netloc = parts.netloc.lower()
        if netloc in self._netlocs:
            return True
        # www.example.gov and example.gov are the same site
        alt = netloc[4:] if netloc.startswith("www.") else "www." + netloc
        return alt in self._netlocs

    def pattern(self) -> re.Pattern[str]:
        """A regular expression matching every URL :meth:`contains` accepts (and a few more),
        for filters that run outside Python: a Playwright route's pattern is matched in its
        driver, so requests to other hosts never make the round trip to us. What it matches
        is judged again by :meth:`contains`."""
        head = r"^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?"
        tail = r"(?:[/?#]|$)"
        if self.mode == "subdomains":
            hosts = "|".join(re.escape(b) for b in sorted(self._bases) if b)
            return re.compile(head + rf"(?:[^/?#@]*\.)?(?:www\.)?(?:{hosts})(?::\d+)?" + tail, re.I)
        alts = {n[4:] if n.startswith("www.") else "www." + n for n in self._netlocs}
        hosts = "|".join(re.escape(n) for n in sorted(self._netlocs | alts) if n)
        return re.compile(head + f"(?:{hosts})" + tail, re.I)


class Robots:
    """robots.txt rules via Protego; no file (or an unreadable one) allows everything."""

    def __init__(self, text: str | None, user_agent: str, obey: bool = True) -> None:
        self.text = text
        self.user_agent = user_agent
        self.obey = obey
        self._parser = None
        if text:
            try:
                self._parser = Protego.parse(text[:500_000])
            except Exception:
                self._parser = None

    def allowed(self, url: str) -> bool:
        if not self.obey or self._parser is None:
            return True
        try:
            return bool(self._parser.can_fetch(url, self.user_agent))
        except Exception:
            return True

    def crawl_delay(self) -> float | None:
        if self._parser is None:
            return None
        try:
            d = self._parser.crawl_delay(self.user_agent)
        except Exception:
            return None
        return float(d) if d is not None else None

    def sitemaps(self) -> list[str]:
        if self._parser is None:
            return []
        try:
            return list(self._parser.sitemaps)
        except Exception:
            return []


MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed
MAX_SITEMAP_FILE_URLS = 50_000  # the sitemaps.org limit of <loc> entries in one file


def decompress_bounded(data: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """Gunzip at most ``limit`` bytes (a gzip bomb stops at the limit)."""
    return _gunzip(data, limit)[0]


def _gunzip(data: bytes, limit: int) -> tuple[bytes, bool]:
    """(at most ``limit`` bytes of ``data`` gunzipped, whether more was left); data that is not
    gzip is returned as it is."""
    if not data.startswith(b"\x1f\x8b"):
        return data, False
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit)
    except zlib.error:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                return fh.read(limit), False
        except (OSError, EOFError, zlib.error):
            return b"", False
    return out, bool(d.unconsumed_tail)


@dataclass
class SitemapRead:
    """What one sitemap file gave: its page URLs, child sitemaps, and what was cut (or '')."""

    urls: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    cut: str = ""


def read_sitemap(data: bytes, *, truncated: str = "", max_urls: int = MAX_SITEMAP_FILE_URLS) -> SitemapRead:
    """A sitemap or sitemap index, parsed incrementally (a 50 MB file is never held as a tree).

    ``truncated``: why the download was cut short (time or size, said by the caller); then the
    entries before the cut are kept. Otherwise invalid XML gives nothing. The sitemaps.org
    limits (50 MB uncompressed, 50,000 entries) apply compressed or not; what lies beyond them
    is cut and said in ``cut``."""
    data, over = _gunzip(data, MAX_SITEMAP_BYTES)
    cut = truncated
    if over or (len(data) >= MAX_SITEMAP_BYTES and not truncated):
        cut = f"larger than the sitemaps.org limit of {MAX_SITEMAP_BYTES // (1024 * 1024)} MB uncompressed"
    locs: list[str] = []
    root_tag = ""
    complete = True
    try:
        for event, el in SafeET.iterparse(io.BytesIO(data), events=("start", "end")):
            name = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
            if event == "start":
                if not root_tag:
                    root_tag = name
                continue
            if name == "loc" and el.text and el.text.strip():
                if len(locs) >= max_urls:
                    cut = cut or f"more than the sitemaps.org limit of {max_urls:,} entries in one file"
                    break
                locs.append(el.text.strip())
            elif name in ("url", "sitemap"):
                el.clear()  # keep memory flat on a large file
    except Exception:  # ParseError, or defusedxml refusing entities/DTDs
        complete = False
    if not complete and not cut:
        return SitemapRead()  # invalid XML, not cut by us: nothing from it
    if root_tag == "sitemapindex":
        return SitemapRead(children=locs, cut=cut)
    if root_tag == "urlset":
        return SitemapRead(urls=locs, cut=cut)
    return SitemapRead(cut=cut)


def parse_sitemap(data: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) from a sitemap or sitemap index; bad XML gives ([], [])."""
    r = read_sitemap(data)
    return r.urls, r.children


@dataclass
class QueuedURL:
    url: str
    depth: int
    source: str = ""


@dataclass
class Frontier:
    """Breadth-first queue with dedup before queueing and counted skip reasons."""

    scope: Scope
    robots: Robots
    max_pages: int = 50
    max_depth: int = 3
    trailing_slash: str = "keep"
    queue: deque[QueuedURL] = field(default_factory=deque)
    seen: set[str] = field(default_factory=set)
    skipped: Counter[str] = field(default_factory=Counter)
    samples: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    documents: dict[str, list[str]] = field(default_factory=dict)
    accepted: int = 0
    accepted_urls: set[str] = field(default_factory=set)
    """Every URL ever queued for audit (queued, in flight or done)."""
    limits_hit: set[str] = field(default_factory=set)
    _raw_seen: set[str] = field(default_factory=set)
    new_skips: list[tuple[str, str, str]] = field(default_factory=list)
    """(reason, url, source) not yet persisted; the runner drains it."""

    def skip(self, reason: str, url: str, source: str = "") -> None:
        self.skipped[reason] += 1
        lst = self.samples.setdefault(reason, [])
        if len(lst) < SAMPLES_PER_REASON:
            lst.append((url, source))
        self.new_skips.append((reason, url, source))

    def note_document(self, url: str, source: str) -> None:
        """A page linking a document (PDF, Office file): the reports name the pages that link
        it, so every linking page is noted, not only the first one crawled, and the
        ``MAX_DOCUMENT_SOURCES`` smallest URLs are kept. Which pages a scan names no longer
        depends on the order its workers finished pages in (two scans of the same site, or an
        --incremental re-scan and a full one, named different pages)."""
        sources = self.documents.setdefault(url, [])
        if source in sources:
            return
        bisect.insort(sources, source)
        del sources[MAX_DOCUMENT_SOURCES:]

    def add(self, raw_url: str, depth: int, source: str = "", *, seed: bool = False) -> QueuedURL | None:
        """Offer a URL; returns the queued entry, or None with the reason counted."""
        raw = raw_url.strip()
        if raw in self._raw_seen and not seed:
            if extension(raw) in DOCUMENT_EXTENSIONS:  # another page linking a document: noted
                url = canonicalize(raw, trailing_slash=self.trailing_slash)
                if url is not None and url in self.documents:
                    self.note_document(url, source)
            return None  # the very same string again: not a new URL, not worth a count
        self._raw_seen.add(raw)
        scheme = urlsplit(raw).scheme.lower()
        if scheme and scheme not in ("http", "https"):
            self.skip(OTHER_SCHEME, raw[:300], source)
            return None
        url = canonicalize(raw, trailing_slash=self.trailing_slash)
        if url is None:
            self.skip(OTHER_SCHEME, raw[:300], source)
            return None
        if url in self.seen:
            if url in self.documents:
                self.note_document(url, source)
            if url != raw:
                self.skip(DUPLICATE, raw, source)
            return None
        self.seen.add(url)
        if not self.scope.contains(url):
            self.skip(OFF_SITE, url, source)
            return None
        if not self.robots.allowed(url):
            self.skip(ROBOTS, url, source)
            return None
        ext = extension(url)
        if ext in DOCUMENT_EXTENSIONS or ext in BINARY_EXTENSIONS:
            if ext in DOCUMENT_EXTENSIONS:
                self.note_document(url, source)
            self.skip(NON_HTML, url, source)
            return None
        if depth > self.max_depth:
            self.limits_hit.add("max-depth")
            self.skip(LIMIT, url, source)
            return None
        if self.accepted >= self.max_pages:
            self.limits_hit.add("max-pages")
            self.skip(LIMIT, url, source)
            return None
        self.accepted += 1
        self.accepted_urls.add(url)
        entry = QueuedURL(url, depth, source)
        self.queue.append(entry)
        return entry

    def restore(self, accepted_urls: Iterable[str], queued: Iterable[QueuedURL], skipped_urls: Iterable[str],
                skipped: Counter[str], limits_hit: Iterable[str] = ()) -> None:
        """Rebuild from the store for --resume."""
        self.accepted_urls.update(accepted_urls)
        self.accepted = len(self.accepted_urls)
        self.seen.update(self.accepted_urls)
        self.seen.update(skipped_urls)
        self.queue.extend(queued)
        self.skipped.update(skipped)
        self.limits_hit.update(limits_hit)


def absolute(base: str, href: str) -> str:
    return urljoin(base, href)
