"""Every page under docs/ is linked from the README (listed at run time, so pages added later
are checked too)."""

from __future__ import annotations

import re

from conftest import ROOT


def test_every_docs_page_is_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = {m.split("#", 1)[0].lstrip("./") for m in re.findall(r"\]\(([^)\s]+)\)", readme)}
    pages = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md"))
    assert pages
    missing = [p for p in pages if p not in targets]
    assert not missing, f"docs pages not linked from README.md: {missing}"


def test_readme_links_to_docs_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = {m.split("#", 1)[0].lstrip("./") for m in re.findall(r"\]\(([^)\s]+)\)", readme)}
    broken = [x for x in links if x.startswith("docs/") and not (ROOT / x).exists()]
    assert not broken, broken
