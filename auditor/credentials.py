"""Where the credentials given with --header, --auth and --cookie may go: the audited site only.

A page's off-site scripts and images, a redirect to another host, a sitemap listed on
another host: none of them may receive a staging token. Both the browser (a context route
that adds the headers to in-scope requests) and the HTTP client used outside it (a request
hook, which runs again for each redirect hop) ask :class:`CredentialScope` per request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .crawl import Scope
from .settings import Secrets


class CredentialScope:
    """The audited origins: the start URLs' hosts under the crawl scope (``host`` or
    ``subdomains``), over https, and over http only where a start URL is http (a site that
    is audited over https never has its token sent in clear)."""

    def __init__(self, secrets: Secrets, start_urls: list[str], mode: str = "host") -> None:
        self.secrets = secrets
        self.scope = Scope(list(start_urls), mode)
        self.schemes = {"https"} | {"http" for u in start_urls if urlsplit(u).scheme.lower() == "http"}
        self.names = {n.lower() for n in secrets.headers}
        cookies = [c for c in secrets.cookies if c.get("name")]
        self.cookie = "; ".join(f"{c['name']}={c.get('value', '')}" for c in cookies)

    def __bool__(self) -> bool:
        return bool(self.secrets.headers or self.cookie)

    def allows(self, url: str) -> bool:
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            return False
        return bool(self.scope.start_urls) and scheme in self.schemes and self.scope.contains(url)

    def apply(self, url: str, headers: Any) -> None:
        """Set the credentials on a mutable header mapping for ``url``, or take them out of it
        (a redirect hop copies the previous request's headers) when ``url`` is elsewhere."""
        if self.allows(url):
            for k, v in self.secrets.headers.items():
                headers[k] = v
            if self.cookie:
                have = headers.get("cookie")
                headers["cookie"] = f"{have}; {self.cookie}" if have and self.cookie not in have else self.cookie
            return
        for k in list(headers.keys()):
            if k.lower() in self.names:
                del headers[k]
        if self.cookie and self.cookie in (headers.get("cookie") or ""):
            rest = (headers.get("cookie") or "").replace(self.cookie, "").strip("; ")
            if rest:
                headers["cookie"] = rest
            else:
                del headers["cookie"]
