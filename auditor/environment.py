"""Which environment a scan assumes: production, or staging (a local, private or test address).

Some checks can only show something on the production site: whether it is served over HTTPS,
redirects plain HTTP, sends HSTS, has a valid certificate, uses a .gov or .mil domain, and what
its robots.txt lets search engines crawl. A build served on 127.0.0.1 or a preview behind a
private address fails them all for reasons the team cannot change there, so on ``staging`` these
checks are not assessed (``production_only`` checks, docs/environment.md).

``auto`` (the default) decides from the start URL's host: loopback, private and link-local
addresses, ``localhost`` and names under the special-use or internal suffixes below are
staging; everything else is production.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MODES = ("auto", "production", "staging")
STAGING_SUFFIXES = (".localhost", ".local", ".test", ".internal", ".example")
"""RFC 6761/6762 special-use names and ICANN's reserved .internal: never a public site."""
NOT_ASSESSED = "production-only: not assessed on a staging address"


@dataclass(frozen=True)
class Environment:
    mode: str
    """What was asked: auto, production or staging."""
    assumed: str
    """What the scan assumes: production or staging."""
    reason: str
    """Why, in a phrase: "127.0.0.1 is a loopback address", "--environment staging"."""

    @property
    def staging(self) -> bool:
        return self.assumed == "staging"

    def describe(self) -> str:
        """One line for the terminal and the reports, saying how to change it."""
        if self.staging:
            return (f"environment: staging ({self.reason}); production-only checks are not assessed: "
                    "use --environment production to assess them")
        return (f"environment: production ({self.reason})"
                + ("; use --environment staging for a local or preview build" if self.mode == "auto" else ""))


def host_kind(host: str) -> str | None:
    """Why ``host`` is a staging address ("a loopback address", ...), or None for a public host."""
    h = host.strip().strip("[]").rstrip(".").lower()
    if "%" in h:  # IPv6 zone id: fe80::1%eth0
        h = h.split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        if h == "localhost" or h.endswith(".localhost"):
            return "a localhost name"
        for suffix in STAGING_SUFFIXES:
            if h.endswith(suffix):
                return f"a {suffix} name"
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_private:
        return "a private address"
    return None


def resolve(mode: str, start_url: str) -> Environment:
    """The environment a scan of ``start_url`` assumes under ``mode``."""
    if mode not in MODES:
        raise ValueError(f"environment must be one of {', '.join(MODES)}, not {mode!r}")
    if mode != "auto":
        return Environment(mode, mode, f"--environment {mode}")
    host = urlsplit(start_url).hostname or ""
    kind = host_kind(host)
    if kind:
        return Environment(mode, "staging", f"{host} is {kind}")
    if not host:
        return Environment(mode, "production", "the start URL has no host")
    try:
        ipaddress.ip_address(host)
        what = "a public address"
    except ValueError:
        what = "a public host name"
    return Environment(mode, "production", f"{host} is {what}")


def of_run(settings: dict[str, Any]) -> Environment:
    """The environment a stored run assumed (runs made before environments assessed everything)."""
    assumed = settings.get("environment_assumed")
    if assumed not in ("production", "staging"):
        return Environment("production", "production", "run made before --environment: every check was assessed")
    return Environment(str(settings.get("environment") or "auto"), assumed, str(settings.get("environment_reason") or ""))


def to_dict(env: Environment) -> dict[str, str]:
    return {"mode": env.mode, "assumed": env.assumed, "reason": env.reason, "note": env.describe()}
