"""Redacting secrets (header, cookie and basic-auth values) that a site echoes back.

A staging server may reflect a request header into a page or answer robots.txt with a
debug echo; those values must never reach checks, the store or any output.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

from .model import PageArtifacts, SiteArtifacts
from .settings import Secrets

REDACTED = "[redacted]"


def redaction_values(secrets: Secrets, extra: Iterable[str] = ()) -> list[str]:
    """Every form a secret may come back in, longest first (a value containing another is
    replaced whole). A site echoes what it received, and not always as sent: the whole
    ``Basic ...`` header, its base64 token, the ``user:password`` inside and the password; and
    each of them URL-encoded (in a link or a query), HTML-escaped (in an attribute) or
    base64-encoded. Very short values (under 4 characters) are skipped: replacing them would
    mangle ordinary text."""
    base = {v for v in [*secrets.values(), *extra] if v}
    for v in list(base):
        scheme, _, token = v.partition(" ")
        if scheme.lower() == "basic" and token:
            base.add(token)
            try:
                pair = base64.b64decode(token, validate=True).decode()
            except (ValueError, UnicodeDecodeError):
                continue
            base |= {pair, pair.partition(":")[2]}
        elif scheme.lower() == "bearer" and len(token) >= 4:
            base.add(token)
    vals = set()
    for v in base:
        if len(v) < 4:
            continue
        raw = v.encode()
        b64 = base64.b64encode(raw).decode()
        vals |= {v, quote(v, safe=""), quote(v), quote_plus(v), html.escape(v), html.escape(v, quote=False),
                 b64, b64.rstrip("="), base64.urlsafe_b64encode(raw).decode().rstrip("=")}
    return sorted((v for v in vals if len(v) >= 4), key=len, reverse=True)


def redact_text(text: str, values: Iterable[str]) -> str:
    for v in values:
        if v in text:
            text = text.replace(v, REDACTED)
    return text


def redact_data(data: Any, values: list[str]) -> Any:
    """Redact every string in a JSON-like structure (keys included)."""
    if not values:
        return data
    if isinstance(data, str):
        return redact_text(data, values)
    if isinstance(data, dict):
        return {redact_data(k, values): redact_data(v, values) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_data(v, values) for v in data]
    return data


def redact_artifacts(art: PageArtifacts, values: list[str]) -> PageArtifacts:
    """A page as gathered, with any echoed secret (a debug page, a reflected header) removed
    before checks see it and before it is stored."""
    if not values:
        return art
    return PageArtifacts.from_dict(redact_data(art.to_dict(), values))


def redact_site(site: SiteArtifacts, values: list[str]) -> SiteArtifacts:
    """Site artifacts (robots.txt, sitemaps, gatherer data) with any echoed secret removed."""
    if not values:
        return site
    return SiteArtifacts.from_dict(redact_data(site.to_dict(), values))
