"""A site's history in the store: score trend across its runs, new and fixed findings.

A "site" is the normalised origin (scheme, host, port) of a run's first seed URL, so runs
of ``https://agency.gov`` and ``https://agency.gov/about/`` belong to the same site.
Findings are matched between runs by their ``fingerprint`` (check, page, element).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from . import scoring
from .store import Store

DEFAULT_TREND_RUNS = 12
MAX_LISTED_CHANGES = 100
"""New/fixed findings listed in the scorecard at most (the counts are always exact)."""


def site_key(url: str) -> str:
    """``scheme://host[:port]/`` with default ports dropped and the host lower-cased."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return f"{scheme}://{host}/"


def run_site(run: dict[str, Any]) -> str | None:
    seeds = run.get("seeds") or []
    return site_key(seeds[0]) if seeds else None


def runs_for_site(store: Store, site: str) -> list[dict[str, Any]]:
    """Stored runs of ``site`` (any URL of it), oldest first."""
    key = site_key(site)
    runs = [r for r in store.list_runs() if run_site(r) == key]
    return sorted(runs, key=lambda r: (r["started"], r["id"]))


def latest_run_for_site(store: Store, site: str) -> str | None:
    runs = [r for r in runs_for_site(store, site) if r["status"] != "running"] or runs_for_site(store, site)
    return runs[-1]["id"] if runs else None


def run_scores(store: Store, run_id: str) -> dict[str, Any]:
    return scoring.score_run(store, run_id).to_dict()


def _brief(f: dict[str, Any]) -> dict[str, Any]:
    return {k: f.get(k) for k in ("check_id", "severity", "status", "page_url", "message", "selector",
                                  "requirements")}


def diff_findings(previous: list[dict[str, Any]], current: list[dict[str, Any]],
                  gone_pages: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """New and fixed findings by fingerprint (pass/not-applicable findings are ignored).

    A page reused by an --incremental re-scan keeps its findings (same fingerprints), so it
    shows neither new nor fixed ones. Findings of ``gone_pages`` (pages the re-scan no longer
    reached) are not "fixed": they are counted apart as ``gone_count``."""
    def problems(fs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {f["fingerprint"]: f for f in fs if f.get("status") in ("fail", "warn", "manual", "error")}

    prev, cur = problems(previous), problems(current)
    new = [cur[k] for k in cur if k not in prev]
    vanished = [prev[k] for k in prev if k not in cur]
    fixed = [f for f in vanished if f.get("page_url") not in gone_pages]
    out = {"new_count": len(new), "fixed_count": len(fixed),
           "new": [_brief(f) for f in new[:MAX_LISTED_CHANGES]],
           "fixed": [_brief(f) for f in fixed[:MAX_LISTED_CHANGES]]}
    if gone_pages:
        out["gone_count"] = len(vanished) - len(fixed)
    return out


def history(store: Store, run_id: str, current_findings: list[dict[str, Any]] | None = None,
            current_scores: dict[str, Any] | None = None, limit: int = DEFAULT_TREND_RUNS) -> dict[str, Any] | None:
    """Trend points (this run and the previous runs of its site, oldest first) and changes."""
    run = store.get_run(run_id)
    if run is None or run_site(run) is None:
        return None
    site = run_site(run)
    runs = [r for r in runs_for_site(store, site) if r["started"] <= run["started"]]
    runs = [r for r in runs if r["id"] != run_id and r["status"] != "running"][-(limit - 1):] + [run]
    points = []
    for r in runs:
        sc = current_scores if (r["id"] == run_id and current_scores) else run_scores(store, r["id"])
        points.append({"run_id": r["id"], "started": r["started"], "overall": sc["overall"],
                       "requirements": sc["requirements"]})
    previous = runs[-2]["id"] if len(runs) > 1 else None
    out: dict[str, Any] = {"site": site, "points": points, "previous_run": previous}
    if previous:
        if current_findings is None:
            current_findings = store.finding_dicts(run_id)
        # an --incremental re-scan's gone pages, when it was based on that previous run
        inc = run.get("incremental") or {}
        gone = set(inc.get("gone") or []) if inc.get("base_run") == previous else set()
        out["changes"] = diff_findings(store.finding_dicts(previous), current_findings, gone)
    return out
