#!/usr/bin/env bash
# The shell logic of the idea-audit composite action (action.yml), kept here so it can be run
# and tested outside GitHub (tests/test_action.py runs it against a real scan).
#
#   action.sh keys     cache keys for pip, the browser and the run store  -> $GITHUB_OUTPUT
#   action.sh install  install idea-auditor (from the action's own checkout) and Chromium
#   action.sh scan     run idea-audit; record exit-code, reason, sarif     -> $GITHUB_OUTPUT
#   action.sh sarif    decide whether to upload SARIF (file exists, code scanning available)
#   action.sh finish   fail the job with idea-audit's exit code and its one-line reason
#
# Inputs arrive as IA_* environment variables (set by action.yml from the action's inputs).
set -uo pipefail

out() { echo "$1=$2" >> "${GITHUB_OUTPUT:-/dev/null}"; }
notice() { echo "::notice title=idea-audit::$1"; }
repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd; }

cmd_keys() {
  local root hash
  root="$(repo_root)"
  # the package's metadata decides what pip installs: its hash keys the pip and browser caches
  hash="$(sha256sum "$root/pyproject.toml" "$root/auditor/__init__.py" | sha256sum | cut -c1-16)"
  out pip-key "idea-audit-pip-${RUNNER_OS:-Linux}-$hash"
  out browser-key "idea-audit-browser-${RUNNER_OS:-Linux}-$hash"
  # the run store: one cache entry per run (caches are immutable), restored from the newest of
  # this branch, else of any branch: history and "new since last run" carry across CI runs
  local ref="${GITHUB_HEAD_REF:-${GITHUB_REF_NAME:-local}}"
  ref="${ref//\//-}"
  out store-key "idea-audit-store-$ref-${GITHUB_RUN_ID:-0}-${GITHUB_RUN_ATTEMPT:-1}"
  out store-restore "idea-audit-store-$ref-"
  out store-dir "$(dirname "${IA_DB:-.idea-audit/runs.sqlite}")"
}

cmd_install() {
  local root
  root="$(repo_root)"
  python -m pip install --quiet --disable-pip-version-check "$root" || return 1
  python -m playwright install --with-deps chromium \
    || { sudo apt-get update -q && sudo apt-get install -y -q chromium; } || return 1
  idea-audit doctor
}

cmd_scan() {
  local args=(scan --format "${IA_FORMATS:-json,html,sarif,md,junit}" --out "${IA_OUT:-idea-audit-reports}"
              --db "${IA_DB:-.idea-audit/runs.sqlite}")
  [ -n "${IA_MAX_PAGES:-}" ] && args+=(--max-pages "$IA_MAX_PAGES")
  [ -n "${IA_CONFIG:-}" ] && args+=(--config "$IA_CONFIG")
  [ -n "${IA_FAIL_ON:-}" ] && args+=(--fail-on "$IA_FAIL_ON")
  local s u m
  for s in ${IA_MIN_SCORE:-}; do args+=(--min-score "$s"); done
  [ -n "${IA_MAX_FINDINGS:-}" ] && args+=(--max-findings "$IA_MAX_FINDINGS")
  [ -n "${IA_BASELINE:-}" ] && args+=(--baseline "$IA_BASELINE")
  for m in ${IA_SARIF_SOURCE_MAP:-}; do args+=(--sarif-source-map "$m"); done
  for u in ${IA_URL:-}; do args+=("$u"); done
  local log code
  log="$(mktemp)"
  # stderr goes to the log as it comes (progress lines stay live) and to a file for the reason
  { idea-audit "${args[@]}" 2>&1 1>&3 | tee "$log" >&2; } 3>&1
  code=$?  # pipefail: idea-audit's status (tee exits 0)
  local reason
  reason="$(grep -m1 '^idea-audit: error: ' "$log" | sed 's/^idea-audit: error: //')"
  if [ -z "$reason" ] && [ "$code" = 1 ]; then
    reason="gates failed (the lines above name each gate and the findings that failed it)"
  fi
  rm -f "$log"
  out exit-code "$code"
  out reason "${reason//$'\n'/ }"
  local sarif="${IA_OUT:-idea-audit-reports}/idea-audit.sarif"
  if [ -s "$sarif" ]; then out sarif "$sarif"; else out sarif ""; fi
  return 0
}

cmd_sarif() {
  # upload only a SARIF file that exists, where code scanning can take it
  local sarif="${IA_SARIF:-}"
  if [ "${IA_UPLOAD:-true}" != "true" ]; then out upload false; return 0; fi
  if [ -z "$sarif" ] || [ ! -s "$sarif" ]; then
    notice "no SARIF file was written (idea-audit exited ${IA_EXIT_CODE:-?}); nothing uploaded to code scanning"
    out upload false; return 0
  fi
  if [ -n "${IA_HEAD_REPO:-}" ] && [ "${IA_HEAD_REPO}" != "${GITHUB_REPOSITORY:-}" ]; then
    notice "pull request from a fork ($IA_HEAD_REPO): its token cannot upload to code scanning; SARIF kept in the reports artifact"
    out upload false; return 0
  fi
  local api="${GITHUB_API_URL:-https://api.github.com}" status
  status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 \
    -H "Authorization: Bearer ${IA_TOKEN:-}" -H "Accept: application/vnd.github+json" \
    "$api/repos/${GITHUB_REPOSITORY:-}/code-scanning/analyses?per_page=1")"
  case "$status" in
    200|404)  # 404 is "no analysis found": code scanning is on, this is the first upload
      out upload true ;;
    *)
      notice "code scanning is not available to this job (GitHub answered $status: not enabled for this repository, or the job lacks 'security-events: write'); SARIF kept in the reports artifact"
      out upload false ;;
  esac
  return 0
}

cmd_finish() {
  local code="${IA_EXIT_CODE:-}"
  if [ -z "$code" ]; then
    echo "::error title=idea-audit::the scan step did not run (see the install step)"
    return 2
  fi
  if [ "$code" != 0 ]; then
    local what
    case "$code" in
      1) what="a gate failed" ;; 2) what="usage or configuration error" ;; 3) what="could not audit" ;;
      130) what="interrupted" ;; 143) what="terminated" ;; *) what="failed" ;;
    esac
    echo "::error title=idea-audit exited $code ($what)::${IA_REASON:-$what}"
  fi
  return "$code"
}

case "${1:-}" in
  keys) cmd_keys ;;
  install) cmd_install ;;
  scan) cmd_scan ;;
  sarif) cmd_sarif ;;
  finish) cmd_finish ;;
  *) echo "usage: action.sh keys|install|scan|sarif|finish" >&2; exit 2 ;;
esac
