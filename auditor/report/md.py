"""A short Markdown summary for $GITHUB_STEP_SUMMARY and pull-request comments."""

from __future__ import annotations

import re
from typing import Any

from .. import clusters, scoring
from . import incremental_note, pacing_note

NAME = "md"
EXTENSION = "md"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")
TOP = 10


def esc(text: Any) -> str:
    """Page-supplied text as inert Markdown: no markup, no HTML, one line."""
    s = " ".join(str(text).split())[:300]
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def _n(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _score(v: float | None) -> str:
    return scoring.fmt(v)


COSTS = 3
"""Cost lines per requirement in the Markdown table (the scorecard shows more, the JSON all)."""


def _costs(costs: list[dict[str, Any]]) -> str:
    def where(c: dict[str, Any]) -> str:
        if c.get("site_wide") and not c.get("pages"):
            return "site-wide"
        return f"{c['pages']} page" + ("" if c["pages"] == 1 else "s")

    out = "; ".join(f"`{c['check_id']}` ({where(c)}, -{c['points']:.1f})" for c in costs[:COSTS])
    return out + (f"; {len(costs) - COSTS} more" if len(costs) > COSTS else "")


def render(result: dict[str, Any]) -> str:
    run, summ, scores = result["run"], result["summary"], result["scores"]
    letter, words = scoring.band(scores["overall"])
    site = run["seeds"][0] if run["seeds"] else ""
    lines = [f"## idea-auditor: {esc(site)}", ""]
    gates = result.get("gates")
    if gates:
        failed = [g for g in gates if not g["passed"]]
        lines.append(f"**Gates: {'FAILED' if failed else 'passed'}**" +
                     (" — " + "; ".join(f"`{g['gate']}`: {esc(g['detail'])}" for g in failed) if failed else ""))
        lines.append("")
    from .html import nothing_audited

    nothing = nothing_audited(result)
    if nothing:
        lines += [f"**Nothing could be audited**: {esc(nothing)}. No page was checked: this run has no score.", ""]
    lines.append(f"Overall score **{_score(scores['overall'])}** ({letter}, {words}) · "
                 f"{summ['pages_audited']} pages audited, {summ['pages_failed']} failed, "
                 f"{summ['pages_skipped']} URLs skipped · run `{run['id']}`")
    pacing = pacing_note(run.get("pacing"))
    if pacing:
        lines += ["", f"Pacing: {esc(pacing)}"]
    inc = incremental_note(result)
    if inc:
        lines += ["", esc(inc)]
        gone = (run.get("incremental") or {}).get("gone") or []
        if gone:
            lines += ["", "Pages gone since the base run:", ""]
            lines += [f"- {esc(u)}" for u in gone[:50]]
            if len(gone) > 50:
                lines.append(f"- …and {len(gone) - 50} more (JSON report, `run.incremental.gone`).")
    env = run.get("environment")
    if env:
        lines += ["", esc(env["note"][0].upper() + env["note"][1:]) + "."]
    if gates:
        for g in gates:
            if g.get("findings"):
                lines += ["", f"Failing `{g['gate']}`:", ""]
                lines += [f"- **{f['severity']}** `{f['check_id']}` on {esc(f.get('page_url') or 'site')}: "
                          f"{esc(f.get('message') or '')}" for f in g["findings"]]
                if g.get("findings_total", 0) > len(g["findings"]):
                    lines.append(f"- …and {g['findings_total'] - len(g['findings'])} more.")
    base = result.get("baseline")
    if base:
        lines.append("")
        lines.append(f"Against the baseline: **{base['new']} new**, {base['existing']} unchanged, "
                     f"**{base['fixed']} fixed**"
                     + (f", {base['not_checked']} not checked in this run" if base.get("not_checked") else "") + ".")
        if base.get("note"):
            lines += ["", f"Note: {esc(base['note'])}"]
    if result.get("ignored"):
        lines += ["", f"{len(result['ignored'])} findings ignored by configured rules:", "",
                  "| Check | Page | Reason |", "|---|---|---|"]
        for f in result["ignored"][:TOP * 3]:
            lines.append(f"| `{f['check_id']}` | {esc(f.get('page_url') or 'site')} | {esc(f.get('ignored_reason') or '')} |")
        if len(result["ignored"]) > TOP * 3:
            lines.append(f"\n…and {len(result['ignored']) - TOP * 3} more (see the JSON result).")
    lines += ["", "| Requirement | Score | Pass | Fail | Warn | Review | What cost the most points |",
              "|---|---:|---:|---:|---:|---:|---|"]
    details = scores.get("details", {})
    from .html import production_only_requirements

    unassessed = production_only_requirements(result)
    for req in result["requirements"]:
        d = details.get(req["id"], {"score": None, "counts": {}})
        c = d["counts"]
        shown = _score(d["score"]) if d["score"] is not None else (
            "not assessed (staging)" if req["id"] in unassessed else "manual")
        lines.append(f"| {esc(req['short'])} ({req['id']}) | {shown}"
                     f" | {c.get('pass', 0)} | {c.get('fail', 0)} | {c.get('warn', 0)} | {c.get('manual', 0)} | "
                     f"{_costs(d.get('costs') or [])} |")
    actionable = [f for f in result["findings"] if f["status"] in ("fail", "warn")]
    if base:
        actionable = [f for f in actionable if f.get("baseline_state") == "new"]
    # 'fix once' clusters: the same problem on one shared block across pages is one line
    fixes = clusters.summarize(actionable)
    new = "new " if base else ""
    lines += ["", f"### Top {new}fixes", ""]
    if not fixes:
        lines.append("None.")
    else:
        lines += [f"{_n(len(actionable), new + 'finding')}, {_n(len(fixes), new + 'fix', new + 'fixes')}: "
                  "findings on the same element of a shared block (header, navigation, footer) are one fix.", ""]
    for c in fixes[:TOP]:
        if c["block"]:
            where = f"on {_n(c['pages'], 'page')}: {esc(clusters.fix_phrase(c['block']))}"
        else:
            page = c["example_pages"][0] if c["example_pages"] else "site"
            where = f"on {esc(page)}" + (f" ({c['occurrences']} times)" if c["occurrences"] > 1 else "")
        element = f" — element {esc(c['selector'][:120])}" if c["selector"] and not c["block"] else ""
        lines.append(f"- **{c['severity']}** `{c['check_id']}` {where}: {esc(c['message'])}{element}")
    if len(fixes) > TOP:
        lines.append(f"- …and {_n(len(fixes) - TOP, 'more fix', 'more fixes')} (see the HTML scorecard or the JSON "
                     "result's clusters).")
    if base and base["fixed_findings"]:
        lines += ["", "### Fixed since the baseline", ""]
        for f in base["fixed_findings"][:TOP]:
            lines.append(f"- `{f['check_id']}` on {esc(f.get('page_url', ''))}: {esc(f.get('message', ''))}")
    return "\n".join(lines) + "\n"
