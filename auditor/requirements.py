"""The requirement catalog: the spine of every report.

One record per requirement of the 21st Century IDEA Act, Sec. 3(a), and per item that
OMB M-23-22 ("Delivering a Digital-First Public Experience") and the federal website
standards add. Checks point at these ids; scoring weights live here, as data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Requirement:
    id: str
    """Stable id used by checks, scores and every output format."""
    short: str
    """A few words for cards and table headings."""
    citation: str
    """Where the requirement comes from."""
    text: str
    """The requirement in the source's own terms (paraphrased where long)."""
    weight: float = 1.0
    """Weight of this requirement in the overall score."""
    manual: str = ""
    """What a person must check because no automation can judge it fully."""


IDEA = "21st Century IDEA, Pub. L. 115-336, Sec. 3(a)"
M2322 = "OMB M-23-22"

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("idea-3a1", "Accessible", f"{IDEA}(1)",
                "Accessible to individuals with disabilities in accordance with Section 508 of the "
                "Rehabilitation Act (WCAG 2.x Level A and AA).", 3.0,
                "Automated testing finds only part of accessibility barriers: test with a keyboard "
                "and a screen reader, and review the items axe-core marked 'needs review'."),
    Requirement("idea-3a2", "Consistent appearance", f"{IDEA}(2)",
                "Have a consistent appearance (use the U.S. Web Design System).", 1.0,
                "Confirm the visual design follows USWDS components and the agency's brand."),
    Requirement("idea-3a3", "No duplication", f"{IDEA}(3)",
                "Not overlap with or duplicate any legacy websites.", 1.0,
                "Confirm no other agency site publishes the same content."),
    Requirement("idea-3a4", "Search", f"{IDEA}(4)",
                "Contain a search function that allows users to easily search content intended "
                "for public use.", 1.0),
    Requirement("idea-3a5", "Secure connection", f"{IDEA}(5)",
                "Provide users of the website with the option for a more secure connection "
                "(HTTPS, HSTS).", 2.0),
    Requirement("idea-3a6", "User-centered", f"{IDEA}(6)",
                "Be designed around user needs with data-driven analysis influencing management "
                "and development decisions, using qualitative and quantitative data.", 1.0,
                "Ask the team for its user research and how analytics inform decisions."),
    Requirement("idea-3a7", "Customizable", f"{IDEA}(7)",
                "Provide users the option for a more customized digital experience, to the extent "
                "practicable.", 0.5,
                "Check language options, accounts and saved preferences where they fit the service."),
    Requirement("idea-3a8", "Mobile-friendly", f"{IDEA}(8)",
                "Be fully functional and usable on common mobile devices.", 2.0),
    Requirement("m2322-plain-language", "Plain language", f"{M2322}, Sec. III.B",
                "Content is authoritative and easy to understand, written in plain language.", 1.0,
                "Have a person read key pages for clarity, tone and task focus."),
    Requirement("m2322-dap", "Analytics (DAP)", f"{M2322}, Sec. III.D",
                "Participate in the GSA Digital Analytics Program (DAP) on all public pages.", 1.0),
    Requirement("m2322-uswds", "USWDS", f"{M2322}, Sec. III.A",
                "Use the U.S. Web Design System, including the official-site banner.", 1.0),
    Requirement("m2322-domain", ".gov / .mil domain", f"{M2322}, Sec. III.C",
                "Use a .gov or .mil domain.", 1.0),
    Requirement("m2322-discoverable", "Discoverable", f"{M2322}, Sec. III.E",
                "Be discoverable by search engines: robots.txt does not block the site, "
                "sitemap.xml, unique titles and descriptions, timely content, no broken links.", 1.0),
    Requirement("m2322-required-links", "Required links", f"{M2322}, Sec. III.F",
                "Carry the required links: About, Accessibility statement, Budget and Performance, "
                "FOIA, No FEAR Act data, Office of Inspector General, Privacy policy, USA.gov, "
                "Vulnerability Disclosure Policy.", 1.0),
    Requirement("m2322-no-captcha", "No CAPTCHA walls", f"{M2322}, Sec. III.E",
                "Do not block access with CAPTCHA or similar walls for content meant to be public.",
                0.5, "Confirm public content is reachable without solving a CAPTCHA."),
)

BY_ID: dict[str, Requirement] = {r.id: r for r in REQUIREMENTS}


def get(req_id: str) -> Requirement:
    try:
        return BY_ID[req_id]
    except KeyError:
        raise KeyError(f"unknown requirement id {req_id!r}") from None
