"""A check that raises is a bug, and the report must say so: the JSON result lists it under
``check_errors`` and the scorecard names it, not only the store."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from auditor import checking
from auditor.model import PageArtifacts, Severity
from auditor.report import build_result
from auditor.report.html import render
from auditor.scan import _outcome_row
from auditor.store import Store

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "auditor" / "schemas" / "result.schema.json").read_text())


def _broken(page: PageArtifacts):
    return page.probes["content_structure"]["links"][0]["href"].startswith("http")  # a dict, as SVG <a> gave


BROKEN = checking.CheckSpec(id="test-broken-check", family="test", title="t", failure_title="t", description="d",
                            help_url="https://example.invalid/", requirements=("idea-3a1",), wcag=("2.4.4",),
                            severity=Severity.MEDIUM, scope="page", artifacts=("probes",), fn=_broken)


def test_a_check_that_raises_is_in_the_json_and_the_scorecard(tmp_path):
    page = PageArtifacts(url="http://127.0.0.1:9/svg-link.html", final_url="http://127.0.0.1:9/svg-link.html",
                         status_code=200, html="<html></html>",
                         probes={"content_structure": {"links": [{"href": {"baseVal": "/"}}]}})
    out = checking._run_one(BROKEN, page)
    assert out.status.value == "error" and "AttributeError" in out.detail
    store = Store(tmp_path / "runs.sqlite")
    store.create_run("r1", "test", [page.url], {})
    store.save_page("r1", page, {}, [_outcome_row(BROKEN, out)], [])
    store.update_run("r1", status="complete", finished="2026-12-02T00:00:00+00:00")
    result = build_result(store, "r1")
    jsonschema.validate(result, SCHEMA)
    [err] = result["check_errors"]
    assert err["check_id"] == "test-broken-check" and err["pages"] == 1
    assert err["examples"][0]["page_url"] == page.url and "AttributeError" in err["examples"][0]["detail"]
    html = render(result)
    assert "could not run on some pages" in html and "test-broken-check" in html and "AttributeError" in html


def test_no_check_errors_no_note(tmp_path):
    store = Store(tmp_path / "runs.sqlite")
    store.create_run("r1", "test", ["http://127.0.0.1:9/"], {})
    store.update_run("r1", status="complete", finished="2026-12-02T00:00:00+00:00")
    result = build_result(store, "r1")
    assert result["check_errors"] == []
    assert "could not run on some pages" not in render(result)
