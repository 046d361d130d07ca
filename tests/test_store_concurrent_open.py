"""Several scans opening one new results store at the same moment (a CI matrix writing to a
shared store, two terminals): SQLite can refuse the switch to WAL with "database is locked"
at once, without waiting; every one of them must still open it. Real SQLite, real processes."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path

ROUNDS, PROCS = 10, 12


def _open(path: str, start, out) -> None:
    from auditor.store import Store

    start.wait()
    try:
        store = Store(path)
        store.create_run(f"r{mp.current_process().pid}", "test", ["http://127.0.0.1/"], {})
        store.close()
        out.put("ok")
    except Exception as exc:  # reported to the test, not raised in the child
        out.put(f"{type(exc).__name__}: {exc}")


def test_many_processes_open_one_new_store_at_once(tmp_path: Path):
    ctx = mp.get_context("fork")
    results = []
    for round_ in range(ROUNDS):
        path = str(tmp_path / f"runs{round_}.sqlite")
        start, out = ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=_open, args=(path, start, out)) for _ in range(PROCS)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(60)
        results += [out.get(timeout=5) for _ in procs]
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert results == ["ok"] * (ROUNDS * PROCS), [r for r in results if r != "ok"]
