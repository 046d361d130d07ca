"""bench/ablate.py's table: every row as a multiple of the floor's wall time and as pa11y-ci's
pages/minute over its own (the two speed targets), savings only for idea-audit variants, and
a failed peer run shown as such instead of breaking the table."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from ablate import table


def _row(md: str, name: str) -> list[str]:
    line = next(ln for ln in md.splitlines() if ln.startswith(f"| {name} |"))
    return [c.strip() for c in line.strip("|").split("|")]


def _res(wall: float, cpu: float, ppm: float) -> dict:
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": 900, "s_per_page": round(wall / 500, 3), "pages_per_min": ppm}


def test_rows_give_both_target_ratios_and_savings_against_the_full_suite():
    md = table({"floor": _res(100.0, 170.0, 300.0), "-keyboard": _res(125.0, 205.0, 240.0),
                "full": _res(150.0, 256.0, 200.0), "pa11y-ci": _res(240.0, 200.0, 125.0)})
    assert _row(md, "floor")[-2:] == ["1.00", "2.40"]
    kb = _row(md, "-keyboard")
    assert kb[5:7] == ["25.0", "51.0"]  # wall and CPU the keyboard walk costs
    assert kb[-2:] == ["1.25", "1.92"]
    assert _row(md, "full")[-2:] == ["1.50", "1.60"]
    pa = _row(md, "pa11y-ci")
    assert pa[5:7] == ["-", "-"]  # a peer is not a variant of the suite
    assert pa[-2:] == ["2.40", "1.00"]


def test_a_peer_that_did_not_run_leaves_its_ratios_blank():
    md = table({"floor": _res(100.0, 170.0, 300.0), "full": _res(150.0, 256.0, 200.0),
                "pa11y-ci": {"tool": "pa11y-ci", "ok": False, "error": "not installed"}})
    assert _row(md, "pa11y-ci")[1] == "not installed"
    assert _row(md, "full")[-2:] == ["1.50", "-"]
