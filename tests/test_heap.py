"""auditor/heap.py: freed heap memory goes back to the system (glibc's malloc_trim), measured
as this process's resident size; a no-op, never an error, where there is no glibc."""

from __future__ import annotations

import sys
import threading

import pytest

from auditor import heap


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux") or not heap._glibc(), reason="glibc only")
def test_trim_returns_freed_heap_to_the_system():
    held: list[bytearray] = []

    def churn() -> None:  # in a worker thread, like the page checks (its own malloc arena)
        blocks = [bytearray(64_000) for _ in range(1200)]  # ~77 MB, below the mmap threshold
        held.append(bytearray(64_000))  # pins the arena's top, so free() alone cannot shrink it
        del blocks

    t = threading.Thread(target=churn)
    t.start()
    t.join()
    before = _rss_mb()
    assert heap.trim()
    after = _rss_mb()
    assert before - after > 40, (before, after)


def test_limit_and_trim_never_raise():
    assert heap.limit_arenas(2) in (True, False)
    assert heap.trim() in (True, False)
