"""Reporters read a stored run and write one output each. Registered by name.

Every reporter is a module in this package defining ``NAME``, ``EXTENSION`` and
``render(result: dict) -> str``; the ``result`` is the JSON contract built once by
:func:`build_result` (documented in ``auditor/schemas/result.schema.json``). Reporters whose
output grows with the findings also define ``write_to(result, fh)``, which writes the same
text to a file a piece at a time (``stream.py``); :func:`write` uses it where there is one.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pkgutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from .. import __version__, checking, clusters, environment, history, requirements, scoring, section508
from ..crawl import SKIP_REASONS
from ..store import Store

SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"]
SCREENSHOT_PAGES = 60
"""Pages whose screenshots the result (and so the scorecard) embeds at most: bounds its size."""


def reporters() -> dict[str, ModuleType]:
    out = {}
    for mod in pkgutil.iter_modules(__path__):
        m = importlib.import_module(f"{__name__}.{mod.name}")
        name = getattr(m, "NAME", None)
        if name and hasattr(m, "render"):
            out[name] = m
    return dict(sorted(out.items()))


def summarize_findings(findings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "findings": len(findings),
        # 'fix once' clusters: the same problem on one shared block across pages is one fix
        "fixes": len({clusters.cluster_of(f) for f in findings}),
        "by_status": dict(Counter(f["status"] for f in findings)),
        "by_severity": {s: n for s in SEVERITY_ORDER if (n := sum(1 for f in findings if f["severity"] == s))},
    }


def incremental_note(result: dict[str, Any]) -> str | None:
    """One line on an incremental re-scan ("412 of 500 pages unchanged since run X: reused"),
    or None for a run that did not ask for one."""
    from ..incremental import note

    return note(result["run"].get("incremental"), len(result.get("pages") or []))


def pacing_note(pacing: dict[str, Any] | None) -> str | None:
    """One sentence on how the site made the crawl slow down (429/503 answers, slow
    responses), or None when it did not: a long scan may be the site's doing."""
    if not pacing:
        return None
    capped = ""
    if pacing.get("crawl_delay_capped_s"):
        capped = (f"robots.txt asks for a Crawl-delay of {pacing.get('crawl_delay_asked_s'):g} s between requests; "
                  f"the crawler waited {pacing['crawl_delay_capped_s']:g} s at most.")
    busy = pacing.get("busy_answers") or {}
    n_busy = sum(busy.values())
    slow = pacing.get("slowdowns") or 0
    if not n_busy and not slow:
        return capped or None
    if capped:
        return capped + " " + (pacing_note({k: v for k, v in pacing.items() if k != "crawl_delay_capped_s"}) or "")
    def times(n: int, what: str) -> str:
        return f"{n} {what}" + ("" if n == 1 else "s")

    said = []
    if n_busy:
        codes = ", ".join(f"{n} x {code}" for code, n in sorted(busy.items()))
        said.append(f"answered {times(n_busy, 'request')} with \"slow down\" ({codes})")
    if slow:
        said.append(f"slowed its responses well past their usual time ({times(slow, 'time')})")
    did = []
    if pacing.get("pauses"):
        did.append(f"paused {times(pacing['pauses'], 'time')} (up to {pacing.get('longest_pause_s', 0):g} s)")
    least = pacing.get("min_in_flight")
    if least is not None and least < (pacing.get("per_host_limit") or 0):
        did.append(f"went down to {times(least, 'page')} in flight")
    if (pacing.get("max_spacing_s") or 0) > (pacing.get("delay_s") or 0):
        did.append(f"spaced requests up to {pacing['max_spacing_s']:g} s apart")
    return ("The site " + " and ".join(said) + ". The crawler " + ", ".join(did or ["retried"])
            + ", so the scan took longer than the tool alone needs.")


NOTHING_AUDITED = "nothing could be audited"
"""How a run that audited no page starts its error (its status is ``failed``, it has no score)."""

_SKIP_WORDS = {"robots": "disallowed by robots.txt", "off-site": "off the site", "limit": "beyond a crawl limit",
               "non-html": "not HTML pages", "duplicate": "duplicates", "other-scheme": "not http(s)"}


def nothing_audited_reason(store: Store, run_id: str) -> str:
    """Why a run audited no page, in one sentence: its pages' errors, then what was skipped."""
    failed = [p for p in store.pages(run_id, summary=False) if p["error"]]
    said = []
    if failed:
        first = failed[0]
        said.append(f"{len(failed)} page{'' if len(failed) == 1 else 's'} failed ({first['url']}: {first['error']})")
    samples = store.skipped_samples(run_id, per_reason=3)
    for reason, n in sorted(store.skipped_counts(run_id).items(), key=lambda kv: (-kv[1], kv[0])):
        if not n:
            continue
        urls = ", ".join(s["url"] for s in samples.get(reason, [])[:3])
        said.append(f"{n} URL{'' if n == 1 else 's'} skipped as {_SKIP_WORDS.get(reason, reason)}"
                    + (f" ({urls}{', ...' if n > 3 else ''})" if urls else ""))
    if not said:
        said.append("the crawl found no page to audit")
    if store.skipped_counts(run_id).get("robots") and not failed:
        # a preview or staging build often disallows everything; say how to audit one's own
        said.append("to audit your own site regardless, use --ignore-robots")
    return f"{NOTHING_AUDITED}: " + "; ".join(said)


def mark_if_nothing_audited(store: Store, run_id: str) -> str | None:
    """A finished run without one audited page failed: status ``failed`` with the reason as its
    error (every report says so, and shows no score). Returns the reason, or None."""
    if store.audited_pages(run_id):
        return None
    run = store.get_run(run_id) or {}
    if run.get("status") == "failed" and str(run.get("error") or "").startswith(NOTHING_AUDITED):
        return str(run["error"])
    reason = nothing_audited_reason(store, run_id)
    if run.get("status") == "failed" and run.get("error"):
        reason = f"{reason}; {run['error']}"
    store.update_run(run_id, status="failed", error=reason)
    return reason


