"""The composite action's shell logic (action.sh), run outside GitHub with a fake `idea-audit`
on PATH (the boundary: the real CLI is tested elsewhere; here what matters is what the action
does with its exit code, its reason line and the SARIF file) and a fake `curl` for GitHub's API."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

ACTION = ROOT / ".github" / "actions" / "idea-audit" / "action.sh"


def _fake(bin_dir: Path, name: str, body: str) -> None:
    p = bin_dir / name
    p.write_text("#!/usr/bin/env bash\n" + body)
    p.chmod(0o755)


@pytest.fixture
def sandbox(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # fake idea-audit: records its arguments, writes the SARIF file unless told not to, prints
    # the reason line idea-audit prints on errors, exits with FAKE_CODE
    _fake(bin_dir, "idea-audit", """
echo "$@" > "$FAKE_ARGS"
out=""; prev=""
for a in "$@"; do [ "$prev" = "--out" ] && out="$a"; prev="$a"; done
if [ -z "${FAKE_NO_SARIF:-}" ]; then mkdir -p "$out"; echo '{"version":"2.1.0","runs":[]}' > "$out/idea-audit.sarif"; fi
echo "gate FAILED: --fail-on high: 3 findings at or above high (allowed: 0)"
[ -n "${FAKE_REASON:-}" ] && echo "idea-audit: error: $FAKE_REASON" >&2
exit "${FAKE_CODE:-0}"
""")
    _fake(bin_dir, "curl", 'echo "$@" >> "$FAKE_CURL_LOG"; printf "%s" "${FAKE_HTTP:-200}"\n')

    def run(step, **env):
        output = tmp_path / "github_output"
        output.write_text("")
        full = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(output),
                "FAKE_ARGS": str(tmp_path / "args"), "FAKE_CURL_LOG": str(tmp_path / "curl.log"),
                "IA_OUT": str(tmp_path / "reports"), "GITHUB_REPOSITORY": "agency/site", "HOME": str(tmp_path),
                **env}
        proc = subprocess.run(["bash", str(ACTION), step], capture_output=True, text=True, timeout=60, env=full,
                              cwd=tmp_path)
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
        return proc, outputs

    run.tmp = tmp_path
    return run


def test_scan_records_exit_code_reason_and_sarif(sandbox):
    proc, out = sandbox("scan", IA_URL="http://127.0.0.1:9/", IA_FAIL_ON="high", IA_MIN_SCORE="80 idea-3a1=90",
                        IA_SARIF_SOURCE_MAP="http://127.0.0.1:9/=site/", FAKE_CODE="1")
    assert proc.returncode == 0  # the step itself succeeds: the verdict comes at the end
    assert out["exit-code"] == "1" and out["sarif"].endswith("reports/idea-audit.sarif")
    assert out["reason"].startswith("gates failed")
    assert "gate FAILED" in proc.stdout  # idea-audit's own lines stay in the log
    args = (sandbox.tmp / "args").read_text().split()
    assert args[:1] == ["scan"] and args[-1] == "http://127.0.0.1:9/"
    assert "--min-score 80 --min-score idea-3a1=90" in " ".join(args)
    assert "--sarif-source-map http://127.0.0.1:9/=site/" in " ".join(args)


def test_no_sarif_gives_a_notice_not_an_upload(sandbox):
    proc, out = sandbox("scan", IA_URL="http://127.0.0.1:9/", FAKE_CODE="3", FAKE_NO_SARIF="1",
                        FAKE_REASON="http://127.0.0.1:9/: could not connect")
    assert (out["exit-code"], out["sarif"], out["reason"]) == ("3", "", "http://127.0.0.1:9/: could not connect")
    proc, up = sandbox("sarif", IA_SARIF="", IA_EXIT_CODE="3")
    assert up["upload"] == "false" and "::notice" in proc.stdout and "exited 3" in proc.stdout
    assert not (sandbox.tmp / "curl.log").exists()  # nothing asked of GitHub either


def test_upload_only_where_code_scanning_can_take_it(sandbox):
    sarif = sandbox.tmp / "x.sarif"
    sarif.write_text("{}")
    _, up = sandbox("sarif", IA_SARIF=str(sarif), FAKE_HTTP="200")
    assert up["upload"] == "true"
    _, up = sandbox("sarif", IA_SARIF=str(sarif), FAKE_HTTP="404")  # enabled, no analysis yet
    assert up["upload"] == "true"
    proc, up = sandbox("sarif", IA_SARIF=str(sarif), FAKE_HTTP="403")
    assert up["upload"] == "false" and "code scanning is not available" in proc.stdout
    proc, up = sandbox("sarif", IA_SARIF=str(sarif), IA_HEAD_REPO="someone/fork")
    assert up["upload"] == "false" and "fork" in proc.stdout
    _, up = sandbox("sarif", IA_SARIF=str(sarif), IA_UPLOAD="false")
    assert up["upload"] == "false"


@pytest.mark.parametrize(("code", "words"), [("0", None), ("1", "a gate failed"), ("2", "usage or configuration error"),
                                             ("3", "could not audit"), ("143", "terminated")])
def test_finish_propagates_the_exit_code_with_its_reason(sandbox, code, words):
    proc, _ = sandbox("finish", IA_EXIT_CODE=code, IA_REASON="the one-line reason")
    assert proc.returncode == int(code)
    if words:
        assert f"::error title=idea-audit exited {code} ({words})::the one-line reason" in proc.stdout
    else:
        assert "::error" not in proc.stdout
    proc, _ = sandbox("finish")  # the scan step never ran (install failed)
    assert proc.returncode == 2 and "did not run" in proc.stdout


def test_cache_keys(sandbox):
    _, out = sandbox("keys", GITHUB_REF_NAME="feature/x", GITHUB_RUN_ID="77", IA_DB=".idea-audit/runs.sqlite")
    assert out["store-key"] == "idea-audit-store-feature-x-77-1" and out["store-restore"] == "idea-audit-store-feature-x-"
    assert out["store-dir"] == ".idea-audit" and out["pip-key"].startswith("idea-audit-pip-Linux-")
