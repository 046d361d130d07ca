"""Where the time goes, by subtraction: idea-audit on the same pages with one page-action
family left out at a time, next to the full suite, the axe-only floor and pa11y-ci.

    python bench/ablate.py                  # 150 pages, concurrency 2
    python bench/ablate.py --pages 300 --variants full,-keyboard,axe-only
    python bench/ablate.py --pages 500 --variants floor,axe-only,-keyboard,full,pa11y-ci

Each variant is a separate run on the generated bench site, measured like ``bench/run.py``
measures (wall time, CPU of the whole process tree, peak PSS). The cost of a family is the
full suite minus the run without it. Every row is also given as a multiple of the floor's
wall time and as pa11y-ci's pages/minute over its own, the two speed targets of
bench/README.md (<= 1.3 and >= 2), so one run shows which subsets of the suite could meet
them. Results go to ``bench/out/ablate.json`` and a table is printed (and written to
``bench/out/ablate.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import OUT, measure, run_floor, run_pa11y  # noqa: E402
from sitegen import page_paths, serve  # noqa: E402

from auditor.browser import find_browser  # noqa: E402

#: variant name -> extra scan arguments
VARIANTS: dict[str, list[str]] = {
    "full": [],
    "full-no-memo": ["--no-memo"],
    "-keyboard": ["--skip", "keyboard"],
    "-reflow": ["--skip", "reflow"],
    "-mobile": ["--skip", "mobile"],
    "-search": ["--skip", "search"],
    "-plain": ["--skip", "plain-language"],
    "axe-only": ["--checks", "accessibility"],
}


def run_variant(base: str, n: int, conc: int, browser: str, name: str, extra: list[str]) -> dict[str, Any]:
    tag = "ablate" + name.replace("-", "_")
    db = OUT / f"{tag}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "auditor", "scan", base + "/", "--max-pages", str(n), "--max-depth", "3",
           "--concurrency", str(conc), "--db", str(db), "--out", str(OUT / f"{tag}-report"),
           "--browser-path", browser, "-q", *extra]
    res = measure(name, cmd, n, OUT / f"{tag}.log", env={"PYTHONPATH": str(BENCH.parent)}, ok_codes=(0, 1))
    res["args"] = extra
    return res


#: Runs of other tools beside the idea-audit variants (no "saved vs full" for them).
PEERS = ("floor", "pa11y-ci")


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def table(results: dict[str, dict[str, Any]]) -> str:
    full = results.get("full")
    floor = results.get("floor") or {}
    pa11y = results.get("pa11y-ci") or {}
    rows = ["| variant | wall s | CPU s | peak PSS MB | s/page | wall saved vs full | CPU saved vs full "
            "| wall / floor's | pages/min / pa11y-ci's |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in results.items():
        if not r.get("wall_s"):
            rows.append(f"| {name} | {r.get('error', 'failed')} | | | | | | | |")
            continue
        idea = name not in PEERS
        saved_w = f"{full['wall_s'] - r['wall_s']:.1f}" if full and idea and name != "full" else "-"
        saved_c = f"{full['cpu_s'] - r['cpu_s']:.1f}" if full and idea and name != "full" else "-"
        rows.append(f"| {name} | {r['wall_s']} | {r['cpu_s']} | {r['peak_mb']} | {r['s_per_page']} | {saved_w} "
                    f"| {saved_c} | {_ratio(r['wall_s'], floor.get('wall_s'))} "
                    f"| {_ratio(r.get('pages_per_min'), pa11y.get('pages_per_min'))} |")
    return "\n".join(rows) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=150)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--variants", default="floor," + ",".join(VARIANTS) + ",pa11y-ci")
    ap.add_argument("--browser", default=None)
    a = ap.parse_args()
    names = a.variants.split(",")
    unknown = [n for n in names if n not in VARIANTS and n not in PEERS]
    if unknown:
        print(f"unknown variant(s): {', '.join(unknown)}; known: {', '.join([*PEERS, *VARIANTS])}",
              file=sys.stderr)
        return 2
    found = find_browser(a.browser)
    if not found.found:
        print(found.reason, file=sys.stderr)
        return 3
    browser = found.path or ""
    OUT.mkdir(exist_ok=True)
    server, base = serve(a.pages)
    urls_file = OUT / f"urls-{a.pages}.txt"
    urls = [base + p for p in page_paths(a.pages)]
    urls_file.write_text("\n".join(urls) + "\n")
    results: dict[str, dict[str, Any]] = {}
    try:
        for name in names:
            if name == "floor":
                results[name] = run_floor(urls_file, a.pages, a.concurrency, browser, f"ablate-{a.pages}")
            elif name == "pa11y-ci":
                results[name] = run_pa11y(urls, a.concurrency, browser, f"ablate-{a.pages}")
            else:
                results[name] = run_variant(base, a.pages, a.concurrency, browser, name, VARIANTS[name])
    finally:
        server.shutdown()
    (OUT / "ablate.json").write_text(json.dumps({"pages": a.pages, "concurrency": a.concurrency,
                                                  "results": results}, indent=2))
    md = table(results)
    (OUT / "ablate.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
