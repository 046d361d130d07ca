"""CSV: one row per finding (spreadsheet-safe: no cell can start a formula)."""

from __future__ import annotations

import csv as _csv
import io
from typing import IO, Any

from ..clusters import cluster_of
from .safe import csv_cell

NAME = "csv"
EXTENSION = "csv"

COLUMNS = ("check_id", "status", "severity", "requirements", "wcag", "page_url", "selector", "snippet", "message",
           "fix_hint", "help_url", "fingerprint", "baseline_state", "baseline", "trusted_tester", "cluster_id", "block",
           "reused_from")
"""``reused_from``: on an --incremental re-scan, the run whose audit of the finding's page was reused."""


def render(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    write_to(result, buf)
    return buf.getvalue()


def write_to(result: dict[str, Any], fh: IO[str]) -> None:
    w = _csv.writer(fh, lineterminator="\n")
    w.writerow(COLUMNS)
    reused = {p["url"]: p["reused_from"] for p in result.get("pages") or [] if p.get("reused_from")}
    for f in result["findings"]:
        row = []
        for c in COLUMNS:
            if c == "cluster_id":
                v = cluster_of(f)
            elif c == "block":  # "footer footer.usa-footer": where the fix-once cluster's block is
                b = f.get("block")
                v = f"{b['name']} {b['selector']}" if b else ""
            elif c == "reused_from":
                v = reused.get(f.get("page_url") or "", "")
            else:
                v = f.get(c, "")
            if isinstance(v, list):
                v = " ".join(v)
            row.append(csv_cell("" if v is None else str(v)))
        w.writerow(row)
