"""Section 508 reporting: checks keyed to the ICT Testing Baseline and Trusted Tester, a WCAG 2.2
A/AA coverage matrix per run, and a draft OpenACR.

The mapping is data, in one place: ``auditor/data/section508/mapping.yaml`` (every check ->
Baseline and Trusted Tester tests, each marked ``full``/``partial``/``none``), beside the
reference data it points at (the ICT Testing Baseline for Web tests, the Trusted Tester 5.1.3
tests, and GSA's OpenACR schema and WCAG 2.2 / Section 508 catalog, each with its licence).
This module reads them, annotates findings, and turns a run's outcomes into the coverage
matrix (``result["section508"]``) that the scorecard and the OpenACR reporter render.

A check's Baseline tests are the tests of the success criteria it measures; a finding whose
WCAG criteria are narrower than its check's (``lang-of-content`` files 3.1.1 and 3.1.2 apart)
carries only the tests of its own criteria.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from . import checking

LEVELS = ("full", "partial", "none")
COMPONENTS = ("web", "electronic-docs")
CATALOG_ID = "2.5-edition-wcag-2.2-508-en"
#: Outcomes of a success criterion in a run.
FAIL, NO_FAILURE, NOT_TESTED = "fail", "no-failure", "not-tested"
EXAMPLE_PAGES = 3
_TT_TAG = re.compile(r"^TT(\d+)\.([a-z])$")
#: WCAG version that introduced each criterion added after 2.0 (the rest are 2.0).
_WCAG21 = {"1.3.4", "1.3.5", "1.4.10", "1.4.11", "1.4.12", "1.4.13", "2.1.4", "2.5.1", "2.5.2", "2.5.3",
           "2.5.4", "4.1.3"}
_WCAG22 = {"2.4.11", "2.5.7", "2.5.8", "3.2.6", "3.3.7", "3.3.8"}


def _data(name: str) -> str:
    return resources.files("auditor").joinpath(f"data/section508/{name}").read_text("utf-8")


@dataclass(frozen=True)
class BaselineTest:
    id: str
    """``6.A-MeaningfulImage``: the ICT Testing Baseline for Web test id."""
    group: int
    """Its test group (1 Keyboard Accessible ... 24 Parsing)."""
    title: str
    wcag: tuple[str, ...]
    section508: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class TrustedTesterTest:
    id: str
    """``TT7.a``: test 7.A of Trusted Tester 5.1.3, spelt as axe-core tags its rules."""
    name: str
    wcag: tuple[str, ...]


@dataclass(frozen=True)
class Criterion:
    id: str
    handle: str
    level: str
    """``A``, ``AA`` or ``AAA``."""
    chapter: str
    """The OpenACR chapter: ``success_criteria_level_a`` ..."""
    components: tuple[str, ...]

    @property
    def wcag_version(self) -> str:
        return "2.2" if self.id in _WCAG22 else "2.1" if self.id in _WCAG21 else "2.0"


@dataclass(frozen=True)
class CheckMapping:
    check_id: str
    level: str
    component: str
    wcag: tuple[str, ...]
    baseline: dict[str, str] = field(default_factory=dict)
    """Baseline test id -> level."""
    trusted_tester: dict[str, str] = field(default_factory=dict)
    """Trusted Tester test id -> level."""
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "component": self.component, "wcag": list(self.wcag),
                "baseline": [{"id": t, "level": lv} for t, lv in self.baseline.items()],
                "trusted_tester": [{"id": t, "level": lv} for t, lv in self.trusted_tester.items()],
                **({"why": self.why} if self.why else {})}


@dataclass(frozen=True)
class Reference:
    groups: dict[int, str]
    baseline: dict[str, BaselineTest]
    trusted_tester: dict[str, TrustedTesterTest]
    criteria: dict[str, Criterion]
    """Every criterion of the catalog's WCAG chapters (A, AA, AAA), in catalog order."""
    entries: dict[str, dict[str, Any]]
    """mapping.yaml's ``checks`` as written."""
    decided_by_rule: dict[str, str]
    partially_supports_below: float

    @property
    def a_aa(self) -> list[Criterion]:
        return [c for c in self.criteria.values() if c.level in ("A", "AA")]

    def tests_of(self, sc: str) -> list[BaselineTest]:
        return [t for t in self.baseline.values() if sc in t.wcag]

    def tt_of(self, sc: str) -> list[TrustedTesterTest]:
        return [t for t in self.trusted_tester.values() if sc in t.wcag]


