"""Scan settings: plain values, built once from CLI/config, stored with the run.

Secrets (header values, cookies) live only in :class:`Secrets`, which is never stored,
printed or written to any output; ``Settings.to_dict`` holds header *names* only.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from . import __version__

DEFAULT_USER_AGENT = f"idea-auditor/{__version__} (+https://github.com/idea-auditor/idea-auditor)"


#: Memory one extra worker costs at peak: a browser context with a heavy page plus axe-core
#: (measured with bench/run.py: ~150-250 MB PSS per busy renderer), rounded up.
MB_PER_WORKER = 300
#: Memory kept free for the browser's own processes, Python and the rest of the machine.
MB_RESERVED = 600
MAX_DEFAULT_CONCURRENCY = 16

#: The largest values the options take (--concurrency, --page-timeout ...; the config file's
#: keys alike). Each worker is a browser context of ~300 MB at peak (MB_PER_WORKER): 64 is
#: ~19 GB. The times are far past any useful wait, and finite.
MAX_CONCURRENCY = 64
MAX_PAGE_TIMEOUT = 600
MAX_AXE_TIMEOUT = 1800
MAX_DELAY = 600
MAX_TIME = 7 * 24 * 3600
#: A robots.txt Crawl-delay is honoured up to this many seconds between requests (one of
#: 100000 would make a 50-page scan take two months); the run's pacing says when it was cut.
MAX_CRAWL_DELAY = 30.0


def available_memory_mb() -> int | None:
    """Memory the kernel can hand out without swapping (Linux ``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def default_concurrency(cpus: int | None = None, free_mb: int | None = None) -> int:
    """Pages in parallel: one per CPU, fewer when memory would not hold that many workers.

    Each worker keeps a CPU busy (rendering and axe-core are CPU-bound), so more workers than
    CPUs only queue; and each costs ~MB_PER_WORKER at peak, so a small machine or container
    gets fewer rather than swapping or being killed.
    """
    cpus = cpus if cpus is not None else (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                          else os.cpu_count() or 1)
    free_mb = free_mb if free_mb is not None else available_memory_mb()
    n = max(1, cpus)
    if free_mb is not None:
        n = min(n, max(1, (free_mb - MB_RESERVED) // MB_PER_WORKER))
    return max(1, min(n, MAX_DEFAULT_CONCURRENCY))


@dataclass
class Settings:
    start_urls: list[str] = field(default_factory=list)
    max_pages: int = 50
    max_depth: int = 3
    max_time: float = 0.0
    """Seconds for the whole crawl; 0 means no limit."""
    concurrency: int = field(default_factory=default_concurrency)
    per_host: int = 0
    """Pages in flight per host at once; 0 means the same as concurrency."""
    delay: float = 0.0
    """Seconds between requests to one host (robots.txt Crawl-delay wins if larger, up to
    MAX_CRAWL_DELAY)."""
    user_agent: str = DEFAULT_USER_AGENT
    obey_robots: bool = True
    scope: str = "host"
    trailing_slash: str = "keep"
    use_sitemap: bool = True
    page_timeout: float = 30.0
    """Seconds for a page's navigation; every other wait is bounded below it."""
    idle_wait: float = 2.0
    """Seconds at most to wait for network quiet after load."""
    axe_timeout: float = 60.0
    checks: list[str] = field(default_factory=list)
    skip_checks: list[str] = field(default_factory=list)
    browser_path: str | None = None
    recycle_every: int = 50
    """Pages a browser context serves before it is replaced (bounds memory)."""
    gc_every: int = 4
    """Pages a tab audits between full garbage collections of its renderer; 0: never.
    Without them a renderer's memory grew ~10 MB a page (docs/performance.md)."""
    header_names: list[str] = field(default_factory=list)
    insecure: bool = False
    target_grade: float | None = None
    """Plain-language target reading grade (Flesch-Kincaid); None: $IDEA_AUDIT_TARGET_GRADE or 8."""
    count_best_practice: bool = False
    """Let the best-practice tier (axe-core's best-practice, experimental and AAA rules) count in
    scores and gates like the WCAG checks; by default its findings are warnings that count nowhere."""
    screenshots: bool = False
    """Take desktop and mobile screenshots of each page (failing elements outlined) for the scorecard."""
    environment: str = "auto"
    """auto, production or staging: on staging, production-only checks are not assessed
    (auditor/environment.py). ``auto`` decides from the start URL's host."""
    environment_assumed: str = ""
    """production or staging, decided when the scan starts."""
    environment_reason: str = ""
    """Why ("127.0.0.1 is a loopback address", "--environment production")."""
    memo: bool = True
    """Component-aware measurement: a block that repeats across pages (header, navigation,
    footer...) and is provably identical is measured once per run and its measurements reused
    (auditor/memo.py); ``--no-memo`` measures every block on every page."""
    incremental: bool = False
    """Re-scan only what changed since the latest complete run of the same site in the store:
    unchanged pages reuse that run's outcomes (auditor/incremental.py)."""
    sandbox: str = ""
    """How Chromium's sandbox ran, decided when the scan starts: 'on (why)' or 'off (why)'."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Settings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class Secrets:
    """Request headers and cookies for staging sites. Never stored or printed."""

    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[dict[str, str]] = field(default_factory=list)

    def values(self) -> list[str]:
        vals = [v for v in self.headers.values() if v]
        vals += [c.get("value", "") for c in self.cookies if c.get("value")]
        return vals

    def __repr__(self) -> str:  # never show values, even in a debugger or a traceback
        return f"Secrets(headers={sorted(self.headers)}, cookies={len(self.cookies)})"
