"""JSON result: the documented contract (``auditor/schemas/result.schema.json``)."""

from __future__ import annotations

import json as _json
from typing import Any

NAME = "json"
EXTENSION = "json"


def render(result: dict[str, Any]) -> str:
    return _json.dumps(result, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
