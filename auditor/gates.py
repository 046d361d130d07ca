"""CI gates: decide pass/fail from a result, and say which gate failed and by how much.

Only actionable findings count (status fail or warn; "needs review" never fails a build),
and with a baseline only the NEW ones. Score gates read the run's scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Severity
from .scoring import fmt, whole

ACTIONABLE = ("fail", "warn")


@dataclass
class Gates:
    fail_on: Severity | None = None
    min_score: float | None = None
    min_scores: dict[str, float] = field(default_factory=dict)
    max_findings: int | None = None

    def any(self) -> bool:
        return bool(self.fail_on is not None or self.min_score is not None or self.min_scores
                    or self.max_findings is not None)

    def to_dict(self) -> dict[str, Any]:
        return {"fail_on": self.fail_on.label if self.fail_on is not None else None, "min_score": self.min_score,
                "min_scores": dict(self.min_scores), "max_findings": self.max_findings}


@dataclass
class GateResult:
    gate: str
    passed: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"gate": self.gate, "passed": self.passed, "detail": self.detail}


def counted_findings(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Findings that count toward gates: actionable, not ignored, new if a baseline is set, and
    not of the best-practice tier unless the run counts it (``count_best_practice``)."""
    baseline = result.get("baseline")
    advisory = set()
    if not (result.get("run", {}).get("settings") or {}).get("count_best_practice"):
        advisory = {cid for cid, c in (result.get("checks") or {}).items() if c.get("tier") == "best-practice"}
    return [f for f in result["findings"] if f["status"] in ACTIONABLE and f["check_id"] not in advisory
            and (baseline is None or f.get("baseline_state") == "new")]


def evaluate(result: dict[str, Any], gates: Gates) -> list[GateResult]:
    out: list[GateResult] = []
    counted = counted_findings(result)
    scope = "new findings" if result.get("baseline") else "findings"
    if gates.fail_on is not None:
        worst = [f for f in counted if Severity.parse(f["severity"]) >= gates.fail_on]
        label = gates.fail_on.label
        out.append(GateResult(
            f"--fail-on {label}", not worst,
            f"{len(worst)} {scope} at or above {label} (allowed: 0)" if worst
            else f"no {scope} at or above {label}"))
    if gates.max_findings is not None:
        n = len(counted)
        out.append(GateResult(
            f"--max-findings {gates.max_findings}", n <= gates.max_findings,
            f"{n} {scope}, {n - gates.max_findings} over the limit of {gates.max_findings}" if n > gates.max_findings
            else f"{n} {scope} (limit {gates.max_findings})"))
    scores = result["scores"]
    if gates.min_score is not None:
        out.append(_score_gate(f"--min-score {gates.min_score:g}", "overall score", scores["overall"], gates.min_score))
    for req, minimum in gates.min_scores.items():
        out.append(_score_gate(f"--min-score {req}={minimum:g}", f"{req} score",
                               scores["requirements"].get(req), minimum))
    return out


def _score_gate(name: str, what: str, score: float | None, minimum: float) -> GateResult:
    if score is None:
        return GateResult(name, False, f"{what} could not be computed (no automated result)")
    shown = whole(score) or 0  # the gate judges the score every report shows
    if shown < minimum:
        return GateResult(name, False, f"{what} {fmt(score)} is {minimum - shown:g} below {minimum:g}")
    return GateResult(name, True, f"{what} {fmt(score)} (minimum {minimum:g})")


def parse_min_scores(values: tuple[str, ...] | list[str], known: set[str]) -> tuple[float | None, dict[str, float]]:
    """``80`` -> overall minimum; ``idea-3a1=90`` -> per-requirement minimum."""
    from .errors import UsageError

    overall: float | None = None
    per: dict[str, float] = {}
    for v in values:
        key, sep, num = str(v).partition("=")
        target = key.strip() if sep else None
        raw = num if sep else key
        try:
            val = float(raw)
        except ValueError:
            raise UsageError(f"--min-score expects N or REQUIREMENT=N with N from 0 to 100, got {v!r}") from None
        if not 0 <= val <= 100:
            raise UsageError(f"--min-score {v!r}: N must be from 0 to 100")
        if target is None:
            overall = val
        elif target not in known:
            raise UsageError(f"--min-score: unknown requirement {target!r} (allowed: {', '.join(sorted(known))})")
        else:
            per[target] = val
    return overall, per
