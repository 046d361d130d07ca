"""W3C ACT Rules conformance: idea-audit on every ACT test case, scored per rule next to
every published implementation report.

    python bench/act.py                      # = make act: the full suite (1,213 cases)
    python bench/act.py --rules 5f99a7,b4f0c3
    python bench/act.py --act-dir tests/data/act --no-docs   # the subset the tests run

The test cases (``content-assets/wcag-act-rules/`` of the W3C's ACT data, ``../shared/act-rules``
by default) are served on 127.0.0.1. Resources a test case loads from another host (a video
player's scripts, a font, a frame) are rewritten to ``/__offsite__/HOST/PATH`` and answered
with an empty body of the right type: on closed networks such loads hang. Links
(``<a href>``) are left as they are; the browser never loads them.

Every case is audited by real scans (``python -m auditor scan URL... --max-depth 0``, in
batches, every check) into one SQLite store, then scored per rule the way the issue tracker
defines it:

- a **failed** case is *found* when a fail or warn finding on its page carries one of the
  rule's WCAG criteria (``ruleAccessibilityRequirements``);
- a **passed** or **inapplicable** case is a *false alarm* when a fail finding on its page
  carries one.

Site checks (those that compare the pages of one site, such as unique titles) are not scored:
the cases of a batch are unrelated pages, not a site.

The implementation reports in ``_data/wcag-act-rules/implementations/`` are scored the same way
from their recorded outcomes (a case is found / a false alarm when any procedure reported
``failed`` for it). A rule is implemented *consistently* (the W3C's "complete") when every
failed case is found and no passed/inapplicable case raised a false alarm; *partially* when
some are found and none raised one; *inconsistently* when any raised one.

Writes ``bench/results/act.json`` (every case: expected, found, false alarm, the checks and
messages that decided it), ``bench/results/act-earl.json`` (an EARL implementation report in
JSON-LD, the format the W3C lists implementations from) and ``docs/act.md``. False alarms that
remain are listed one by one; ``bench/act_review.json`` holds the verdict of the person who
read each one (``genuine`` or ``disputed``, with why).
"""

from __future__ import annotations

import argparse
import collections
import json
import mimetypes
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_ACT = ROOT.parent / "shared" / "act-rules"
RESULTS = BENCH / "results"
REVIEW = BENCH / "act_review.json"
DOC = ROOT / "docs" / "act.md"

#: Tags whose attributes make the browser load something by itself.
LOADING_TAGS = ("script", "link", "img", "iframe", "frame", "source", "video", "audio", "track", "object",
                "embed", "image", "use", "input")
_TAG = re.compile(r"<(" + "|".join(LOADING_TAGS) + r")\b[^>]*>", re.I)
_ATTR = re.compile(r"""(\b(?:src|href|xlink:href|data|poster|srcset)\s*=\s*["']?)(https?:)?//([^/"'\s>]+)""", re.I)
_CSS_URL = re.compile(r"""(url\(\s*["']?|@import\s+["'])(https?:)?//([^/"'\s)]+)""", re.I)
#: Where the W3C publishes the test cases: they link their assets under this path, root-absolute
#: or with the host; both are served from the local copy.
PREFIX = "/WAI/content-assets/wcag-act-rules"
PUBLISHED = "https://www.w3.org" + PREFIX
#: What an off-site load gets: an empty body of a type the page expects.
STUB_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".gif": "image/gif",
              ".jpg": "image/jpeg", ".svg": "image/svg+xml", ".mp4": "video/mp4", ".vtt": "text/vtt"}
GIF_1PX = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
           b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def rewrite_offsite(text: str) -> str:
    """Point every load of another host at the local stub; links stay as they are."""
    def host_ok(host: str) -> bool:
        return host.split(":")[0] in ("127.0.0.1", "localhost") or host.startswith("[::1]")

    def attr(m: re.Match[str]) -> str:
        return m.group(0) if host_ok(m.group(3)) else f"{m.group(1)}/__offsite__/{m.group(3)}"

    def tag(m: re.Match[str]) -> str:
        return _ATTR.sub(attr, m.group(0))

    return _CSS_URL.sub(attr, _TAG.sub(tag, text.replace(PUBLISHED + "/", PREFIX + "/")))


