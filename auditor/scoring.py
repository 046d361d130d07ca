"""Scores per requirement and overall: the model docs/scoring.md explains, with its reasons.

Every rule and weight is data, here, in one place:

* each check counts toward ONE requirement, its primary (the first of its ``requirements``);
  the others list it as related but are not scored by it;
* the unit of a problem is a *cluster*: the findings of one check, or of checks that measure
  the same thing (:data:`OVERLAPS`), on one element of one page. A cluster costs once, at the
  worst severity of its findings, however many of those checks flagged the element;
* a *barriers* requirement (:data:`BARRIER_REQUIREMENTS`: accessibility, mobile, plain
  language, discoverability) is scored by what its barriers cost a visitor of an average
  page: ``100 * K / (K + D)``, ``D`` the barrier points per page (:func:`_barriers`);
* every other requirement is a *checklist* of things a site has or lacks: its score is the
  weighted share of its items met, an item's share being the share of pages where it holds
  (:func:`_checklist`). Required links are nine such items, privacy's per-page presence
  being its one item's share;
* a requirement with any failure of high or critical severity scores at most :data:`CAP`;
* scores are whole numbers, rounded half up (:func:`whole`), and shown as such everywhere;
* a run that audited no page has no score at all.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, overload

from . import requirements as reqs
from .model import Severity, Status

#: Weight of a check by its default severity (axe rules take the weight of their impact); in
#: a barriers requirement, the points one cluster of that severity costs on a page.
SEVERITY_WEIGHT: dict[Severity, float] = {
    Severity.INFO: 0.5,
    Severity.LOW: 1.0,
    Severity.MEDIUM: 3.0,
    Severity.HIGH: 7.0,
    Severity.CRITICAL: 10.0,
}

#: What a finding of each status costs, as a share of its severity's points.
STATUS_FACTOR: dict[str, float] = {Status.FAIL.value: 1.0, Status.WARN.value: 0.5}

#: Requirements whose warnings cost less than half: a required link that warns is there (found
#: outside the footer or identifier, or its destination could not be confirmed), and the
#: requirement is that it be there.
WARN_FACTOR: dict[str, float] = {"m2322-required-links": 0.1}


def status_factor(status: str, requirement: str = "") -> float:
    """The share of an item (checklist) or of a cluster's points (barriers) a finding costs."""
    if status == Status.WARN.value and requirement in WARN_FACTOR:
        return WARN_FACTOR[requirement]
    return STATUS_FACTOR.get(status, 0.0)


#: A requirement with any failure at or above this severity scores at most CAP (never an A).
CAP_SEVERITY = Severity.HIGH
CAP = 89

#: Barrier points per page at which a barriers requirement scores 50.
BARRIER_HALF = 10.0

#: Requirements scored by the cost of their barriers; every other one is a checklist.
BARRIER_REQUIREMENTS = frozenset({"idea-3a1", "idea-3a8", "m2322-plain-language", "m2322-discoverable"})

#: Checks that measure the same thing: their findings on one element of one page are one
#: cluster (one root cause). Across requirements a cluster is shown together; it counts in
#: each requirement once, through the checks whose primary requirement that is.
OVERLAPS: dict[str, frozenset[str]] = {
    "horizontal-overflow": frozenset({"mobile-no-overflow-375", "mobile-no-overflow-320", "reflow-320"}),
    "page-language": frozenset({"axe-html-has-lang", "axe-html-lang-valid", "axe-html-xml-lang-mismatch",
                                "disc-lang"}),
    "zoom-disabled": frozenset({"axe-meta-viewport", "mobile-zoom-enabled"}),
    "page-title": frozenset({"axe-document-title", "disc-title"}),
    "site-search": frozenset({"search-present", "search-consistent"}),
    "vulnerability-disclosure": frozenset({"sec-vdp", "links-vdp"}),
}
GROUP_OF: dict[str, str] = {cid: name for name, ids in OVERLAPS.items() for cid in ids}

#: Site checks whose findings name the pages they concern (a duplicated title, a page whose
#: header differs, a PDF linked from a page): those count on those pages. Every other site
#: check gives one verdict for the whole site (robots.txt, the certificate, a required link).
PER_PAGE_SITE_CHECKS: tuple[str, ...] = (
    "brand-consistent", "content-title-unique", "disc-description-unique", "disc-title-unique",
    "disc-near-duplicates", "search-consistent", "doc-", "pdf-",
)

#: Bands for the headline score.
BANDS: tuple[tuple[float, str, str], ...] = (
    (90.0, "A", "Good"),
    (75.0, "B", "Fair"),
    (50.0, "C", "Needs work"),
    (0.0, "D", "Poor"),
)

