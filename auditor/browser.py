"""Finding a Chromium to drive: explicit path, then Playwright's own, then the system's.

A *headless shell* (Playwright's ``chromium-headless-shell`` download, Debian/Ubuntu's
``chromium-headless-shell`` package) is preferred over a full Chrome/Chromium wherever both
exist: same Blink and V8, but without the desktop browser's machinery. Measured with
``bench/floor.py`` on 2 cores (60 pages, 2 workers): the browser process used 4.5 s of CPU
instead of 27 s, and the pages took 15.7 s instead of 41.5 s. Playwright itself runs the
headless shell for headless launches.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_VAR = "IDEA_AUDIT_BROWSER"

#: Launch flags that keep headless Chromium quiet and bounded on locked-down machines:
#: no background network (it hangs on closed networks), no GPU, no sync. ``--no-sandbox`` is
#: here for the tests and benchmarks that launch a browser of their own; a scan takes it out
#: and decides with :func:`sandbox_mode` (the sandbox on wherever it can work).
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--disable-quic",
]

#: Set (to anything but 0) to run Chromium without its sandbox where it would otherwise be on.
NO_SANDBOX_VAR = "IDEA_AUDIT_NO_SANDBOX"
_CLONE_NEWUSER = 0x10000000


@dataclass(frozen=True)
class Sandbox:
    """Whether Chromium's sandbox is on for a scan, and why (said by ``doctor`` and recorded in
    the run's settings as ``sandbox``)."""

    on: bool
    reason: str

    def describe(self) -> str:
        return f"on ({self.reason})" if self.on else f"off ({self.reason})"


def sandbox_decision(euid: int, userns: bool, suid_helper: bool, forced_off: bool = False) -> Sandbox:
    """The sandbox is disabled only where it cannot work: as root (Chromium refuses to start
    its sandbox as root) or where neither unprivileged user namespaces nor a setuid sandbox
    helper exist. Untrusted sites render inside it everywhere else."""
    if forced_off:
        return Sandbox(False, f"${NO_SANDBOX_VAR} is set")
    if euid == 0:
        return Sandbox(False, "running as root: Chromium's sandbox cannot run as root; run as an unprivileged user "
                              "to have it")
    if userns:
        return Sandbox(True, "unprivileged user namespaces available")
    if suid_helper:
        return Sandbox(True, "setuid sandbox helper (chrome-sandbox)")
    return Sandbox(False, "no unprivileged user namespaces (user.max_user_namespaces or "
                          "kernel.unprivileged_userns_clone is 0) and no setuid chrome-sandbox helper")


def _userns_available() -> bool:
    """Whether this user may create a user namespace: sysctls first, then a child that tries."""
    for path, off in (("/proc/sys/user/max_user_namespaces", "0"), ("/proc/sys/kernel/unprivileged_userns_clone", "0")):
        try:
            with open(path, encoding="ascii") as fh:
                if fh.read().strip() == off:
                    return False
        except OSError:
            pass
    probe = (f"import ctypes, sys; sys.exit(0 if ctypes.CDLL(None, use_errno=True).unshare({_CLONE_NEWUSER}) == 0 "
             "else 1)")
    try:
        import sys

        return subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _suid_helper(browser_path: str | None) -> bool:
    if not browser_path:
        return False
    helper = Path(browser_path).resolve().parent / "chrome-sandbox"
    try:
        st = helper.stat()
    except OSError:
        return False
    return bool(st.st_mode & 0o4000) and st.st_uid == 0


def sandbox_mode(browser_path: str | None = None) -> Sandbox:
    """:func:`sandbox_decision` for this process and browser."""
    forced = os.environ.get(NO_SANDBOX_VAR, "") not in ("", "0")
    euid = os.geteuid() if hasattr(os, "geteuid") else 1
    if forced or euid == 0:
        return sandbox_decision(euid, False, False, forced)
    return sandbox_decision(euid, _userns_available(), _suid_helper(browser_path))


SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: Headless shells on the system: Debian's binary (its /usr/bin name is a shell wrapper), then PATH.
SYSTEM_SHELLS = ("/usr/lib/chromium/chromium-headless-shell", "chromium-headless-shell", "chrome-headless-shell",
                 "headless_shell")

FIX_HINT = (
    "no Chromium found. Install one with `python -m playwright install chromium`, or "
    "`apt-get install -y chromium` (Debian/Ubuntu), or point --browser-path / "
    f"{ENV_VAR} at a Chrome/Chromium executable."
)


@dataclass(frozen=True)
class BrowserInfo:
    path: str | None
    source: str
    """explicit / env / playwright / system / none"""
    reason: str

    @property
    def found(self) -> bool:
        return self.path is not None


def _playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:
        return None
    return path if path and os.path.exists(path) else None


