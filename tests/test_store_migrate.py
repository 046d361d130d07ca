"""A store file written before a column was added opens, gains the column, and its old runs
still report (real SQLite files)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import jsonschema

from auditor import report
from auditor.store import Store

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "auditor" / "schemas" / "result.schema.json").read_text())

OLD_RUNS = """CREATE TABLE runs (
  id TEXT PRIMARY KEY, tool_version TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
  status TEXT NOT NULL, seeds TEXT NOT NULL, settings TEXT NOT NULL, site TEXT, error TEXT, limit_hit TEXT)"""


def test_store_without_pacing_column_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute(OLD_RUNS)
    db.execute("INSERT INTO runs (id, tool_version, started, finished, status, seeds, settings) VALUES "
               "('old', '0.0.9', '2026-01-01T00:00:00+00:00', '2026-01-01T00:10:00+00:00', 'complete', "
               "'[\"https://agency.gov/\"]', '{}')")
    db.commit()
    db.close()
    store = Store(path)
    assert "pacing" in {r[1] for r in store.db.execute("PRAGMA table_info(runs)")}
    assert store.get_run("old")["pacing"] is None
    result = report.build_result(store, "old")
    assert result["run"]["pacing"] is None
    jsonschema.Draft7Validator(SCHEMA).validate(result)
    store.update_run("old", pacing={"per_host_limit": 2, "busy_answers": {"429": 1}, "pauses": 1, "slowdowns": 0,
                                    "min_in_flight": 2, "max_spacing_s": 0.5, "events": ["x"], "events_total": 1})
    store.close()
    again = Store(path)  # opening a migrated store again is a no-op
    result = report.build_result(again, "old")
    assert result["run"]["pacing"]["busy_answers"] == {"429": 1}
    jsonschema.Draft7Validator(SCHEMA).validate(result)
