"""Linked documents: PDFs generated here with pikepdf (tagged and untagged, with and
without language and title), their facts extracted by the gatherer's pure
``pdf_facts``, the checks' verdicts, and the site gatherer fetching them over real
HTTP (only from the audited host, bounded). The whole path through the crawler runs
on the barrier corpus in test_barrier_corpus.py."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

from auditor.checking import SiteContext
from auditor.gatherers import SiteGatherContext
from auditor.gatherers.documents import MAX_BYTES, document_kind, linked_documents, pdf_facts
from auditor.model import SiteArtifacts, Status
from auditor.settings import Settings
from checks.documents import (
    doc_office_review,
    pdf_bookmarks,
    pdf_language,
    pdf_readable,
    pdf_tagged,
    pdf_text,
    pdf_title,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from barriers import make_pdf


def facts(tmp_path: Path, **kw) -> dict:
    return pdf_facts(make_pdf(tmp_path / "d.pdf", **kw).read_bytes())


def test_accessible_pdf_facts(tmp_path):
    f = facts(tmp_path)
    assert f == {"pages": 1, "marked": True, "struct_tree": True, "lang": "en-US", "title": "Annual plan",
                 "display_doc_title": True, "bookmarks": False, "has_text": True}


def test_each_missing_property_is_seen(tmp_path):
    assert facts(tmp_path, tagged=False)["marked"] is False
    assert facts(tmp_path, tagged=False)["struct_tree"] is False
    assert facts(tmp_path, lang="")["lang"] == ""
    assert facts(tmp_path, title="", display_title=False)["title"] == ""
    assert facts(tmp_path, display_title=False)["display_doc_title"] is False
    assert facts(tmp_path, text=False)["has_text"] is False
    long = facts(tmp_path, pages=12, bookmarks=True)
    assert long["pages"] == 12 and long["bookmarks"] is True


def test_broken_bytes_are_an_error_not_a_crash():
    assert "error" in pdf_facts(b"%PDF-1.7 this is not a pdf")


def site_with(docs: list[dict]) -> SiteArtifacts:
    return SiteArtifacts(start_url="http://127.0.0.1/", extra={"linked_documents": {"documents": docs}})


def doc(name: str, f: dict, kind: str = "pdf") -> dict:
    return {"url": f"http://127.0.0.1/docs/{name}", "kind": kind, "linked_from": ["http://127.0.0.1/a.html",
                                                                                 "http://127.0.0.1/b.html"],
            "facts": f}


def test_checks_fail_on_the_linking_pages(tmp_path):
    ctx = SiteContext(pages=[])
    good = doc("good.pdf", facts(tmp_path))
    bad = doc("bad.pdf", facts(tmp_path, tagged=False, lang="", title="", display_title=False, text=False))
    site = site_with([good, bad])
    for spec in (pdf_tagged, pdf_language, pdf_title, pdf_text):
        out = spec.fn(site, ctx)
        assert out.status is Status.FAIL, spec.id
        assert [f.page_url for f in out.findings] == ["http://127.0.0.1/a.html", "http://127.0.0.1/b.html"]
        assert all("bad.pdf" in f.message for f in out.findings)
    assert pdf_bookmarks.fn(site, ctx).status is Status.PASS
    assert all(spec.fn(site_with([good]), ctx).status is Status.PASS
               for spec in (pdf_tagged, pdf_language, pdf_title, pdf_text))


def test_title_set_but_hidden_is_its_own_message(tmp_path):
    out = pdf_title.fn(site_with([doc("t.pdf", facts(tmp_path, display_title=False))]), SiteContext(pages=[]))
    assert out.status is Status.FAIL and "DisplayDocTitle" in out.findings[0].message


def test_long_pdf_without_bookmarks_warns(tmp_path):
    out = pdf_bookmarks.fn(site_with([doc("l.pdf", facts(tmp_path, pages=12))]), SiteContext(pages=[]))
    assert out.status is Status.WARN


def test_office_documents_are_listed_for_review():
    site = site_with([{"url": "http://127.0.0.1/f.docx", "kind": "office", "linked_from": ["http://127.0.0.1/a"]}])
    out = doc_office_review.fn(site, SiteContext(pages=[]))
    assert out.status is Status.MANUAL and out.findings[0].page_url == "http://127.0.0.1/a"
    assert pdf_tagged.fn(site, SiteContext(pages=[])).status is Status.NOT_APPLICABLE


def test_gatherer_fetches_same_host_pdfs_only(tmp_path):
    from serve import serve_in_thread  # the fixtures server, over real HTTP

    site_dir = Path(__file__).resolve().parent.parent / "fixtures" / "sites" / "barriers"
    make_pdf(site_dir / "docs" / "untagged.pdf", tagged=False)
    server, base = serve_in_thread("barriers")
    try:
        documents = {base + "docs/untagged.pdf": [base + "b-pdf-untagged.html"],
                     base + "docs/missing.pdf": [base + "x.html"],
                     "http://other.invalid/docs/x.pdf": [base + "y.html"],
                     base + "docs/plan.docx": [base + "z.html"]}

        async def run() -> dict:
            async with httpx.AsyncClient(timeout=10) as client:
                site = SiteArtifacts(start_url=base)
                ctx = SiteGatherContext(client, site, Settings(start_urls=[base]), base, documents=documents)
                return await linked_documents.fn(ctx)

        data = asyncio.run(run())
    finally:
        server.shutdown()
        server.server_close()
    by_url = {d["url"]: d for d in data["documents"]}
    assert by_url[base + "docs/untagged.pdf"]["facts"]["marked"] is False
    assert by_url[base + "docs/missing.pdf"]["skipped"] == "HTTP 404"
    assert by_url["http://other.invalid/docs/x.pdf"]["skipped"] == "off-site"  # never requested
    assert by_url[base + "docs/plan.docx"]["kind"] == "office" and "facts" not in by_url[base + "docs/plan.docx"]
    assert data["max_bytes"] == MAX_BYTES
    out = pdf_readable.fn(SiteArtifacts(start_url=base, extra={"linked_documents": data}), SiteContext(pages=[]))
    assert out.status is Status.MANUAL and out.findings[0].page_url == base + "x.html"


def test_document_kind():
    assert document_kind("http://h/a/B.PDF") == "pdf"
    assert document_kind("http://h/a/b.xlsx?x=1") == "office"
    assert document_kind("http://h/a/b.html") == "other"
