"""Domain values shared by every layer: artifacts in, outcomes and findings out.

Everything here is plain data (JSON-serialisable through ``to_dict``/``from_dict``) so a
gathered page can be stored, re-read and re-checked without a browser.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import zlib
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from typing import Any
from urllib.parse import urlsplit


class Severity(enum.IntEnum):
    """Ordered severity: thresholds are plain comparisons (``sev >= Severity.HIGH``)."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            allowed = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r} (allowed: {allowed})") from None


class Status(str, enum.Enum):
    """Result of one check on one page (or on the site)."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    MANUAL = "manual"
    NOT_APPLICABLE = "not-applicable"
    ERROR = "error"


#: axe-core impact -> our severity (pa11y maps impact to levels the same way).
AXE_IMPACT_SEVERITY = {
    "minor": Severity.LOW,
    "moderate": Severity.MEDIUM,
    "serious": Severity.HIGH,
    "critical": Severity.CRITICAL,
}


@dataclass
class Finding:
    """One thing wrong (or to review) on one page, in the shape every output uses."""

    check_id: str
    status: Status
    severity: Severity
    requirements: list[str]
    wcag: list[str]
    page_url: str
    message: str
    help_url: str
    fix_hint: str = ""
    selector: str = ""
    snippet: str = ""
    fingerprint: str = ""
    cluster_id: str = ""
    """The 'fix once' cluster (auditor/clusters.py): findings of one check on the same element
    of the same shared block (footer, header...) on many pages share it; else a singleton id
    derived from the fingerprint."""
    block: dict[str, str] | None = None
    """The shared block the element is in ({"name", "landmark", "selector"}), None outside one."""

    def __post_init__(self) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(self.check_id, self.page_url, self.selector, self.snippet)
        if not self.cluster_id:
            self.cluster_id = singleton_id(self.fingerprint)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        d["severity"] = self.severity.label
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        kw = {f.name: d.get(f.name) for f in fields(cls) if f.name in d}
        kw["status"] = Status(d["status"])
        kw["severity"] = Severity.parse(d["severity"])
        return cls(**kw)


_WS = re.compile(r"\s+")
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_ABS_URL = re.compile(r"(?i)\b(?:https?:)?//[^/\s\"'<>?#]+")
IDENTITY_ATTRIBUTES = ("id", "name", "src", "href", "action", "for", "type", "role", "rel", "lang", "method",
                       "aria-label")
"""The attributes that say which element a snippet is. Everything else (``class``, ``style``,
``loading``, ``decoding``, ``srcset``, ``width``, ``data-*``...) is churn a developer adds or a
framework rewrites without the element becoming another one."""
FINGERPRINT_VERSION = 2


def element_identity(snippet: str) -> str:
    """The snippet reduced to what identifies its element: tag names, the identity attributes
    (sorted) and the text, whitespace-folded, with the scheme and host of every absolute URL
    dropped (``http://localhost:3000/about`` and ``https://staging.agency.gov/about`` are the
    same link on two hosts). A snippet cut off inside a tag keeps what came before the cut."""
    if not snippet:
        return ""
    cut = snippet.rfind("<")
    if cut >= 0 and ">" not in snippet[cut:]:
        snippet = snippet[:cut]
    out: list[str] = []
    pos = 0
    for m in _TAG.finditer(snippet):
        out.append(snippet[pos:m.start()])
        pos = m.end()
        closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            out.append(f"</{name}>")
            continue
        kept = []
        for a in _ATTR.finditer(attrs):
            key = a.group(1).lower()
            if key in IDENTITY_ATTRIBUTES:
                value = next((v for v in a.group(2, 3, 4) if v is not None), "")
                kept.append(f'{key}="{_ABS_URL.sub("", value.strip())}"')
        out.append("<" + " ".join([name, *sorted(kept)]) + ">")
    out.append(snippet[pos:])
    text = "".join(out)
    return _WS.sub(" ", _ABS_URL.sub("", text)).strip()[:300]


def url_path(url: str) -> str:
    """A URL's path and query, without scheme and host ("/a/?q=1"; "/" for none)."""
    parts = urlsplit(url)
    return (parts.path or "/") + (("?" + parts.query) if parts.query else "")


def fingerprint(check_id: str, page_url: str, selector: str = "", snippet: str = "") -> str:
    """Stable across runs of the same site: check id + page path + element.

    Host and port are left out so staging and production runs can be compared. The element is
    its :func:`element_identity` when there is a snippet (a selector is left out then: axe-core
    builds it from classes, so a class added to the element would change it), else its
    selector. Two identical elements on one page share a fingerprint; baselines count them.
    """
    identity = element_identity(snippet)
    element = f"html:{identity}" if identity else f"css:{selector.strip()}"
    basis = "\x1f".join([f"v{FINGERPRINT_VERSION}", check_id, url_path(page_url), element])
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


