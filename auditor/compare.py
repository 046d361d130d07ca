"""``idea-audit compare``: several sites, or one site at several dates, side by side.

Runs are named by run id (in the store), a JSON result file, or ``latest:SITE_URL`` (the
newest stored run of that site). Output: ``compare.html`` (ranked table, requirement-by-site
heat map with numbers, best/worst per requirement, links to each run's scorecard, written
next to it under ``scorecards/``), ``compare.csv`` and ``compare.json``. Equal scores (as
shown, whole numbers) share a rank; runs and fleet sites with no score are listed with their
status and reason, never dropped.
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


#: What a site's row says when it has no score: why it was not compared.
UNAUDITED_STATUSES = ("unreachable", "failed", "no pages audited", "pending")
META_FIELDS = ("name", "agency", "bureau")


def shown(score: float | None) -> str:
    """A score as the reports show it (whole numbers): ranks and ties use this, so two sites
    that read the same are tied, never ranked apart by a decimal nobody sees."""
    return scoring.fmt(score, "")


def rank(scores: list[float | None]) -> list[tuple[int | None, bool]]:
    """Standard competition ranks ("1, 2, 2, 4") of scores in the order given (best first
    expected, but any order works) with whether each is tied; an unscored entry has no rank."""
    keys = [None if s is None else int(shown(s)) for s in scores]
    out: list[tuple[int | None, bool]] = []
    for k in keys:
        if k is None:
            out.append((None, False))
            continue
        out.append((1 + sum(1 for o in keys if o is not None and o > k), keys.count(k) > 1))
    return out


def _started_labels(starts: list[str]) -> list[str]:
    """The shortest of date, date+minute, date+second that tells these runs apart."""
    for cut, suffix in ((10, ""), (16, " UTC"), (19, " UTC")):
        labels = [(s[:cut].replace("T", " ") + suffix) if s else "no date" for s in starts]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def _entry_status(r: dict[str, Any]) -> tuple[str, str]:
    """complete, or why a run has no place in the ranking (a run that audited no page)."""
    if r["summary"].get("pages_audited", 0) == 0 or r["scores"].get("overall") is None:
        reason = r["run"].get("error") or "the run audited no page"
        return "no pages audited", reason
    return "complete", ""


def comparison(results: list[dict[str, Any]], *, meta: dict[str, dict[str, str]] | None = None,
               unaudited: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Ranked entries, the requirement x entry score matrix, best/worst per requirement.

    ``meta`` maps a run id to its site's name, agency and bureau (from a fleet's sites file).
    ``unaudited`` are sites with no result to compare (a fleet site that could not be reached,
    whose worker failed, or that audited no page): each a dict with ``url``, ``status``,
    ``reason`` and optionally ``run_id``, ``started``, name, agency, bureau. They, and runs here
    that audited no page, are listed with their status and reason after the ranked runs,
    never ranked and never shown as scores of 0.
    """
    meta = meta or {}
    sites = [_site(r) for r in results] + [history.site_key(u["url"]) for u in unaudited or []]
    starts = [r["run"].get("started") or "" for r in results] + [u.get("started") or "" for u in unaudited or []]
    entries = []
    for i, (site, started) in enumerate(zip(sites, starts)):
        if i < len(results):
            r = results[i]
            run_id = r["run"]["id"]
            status, reason = _entry_status(r)
            m = meta.get(run_id, {})
            overall = r["scores"]["overall"] if status == "complete" else None
            e = {"site": site, "started": started, "run_id": run_id, "status": status, "reason": reason,
                 "overall": overall, "pages": r["summary"]["pages_audited"],
                 "failures": r["summary"]["by_status"].get("fail", 0) if status == "complete" else None,
                 "requirements": dict(r["scores"]["requirements"]) if status == "complete" else {},
                 "scorecard": f"scorecards/{run_id}.html"}
        else:
            u = (unaudited or [])[i - len(results)]
            m = u
            e = {"site": site, "started": started, "run_id": u.get("run_id") or "", "status": u["status"],
                 "reason": u.get("reason") or "", "overall": None, "pages": None, "failures": None,
                 "requirements": {}, "scorecard": f"scorecards/{u['run_id']}.html" if u.get("run_id") else ""}
        e.update({k: str(m.get(k) or "") for k in META_FIELDS})
        e["grade"] = scoring.band(e["overall"])[0] if e["overall"] is not None else ""
        entries.append(e)
    # a site is named by its URL; when it is there more than once, by URL and run start (date,
    # and the time too when two runs share a day)
    for site in set(sites):
        idx = [i for i, s in enumerate(sites) if s == site]
        labels = _started_labels([starts[i] for i in idx]) if len(idx) > 1 else [""]
        for i, when in zip(idx, labels):
            entries[i]["label"] = f"{site} ({when})" if when else site
    scored = sorted((e for e in entries if e["overall"] is not None),
                    key=lambda e: (-int(shown(e["overall"])), -e["overall"], e["label"]))
    for e, (rk, tied) in zip(scored, rank([e["overall"] for e in scored])):
        e["rank"], e["tied"] = rk, tied
    rest = [e for e in entries if e["overall"] is None]
    for e in rest:
        e["rank"], e["tied"] = None, False
    ranked = scored + rest
    catalog = results[0]["requirements"] if results else []
    reqs = []
    for q in catalog:
        cells = [(e["requirements"].get(q["id"]), e["label"]) for e in scored]
        have = [(s, lab) for s, lab in cells if s is not None]
        keys = [int(shown(s)) for s, _ in have]
        best, worst = max(keys, default=None), min(keys, default=None)
        # every scored run reads the same: all tied, no best and no worst among them
        all_tied = best is not None and best == worst
        best_score = max((s for s, _ in have), default=None)
        worst_score = min((s for s, _ in have), default=None)
        reqs.append({"id": q["id"], "short": q["short"], "citation": q.get("citation", ""),
                     "cells": [{"label": lab, "score": s, "grade": scoring.band(s)[0]} for s, lab in cells],
                     "all_tied": all_tied,
                     "best": [lab for (s, lab), k in zip(have, keys) if k == best], "best_score": best_score,
                     "worst": [] if all_tied else [lab for (s, lab), k in zip(have, keys) if k == worst],
                     "worst_score": None if all_tied else worst_score})
    return {"entries": ranked, "scored": scored, "unaudited": rest, "requirements": reqs}


