"""Benchmark idea-audit side by side with the axe-only floor and pa11y-ci (axe runner).

    python bench/run.py                      # compare at N=500, then scale at N=100,500,2000
    python bench/run.py --pages 200 --scale ''   # compare only
    python bench/run.py --no-compare --scale 100,2000

Each tool runs as a subprocess on the same generated site (bench/site.py, served from this
process on 127.0.0.1), the same URL list and the same concurrency. For each we sample the
resident memory of the whole process tree (Python or Node + every Chromium process) every
100 ms and take the CPU time of the tree from ``getrusage(RUSAGE_CHILDREN)`` (which counts
every exited descendant). Results are merged into ``bench/out/results.json`` and the
figures table in ``bench/README.md`` is regenerated from it.

Same pages: the floor and pa11y-ci get the N URLs as a list; idea-audit crawls from ``/``
with ``--max-pages N``, seeded by the sitemap that lists exactly those N URLs (pages link
only inside the set). After the run the bench checks that idea-audit stored exactly that
URL set, and that its axe violations (rule id + node target per page) equal the floor's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from sitegen import html_paths, page_paths, serve, serve_dir  # noqa: E402  (bench/sitegen.py)

from auditor import __version__  # noqa: E402
from auditor.browser import LAUNCH_ARGS, find_browser  # noqa: E402

PA11Y_CI = BENCH / "node_modules" / ".bin" / "pa11y-ci"


# -- measuring a process tree ---------------------------------------------------------------
class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self.peak_by_kind: dict[str, int] = {}
        """PSS by process kind in the sample where the tree's PSS peaked."""
        self.max_by_kind: dict[str, int] = {}
        """Each process kind's own highest PSS (summed over its processes) in any sample."""
        self.samples = 0
        self.cpu: dict[int, float] = {}
        """pid -> last seen user+system CPU seconds of every process of the tree."""
        self.kind: dict[int, str] = {}
        """pid -> what the process is (python, node, browser, renderer, other chromium)."""
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            # RSS every sample (cheap); PSS (shared pages split between processes, i.e. what
            # the tree really costs) every 5th, since it reads /proc/PID/smaps_rollup.
            with_pss = self.samples % 5 == 0
            total = pss = 0
            by_kind: dict[str, int] = {}
            for p in procs:
                try:
                    ct = p.cpu_times()
                    self.cpu[p.pid] = ct.user + ct.system
                    # a renderer the zygote just forked still has the zygote's command line:
                    # look again until it has its own
                    if self.kind.get(p.pid, "chromium zygote") == "chromium zygote":
                        self.kind[p.pid] = process_kind(p)
                    if with_pss:
                        full = p.memory_full_info()
                        total += full.rss
                        pss += getattr(full, "pss", full.rss)
                        kind = self.kind[p.pid]
                        by_kind[kind] = by_kind.get(kind, 0) + getattr(full, "pss", full.rss)
                    else:
                        total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.samples += 1
            if total > self.peak:
                self.peak, self.peak_procs = total, len(procs)
            if pss > self.peak_pss:
                self.peak_pss, self.peak_by_kind = pss, by_kind
            for kind, v in by_kind.items():
                self.max_by_kind[kind] = max(self.max_by_kind.get(kind, 0), v)
            self.stop.wait(self.interval)


def process_kind(p: psutil.Process) -> str:
    """A process of the tree by its role: where a tool's CPU time goes."""
    try:
        cmd = p.cmdline()
    except psutil.Error:
        return "other"
    exe = os.path.basename(cmd[0]) if cmd else ""
    if "python" in exe:
        return "python"
    if exe == "node":
        return "node"
    kind = next((a.split("=", 1)[1] for a in cmd if a.startswith("--type=")), None)
    if kind is None:
        return "browser" if ("chrom" in exe or "headless" in exe) else "other"
    return "renderer" if kind == "renderer" else "chromium " + kind


