"""Giving freed heap memory back to the system during long scans (glibc only; a no-op elsewhere).

A scan's Python process allocates and frees a page's worth of large strings (HTML, axe-core
results, page text) for every page, in the event loop's thread and in the worker threads
that run the checks. glibc's malloc gives each thread its own arena (up to eight per core)
and keeps freed memory in each for reuse, so the resident size creeps up with the number
of pages although nothing is kept. Two arenas and a trim every :data:`TRIM_EVERY` pages
keep it at what the pages in flight need.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

#: Pages stored between two trims (a trim takes ~1 ms; ~12 ms when it hands back ~90 MB).
TRIM_EVERY = 25
_M_ARENA_MAX = -8  # mallopt parameter, glibc's malloc.h

_libc: Any = None


def _glibc() -> Any:
    global _libc
    if _libc is None:
        _libc = False
        if sys.platform.startswith("linux"):
            try:
                lib = ctypes.CDLL("libc.so.6")
                lib.malloc_trim, lib.mallopt  # glibc has both; musl has neither  # noqa: B018
                _libc = lib
            except (OSError, AttributeError):
                pass
    return _libc


def limit_arenas(count: int = 2) -> bool:
    """At most ``count`` malloc arenas for the threads started from now on."""
    lib = _glibc()
    return bool(lib) and lib.mallopt(_M_ARENA_MAX, count) == 1


def trim() -> bool:
    """Return free heap pages to the system; True when any were."""
    lib = _glibc()
    return bool(lib) and lib.malloc_trim(0) == 1
