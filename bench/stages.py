"""Where a visit's time goes: per-stage timings idea-audit stores with every page.

    python bench/stages.py bench/out/idea-cmp-500.sqlite

Stages (seconds, wall time inside one worker): navigation (goto to DOMContentLoaded),
settle (load + bounded network quiet), collect (DOM facts, HTML, probes), axe, and one
``action:NAME`` per registered page action. With concurrency C, C visits overlap, so the
stage sums are ~C x the run's wall time.
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.store import Store

# in-page navigation-timing marks (times since the navigation started, not durations), not stages
SKIP = {"dom_content_loaded", "load", "ttfb", "transfer_size", "look_start", "watched_look_start"}


def stage_table(db: str) -> dict[str, dict[str, Any]]:
    store = Store(db)
    run_id = store.latest_run()
    samples: dict[str, list[float]] = defaultdict(list)
    for art in store.iter_artifacts(run_id):
        for name, secs in art.timings.items():
            if name not in SKIP and isinstance(secs, (int, float)):
                samples[name].append(float(secs))
    store.close()
    total = sum(sum(v) for v in samples.values()) or 1.0
    out = {}
    for name, vals in sorted(samples.items(), key=lambda kv: -sum(kv[1])):
        vals.sort()
        out[name] = {"pages": len(vals), "mean_s": round(statistics.fmean(vals), 3),
                     "p95_s": round(vals[min(len(vals) - 1, int(len(vals) * 0.95))], 3),
                     "share": round(sum(vals) / total, 3)}
    return out


def render(table: dict[str, dict[str, Any]]) -> str:
    lines = ["| stage | pages | mean s | p95 s | share of visit time |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {k} | {v['pages']} | {v['mean_s']} | {v['p95_s']} | {v['share'] * 100:.0f}% |"
              for k, v in table.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: stages.py STORE.sqlite")
    print(render(stage_table(sys.argv[1])))
