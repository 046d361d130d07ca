"""Linked documents family: PDFs linked from the site must be accessible too
(Section 508 covers documents; WCAG applies to them as to pages).

Reads ``site.extra["linked_documents"]`` (``auditor/gatherers/documents.py``), the
facts pikepdf extracted from each fetched PDF. Findings name the document and are
filed on each page that links it (up to ``MAX_LINKING_PAGES``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditor.checking import CheckSpec, SiteContext, check
from auditor.model import Finding, Outcome, Severity, SiteArtifacts, Status

from ._probes import conclude

REQ = ["idea-3a1"]
MAX_LINKING_PAGES = 5
#: Documents at least this long need bookmarks to be navigable.
LONG_DOCUMENT_PAGES = 10


def _documents(site: SiteArtifacts, kind: str) -> tuple[list[dict[str, Any]], Outcome | None]:
    data = site.extra.get("linked_documents")
    if data is None:
        return [], Outcome(Status.NOT_APPLICABLE, detail="linked documents were not gathered")
    if data.get("error"):
        return [], Outcome(Status.ERROR, detail=f"fetching linked documents failed: {data['error']}")
    docs = [d for d in data.get("documents", []) if d.get("kind") == kind]
    if not docs:
        return [], Outcome(Status.NOT_APPLICABLE, detail=f"no linked {kind.upper()} documents")
    return docs, None


def _findings(spec: CheckSpec, doc: dict[str, Any], message: str, status: Status = Status.FAIL) -> list[Finding]:
    pages = doc.get("linked_from") or [doc["url"]]
    return [spec.finding(page, f"{doc['url']}: {message}", snippet=doc["url"], status=status)
            for page in pages[:MAX_LINKING_PAGES]]


def _pdf_check(spec: CheckSpec, site: SiteArtifacts, problem: Callable[[dict[str, Any]], str],
               status: Status = Status.FAIL) -> Outcome:
    docs, early = _documents(site, "pdf")
    if early:
        return early
    findings, judged = [], 0
    for doc in docs:
        facts = doc.get("facts")
        if not facts or facts.get("error"):
            continue
        judged += 1
        why = problem(facts)
        if why:
            findings.extend(_findings(spec, doc, why, status))
    if not judged:
        return Outcome(Status.NOT_APPLICABLE, detail="no linked PDF could be fetched and read")
    return conclude(findings, detail=f"{judged} PDF(s) checked")


@check(id="pdf-tagged", family="documents", title="Linked PDFs are tagged",
       failure_title="Linked PDFs are not tagged",
       description="An untagged PDF has no structure (headings, lists, reading order, alt text) for "
                   "assistive technology. Export with tags (\"Create tagged PDF\") or remediate. "
                   "See https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF9",
       help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF9", requirements=REQ, wcag=["1.3.1"],
       severity=Severity.HIGH, scope="site")
def pdf_tagged(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    def problem(f: dict[str, Any]) -> str:
        if not f["marked"] and not f["struct_tree"]:
            return "the PDF is not tagged (no /MarkInfo /Marked and no structure tree)."
        if not f["marked"]:
            return "the PDF has a structure tree but is not marked as tagged (/MarkInfo /Marked true)."
        if not f["struct_tree"]:
            return "the PDF claims to be tagged but has no structure tree."
        return ""
    return _pdf_check(pdf_tagged, site, problem)


@check(id="pdf-language", family="documents", title="Linked PDFs declare their language",
       failure_title="Linked PDFs do not declare their language",
       description="Without a document language (/Lang) screen readers may pronounce the text wrongly. "
                   "Set the language in the document properties. "
                   "See https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF16",
       help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF16", requirements=REQ, wcag=["3.1.1"],
       severity=Severity.MEDIUM, scope="site")
def pdf_language(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    return _pdf_check(pdf_language, site, lambda f: "" if f["lang"] else "no document language (/Lang) is set.")


@check(id="pdf-title", family="documents", title="Linked PDFs have a title that is shown",
       failure_title="Linked PDFs lack a title, or do not show it",
       description="A PDF needs a title in its metadata and /ViewerPreferences /DisplayDocTitle true, so "
                   "readers announce the title, not the file name. "
                   "See https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF18",
       help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF18", requirements=REQ, wcag=["2.4.2"],
       severity=Severity.MEDIUM, scope="site")
def pdf_title(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    def problem(f: dict[str, Any]) -> str:
        if not f["title"]:
            return "no document title is set."
        if not f["display_doc_title"]:
            return "the title is set but not shown (DisplayDocTitle is not true), so the file name is announced."
        return ""
    return _pdf_check(pdf_title, site, problem)


@check(id="pdf-text", family="documents", title="Linked PDFs contain real text",
       failure_title="Linked PDFs are scanned images without text",
       description="A PDF whose pages are only images (a scan) has no text for assistive technology or "
                   "search. Run OCR and tag the result, or publish the content as HTML. "
                   "See https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF7",
       help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF7", requirements=REQ, wcag=["1.4.5", "1.1.1"],
       severity=Severity.HIGH, scope="site")
def pdf_text(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    return _pdf_check(pdf_text, site,
                      lambda f: "" if f["has_text"] else "no extractable text on its first pages (a scanned image?).")


@check(id="pdf-bookmarks", family="documents", title="Long linked PDFs have bookmarks",
       failure_title="Long linked PDFs have no bookmarks",
       description=f"Documents of {LONG_DOCUMENT_PAGES} pages or more need bookmarks (an outline) so "
                   "readers can move between sections. Export headings as bookmarks. "
                   "See https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF2",
       help_url="https://www.w3.org/WAI/WCAG22/Techniques/pdf/PDF2", requirements=REQ, wcag=["2.4.5"],
       severity=Severity.LOW, scope="site")
def pdf_bookmarks(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    return _pdf_check(pdf_bookmarks, site,
                      lambda f: f"{f['pages']} pages and no bookmarks." if f["pages"] >= LONG_DOCUMENT_PAGES
                      and not f["bookmarks"] else "", status=Status.WARN)


@check(id="doc-office-review", family="documents", title="Linked Office documents are listed for review",
       failure_title="Linked Office documents need an accessibility review",
       description="Word, Excel and PowerPoint files linked from the site must meet Section 508 too: check "
                   "each with the Office accessibility checker, or publish the content as HTML. "
                   "See https://www.section508.gov/create/documents/",
       help_url="https://www.section508.gov/create/documents/", requirements=REQ, severity=Severity.LOW,
       scope="site")
def doc_office_review(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    docs, early = _documents(site, "office")
    if early:
        return early
    findings = []
    for doc in docs:
        findings.extend(_findings(doc_office_review, doc, "Office document: review it for accessibility.",
                                  Status.MANUAL))
    return conclude(findings)


@check(id="pdf-readable", family="documents", title="Linked PDFs can be fetched and opened",
       failure_title="Some linked PDFs could not be fetched or opened",
       description="Linked PDFs that are broken, encrypted or too large could not be checked; each needs "
                   "a manual accessibility review.",
       help_url="https://www.section508.gov/create/pdfs/", requirements=REQ, severity=Severity.LOW,
       scope="site")
def pdf_readable(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    docs, early = _documents(site, "pdf")
    if early:
        return early
    findings = []
    for doc in docs:
        why = doc.get("skipped") or (doc.get("facts") or {}).get("error")
        if why:
            findings.extend(_findings(pdf_readable, doc, f"not checked: {why}.", Status.MANUAL))
    return conclude(findings)