class Handler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith(PREFIX + "/"):  # test assets are linked root-absolute, as on w3.org
            self.path = self.path[len(PREFIX):]
            path = path[len(PREFIX):]
        if path.startswith("/__offsite__/"):
            ext = Path(path).suffix.lower()
            ctype = STUB_TYPES.get(ext, "text/html" if not ext or ext in (".htm", ".html") else "text/plain")
            body = GIF_1PX if ctype.startswith("image/") and ext != ".svg" else b""
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        local = Path(self.translate_path(self.path))
        if local.is_file() and local.suffix.lower() in (".html", ".htm", ".svg", ".xml", ".xhtml", ".css"):
            body = rewrite_offsite(local.read_text("utf-8", errors="replace")).encode("utf-8")
            ctype = mimetypes.guess_type(local.name)[0] or "text/html"
            if ctype.startswith("text/"):
                ctype += "; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the browser stopped reading a video
            super().handle_error(request, client_address)


def serve(root: Path, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``root`` on 127.0.0.1 (a free port by default); returns the server and its origin."""
    httpd = Server(("127.0.0.1", port), partial(Handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@dataclass
class Case:
    id: str
    rule: str
    rule_name: str
    expected: str
    path: str
    title: str
    criteria: frozenset[str]
    approved: bool = False
    url: str = ""  # where it was served for this run
    # filled in by score():
    audited: bool = False
    error: str = ""
    found: list[dict[str, Any]] = field(default_factory=list)  # fail/warn findings carrying a criterion
    false_alarm: list[dict[str, Any]] = field(default_factory=list)  # fail findings, passed/inapplicable cases


def criteria_of(reqs: dict[str, Any] | None) -> frozenset[str]:
    """``wcag20:1.1.1`` -> ``1.1.1`` (WCAG 2.x success criteria only)."""
    return frozenset(k.split(":", 1)[1] for k in (reqs or {}) if re.match(r"wcag2\d:", k))


def load_cases(act_dir: Path, rules: set[str] | None = None) -> list[Case]:
    data = json.loads((act_dir / "content-assets" / "wcag-act-rules" / "testcases.json").read_text("utf-8"))
    cases = []
    for t in data["testcases"]:
        if rules and t["ruleId"] not in rules:
            continue
        cases.append(Case(id=t["testcaseId"], rule=t["ruleId"], rule_name=t["ruleName"], expected=t["expected"],
                          path=t["relativePath"], title=t.get("testcaseTitle", ""),
                          criteria=criteria_of(t.get("ruleAccessibilityRequirements")),
                          approved=bool(t.get("approved"))))
    return cases


def audit(cases: list[Case], origin: str, db: Path, *, batch: int, concurrency: int, browser: str | None,
          log: Path, extra: list[str] | None = None) -> list[str]:
    """Real scans of every case's page into one store; returns the run ids."""
    runs = []
    out = db.parent / "act-report"
    for i in range(0, len(cases), batch):
        part = cases[i:i + batch]
        for c in part:
            c.url = f"{origin}{PREFIX}/{c.path}"
        cmd = [sys.executable, "-m", "auditor", "scan", *[c.url for c in part], "--max-depth", "0",
               "--max-pages", str(len(part)), "--no-sitemap", "--ignore-robots", "--concurrency", str(concurrency),
               "--page-timeout", "20", "--format", "json", "--out", str(out), "--db", str(db), "-q", *(extra or [])]
        if browser:
            cmd += ["--browser-path", browser]
        t0 = time.monotonic()
        with log.open("a") as fh:
            proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, check=False)
        with sqlite3.connect(db) as con:
            run = con.execute("SELECT id FROM runs ORDER BY started DESC, rowid DESC LIMIT 1").fetchone()
        if proc.returncode not in (0, 1) or not run:
            raise SystemExit(f"act: scan of cases {i + 1}-{i + len(part)} exited {proc.returncode} (see {log})")
        runs.append(run[0])
        print(f"  cases {i + 1}-{i + len(part)} of {len(cases)}: {time.monotonic() - t0:.0f} s", flush=True)
    return runs


