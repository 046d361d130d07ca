"""Customized experience (IDEA 3(a)(7)): what an automated crawl can see (language
options, sign-in/account, preferences) reported as a MANUAL item, so the requirement is
always in the scorecard and a person judges whether it fits the service.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.checking import SiteContext, check, summarizer
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status

from ._html import parse

LANGUAGE = re.compile(r"^(espa[nñ]ol|english|français|中文|tiếng việt|한국어|русский|português|"
                      r"other languages|languages|idiomas)$", re.I)
ACCOUNT = re.compile(r"\b(sign in|log ?in(?![.\w])|my account|sign up|create (an )?account|iniciar sesi[oó]n)\b", re.I)
PREFS = re.compile(r"\b(preferences|settings|subscribe|email updates|alerts|dark mode|text size)\b", re.I)
#: A control says what it does in a few words; a longer link text is a headline or a sentence
#: that mentions accounts or settings ("How Login.gov uses roadmapping", "Check your settings").
MAX_CONTROL_WORDS = 5
#: Destinations of account and preference controls, whatever their text.
CONTROL_HREF = re.compile(r"/(sign[-_]?in|log[-_]?in|account|my[-_]?account|profile|preferences|"
                          r"subscribe|subscriptions)(/|$|\?)", re.I)


def _control(text: str, href: str, region: str) -> bool:
    """Whether a link reads as a control: a few words in the site's header or footer, or
    pointing at an account/preferences destination."""
    if CONTROL_HREF.search(href or ""):
        return True
    # sign-in, language and subscription controls sit in the site's header or footer; a side
    # navigation's "Settings" is a documentation page
    return len(text.split()) <= MAX_CONTROL_WORDS and region in ("header", "footer")


@summarizer("custom")
def summarize_custom(page: PageArtifacts) -> dict[str, Any]:
    doc = parse(page.html)
    seen: dict[str, list[str]] = {"language": [], "account": [], "preferences": []}
    for el in doc.xpath("//link[@hreflang]|//a[@hreflang]"):
        seen["language"].append(f"hreflang={el.get('hreflang')}")
    for lk in page.links:
        t = (lk.text or "").strip()
        if (lk.href or "").lower().startswith("mailto:"):
            continue  # an address (partners@login.gov) is not a sign-in
        if LANGUAGE.match(t):
            seen["language"].append(t)
        elif not _control(t, lk.href or "", lk.region or "other"):
            continue
        elif ACCOUNT.search(t):
            seen["account"].append(t)
        elif PREFS.search(t):
            seen["preferences"].append(t)
    return {k: sorted(set(v))[:10] for k, v in seen.items()}


@check(id="custom-experience", family="customization", title="Options for a customized experience (manual)",
       failure_title="Options for a customized experience (manual)",
       description="IDEA 3(a)(7) asks for a more customized digital experience where practicable: language "
                   "options, accounts, saved preferences, notifications. A person must judge what fits.",
       help_url="https://digital.gov/resources/21st-century-integrated-digital-experience-act/",
       requirements=["idea-3a7"], severity=Severity.INFO, scope="site", weight=0.0)
def experience(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    seen: dict[str, set[str]] = {"language": set(), "account": set(), "preferences": set()}
    for p in ctx.pages:
        s = (p.get("summary") or {}).get("custom") or {}
        for k in seen:
            seen[k].update(s.get(k) or [])
    parts = [f"{k}: {', '.join(sorted(v)) if v else 'none seen'}" for k, v in seen.items()]
    msg = "Seen: " + "; ".join(parts) + ". Review whether customization fits the service."
    return Outcome(Status.MANUAL, detail=msg, findings=[experience.finding(
        site.start_url, msg, status=Status.MANUAL)])
