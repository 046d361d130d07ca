"""Fleet audits: several local sites, locally and on a real Dask LocalCluster."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT, run_cli

from auditor.errors import UsageError
from auditor.fleet import read_sites

pytestmark = pytest.mark.browser


class HangingServer:
    """Accepts connections and never answers: the site that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                c, _ = self.sock.accept()
                self.conns.append(c)
            except OSError:
                return

    def close(self) -> None:
        self._stop = True
        self.sock.close()
        for c in self.conns:
            c.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fleet_sites(serve_site, tmp_path):
    hang = HangingServer()
    good1, good2, legacy1, legacy2 = (serve_site("good"), serve_site("good"), serve_site("legacy"),
                                      serve_site("legacy"))
    dead = f"http://127.0.0.1:{_free_port()}/"
    hung = f"http://127.0.0.1:{hang.port}/"
    path = tmp_path / "sites.csv"
    rows = [("url", "agency", "bureau", "name", "max_pages"),
            (good1, "GSA", "TTS", "Good one", "4"), (legacy1, "DOI", "", "Legacy one", ""),
            (dead, "DOE", "", "Unreachable", ""), (good2, "GSA", "FAS", "Good two", "4"),
            (hung, "NASA", "", "Hangs", ""), (legacy2, "DOI", "NPS", "Legacy two", "")]
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    yield path, {"good1": good1, "good2": good2, "legacy1": legacy1, "legacy2": legacy2, "dead": dead,
                 "hung": hung}
    hang.close()


def _fleet(tmp_path, sites_file, tag, *extra, expect=0):
    out = tmp_path / f"out-{tag}"
    proc = run_cli("fleet", str(sites_file), "--db", str(tmp_path / f"{tag}.sqlite"), "--out", str(out),
                   "--page-timeout", "5", "--max-pages", "6", *extra, check_exit=expect)
    return json.loads((out / "fleet-summary.json").read_text()), out, proc


def _comparable(summary):
    keep = {}
    for s in summary["sites"]:
        keep[s["url"]] = {k: v for k, v in s.items() if k not in ("run_id",)}
    return keep


def test_fleet_local_and_dask_agree(fleet_sites, tmp_path):
    from distributed import LocalCluster

    sites_file, urls = fleet_sites
    local, out, _ = _fleet(tmp_path, sites_file, "local", "--workers", "2")
    assert local["fleet"] == {**local["fleet"], "sites": 6, "complete": 4, "failed": 2, "pending": 0}
    by_url = {s["url"]: s for s in local["sites"]}
    assert by_url[urls["dead"]]["status"] == "failed"
    assert "connection refused" in by_url[urls["dead"]]["error"]
    hung = by_url[urls["hung"]]
    assert hung["status"] == "failed" and "no complete answer within" in hung["error"], hung  # bounded preflight
    assert by_url[urls["good1"]]["pages_audited"] == 4  # the file's max_pages for that site
    assert 3 <= by_url[urls["legacy1"]]["pages_audited"] <= 6 and by_url[urls["legacy1"]]["overall"] < 100
    assert by_url[urls["legacy2"]]["bureau"] == "NPS"
    rows = list(csv.DictReader((out / "fleet-summary.csv").open()))
    assert [r["url"] for r in rows] == [s["url"] for s in local["sites"]]
    assert {"overall", "idea-3a1", "agency", "status", "error", "https", "dap", "uswds", "uswds_version", "banner",
            "search", "required_links"} <= set(rows[0])
    good_row = next(r for r in rows if r["url"] == urls["good1"])
    legacy_row = next(r for r in rows if r["url"] == urls["legacy1"])
    assert (good_row["dap"], good_row["banner"], good_row["search"], good_row["https"]) == ("yes", "yes", "yes", "no")
    assert legacy_row["banner"] == "no" and legacy_row["dap"] == "no"
    assert good_row["required_links"].endswith("/9") and legacy_row["required_links"] != good_row["required_links"]
    # the summary's required-link count is what the run's own findings say: a links-* check is
    # "present" unless it failed somewhere (a warning says where the link sits, not that it is missing)
    import sqlite3
    con = sqlite3.connect(tmp_path / "local.sqlite")
    for r in rows:
        if r["status"] != "complete":
            continue
        rid = by_url[r["url"]]["run_id"]
        checks = {c for (c,) in con.execute("SELECT DISTINCT check_id FROM outcomes WHERE run_id=? AND check_id "
                                            "LIKE 'links-%'", (rid,))}
        found = {c for (c,) in con.execute("SELECT DISTINCT check_id FROM outcomes WHERE run_id=? AND check_id "
                                           "LIKE 'links-%' AND status IN ('pass', 'warn')", (rid,))}
        failed = {c for (c,) in con.execute("SELECT DISTINCT check_id FROM findings WHERE run_id=? AND check_id "
                                            "LIKE 'links-%' AND status='fail'", (rid,))}
        assert r["required_links"] == f"{len(found - failed)}/{len(checks)}", (r["url"], checks, found, failed)
    con.close()
    compare_html = (out / "compare" / "compare.html").read_text()
    assert urls["good1"] in compare_html and urls["legacy2"] in compare_html and urls["dead"] not in compare_html
    assert all(r["status"] in ("complete", "failed") for r in rows)
    # every site's run is a normal run in the store: `report` works on it
    run_cli("report", by_url[urls["legacy2"]]["run_id"], "--db", str(tmp_path / "local.sqlite"),
            "--out", str(tmp_path / "rep"), check_exit=0)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster:
        dask, _, _ = _fleet(tmp_path, sites_file, "dask", "--scheduler", cluster.scheduler_address)
    assert _comparable(dask) == _comparable(local)


