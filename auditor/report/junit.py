"""JUnit XML: one testsuite per requirement, one testcase per (check, page).

A (check, page) with failing findings is a <failure> carrying the message, selector and
help URL of each; warnings are failures of type "warning"; "needs review" is <skipped>;
checks that passed everywhere are one passing testcase each, so counts stay meaningful.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

NAME = "junit"
EXTENSION = "xml"
BASENAME = "idea-audit-junit"


def _clean(text: str) -> str:
    # XML 1.0 forbids most control characters; a page can contain anything.
    return "".join(ch for ch in str(text) if ch in "\t\n\r" or ord(ch) >= 0x20)


def render(result: dict[str, Any]) -> str:
    checks = result["checks"]
    by_req: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result["findings"]:
        by_req[f["requirements"][0]][(f["check_id"], f["page_url"])].append(f)
    root = ET.Element("testsuites", name="idea-auditor", tests="0", failures="0", errors="0", skipped="0")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    req_of_check = {cid: (meta.get("requirements") or ["other"])[0] for cid, meta in checks.items()}
    for req in result["requirements"]:
        rid = req["id"]
        cases = by_req.get(rid, {})
        passing = [cid for cid, meta in checks.items() if req_of_check.get(cid) == rid
                   and (meta.get("outcomes") or {}).get("pass") and not any(c == cid for c, _ in cases)]
        errors = [cid for cid, meta in checks.items() if req_of_check.get(cid) == rid
                  and (meta.get("outcomes") or {}).get("error")]
        if not cases and not passing and not errors:
            continue
        suite = ET.SubElement(root, "testsuite", name=_clean(f"{rid}: {req['short']}"))
        counts = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        for (cid, page), fs in sorted(cases.items()):
            case = ET.SubElement(suite, "testcase", classname=_clean(f"{rid}.{cid}"), name=_clean(page or "site"))
            counts["tests"] += 1
            fails = [f for f in fs if f["status"] in ("fail", "warn")]
            if fails:
                worst = "warning" if all(f["status"] == "warn" for f in fails) else "failure"
                el = ET.SubElement(case, "failure", type=worst,
                                   message=_clean(f"{fails[0]['message']} ({len(fails)} element(s))"))
                el.text = _clean("\n\n".join(
                    f"[{f['severity']}] {f['message']}\nselector: {f['selector'] or '-'}\nhelp: {f['help_url']}"
                    for f in fails))
                counts["failures"] += 1
            else:
                ET.SubElement(case, "skipped", message=_clean(f"needs review: {fs[0]['message']}"))
                counts["skipped"] += 1
        for cid in sorted(passing):
            n = checks[cid]["outcomes"]["pass"]
            ET.SubElement(suite, "testcase", classname=_clean(f"{rid}.{cid}"),
                          name=_clean(f"passed on {n} page(s)"))
            counts["tests"] += 1
        for cid in sorted(errors):
            case = ET.SubElement(suite, "testcase", classname=_clean(f"{rid}.{cid}"), name="check error")
            ET.SubElement(case, "error", message=f"the check could not run on {checks[cid]['outcomes']['error']} page(s)")
            counts["tests"] += 1
            counts["errors"] += 1
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
