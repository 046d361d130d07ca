"""Neutralising audited-page text for outputs that are not HTML-escaped by a template.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab / carriage
return before one) as a formula: ``=cmd|' /C calc'!A0`` in a page title would execute on
the reader's machine. OWASP's advice: prefix such cells with a single quote.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """``value`` as text that a spreadsheet shows, never evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
