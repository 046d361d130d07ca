"""The report phase stays lean as runs grow: reports are written a piece at a time with the
same bytes as before, and nothing held grows with the run's outcomes (~100 a page).

Memory is measured with tracemalloc (allocation counts, not time), on a real SQLite store.
"""

from __future__ import annotations

import io
import json
import random
import tracemalloc
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

import pytest
from test_scorecard_scale import synthetic_result

from auditor import report, scoring
from auditor.clusters import cluster_of
from auditor.gates import gated_findings
from auditor.model import Finding, PageArtifacts, Severity, Status
from auditor.report import junit, sarif
from auditor.report.junit import _clean, _line, _why_not_counted, case_name
from auditor.report.stream import Lazy, write_json
from auditor.store import Store


# -- write_json: exactly json.dumps(indent=2, ensure_ascii=False) --------------------------
def _random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.choice(["str", "int", "float", "none", "bool", "list", "dict", "tuple", "empty"]
                      if depth < 5 else ["str", "int", "none"])
    if kind == "str":
        return rng.choice(["", "plain", "quote \" and \\ back", "line\nbreak\ttab\r", "é ünï 中文 \u2028",
                           "<script>alert(1)</script>", "\x00\x1f control"])
    if kind == "int":
        return rng.randint(-10**12, 10**12)
    if kind == "float":
        return rng.choice([0.1, -2.5e-9, 1e300, 3.0])
    if kind == "none":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "empty":
        return rng.choice([[], {}, ()])
    n = rng.randint(0, 4)
    if kind == "dict":
        keys = [rng.choice(["a", "b", "key \"q\"", "é", "\n", "runs", "x" * rng.randint(1, 3)]) for _ in range(n)]
        d: dict[Any, Any] = {k: _random_value(rng, depth + 1) for k in keys}
        if rng.random() < 0.1:
            d[7] = "non-string key"  # json.dumps turns it into "7": the writer must agree
        return d
    items = [_random_value(rng, depth + 1) for _ in range(n)]
    return tuple(items) if kind == "tuple" else items


@pytest.mark.parametrize("depth", [0, 1, 3, 6])
def test_write_json_matches_json_dumps(depth: int) -> None:
    rng = random.Random(depth)
    for _ in range(300):
        doc = _random_value(rng)
        buf = io.StringIO()
        write_json(buf, doc, depth=depth)
        assert buf.getvalue() == json.dumps(doc, indent=2, ensure_ascii=False)


def test_lazy_lists_are_written_as_made() -> None:
    made: list[int] = []

    def items():
        for i in range(3):
            made.append(i)
            yield {"n": i, "deep": [i, {"x": None}]}

    doc = {"a": [1], "runs": [{"results": Lazy(items()), "after": {}}], "empty": Lazy(iter(()))}
    buf = io.StringIO()
    write_json(buf, doc, depth=2)
    expected = {"a": [1], "runs": [{"results": [{"n": i, "deep": [i, {"x": None}]} for i in range(3)], "after": {}}],
                "empty": []}
    assert buf.getvalue() == json.dumps(expected, indent=2, ensure_ascii=False)
    assert made == [0, 1, 2]


# -- reporters: streamed output equals the whole-string output ------------------------------
def _with_review_and_errors(pages: int) -> dict[str, Any]:
    result = synthetic_result(pages)
    f0 = dict(result["findings"][0])
    result["findings"].append({**f0, "status": "manual", "message": "Needs review: a & b < c \"q\"",
                               "page_url": "https://agency.gov/x?a=1&b=<2>", "fingerprint": "r1"})
    result["findings"].append({**f0, "status": "warn", "message": "warn\x01ing\nline", "fingerprint": "w1"})
    cid = next(iter(result["checks"]))
    result["checks"][cid]["outcomes"] = {"pass": 3, "error": 2}
    result["ignored"] = [{**f0, "ignored_reason": "Vendor widget & <legacy>", "ignored_by": "check=x"}]
    return result


