"""`idea-audit init`: a commented config file and a GitHub Actions workflow."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

CONFIG_TEMPLATE = """\
# idea-audit.toml: settings for `idea-audit scan` (command-line flags override them).
# Reference: https://github.com/idea-auditor/idea-auditor#configuration

urls = ["{url}"]
max_pages = 100          # pages to audit at most
max_depth = 3            # link depth from the start URL
concurrency = 2          # pages in parallel
page_timeout = 30        # seconds per page load
scope = "host"           # or "subdomains"
environment = "auto"     # staging on localhost/private/.test addresses: HTTPS, HSTS, certificate,
                         # .gov domain, security.txt are then not assessed; "production" assesses them
# checks = ["accessibility"]   # only these checks or families
# skip = ["axe-region"]        # checks or families to leave out
formats = ["json", "html", "sarif", "md"]
out = "reports"

[gates]
fail_on = "high"         # fail on any finding at or above: info, low, medium, high, critical
# min_score = 80         # overall score 0-100
# max_findings = 0
# [gates.min_scores]
# "idea-3a1" = 90        # a requirement's score (see `idea-audit checks --format json`)

# [baseline]
# file = "idea-audit-baseline.json"   # from `idea-audit baseline RUN`; only NEW findings fail gates
# ignore_host = true                  # match a staging run against a production baseline

# [severity]             # per-check severity overrides
# "axe-color-contrast" = "medium"

# [[ignore]]             # every ignore rule needs a reason; it is shown in the reports
# check = "axe-region"
# url = "https://www.example.gov/legacy/*"
# selector = "#vendor-widget"
# reason = "Vendor widget, replacement tracked in TICKET-123"

# [headers]              # values come from environment variables, never from this file
# Authorization = {{ env = "STAGING_AUTH" }}
"""

WORKFLOW_TEMPLATE = """\
# Audit the site against the 21st Century IDEA Act and OMB M-23-22 on every push and PR.
name: idea-audit
on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read
  security-events: write   # upload SARIF to code scanning

jobs:
  audit:
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install idea-auditor and a browser
        run: |
          pip install idea-auditor
          python -m playwright install --with-deps chromium
      # Start your site here if it is built in this job (e.g. `npm ci && npm start &`),
      # or point the scan at a deployed staging URL.
      - name: Audit
        run: idea-audit scan --config idea-audit.toml --format json,html,sarif,md --out reports
      - name: Upload SARIF to code scanning
        if: always()
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: reports/idea-audit.sarif
          category: idea-audit
      - name: Upload the scorecard
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: idea-audit-scorecard
          path: reports/
"""


def write_init(directory: Path, url: str, force: bool = False) -> list[Path]:
    targets = {directory / "idea-audit.toml": CONFIG_TEMPLATE.format(url=url),
               directory / ".github" / "workflows" / "idea-audit.yml": WORKFLOW_TEMPLATE}
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise UsageError(f"{existing[0]} exists (use --force to overwrite)")
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(targets)
