"""`idea-audit compare` on runs of two fixture sites: ranked table, heat map, best/worst, CSV."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from auditor import scoring
from auditor.compare import comparison, render_csv, render_html
from auditor.history import site_key


def _scan(cli, base, db, out):
    cli("scan", base, "--db", db, "--out", str(out), "--concurrency", "2", "--max-pages", "4", "-q", check_exit=0)
    return json.loads((out / "idea-audit.json").read_text())


def r_grade(v: float) -> str:
    return "A" if v >= 90 else "B" if v >= 75 else "C" if v >= 50 else "D"


def _cells(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows]


@pytest.mark.browser
def test_compare_two_sites(serve_site, cli, tmp_path):
    good, legacy = serve_site("good"), serve_site("legacy")
    db = str(tmp_path / "db.sqlite")
    rg = _scan(cli, good, db, tmp_path / "good")
    rl = _scan(cli, legacy, db, tmp_path / "legacy")
    out = tmp_path / "cmp"
    # one by "latest for SITE", one by JSON file
    proc = cli("compare", f"latest:{good}about/", str(tmp_path / "legacy" / "idea-audit.json"),
               "--db", db, "--out", str(out), check_exit=0)
    assert "compare.html" in proc.stdout

    expected = sorted([rg, rl], key=lambda r: -r["scores"]["overall"])
    assert expected[0]["scores"]["overall"] > expected[1]["scores"]["overall"]  # the fixtures differ

    rows = list(csv.DictReader((out / "compare.csv").open()))
    assert [r["run_id"] for r in rows] == [r["run"]["id"] for r in expected]
    assert [r["rank"] for r in rows] == ["1", "2"]
    for row, res in zip(rows, expected):
        assert row["site"] == site_key(res["run"]["seeds"][0])
        assert row["overall"] == scoring.fmt(res["scores"]["overall"])  # the one rounding of every report
        names = {q["id"]: q["short"] for q in res["requirements"]}
        for rid, score in res["scores"]["requirements"].items():
            assert row[f"{rid} {names[rid]}"] == scoring.fmt(score, "")
        assert row["status"] == "complete" and row["tied"] == "" and row["grade"] == r_grade(res["scores"]["overall"])

    html = (out / "compare.html").read_text()
    ranking = _cells(html, "ranking")
    assert [r[0] for r in ranking] == ["1", "2"]
    assert [r[1] for r in ranking] == [site_key(r["run"]["seeds"][0]) for r in expected]
    assert [r[6] for r in ranking] == [scoring.fmt(r['scores']['overall']) for r in expected]
    heat = _cells(html, "heatmap")
    overall_row, heat = heat[0], heat[1:]
    assert overall_row == ["Overall", *[f"{scoring.fmt(r['scores']['overall'])} {r_grade(r['scores']['overall'])}"
                                        for r in expected]]
    assert [r[0] for r in heat] == [f'{q["short"]} {q["id"]}' for q in rg["requirements"]]
    for row, q in zip(heat, rg["requirements"]):
        want = [res["scores"]["requirements"][q["id"]] for res in expected]
        assert row[1:] == [("–" if v is None else f"{scoring.fmt(v)} {r_grade(v)}") for v in want]
    # best and worst per requirement, and links to each run's scorecard
    comp = json.loads((out / "compare.json").read_text())
    acc = next(q for q in comp["requirements"] if q["id"] == "idea-3a1")
    assert acc["best"] == [site_key(expected[0]["run"]["seeds"][0])]
    assert acc["worst"] == [site_key(expected[1]["run"]["seeds"][0])]
    for res in expected:
        assert f'href="scorecards/{res["run"]["id"]}.html"' in html
        assert (out / "scorecards" / f"{res['run']['id']}.html").is_file()


def test_one_site_over_time_is_labelled_by_date():
    def result(run_id, started, overall):
        return {"run": {"id": run_id, "started": started, "seeds": ["https://Agency.gov:443/x"]},
                "summary": {"pages_audited": 1, "by_status": {}},
                "scores": {"overall": overall, "requirements": {"idea-3a1": overall}},
                "requirements": [{"id": "idea-3a1", "short": "Accessible"}]}

    comp = comparison([result("a", "2026-01-01T00:00:00+00:00", 60.0), result("b", "2026-02-01T00:00:00+00:00", 80.0)])
    assert [e["label"] for e in comp["entries"]] == ["https://agency.gov/ (2026-02-01)", "https://agency.gov/ (2026-01-01)"]
    assert comp["requirements"][0]["best_score"] == 80.0 and comp["requirements"][0]["worst_score"] == 60.0


def test_compare_bad_reference_is_one_line_exit_2(cli, tmp_path):
    proc = cli("compare", "no-such-run", "--db", str(tmp_path / "none.sqlite"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    proc = cli("compare", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_site_key_and_new_fixed_findings():
    from auditor.history import diff_findings

    assert site_key("HTTPS://Agency.GOV:443/about/?x=1") == "https://agency.gov/"
    assert site_key("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080/"
    assert site_key("http://example.gov:80") == "http://example.gov/"

    def f(fp, status="fail"):
        return {"fingerprint": fp, "status": status, "check_id": "c", "severity": "high", "page_url": "/",
                "message": fp, "selector": "", "requirements": []}

    d = diff_findings([f("a"), f("b"), f("p", "pass")], [f("b"), f("c"), f("q", "pass")])
    assert (d["new_count"], d["fixed_count"]) == (1, 1)
    assert [x["message"] for x in d["new"]] == ["c"] and [x["message"] for x in d["fixed"]] == ["a"]


def _result(run_id, started, overall, reqs=None, site="https://agency.gov/", pages=1):
    return {"run": {"id": run_id, "started": started, "seeds": [site], "error": None},
            "summary": {"pages_audited": pages, "by_status": {"fail": 3}},
            "scores": {"overall": overall, "requirements": reqs if reqs is not None else {"idea-3a1": overall}},
            "requirements": [{"id": "idea-3a1", "short": "Accessible"}]}


def test_two_same_day_runs_get_distinct_labels_with_the_time():
    comp = comparison([_result("a", "2026-01-01T09:15:00+00:00", 60.0),
                       _result("b", "2026-01-01T16:40:00+00:00", 80.0)])
    assert [e["label"] for e in comp["entries"]] == ["https://agency.gov/ (2026-01-01 16:40 UTC)",
                                                     "https://agency.gov/ (2026-01-01 09:15 UTC)"]
    same_minute = comparison([_result("a", "2026-01-01T09:15:01+00:00", 60.0),
                              _result("b", "2026-01-01T09:15:42+00:00", 80.0)])
    assert len({e["label"] for e in same_minute["entries"]}) == 2


def test_ties_share_a_rank_and_are_not_both_best_and_worst():
    comp = comparison([_result("a", "2026-01-01", 70.2, site="https://a.gov/"),
                       _result("b", "2026-01-02", 90.0, site="https://b.gov/"),
                       _result("c", "2026-01-03", 69.8, site="https://c.gov/"),
                       _result("d", "2026-01-04", 50.0, site="https://d.gov/")])
    ranks = [(e["site"], e["rank"], e["tied"]) for e in comp["entries"]]
    # 70.2 and 69.8 both read 70: tied at rank 2; the next rank is 4
    assert ranks == [("https://b.gov/", 1, False), ("https://a.gov/", 2, True), ("https://c.gov/", 2, True),
                     ("https://d.gov/", 4, False)]
    csv_rows = list(csv.DictReader(io.StringIO(render_csv(comp))))
    assert [(r["rank"], r["tied"]) for r in csv_rows] == [("1", ""), ("2", "yes"), ("2", "yes"), ("4", "")]
    q = comp["requirements"][0]
    assert q["best"] == ["https://b.gov/"] and q["worst"] == ["https://d.gov/"] and not q["all_tied"]
    # every site the same: all tied, nobody is both best and worst
    flat = comparison([_result("a", "2026-01-01", 80.0, site="https://a.gov/"),
                       _result("b", "2026-01-02", 80.4, site="https://b.gov/")])
    q = flat["requirements"][0]
    assert q["all_tied"] and q["worst"] == [] and sorted(q["best"]) == ["https://a.gov/", "https://b.gov/"]
    assert [e["rank"] for e in flat["entries"]] == [1, 1]
    html = render_html(flat)
    assert "All tied at 80" in html and "1 (tied)" in html


def test_unaudited_sites_are_listed_with_status_and_reason_never_as_zero():
    comp = comparison(
        [_result("a", "2026-01-01T10:00:00+00:00", 75.0, site="https://a.gov/"),
         _result("z", "2026-01-01T11:00:00+00:00", None, reqs={}, site="https://z.gov/", pages=0)],
        meta={"a": {"name": "Agency A", "agency": "GSA", "bureau": "TTS"}},
        unaudited=[{"url": "https://dead.gov/", "status": "unreachable", "reason": "cannot reach https://dead.gov/: "
                    "connection refused", "name": "Dead", "agency": "DOE", "bureau": ""}])
    by_site = {e["site"]: e for e in comp["entries"]}
    assert comp["entries"][0]["site"] == "https://a.gov/"
    assert (by_site["https://a.gov/"]["name"], by_site["https://a.gov/"]["agency"]) == ("Agency A", "GSA")
    assert by_site["https://z.gov/"]["status"] == "no pages audited" and by_site["https://z.gov/"]["rank"] is None
    dead = by_site["https://dead.gov/"]
    assert (dead["status"], dead["rank"], dead["overall"], dead["failures"]) == ("unreachable", None, None, None)
    rows = {r["site"]: r for r in csv.DictReader(io.StringIO(render_csv(comp)))}
    assert set(rows) == {"https://a.gov/", "https://z.gov/", "https://dead.gov/"}
    assert rows["https://dead.gov/"]["reason"].startswith("cannot reach") and rows["https://dead.gov/"]["name"] == "Dead"
    assert (rows["https://dead.gov/"]["overall"], rows["https://dead.gov/"]["failures"],
            rows["https://dead.gov/"]["pages_audited"]) == ("", "", "")
    assert rows["https://a.gov/"]["rank"] == "1" and rows["https://a.gov/"]["bureau"] == "TTS"
    html = render_html(comp)
    ranking = _cells(html, "ranking")
    dead_row = next(r for r in ranking if r[1] == "https://dead.gov/")
    assert dead_row[0] == "–" and "unreachable: cannot reach https://dead.gov/" in dead_row[8]
    assert "0 pages" not in html
    # the heat map holds only scored runs
    assert len(_cells(html, "heatmap")[0]) == 2