def _junit_elementtree(result: dict[str, Any]) -> str:
    """The JUnit writer built with ElementTree, the reference for the streamed writer's bytes."""
    checks = result["checks"]
    gated = {id(f) for f in gated_findings(result)}
    by_req: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result["findings"]:
        by_req[f["requirements"][0]][(f["check_id"], f["page_url"])].append(f)
    ignored: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result.get("ignored") or []:
        ignored[f["requirements"][0]][(f["check_id"], f["page_url"])].append(f)
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
        if not cases and not passing and not errors and not ignored.get(rid):
            continue
        suite = ET.SubElement(root, "testsuite", name=_clean(f"{rid}: {req['short']}"))
        counts = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        for (cid, page), fs in sorted(cases.items()):
            fails = [f for f in fs if id(f) in gated]
            others = [f for f in fs if id(f) not in gated]
            for f in fails:
                case = ET.SubElement(suite, "testcase", classname=_clean(f"{rid}.{cid}"),
                                     name=_clean(case_name(page, f, len(fails))))
                el = ET.SubElement(case, "failure", type="warning" if f["status"] == "warn" else "failure",
                                   message=_clean(f["message"]))
                el.text = _clean(_line(f))
                counts["tests"] += 1
                counts["failures"] += 1
            if others:
                case = ET.SubElement(suite, "testcase", classname=_clean(f"{rid}.{cid}"), name=_clean(page or "site"))
                ET.SubElement(case, "system-out").text = _clean(
                    "\n\n".join(_line(f, _why_not_counted(f, result)) for f in others))
                counts["tests"] += 1
        for (cid, page), fs in sorted(ignored.get(rid, {}).items()):
            case = ET.SubElement(suite, "testcase", classname=_clean(f"{rid}.{cid}"), name=_clean(page or "site"))
            reasons = "; ".join(sorted({f["ignored_reason"] for f in fs}))
            ET.SubElement(case, "skipped", message=_clean(f"ignored: {reasons}"))
            ET.SubElement(case, "system-out").text = _clean("\n\n".join(
                _line(f, f"ignored by {f['ignored_by']}: {f['ignored_reason']}") for f in fs))
            counts["tests"] += 1
            counts["skipped"] += 1
        for cid in sorted(passing):
            n = checks[cid]["outcomes"]["pass"]
            ET.SubElement(suite, "testcase", classname=_clean(f"{rid}.{cid}"), name=_clean(f"passed on {n} page(s)"))
            counts["tests"] += 1
        for cid in sorted(errors):
            case = ET.SubElement(suite, "testcase", classname=_clean(f"{rid}.{cid}"), name="check error")
            ET.SubElement(case, "skipped", message=f"the check could not run on {checks[cid]['outcomes']['error']} page(s)")
            counts["tests"] += 1
            counts["skipped"] += 1
        fixes = {cluster_of(f) for fs in cases.values() for f in fs if id(f) in gated}
        if fixes:  # the failures' fix-once clusters, ahead of the testcases
            props = ET.Element("properties")
            ET.SubElement(props, "property", name="fixes", value=str(len(fixes)))
            suite.insert(0, props)
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@pytest.mark.parametrize("pages", [0, 1, 40])
def test_junit_stream_equals_elementtree_output(pages: int) -> None:
    result = _with_review_and_errors(pages) if pages else synthetic_result(0)
    if not pages:
        result["checks"] = {}
    buf = io.StringIO()
    junit.write_to(result, buf)
    assert buf.getvalue() == _junit_elementtree(result)
    ET.fromstring(buf.getvalue().split("\n", 1)[1])  # well-formed


def test_sarif_and_json_stream_equal_their_whole_documents() -> None:
    result = _with_review_and_errors(40)
    result["baseline"] = {"fixed_findings": [{**result["findings"][0], "fingerprint": "gone"}]}
    buf = io.StringIO()
    sarif.write_to(result, buf)
    doc = json.loads(buf.getvalue())
    assert buf.getvalue() == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    results = doc["runs"][0]["results"]
    assert len(results) == len(result["findings"]) + 1 + len(result["ignored"])
    (suppressed,) = [r for r in results if r.get("suppressions")]
    assert suppressed["suppressions"][0]["justification"] == "Vendor widget & <legacy>"
    assert not [r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .startswith(("http:", "https:"))]
    buf = io.StringIO()
    report.reporters()["json"].write_to(result, buf)
    assert buf.getvalue() == json.dumps(result, indent=2, ensure_ascii=False) + "\n"


