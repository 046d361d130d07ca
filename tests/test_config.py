"""The config file: values applied, CLI overrides, clear errors naming key and file."""

from __future__ import annotations

import pytest
from conftest import load_json, run_cli

from auditor.config import parse
from auditor.errors import UsageError


def _err(data):
    with pytest.raises(UsageError) as exc:
        parse(data, "idea-audit.toml")
    return str(exc.value)


def test_config_errors_name_the_key_and_file():
    assert _err({"max_page": 3}).startswith("idea-audit.toml: unknown key 'max_page' (allowed:")
    assert _err({"max_pages": 0}) == "idea-audit.toml: key 'max_pages' must be a whole number >= 1"
    assert _err({"max_pages": "10"}) == "idea-audit.toml: key 'max_pages' must be a whole number >= 1"
    assert "key 'scope' must be one of: host, subdomains" in _err({"scope": "world"})
    assert "key 'environment' must be one of: auto, production, staging" in _err({"environment": "prod"})
    assert "key 'formats' unknown format pdf" in _err({"formats": ["pdf"]})
    assert "key 'gates.fail_on' must be one of: info, low, medium, high, critical" in _err({"gates": {"fail_on": "x"}})
    assert "key 'gates.min_scores.idea-9' is not a requirement" in _err({"gates": {"min_scores": {"idea-9": 5}}})
    assert "unknown key 'gates.fail'" in _err({"gates": {"fail": "high"}})
    assert "key 'ignore[1].reason' is required" in _err({"ignore": [{"check": "axe-region"}]})
    assert "key 'severity.nope' is not a check id" in _err({"severity": {"nope": "low"}})
    assert "never from the file" in _err({"headers": {"Authorization": "Bearer abc"}})


def test_config_parses():
    cfg = parse({"urls": ["https://a.gov/"], "max_pages": 5, "gates": {"fail_on": "high", "min_scores": {"idea-3a1": 90}},
                 "severity": {"axe-color-contrast": "low"},
                 "ignore": [{"check": "axe-region", "url": "https://a.gov/old/*", "reason": "legacy section"}],
                 "headers": {"Authorization": {"env": "TOKEN"}}}, "x.toml")
    assert cfg.scan == {"urls": ["https://a.gov/"], "max_pages": 5}
    assert cfg.gates == {"fail_on": "high", "min_scores": {"idea-3a1": 90.0}}
    assert cfg.ignore[0].matches({"check_id": "axe-region", "page_url": "https://a.gov/old/x", "selector": ""})
    assert not cfg.ignore[0].matches({"check_id": "axe-region", "page_url": "https://a.gov/new", "selector": ""})
    assert cfg.header_env == {"Authorization": "TOKEN"}


@pytest.mark.browser
def test_config_file_is_applied_and_cli_overrides_it(serve_site, tmp_path):
    url = serve_site("legacy")
    (tmp_path / "idea-audit.toml").write_text(f'''
urls = ["{url}"]
max_pages = 2
use_sitemap = false
formats = ["json", "md"]
out = "from-config"
db = "runs.sqlite"
environment = "production"

[gates]
fail_on = "critical"

[severity]
"axe-color-contrast" = "low"

[[ignore]]
check = "axe-image-alt"
reason = "Decorative images; tracked in TICKET-9"
''')
    proc = run_cli("scan", "-q", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # gate from the file
    r = load_json(tmp_path / "from-config" / "idea-audit.json")
    assert len(r["pages"]) == 2
    assert r["run"]["environment"]["assumed"] == "production"  # the file's environment, on 127.0.0.1
    assert any(f["check_id"] == "sec-https" for f in r["findings"])
    assert all(f["check_id"] != "axe-image-alt" for f in r["findings"])
    assert {f["ignored_reason"] for f in r["ignored"]} == {"Decorative images; tracked in TICKET-9"}
    assert next(f for f in r["findings"] if f["check_id"] == "axe-color-contrast")["severity"] == "low"
    assert "2 findings ignored by configured rules" in (tmp_path / "from-config" / "idea-audit.md").read_text()
    # CLI flags override the file
    proc = run_cli("scan", "-q", "--max-pages", "1", "--fail-on", "info", "--out", "cli", "--environment", "auto",
                   cwd=tmp_path)
    r = load_json(tmp_path / "cli" / "idea-audit.json")
    assert proc.returncode == 1 and len(r["pages"]) == 1
    assert r["run"]["environment"] == {
        "mode": "auto", "assumed": "staging", "reason": "127.0.0.1 is a loopback address",
        "note": "environment: staging (127.0.0.1 is a loopback address); production-only checks are not "
                "assessed: use --environment production to assess them"}
    assert not any(f["check_id"] == "sec-https" for f in r["findings"])


def test_pyproject_section_and_bad_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.idea-audit]\nmax_depth = "deep"\n')
    proc = run_cli("scan", "http://127.0.0.1:1/", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"idea-audit: error: {tmp_path / 'pyproject.toml'}: key 'max_depth' must be a whole number >= 0"
    (tmp_path / "bad.toml").write_text("max_pages = [\n")
    proc = run_cli("scan", "--config", str(tmp_path / "bad.toml"), "http://127.0.0.1:1/")
    assert proc.returncode == 2 and "not valid TOML" in proc.stderr


def test_init_writes_config_and_workflow(tmp_path):
    run_cli("init", "--dir", str(tmp_path), "--url", "https://www.agency.gov", check_exit=0)
    cfg = (tmp_path / "idea-audit.toml").read_text()
    assert 'urls = ["https://www.agency.gov/"]' in cfg
    import tomllib

    parsed = parse(tomllib.loads(cfg), "idea-audit.toml")  # the written config is valid
    # a localhost pipeline started from it does not fail on what only production can show
    assert parsed.scan["environment"] == "auto"
    wf = (tmp_path / ".github" / "workflows" / "idea-audit.yml").read_text()
    assert "/.github/actions/idea-audit@" in wf and "config: idea-audit.toml" in wf  # installs as the action does
    proc = run_cli("init", "--dir", str(tmp_path))
    assert proc.returncode == 2 and "exists (use --force" in proc.stderr


def test_csv_cells_cannot_start_formulas():
    from auditor.report.safe import csv_cell

    assert csv_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert csv_cell("+1") == "'+1" and csv_cell("@SUM(1)") == "'@SUM(1)" and csv_cell("plain") == "plain"
