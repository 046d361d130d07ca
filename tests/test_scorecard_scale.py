"""A 2,000-page run's scorecard stays small: repeated findings aggregate, page lists are capped.

Run as a script to print the measurement quoted in docs/scorecard.md:
    PYTHONPATH=. python tests/test_scorecard_scale.py
"""

from __future__ import annotations

import time

from auditor import checking, requirements
from auditor.report import html

PAGES = 2000
MAX_BYTES = 1_500_000


def synthetic_result(pages: int = PAGES) -> dict:
    """A realistic big run: every page shares header/footer problems (the same element on every
    page), a third have their own image-alt failures, a tenth have contrast failures."""
    specs = checking.load_all()
    cids = [c for c in ("axe-image-alt", "axe-color-contrast", "axe-link-name", "axe-bypass") if c in specs]
    urls = [f"https://agency.gov/section-{i // 50}/page-{i}.html" for i in range(pages)]
    findings = []

    def f(cid, url, selector, snippet, msg):
        spec = specs[cid]
        findings.append({"check_id": cid, "status": "fail", "severity": spec.severity.label,
                         "requirements": list(spec.requirements), "wcag": list(spec.wcag), "page_url": url,
                         "message": msg, "help_url": spec.help_url, "fix_hint": "Fix the element.",
                         "selector": selector, "snippet": snippet, "fingerprint": f"{cid}|{url}|{selector}"})

    for i, url in enumerate(urls):
        f(cids[2], url, "footer > a.social", '<a class="social" href="https://x.example/agency"><svg></svg></a>',
          "Link has no discernible text")
        f(cids[1], url, "header .tagline", '<p class="tagline">Serving the public</p>', "Contrast 3.1:1")
        if i % 3 == 0:
            for k in range(3):
                f(cids[0], url, f"main img:nth-child({k + 1})", f'<img src="/img/{i}-{k}.png">', "Image has no alt")
        if i % 10 == 0:
            f(cids[3], url, f"#promo-{i}", f'<div id="promo-{i}">Promo {i} text</div>', "Page has no skip link")
    reqs = [{"id": r.id, "short": r.short, "citation": r.citation, "text": r.text, "weight": r.weight,
             "manual": r.manual} for r in requirements.REQUIREMENTS]
    return {
        "schema_version": "1.0",
        "run": {"id": "synthetic", "tool": "idea-auditor", "tool_version": "0", "started": "2026-11-22T00:00:00+00:00",
                "finished": None, "status": "complete", "error": None, "seeds": ["https://agency.gov/"],
                "settings": {}, "limits_hit": ["max_pages"]},
        "summary": {"pages_audited": pages, "pages_failed": 0, "pages_skipped": 120, "findings": len(findings),
                    "by_status": {"fail": len(findings)}, "by_severity": {}},
        "pages": [{"url": u, "final_url": u, "status_code": 200, "error": None, "depth": 2,
                   "title": f"Page {i} | Agency"} for i, u in enumerate(urls)],
        "skipped": {"off-site": 120}, "skipped_examples": {},
        "findings": findings,
        "scores": {"overall": 61.5, "requirements": {"idea-3a1": 61.5},
                   "details": {"idea-3a1": {"score": 61.5, "counts": {"pass": 9000, "fail": len(findings)}}}},
        "requirements": reqs,
        "checks": {cid: {**specs[cid].to_dict(), "outcomes": {}} for cid in cids},
        "history": None,
    }


def test_2000_page_scorecard_is_small():
    result = synthetic_result()
    assert len(result["findings"]) > 5000
    out = html.render(result)
    assert len(out.encode()) < MAX_BYTES
    # aggregated: the shared footer problem is one entry that names its page count
    assert f"On {PAGES:,} pages" in out
    # capped page table says so
    assert f"of {PAGES:,}; every page is in the JSON result" in out


if __name__ == "__main__":
    res = synthetic_result()
    t0 = time.perf_counter()
    out = html.render(res)
    print(f"{PAGES} pages, {len(res['findings']):,} findings: scorecard {len(out.encode()) / 1024:.0f} KiB, "
          f"rendered in {time.perf_counter() - t0:.2f}s")
