"""The benchmark's report: ratios only from runs that succeeded, and a failed run says why."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from readme import render_cmp
from run import log_tail, ratio


def run(tool, wall, ok=True, rc=0, **extra):
    return {"tool": tool, "pages": 100, "rc": rc, "ok": ok, "wall_s": wall, "cpu_s": wall * 1.5,
            "peak_mb": 500, "peak_rss_mb": 700, "pages_per_min": round(100 / wall * 60, 1),
            "s_per_page": round(wall / 100, 3), **extra}


def test_ratio_needs_both_runs_ok():
    floor, idea = run("floor", 50.0), run("idea-audit", 100.0)
    assert ratio(idea, floor, "wall_s") == 2.0
    failed = run("idea-audit", 1.8, ok=False, rc=3)
    assert ratio(failed, floor, "wall_s") is None
    assert ratio(floor, failed, "wall_s") is None
    assert ratio(idea, None, "wall_s") is None
    assert ratio(idea, {"tool": "pa11y-ci", "ok": False, "error": "not installed"}, "pages_per_min") is None


def test_log_tail_keeps_the_last_lines(tmp_path):
    log = tmp_path / "run.log"
    log.write_text("scanning...\n\nerror: robots.txt disallows every start URL\n\n")
    assert log_tail(log) == "scanning... / error: robots.txt disallows every start URL"
    log.write_text("x" * 1000)
    assert len(log_tail(log)) == 300
    log.write_text("\n \n")
    assert log_tail(log) == "empty log"
    assert log_tail(tmp_path / "absent.log").startswith("no log")


def test_failed_run_is_named_with_its_reason_and_gives_no_ratio():
    cmp = {"pages": 100, "concurrency": 2, "date": "2026-12-07 01:00 UTC", "load": [0.1, 0.2, 0.3],
           "floor": run("floor", 50.0),
           "idea-audit": run("idea-audit", 1.8, ok=False, rc=3, reason="nothing audited | robots.txt"),
           "pa11y-ci": run("pa11y-ci", 120.0, rc=2)}
    text = "\n".join(render_cmp("Side by side", cmp))
    assert "**idea-audit (memo on, the default) failed** (exit 3): nothing audited / robots.txt" in text
    assert "pa11y-ci failed" not in text and "floor failed" not in text
    assert "idea-audit wall / floor wall: **-**" in text