SITE = ""
"""The page key of a problem that concerns the whole site."""


@overload
def whole(x: float) -> int: ...
@overload
def whole(x: None) -> None: ...
def whole(x: float | None) -> int | None:
    """A score as shown everywhere: a whole number, halves rounded up (81.5 -> 82)."""
    return None if x is None else math.floor(x + 0.5)


def fmt(score: float | None, none: str = "–") -> str:
    """The one text form of a score (scorecard, terminal, Markdown, CSV, gates)."""
    w = whole(score)
    return none if w is None else str(w)


def band(score: float | None) -> tuple[str, str]:
    if score is None:
        return ("-", "Not scored")
    for floor, letter, words in BANDS:
        if whole(score) >= floor:
            return (letter, words)
    return BANDS[-1][1:]


def group_of(check_id: str) -> str:
    return GROUP_OF.get(check_id, check_id)


def per_page_site_check(check_id: str) -> bool:
    return any(check_id == p or (p.endswith("-") and check_id.startswith(p)) for p in PER_PAGE_SITE_CHECKS)


def element_key(selector: str | None, snippet: str | None) -> str:
    """What a finding is about, comparable across checks: the element's markup where the
    finding has it (selectors differ between gatherers for one element), else its selector,
    else its snippet text (a URL, a passage); "" for a finding about the page as a whole."""
    snip = " ".join((snippet or "").split())
    if snip.startswith("<"):
        return "html:" + snip[:150]
    sel = " ".join((selector or "").split())
    if sel:
        return "css:" + sel[:300]
    return ("text:" + snip[:150]) if snip else ""


@dataclass(frozen=True)
class CheckInfo:
    id: str
    primary: str
    related: tuple[str, ...] = ()
    severity: Severity = Severity.MEDIUM
    scope: str = "page"


@dataclass(frozen=True, slots=True)
class Problem:
    """One failing or warning finding, or a failing outcome that has none."""

    check_id: str
    page: str
    """The audited page it is on, or SITE for the site as a whole."""
    status: str
    severity: Severity
    element: str = ""

    @property
    def points(self) -> float:
        return SEVERITY_WEIGHT[self.severity] * STATUS_FACTOR.get(self.status, 0.0)


@dataclass
class RunFacts:
    """All that scoring reads of a run."""

    pages: int
    """Pages audited (not failed)."""
    assessed: dict[str, int] = field(default_factory=dict)
    """Check id -> outcomes that count (pass, warn, fail of a counted tier): pages it assessed."""
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    """Check id -> outcome status -> how many (every outcome, counted or not)."""
    problems: list[Problem] = field(default_factory=list)


@dataclass
class RequirementScore:
    id: str
    score: int | None = None
    model: str = "checklist"
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})
    capped: bool = False
    checks: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    costs: list[dict[str, Any]] = field(default_factory=list)
    assessed_pages: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "model": self.model, "counts": dict(self.counts), "capped": self.capped,
                "assessed_pages": self.assessed_pages, "checks": list(self.checks), "related": list(self.related),
                "costs": [dict(c) for c in self.costs]}


@dataclass
class Scores:
    overall: int | None
    requirements: dict[str, RequirementScore]

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "requirements": {k: v.score for k, v in self.requirements.items()},
            "details": {k: v.to_dict() for k, v in self.requirements.items()},
            "method": "docs/scoring.md",
        }


def check_infos(specs: Mapping[str, Any] | None = None) -> dict[str, CheckInfo]:
    """The registry's checks as scoring sees them."""
    if specs is None:
        from . import checking

        specs = checking.load_all()
    out = {}
    for cid, s in specs.items():
        rq = tuple(s.requirements)
        out[cid] = CheckInfo(cid, rq[0] if rq else "", rq[1:], s.severity, s.scope)
    return out