def test_fleet_resume_after_kill(fleet_sites, tmp_path):
    sites_file, _ = fleet_sites
    db = tmp_path / "resume.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "fleet", str(sites_file), "--db", str(db),
                             "--out", str(tmp_path / "o1"), "--workers", "1", "--page-timeout", "5",
                             "--max-pages", "6"],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        done = 0
        while time.monotonic() < deadline and done < 2:
            time.sleep(0.3)
            try:
                with sqlite3.connect(db) as c:
                    done = c.execute("SELECT COUNT(*) FROM fleet_sites WHERE status!='pending'").fetchone()[0]
            except sqlite3.Error:
                pass
        os.killpg(proc.pid, signal.SIGKILL)  # the fleet and its worker processes
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    with sqlite3.connect(db) as c:
        finished_before = dict(c.execute("SELECT url, run_id FROM fleet_sites WHERE status!='pending'").fetchall())
    assert 2 <= len(finished_before) < 6
    summary, _, proc2 = _fleet(tmp_path, sites_file, "resume", "--resume", "--workers", "2")
    assert f"{6 - len(finished_before)} of 6 sites to audit" in proc2.stderr
    assert summary["fleet"]["pending"] == 0 and summary["fleet"]["complete"] + summary["fleet"]["failed"] == 6
    with sqlite3.connect(db) as c:
        after = dict(c.execute("SELECT url, run_id FROM fleet_sites").fetchall())
        attempts = dict(c.execute("SELECT url, attempts FROM fleet_sites").fetchall())
    assert {u: after[u] for u in finished_before} == finished_before  # not audited again
    assert set(attempts.values()) == {1}


def test_sites_file_errors(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("http://127.0.0.1:1/\nftp://x/\n")
    with pytest.raises(UsageError, match="line 2: unsupported URL scheme"):
        read_sites(bad)
    plain = tmp_path / "plain.txt"
    plain.write_text("# agencies\nhttp://127.0.0.1:1/\n\nhttp://127.0.0.1:1/\nhttps://a.gov\n")
    assert [s.url for s in read_sites(plain)] == ["http://127.0.0.1:1/", "https://a.gov/"]
    proc = run_cli("fleet", str(tmp_path / "missing.csv"))
    assert proc.returncode == 2 and "cannot read sites file" in proc.stderr