# -- the store side: grouped scores, filtered and streamed outcomes, shared finding values ---
CHECKS = [(f"chk-{i}", [f"idea-3a{1 + i % 7}"], [1.0, 3.0, 7.0][i % 3]) for i in range(60)]


def _fill(store: Store, run_id: str, pages: int, finding_pages: int = 20) -> None:
    """``pages`` pages of 60 outcomes each (statuses and scores varied); findings only on the
    first ``finding_pages`` pages, so what a report must show stays the same as pages grow."""
    store.create_run(run_id, "0", ["https://agency.gov/"], {})
    rng = random.Random(pages)
    statuses = ["pass", "fail", "warn", "not-applicable", "manual", "error"]
    for p in range(pages):
        url = f"https://agency.gov/p{p}"
        outcomes = []
        for cid, reqs, weight in CHECKS:
            st = rng.choice(statuses)
            score = {"pass": 1.0, "fail": 0.0, "warn": 0.5}.get(st)
            if st == "pass" and rng.random() < 0.3:
                score = rng.choice([0.25, 0.8])  # partial scores exist too
            outcomes.append((cid, st, score, weight, reqs, "detail " * 5))
        findings = [Finding(cid, Status.FAIL, Severity.MEDIUM, reqs, ["1.1.1"], url, f"message of {cid}",
                            "https://help/", "fix it", f"#el{k}", f"<img id=el{k}>")
                    for k, (cid, reqs, _) in enumerate(CHECKS[:5])] if p < finding_pages else []
        store.save_page(run_id, PageArtifacts(url=url, final_url=url, status_code=200, title=f"P{p}"),
                        {"n": p}, outcomes, findings, keep_artifacts=False)
    store.update_run(run_id, status="complete")


def _row_by_row_facts(store: Store, run_id: str, infos: dict[str, scoring.CheckInfo]) -> scoring.RunFacts:
    """What facts_from_store sums in SQL, read one outcome and one finding at a time."""
    from collections import Counter

    facts = scoring.RunFacts(pages=len(store.audited_pages(run_id)))
    failing: list[tuple[str, str, str]] = []
    for o in store.iter_outcomes(run_id):
        facts.counts.setdefault(o["check_id"], Counter())[o["status"]] += 1
        if o["weight"] > 0 and o["status"] in ("pass", "fail", "warn"):
            facts.assessed[o["check_id"]] = facts.assessed.get(o["check_id"], 0) + 1
            if o["status"] != "pass":
                failing.append((o["check_id"], o["page_url"], o["status"]))
    found = set()
    for f in store.finding_dicts(run_id):
        if f["status"] in ("fail", "warn"):
            facts.problems.append(scoring.Problem(f["check_id"], f["page_url"], f["status"],
                                                  Severity.parse(f["severity"]),
                                                  scoring.element_key(f["selector"], f["snippet"])))
            found.add((f["check_id"], f["page_url"]))
    for cid, page, status in failing:
        if (cid, page) not in found:
            facts.problems.append(scoring.Problem(cid, page, status, infos[cid].severity, ""))
    return facts


def test_store_scores_equal_row_by_row_scores(tmp_path) -> None:
    store = Store(tmp_path / "s.sqlite")
    _fill(store, "r1", 150)
    infos = {cid: scoring.CheckInfo(cid, reqs[0], tuple(reqs[1:]), Severity.MEDIUM) for cid, reqs, _ in CHECKS}
    rows = list(store.iter_outcomes("r1"))
    assert len(rows) == 150 * len(CHECKS)
    facts = scoring.facts_from_store(store, "r1", infos)
    assert sum(len(c) for c in facts.counts.values()) <= len(CHECKS) * 6  # counts, not rows
    slow = _row_by_row_facts(store, "r1", infos)
    assert sorted(facts.problems, key=repr) == sorted(slow.problems, key=repr)
    assert scoring.compute(facts, infos).to_dict() == scoring.compute(slow, infos).to_dict()
    statuses = store.check_statuses("r1")
    assert sum(sum(c.values()) for c in statuses.values()) == len(rows)
    assert statuses["chk-3"] == {s: n for s, n in
                                 __import__("collections").Counter(o["status"] for o in store.iter_outcomes("r1")
                                                                   if o["check_id"] == "chk-3").items()}


