"""Analytics and user needs (IDEA 3(a)(6), M-23-22 III.D): the GSA Digital Analytics
Program (DAP) on every page with its agency/subagency parameters, a feedback mechanism,
and the third-party hosts each page loads (for a person to review).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

from auditor.checking import SiteContext, check, summarizer
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status
from auditor.scoring import SEVERITY_WEIGHT

from ._html import host_of, page_url, parse, text_of

W = SEVERITY_WEIGHT
DAP_SCRIPT = re.compile(r"Universal-Federated-Analytics(-Min)?\.js", re.I)
DAP_MARKERS = re.compile(r"_fed_an_ua_tag|G-CSLL4ZEK4L", re.I)
FEEDBACK_TEXT = re.compile(r"was this page helpful|did you find what you|give feedback|send feedback|feedback|"
                           r"page feedback|rate this page|contact us|\bcontact\b|e-?mail us|write to us|tell us|"
                           r"help us improve|improve this (page|site|website)|suggest (an? )?(edit|change|improvement)|"
                           r"report (a|an) (problem|issue|error|bug)|share your (feedback|thoughts|ideas)|"
                           r"¿le fue [uú]til|comentarios|cont[aá]ctenos|escr[ií]banos",
                           re.I)
#: Destinations that take feedback whatever the link says: contact/feedback pages, an email
#: address, a Touchpoints form, a repository's issue tracker or edit page (sites built in the open
#: ask for corrections there).
FEEDBACK_HREF = re.compile(r"/(contact|feedback)|^mailto:|touchpoints|github\.com/[^/]+/[^/]+/(issues|edit|blob)",
                           re.I)
TOUCHPOINTS = re.compile(r"touchpoints\.app\.cloud\.gov|touchpoints\.digital\.gov|fba-modal|touchpoints", re.I)


def dap_facts(page: PageArtifacts) -> dict[str, Any]:
    doc = parse(page.html)
    srcs = [s.get("src") or "" for s in doc.iter("script")]
    script = next((u for u in list(page.requests) + srcs if DAP_SCRIPT.search(u)), None)
    inline = bool(DAP_MARKERS.search(page.html or "")) or any(DAP_MARKERS.search(r) for r in page.requests)
    params: dict[str, str] = {}
    if script:
        q = parse_qs(urlsplit(script).query)
        params = {k.lower(): v[0] for k, v in q.items()}
    return {"script": script, "loaded": any(DAP_SCRIPT.search(r) for r in page.requests),
            "markers": inline, "agency": params.get("agency"), "subagency": params.get("subagency"),
            "id": "dap-script"}


@check(id="dap-present", family="analytics", title="DAP analytics is on the page",
       failure_title="DAP analytics is missing",
       description="Add the DAP script: <script async id=\"_fed_an_ua_tag\" src=\"https://dap.digitalgov.gov/"
                   "Universal-Federated-Analytics-Min.js?agency=AGENCY\"></script> to every public page.",
       help_url="https://digital.gov/guides/dap/", requirements=["m2322-dap", "idea-3a6"],
       severity=Severity.HIGH, artifacts=("html",), weight=W[Severity.HIGH])
def dap_present(page: PageArtifacts) -> Outcome:
    f = dap_facts(page)
    url = page_url(page)
    if not f["script"] and not f["markers"]:
        return Outcome(Status.FAIL, findings=[dap_present.finding(url, "No DAP script or DAP tag on the page")])
    detail = f"agency={f['agency']} subagency={f['subagency']}; loaded={'yes' if f['loaded'] else 'no'}"
    if f["script"] and not f["agency"]:
        return Outcome(Status.WARN, detail=detail, findings=[dap_present.finding(
            url, "DAP script has no agency= parameter", snippet=f["script"], status=Status.WARN,
            severity=Severity.LOW)])
    return Outcome(Status.PASS, detail=detail)


def feedback_facts(page: PageArtifacts) -> list[str]:
    found = []
    if any(TOUCHPOINTS.search(r) for r in page.requests) or TOUCHPOINTS.search(page.html or ""):
        found.append("touchpoints")
    for lk in page.links:
        href = (lk.href or "").strip()
        if FEEDBACK_TEXT.search(lk.text or "") or FEEDBACK_HREF.search(href):
            kind = "email" if href.lower().startswith("mailto:") else (
                "GitHub" if "github.com/" in href.lower() else "link")
            found.append(f"{kind}: {lk.text or href}")
            break
    doc = parse(page.html)
    for form in doc.iter("form"):
        if re.search(r"helpful|feedback|rate", text_of(form), re.I):
            found.append("feedback form")
            break
    return found


@summarizer("analytics")
def summarize_analytics(page: PageArtifacts) -> dict[str, Any]:
    own = host_of(page_url(page))
    third = sorted({host_of(r) for r in page.requests if r.startswith(("http://", "https://"))} - {own, ""})
    return {"feedback": feedback_facts(page), "third_party": third[:50], "dap": dap_facts(page)}


@check(id="analytics-feedback", family="analytics", title="Site offers a feedback mechanism",
       failure_title="No feedback mechanism found",
       description="Let people tell you what works: a Touchpoints form, a 'Was this page helpful?' widget or at "
                   "least a contact link on every page (IDEA 3(a)(6)).",
       help_url="https://touchpoints.digital.gov/", requirements=["idea-3a6"], severity=Severity.MEDIUM,
       scope="site", weight=W[Severity.MEDIUM])
def feedback(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    rows = [(p.get("final_url") or p["url"], ((p.get("summary") or {}).get("analytics") or {}).get("feedback") or [])
            for p in ctx.pages if not p.get("error") and (p.get("status_code") or 0) < 400]
    if not rows:
        return Outcome(Status.NOT_APPLICABLE, detail="no pages")
    missing = [u for u, f in rows if not f]
    if len(missing) == len(rows):
        return Outcome(Status.FAIL, findings=[feedback.finding(site.start_url, "No page offers feedback, a "
                                                               "Touchpoints form or a contact link")])
    if missing:
        return Outcome(Status.WARN, findings=[feedback.finding(u, "No feedback or contact link on this page",
                                                               status=Status.WARN, severity=Severity.LOW)
                                              for u in sorted(missing)])
    kinds = Counter(x.split(":")[0] for _, f in rows for x in f)
    return Outcome(Status.PASS, detail=", ".join(f"{k} on {n} page(s)" for k, n in kinds.items()))


@check(id="analytics-third-party", family="analytics", title="Third-party services are listed for review",
       failure_title="Third-party services to review",
       description="Each third-party host receives visitors' data: confirm it is covered by the privacy policy "
                   "and a Privacy Impact Assessment.",
       help_url="https://digital.gov/resources/privacy-policy/", requirements=["idea-3a6"],
       severity=Severity.INFO, scope="site", weight=W[Severity.INFO])
def third_party(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    hosts: dict[str, list[str]] = {}
    for p in ctx.pages:
        for h in ((p.get("summary") or {}).get("analytics") or {}).get("third_party") or []:
            hosts.setdefault(h, []).append(p.get("final_url") or p["url"])
    if not hosts:
        return Outcome(Status.PASS, detail="no third-party hosts")
    return Outcome(Status.MANUAL, detail=", ".join(sorted(hosts)), findings=[
        third_party.finding(pages[0], f"Loads from third-party host {h} on {len(pages)} page(s)",
                            status=Status.MANUAL, snippet=h) for h, pages in sorted(hosts.items())])
