"""JUnit XML: one testsuite per requirement; per (check, page) one failing testcase for each
finding the gates count and one passing testcase holding the rest.

The failures are exactly the findings the gates count (:func:`auditor.gates.gated_findings`:
actionable, not best-practice unless counted, at or above ``--fail-on`` when set, and with a
baseline only NEW findings): "--fail-on high: 42 findings" is 42 failures, and a green gate
never comes with a red test list. The other findings of a (check, page) (in the baseline, below
the threshold, best-practice, "needs review") are one passing testcase with them listed in its
``<system-out>``, each with why it does not count. Findings ignored by a
config rule are ``<skipped>`` with the rule's reason; a check that could not run is
``<skipped>`` too (it decided nothing, which is not a failure of the site). Checks that passed
everywhere are one passing testcase each, so counts stay meaningful.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any

from ..clusters import cluster_of, fix_phrase
from ..gates import gated_findings

NAME = "junit"
EXTENSION = "xml"
BASENAME = "idea-audit-junit"


def _clean(text: str) -> str:
    # XML 1.0 forbids most control characters; a page can contain anything.
    return "".join(ch for ch in str(text) if ch in "\t\n\r" or ord(ch) >= 0x20)


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;"))


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tag(name: str, attrs: dict[str, str], end: str = ">") -> str:
    return "<" + name + "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items()) + end


COUNTS = ("tests", "failures", "errors", "skipped")


def _why_not_counted(f: dict[str, Any], result: dict[str, Any]) -> str:
    if f["status"] == "manual":
        return "needs review"
    if f["status"] not in ("fail", "warn"):
        return f["status"]
    if result.get("baseline") is not None and f.get("baseline_state") != "new":
        return "in the baseline"
    if (result.get("checks") or {}).get(f["check_id"], {}).get("tier") == "best-practice" and not \
            (result.get("run", {}).get("settings") or {}).get("count_best_practice"):
        return "best-practice tier, not counted"
    fail_on = (result.get("gate_policy") or {}).get("fail_on")
    return f"below --fail-on {fail_on}" if fail_on else "not counted"


def _line(f: dict[str, Any], note: str = "") -> str:
    fix = fix_phrase(f.get("block"))
    return (f"[{f['severity']}] {f['message']}" + (f" ({note})" if note else "")
            + f"\nselector: {f.get('selector') or '-'}\nhelp: {f.get('help_url') or '-'}"
            + f"\ncluster: {cluster_of(f)}" + (f" ({fix})" if fix else ""))


def case_name(page: str, f: dict[str, Any], of: int) -> str:
    """A failing testcase's name: the page, and the element when the check failed on several
    elements of it (each counted finding is one failure, as the gates count them)."""
    page = page or "site"
    return f"{page} {f['selector']}" if of > 1 and f.get("selector") else page


def _suites(result: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, int], list[tuple[str, Any]]]]:
    """(requirement id, suite name, counts, cases) per requirement, in catalogue order; a case is
    ("fail", (check, name, finding)) per counted finding, ("info", (check, page, other findings)),
    ("ignored", (check, page, findings)),
    ("pass", (check, pages)) or ("error", (check, pages))."""
    checks = result["checks"]
    gated = {id(f) for f in gated_findings(result)}
    by_req: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result["findings"]:
        by_req[(f.get("requirements") or ["other"])[0]][(f["check_id"], f["page_url"])].append(f)
    ignored: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result.get("ignored") or []:
        ignored[(f.get("requirements") or ["other"])[0]][(f["check_id"], f["page_url"])].append(f)
    req_of_check = {cid: (meta.get("requirements") or ["other"])[0] for cid, meta in checks.items()}
    for req in result["requirements"]:
        rid = req["id"]
        cases = by_req.get(rid, {})
        passing = [cid for cid, meta in checks.items() if req_of_check.get(cid) == rid
                   and (meta.get("outcomes") or {}).get("pass") and not any(c == cid for c, _ in cases)]
        errors = [cid for cid, meta in checks.items() if req_of_check.get(cid) == rid
                  and (meta.get("outcomes") or {}).get("error")]
        skipped_here = ignored.get(rid, {})
        if not cases and not passing and not errors and not skipped_here:
            continue
        counts = dict.fromkeys(COUNTS, 0)
        out: list[tuple[str, Any]] = []
        for (cid, page), fs in sorted(cases.items()):
            counted = [f for f in fs if id(f) in gated]
            others = [f for f in fs if id(f) not in gated]
            for f in counted:
                counts["tests"] += 1
                counts["failures"] += 1
                out.append(("fail", (cid, case_name(page, f, len(counted)), f)))
            if others:
                counts["tests"] += 1
                out.append(("info", (cid, page, others)))
        for (cid, page), fs in sorted(skipped_here.items()):
            counts["tests"] += 1
            counts["skipped"] += 1
            out.append(("ignored", (cid, page, fs)))
        for cid in sorted(passing):
            counts["tests"] += 1
            out.append(("pass", (cid, checks[cid]["outcomes"]["pass"])))
        for cid in sorted(errors):
            counts["tests"] += 1
            counts["skipped"] += 1
            out.append(("error", (cid, checks[cid]["outcomes"]["error"])))
        yield rid, _clean(f"{rid}: {req['short']}"), counts, out


def render(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    write_to(result, buf)
    return buf.getvalue()


def _properties(result: dict[str, Any]) -> str:
    """A testsuite's <properties> (the first child JUnit's schema allows): an incremental
    re-scan's base run and counts, so a CI reader sees that some verdicts were carried over."""
    inc = result["run"].get("incremental")
    if not inc:
        return ""
    items = {"incremental.base_run": inc.get("base_run") or "", "incremental.reused": inc.get("reused", 0),
             "incremental.audited": inc.get("audited", 0), "incremental.gone": len(inc.get("gone") or []),
             "incremental.reason": inc.get("reason") or ""}
    return "".join("      " + _tag("property", {"name": k, "value": _clean(str(v))}, " />") + "\n"
                   for k, v in items.items())


