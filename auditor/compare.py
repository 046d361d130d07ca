"""``idea-audit compare``: several sites, or one site at several dates, side by side.

Runs are named by run id (in the store), a JSON result file, or ``latest:SITE_URL`` (the
newest stored run of that site). Output: ``compare.html`` (ranked table, requirement-by-site
heat map with numbers, best/worst per requirement, links to each run's scorecard, written
next to it under ``scorecards/``), ``compare.csv`` and ``compare.json``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from . import history, scoring
from .errors import UsageError
from .store import Store


def resolve(ref: str, store: Store | None) -> dict[str, Any]:
    """A result dict for a run id, a JSON result file, or ``latest:SITE``."""
    from .report import build_result

    path = Path(ref)
    if ref.lower().endswith(".json") or path.is_file():
        if not path.is_file():
            raise UsageError(f"compare: no such file {ref}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"compare: {ref} is not a JSON result ({exc.__class__.__name__})") from None
        if not isinstance(data, dict) or "scores" not in data or "run" not in data:
            raise UsageError(f"compare: {ref} is not an idea-auditor JSON result")
        return data
    if store is None:
        raise UsageError(f"compare: {ref!r} is not a file, and there is no store to look it up in")
    run_id = ref
    if ref.startswith("latest:"):
        site = ref[len("latest:"):]
        if not site:
            raise UsageError("compare: latest: needs a site URL, e.g. latest:https://agency.gov/")
        run_id = history.latest_run_for_site(store, site) or ""
        if not run_id:
            raise UsageError(f"compare: no stored run of {history.site_key(site)}")
    if store.get_run(run_id) is None:
        raise UsageError(f"compare: no run {ref!r} in {store.path}")
    return build_result(store, run_id)


def _site(result: dict[str, Any]) -> str:
    seeds = result["run"].get("seeds") or []
    return history.site_key(seeds[0]) if seeds else "(unknown site)"


def comparison(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Ranked entries, the requirement x entry score matrix, best/worst per requirement."""
    sites = [_site(r) for r in results]
    entries = []
    for r, site in zip(results, sites):
        date = (r["run"].get("started") or "")[:10]
        label = f"{site} ({date})" if sites.count(site) > 1 else site
        overall = r["scores"]["overall"]
        entries.append({"label": label, "site": site, "date": r["run"].get("started") or "", "run_id": r["run"]["id"],
                         "overall": overall, "grade": scoring.band(overall)[0],
                         "pages": r["summary"]["pages_audited"], "failures": r["summary"]["by_status"].get("fail", 0),
                         "requirements": dict(r["scores"]["requirements"]),
                         "scorecard": f"scorecards/{r['run']['id']}.html"})
    ranked = sorted(entries, key=lambda e: (e["overall"] is None, -(e["overall"] or 0), e["label"]))
    for i, e in enumerate(ranked, 1):
        e["rank"] = i
    catalog = results[0]["requirements"] if results else []
    reqs = []
    for q in catalog:
        scored = [(e["requirements"].get(q["id"]), e["label"]) for e in ranked
                  if e["requirements"].get(q["id"]) is not None]
        best = max((s for s, _ in scored), default=None)
        worst = min((s for s, _ in scored), default=None)
        reqs.append({"id": q["id"], "short": q["short"], "citation": q.get("citation", ""),
                     "cells": [{"label": e["label"], "score": e["requirements"].get(q["id"]),
                                "grade": scoring.band(e["requirements"].get(q["id"]))[0]} for e in ranked],
                     "best": [lab for s, lab in scored if s == best], "best_score": best,
                     "worst": [lab for s, lab in scored if s == worst], "worst_score": worst})
    return {"entries": ranked, "requirements": reqs}


def render_csv(comp: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    reqs = comp["requirements"]
    w.writerow(["rank", "site", "run_id", "started", "overall", "grade", "pages_audited", "failures",
                *[q["id"] for q in reqs]])

    def num(v: float | None) -> str:
        return scoring.fmt(v, "")

    for e in comp["entries"]:
        w.writerow([e["rank"], _csv_safe(e["label"]), e["run_id"], e["date"], num(e["overall"]), e["grade"],
                    e["pages"], e["failures"], *[num(e["requirements"].get(q["id"])) for q in reqs]])
    return buf.getvalue()


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in values that come from audited sites."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_html(comp: dict[str, Any]) -> str:
    from .report.html import _asset, _env, _hash

    css = _asset("scorecard.css")
    return _env().get_template("compare.html.j2").render(c=comp, css=css, style_hash=_hash(css))


def write(results: list[dict[str, Any]], out_dir: str | Path) -> dict[str, Path]:
    """compare.html, compare.csv, compare.json and each run's scorecard under ``scorecards/``."""
    from .report import html as html_report
    from .report import write_text_atomic

    out = Path(out_dir)
    (out / "scorecards").mkdir(parents=True, exist_ok=True)
    comp = comparison(results)
    for r in results:
        write_text_atomic(out / "scorecards" / f"{r['run']['id']}.html", html_report.render(r))
    paths = {"html": out / "compare.html", "csv": out / "compare.csv", "json": out / "compare.json"}
    write_text_atomic(paths["html"], render_html(comp))
    write_text_atomic(paths["csv"], render_csv(comp))
    write_text_atomic(paths["json"], json.dumps(comp, indent=2))
    return paths

