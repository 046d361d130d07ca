"""Draft OpenACR (GSA's Open Accessibility Conformance Report, YAML) from the run's Section 508
coverage: WCAG 2.2 A and AA chapters for the ``web`` component (and ``electronic-docs`` when
linked PDFs were read). Levels and notes are decided in :mod:`auditor.section508`; the
schema is ``auditor/data/section508/openacr/openacr-0.1.0.json``."""

from __future__ import annotations

from typing import Any

import yaml

from .. import section508

NAME = "openacr"
EXTENSION = "openacr.yaml"


def render(result: dict[str, Any]) -> str:
    doc = section508.openacr(result)
    # safe_dump quotes whatever a page or URL supplies; it never writes YAML tags or aliases
    return "# Draft OpenACR written by idea-auditor from automated testing: see docs/section508.md\n" + yaml.safe_dump(
        doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
