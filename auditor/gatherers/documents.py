"""Linked documents: fetch the PDFs the crawl found (bounded count and size, only from
the audited site's own host) and extract the accessibility facts ``checks/documents.py``
judges: tagged, language, title and DisplayDocTitle, extractable text, bookmarks.

Office documents are listed (with their linking pages) for a person to review; their
accessibility cannot be judged from the bytes alone with a maintained library here.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any
from urllib.parse import urlsplit

from . import SiteGatherContext, site_gatherer

MAX_DOCUMENTS = 20
MAX_BYTES = 15 * 1024 * 1024
#: Pages scanned for text-showing operators before calling a PDF image-only.
TEXT_SCAN_PAGES = 5
OFFICE_EXTENSIONS = (".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".rtf")
TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})


def document_kind(url: str) -> str:
    path = urlsplit(url).path.lower()
    if path.endswith(".pdf"):
        return "pdf"
    if path.endswith(OFFICE_EXTENSIONS):
        return "office"
    return "other"


def pdf_facts(data: bytes) -> dict[str, Any]:
    """Accessibility facts of one PDF, from its bytes (pikepdf)."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return {"error": "encrypted: needs a password"}
    except pikepdf.PdfError as exc:
        return {"error": f"not a readable PDF: {str(exc)[:200]}"}
    with pdf:
        root = pdf.Root
        mark = root.get("/MarkInfo")
        marked = bool(mark is not None and bool(mark.get("/Marked", False)))
        struct = root.get("/StructTreeRoot")
        lang = str(root.get("/Lang", "")).strip()
        title = ""
        try:
            title = str(pdf.docinfo.get("/Title", "")).strip()
        except Exception:
            pass
        if not title:
            try:
                with pdf.open_metadata() as meta:
                    title = str(meta.get("dc:title", "") or "").strip()
            except Exception:
                pass
        prefs = root.get("/ViewerPreferences")
        display_title = bool(prefs is not None and bool(prefs.get("/DisplayDocTitle", False)))
        outlines = root.get("/Outlines")
        has_bookmarks = bool(outlines is not None and outlines.get("/First") is not None)
        pages = len(pdf.pages)
        has_text = False
        for page in list(pdf.pages)[:TEXT_SCAN_PAGES]:
            try:
                ops = pikepdf.parse_content_stream(page)
            except Exception:
                continue
            if any(str(op) in TEXT_OPERATORS for _, op in ops):
                has_text = True
                break
        return {"pages": pages, "marked": marked, "struct_tree": struct is not None, "lang": lang,
                "title": title[:300], "display_doc_title": display_title, "bookmarks": has_bookmarks,
                "has_text": has_text}


async def _fetch(client: Any, url: str) -> tuple[bytes | None, str]:
    """The document's bytes, or None and why not (bounded by MAX_BYTES)."""
    async with client.stream("GET", url) as resp:
        if resp.status_code >= 400:
            return None, f"HTTP {resp.status_code}"
        length = int(resp.headers.get("content-length") or 0)
        if length > MAX_BYTES:
            return None, f"larger than {MAX_BYTES // (1024 * 1024)} MB"
        buf = bytearray()
        async for chunk in resp.aiter_bytes():
            buf.extend(chunk)
            if len(buf) > MAX_BYTES:
                return None, f"larger than {MAX_BYTES // (1024 * 1024)} MB"
        return bytes(buf), ""


@site_gatherer("linked_documents", phase="after", timeout=120.0)
async def linked_documents(ctx: SiteGatherContext) -> dict[str, Any]:
    host = urlsplit(ctx.start_url).netloc.lower()
    docs: list[dict[str, Any]] = []
    fetched = 0
    for url, sources in sorted(ctx.documents.items()):
        kind = document_kind(url)
        entry: dict[str, Any] = {"url": url, "kind": kind, "linked_from": sorted(sources)[:20]}
        if urlsplit(url).netloc.lower() != host:
            entry["skipped"] = "off-site"
        elif kind == "pdf":
            if fetched >= MAX_DOCUMENTS:
                entry["skipped"] = f"more than {MAX_DOCUMENTS} documents"
            else:
                fetched += 1
                try:
                    data, why = await _fetch(ctx.client, url)
                except Exception as exc:
                    data, why = None, f"{type(exc).__name__}: {str(exc)[:200]}"
                if data is None:
                    entry["skipped"] = why
                else:
                    entry["bytes"] = len(data)
                    entry["facts"] = await asyncio.to_thread(pdf_facts, data)
        docs.append(entry)
    return {"documents": docs, "max_documents": MAX_DOCUMENTS, "max_bytes": MAX_BYTES}
