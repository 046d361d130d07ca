"""Chromium's sandbox is disabled only where it cannot work (as root, or with neither
unprivileged user namespaces nor a setuid helper), and ``doctor`` and the run's settings say
which and why. This machine runs as root, so the scan here runs with it off, for that reason."""

from __future__ import annotations

import os

import pytest
from faults.harness import explain, result, run, scan, serving
from faults.server import html, page

from auditor.browser import Sandbox, sandbox_decision, sandbox_mode


def test_sandbox_decision_on_each_branch():
    assert sandbox_decision(1000, userns=True, suid_helper=False) == Sandbox(True, "unprivileged user namespaces available")
    assert sandbox_decision(1000, userns=False, suid_helper=True).on
    off = sandbox_decision(1000, userns=False, suid_helper=False)
    assert not off.on and "no unprivileged user namespaces" in off.reason
    root = sandbox_decision(0, userns=True, suid_helper=True)
    assert not root.on and "running as root" in root.reason
    forced = sandbox_decision(1000, userns=True, suid_helper=True, forced_off=True)
    assert not forced.on and "IDEA_AUDIT_NO_SANDBOX" in forced.reason
    assert sandbox_decision(1000, True, False).describe().startswith("on (")


def test_sandbox_mode_here(monkeypatch):
    monkeypatch.delenv("IDEA_AUDIT_NO_SANDBOX", raising=False)
    here = sandbox_mode()
    if os.geteuid() == 0:
        assert not here.on and "running as root" in here.reason
    monkeypatch.setenv("IDEA_AUDIT_NO_SANDBOX", "1")
    assert not sandbox_mode().on


@pytest.mark.browser
def test_doctor_and_the_run_say_how_the_sandbox_ran(tmp_path):
    doctor = run("doctor", timeout=60)
    assert doctor.returncode == 0, explain(doctor)
    line = next(ln for ln in doctor.stdout.splitlines() if ln.strip().startswith("sandbox:"))
    want = sandbox_mode().describe()
    assert line.strip() == f"sandbox: {want}", line
    with serving({"/": html(page("Sandbox home page"))}) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "1", "--no-sitemap", "--checks", "discoverability")
    assert proc.returncode in (0, 1), explain(proc)
    r = result(tmp_path)
    assert r["run"]["settings"]["sandbox"] == want
    assert r["summary"]["pages_audited"] == 1
