"""The HTML scorecard: one self-contained file (inline CSS, no network), Jinja2 autoescaped.

Everything that comes from an audited page (titles, URLs, snippets, messages) reaches the
template as data and is escaped there; the page carries a Content-Security-Policy that
forbids any script but our own inline one and any network fetch.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from importlib import resources
from typing import Any

import jinja2

from .. import scoring

NAME = "html"
EXTENSION = "html"

SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}


def _env() -> jinja2.Environment:
    root = resources.files("report_templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["band"] = scoring.band
    env.filters["score"] = lambda v: "–" if v is None else f"{v:.0f}"
    return env


def group_findings(result: dict[str, Any]) -> list[dict[str, Any]]:
    """requirement -> check -> affected pages and elements, worst first."""
    checks = result["checks"]
    by_req: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result["findings"]:
        for rid in f["requirements"][:1] or ["(none)"]:
            by_req[rid][f["check_id"]].append(f)
    out = []
    for req in result["requirements"]:
        groups = by_req.get(req["id"])
        if not groups:
            continue
        items = []
        for cid, fs in groups.items():
            meta = checks.get(cid, {"title": cid, "failure_title": cid, "description": "", "help_url": "",
                                    "wcag": []})
            pages: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for f in fs:
                pages[f["page_url"]].append(f)
            worst = max(SEVERITY_RANK.get(f["severity"], 0) for f in fs)
            status = "fail" if any(f["status"] == "fail" for f in fs) else fs[0]["status"]
            items.append({"id": cid, "meta": meta, "count": len(fs), "pages": dict(pages), "status": status,
                          "severity": next(k for k, v in SEVERITY_RANK.items() if v == worst),
                          "rank": (status == "fail", worst, len(fs))})
        items.sort(key=lambda i: i["rank"], reverse=True)
        out.append({"req": req, "checks": items, "count": sum(i["count"] for i in items)})
    return out


def render(result: dict[str, Any]) -> str:
    env = _env()
    tpl = env.get_template("scorecard.html.j2")
    css = resources.files("report_templates").joinpath("scorecard.css").read_text("utf-8")
    script = resources.files("report_templates").joinpath("scorecard.js").read_text("utf-8")
    script_hash = "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    style_hash = "sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    reqs = []
    details = result["scores"]["details"]
    for r in result["requirements"]:
        d = details.get(r["id"], {"score": None, "counts": {}})
        reqs.append({**r, "score": d["score"], "counts": d["counts"]})
    return tpl.render(r=result, reqs=reqs, groups=group_findings(result), css=css, script=script,
                      script_hash=script_hash, style_hash=style_hash, overall=result["scores"]["overall"])
