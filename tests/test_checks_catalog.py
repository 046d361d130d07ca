"""The IDEA families are in the catalog `idea-audit checks` prints (text and JSON)."""

import json

from conftest import run_cli

from auditor import checking, requirements

PREFIXES = ("mobile-", "plain-", "brand-", "search-", "sec-", "dap-", "analytics-", "disc-", "links-", "custom-")
FAMILIES = {"mobile", "plain-language", "branding", "search", "security", "analytics", "discoverability",
            "required-links", "customization"}


def test_every_family_has_checks_with_metadata():
    specs = [s for s in checking.load_all().values() if s.id.startswith(PREFIXES)]
    assert {s.family for s in specs} == FAMILIES
    for s in specs:
        assert s.requirements and all(r in requirements.BY_ID for r in s.requirements)
        assert s.help_url.startswith("https://") and s.description and s.title
    covered = {r for s in checking.load_all().values() for r in s.requirements}
    assert covered == set(requirements.BY_ID)  # every requirement has at least one check


def test_cli_lists_checks_text_and_json():
    text = run_cli("checks", check_exit=0).stdout
    assert "mobile-tap-targets" in text and "2.5.8" in text and "links-foia" in text
    data = json.loads(run_cli("checks", "--format", "json", check_exit=0).stdout)
    by_id = {c["id"]: c for c in data["checks"]}
    assert by_id["mobile-zoom-enabled"]["wcag"] == ["1.4.4"]
    assert by_id["sec-hsts"]["requirements"] == ["idea-3a5"] and by_id["sec-hsts"]["severity"] == "high"
    assert by_id["custom-experience"]["requirements"] == ["idea-3a7"]