def measure(name: str, cmd: list[str], pages: int, log: Path, env: dict[str, str] | None = None,
            ok_codes: tuple[int, ...] = (0,)) -> dict[str, Any]:
    """Run ``cmd`` to completion; wall time, tree CPU time and tree peak RSS."""
    print(f"[bench] {name}: {' '.join(cmd)}", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                cwd=str(BENCH))
        sampler = TreeSampler(proc.pid)
        sampler.start()
        rc = proc.wait()
        sampler.stop.set()
        sampler.join()
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # getrusage counts only descendants that were waited for all the way up; Chromium's
    # renderers are forked by its zygote and may not be, so also sum what the sampler saw
    # per process (which misses at most the last 100 ms of each); report the larger.
    cpu_sampled = sum(sampler.cpu.values())
    cpu = max(cpu_reaped, cpu_sampled)
    by_kind: dict[str, float] = {}
    for pid, secs in sampler.cpu.items():
        k = sampler.kind.get(pid, "other")
        by_kind[k] = by_kind.get(k, 0.0) + secs
    res = {"tool": name, "pages": pages, "rc": rc, "ok": rc in ok_codes, "wall_s": round(wall, 1),
           "cpu_s": round(cpu, 1), "cpu_reaped_s": round(cpu_reaped, 1), "cpu_sampled_s": round(cpu_sampled, 1),
           "cpu_by_process": {k: round(v, 1) for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])},
           "peak_mb": round(sampler.peak_pss / 2**20),
           "peak_rss_mb": round(sampler.peak / 2**20), "peak_procs": sampler.peak_procs,
           "peak_mb_by_process": {k: round(v / 2**20) for k, v in sorted(sampler.peak_by_kind.items(), key=lambda kv: -kv[1])},
           "max_mb_by_process": {k: round(v / 2**20) for k, v in sorted(sampler.max_by_kind.items(), key=lambda kv: -kv[1])},
           "pages_per_min": round(pages / wall * 60, 1), "s_per_page": round(wall / pages, 3)}
    if not res["ok"]:
        res["reason"] = log_tail(log)
    print(f"[bench] {name}: {json.dumps(res)}", flush=True)
    return res


def log_tail(log: Path, lines: int = 2, limit: int = 300) -> str:
    """The last non-empty lines of a run's log, for saying why it failed."""
    try:
        text = log.read_text(errors="replace")
    except OSError as exc:
        return f"no log ({exc.strerror})"
    kept = [ln.strip() for ln in text.splitlines() if ln.strip()][-lines:]
    return " / ".join(kept)[-limit:] if kept else "empty log"


# -- the tools ------------------------------------------------------------------------------
def run_floor(urls_file: Path, n: int, conc: int, browser: str, tag: str) -> dict[str, Any]:
    out = OUT / f"floor-{tag}.jsonl"
    res = measure("floor", [sys.executable, str(BENCH / "floor.py"), str(urls_file), str(out),
                            "--concurrency", str(conc), "--browser", browser], n, OUT / f"floor-{tag}.log")
    res["out"] = str(out)
    return res


def _fresh_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def run_idea(base: str, n: int, conc: int, browser: str, tag: str, *, urls: list[str] | None = None,
             extra: tuple[str, ...] = (), db: Path | None = None, fresh: bool = True,
             name: str = "idea-audit") -> dict[str, Any]:
    """One idea-audit scan. The generated site is crawled from ``/`` (its sitemap lists exactly
    the N pages); a real site's URL list (``urls``) is given as the seeds, with no link
    following and no sitemap, so every tool audits the same pages. ``extra``: more flags
    (``--no-memo``, ``--incremental``); ``fresh=False`` keeps the store (incremental runs)."""
    db = db or OUT / f"idea-{tag}.sqlite"
    if fresh:
        _fresh_db(db)
    report_dir = OUT / f"idea-{tag}-report"
    shutil.rmtree(report_dir, ignore_errors=True)
    seeds = [base + "/", "--max-depth", "3"] if urls is None else [*urls, "--max-depth", "0", "--no-sitemap"]
    cmd = [sys.executable, "-m", "auditor", "scan", *seeds, "--max-pages", str(n),
           "--concurrency", str(conc), "--db", str(db), "--out", str(report_dir), "--browser-path", browser, "-q",
           *extra]
    res = measure(name, cmd, n, OUT / f"idea-{tag}.log", env={"PYTHONPATH": str(ROOT)}, ok_codes=(0, 1))
    res["db"] = str(db)
    res["flags"] = list(extra)
    return res