def _playwright_headless_shell() -> str | None:
    """Playwright's ``chromium-headless-shell`` download, if one was installed."""
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    if root == "0":
        return None
    found = sorted(Path(root).glob("chromium_headless_shell-*/chrome-*/*headless_shell"), reverse=True)
    return next((str(p) for p in found if p.is_file() and os.access(p, os.X_OK)), None)


def _executable(p: str | None) -> str | None:
    return p if p and os.path.isfile(p) and os.access(p, os.X_OK) else None


def find_browser(explicit: str | None = None) -> BrowserInfo:
    """The browser to use, and why. Never raises; ``path`` is None when none is found."""
    if explicit:
        p = shutil.which(explicit) or explicit
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return BrowserInfo(p, "explicit", "--browser-path")
        return BrowserInfo(None, "explicit", f"--browser-path {explicit!r} is not an executable file")
    env = os.environ.get(ENV_VAR)
    if env:
        p = shutil.which(env) or env
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return BrowserInfo(p, "env", f"${ENV_VAR}")
        return BrowserInfo(None, "env", f"${ENV_VAR}={env!r} is not an executable file")
    pw = _playwright_headless_shell()
    if pw:
        return BrowserInfo(pw, "playwright", "Playwright's own headless shell")
    pw = _playwright_chromium()
    if pw:
        return BrowserInfo(pw, "playwright", "Playwright's own Chromium")
    for name in SYSTEM_SHELLS:
        p = _executable(name if "/" in name else shutil.which(name))
        if p:
            return BrowserInfo(p, "system", f"system headless shell ({name})")
    for name in SYSTEM_NAMES:
        p = shutil.which(name)
        if p:
            return BrowserInfo(str(Path(p).resolve()) if name != "chromium" else p, "system",
                               f"system browser on PATH ({name})")
    return BrowserInfo(None, "none", FIX_HINT)


def browser_version(path: str) -> str:
    try:
        out = subprocess.run([path, "--headless", "--no-sandbox", "--version"], capture_output=True,
                             text=True, timeout=20)
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "unknown"
    except (OSError, subprocess.TimeoutExpired, IndexError) as exc:
        return f"unknown ({exc})"


# -- Playwright's node driver --------------------------------------------------------------
def driver_heap_mb(concurrency: int) -> int:
    """Old-generation limit (MB) for Playwright's node driver in a scan of ``concurrency`` tabs.

    V8 sizes the driver's old generation for itself and collects late: over a 2,000-page
    scan at concurrency 2 the driver grew from 154 MB (PSS, 100 pages) to 245 MB, most of
    it garbage. With a 128 MB limit it stayed at 177 MB, and neither 500- nor 2,000-page
    scans got slower (bench/ablate.py, docs/performance.md); a 64 MB limit made scans 40 %
    slower. What the driver holds alive grows with the tabs in flight (each context's
    pages, requests and frames until it is recycled), so the limit grows with them."""
    return 96 + 16 * max(1, concurrency)


def driver_node_options(current: str | None, concurrency: int) -> str:
    """``NODE_OPTIONS`` for the driver: the user's own, plus the old-space limit of
    :func:`driver_heap_mb` unless they set one themselves."""
    if current and "--max-old-space-size" in current:
        return current
    flag = f"--max-old-space-size={driver_heap_mb(concurrency)}"
    return f"{current} {flag}" if current else flag


#: Starts in flight, and ``NODE_OPTIONS`` as it was before the first (scans of a dask
#: worker may start drivers from several threads at once).
_DRIVER_STARTS: dict[str, Any] = {"in_flight": 0, "before": None}
_DRIVER_LOCK = threading.Lock()


async def start_playwright(concurrency: int) -> Any:
    """Start Playwright with its node driver's heap bounded (:func:`driver_heap_mb`).

    Playwright hands the driver a copy of ``os.environ`` when it starts it and offers no
    other way in, so ``NODE_OPTIONS`` is set while drivers start and put back as it was
    when the last one in flight has started."""
    from playwright.async_api import async_playwright

    with _DRIVER_LOCK:
        if not _DRIVER_STARTS["in_flight"]:
            _DRIVER_STARTS["before"] = os.environ.get("NODE_OPTIONS")
        _DRIVER_STARTS["in_flight"] += 1
        os.environ["NODE_OPTIONS"] = driver_node_options(_DRIVER_STARTS["before"], concurrency)
    try:
        return await async_playwright().start()
    finally:
        with _DRIVER_LOCK:
            _DRIVER_STARTS["in_flight"] -= 1
            if not _DRIVER_STARTS["in_flight"]:
                if _DRIVER_STARTS["before"] is None:
                    os.environ.pop("NODE_OPTIONS", None)
                else:
                    os.environ["NODE_OPTIONS"] = _DRIVER_STARTS["before"]