CLUSTER_VERSION = 1


def singleton_id(fingerprint: str) -> str:
    """The cluster id of a finding that is its own fix: derived from its fingerprint (so stable
    across runs, like it). Block clusters (auditor/clusters.py) start with "b", these with "s"."""
    basis = "\x1f".join([f"v{CLUSTER_VERSION}", fingerprint])
    return "s" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:15]


def legacy_fingerprint(check_id: str, page_url: str, selector: str = "", snippet: str = "") -> str:
    """The version-1 fingerprint (selector + raw folded snippet), kept so baselines written by
    earlier versions still match."""
    basis = "\x1f".join([check_id, url_path(page_url), selector.strip(), _WS.sub(" ", snippet).strip()[:300]])
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


@dataclass
class Outcome:
    """What one check concluded about one page (or the site)."""

    status: Status
    score: float | None = None  # 0..1; None where it does not count (manual, n/a)
    findings: list[Finding] = field(default_factory=list)
    detail: str = ""  # short human explanation, e.g. the reason for n/a or error

    def __post_init__(self) -> None:
        if self.score is None and self.status in (Status.PASS, Status.FAIL, Status.WARN):
            self.score = {Status.PASS: 1.0, Status.FAIL: 0.0, Status.WARN: 0.5}[self.status]


@dataclass
class Redirect:
    url: str
    status: int


@dataclass
class Link:
    """A hyperlink as rendered: resolved href, visible text, and where it sits."""

    href: str
    text: str = ""
    rel: str = ""
    region: str = ""  # header/nav/main/footer/other


@dataclass
class PageArtifacts:
    """Everything gathered in ONE browser visit of a page. Checks read only this."""

    url: str
    final_url: str = ""
    status_code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[Redirect] = field(default_factory=list)
    content_type: str = ""
    title: str = ""
    html: str = ""
    text: str = ""
    links: list[Link] = field(default_factory=list)
    axe: dict[str, Any] = field(default_factory=dict)
    probes: dict[str, Any] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    depth: int = 0
    error: str = ""
    validators: list[dict[str, Any]] | None = None
    """What proves the page unchanged at the next ``--incremental`` scan: one record per
    answer the page received from its own site (main document, frames, styles, scripts,
    images...): ``url``, ``method``, ``status``, ``etag``, ``last_modified``, ``location``
    (redirects), ``type`` (the resource type) and ``sha256`` of the body where it was hashed
    (documents, and answers without a validator). None: not recorded (an older version)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PageArtifacts:
        kw = {f.name: d[f.name] for f in fields(cls) if f.name in d}
        kw["redirects"] = [Redirect(**r) for r in kw.get("redirects", [])]
        kw["links"] = [Link(**lk) for lk in kw.get("links", [])]
        return cls(**kw)

    @classmethod
    def from_blob(cls, blob: bytes) -> PageArtifacts:
        """Artifacts as the store keeps them (zlib-compressed JSON)."""
        return cls.from_dict(json.loads(zlib.decompress(blob)))


@dataclass
class SiteArtifacts:
    """Site-level facts gathered once per run (robots.txt, sitemap, probes)."""

    start_url: str
    robots_txt: str | None = None
    robots_status: int | None = None
    sitemap_urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SiteArtifacts:
        kw = {f.name: d[f.name] for f in fields(cls) if f.name in d}
        return cls(**kw)


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_surrogates(value: Any) -> Any:
    """``value`` (str, or lists/dicts of them) with lone UTF-16 surrogates replaced by U+FFFD.

    A page can put one in its title or text (``document.title = '\\ud800'``); Python holds it,
    but no UTF-8 file, SQLite text or terminal can (UnicodeEncodeError). Returns the very same
    object when there is none, so clean data is not copied."""
    if isinstance(value, str):
        # ASCII (most URLs, classes, ids) has none: str.isascii is a flag check, no scan
        if value.isascii():
            return value
        try:
            value.encode("utf-8")  # C speed; a regex scan of a 2 MB page took 2.5x as long
            return value
        except UnicodeEncodeError:
            return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        out = [scrub_surrogates(v) for v in value]
        return value if all(a is b for a, b in zip(out, value)) else out
    if isinstance(value, dict):
        items = {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
        same = len(items) == len(value) and all(k in value and items[k] is value[k] for k in items)
        return value if same else items
    if is_dataclass(value) and not isinstance(value, type):
        changed = {k: new for k, old in vars(value).items() if (new := scrub_surrogates(old)) is not old}
        return replace(value, **changed) if changed else value
    return value


def scrub_artifacts(art: PageArtifacts) -> PageArtifacts:
    """The page's artifacts with no lone surrogate left (:func:`scrub_surrogates`)."""
    return scrub_surrogates(art)