def build_result(store: Store, run_id: str) -> dict[str, Any]:
    """The whole run as plain data, in the documented JSON contract's shape."""
    run = store.get_run(run_id)
    if run is None:
        raise KeyError(run_id)
    specs = checking.load_all()
    # Nothing here grows with the run's outcomes (~100 a page): scores and per-check counts
    # are summed by SQLite; findings and the page list are what the reports show.
    pages = store.pages(run_id, summary=False)
    findings = store.finding_dicts(run_id)
    scores = scoring.score_run(store, run_id)
    skipped = store.skipped_counts(run_id)
    check_status = store.check_statuses(run_id)
    used = sorted(set(check_status) | {f["check_id"] for f in findings})
    settings = dict(run["settings"] or {})
    result = {
        "schema_version": "1.0",
        "run": {
            "id": run["id"],
            "tool": "idea-auditor",
            "tool_version": run["tool_version"],
            "report_tool_version": __version__,
            "started": run["started"],
            "finished": run["finished"],
            "status": run["status"],
            "error": run["error"],
            "seeds": run["seeds"],
            "settings": settings,
            "limits_hit": run["limit_hit"] or [],
            "pacing": run.get("pacing"),
            "memo": run.get("memo"),
            "environment": environment.to_dict(environment.of_run(settings)),
            # --incremental: the base run, pages reused/audited, pages gone (None: not asked)
            "incremental": run.get("incremental"),
        },
        "summary": {
            "pages_audited": sum(1 for p in pages if not p["error"]),
            "pages_failed": sum(1 for p in pages if p["error"]),
            "pages_skipped": sum(skipped.values()),
            **summarize_findings(findings),
        },
        "pages": [{"url": p["url"], "final_url": p["final_url"], "status_code": p["status_code"],
                   "error": p["error"], "depth": p["depth"], "title": p["title"],
                   "reused_from": p.get("reused_from")} for p in pages],
        "skipped": {r: skipped.get(r, 0) for r in SKIP_REASONS},
        "skipped_examples": store.skipped_samples(run_id),
        "findings": findings,
        "clusters": clusters.summarize(findings),
        "scores": scores.to_dict(),
        "requirements": [{"id": r.id, "short": r.short, "citation": r.citation, "text": r.text,
                          "weight": r.weight, "manual": r.manual} for r in requirements.REQUIREMENTS],
        "checks": {cid: {**specs[cid].to_dict(), "outcomes": dict(check_status.get(cid, {})),
                         "section508": section508.check_dict(cid)}
                   for cid in used if cid in specs},
        # a check that raised or lacked its measurement decided nothing on those pages: say so
        "check_errors": store.check_errors(run_id),
        "site": {"uswds": ((run.get("site") or {}).get("extra") or {}).get("uswds"),
                 "fetch_cuts": ((run.get("site") or {}).get("extra") or {}).get("fetch_cuts") or []},
    }
    section508.annotate_findings(findings)
    result["section508"] = section508.coverage(result, section508.run_facts(store, run_id, run))
    result["history"] = history.history(store, run_id, findings, result["scores"])
    if settings.get("screenshots"):
        result["screenshots"] = _screenshots(store, run_id, _worst_pages(findings, pages))
    return result


def _worst_pages(findings: list[dict[str, Any]], pages: list[dict[str, Any]],
                 limit: int = SCREENSHOT_PAGES) -> set[str]:
    """The pages with the most failures (then the shallowest): those get screenshots in the report."""
    fails = Counter(f["page_url"] for f in findings if f["status"] == "fail")
    ranked = sorted(pages, key=lambda p: (-fails.get(p["url"], 0), p["depth"] or 0, p["url"]))
    return {p["url"] for p in ranked[:limit]}


def _screenshots(store: Store, run_id: str, wanted: set[str]) -> dict[str, dict[str, str]]:
    """page URL -> {desktop, mobile} thumbnail data URIs, for the ``wanted`` pages only."""
    out: dict[str, dict[str, str]] = {}
    for art in store.iter_artifacts(run_id):
        if art.url not in wanted:
            continue
        shots = (art.probes or {}).get("screenshots")
        if isinstance(shots, dict) and (shots.get("desktop") or shots.get("mobile")):
            out[art.url] = {k: v for k, v in shots.items() if k in ("desktop", "mobile") and isinstance(v, str)
                            and v.startswith("data:image/")}
    return out


@contextlib.contextmanager
def atomic_open(path: str | Path, newline: str | None = "") -> Iterator[TextIO]:
    """A text file written next to ``path`` and renamed onto it once complete: a process killed
    (or a renderer that raises) mid-write leaves the previous file, never a truncated one."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text_atomic(path: str | Path, text: str, newline: str | None = "") -> None:
    with atomic_open(path, newline=newline) as fh:
        fh.write(text)


def write(result: dict[str, Any], formats: list[str], out_dir: str | Path) -> dict[str, Path]:
    """Render ``result`` in each format into ``out_dir`` (each file complete or not replaced,
    :func:`atomic_open`); returns format -> path."""
    regs = reporters()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt in formats:
        mod = regs[fmt]
        path = out / f"{getattr(mod, 'BASENAME', 'idea-audit')}.{mod.EXTENSION}"
        with atomic_open(path) as fh:
            if hasattr(mod, "write_to"):
                mod.write_to(result, fh)
            else:
                fh.write(mod.render(result))
        written[fmt] = path
    return written
