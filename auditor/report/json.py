"""JSON result: the documented contract (``auditor/schemas/result.schema.json``)."""

from __future__ import annotations

import io
from typing import IO, Any

from .stream import write_json

NAME = "json"
EXTENSION = "json"


def render(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    write_to(result, buf)
    return buf.getvalue()


def write_to(result: dict[str, Any], fh: IO[str]) -> None:
    """The same text as ``json.dumps(result, indent=2, ensure_ascii=False)``, written a
    finding at a time."""
    write_json(fh, result)
    fh.write("\n")
