"""A secret given to --header/--cookie/--auth reaches the site but no output, store or log.

The fixture server requires the header (401 without it) and, worst case, echoes its value
into the page: in the text, in an attribute of an element axe flags (so it would land in a
finding's snippet), and in a link. The test then greps every file under --out, the SQLite
store (raw bytes and decompressed page artifacts) and the CLI's output for it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from functools import partial
from http.server import ThreadingHTTPServer

import pytest
from conftest import run_cli
from serve import Handler

from auditor.redact import redact_text, redaction_values
from auditor.settings import Secrets

pytestmark = pytest.mark.browser

TOKEN = "s3cr3t-T0ken-7f2a9c"
COOKIE = "c00kie-V4lue-91bd"
PASSWORD = "p4ssw0rd-Basic-55e1"


class EchoingStagingHandler(Handler):
    def do_GET(self) -> None:
        token = self.headers.get("X-Staging-Token", "")
        if token != TOKEN:
            body, status = b"<h1>401</h1>", 401
        else:
            cookie = self.headers.get("Cookie", "")
            auth = self.headers.get("Authorization", "")
            page = (f"<!doctype html><html lang='en'><head><title>Staging page for the secrets test</title></head>"
                    f"<body><main><h1>Debug</h1><p>Your token is {token}; cookies: {cookie}; auth: {auth}</p>"
                    f"<img src='/x.gif' data-token='{token}'>"
                    f"<a href='/other?t={token}'>other</a></main></body></html>")
            body, status = page.encode(), 200
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def staging(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(EchoingStagingHandler, directory=str(tmp_path)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/"
    server.shutdown()
    server.server_close()


def test_secrets_appear_in_no_output_store_or_log(staging, tmp_path):
    out, db = tmp_path / "out", tmp_path / "runs.sqlite"
    proc = run_cli("scan", staging, "--db", str(db), "--out", str(out), "--concurrency", "1", "--max-pages", "3",
                   "--header", "X-Staging-Token: $STAGING_TOKEN", "--cookie", f"session={COOKIE}",
                   "--auth", "ci:$STAGING_PASSWORD", "--format", "json,html,junit,sarif,md,csv", "--verbose",
                   env={"STAGING_TOKEN": TOKEN, "STAGING_PASSWORD": PASSWORD, "CI": "true",
                        "GITHUB_STEP_SUMMARY": str(tmp_path / "step-summary.md")})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads((out / "idea-audit.json").read_text())
    assert result["summary"]["pages_audited"] >= 1, "the header did not reach the site"
    secrets = [TOKEN, COOKIE, PASSWORD]
    import base64

    secrets.append(base64.b64encode(f"ci:{PASSWORD}".encode()).decode())
    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    for path in [*out.rglob("*"), tmp_path / "step-summary.md"]:
        if path.is_file():
            texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    texts["db raw"] = b"".join(p.read_bytes() for p in tmp_path.glob("runs.sqlite*")).decode("latin-1")
    con = sqlite3.connect(db)
    texts["db artifacts"] = "".join(zlib.decompress(b).decode() for (b,) in
                                    con.execute("SELECT artifacts FROM pages WHERE artifacts IS NOT NULL"))
    texts["db rows"] = json.dumps([list(r) for t in ("runs", "pages", "findings", "outcomes", "frontier", "skipped")
                                   for r in con.execute(f"SELECT * FROM {t}")], default=str)
    leaks = [(where, s) for where, text in texts.items() for s in secrets if s in text]
    assert not leaks, leaks
    # the page really echoed them: what was stored is the redaction marker
    assert "[redacted]" in texts["db artifacts"]
    assert result["run"]["settings"]["header_names"] == ["Authorization", "X-Staging-Token"]
    # GITHUB_STEP_SUMMARY set: the Markdown summary was appended there automatically
    assert (tmp_path / "step-summary.md").read_text().startswith("## idea-auditor: ")


def test_without_the_header_the_staging_site_is_not_audited(staging, tmp_path):
    proc = run_cli("scan", staging, "--db", str(tmp_path / "db"), "--out", str(tmp_path / "o"), "--max-pages", "1")
    assert proc.returncode == 3


def test_unset_env_var_is_a_usage_error_without_echoing_values(tmp_path):
    proc = run_cli("scan", "http://127.0.0.1:9/", "--db", str(tmp_path / "db"),
                   "--header", "X-Token: $NOT_SET_ANYWHERE_42")
    assert proc.returncode == 2 and "NOT_SET_ANYWHERE_42 is not set" in proc.stderr


def test_redaction_values_cover_basic_and_bearer_forms():
    import base64

    basic = "Basic " + base64.b64encode(b"ci:hunter22").decode()
    vals = redaction_values(Secrets(headers={"Authorization": basic, "X": "Bearer tok-12345"}))
    text = redact_text(f"{basic} hunter22 tok-12345 {basic.split()[1]}", vals)
    assert "hunter22" not in text and "tok-12345" not in text and basic.split()[1] not in text
