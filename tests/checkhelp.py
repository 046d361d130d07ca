"""Helpers for unit tests of checks: build artifacts directly, no browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor import checking
from auditor.checking import SiteContext
from auditor.model import Link, Outcome, PageArtifacts, SiteArtifacts, Status

ASSETS = Path(__file__).resolve().parent / "assets"
BASE = "https://www.example.gov/"


def spec(check_id: str) -> checking.CheckSpec:
    return checking.load_all()[check_id]


def page(html: str = "", url: str = BASE, **kw: Any) -> PageArtifacts:
    kw.setdefault("status_code", 200)
    kw.setdefault("final_url", url)
    return PageArtifacts(url=url, html=html, **kw)


def asset(family: str, name: str) -> str:
    return (ASSETS / family / name).read_text("utf-8")


def run_page(check_id: str, art: PageArtifacts) -> Outcome:
    s = spec(check_id)
    return checking._run_one(s, art)


def row(art: PageArtifacts, depth: int = 0) -> dict[str, Any]:
    """A stored page row as site checks see it (with the summaries)."""
    return {"url": art.url, "final_url": art.final_url, "status_code": art.status_code, "error": art.error or None,
            "depth": depth, "title": art.title, "summary": checking.summarize(art)}


def run_site(check_id: str, site: SiteArtifacts, pages: list[PageArtifacts] = (), rows=None) -> Outcome:
    ctx = SiteContext(pages=rows if rows is not None else [row(p, i) for i, p in enumerate(pages)])
    return checking._run_one(spec(check_id), site, ctx)


def links(*items: tuple[str, str, str]) -> list[Link]:
    return [Link(href=h, text=t, region=r) for h, t, r in items]


__all__ = ["Status", "SiteArtifacts"]
