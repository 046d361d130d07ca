"""Benchmark --incremental re-scans on the generated site (bench/sitegen.py).

    python bench/incremental.py --pages 200            # full, unchanged, 10 % changed, full again
    python bench/incremental.py --pages 500 --change-every 10 --json out.json

Four scans of one store, each the real CLI in a subprocess, the site served from this process
on one fixed port (the start URL, and so the base run, stays the same):

1. a full scan;
2. ``--incremental`` of the unchanged site (every page should be reused);
3. the site restarted with every K-th page edited (``--change-every K``), ``--incremental``;
4. a full scan of that edited site, whose findings and scores the third scan's must equal.

Prints the wall times, their ratios to the first full scan, pages reused/audited, and whether
the incremental results equal the full re-scan's (check, page, selector, fingerprint, status
multisets and the scores). Exit 1 when they do not.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from sitegen import serve  # noqa: E402


def scan(url: str, db: Path, out: Path, pages: int, concurrency: int, *extra: str) -> tuple[float, dict[str, Any]]:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "auditor", "scan", url, "--db", str(db), "--out", str(out),
                           "--format", "json", "--max-pages", str(pages), "--concurrency", str(concurrency), "--quiet",
                           *extra], cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"scan failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return wall, json.loads((out / "idea-audit.json").read_text())


def key(result: dict[str, Any]) -> Counter[tuple[Any, ...]]:
    return Counter((f["check_id"], f["page_url"], f["selector"], f["fingerprint"], f["status"])
                   for f in result["findings"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--change-every", type=int, default=10, metavar="K", help="edit every K-th page (10: 10%%)")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="idea-audit-incremental-"))
    db = work / "runs.sqlite"
    server, base = serve(a.pages)
    port = server.server_address[1]
    url = base + "/"
    rows: dict[str, dict[str, Any]] = {}

    def record(name: str, wall: float, result: dict[str, Any]) -> dict[str, Any]:
        inc = result["run"].get("incremental") or {}
        rows[name] = {"wall_s": round(wall, 1), "pages": len(result["pages"]), "reused": inc.get("reused", 0),
                      "audited": inc.get("audited", len(result["pages"]))}
        return result

    try:
        full = record("full", *scan(url, db, work / "full", a.pages, a.concurrency))
        inc0 = record("incremental-unchanged", *scan(url, db, work / "inc0", a.pages, a.concurrency, "--incremental"))
        server.shutdown()
        server.server_close()
        server, _ = serve(a.pages, port, a.change_every)  # the same port: the same start URL
        inc = record("incremental-changed", *scan(url, db, work / "inc", a.pages, a.concurrency, "--incremental"))
        full2 = record("full-changed", *scan(url, db, work / "full2", a.pages, a.concurrency))
    finally:
        server.shutdown()
        server.server_close()
    equal = {"unchanged": key(inc0) == key(full) and inc0["scores"] == full["scores"],
             "changed": key(inc) == key(full2) and inc["scores"] == full2["scores"]}
    first = rows["full"]["wall_s"]
    print(f"{'scan':24} {'wall s':>8} {'x full':>7} {'reused':>7} {'audited':>8}")
    for name, r in rows.items():
        r["ratio"] = round(r["wall_s"] / first, 3) if first else None
        print(f"{name:24} {r['wall_s']:8.1f} {r['ratio']:7.3f} {r['reused']:7} {r['audited']:8}")
    print(f"results equal a full re-scan's: unchanged {equal['unchanged']}, changed {equal['changed']}")
    if a.json:
        a.json.write_text(json.dumps({"pages": a.pages, "change_every": a.change_every,
                                      "concurrency": a.concurrency, "scans": rows, "equal": equal}, indent=2) + "\n")
    return 0 if all(equal.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
