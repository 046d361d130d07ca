"""Shared test helpers: fixture-site servers on 127.0.0.1 and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

from serve import serve_in_thread  # noqa: E402

ASSETS = Path(__file__).resolve().parent / "assets"


@pytest.fixture
def serve_site():
    """Factory: serve_site("good") -> base URL; servers stop at teardown."""
    servers = []

    def start(name: str) -> str:
        server, url = serve_in_thread(name)
        servers.append(server)
        return url

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 600, env: dict[str, str] | None = None,
            check_exit: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess (`python -m auditor`)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "auditor", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=full_env)
    if check_exit is not None:
        assert proc.returncode == check_exit, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


@pytest.fixture
def cli():
    return run_cli


def load_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())