def copy_store(src: str, dst: Path) -> None:
    """A consistent copy of a finished store (SQLite's backup API: the WAL included)."""
    import sqlite3

    _fresh_db(dst)
    a, b = sqlite3.connect(src), sqlite3.connect(str(dst))
    with b:
        a.backup(b)
    a.close()
    b.close()


def run_pa11y(urls: list[str], conc: int, browser: str, tag: str) -> dict[str, Any]:
    if not PA11Y_CI.exists():
        return {"tool": "pa11y-ci", "pages": len(urls), "ok": False,
                "error": "not installed: cd bench && PUPPETEER_SKIP_DOWNLOAD=1 npm install"}
    config = {"defaults": {"runners": ["axe"], "standard": "WCAG2AA", "concurrency": conc, "timeout": 30000,
                           "chromeLaunchConfig": {"executablePath": browser, "args": LAUNCH_ARGS,
                                                  **({"headless": "shell"} if "headless" in browser else {})}},
              # One object per URL, not a bare string: pa11y-ci 4 runs every string URL with the
              # one shared options object and sets its per-page incognito context on it
              # (`config.browser`), so at concurrency > 1 a worker closes the other worker's
              # context under its page and that page fails with "Protocol error
              # (Target.closeTarget)" (pa11y/pa11y-ci#354). An object URL gets its own merged
              # config; pa11y-ci's defaults (incognito context per page) are otherwise kept.
              "urls": [{"url": u} for u in urls]}
    cfg = OUT / f"pa11yci-{tag}.json"
    cfg.write_text(json.dumps(config))
    log = OUT / f"pa11y-{tag}.log"
    # exit 2 = accessibility issues found (expected: the site has defects)
    res = measure("pa11y-ci", [str(PA11Y_CI), "--config", str(cfg), "--json"], len(urls), log, ok_codes=(0, 2))
    res["browser"] = browser
    try:  # pages pa11y-ci could not audit ("Failed to run": issues without a rule code)
        per_url = json.loads(log.read_text())["results"]
        failed = sum(1 for issues in per_url.values() if any(not i.get("code") for i in issues))
    except (ValueError, KeyError, OSError):
        failed = None
    res["pages_failed"] = failed
    if failed is not None and res["wall_s"]:
        res["audited_pages_per_min"] = round((len(urls) - failed) / res["wall_s"] * 60, 1)
    return res


# -- same pages, same findings --------------------------------------------------------------
def idea_axe(db: str) -> dict[str, set[tuple[str, str]]]:
    from auditor.store import Store
    from checks.accessibility import BEST_PRACTICE_RULES

    store = Store(db)
    run_id = store.latest_run()
    out: dict[str, set[tuple[str, str]]] = {}
    for art in store.iter_artifacts(run_id):  # the floor runs the WCAG rules only, not the best-practice tier
        out[art.url] = {(r["id"], json.dumps(n["target"])) for r in art.axe.get("violations", [])
                        if r["id"] not in BEST_PRACTICE_RULES for n in r["nodes"]}
    store.close()
    return out


def floor_axe(path: str) -> dict[str, set[tuple[str, str]]]:
    out = {}
    for line in Path(path).read_text().splitlines():
        row = json.loads(line)
        out[row["url"]] = {(v["id"], json.dumps(t)) for v in row.get("violations", []) for t in v["targets"]}
    return out


def compare_axe(urls: list[str], idea: dict[str, set], floor: dict[str, set]) -> dict[str, Any]:
    missing = sorted(set(urls) - set(idea))
    extra = sorted(set(idea) - set(urls))
    differ = [u for u in urls if u in idea and u in floor and idea[u] != floor[u]]
    nodes = sum(len(v) for v in floor.values())
    return {"same_urls": not missing and not extra, "missing": missing[:5], "extra": extra[:5],
            "pages_compared": sum(1 for u in urls if u in idea and u in floor),
            "pages_differing": len(differ), "examples": differ[:3], "violation_nodes": nodes,
            "identical": not missing and not extra and not differ}