def compute(facts: RunFacts, infos: Mapping[str, CheckInfo] | None = None) -> Scores:
    """Score a run from its facts (:func:`facts_from_store`)."""
    infos = check_infos() if infos is None else infos
    per = {r.id: RequirementScore(r.id, model="barriers" if r.id in BARRIER_REQUIREMENTS else "checklist")
           for r in reqs.REQUIREMENTS}
    primary: dict[str, list[str]] = defaultdict(list)
    for cid in sorted(set(facts.counts) | set(facts.assessed)):
        info = infos.get(cid)
        if info is None or info.primary not in per:
            continue
        rs = per[info.primary]
        for status, n in facts.counts.get(cid, {}).items():
            rs.counts[status] = rs.counts.get(status, 0) + n
        if facts.assessed.get(cid, 0) > 0:
            primary[info.primary].append(cid)
            rs.checks.append(cid)
        for rid in info.related:
            if rid in per and cid not in per[rid].related:
                per[rid].related.append(cid)
    by_check: dict[str, list[Problem]] = defaultdict(list)
    for p in facts.problems:
        if facts.assessed.get(p.check_id, 0) > 0 and p.status in STATUS_FACTOR:
            by_check[p.check_id].append(p)
    # a root cause flagged by checks of several requirements counts in each, once, and each
    # card names the others (shown together)
    counted_in: dict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
    for ps in by_check.values():
        for p in ps:
            counted_in[cluster_key(p)].add((p.check_id, infos[p.check_id].primary))
    num = den = 0.0
    for rid, rs in per.items():
        cids = primary.get(rid)
        if not cids or facts.pages <= 0:
            continue
        rs.assessed_pages = facts.pages
        problems = [p for cid in cids for p in by_check.get(cid, ())]
        if rs.model == "barriers":
            raw, items = _barriers(problems, facts.pages)
        else:
            raw, items = _checklist(rid, cids, problems, facts, infos)
        severe = [i for i in items if i["_severe"]]
        final = raw
        if severe and raw > CAP:
            final = float(CAP)
            rs.capped = True
        _attribute(items, 100.0 - raw, raw - final)
        for i in items:
            i["same_root_cause"] = [{"check_id": c, "requirement": r} for c, r in
                                    sorted({cr for k in i["_keys"] for cr in counted_in[k] if cr[1] != rid})]
        rs.costs = sorted(({k: v for k, v in i.items() if not k.startswith("_")} for i in items if i["points"] > 0),
                          key=lambda c: (-c["points"], c["check_id"]))
        rs.score = whole(final)
        w = reqs.BY_ID[rid].weight
        num += w * rs.score
        den += w
    return Scores(overall=whole(num / den) if den else None, requirements=per)


def _attribute(items: list[dict[str, Any]], deficit: float, capped: float) -> None:
    """Points lost per item: the deficit shared by each item's contribution, and what the
    severity cap took shared among the items with a high or critical failure."""
    total = sum(i["_weight"] for i in items)
    severe = sum(i["_weight"] for i in items if i["_severe"])
    for i in items:
        pts = deficit * i["_weight"] / total if total else 0.0
        if capped > 0 and i["_severe"] and severe:
            pts += capped * i["_weight"] / severe
        i["points"] = round(pts, 1)


def _cost_item(lead: str, members: set[str], pages: set[str], elements: int, problems: list[Problem],
               weight: float) -> dict[str, Any]:
    worst = max(problems, key=lambda p: (STATUS_FACTOR[p.status], p.severity))
    return {"check_id": lead, "also": sorted(members - {lead}), "pages": len(pages - {SITE}),
            "site_wide": SITE in pages, "elements": elements, "severity": worst.severity.label,
            "status": worst.status, "_weight": weight,
            "_severe": any(p.status == Status.FAIL.value and p.severity >= CAP_SEVERITY for p in problems),
            "_keys": {cluster_key(p) for p in problems}}


def cluster_key(p: Problem) -> tuple[str, str, str]:
    """(page, overlap group, element): the problems with one key are one root cause."""
    return (p.page, group_of(p.check_id), p.element)


