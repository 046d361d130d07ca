"""JUnit XML: one testsuite per requirement, one testcase per (check, page).

A (check, page) with failing findings is a <failure> carrying the message, selector and
help URL of each; warnings are failures of type "warning"; "needs review" is <skipped>;
checks that passed everywhere are one passing testcase each, so counts stay meaningful.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any

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


def _suites(result: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, int], list[tuple[str, Any]]]]:
    """(requirement id, suite name, counts, cases) per requirement, in catalogue order; a case is
    ("fail" | "review", (check, page, findings)), ("pass", (check, pages)) or ("error", (check, pages))."""
    checks = result["checks"]
    by_req: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result["findings"]:
        by_req[f["requirements"][0]][(f["check_id"], f["page_url"])].append(f)
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
        counts = dict.fromkeys(COUNTS, 0)
        out: list[tuple[str, Any]] = []
        for (cid, page), fs in sorted(cases.items()):
            counts["tests"] += 1
            fails = [f for f in fs if f["status"] in ("fail", "warn")]
            if fails:
                counts["failures"] += 1
                out.append(("fail", (cid, page, fails)))
            else:
                counts["skipped"] += 1
                out.append(("review", (cid, page, fs)))
        for cid in sorted(passing):
            counts["tests"] += 1
            out.append(("pass", (cid, checks[cid]["outcomes"]["pass"])))
        for cid in sorted(errors):
            counts["tests"] += 1
            counts["errors"] += 1
            out.append(("error", (cid, checks[cid]["outcomes"]["error"])))
        yield rid, _clean(f"{rid}: {req['short']}"), counts, out


def render(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    write_to(result, buf)
    return buf.getvalue()


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
    for rid, name, counts, cases in suites:
        fh.write("  " + _tag("testsuite", {"name": name, **{k: str(v) for k, v in counts.items()}}) + "\n")
        for kind, data in cases:
            if kind in ("fail", "review"):
                cid, page, fs = data
                fh.write("    " + _tag("testcase", {"classname": _clean(f"{rid}.{cid}"), "name": _clean(page or "site")})
                         + "\n      ")
                if kind == "fail":
                    worst = "warning" if all(f["status"] == "warn" for f in fs) else "failure"
                    body = _clean("\n\n".join(
                        f"[{f['severity']}] {f['message']}\nselector: {f['selector'] or '-'}\nhelp: {f['help_url']}"
                        for f in fs))
                    fh.write(_tag("failure", {"type": worst, "message": _clean(f"{fs[0]['message']} ({len(fs)} element(s))")})
                             + _text(body) + "</failure>")
                else:
                    fh.write(_tag("skipped", {"message": _clean(f"needs review: {fs[0]['message']}")}, " />"))
                fh.write("\n    </testcase>\n")
            elif kind == "pass":
                cid, n = data
                fh.write("    " + _tag("testcase", {"classname": _clean(f"{rid}.{cid}"),
                                                    "name": _clean(f"passed on {n} page(s)")}, " />") + "\n")
            else:
                cid, n = data
                fh.write("    " + _tag("testcase", {"classname": _clean(f"{rid}.{cid}"), "name": "check error"})
                         + "\n      " + _tag("error", {"message": f"the check could not run on {n} page(s)"}, " />")
                         + "\n    </testcase>\n")
        fh.write("  </testsuite>\n")
    fh.write("</testsuites>\n")