def site_checks() -> set[str]:
    """Checks that compare the pages of one site (unique titles, consistent navigation): the
    cases of a batch are unrelated pages, not a site, so these are not scored."""
    from auditor.checking import load_all

    return {cid for cid, s in load_all().items() if s.scope == "site"}


def score(cases: list[Case], db: Path, runs: list[str]) -> None:
    """Decide found / false alarm for every case from the stored findings."""
    by_url = {c.url: c for c in cases}
    across = site_checks()
    marks = ",".join("?" * len(runs))
    with sqlite3.connect(db) as con:
        for url, error in con.execute(f"SELECT url, error FROM pages WHERE run_id IN ({marks})", runs):
            if url in by_url:
                by_url[url].audited = not error
                by_url[url].error = error or ""
        rows = con.execute(f"SELECT page_url, status, data FROM findings WHERE run_id IN ({marks}) "
                           "AND status IN ('fail', 'warn')", runs).fetchall()
    for url, status, data in rows:
        c = by_url.get(url)
        if c is None:
            continue
        f = json.loads(data)
        if f["check_id"] in across:
            continue
        hit = sorted(c.criteria & set(f.get("wcag") or []))
        if not hit:
            continue
        entry = {"check": f["check_id"], "status": status, "wcag": hit, "message": f.get("message", "")[:300],
                 "selector": f.get("selector", "")[:200]}
        if c.expected == "failed":
            c.found.append(entry)
        elif status == "fail":
            c.false_alarm.append(entry)


@dataclass
class Tally:
    failed: int = 0
    found: int = 0
    clean: int = 0  # passed + inapplicable cases
    false_alarms: int = 0

    def add(self, expected: str, found: bool, alarm: bool) -> None:
        if expected == "failed":
            self.failed += 1
            self.found += found
        else:
            self.clean += 1
            self.false_alarms += alarm

    @property
    def consistency(self) -> str:
        if self.false_alarms:
            return "inconsistent"
        if self.failed and self.found == self.failed:
            return "complete"
        return "partial" if self.found else "none"


def tally(cases: list[Case], found: set[str], alarms: set[str]) -> tuple[Tally, dict[str, Tally]]:
    total, per_rule = Tally(), collections.defaultdict(Tally)
    for c in cases:
        for t in (total, per_rule[c.rule]):
            t.add(c.expected, c.path in found, c.path in alarms)
    return total, dict(per_rule)


def peers(act_dir: Path, cases: list[Case]) -> dict[str, dict[str, set[str]]]:
    """Every published implementation report: the cases it found and its false alarms."""
    ids = {(c.rule, c.id): c for c in cases}  # a test case id can stand in several rules
    out = {}
    for f in sorted((act_dir / "_data" / "wcag-act-rules" / "implementations").glob("*.json")):
        d = json.loads(f.read_text("utf-8"))
        found, alarms = set(), set()
        for m in d.get("actRuleMapping", []):
            for r in m.get("testCaseResults", []):
                c = ids.get((m.get("ruleId"), r.get("testcaseId")))
                outs = {o for p in r.get("procedureResults", []) for o in p.get("outcomes", [])}
                if c is None or "failed" not in outs:
                    continue
                (found if c.expected == "failed" else alarms).add(c.path)
        name = d.get("name") or f.stem
        if d.get("version"):
            name += f" {d['version']}"
        out[name] = {"found": found, "alarms": alarms}
    return out


