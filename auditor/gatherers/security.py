"""Site-level security facts (IDEA 3(a)(5)): TLS certificate, HTTP->HTTPS redirect,
HTTPS availability, security.txt. Every request goes to the audited host only.

Certificate facts come from the stdlib ``ssl`` module: one verifying handshake (system
CA store, or ``SSL_CERT_FILE``) tells whether the chain is valid; the peer certificate
is then decoded for subject, issuer, SANs and expiry even when it does not verify.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import ssl
import tempfile
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from ..errors import FETCH_ERRORS
from . import SiteGatherContext, site_gatherer

TLS_TIMEOUT = 10.0
MAX_SECURITY_TXT = 64 * 1024


def _decode_der(der: bytes) -> dict[str, Any]:
    # ssl has no public DER decoder; _test_decode_cert is stable since Python 3.3
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as fh:
        fh.write(ssl.DER_cert_to_PEM_cert(der))
        path = fh.name
    try:
        return ssl._ssl._test_decode_cert(path)  # type: ignore[attr-defined]
    finally:
        os.unlink(path)


def _cert_time(value: str) -> str:
    return dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(value), dt.timezone.utc).isoformat()


def read_certificate(host: str, port: int, timeout: float = TLS_TIMEOUT) -> dict[str, Any]:
    """TLS facts for host:port: verified?, why not, subject, issuer, SANs, validity dates."""
    out: dict[str, Any] = {"host": host, "port": port}
    verify = ssl.create_default_context()
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with verify.wrap_socket(sock, server_hostname=host) as tls:
                out["verified"] = True
                out["protocol"] = tls.version()
    except ssl.SSLCertVerificationError as exc:
        out["verified"] = False
        out["verify_error"] = exc.verify_message or str(exc)
    except (ssl.SSLError, OSError) as exc:
        out["verified"] = False
        out["verify_error"] = str(exc)[:300]
    lax = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    lax.check_hostname = False
    lax.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with lax.wrap_socket(sock, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
                out.setdefault("protocol", tls.version())
    except (ssl.SSLError, OSError) as exc:
        out["error"] = str(exc)[:300]
        return out
    if der:
        info = _decode_der(der)
        out["subject"] = dict(x[0] for x in info.get("subject", ()))
        out["issuer"] = dict(x[0] for x in info.get("issuer", ()))
        out["san"] = [v for _, v in info.get("subjectAltName", ())]
        out["not_before"] = _cert_time(info["notBefore"])
        out["not_after"] = _cert_time(info["notAfter"])
    return out


async def _probe(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """Status and redirect chain of one GET, without following off-site hops."""
    chain: list[dict[str, Any]] = []
    host = urlsplit(url).hostname
    current = url
    for _ in range(10):
        try:
            resp = await client.get(current, follow_redirects=False)
        except FETCH_ERRORS as exc:
            return {"url": url, "error": f"{type(exc).__name__}: {str(exc)[:200]}", "chain": chain}
        chain.append({"url": current, "status": resp.status_code})
        loc = resp.headers.get("location")
        if resp.status_code in (301, 302, 303, 307, 308) and loc:
            try:
                nxt = str(httpx.URL(current).join(loc))
            except httpx.InvalidURL as exc:  # a Location with a control character in it
                return {"url": url, "error": f"redirect to an invalid URL: {str(exc)[:200]}", "chain": chain}
            if urlsplit(nxt).hostname != host:  # never follow off the audited host
                chain.append({"url": nxt, "status": None})
                break
            current = nxt
            continue
        break
    return {"url": url, "final_url": chain[-1]["url"] if chain else url, "chain": chain,
            "status": chain[-1]["status"] if chain else None}


def parse_security_txt(text: str) -> dict[str, list[str]]:
    """RFC 9116 fields (lower-cased names) -> values; comments and blanks ignored."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        k, v = line.split(":", 1)
        fields.setdefault(k.strip().lower(), []).append(v.strip())
    return fields


@site_gatherer("security", phase="before", timeout=60.0)
async def gather_security(ctx: SiteGatherContext) -> dict[str, Any]:
    start = ctx.start_url
    parts = urlsplit(start)
    out: dict[str, Any] = {"scheme": parts.scheme, "host": (parts.hostname or "").lower()}
    if parts.scheme == "https":
        port = parts.port or 443
        out["tls"] = await asyncio.to_thread(read_certificate, parts.hostname or "", port)
        # the plain-HTTP door: port 80 for a default-port site; same port otherwise is
        # not meaningful (one port speaks one protocol), so it is reported as not probed
        if parts.port in (None, 443):
            out["http_probe"] = await _probe(ctx.client, urlunsplit(("http", parts.hostname or "", "/", "", "")))
        else:
            out["http_probe"] = {"skipped": f"non-default port {parts.port}: no plain-HTTP twin to probe"}
    else:
        if parts.port in (None, 80):
            out["https_probe"] = await _probe(ctx.client, urlunsplit(("https", parts.hostname or "", "/", "", "")))
        else:
            out["https_probe"] = {"skipped": f"non-default port {parts.port}"}
    root = f"{parts.scheme}://{parts.netloc}"
    sec: dict[str, Any] = {}
    for path in ("/.well-known/security.txt", "/security.txt"):
        try:
            resp = await ctx.client.get(root + path)
        except FETCH_ERRORS as exc:
            sec = {"path": path, "error": str(exc)[:200]}
            continue
        ctype = resp.headers.get("content-type", "")
        sec = {"path": path, "status": resp.status_code, "content_type": ctype,
               "final_url": str(resp.url)}
        if resp.status_code == 200 and "html" not in ctype.lower():
            sec["fields"] = parse_security_txt(resp.text[:MAX_SECURITY_TXT])
            break
    out["security_txt"] = sec
    return out
