"""Writing large reports a piece at a time.

``write_json`` writes exactly what ``json.dumps(obj, indent=2, ensure_ascii=False)`` would
return, but to a file and one item of the outer containers at a time, so a 2,000-page run's
25 MB result never exists as one string (nor as the millions of small pieces
``json.dumps`` joins into it). A :class:`Lazy` list is produced item by item while it is
written: a reporter can turn findings into its own records without holding them all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any


class Lazy:
    """A JSON array whose items are made while they are written (iterated once)."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)


def _materialise(obj: Any) -> Any:
    if isinstance(obj, Lazy):
        return list(obj)
    raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")


def _dumps(obj: Any, level: int, indent: int) -> str:
    s = json.dumps(obj, indent=indent, ensure_ascii=False, default=_materialise)
    # json.dumps escapes newlines inside strings, so every "\n" here is layout
    return s.replace("\n", "\n" + " " * (indent * level)) if level and "\n" in s else s


def write_json(fh: IO[str], obj: Any, *, indent: int = 2, depth: int = 3, _level: int = 0) -> None:
    """Write ``obj`` as ``json.dumps(obj, indent=indent, ensure_ascii=False)`` would, the
    containers of the first ``depth`` levels item by item. A :class:`Lazy` within those
    levels is written as it is made; one deeper is made whole first (same text)."""
    lazy = isinstance(obj, Lazy)
    if not lazy and (_level >= depth or not isinstance(obj, (dict, list, tuple))
                     or (isinstance(obj, dict) and not all(isinstance(k, str) for k in obj))):
        fh.write(_dumps(obj, _level, indent))
        return
    pad = "\n" + " " * (indent * (_level + 1))
    if isinstance(obj, dict):
        opened = False
        for k, v in obj.items():
            fh.write(("," if opened else "{") + pad + json.dumps(k, ensure_ascii=False) + ": ")
            opened = True
            write_json(fh, v, indent=indent, depth=depth, _level=_level + 1)
        fh.write("\n" + " " * (indent * _level) + "}" if opened else "{}")
        return
    opened = False
    for item in obj:
        fh.write(("," if opened else "[") + pad)
        opened = True
        write_json(fh, item, indent=indent, depth=depth, _level=_level + 1)
    fh.write("\n" + " " * (indent * _level) + "]" if opened else "[]")