@lru_cache(maxsize=1)
def reference() -> Reference:
    base = json.loads(_data("ict-baseline-web.json"))
    tt = json.loads(_data("trusted-tester.json"))
    catalog = yaml.safe_load(_data("openacr/" + CATALOG_ID + ".yaml"))
    mapping = yaml.safe_load(_data("mapping.yaml"))
    criteria = {}
    for chapter in catalog["chapters"]:
        level = {"success_criteria_level_a": "A", "success_criteria_level_aa": "AA",
                 "success_criteria_level_aaa": "AAA"}.get(chapter["id"])
        if not level:
            continue
        for c in chapter["criteria"]:
            criteria[str(c["id"])] = Criterion(str(c["id"]), c["handle"], level, chapter["id"],
                                               tuple(c.get("components") or ()))
    return Reference(
        groups={g["number"]: g["name"] for g in base["groups"]},
        baseline={t["id"]: BaselineTest(t["id"], t["group"], t["title"], tuple(t["wcag"]),
                                        tuple(t.get("section508") or ()), t.get("note", "")) for t in base["tests"]},
        trusted_tester={t["id"]: TrustedTesterTest(t["id"], t["name"], tuple(t["wcag"])) for t in tt["tests"]},
        criteria=criteria, entries=mapping["checks"], decided_by_rule=dict(mapping.get("decided_by_rule") or {}),
        partially_supports_below=float(mapping["rules"]["partially_supports_below"]))


@lru_cache(maxsize=1)
def _axe_tt_tags() -> dict[str, tuple[str, ...]]:
    """axe rule id -> its Trusted Tester tags (``TT7.a``), as the axe-core bundle declares them."""
    cat = json.loads(resources.files("checks").joinpath("data/axe_rules.json").read_text("utf-8"))
    return {r["id"]: tuple(t for t in r["tags"] if _TT_TAG.match(t)) for r in cat["rules"]}


