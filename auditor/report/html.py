"""The HTML scorecard: one self-contained file (inline CSS/JS/SVG, no network), Jinja2 autoescaped.

Everything that comes from an audited page (titles, URLs, snippets, messages) reaches the
template as data and is escaped there; the page carries a Content-Security-Policy that
forbids any script but our own inline one (by hash) and any network fetch.

The scorecard renders any check or requirement generically from the result dict, and stays
small for big runs: repeated findings are aggregated by element, and page lists are capped
(the JSON result keeps everything).
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from importlib import resources
from typing import Any

import jinja2

from .. import clusters, scoring
from . import NOTHING_AUDITED, incremental_note, pacing_note

NAME = "html"
EXTENSION = "html"

SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
PROBLEM_STATUSES = ("fail", "warn", "manual", "error")
ELEMENTS_PER_CHECK = 15
"""Distinct elements (selector + snippet) shown per check; the rest are counted."""
PAGES_PER_ELEMENT = 8
"""Pages listed per element; the rest are counted."""
PAGE_TABLE_ROWS = 300
"""Rows of the page table (worst pages first)."""
PAGE_DETAILS = 40
"""Pages with their own detail section (worst first, plus pages with screenshots)."""
SNIPPET_CHARS = 400


def _env() -> jinja2.Environment:
    root = resources.files("report_templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["band"] = scoring.band
    env.filters["score"] = scoring.fmt
    env.filters["plural"] = lambda n, word, many=None: f"{n:,} {word if n == 1 else (many or word + 's')}"
    return env


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _asset(name: str) -> str:
    return resources.files("report_templates").joinpath(name).read_text("utf-8")


def site_of(result: dict[str, Any]) -> str:
    seeds = result["run"].get("seeds") or []
    return seeds[0] if seeds else "site"


def _meta(result: dict[str, Any], cid: str) -> dict[str, Any]:
    m = result["checks"].get(cid) or {}
    return {"title": m.get("title") or cid, "failure_title": m.get("failure_title") or m.get("title") or cid,
            "description": m.get("description") or "", "help_url": m.get("help_url") or "",
            "wcag": m.get("wcag") or [], "family": m.get("family") or "", "tier": m.get("tier") or "wcag"}


def _severity_of(fs: list[dict[str, Any]]) -> str:
    worst = max((SEVERITY_RANK.get(f["severity"], 0) for f in fs), default=0)
    return next(k for k, v in SEVERITY_RANK.items() if v == worst)


def _status_of(fs: list[dict[str, Any]]) -> str:
    statuses = {f["status"] for f in fs}
    for s in PROBLEM_STATUSES:
        if s in statuses:
            return s
    return fs[0]["status"] if fs else "pass"


def _elements(fs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Aggregate a check's findings by element: the same header/footer problem on 2,000 pages
    is one entry with a page count, not 2,000 entries. Findings of one 'fix once' cluster (the
    same element of the same shared block, auditor/clusters.py) are one entry even where axe-core
    wrote their selectors differently; other findings are grouped by selector and snippet."""
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for f in fs:
        block = f.get("block")
        snippet = (f.get("snippet") or "")[:SNIPPET_CHARS]
        key = ("cluster", clusters.cluster_of(f)) if block else ("element", f.get("selector") or "", snippet)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"selector": f.get("selector") or "", "snippet": snippet,
                               "message": f.get("message") or "", "fix_hint": f.get("fix_hint") or "",
                               "fix": clusters.fix_phrase(block), "pages": [], "count": 0, "_seen": set(),
                               "where": f"{block['name']} ({block['selector']})" if block else ""}
        g["count"] += 1
        if f["page_url"] not in g["_seen"]:
            g["_seen"].add(f["page_url"])
            g["pages"].append(f["page_url"])
    for g in groups.values():
        del g["_seen"]
    return sorted(groups.values(), key=lambda g: -g["count"])


def fixes_note(fs: list[dict[str, Any]]) -> dict[str, Any]:
    """How many fixes a check's findings are, and the biggest shared-block fix among them:
    {"fixes": n, "fix": "fix once in the footer (footer.usa-footer)" or "", "fix_pages": pages
    the biggest block cluster covers}."""
    by_cluster: dict[str, set[str]] = defaultdict(set)
    blocks: dict[str, dict[str, Any]] = {}
    for f in fs:
        cid = clusters.cluster_of(f)
        by_cluster[cid].add(f["page_url"])
        if f.get("block"):
            blocks[cid] = f["block"]
    best = max(blocks, key=lambda c: (len(by_cluster[c]), c), default=None)
    return {"fixes": len(by_cluster), "fix": clusters.fix_phrase(blocks[best]) if best else "",
            "fix_pages": len(by_cluster[best]) if best else 0}