def test_iter_outcomes_filters_by_check(tmp_path) -> None:
    store = Store(tmp_path / "s.sqlite")
    _fill(store, "r1", 3)
    got = {o["check_id"] for o in store.iter_outcomes("r1", check_ids=["chk-1", "nope"], check_prefix="chk-5")}
    assert got == {"chk-1", "chk-5", *(f"chk-5{i}" for i in range(10))}
    assert {o["check_id"] for o in store.iter_outcomes("r1", check_prefix="chk-")} == {c for c, _, _ in CHECKS}


def test_finding_dicts_equal_findings_and_share_repeated_values(tmp_path) -> None:
    store = Store(tmp_path / "s.sqlite")
    _fill(store, "r1", 4)
    # a row written by an older version, without the later "fingerprint" and "snippet" keys
    legacy = Finding("chk-0", Status.WARN, Severity.LOW, ["idea-3a1"], [], "https://agency.gov/old", "m", "h").to_dict()
    del legacy["fingerprint"], legacy["snippet"]
    store.db.execute("INSERT INTO findings (run_id, page_url, check_id, status, severity, fingerprint, data) "
                     "VALUES ('r1', 'https://agency.gov/old', 'chk-0', 'warn', 'low', '', ?)", (json.dumps(legacy),))
    dicts = store.finding_dicts("r1")
    assert dicts == [f.to_dict() for f in store.findings("r1")]
    assert dicts[-1]["fingerprint"] and dicts[-1]["snippet"] == ""
    same = [d for d in dicts if d["check_id"] == "chk-0" and d["status"] == "fail"]
    assert len(same) == 4 and all(d["message"] is same[0]["message"] and d["requirements"] is same[0]["requirements"]
                                  for d in same)


def _report_peak(tmp_path, pages: int) -> tuple[int, dict[str, Any]]:
    store = Store(tmp_path / f"s{pages}.sqlite")
    _fill(store, "r1", pages)
    tracemalloc.start()
    try:
        result = report.build_result(store, "r1")
        report.write(result, ["json", "sarif", "junit", "csv", "md", "html"], tmp_path / f"out{pages}")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def test_report_memory_does_not_grow_with_outcomes(tmp_path) -> None:
    """12x the pages (and outcomes: 6,000 -> 72,000) with the same findings: the report
    phase's peak stays within 1.5x. Building it from a list of every outcome took ~5x."""
    _report_peak(tmp_path, 10)  # imports, templates and caches are not what is measured
    small, r_small = _report_peak(tmp_path, 100)
    big, r_big = _report_peak(tmp_path, 1200)
    assert r_small["summary"]["findings"] == r_big["summary"]["findings"] == 100
    assert r_big["summary"]["pages_audited"] == 1200
    infos = {cid: scoring.CheckInfo(cid, reqs[0], tuple(reqs[1:]), Severity.MEDIUM) for cid, reqs, _ in CHECKS}
    facts = scoring.facts_from_store(Store(tmp_path / "s1200.sqlite"), "r1", infos)
    assert sum(sum(c.values()) for c in facts.counts.values()) == 1200 * len(CHECKS)  # every outcome, summed
    assert big < 1.5 * small, (small, big)


def test_reports_are_replaced_whole_or_not_at_all(tmp_path):
    """A report is written beside its path and renamed onto it: a renderer that fails (or a
    process killed) mid-write leaves the previous report whole and no temporary file."""
    from auditor.report import atomic_open

    target = tmp_path / "idea-audit.json"
    target.write_text('{"complete": true}\n', encoding="utf-8")
    try:
        with atomic_open(target) as fh:
            fh.write('{"half": ')
            raise RuntimeError("renderer failed")
    except RuntimeError:
        pass
    assert target.read_text(encoding="utf-8") == '{"complete": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["idea-audit.json"]
    with atomic_open(target) as fh:
        fh.write('{"new": 1}\n')
    assert target.read_text(encoding="utf-8") == '{"new": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["idea-audit.json"]