def earl(cases: list[Case], db: Path, runs: list[str], version: str) -> dict[str, Any]:
    """An EARL implementation report (JSON-LD): one TestSubject per case, one assertion per check
    that shares a WCAG criterion with the case's rule (the procedures that speak to it), with the
    check's outcome on that page."""
    from auditor.checking import load_all

    specs = {cid: s for cid, s in load_all().items() if s.wcag}
    outcome_of = {"pass": "earl:passed", "fail": "earl:failed", "warn": "earl:cantTell", "manual": "earl:cantTell",
                  "not-applicable": "earl:inapplicable"}
    assertor = {"@id": "https://github.com/idea-auditor/idea-auditor", "@type": ["earl:Assertor", "earl:Software",
                "doap:Project"], "name": "idea-auditor", "release": {"revision": version}}
    by_url = {c.url: c for c in cases}
    subjects: dict[str, dict[str, Any]] = {}
    marks = ",".join("?" * len(runs))
    with sqlite3.connect(db) as con:
        rows = con.execute(f"SELECT page_url, check_id, status FROM outcomes WHERE run_id IN ({marks})", runs)
        for url, check_id, status in rows:
            c, spec = by_url.get(url), specs.get(check_id)
            if c is None or spec is None or status not in outcome_of or not c.criteria & set(spec.wcag):
                continue
            subj = subjects.setdefault(c.path, {
                "@type": ["earl:TestSubject", "sch:WebPage"],
                "source": f"https://www.w3.org/WAI/content-assets/wcag-act-rules/{c.path}",
                "redirectedTo": c.url, "assertions": []})
            subj["assertions"].append({
                "@type": "Assertion", "mode": "earl:automatic", "assertedBy": assertor["@id"],
                "test": {"@type": "TestCase", "title": check_id,
                         "isPartOf": [f"WCAG2:{sc}" for sc in spec.wcag]},
                "result": {"@type": "TestResult", "outcome": outcome_of[status]}})
    return {"@context": "https://www.w3.org/WAI/content-assets/wcag-act-rules/earl-context.json",
            "@graph": [assertor, *subjects.values()]}


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def load_review() -> dict[str, dict[str, str]]:
    return json.loads(REVIEW.read_text("utf-8")) if REVIEW.exists() else {}


