"""Shared helpers for check families that read page-action and probe results."""

from __future__ import annotations

from typing import Any

from auditor.model import Finding, Outcome, PageArtifacts, Status


def probe(page: PageArtifacts, name: str) -> tuple[dict[str, Any] | None, Outcome | None]:
    """A probe's data, or the outcome to return when it is missing or failed."""
    data = (page.probes or {}).get(name)
    if data is None:
        return None, Outcome(Status.NOT_APPLICABLE, detail=f"no {name} measurement for this page")
    if isinstance(data, dict) and data.get("error"):
        return None, Outcome(Status.ERROR, detail=f"{name} measurement failed: {data['error']}")
    return data, None


def conclude(findings: list[Finding], *, none: Status = Status.PASS, detail: str = "") -> Outcome:
    """FAIL if any finding fails, else WARN if any warns, else ``none``."""
    statuses = {f.status for f in findings}
    if Status.FAIL in statuses:
        return Outcome(Status.FAIL, findings=findings, detail=detail)
    if Status.WARN in statuses:
        return Outcome(Status.WARN, findings=findings, detail=detail)
    if Status.MANUAL in statuses:
        return Outcome(Status.MANUAL, findings=findings, detail=detail)
    return Outcome(none, findings=findings, detail=detail)


def url_of(page: PageArtifacts) -> str:
    return page.final_url or page.url
