"""Playwright's node driver starts with its old generation bounded (auditor.browser.
start_playwright): V8 otherwise collects the driver late and it grew 154 -> 245 MB over a
2,000-page scan. The limit grows with concurrency, a user's own NODE_OPTIONS are kept (and
their own limit wins), and the scan's environment is left as it was.

The end-to-end tests start a real Gatherer and read the running driver's environment from
/proc: what the node process was really given, not what we meant to give it."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import psutil
import pytest

from auditor.browser import driver_heap_mb, driver_node_options, find_browser
from auditor.gather import Gatherer
from auditor.settings import Settings


def test_the_limit_grows_with_concurrency():
    assert driver_heap_mb(2) == 128
    assert driver_heap_mb(1) < driver_heap_mb(2) < driver_heap_mb(8)
    assert driver_heap_mb(0) == driver_heap_mb(1)


def test_node_options_keep_the_users_own():
    assert driver_node_options(None, 2) == "--max-old-space-size=128"
    assert driver_node_options("", 2) == "--max-old-space-size=128"
    assert driver_node_options("--trace-warnings", 4) == "--trace-warnings --max-old-space-size=160"
    assert driver_node_options("--max-old-space-size=512", 2) == "--max-old-space-size=512"


needs_proc = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc/PID/environ")


def _driver_node_options(concurrency: int) -> tuple[str | None, str | None]:
    """NODE_OPTIONS of the running driver, and of this process while the driver runs."""
    async def go() -> tuple[str | None, str | None]:
        settings = Settings(page_timeout=15, axe_timeout=30, concurrency=concurrency)
        async with Gatherer(settings, find_browser(None).path or ""):
            drivers = [p for p in psutil.Process().children(recursive=True)
                       if "run-driver" in " ".join(p.cmdline())]
            assert len(drivers) == 1, [p.cmdline() for p in drivers]
            env = dict(kv.split("=", 1) for kv in
                       Path(f"/proc/{drivers[0].pid}/environ").read_bytes().decode().split("\0") if "=" in kv)
            return env.get("NODE_OPTIONS"), os.environ.get("NODE_OPTIONS")
    return asyncio.run(go())


@needs_proc
@pytest.mark.browser
@pytest.mark.timeout(120)
def test_the_running_driver_gets_the_limit_and_the_environment_is_put_back(monkeypatch):
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    driver, ours = _driver_node_options(4)
    assert driver == "--max-old-space-size=160"
    assert ours is None


@needs_proc
@pytest.mark.browser
@pytest.mark.timeout(120)
def test_a_users_own_limit_reaches_the_driver_unchanged(monkeypatch):
    monkeypatch.setenv("NODE_OPTIONS", "--max-old-space-size=300")
    driver, ours = _driver_node_options(2)
    assert driver == "--max-old-space-size=300"
    assert ours == "--max-old-space-size=300"


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_overlapping_starts_put_the_environment_back(monkeypatch):
    """Two drivers starting at once (as scans in one dask worker's threads may): the second
    must not take the first's limit for the user's own setting and put it back at the end."""
    monkeypatch.delenv("NODE_OPTIONS", raising=False)

    async def go() -> None:
        async def one() -> None:
            async with Gatherer(Settings(page_timeout=15, axe_timeout=30, concurrency=2), find_browser(None).path or ""):
                await asyncio.sleep(0)
        await asyncio.gather(one(), one())

    asyncio.run(go())
    assert "NODE_OPTIONS" not in os.environ
