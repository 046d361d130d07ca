"""Redacting secrets (header, cookie and basic-auth values) that a site echoes back.

A staging server may reflect a request header into a page or answer robots.txt with a
debug echo; those values must never reach checks, the store or any output.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from .model import PageArtifacts, SiteArtifacts
from .settings import Secrets

REDACTED = "[redacted]"


def redaction_values(secrets: Secrets, extra: Iterable[str] = ()) -> list[str]:
    """Longest first, so a value containing another is replaced whole. Very short values
    (under 4 characters) are skipped: replacing them would mangle ordinary text."""
    vals = {v for v in [*secrets.values(), *extra] if v and len(v) >= 4}
    if any(v.lower().startswith("basic ") for v in vals):
        vals |= {v.split(" ", 1)[1] for v in vals if v.lower().startswith("basic ")}
    for v in list(vals):  # a basic-auth header hides the password: redact it in clear too
        if v.lower().startswith("basic "):
            try:
                vals.add(base64.b64decode(v.split(" ", 1)[1]).decode().partition(":")[2])
            except (ValueError, UnicodeDecodeError):
                pass
    vals = {v for v in vals if v and len(v) >= 4}
    if any(v.lower().startswith("bearer ") for v in vals):
        vals |= {v.split(" ", 1)[1] for v in vals if v.lower().startswith("bearer ") and len(v) > 11}
    return sorted(vals, key=len, reverse=True)


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
