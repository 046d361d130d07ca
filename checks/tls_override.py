"""A certificate accepted only because of ``--insecure``: the audit goes on, the failure is reported.

The preflight (auditor/scan.py) tries a verified TLS handshake first when ``--insecure`` is
given and records why it failed in ``site.extra["tls_error"]``.
"""

from __future__ import annotations

from auditor.checking import check
from auditor.model import Outcome, Severity, SiteArtifacts, Status


@check(id="sec-tls-accepted-insecurely", family="security",
       title="The site's TLS certificate verifies",
       failure_title="The site's TLS certificate does not verify (audited only with --insecure)",
       description="Serve a certificate from a publicly trusted CA that is valid today and names this host.",
       help_url="https://https.cio.gov/", requirements=["idea-3a5"], severity=Severity.HIGH, scope="site",
       production_only=True)
def tls_accepted_insecurely(site: SiteArtifacts, ctx: object) -> Outcome:
    error = site.extra.get("tls_error")
    if not site.start_url.startswith("https:"):
        return Outcome(Status.NOT_APPLICABLE, detail="not an https site")
    if not error:
        return Outcome(Status.PASS, 1.0) if "tls_error" in site.extra else Outcome(
            Status.NOT_APPLICABLE, detail="certificate not checked (only with --insecure)")
    spec = tls_accepted_insecurely
    return Outcome(Status.FAIL, 0.0, [spec.finding(site.start_url, f"certificate not trusted: {error}")])
