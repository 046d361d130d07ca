"""Scores per requirement and overall. The weights are data, here, in one place.

Formula (also in the README and the scorecard):

* every (check, page) outcome with a status of pass, fail or warn counts once, with the
  check's weight; pass scores 1, warn 0.5, fail 0. Manual, not-applicable and error
  outcomes weigh zero (as in Lighthouse's scoring);
* a requirement's score is the weighted mean of the outcomes of the checks that map to it,
  times 100; a requirement with no counted outcome has no score (shown as manual);
* the overall score is the mean of the requirement scores weighted by each requirement's
  weight in the catalog (``auditor/requirements.py``), over requirements that have a score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import requirements as reqs
from .model import Severity, Status

#: Weight of a check by its default severity (axe rules take the weight of their impact).
SEVERITY_WEIGHT: dict[Severity, float] = {
    Severity.INFO: 0.5,
    Severity.LOW: 1.0,
    Severity.MEDIUM: 3.0,
    Severity.HIGH: 7.0,
    Severity.CRITICAL: 10.0,
}

#: Bands for the headline score.
BANDS: tuple[tuple[float, str, str], ...] = (
    (90.0, "A", "Good"),
    (75.0, "B", "Fair"),
    (50.0, "C", "Needs work"),
    (0.0, "D", "Poor"),
)


def band(score: float | None) -> tuple[str, str]:
    if score is None:
        return ("-", "Not scored")
    for floor, letter, words in BANDS:
        if score >= floor:
            return (letter, words)
    return BANDS[-1][1:]


@dataclass
class RequirementScore:
    id: str
    score: float | None = None
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})
    _num: float = 0.0
    _den: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "counts": dict(self.counts)}


@dataclass
class Scores:
    overall: float | None
    requirements: dict[str, RequirementScore]

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "requirements": {k: v.score for k, v in self.requirements.items()},
            "details": {k: v.to_dict() for k, v in self.requirements.items()},
        }


def compute(outcomes: Iterable[tuple[Any, ...]]) -> Scores:
    """Score from (requirement ids, status, score 0..1 or None, weight[, count]) rows; a
    row with a count stands for that many identical outcomes (``Store.outcome_groups``)."""
    per = {r.id: RequirementScore(r.id) for r in reqs.REQUIREMENTS}
    for row in outcomes:
        req_ids, status, score, weight = row[:4]
        n = row[4] if len(row) > 4 else 1
        for rid in req_ids:
            rs = per.get(rid)
            if rs is None:
                continue
            rs.counts[status] = rs.counts.get(status, 0) + n
            if score is not None and status in (Status.PASS.value, Status.FAIL.value, Status.WARN.value):
                rs._num += weight * score * n
                rs._den += weight * n
    num = den = 0.0
    for rid, rs in per.items():
        if rs._den > 0:
            rs.score = round(100.0 * rs._num / rs._den, 1)
            w = reqs.BY_ID[rid].weight
            num += w * rs.score
            den += w
    overall = round(num / den, 1) if den else None
    return Scores(overall=overall, requirements=per)
