"""Detection figure: how many deliberate barriers idea-auditor finds versus axe-core
alone, on the barrier corpus (``fixtures/sites/barriers``), and the false alarms on the
accessible twins.

Runs two real scans of the corpus in Chromium (one crawl each, concurrency 2):
all checks, and ``--checks accessibility`` (axe-core's rules only). A barrier counts
as found when its page has at least one failing or warning finding ("strict"), or,
in the "with review" column, also a needs-review finding. A twin page with any failing
or warning finding is a false alarm.

    PYTHONPATH=. python bench/detection.py [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

from barriers import BARRIERS, barrier_url, build, twin_url  # noqa: E402
from serve import serve_in_thread  # noqa: E402

FLAGGING = {"fail", "warn"}


def scan(base_url: str, out: Path, *extra: str) -> dict:
    """One real scan of the corpus; returns the JSON report."""
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "auditor", "scan", base_url, "--max-pages", "150", "--max-depth", "2",
           "--concurrency", "2", "--db", str(out / "runs.sqlite"), "--out", str(out), "--format", "json",
           "--skip", "analytics,branding,customization,discoverability,mobile,plain-language,required-links,"
           "search,security", *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)}, timeout=1800)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scan failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads((out / "idea-audit.json").read_text())


def findings_by_page(report: dict) -> dict[str, list[dict]]:
    by_page: dict[str, list[dict]] = defaultdict(list)
    for f in report["findings"]:
        by_page[f["page_url"].rsplit("/", 1)[-1]].append(f)
    return by_page


def score(report: dict) -> dict:
    """Per-barrier detection and per-twin false alarms from one scan's findings."""
    by_page = findings_by_page(report)
    rows = []
    for b in BARRIERS:
        found = by_page.get(barrier_url(b), [])
        twin = by_page.get(twin_url(b), [])
        rows.append({
            "barrier": b.slug, "wcag": b.wcag, "expect": b.expect,
            "found": any(f["status"] in FLAGGING for f in found),
            "found_with_review": bool(found),
            "found_by_expected_check": any(f["check_id"] == b.expect and f["status"] in FLAGGING for f in found),
            "false_alarms": sorted({f["check_id"] for f in twin if f["status"] in FLAGGING}),
        })
    return {
        "barriers": len(rows),
        "found": sum(r["found"] for r in rows),
        "found_with_review": sum(r["found_with_review"] for r in rows),
        "found_by_expected_check": sum(r["found_by_expected_check"] for r in rows),
        "twins_with_false_alarms": sum(bool(r["false_alarms"]) for r in rows),
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the full figures here")
    args = ap.parse_args()
    build()
    server, base = serve_in_thread("barriers")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            full = score(scan(base, Path(tmp) / "all"))
            axe = score(scan(base, Path(tmp) / "axe", "--checks", "accessibility"))
    finally:
        server.shutdown()
        server.server_close()
    n = full["barriers"]
    print(f"{'':34}{'idea-auditor':>14}{'axe-core only':>15}")
    for label, key in (("barriers found (fail/warn)", "found"), ("found incl. needs-review", "found_with_review")):
        print(f"{label:34}{full[key]:>8}/{n:<5}{axe[key]:>9}/{n:<5}")
    print(f"{'twins with a false alarm':34}{full['twins_with_false_alarms']:>8}/{n:<5}"
          f"{axe['twins_with_false_alarms']:>9}/{n:<5}")
    print(f"found by the intended check: {full['found_by_expected_check']}/{n}")
    missed = [r["barrier"] for r in full["rows"] if not r["found"]]
    print("missed by idea-auditor:", ", ".join(missed) or "none")
    for r in full["rows"]:
        if r["false_alarms"]:
            print(f"false alarm on twin of {r['barrier']}: {', '.join(r['false_alarms'])}")
    if args.json:
        args.json.write_text(json.dumps({"idea_auditor": full, "axe_only": axe}, indent=1))


if __name__ == "__main__":
    main()