def clusters(problems: Iterable[Problem]) -> dict[tuple[str, str, str], list[Problem]]:
    """(page, overlap group, element) -> the problems that are one root cause there."""
    out: dict[tuple[str, str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        out[cluster_key(p)].append(p)
    return out


def _lead(ps: list[Problem]) -> str:
    return min(ps, key=lambda p: (-p.points, p.check_id)).check_id


def _barriers(problems: list[Problem], pages: int) -> tuple[float, list[dict[str, Any]]]:
    """``100 * K / (K + D)``: D is the site-wide barrier points plus the average page's.

    On a page, each cluster costs its worst finding's points; within one overlap group (one
    check, mostly) the clusters of a page are taken worst first and the n-th costs 1/n of its
    points, so the 50th low-contrast text on a page adds less than the first, while different
    kinds of barriers add up in full."""
    cl = clusters(problems)
    by_page_group: dict[tuple[str, str], list[tuple[float, tuple[str, str, str]]]] = defaultdict(list)
    for key, ps in cl.items():
        by_page_group[(key[0], key[1])].append((max(p.points for p in ps), key))
    contribution: dict[tuple[str, str, str], float] = {}
    for (page, _), entries in by_page_group.items():
        entries.sort(key=lambda e: (-e[0], e[1]))
        for rank, (pts, key) in enumerate(entries, start=1):
            contribution[key] = pts / rank / (1 if page == SITE else pages)
    d = sum(contribution.values())
    raw = 100.0 * BARRIER_HALF / (BARRIER_HALF + d)
    per_lead: dict[str, dict[str, Any]] = {}
    for key, ps in cl.items():
        lead = _lead(ps)
        e = per_lead.setdefault(lead, {"members": set(), "pages": set(), "elements": 0, "problems": [], "w": 0.0})
        e["members"] |= {p.check_id for p in ps}
        e["pages"].add(key[0])
        e["elements"] += 1
        e["problems"] += ps
        e["w"] += contribution[key]
    items = [_cost_item(lead, e["members"], e["pages"], e["elements"], e["problems"], e["w"])
             for lead, e in sorted(per_lead.items())]
    return raw, items


def _checklist(rid: str, cids: list[str], problems: list[Problem], facts: RunFacts,
               infos: Mapping[str, CheckInfo]) -> tuple[float, list[dict[str, Any]]]:
    """The weighted share of the requirement's items met. An item is a check (or checks that
    measure the same thing), weighted by its severity; its share met is 1 less what its
    problems cost: a site-wide failure all of it, a page's failure 1/n of it (n the pages it
    assessed), a warning half of that."""
    groups: dict[str, list[str]] = defaultdict(list)
    for cid in cids:
        groups[group_of(cid)].append(cid)
    by_group: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        by_group[group_of(p.check_id)].append(p)
    num = den = 0.0
    items = []
    for g, members in sorted(groups.items()):
        weight = max(SEVERITY_WEIGHT[infos[c].severity] for c in members)
        ps = by_group.get(g, [])
        worst: dict[str, float] = {}
        for p in ps:
            worst[p.page] = max(worst.get(p.page, 0.0), status_factor(p.status, rid))
        # n, the pages the item was judged on, does not depend on the problems: removing one
        # can only shrink the loss (a problem on more pages than that is a whole loss, no more)
        n = max([facts.assessed.get(c, 0) for c in members if infos[c].scope == "page"]
                + [facts.pages for c in members if infos[c].scope != "page" and per_page_site_check(c)] + [1])
        loss = worst.get(SITE, 0.0) + sum(v for k, v in worst.items() if k != SITE) / n
        share = max(0.0, 1.0 - min(1.0, loss))
        num += weight * share
        den += weight
        if ps:
            items.append(_cost_item(_lead(ps), {p.check_id for p in ps}, set(worst),
                                    len({(p.page, p.element) for p in ps}), ps, weight * (1.0 - share)))
    return (100.0 * num / den if den else 100.0), items


# -- reading a stored run ---------------------------------------------------------------------
def facts_from_store(store: Any, run_id: str, infos: Mapping[str, CheckInfo] | None = None) -> RunFacts:
    """A run's scoring facts, read with a few SQL queries (nothing that grows with the
    passing outcomes is held: a 2,000-page run has ~210,000 of them)."""
    infos = check_infos() if infos is None else infos
    audited = store.audited_pages(run_id)
    page_of: dict[str, str] = {}
    for url, final in audited:
        page_of[url] = url
        if final:
            page_of.setdefault(final, url)
    facts = RunFacts(pages=len(audited))
    for cid, status, counted, n in store.outcome_counts(run_id):
        facts.counts.setdefault(cid, Counter())[status] += n
        if counted and status in (Status.PASS.value, Status.FAIL.value, Status.WARN.value):
            facts.assessed[cid] = facts.assessed.get(cid, 0) + n
    with_problem: set[tuple[str, str]] = set()
    for cid, row_page, status, severity, page_url, selector, snippet in store.problem_findings(run_id):
        info = infos.get(cid)
        if info is None:
            continue
        page = _page_of(info, row_page, page_url, page_of)
        facts.problems.append(Problem(cid, page, status, Severity.parse(severity), element_key(selector, snippet)))
        with_problem.add((cid, row_page))
    shared: dict[str, str] = {}  # one string per page, however many problems name it
    for cid, row_page, status in store.problem_outcomes(run_id):
        info = infos.get(cid)
        if info is None or (cid, row_page) in with_problem:
            continue
        # a failing outcome without a finding still fails: at the check's own severity
        page = shared.setdefault(row_page, row_page) if info.scope == "page" and row_page else SITE
        facts.problems.append(Problem(cid, page, status, info.severity, ""))
    return facts


def _page_of(info: CheckInfo, row_page: str, page_url: str | None, page_of: Mapping[str, str]) -> str:
    if row_page:  # a page check's finding: the page it was found on
        return row_page
    if per_page_site_check(info.id):
        return page_of.get(page_url or "", SITE)
    return SITE


def score_run(store: Any, run_id: str) -> Scores:
    return compute(facts_from_store(store, run_id))