def section508_ids(fs: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The Baseline and Trusted Tester tests a check's findings bear on (auditor.section508)."""
    return {"baseline": sorted({t for f in fs for t in f.get("baseline") or ()}),
            "trusted_tester": sorted({t for f in fs for t in f.get("trusted_tester") or ()})}


def group_findings(result: dict[str, Any]) -> list[dict[str, Any]]:
    """requirement -> check -> aggregated elements with their pages, worst first.

    A finding is listed under its first requirement (it still counts for all of them)."""
    by_req: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result["findings"]:
        if f["status"] not in PROBLEM_STATUSES:
            continue
        rid = (f.get("requirements") or ["(none)"])[0]
        by_req[rid][f["check_id"]].append(f)
    catalog = list(result["requirements"])
    known = {r["id"] for r in catalog}
    catalog += [{"id": rid, "short": rid, "citation": "", "text": "", "manual": ""} for rid in by_req
                if rid not in known]
    out = []
    for req in catalog:
        groups = by_req.get(req["id"])
        if not groups:
            continue
        items = []
        for cid, fs in groups.items():
            elements = _elements(fs)
            pages = {f["page_url"] for f in fs}
            status = _status_of(fs)
            severity = _severity_of(fs)
            items.append({"id": cid, "meta": _meta(result, cid), "count": len(fs), "pages": len(pages),
                          **fixes_note(fs),
                          "status": status, "severity": severity, "elements": elements[:ELEMENTS_PER_CHECK],
                          "more_elements": max(0, len(elements) - ELEMENTS_PER_CHECK), **section508_ids(fs),
                          "reason": _reason(fs, _meta(result, cid)["failure_title"]),
                          "rank": (status == "fail", SEVERITY_RANK[severity], len(fs))})
        items.sort(key=lambda i: i["rank"], reverse=True)
        out.append({"req": req, "checks": items, "count": sum(i["count"] for i in items)})
    return out


REASON_CHARS = 200


def _reason(fs: list[dict[str, Any]], title: str) -> str:
    """What a check found, in its own words: its failures' one message when they share it (the
    banner "lacks 'Here's how you know'"), else its title and its most frequent message."""
    msgs = Counter(" ".join((f.get("message") or "").split()) for f in fs if f["status"] == _status_of(fs))
    msgs.pop("", None)
    if not msgs:
        return title
    top = msgs.most_common(1)[0][0][:REASON_CHARS]
    return top if len(msgs) == 1 else f"{title} (most often: {top})"


COSTS_PER_CARD = 6
"""Cost lines shown on a requirement card; the rest are summed in one line (the JSON has all)."""


def _costs(result: dict[str, Any], costs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    shorts = {r["id"]: r["short"] for r in result["requirements"]}
    out = []
    for c in costs:
        out.append({**c, "title": _meta(result, c["check_id"])["failure_title"],
                    "also_in": sorted({shorts.get(x["requirement"], x["requirement"])
                                       for x in c.get("same_root_cause") or []})})
    return out


def requirement_cards(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One card per catalog requirement: score, outcome counts, and what a person must check."""
    details = result["scores"]["details"]
    manual_checks: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for f in result["findings"]:
        if f["status"] == "manual":
            for rid in f.get("requirements") or []:
                manual_checks[rid].setdefault(f["check_id"], _meta(result, f["check_id"]))
    cards = []
    for r in result["requirements"]:
        d = details.get(r["id"]) or {"score": None, "counts": {}}
        costs = _costs(result, d.get("costs") or [])
        cards.append({**r, "score": d["score"], "counts": d["counts"] or {}, "capped": d.get("capped", False),
                      "costs": costs[:COSTS_PER_CARD], "more_costs": costs[COSTS_PER_CARD:],
                      "more_points": round(sum(c["points"] for c in costs[COSTS_PER_CARD:]), 1),
                      "manual_checks": list(manual_checks.get(r["id"], {}).values())})
    return cards


def page_views(result: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(table rows worst-first, capped; pages with a detail section)."""
    per_page: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in result["findings"]:
        if f["status"] in PROBLEM_STATUSES and f["page_url"]:
            per_page[f["page_url"]].append(f)
    shots = result.get("screenshots") or {}
    rows = []
    for i, p in enumerate(result["pages"]):
        fs = per_page.get(p["url"], [])
        sev = Counter(f["severity"] for f in fs if f["status"] == "fail")
        rows.append({**p, "anchor": f"page-{i}", "findings": fs, "fails": sum(sev.values()),
                     "by_severity": sev, "problems": len(fs), "shots": shots.get(p["url"]),
                     "rank": (bool(p["error"]), sum(SEVERITY_RANK.get(s, 0) * n for s, n in sev.items()), len(fs))})
    rows.sort(key=lambda r: r["rank"], reverse=True)
    detailed = [r for r in rows if r["problems"] or r["shots"]][:PAGE_DETAILS]
    detailed += [r for r in rows if r["shots"] and r not in detailed]
    for r in detailed:
        checks: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in r["findings"]:
            checks[f["check_id"]].append(f)
        r["checks"] = sorted(({"id": cid, "meta": _meta(result, cid), "status": _status_of(fs),
                               "severity": _severity_of(fs), "findings": fs[:10], "count": len(fs)}
                              for cid, fs in checks.items()),
                             key=lambda c: (c["status"] == "fail", SEVERITY_RANK[c["severity"]]), reverse=True)
    detailed_ids = {r["anchor"] for r in detailed}
    for r in rows:
        r["detailed"] = r["anchor"] in detailed_ids
    return rows[:PAGE_TABLE_ROWS], detailed


def trend_chart(points: list[dict[str, Any]], width: int = 640, height: int = 200) -> dict[str, Any] | None:
    """Coordinates for an inline SVG line chart of the overall score (0-100) across runs."""
    pts = [p for p in points if p.get("overall") is not None]
    if len(pts) < 2:
        return None
    left, right, top, bottom = 44, 16, 16, 40
    span_x = (width - left - right) / (len(pts) - 1)
    coords = []
    for i, p in enumerate(pts):
        x = left + i * span_x
        y = top + (100 - p["overall"]) * (height - top - bottom) / 100
        coords.append({"x": round(x, 1), "y": round(y, 1), "score": p["overall"], "date": p["started"][:10],
                       "run_id": p["run_id"]})
    grid = [{"v": v, "y": round(top + (100 - v) * (height - top - bottom) / 100, 1)} for v in (0, 25, 50, 75, 100)]
    return {"width": width, "height": height, "left": left, "right": width - right, "bottom": height - bottom,
            "points": coords, "grid": grid, "path": " ".join(f"{c['x']},{c['y']}" for c in coords)}


def summary_text(result: dict[str, Any], cards: list[dict[str, Any]], groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The facts behind the plain-language paragraph at the top."""
    scored = sorted((c for c in cards if c["score"] is not None and c["score"] < 100), key=lambda c: c["score"])
    top: list[dict[str, Any]] = []
    for g in groups:
        top += [c for c in g["checks"] if c["status"] == "fail"]
    top.sort(key=lambda c: (SEVERITY_RANK[c["severity"]], c["pages"], c["count"]), reverse=True)
    manual = sum(1 for c in cards if c["score"] is None or c["manual"])
    return {"weakest": scored[:3], "top": top[:3], "manual": manual}


def nothing_audited(result: dict[str, Any]) -> str:
    """Why a run audited no page ("" when it audited some): the reason its error gives."""
    if result["summary"]["pages_audited"]:
        return ""
    err = str(result["run"].get("error") or "")
    return err.split(": ", 1)[1] if err.startswith(NOTHING_AUDITED + ": ") else (err or "no page could be audited")


def render(result: dict[str, Any]) -> str:
    env = _env()
    css, script = _asset("scorecard.css"), _asset("scorecard.js")
    cards = requirement_cards(result)
    groups = group_findings(result)
    rows, detailed = page_views(result)
    hist = result.get("history") or {}
    points = hist.get("points") or []
    trend_reqs = []
    if len(points) > 1:
        for c in cards:
            series = [p["requirements"].get(c["id"]) for p in points]
            if any(v is not None for v in series):
                trend_reqs.append({"short": c["short"], "id": c["id"], "series": series,
                                   "delta": (series[-1] - series[-2]) if None not in series[-2:] else None})
    return env.get_template("scorecard.html.j2").render(
        r=result, site=site_of(result), reqs=cards, groups=groups, rows=rows, detailed=detailed,
        total_pages=len(result["pages"]), hist=hist, points=points, trend=trend_chart(points),
        trend_reqs=trend_reqs, summary=summary_text(result, cards, groups), overall=result["scores"]["overall"],
        css=css, script=script, script_hash=_hash(script), style_hash=_hash(css),
        page_table_rows=PAGE_TABLE_ROWS, pages_per_element=PAGES_PER_ELEMENT,
        pacing=pacing_note(result["run"].get("pacing")), incremental=incremental_note(result), cap=scoring.CAP, nothing=nothing_audited(result),
        production_only=production_only_requirements(result), s508=result.get("section508"))


def production_only_requirements(result: dict[str, Any]) -> set[str]:
    """Requirements left unscored because a staging run did not assess their checks: every check
    counting toward them (its primary requirement) is production-only (docs/environment.md)."""
    if (result["run"].get("environment") or {}).get("assumed") != "staging":
        return set()
    by_req: dict[str, list[bool]] = {}
    for c in result.get("checks", {}).values():
        if c.get("requirements"):
            by_req.setdefault(c["requirements"][0], []).append(bool(c.get("production_only")))
    return {rid for rid, flags in by_req.items() if flags and all(flags)}
