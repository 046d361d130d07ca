"""Storing a page costs the same at page 600 as at page 20: no statement of a page write
reads the run's earlier rows. Measured in SQLite virtual-machine steps (a progress handler
counts them), which do not depend on the machine's speed; real SQLite on a file."""

from __future__ import annotations

from auditor.model import Finding, PageArtifacts, Severity, Status
from auditor.store import Store

OUTCOMES = [(f"check-{i}", "fail" if i % 10 == 0 else "pass", 1.0, 1.0, ["idea-3a1"], "") for i in range(141)]


def _page(store: Store, n: int) -> None:
    url = f"http://127.0.0.1/p{n}"
    art = PageArtifacts(url=url, final_url=url, title=f"page {n}")
    findings = [Finding(f"check-{i}", Status.FAIL, Severity.HIGH, ["idea-3a1"], ["1.1.1"], url, "m", "https://h")
                for i in range(0, 141, 10)]
    links = [(f"http://127.0.0.1/p{n}-{k}", 1, url) for k in range(5)]
    store.save_page("r", art, {"words": 10}, OUTCOMES, findings, new_entries=links,
                    new_skips=[("duplicate", f"http://127.0.0.1/d{n}", url)])


def _steps(store: Store, n: int) -> int:
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    store.db.set_progress_handler(tick, 100)
    try:
        _page(store, n)
    finally:
        store.db.set_progress_handler(None, 100)
    return count[0]


def test_a_page_write_does_not_grow_with_the_pages_stored_before_it(tmp_path):
    store = Store(tmp_path / "runs.sqlite")
    store.create_run("r", "test", ["http://127.0.0.1/"], {})
    early = [_steps(store, n) for n in range(20)]
    for n in range(20, 600):
        _page(store, n)
    late = [_steps(store, n) for n in range(600, 620)]
    store.close()
    # before the page-row indexes a write at page 600 took 40x the steps of one at page 20
    assert sum(late) < 1.3 * sum(early), (sum(early), sum(late))
