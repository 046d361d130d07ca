"""Security family (IDEA 3(a)(5)): HTTPS, HTTP->HTTPS redirect, HSTS, certificate,
mixed content, .gov/.mil domain, security.txt and a vulnerability disclosure policy.

Site facts come from the ``security`` site gatherer (auditor/gatherers/security.py).
A site audited over plain HTTP fails HTTPS honestly; checks that only make sense over
HTTPS (HSTS, certificate, mixed content) are then not-applicable rather than passing.

Checks marked ``production_only`` measure what only the production host shows (its scheme,
redirects, headers, certificate, domain, /.well-known/security.txt): on a staging address they
are not assessed (auditor/environment.py, docs/environment.md). Mixed content and the
vulnerability disclosure link are in the pages themselves and are assessed everywhere.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from auditor.checking import SiteContext, check, summarizer
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status
from auditor.scoring import SEVERITY_WEIGHT

from ._html import host_of, page_url

REQ = ["idea-3a5"]
HSTS_MIN_AGE = 31_536_000  # one year, the HSTS preload list minimum
CERT_MIN_DAYS = 30
W = SEVERITY_WEIGHT


def parse_hsts(value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    out: dict[str, Any] = {"max_age": None, "include_subdomains": False, "preload": False}
    for part in value.split(";"):
        part = part.strip()
        low = part.lower()
        if low.startswith("max-age"):
            m = re.search(r"\d+", part)
            out["max_age"] = int(m.group()) if m else None
        elif low == "includesubdomains":
            out["include_subdomains"] = True
        elif low == "preload":
            out["preload"] = True
    return out


def _header(page: PageArtifacts, name: str) -> str | None:
    for k, v in (page.headers or {}).items():
        if k.lower() == name:
            return v
    return None


def mixed_content(page: PageArtifacts) -> list[str]:
    """Subresources fetched over plain HTTP by an HTTPS page."""
    if urlsplit(page_url(page)).scheme != "https":
        return []
    return sorted({r for r in page.requests if r.startswith("http://")})[:50]


@summarizer("security")
def summarize_security(page: PageArtifacts) -> dict[str, Any]:
    return {"scheme": urlsplit(page_url(page)).scheme, "hsts": _header(page, "strict-transport-security")}


@check(id="sec-https", family="security", title="Page is served over HTTPS",
       failure_title="Page is served over plain HTTP",
       description="Serve every page over HTTPS only (OMB M-15-13); redirect HTTP to HTTPS.",
       help_url="https://https.cio.gov/", requirements=REQ, severity=Severity.CRITICAL,
       artifacts=("final_url",), weight=W[Severity.CRITICAL],
       production_only=True)
def https(page: PageArtifacts) -> Outcome:
    url = page_url(page)
    if urlsplit(url).scheme == "https":
        return Outcome(Status.PASS)
    return Outcome(Status.FAIL, findings=[https.finding(url, "Page was served over plain HTTP")])


@check(id="sec-hsts", family="security", title="HSTS is set for at least one year with includeSubDomains",
       failure_title="HSTS is missing or weak",
       description="Send Strict-Transport-Security: max-age=31536000; includeSubDomains; preload and submit "
                   "the domain to the HSTS preload list.",
       help_url="https://https.cio.gov/hsts/", requirements=REQ, severity=Severity.HIGH,
       artifacts=("headers",), weight=W[Severity.HIGH],
       production_only=True)
def hsts(page: PageArtifacts) -> Outcome:
    url = page_url(page)
    if urlsplit(url).scheme != "https":
        return Outcome(Status.NOT_APPLICABLE, detail="HSTS applies to HTTPS responses only")
    value = _header(page, "strict-transport-security")
    h = parse_hsts(value)
    if h is None:
        return Outcome(Status.FAIL, findings=[hsts.finding(url, "No Strict-Transport-Security header")])
    problems = []
    if not h["max_age"] or h["max_age"] < HSTS_MIN_AGE:
        problems.append(f"max-age {h['max_age']} is below {HSTS_MIN_AGE}")
    if not h["include_subdomains"]:
        problems.append("includeSubDomains is missing")
    if problems:
        return Outcome(Status.FAIL, findings=[hsts.finding(url, "; ".join(problems), snippet=value or "")])
    if not h["preload"]:
        return Outcome(Status.WARN, findings=[hsts.finding(
            url, "HSTS lacks the preload directive", snippet=value or "", status=Status.WARN, severity=Severity.LOW)])
    return Outcome(Status.PASS)


@check(id="sec-mixed-content", family="security", title="No mixed content",
       failure_title="HTTPS page loads resources over plain HTTP",
       description="Load every script, style, image and frame over HTTPS; mixed content is blocked or "
                   "warned about by browsers and can be tampered with.",
       help_url="https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content", requirements=REQ,
       severity=Severity.HIGH, artifacts=("requests",), weight=W[Severity.HIGH])
def mixed(page: PageArtifacts) -> Outcome:
    url = page_url(page)
    if urlsplit(url).scheme != "https":
        return Outcome(Status.NOT_APPLICABLE, detail="page is not served over HTTPS")
    bad = mixed_content(page)
    if not bad:
        return Outcome(Status.PASS)
    return Outcome(Status.FAIL, findings=[mixed.finding(url, f"Loads {r} over plain HTTP", snippet=r) for r in bad])


def _sec(site: SiteArtifacts) -> dict[str, Any]:
    s = site.extra.get("security")
    return s if isinstance(s, dict) else {}


@check(id="sec-http-redirect", family="security", title="HTTP redirects to HTTPS",
       failure_title="HTTP does not redirect to HTTPS",
       description="Answer every plain-HTTP request with a 301 redirect to the HTTPS URL.",
       help_url="https://https.cio.gov/guide/", requirements=REQ, severity=Severity.HIGH, scope="site",
       weight=W[Severity.HIGH],
       production_only=True)
def http_redirect(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    s = _sec(site)
    if "error" in s and "scheme" not in s:
        return Outcome(Status.ERROR, detail=s["error"])
    url = site.start_url
    if s.get("scheme") != "https":
        probe = s.get("https_probe") or {}
        return Outcome(Status.FAIL, findings=[http_redirect.finding(
            url, "Site was audited over plain HTTP; it does not redirect to HTTPS"
            + ("" if probe.get("status") else " (HTTPS is not available)"))])
    probe = s.get("http_probe") or {}
    if probe.get("skipped"):
        return Outcome(Status.NOT_APPLICABLE, detail=probe["skipped"])
    if probe.get("error"):
        return Outcome(Status.PASS, detail="plain HTTP is not served at all")
    chain = probe.get("chain") or []
    first = chain[0] if chain else {}
    final = probe.get("final_url") or ""
    if first.get("status") in (301, 308) and final.startswith("https://"):
        return Outcome(Status.PASS)
    if first.get("status") in (302, 303, 307) and final.startswith("https://"):
        return Outcome(Status.WARN, findings=[http_redirect.finding(
            url, f"HTTP redirects to HTTPS with a temporary {first['status']}; use 301", status=Status.WARN)])
    return Outcome(Status.FAIL, findings=[http_redirect.finding(
        url, f"http:// answers {first.get('status')} without redirecting to HTTPS")])


@check(id="sec-certificate", family="security", title="TLS certificate is valid and not about to expire",
       failure_title="TLS certificate is invalid or expiring",
       description="Use a certificate from a publicly trusted CA that matches the host name; renew it at least "
                   "30 days before it expires (automate renewal).",
       help_url="https://https.cio.gov/certificates/", requirements=REQ, severity=Severity.CRITICAL,
       scope="site", weight=W[Severity.CRITICAL],
       production_only=True)
def certificate(site: SiteArtifacts, ctx: SiteContext, now: dt.datetime | None = None) -> Outcome:
    s = _sec(site)
    if s.get("scheme") != "https":
        return Outcome(Status.NOT_APPLICABLE, detail="site audited over plain HTTP")
    tls = s.get("tls") or {}
    url = site.start_url
    if tls.get("error") and not tls.get("not_after"):
        return Outcome(Status.ERROR, detail=f"could not read the certificate: {tls['error']}")
    if not tls.get("verified"):
        return Outcome(Status.FAIL, findings=[certificate.finding(
            url, f"Certificate does not verify: {tls.get('verify_error', 'unknown reason')}")])
    now = now or dt.datetime.now(dt.timezone.utc)
    expires = dt.datetime.fromisoformat(tls["not_after"])
    days = (expires - now).days
    if days < 0:
        return Outcome(Status.FAIL, findings=[certificate.finding(url, f"Certificate expired on {expires:%Y-%m-%d}")])
    if days < CERT_MIN_DAYS:
        return Outcome(Status.FAIL, findings=[certificate.finding(
            url, f"Certificate expires in {days} days ({expires:%Y-%m-%d})", severity=Severity.HIGH)])
    return Outcome(Status.PASS, detail=f"valid until {expires:%Y-%m-%d}")


def _is_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")


@check(id="sec-gov-domain", family="security", title="Site uses a .gov or .mil domain",
       failure_title="Site does not use a .gov or .mil domain",
       description="Federal public websites must use a .gov or .mil domain (OMB M-23-22, III.C).",
       help_url="https://get.gov/", requirements=["m2322-domain"], severity=Severity.HIGH, scope="site",
       weight=W[Severity.HIGH],
       production_only=True)
def gov_domain(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    host = host_of(site.start_url)
    if host.endswith(".gov") or host.endswith(".mil"):
        return Outcome(Status.PASS)
    why = "a local address" if _is_local(host) else "not a .gov or .mil domain"
    return Outcome(Status.FAIL, findings=[gov_domain.finding(site.start_url, f"Host {host!r} is {why}")])


@check(id="sec-security-txt", family="security", title="security.txt is published",
       failure_title="security.txt is missing or incomplete",
       description="Publish /.well-known/security.txt (RFC 9116) with Contact and Expires fields; CISA BOD 20-01 "
                   "expects it to point at the vulnerability disclosure policy.",
       help_url="https://securitytxt.org/", requirements=REQ, severity=Severity.MEDIUM, scope="site",
       weight=W[Severity.MEDIUM],
       production_only=True)
def security_txt(site: SiteArtifacts, ctx: SiteContext, now: dt.datetime | None = None) -> Outcome:
    s = _sec(site).get("security_txt") or {}
    url = site.start_url.rstrip("/") + "/.well-known/security.txt"
    fields = s.get("fields")
    if not fields:
        return Outcome(Status.FAIL, findings=[security_txt.finding(
            url, f"No security.txt (status {s.get('status', s.get('error', 'unknown'))})")])
    problems = [f"missing {f.capitalize()} field" for f in ("contact", "expires") if f not in fields]
    if "expires" in fields:
        try:
            exp = dt.datetime.fromisoformat(fields["expires"][0].replace("Z", "+00:00"))
            if exp < (now or dt.datetime.now(dt.timezone.utc)):
                problems.append(f"expired on {exp:%Y-%m-%d}")
        except ValueError:
            problems.append("unreadable Expires date")
    if problems:
        return Outcome(Status.FAIL, findings=[security_txt.finding(url, "security.txt: " + "; ".join(problems))])
    return Outcome(Status.PASS)


VDP_TEXT = re.compile(r"vulnerability disclosure|divulgaci[oó]n de vulnerabilidades", re.I)
VDP_HREF = re.compile(r"vulnerability-disclosure|/vdp\b|vulnerability_disclosure", re.I)


@check(id="sec-vdp", family="security", title="A vulnerability disclosure policy is published",
       failure_title="No vulnerability disclosure policy found",
       description="Publish a vulnerability disclosure policy (CISA BOD 20-01) at /vulnerability-disclosure-policy, "
                   "link it from every page and name it in security.txt Policy:.",
       help_url="https://www.cisa.gov/binding-operational-directive-20-01", requirements=REQ,
       severity=Severity.MEDIUM, scope="site", weight=W[Severity.MEDIUM])
def vdp(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    fields = (_sec(site).get("security_txt") or {}).get("fields") or {}
    if fields.get("policy"):
        return Outcome(Status.PASS, detail=f"security.txt Policy: {fields['policy'][0]}")
    for p in ctx.pages:
        for lk in (p.get("summary") or {}).get("links", {}).get("links", []) if isinstance(
                (p.get("summary") or {}).get("links"), dict) else []:
            if VDP_TEXT.search(lk.get("text", "")) or VDP_HREF.search(lk.get("href", "")):
                return Outcome(Status.PASS, detail=f"linked from {p['url']}")
    return Outcome(Status.FAIL, findings=[vdp.finding(site.start_url, "No vulnerability disclosure policy link "
                                                      "on the crawled pages and no Policy in security.txt")])