def render(cases: list[Case], peer: dict[str, dict[str, set[str]]], command: str, when: str) -> str:
    ours_found = {c.path for c in cases if c.found}
    ours_alarms = {c.path for c in cases if c.false_alarm}
    total, per_rule = tally(cases, ours_found, ours_alarms)
    peer_tallies = {n: tally(cases, p["found"], p["alarms"]) for n, p in peer.items()}
    review = load_review()
    untested = [c for c in cases if not c.audited]
    lines = [
        "# idea-auditor on the W3C ACT Rules test cases",
        "",
        f"Generated by `{command}` ({when}); edit `bench/act.py`, not this file. How cases are served,",
        "audited and scored: the docstring of `bench/act.py`.",
        "",
        "A **failed** case is *found* when a fail or warn finding on its page carries one of the rule's WCAG",
        "criteria; a **passed/inapplicable** case is a *false alarm* when a fail finding carries one. The",
        "published implementation reports are scored the same way from their recorded outcomes (`failed`",
        "on a failed case: found; on a passed/inapplicable case: false alarm).",
        "",
        f"Cases: {len(cases)} ({total.failed} failed, {total.clean} passed or inapplicable) of "
        f"{len({c.rule for c in cases})} rules; audited {len(cases) - len(untested)}"
        + (f", not audited {len(untested)} (SVG/XML documents are not web pages to the crawler, or the page "
           "failed: listed at the end)" if untested else "") + ".",
        "",
        "## Overall",
        "",
        "| implementation | failed cases found | false alarms | rules consistent | partial | inconsistent |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name: str, t: Tally, rules: dict[str, Tally]) -> str:
        kinds = collections.Counter(r.consistency for r in rules.values())
        return (f"| {name} | {t.found} / {t.failed} ({pct(t.found, t.failed)}) | {t.false_alarms} / {t.clean} "
                f"({pct(t.false_alarms, t.clean)}) | {kinds['complete']} | {kinds['partial']} | "
                f"{kinds['inconsistent']} |")

    lines.append(row("**idea-auditor**", total, per_rule))
    for name, (t, rules) in sorted(peer_tallies.items(), key=lambda kv: (-kv[1][0].found, kv[0])):
        lines.append(row(name, t, rules))
    # per check
    by_check: dict[str, list[set[str]]] = collections.defaultdict(lambda: [set(), set()])
    for c in cases:
        for e in c.found:
            by_check[e["check"]][0].add(c.path)
        for e in c.false_alarm:
            by_check[e["check"]][1].add(c.path)
    lines += ["", "## By check", "",
              "Cases a check decided: failed cases its fail/warn findings found, passed/inapplicable cases its",
              "fail findings hit (a case can be found by several checks).", "",
              "| check | failed cases found | false alarms |", "| --- | ---: | ---: |"]
    for cid, (f, a) in sorted(by_check.items(), key=lambda kv: (-len(kv[1][1]), -len(kv[1][0]), kv[0])):
        lines.append(f"| `{cid}` | {len(f)} | {len(a)} |")
    # false alarms one by one
    alarms = [c for c in cases if c.false_alarm]
    genuine = sum(1 for c in alarms if review.get(c.path, {}).get("verdict") == "genuine")
    unread = sum(1 for c in alarms if c.path not in review)
    lines += ["", "## False alarms, one by one", "",
              f"{len(alarms)} passed/inapplicable cases carry a criterion-matched fail finding; read by a person: "
              f"{genuine} genuine false alarms, {len(alarms) - genuine - unread} disputed (the finding is right "
              f"about the page, the rule's expectation is narrower), {unread} not yet read.", ""]
    if alarms:
        lines += ["| rule | case | check | finding | verdict |", "| --- | --- | --- | --- | --- |"]
        for c in sorted(alarms, key=lambda c: (c.rule, c.title)):
            r = review.get(c.path, {})
            verdict = (f"**{r['verdict']}**: {r.get('why', '')}" if r else "not yet read")
            e = c.false_alarm[0]
            msg = e["message"].replace("|", "\\|").replace("\n", " ")[:160]
            lines.append(f"| {c.rule} {c.rule_name} | [{c.title}]({c.path}) `{c.id[:8]}` | `{e['check']}` "
                         f"({', '.join(e['wcag'])}) | {msg} | {verdict} |")
    # per rule
    names = sorted(peer_tallies)
    lines += ["", "## By rule", "",
              "Each cell: failed cases found / false alarms (✓ consistent: all found, no false alarm).", "",
              "| rule | failed | clean | **idea-auditor** | " + " | ".join(names) + " |",
              "| --- | ---: | ---: | --- | " + " | ".join("---" for _ in names) + " |"]
    rule_names = {c.rule: c.rule_name for c in cases}

    def cell(t: Tally | None) -> str:
        if t is None:
            return "-"
        return f"{t.found}/{t.false_alarms}" + (" ✓" if t.consistency == "complete" else "")

    for rule in sorted(per_rule, key=lambda r: rule_names[r].lower()):
        t = per_rule[rule]
        lines.append(f"| `{rule}` {rule_names[rule]} | {t.failed} | {t.clean} | **{cell(t)}** | "
                     + " | ".join(cell(peer_tallies[n][1].get(rule)) for n in names) + " |")
    consistent = sorted(rule_names[r] for r, t in per_rule.items() if t.consistency == "complete")
    lines += ["", f"## Rules idea-auditor implements consistently ({len(consistent)})", "",
              *[f"- {n}" for n in consistent]]
    if untested:
        lines += ["", "## Cases not audited", ""]
        for c in untested:
            lines.append(f"- `{c.rule}` {c.title} ({c.path}): {c.error or 'not a web page to the crawler'}")
    return "\n".join(lines) + "\n"


def result_json(cases: list[Case]) -> dict[str, Any]:
    ours_found = {c.path for c in cases if c.found}
    ours_alarms = {c.path for c in cases if c.false_alarm}
    total, per_rule = tally(cases, ours_found, ours_alarms)
    return {
        "total": vars(total),
        "rules": {r: {**vars(t), "consistency": t.consistency} for r, t in sorted(per_rule.items())},
        "cases": [{"id": c.id, "rule": c.rule, "expected": c.expected, "path": c.path, "audited": c.audited,
                   "error": c.error, "found": c.found, "false_alarm": c.false_alarm} for c in cases],
    }


def run(act_dir: Path, *, rules: set[str] | None = None, batch: int = 120, concurrency: int = 2,
        browser: str | None = None, workdir: Path | None = None, extra: list[str] | None = None) -> tuple[list[Case], Path, list[str]]:
    """Serve, audit and score; returns the cases (scored), the store and the run ids."""
    cases = load_cases(act_dir, rules)
    root = act_dir / "content-assets" / "wcag-act-rules"
    work = workdir or Path(tempfile.mkdtemp(prefix="ia-act-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "act.sqlite"
    httpd, origin = serve(root)
    try:
        runs = audit(cases, origin, db, batch=batch, concurrency=concurrency, browser=browser,
                     log=work / "scan.log", extra=extra)
    finally:
        httpd.shutdown()
    score(cases, db, runs)
    return cases, db, runs


_ASSET = re.compile(r"""(?:src|href|data|poster)\s*=\s*["']([^"'#?]+)""", re.I)
LICENCE_NOTE = """# W3C ACT Rules test cases (a subset)

One test case of each expected outcome of every ACT rule, with the test assets they load,
copied from the W3C's ACT Rules data (w3c/wcag-act-rules, as published under
https://www.w3.org/WAI/content-assets/wcag-act-rules/) by `python bench/act.py --make-subset`.
`tests/test_act.py` audits them.

Licence: the ACT Task Force test cases licence, https://act-rules.github.io/pages/license/
(W3C Software and Document Licence). Copyright (c) W3C (MIT, ERCIM, Keio, Beihang). The files
are unchanged; `testcases.json` keeps only the entries of the cases copied.
"""


def pick_subset(cases: list[Case]) -> list[Case]:
    """The first HTML case of each (rule, expected outcome): every rule, each outcome once."""
    seen, out = set(), []
    for c in cases:
        if c.path.endswith(".html") and (c.rule, c.expected) not in seen:
            seen.add((c.rule, c.expected))
            out.append(c)
    return out


def make_subset(act_dir: Path, dest: Path) -> int:
    """Copy the subset, the assets its pages (and the pages they frame) load, and the licence."""
    import shutil

    root = act_dir / "content-assets" / "wcag-act-rules"
    chosen = {c.path for c in pick_subset(load_cases(act_dir))}
    data = json.loads((root / "testcases.json").read_text("utf-8"))
    data["testcases"] = [t for t in data["testcases"] if t["relativePath"] in chosen]
    data["count"] = len(data["testcases"])
    out_root = dest / "content-assets" / "wcag-act-rules"
    if dest.exists():
        shutil.rmtree(dest)
    out_root.mkdir(parents=True)
    todo = [root / t["relativePath"] for t in data["testcases"]]
    done: set[Path] = set()
    while todo:
        f = todo.pop()
        if f in done or not f.is_file():
            continue
        done.add(f)
        if f.suffix.lower() in (".html", ".htm", ".svg", ".xml", ".css", ".js"):
            for ref in _ASSET.findall(f.read_text("utf-8", errors="replace")):
                ref = ref.replace(PUBLISHED, PREFIX)
                if ref.startswith(PREFIX + "/"):
                    todo.append(root / ref[len(PREFIX) + 1:])
                elif not re.match(r"[a-z]+:|//|/", ref, re.I):
                    todo.append((f.parent / ref).resolve())
    for f in sorted(done):
        target = out_root / f.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
    (out_root / "testcases.json").write_text(json.dumps(data, indent=1) + "\n", "utf-8")
    (dest / "README.md").write_text(LICENCE_NOTE, "utf-8")
    size = sum(f.stat().st_size for f in done)
    print(f"act: {data['count']} cases, {len(done)} files, {size / 1e6:.1f} MB -> {dest}")
    return 0


def rescore(act_dir: Path, db: Path, rules: set[str] | None = None) -> tuple[list[Case], Path, list[str]]:
    """The cases scored from a store an earlier run left (its pages say where cases were served)."""
    cases = load_cases(act_dir, rules)
    with sqlite3.connect(db) as con:
        runs = [r[0] for r in con.execute("SELECT id FROM runs ORDER BY started")]
        first = con.execute("SELECT url FROM pages LIMIT 1").fetchone()
    if not first:
        raise SystemExit(f"act: no audited pages in {db}")
    origin = first[0].split(PREFIX)[0]
    for c in cases:
        c.url = f"{origin}{PREFIX}/{c.path}"
    score(cases, db, runs)
    return cases, db, runs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--act-dir", type=Path, default=DEFAULT_ACT, help="the ACT data (testcases.json beneath)")
    ap.add_argument("--rules", default="", help="comma-separated rule ids (default: all)")
    ap.add_argument("--batch", type=int, default=120, help="cases per scan")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--browser-path", default=None)
    ap.add_argument("--workdir", type=Path, default=None, help="where the store and scan log go (default: a temp dir)")
    ap.add_argument("--no-docs", action="store_true", help="do not write docs/act.md and bench/results/")
    ap.add_argument("--show-misses", action="store_true",
                    help="list every failed case not found and every false alarm (rule, case, path, finding)")
    ap.add_argument("--from-store", type=Path, default=None, metavar="DIR",
                    help="score and write the reports from an earlier run's --workdir instead of auditing again")
    ap.add_argument("--make-subset", type=Path, default=None, metavar="DIR",
                    help="copy one case of each outcome of every rule (and its assets) to DIR, then stop")
    args = ap.parse_args(argv)
    if not (args.act_dir / "content-assets" / "wcag-act-rules" / "testcases.json").is_file():
        print(f"act: no ACT test cases under {args.act_dir} (expected content-assets/wcag-act-rules/testcases.json)",
              file=sys.stderr)
        return 2
    if args.make_subset:
        return make_subset(args.act_dir, args.make_subset)
    t0 = time.monotonic()
    rules = {r.strip() for r in args.rules.split(",") if r.strip()} or None
    if args.from_store:
        cases, db, runs = rescore(args.act_dir, args.from_store / "act.sqlite", rules)
    else:
        cases, db, runs = run(args.act_dir, rules=rules, batch=args.batch, concurrency=args.concurrency,
                              browser=args.browser_path, workdir=args.workdir)
    elapsed = time.monotonic() - t0
    found = {c.path for c in cases if c.found}
    alarms = {c.path for c in cases if c.false_alarm}
    total, per_rule = tally(cases, found, alarms)
    print(f"idea-auditor: found {total.found} of {total.failed} failed cases ({pct(total.found, total.failed)}), "
          f"false alarms on {total.false_alarms} of {total.clean} passed/inapplicable ({pct(total.false_alarms, total.clean)}); "
          f"{sum(t.consistency == 'complete' for t in per_rule.values())} rules consistent; {elapsed:.0f} s; store {db}")
    by_check = collections.Counter(e["check"] for c in cases for e in c.false_alarm[:1])
    if by_check:
        print("false alarms by check: " + ", ".join(f"{k} {v}" for k, v in by_check.most_common()))
    if args.show_misses:
        for c in cases:
            if c.expected == "failed" and not c.found:
                print(f"  missed  {c.rule} {c.title}: {c.path}" + (f" (not audited: {c.error})" if not c.audited else ""))
            elif c.false_alarm:
                e = c.false_alarm[0]
                print(f"  alarm   {c.rule} {c.title}: {c.path}: {e['check']} {e['selector']} {e['message'][:120]}")
    if args.no_docs:
        return 0
    from auditor import __version__

    peer = peers(args.act_dir, cases)
    RESULTS.mkdir(exist_ok=True)
    command = "python bench/act.py" + (f" --rules {args.rules}" if rules else "")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (RESULTS / "act.json").write_text(json.dumps({"command": command, "when": when, "seconds": round(elapsed),
                                                  **result_json(cases)}, indent=1) + "\n", "utf-8")
    (RESULTS / "act-earl.json").write_text(json.dumps(earl(cases, db, runs, __version__), separators=(",", ":"))
                                           + "\n", "utf-8")
    if not rules:
        DOC.write_text(render(cases, peer, command, when), "utf-8")
    print(f"wrote {RESULTS / 'act.json'}, {RESULTS / 'act-earl.json'}" + ("" if rules else f", {DOC}"))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