def _levels(value: Any, default: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {str(v): default for v in value}


def axe_rule_of(check_id: str) -> str | None:
    return check_id.removeprefix("axe-") if check_id.startswith("axe-") and check_id[4:] in _axe_tt_tags() else None


@cache
def mapping_of(check_id: str) -> CheckMapping:
    """The check's mapping; a check missing from mapping.yaml maps to nothing (``none``), which
    tests/test_section508.py does not let through."""
    spec = checking.load_all().get(check_id)
    wcag = tuple(spec.wcag) if spec else ()
    entry = reference().entries.get(check_id)
    if entry is None:
        return CheckMapping(check_id, "none", "web", wcag, why="not in the Section 508 mapping")
    level = str(entry.get("level", "none"))
    tt = entry.get("trusted_tester")
    rule = axe_rule_of(check_id)
    if tt is None and rule:
        tt = list(_axe_tt_tags()[rule])
    return CheckMapping(check_id, level, str(entry.get("component", "web")), wcag,
                        _levels(entry.get("baseline"), level), _levels(tt, level), str(entry.get("why", "")))


def check_dict(check_id: str) -> dict[str, Any]:
    return mapping_of(check_id).to_dict()


def _ids_for(m: CheckMapping, wcag: tuple[str, ...]) -> tuple[list[str], list[str]]:
    ref = reference()
    base, tt = list(m.baseline), list(m.trusted_tester)
    if wcag and wcag != m.wcag:  # a finding about fewer criteria than its check measures
        nb = [t for t in base if set(ref.baseline[t].wcag) & set(wcag)] if all(t in ref.baseline for t in base) else base
        nt = [t for t in tt if t in ref.trusted_tester and set(ref.trusted_tester[t].wcag) & set(wcag)]
        base, tt = nb or base, nt or tt
    return base, tt


def annotate_findings(findings: Iterable[dict[str, Any]]) -> None:
    """Give each finding ``baseline`` and ``trusted_tester`` (test id lists; empty for checks
    of no accessibility criterion). The lists are shared between findings: treat as read-only."""
    cache: dict[tuple[str, tuple[str, ...]], tuple[list[str], list[str]]] = {}
    for f in findings:
        key = (f["check_id"], tuple(f.get("wcag") or ()))
        got = cache.get(key)
        if got is None:
            got = cache[key] = _ids_for(mapping_of(f["check_id"]), key[1])
        f["baseline"], f["trusted_tester"] = got


# --- what the tool can decide, from the mapping alone ------------------------------------------

def _best(levels: Iterable[str]) -> str:
    got = set(levels)
    return "full" if "full" in got else "partial" if "partial" in got else "none"


@lru_cache(maxsize=1)
def _all_mappings() -> dict[str, CheckMapping]:
    return {cid: mapping_of(cid) for cid in checking.load_all()}


def baseline_automation() -> dict[str, dict[str, Any]]:
    """Baseline test id -> {level, checks}: ``full`` where a check (or the Baseline's own rule)
    decides it, ``partial`` where checks find failures but a person must pass it, else ``none``."""
    ref = reference()
    out: dict[str, dict[str, Any]] = {t: {"level": "none", "checks": []} for t in ref.baseline}
    for cid, m in _all_mappings().items():
        for t, lv in m.baseline.items():
            if t in out and lv != "none":
                out[t]["checks"].append(cid)
                out[t]["level"] = _best([out[t]["level"], lv])
    for t in ref.decided_by_rule:
        out[t]["level"] = "full"
        out[t]["rule"] = ref.decided_by_rule[t].strip()
    return out


def checks_for(sc: str, component: str | None = None) -> list[CheckMapping]:
    return [m for m in _all_mappings().values() if sc in m.wcag and (component is None or m.component == component)]


def criterion_automation(sc: str, component: str = "web") -> str:
    """How far the tool decides a criterion: ``full`` when each of its Baseline tests is decided
    (by a check or by rule) and, where it has none, a check decides it; ``partial`` when some
    check finds failures; ``none`` when nothing automated bears on it."""
    checks = [m for m in checks_for(sc, component) if m.level != "none"]
    tests = reference().tests_of(sc) if component == "web" else []
    if tests:
        auto = baseline_automation()
        if all(auto[t.id]["level"] == "full" for t in tests):
            return "full"
        return "partial" if checks else "none"
    return _best(m.level for m in checks) if checks else "none"


def shares() -> dict[str, Any]:
    """How many Baseline tests the tool decides fully, partially or not at all."""
    auto = baseline_automation()
    counts = {lv: sum(1 for a in auto.values() if a["level"] == lv) for lv in LEVELS}
    total = len(auto)
    return {"total": total, **counts,
            "percent": {lv: round(100 * n / total, 1) if total else 0.0 for lv, n in counts.items()},
            "tests": {lv: [t for t, a in auto.items() if a["level"] == lv] for lv in LEVELS}}


def catalog() -> dict[str, Any]:
    """The reference as `idea-audit checks --format json` shows it."""
    ref = reference()
    auto = baseline_automation()
    return {
        "catalog": CATALOG_ID,
        "levels": {"full": "the check decides the test", "partial": "it finds failures but a pass needs a person",
                   "none": "it bears on no test"},
        "baseline_tests": [{"id": t.id, "group": t.group, "group_name": ref.groups[t.group], "title": t.title,
                            "wcag": list(t.wcag), "section508": list(t.section508), **auto[t.id]}
                           for t in ref.baseline.values()],
        "trusted_tester_tests": [{"id": t.id, "name": t.name, "wcag": list(t.wcag)} for t in ref.trusted_tester.values()],
        "criteria": [{"id": c.id, "handle": c.handle, "level": c.level, "wcag_version": c.wcag_version,
                      "automation": criterion_automation(c.id),
                      "checks": [m.check_id for m in checks_for(c.id) if m.level != "none"],
                      "baseline": [t.id for t in ref.tests_of(c.id)],
                      "trusted_tester": [t.id for t in ref.tt_of(c.id)]} for c in ref.a_aa],
        "baseline_shares": {k: v for k, v in shares().items() if k != "tests"},
    }


# --- one run: the coverage matrix --------------------------------------------------------------

@dataclass
class RunFacts:
    """What the matrix needs from a stored run besides the result dict."""

    problem_pages: dict[str, dict[str, set[str]]]
    """check id -> status (fail/warn/manual/error) -> pages with that outcome."""
    documents: list[str] = field(default_factory=list)
    """URLs of the linked PDFs the document checks could read."""


def run_facts(store: Any, run_id: str, run: dict[str, Any] | None = None) -> RunFacts:
    problem: dict[str, dict[str, set[str]]] = {}
    for cid, page, status in store.db.execute(
            "SELECT check_id, page_url, status FROM outcomes WHERE run_id=? AND status IN "
            "('fail','warn','manual','error')", (run_id,)):
        problem.setdefault(cid, {}).setdefault(status, set()).add(page)
    site = (run or store.get_run(run_id) or {}).get("site") or {}
    docs = ((site.get("extra") or {}).get("linked_documents") or {}).get("documents") or []
    readable = [d["url"] for d in docs if d.get("kind") == "pdf" and d.get("facts") and not d["facts"].get("error")]
    return RunFacts(problem, readable)


def _doc_fail_urls(findings: list[dict[str, Any]], checks: set[str]) -> dict[str, set[str]]:
    """check id -> failing documents (document findings carry the document URL as snippet)."""
    out: dict[str, set[str]] = {}
    for f in findings:
        if f["check_id"] in checks and f["status"] == "fail":
            out.setdefault(f["check_id"], set()).add(f.get("snippet") or f["page_url"])
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def coverage(result: dict[str, Any], facts: RunFacts) -> dict[str, Any]:
    """The WCAG 2.2 A/AA coverage matrix of a run, and the Section 508 view by Baseline group."""
    ref = reference()
    auto = baseline_automation()
    audited = int(result["summary"]["pages_audited"])
    outcomes = {cid: c.get("outcomes") or {} for cid, c in result["checks"].items()}
    doc_checks = {m.check_id for m in _all_mappings().values() if m.component == "electronic-docs"}
    doc_fails = _doc_fail_urls(result["findings"], doc_checks)
    rows = []
    for c in ref.a_aa:
        row: dict[str, Any] = {"id": c.id, "handle": c.handle, "level": c.level, "wcag_version": c.wcag_version,
                               "baseline": [t.id for t in ref.tests_of(c.id)],
                               "trusted_tester": [t.id for t in ref.tt_of(c.id)], "components": {}}
        for comp in COMPONENTS:
            if comp not in c.components:
                continue
            mapped = [m for m in checks_for(c.id, comp) if m.level != "none"]
            if comp == "electronic-docs" and not facts.documents:
                continue  # no linked PDF was read: nothing speaks for documents
            row["components"][comp] = _component(comp, c, mapped, outcomes, facts, doc_fails, audited, auto)
        web = row["components"]["web"]
        row.update({k: web[k] for k in ("automation", "checks", "outcome", "outcome_text", "baseline_to_run")})
        rows.append(row)
    groups = []
    for num, name in sorted(ref.groups.items()):
        tests = []
        for t in (t for t in ref.baseline.values() if t.group == num):
            checks = auto[t.id]["checks"]
            ran = [cid for cid in checks if outcomes.get(cid)]
            pages: set[str] = set()
            for cid in ran:
                pages |= facts.problem_pages.get(cid, {}).get("fail", set())
            if t.id in ref.decided_by_rule:
                outcome, text = NO_FAILURE, "passes by the Baseline's rule: no testing necessary"
            elif not ran:
                outcome, text = NOT_TESTED, "not tested: needs a person"
            elif pages:
                outcome, text = FAIL, f"failures found on {_plural(len(pages), 'page')}"
            else:
                outcome, text = NO_FAILURE, "no failure found by automated checks"
            tests.append({"id": t.id, "title": t.title, "wcag": list(t.wcag), "automation": auto[t.id]["level"],
                          "checks": checks, "outcome": outcome, "outcome_text": text, "fail_pages": len(pages),
                          "person_must_run": auto[t.id]["level"] != "full"})
        groups.append({"number": num, "name": name, "tests": tests})
    s = shares()
    return {"catalog": CATALOG_ID, "pages_audited": audited, "documents_checked": len(facts.documents),
            "partially_supports_below": ref.partially_supports_below,
            "baseline_shares": {k: v for k, v in s.items() if k != "tests"},
            "criteria": rows, "baseline_groups": groups}


def _component(comp: str, c: Criterion, mapped: list[CheckMapping], outcomes: dict[str, dict[str, int]],
               facts: RunFacts, doc_fails: dict[str, set[str]], audited: int,
               auto: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ref = reference()
    ran = [m.check_id for m in mapped if outcomes.get(m.check_id)]
    fail_checks: list[str] = []
    pages: set[str] = set()
    warn: set[str] = set()
    review: set[str] = set()
    errors: set[str] = set()
    for cid in ran:
        probs = facts.problem_pages.get(cid, {})
        if comp == "electronic-docs":
            failing = doc_fails.get(cid, set())
        else:
            failing = probs.get("fail", set())
        if failing:
            fail_checks.append(cid)
            pages |= failing
        warn |= probs.get("warn", set())
        review |= probs.get("manual", set())
        errors |= probs.get("error", set())
    judged = audited if comp == "web" else len(facts.documents)
    unit = "page" if comp == "web" else "document"
    automation = criterion_automation(c.id, comp)
    to_run = ([t.id for t in ref.tests_of(c.id) if auto[t.id]["level"] != "full"] if comp == "web" else [])
    by_rule = comp == "web" and bool(ref.tests_of(c.id)) and all(t.id in ref.decided_by_rule for t in ref.tests_of(c.id))
    if pages:
        outcome, text = FAIL, f"failures found on {_plural(len(pages), unit)} of {judged}"
    elif by_rule:
        outcome, text = NO_FAILURE, "passes by the Baseline's rule: no testing necessary"
    elif not ran:
        outcome, text = NOT_TESTED, "not tested: needs a person"
    else:
        outcome, text = NO_FAILURE, "no failure found by automated checks"
    applied = sum(sum(n for s, n in outcomes.get(cid, {}).items() if s != "not-applicable") for cid in ran)
    if outcome == NO_FAILURE and ran and not applied:
        text += " (they found nothing it applies to)"
    passed_everywhere = bool(ran) and all(
        outcomes.get(cid, {}).get("pass", 0) >= (audited if _scope(cid) == "page" else 1)
        and not set(outcomes.get(cid, {})) - {"pass"} for cid in ran)
    return {"automation": automation, "checks": [m.check_id for m in mapped], "checks_run": ran,
            "failed_checks": fail_checks, "outcome": outcome, "outcome_text": text,
            "fail_count": len(pages), "judged": judged, "unit": unit,
            "examples": sorted(pages)[:EXAMPLE_PAGES], "warn_pages": len(warn), "review_pages": len(review),
            "error_pages": len(errors), "applied": applied > 0, "passed_everywhere": passed_everywhere,
            "all_full": bool(mapped) and all(m.level == "full" for m in mapped),
            "decided_by_rule": by_rule, "baseline_to_run": to_run}


def _scope(check_id: str) -> str:
    spec = checking.load_all().get(check_id)
    return spec.scope if spec else "page"


# --- the draft OpenACR -------------------------------------------------------------------------

def adherence(comp: dict[str, Any], below: float) -> str:
    """The conformance level a component's coverage supports: never ``supports`` beside a
    failure, and ``supports`` only where the tool decides the criterion fully and every mapped
    check passed on every audited page (or the Baseline passes it by rule)."""
    if comp["outcome"] == FAIL:
        share = comp["fail_count"] / comp["judged"] if comp["judged"] else 1.0
        return "partially-supports" if share < below else "does-not-support"
    if comp["decided_by_rule"]:
        return "supports"
    if (comp["outcome"] == NO_FAILURE and comp["automation"] == "full" and comp["all_full"]
            and comp["passed_everywhere"]):
        return "supports"
    return "not-evaluated"


def adherence_notes(c: dict[str, Any], comp_name: str, comp: dict[str, Any], level: str, below: float) -> str:
    ref = reference()
    unit = comp["unit"]
    if level in ("does-not-support", "partially-supports"):
        share = comp["fail_count"] / comp["judged"] if comp["judged"] else 1.0
        rule = (f"fewer than {below:.0%} of the audited {unit}s fail, so partially supports"
                if level == "partially-supports" else f"{below:.0%} or more of the audited {unit}s fail")
        text = (f"Automated checks found failures on {comp['fail_count']} of {_plural(comp['judged'], unit)} "
                f"({share:.0%}; {rule}). Checks: {', '.join(comp['failed_checks'])}. "
                f"Examples: {', '.join(comp['examples'])}.")
    elif level == "supports" and comp["decided_by_rule"]:
        tests = [t.id for t in ref.tests_of(c["id"])]
        text = " ".join(ref.decided_by_rule[t].strip() for t in tests)
    elif level == "supports":
        text = (f"Every mapped check decides this criterion fully ({', '.join(comp['checks_run'])}) and passed on "
                f"every one of the {_plural(comp['judged'], unit)} audited.")
    elif comp["outcome"] == NOT_TESTED:
        text = "No automated check decides this criterion; a person must test it."
    else:
        seen = ("passed or found nothing to test" if comp["applied"] else
                "found nothing this criterion applies to (if a person confirms there is none, it is not applicable)")
        text = (f"No failure found by automated checks ({', '.join(comp['checks_run'])}), which {seen} on "
                f"{_plural(comp['judged'], unit)}; they cannot show conformance.")
        extra = []
        if comp["warn_pages"]:
            extra.append(f"warnings on {_plural(comp['warn_pages'], 'page')}")
        if comp["review_pages"]:
            extra.append(f"results to review on {_plural(comp['review_pages'], 'page')}")
        if comp["error_pages"]:
            extra.append(f"checks could not decide on {_plural(comp['error_pages'], 'page')}")
        if extra:
            text += " A person must confirm the " + " and the ".join(extra) + "."
    if level != "supports":
        if comp_name == "web" and comp["baseline_to_run"]:
            text += f" Baseline tests a person must still run: {', '.join(comp['baseline_to_run'])}."
        elif comp_name == "web" and not ref.tests_of(c["id"]):
            text += (f" The ICT Testing Baseline (WCAG 2.0) has no test for this WCAG {c['wcag_version']} "
                     "criterion; test it with the W3C Understanding document.")
        if c["trusted_tester"] and comp_name == "web":
            text += f" Trusted Tester: {', '.join(c['trusted_tester'])}."
        if comp_name == "electronic-docs":
            text += " Test each linked document by hand (for PDF: the PDF techniques of WCAG 2.2, a checker such as PAC)."
    return text


def openacr(result: dict[str, Any]) -> dict[str, Any]:
    """The draft OpenACR (GSA's OpenACR 0.1.0 format) of a run, as plain data for YAML."""
    from urllib.parse import urlsplit

    cov = result["section508"]
    run = result["run"]
    seeds = run.get("seeds") or ["site"]
    host = urlsplit(seeds[0]).netloc or seeds[0]
    date = (run.get("finished") or run.get("started") or "")[:10]
    below = float(cov["partially_supports_below"])
    chapters: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for chapter_id, level in (("success_criteria_level_a", "A"), ("success_criteria_level_aa", "AA")):
        criteria = []
        for c in (c for c in cov["criteria"] if c["level"] == level):
            comps = []
            for name, comp in c["components"].items():
                lv = adherence(comp, below)
                counts[lv] = counts.get(lv, 0) + 1
                comps.append({"name": name, "adherence": {"level": lv,
                                                          "notes": adherence_notes(c, name, comp, lv, below)}})
            criteria.append({"num": c["id"], "components": comps})
        chapters[chapter_id] = {
            "notes": (f"Draft from automated testing of {_plural(cov['pages_audited'], 'page')}"
                      + (f" and {_plural(cov['documents_checked'], 'linked PDF')}" if cov["documents_checked"] else
                         "; no linked PDF was read, so electronic documents are not reported")
                      + f". Level {level} criteria of WCAG 2.2 (Section 508 requires the WCAG 2.0 ones)."),
            "criteria": criteria}
    chapters["success_criteria_level_aaa"] = {"disabled": True, "notes": "Not evaluated: Section 508 requires A and AA."}
    s = cov["baseline_shares"]
    pages = result["summary"]["pages_audited"]
    limits = ", ".join(run.get("limits_hit") or []) or "none"
    automated = sorted({cid for c in cov["criteria"] for comp in c["components"].values() for cid in comp["checks_run"]})
    methods = (
        f"Automated testing with idea-auditor {run.get('tool_version', '')} (run {run['id']}): {_plural(pages, 'page')} "
        f"of {seeds[0]} rendered in headless Chromium; {len(automated)} checks mapped to WCAG criteria ran: axe-core "
        f"rules (WCAG 2.0/2.1/2.2 A and AA) and the tool's own (keyboard walk, focus visibility and order, skip link, "
        "reflow at 320 CSS px, 200% zoom, text spacing, media, language, tables, forms, linked PDFs). Crawl limits "
        "reached: "
        f"{limits}. Not automated: judgements a person must make (whether text alternatives, titles, headings, labels "
        "and link text are meaningful; captions and audio description; color and sensory cues; timing; error handling; "
        "consistency across pages). Of the ICT Testing Baseline for Web's "
        f"{s['total']} tests the tool decides {s['full']} fully, finds failures of {s['partial']}, and cannot run "
        f"{s['none']}: every criterion marked not-evaluated lists the Baseline tests a person must run. "
        "Conformance levels: does-not-support where failures were found on "
        f"{below:.0%} or more of the audited pages, partially-supports where fewer fail, supports only where the "
        "Baseline decides the criterion by rule or every mapped check decides it fully and passed on every page.")
    return {
        "title": f"{host} Accessibility Conformance Report (draft from automated testing)",
        "product": {"name": host, "version": date,
                    "description": f"The website at {seeds[0]}, as crawled on {date} ({_plural(pages, 'page')} audited)."},
        "author": {"name": f"idea-auditor {run.get('tool_version', '')} (automated draft: replace with the reviewer)",
                   "email": ""},
        "report_date": date,
        "last_modified_date": date,
        "version": 1,
        "notes": ("A draft, not a conformance claim: automated checks find some failures and decide few criteria. "
                  f"Level counts: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}. Finish it by running "
                  "the Baseline tests each not-evaluated criterion names (see docs/section508.md)."),
        "evaluation_methods_used": methods,
        "legal_disclaimer": ("Generated by automated testing. It states what the tool found on the audited pages on "
                             "the report date and does not represent a legally binding claim."),
        "license": "CC-BY-4.0",
        "catalog": CATALOG_ID,
        "chapters": chapters,
    }