def write_to(result: dict[str, Any], fh: IO[str]) -> None:
    """Write the JUnit XML a test case at a time (the element tree of a 2,000-page run took
    ~100 MB). The layout is ElementTree's with ``ET.indent``, as before."""
    suites = list(_suites(result))
    totals = {k: sum(c[k] for _, _, c, _ in suites) for k in COUNTS}
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = {"name": "idea-auditor", **{k: str(v) for k, v in totals.items()}}
    if not suites:
        fh.write(_tag("testsuites", root, " />") + "\n")
        return
    fh.write(_tag("testsuites", root) + "\n")
    props = _properties(result)
    for rid, name, counts, cases in suites:
        fh.write("  " + _tag("testsuite", {"name": name, **{k: str(v) for k, v in counts.items()}}) + "\n")
        # one <properties>, the first child JUnit's schema allows: what the failures are to fix
        # ('fix once' clusters; failures count occurrences) and an incremental re-scan's base
        fixes = {cluster_of(data[2]) for kind, data in cases if kind == "fail"}
        body = ("      " + _tag("property", {"name": "fixes", "value": str(len(fixes))}, " />") + "\n"
                if fixes else "") + props
        if body:
            fh.write("    <properties>\n" + body + "    </properties>\n")
        for kind, data in cases:
            if kind == "fail":
                cid, name, f = data
                fh.write("    " + _tag("testcase", {"classname": _clean(f"{rid}.{cid}"), "name": _clean(name)})
                         + "\n      " + _tag("failure", {"type": "warning" if f["status"] == "warn" else "failure",
                                                          "message": _clean(f["message"])})
                         + _text(_clean(_line(f))) + "</failure>\n    </testcase>\n")
            elif kind == "info":
                cid, page, others = data
                body = _clean("\n\n".join(_line(f, _why_not_counted(f, result)) for f in others))
                fh.write("    " + _tag("testcase", {"classname": _clean(f"{rid}.{cid}"), "name": _clean(page or "site")})
                         + "\n      <system-out>" + _text(body) + "</system-out>\n    </testcase>\n")
            elif kind == "ignored":
                cid, page, fs = data
                reasons = sorted({f.get("ignored_reason") or "" for f in fs})
                fh.write("    " + _tag("testcase", {"classname": _clean(f"{rid}.{cid}"), "name": _clean(page or "site")})
                         + "\n      " + _tag("skipped", {"message": _clean(f"ignored: {'; '.join(reasons)}")}, " />")
                         + "\n      <system-out>" + _text(_clean("\n\n".join(
                             _line(f, f"ignored by {f.get('ignored_by') or 'a rule'}: {f.get('ignored_reason') or ''}")
                             for f in fs))) + "</system-out>\n    </testcase>\n")
            elif kind == "pass":
                cid, n = data
                fh.write("    " + _tag("testcase", {"classname": _clean(f"{rid}.{cid}"),
                                                    "name": _clean(f"passed on {n} page(s)")}, " />") + "\n")
            else:
                cid, n = data
                fh.write("    " + _tag("testcase", {"classname": _clean(f"{rid}.{cid}"), "name": "check error"})
                         + "\n      " + _tag("skipped", {"message": f"the check could not run on {n} page(s)"}, " />")
                         + "\n    </testcase>\n")
        fh.write("  </testsuite>\n")
    fh.write("</testsuites>\n")
