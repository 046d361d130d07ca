"""Fleet throughput: sites/hour for a fleet of small local sites at 1, 2 and 4 local workers.

    python bench/fleet.py [--sites 8] [--workers 1,2,4] [--max-pages 6]

Serves --sites copies of the bundled fixture sites (alternating `good` and `legacy`) on
127.0.0.1, runs `idea-audit fleet` on them once per worker count, and prints a table (also
written to bench/out/fleet.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

from serve import serve_in_thread  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=8)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--max-pages", type=int, default=6)
    args = ap.parse_args()
    servers = [serve_in_thread("good" if i % 2 == 0 else "legacy") for i in range(args.sites)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sites = Path(tmp) / "sites.txt"
        sites.write_text("\n".join(url for _, url in servers) + "\n")
        for w in [int(x) for x in args.workers.split(",")]:
            t0 = time.monotonic()
            proc = subprocess.run([sys.executable, "-m", "auditor", "fleet", str(sites), "--workers", str(w),
                                   "--db", str(Path(tmp) / f"w{w}.sqlite"), "--out", str(Path(tmp) / f"o{w}"),
                                   "--max-pages", str(args.max_pages), "-q"],
                                  env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
            wall = time.monotonic() - t0
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return proc.returncode
            rows.append((w, wall, args.sites / wall * 3600))
            print(f"workers={w}: {wall:.1f}s for {args.sites} sites = {rows[-1][2]:.0f} sites/hour", flush=True)
    for s, _ in servers:
        s.shutdown()
    md = [f"Fleet throughput, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}; {args.sites} local fixture sites, "
          f"max {args.max_pages} pages each.", "", "| local workers | wall time | sites/hour |", "|---|---|---|"]
    md += [f"| {w} | {wall:.1f} s | {rate:.0f} |" for w, wall, rate in rows]
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "fleet.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