def req_header(q: dict[str, Any]) -> str:
    """A requirement's CSV column: its id, then its name (``idea-3a1 Accessible``)."""
    return f"{q['id']} {q['short']}"


def render_csv(comp: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    reqs = comp["requirements"]
    w.writerow(["rank", "tied", "site", "name", "agency", "bureau", "status", "reason", "run_id", "started",
                "overall", "grade", "pages_audited", "failures", *[req_header(q) for q in reqs]])

    def num(v: float | None) -> str:
        return scoring.fmt(v, "")

    for e in comp["entries"]:
        w.writerow(["" if e["rank"] is None else e["rank"], "yes" if e["tied"] else "", _csv_safe(e["label"]),
                    *[_csv_safe(e[k]) for k in META_FIELDS], e["status"], _csv_safe(e["reason"]), e["run_id"],
                    e["started"], num(e["overall"]), e["grade"], "" if e["pages"] is None else e["pages"],
                    "" if e["failures"] is None else e["failures"],
                    *[num(e["requirements"].get(q["id"])) for q in reqs]])
    return buf.getvalue()


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in values that come from audited sites."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_html(comp: dict[str, Any]) -> str:
    from .report.html import _asset, _env, _hash

    css = _asset("scorecard.css")
    return _env().get_template("compare.html.j2").render(c=comp, css=css, style_hash=_hash(css))


def write(results: list[dict[str, Any]], out_dir: str | Path, *, meta: dict[str, dict[str, str]] | None = None,
          unaudited: list[dict[str, Any]] | None = None, extra_scorecards: list[dict[str, Any]] = ()
          ) -> dict[str, Path]:
    """compare.html, compare.csv, compare.json and each run's scorecard under ``scorecards/``
    (``extra_scorecards``: results of unaudited sites' runs, whose scorecards say why)."""
    from .report import html as html_report
    from .report import write_text_atomic

    out = Path(out_dir)
    (out / "scorecards").mkdir(parents=True, exist_ok=True)
    comp = comparison(results, meta=meta, unaudited=unaudited)
    rendered = set()
    for r in [*results, *extra_scorecards]:
        write_text_atomic(out / "scorecards" / f"{r['run']['id']}.html", html_report.render(r))
        rendered.add(r["run"]["id"])
    for e in comp["entries"]:
        if e["run_id"] not in rendered:
            e["scorecard"] = ""
    paths = {"html": out / "compare.html", "csv": out / "compare.csv", "json": out / "compare.json"}
    write_text_atomic(paths["html"], render_html(comp))
    write_text_atomic(paths["csv"], render_csv(comp))
    # "scored" and "unaudited" are views of "entries" for the page: the JSON holds entries once
    write_text_atomic(paths["json"], json.dumps({k: v for k, v in comp.items() if k not in ("scored", "unaudited")},
                                                indent=2))
    return paths