def idea_findings(db: str) -> dict[str, Any]:
    """The latest run's findings as a multiset of (check, page, selector, fingerprint, status),
    and the set of its page URLs."""
    from collections import Counter

    from auditor.store import Store

    store = Store(db)
    run_id = store.latest_run()
    rows = Counter((f["check_id"], f["page_url"], f.get("selector") or "", f["fingerprint"], f["status"])
                   for f in store.finding_dicts(run_id))
    pages = {p["url"] for p in store.pages(run_id, summary=False)}
    store.close()
    return {"run": run_id, "findings": rows, "pages": pages}


def compare_findings(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Whether two runs found the same things on the same pages (occurrence by occurrence)."""
    fa, fb = a["findings"], b["findings"]
    only_a, only_b = fa - fb, fb - fa
    return {"identical": not only_a and not only_b and a["pages"] == b["pages"],
            "findings": sum(fa.values()), "findings_other": sum(fb.values()),
            "only_first": sum(only_a.values()), "only_second": sum(only_b.values()),
            "same_pages": a["pages"] == b["pages"], "pages": len(a["pages"]),
            "examples_first": [list(k) for k in list(only_a)[:3]], "examples_second": [list(k) for k in list(only_b)[:3]]}


def run_reuse(info: dict[str, Any]) -> dict[str, Any]:
    """What an incremental run says it reused (``run.incremental`` in its JSON result)."""
    from auditor.store import Store

    store = Store(info["db"])
    inc = (store.get_run(store.latest_run()) or {}).get("incremental") or {}
    store.close()
    return {"base_run": inc.get("base_run"), "reason": inc.get("reason"), "reused": inc.get("reused"),
            "audited": inc.get("audited"), "gone": len(inc.get("gone") or [])}


class FolderEdits:
    """A real site served by its own server from a build folder: the 10%-changed re-scan edits
    the pages' files there (the notice sitegen adds, before ``</main>``) and puts back their
    bytes and times afterwards."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)


def _page_file(root: Path, base: str, url: str) -> Path:
    rel = url.removeprefix(base).split("?", 1)[0].split("#", 1)[0].lstrip("/")
    f = root / rel
    return f / "index.html" if (not rel or rel.endswith("/") or f.is_dir()) else f


def edit_pages(server: Any, base: str, urls: list[str]) -> list[tuple[Path, bytes, tuple[float, float]]]:
    from sitegen import change_page  # type: ignore

    if not isinstance(server, FolderEdits):
        server.changed = {u.removeprefix(base) or "/" for u in urls}
        return []
    edited = []
    for u in urls:
        f = _page_file(server.root, base, u)
        st = f.stat()
        body = f.read_bytes()
        edited.append((f, body, (st.st_atime, st.st_mtime)))
        f.write_bytes(change_page(body))
    return edited


def restore_pages(server: Any, edited: list[tuple[Path, bytes, tuple[float, float]]]) -> None:
    if not isinstance(server, FolderEdits):
        server.changed = set()
        return
    for f, body, times in edited:
        f.write_bytes(body)
        os.utime(f, times)


def side_by_side(tools: set[str], base: str, urls: list[str], conc: int, browser: str, tag: str,
                 server: Any) -> dict[str, Any]:
    """Every tool on the same pages, one after the other: the floor, idea-audit (memo on),
    idea-audit --no-memo, pa11y-ci; then incremental re-scans against the memo run's store:
    unchanged, and after 10% of the pages changed (each beside a full scan of the same
    content, whose findings they must equal)."""
    n = len(urls)
    urls_file = OUT / f"urls-{tag}.txt"
    urls_file.write_text("\n".join(urls) + "\n")
    seeds = None if tag.startswith("cmp-") else urls
    cmp: dict[str, Any] = {"pages": n, "concurrency": conc, "browser": browser, "base": base,
                           "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                           "load": list(os.getloadavg())}
    if "floor" in tools:
        cmp["floor"] = run_floor(urls_file, n, conc, browser, tag)
    if "idea-audit" in tools:
        cmp["idea-audit"] = run_idea(base, n, conc, browser, tag, urls=seeds)
    if "no-memo" in tools:
        cmp["idea-audit --no-memo"] = run_idea(base, n, conc, browser, tag + "-nomemo", urls=seeds,
                                               extra=("--no-memo",), name="idea-audit --no-memo")
    if "pa11y-ci" in tools:
        cmp["pa11y-ci"] = run_pa11y(urls, conc, browser, tag)
    full = cmp.get("idea-audit") or {}
    if "floor" in cmp and full.get("ok"):
        cmp["axe_equal"] = compare_axe(urls, idea_axe(full["db"]), floor_axe(cmp["floor"]["out"]))
        print(f"[bench] axe findings idea-audit vs floor: {json.dumps(cmp['axe_equal'])}", flush=True)
    nomemo = cmp.get("idea-audit --no-memo") or {}
    if full.get("ok") and nomemo.get("ok"):
        cmp["memo_equal"] = compare_findings(idea_findings(full["db"]), idea_findings(nomemo["db"]))
        print(f"[bench] findings memo vs --no-memo: {json.dumps(cmp['memo_equal'])}", flush=True)
    if "incremental" in tools and full.get("ok"):
        inc_db = OUT / f"idea-{tag}-inc.sqlite"
        copy_store(full["db"], inc_db)
        same = run_idea(base, n, conc, browser, tag + "-inc0", urls=seeds, extra=("--incremental",), db=inc_db,
                        fresh=False, name="idea-audit --incremental (unchanged)")
        same["reuse"] = run_reuse(same)
        same["equal_to_full"] = compare_findings(idea_findings(full["db"]), idea_findings(str(inc_db)))
        cmp["incremental unchanged"] = same
        # 10% of the pages change (every tenth URL: its HTML gains a paragraph, new validators)
        changed = [u for i, u in enumerate(urls) if i % 10 == 7]
        edited = edit_pages(server, base, changed)
        ten = run_idea(base, n, conc, browser, tag + "-inc10", urls=seeds, extra=("--incremental",), db=inc_db,
                       fresh=False, name="idea-audit --incremental (10% changed)")
        ten["reuse"] = run_reuse(ten)
        ten["changed_pages"] = len(changed)
        again = run_idea(base, n, conc, browser, tag + "-full10", urls=seeds,
                         name="idea-audit full re-scan (10% changed)")
        ten["equal_to_full"] = compare_findings(idea_findings(again["db"]), idea_findings(str(inc_db)))
        restore_pages(server, edited)
        cmp["incremental 10% changed"] = ten
        cmp["full re-scan 10% changed"] = again
        for key in ("incremental unchanged", "incremental 10% changed"):
            print(f"[bench] {key}: equal to a full scan: {json.dumps(cmp[key]['equal_to_full'])}", flush=True)
    if full.get("ok"):
        from stages import stage_table  # type: ignore  # bench/stages.py

        cmp["stages"] = stage_table(full["db"])
    cmp["idea_over_floor_cpu"] = ratio(full, cmp.get("floor"), "cpu_s")
    cmp["idea_over_pa11y_cpu"] = ratio(full, cmp.get("pa11y-ci"), "cpu_s")
    cmp["idea_over_floor_wall"] = ratio(full, cmp.get("floor"), "wall_s")
    cmp["idea_over_pa11y_speed"] = ratio(full, cmp.get("pa11y-ci"), "pages_per_min")
    cmp["memo_over_nomemo_wall"] = ratio(full, nomemo, "wall_s")
    cmp["nomemo_over_floor_wall"] = ratio(nomemo, cmp.get("floor"), "wall_s")
    cmp["inc_unchanged_over_full_wall"] = ratio(cmp.get("incremental unchanged"), full, "wall_s")
    cmp["inc_10pct_over_full_wall"] = ratio(cmp.get("incremental 10% changed"), full, "wall_s")
    return cmp


# -- results and README ---------------------------------------------------------------------
def versions(browser: str) -> dict[str, str]:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception:
            return "?"

    from importlib.metadata import PackageNotFoundError, version

    from checks.accessibility import AXE_VERSION

    try:
        playwright_version = version("playwright")
    except PackageNotFoundError:
        playwright_version = "?"

    pa11y_pkg = BENCH / "node_modules" / "pa11y-ci" / "package.json"
    pa11y_axe = BENCH / "node_modules" / "axe-core" / "package.json"
    return {"idea-audit": __version__, "python": platform.python_version(),
            "playwright": playwright_version, "axe-core (idea-audit, floor)": AXE_VERSION,
            "chromium": out([browser, "--version"]), "node": out(["node", "--version"]),
            "pa11y-ci": json.loads(pa11y_pkg.read_text())["version"] if pa11y_pkg.exists() else "not installed",
            "axe-core (pa11y)": json.loads(pa11y_axe.read_text())["version"] if pa11y_axe.exists() else "-"}


def machine() -> str:
    mem = psutil.virtual_memory().total / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, {mem:.0f} GiB RAM (shared)"


def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str) -> float | None:
    """``a[key] / b[key]``, or None unless both runs succeeded (a failed run's time means nothing)."""
    if not a or not b or not a.get("ok") or not b.get("ok") or not a.get(key) or not b.get(key):
        return None
    return round(a[key] / b[key], 2)


def render_readme(results: dict[str, Any]) -> str:
    from readme import render  # type: ignore  # bench/readme.py

    return render(results)


def rerender() -> int:
    """README from the stored results (filling in derived figures an older run lacked)."""
    results = json.loads((OUT / "results.json").read_text())
    cmp = results.get("compare") or {}
    idea = cmp.get("idea-audit") or {}
    if idea.get("ok") and not cmp.get("stages") and Path(idea["db"]).exists():
        from stages import stage_table  # type: ignore  # bench/stages.py

        cmp["stages"] = stage_table(idea["db"])
    if cmp:
        cmp["idea_over_floor_cpu"] = ratio(idea, cmp.get("floor"), "cpu_s")
        cmp["idea_over_pa11y_cpu"] = ratio(idea, cmp.get("pa11y-ci"), "cpu_s")
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    (BENCH / "README.md").write_text(render_readme(results))
    return 0


def save_real(results: dict[str, Any], results_file: Path, name: str, cmp: dict[str, Any]) -> int:
    """Merge one real site's side-by-side figures into results.json (keeping what other runs
    stored there) and regenerate the README."""
    fresh = json.loads(results_file.read_text()) if results_file.exists() else {}
    fresh.setdefault("real", {})[name] = cmp
    results.update({k: v for k, v in fresh.items() if k not in ("date", "machine", "versions", "concurrency")})
    results_file.write_text(json.dumps(results, indent=2))
    (BENCH / "README.md").write_text(render_readme(results))
    print((BENCH / "README.md").read_text())
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description="idea-audit vs the axe floor vs pa11y-ci")
    ap.add_argument("--pages", type=int, default=500, help="pages for the side-by-side comparison")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--scale", default="100,500,2000", help="page counts for the idea-audit growth runs ('' = none)")
    ap.add_argument("--no-compare", action="store_true", help="skip the side-by-side comparison")
    ap.add_argument("--tools", default="floor,idea-audit,no-memo,pa11y-ci,incremental",
                    help="comma-separated: floor, idea-audit, no-memo, pa11y-ci, incremental")
    ap.add_argument("--site-dir", default=None, metavar="DIR",
                    help="a real site's build folder: served by the bench on 127.0.0.1, all tools side by side on it")
    ap.add_argument("--urls", default=None, metavar="FILE",
                    help="with --site-dir: the page URLs or paths to audit (default: every HTML file in DIR)")
    ap.add_argument("--edit-dir", default=None, metavar="DIR",
                    help="with --urls and no --site-dir: the build folder the site's own server serves the URLs "
                         "from; the 10%%-changed re-scan edits 10%% of its pages' files and restores them after")
    ap.add_argument("--name", default=None, help="with --site-dir: the site's name in results.json (default: DIR's name)")
    ap.add_argument("--browser", default=None)
    ap.add_argument("--readme-only", action="store_true", help="re-render README.md from bench/out/results.json")
    a = ap.parse_args()
    if a.readme_only:
        return rerender()
    found = find_browser(a.browser)
    if not found.found:
        print(found.reason, file=sys.stderr)
        return 3
    browser = found.path or ""
    OUT.mkdir(exist_ok=True)
    results_file = OUT / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    results.update({"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                    "machine": machine(), "versions": versions(browser), "concurrency": a.concurrency})
    results.setdefault("scale", {})

    mine: set[str] = set()

    def save() -> None:
        # Re-read and merge only what this invocation measured, so a growth run and a
        # comparison started side by side do not erase each other's figures.
        fresh = json.loads(results_file.read_text()) if results_file.exists() else {}
        fresh.setdefault("scale", {})
        for key in ("date", "machine", "versions", "concurrency", *(["compare"] if "compare" in results else [])):
            fresh[key] = results[key]
        for n in mine:
            fresh["scale"][n] = results["scale"][n]
        results.update(fresh)
        results_file.write_text(json.dumps(results, indent=2))
        (BENCH / "README.md").write_text(render_readme(results))

    tools = set(a.tools.split(","))
    if a.urls and not a.site_dir:
        # a real site already served (on its own port and server): the URLs as listed
        from urllib.parse import urlsplit

        listed = [ln.strip() for ln in Path(a.urls).read_text().splitlines() if ln.strip()]
        parts = urlsplit(listed[0])
        base = f"{parts.scheme}://{parts.netloc}"
        name = a.name or Path(a.urls).stem
        tools_here = tools if a.edit_dir else tools - {"incremental"}
        cmp = side_by_side(tools_here, base, listed, a.concurrency, browser, f"real-{name}",
                           FolderEdits(a.edit_dir) if a.edit_dir else None)
        cmp["urls_file"] = str(Path(a.urls).resolve())
        return save_real(results, results_file, name, cmp)
    if a.site_dir:
        server, base = serve_dir(a.site_dir)
        if a.urls:
            listed = [ln.strip() for ln in Path(a.urls).read_text().splitlines() if ln.strip()]
            # a URL list of the site served elsewhere: the same paths on the bench's server
            from urllib.parse import urlsplit

            paths = [urlsplit(u).path or "/" for u in listed]
        else:
            paths = html_paths(a.site_dir)
        name = a.name or Path(a.site_dir).resolve().name
        cmp = side_by_side(tools, base, [base + p for p in paths], a.concurrency, browser, f"real-{name}", server)
        cmp["site_dir"] = str(Path(a.site_dir).resolve())
        server.shutdown()
        return save_real(results, results_file, name, cmp)
    if not a.no_compare:
        n, conc = a.pages, a.concurrency
        server, base = serve(n)
        urls = [base + p for p in page_paths(n)]
        cmp = side_by_side(tools, base, urls, conc, browser, f"cmp-{n}", server)
        server.shutdown()
        results["compare"] = cmp
        if cmp.get("idea-audit", {}).get("ok"):
            results["scale"][str(n)] = {**cmp["idea-audit"], "date": results["date"], "load": cmp["load"]}
            mine.add(str(n))
        save()
    for n in [int(x) for x in a.scale.split(",") if x.strip()]:
        if str(n) in mine:
            continue  # measured just now in the comparison
        server, base = serve(n)
        res = run_idea(base, n, a.concurrency, browser, f"scale-{n}")
        server.shutdown()
        idea = idea_axe(res["db"])
        res["same_urls"] = set(idea) == {base + p for p in page_paths(n)}
        res["date"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        res["load"] = list(os.getloadavg())
        results["scale"][str(n)] = res
        mine.add(str(n))
        save()
    save()
    print((BENCH / "README.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
