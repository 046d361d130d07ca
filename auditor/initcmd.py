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
# incremental = true     # re-audit only pages changed since the last complete run in the store
# memo = false           # measure repeated blocks (header, footer) on every page, not once per run
# checks = ["accessibility"]   # only these checks or families
# skip = ["axe-region"]        # checks or families to leave out
formats = ["json", "html", "sarif", "md", "junit"]
out = "reports"          # paths here are read from this file's folder
# sarif_source_map = ["https://www.example.gov/=site/pages/"]   # SARIF results on the files pages come from

[gates]
fail_on = "high"         # fail on any finding at or above: info, low, medium, high, critical
# min_score = 80         # overall score 0-100
# max_findings = 0
# [gates.min_scores]
# "idea-3a1" = 90        # a requirement's score (see `idea-audit checks --format json`)

# [baseline]
# file = "idea-audit-baseline.json"   # from `idea-audit baseline RUN`; only NEW findings fail gates
#                                     # (missing on the first run: every finding is new)
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

ACTION = "idea-auditor/idea-auditor/.github/actions/idea-audit@main"
"""The composite action the workflow uses: it installs idea-auditor and Chromium (cached),
restores the run store, scans, uploads SARIF where code scanning can take it, and fails with
idea-audit's exit code, so a workflow written by ``init`` and one using the action directly
install and behave the same."""

WORKFLOW_TEMPLATE = """\
# Audit the site against the 21st Century IDEA Act and OMB M-23-22 on every push and PR.
# The idea-audit action installs idea-auditor and Chromium (pip and the browser are cached),
# keeps the run store in the Actions cache (history and "new since the last run" across runs),
# uploads SARIF to code scanning when it is available (a notice otherwise, e.g. on forks) and
# fails the job with idea-audit's exit code and its reason.
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
      # Start your site here if it is built in this job (e.g. `npm ci && npm start &`),
      # or point idea-audit.toml's urls at a deployed staging URL.
      - uses: {action}
        with:
          config: idea-audit.toml
          # sarif-source-map: "http://localhost:3000/=src/pages/"   # place results on source files
"""


def write_init(directory: Path, url: str, force: bool = False) -> list[Path]:
    targets = {directory / "idea-audit.toml": CONFIG_TEMPLATE.format(url=url),
               directory / ".github" / "workflows" / "idea-audit.yml": WORKFLOW_TEMPLATE.format(action=ACTION)}
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise UsageError(f"{existing[0]} exists (use --force to overwrite)")
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(targets)
