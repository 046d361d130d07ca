"""The HTML the checks read is what Playwright's ``page.content()`` returns (doctype and the
document element's markup, after scripts ran), taken in the collect round trip instead of
through Playwright's utility world. Real Chromium and a real local server."""

from __future__ import annotations

import asyncio

import pytest
from faults.harness import serving
from faults.server import html

from auditor.browser import find_browser
from auditor.gather import Gatherer
from auditor.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

PAGES = {
    # a legacy doctype with public and system ids, a comment outside <html>, script-made DOM,
    # an open shadow root (its content is not part of outerHTML), non-ASCII and entities
    "/legacy": ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<!-- before html -->'
                "<html lang='en'><head><meta charset='utf-8'><title>Agência &amp; Co</title></head><body>"
                "<main><h1>Héllo “quotes” &lt;tag&gt; 😀</h1><div id=host></div></main>"
                "<script>document.querySelector('h1').setAttribute('data-made', 'by script');"
                "document.getElementById('host').attachShadow({mode: 'open'}).innerHTML = '<p>in' + 'side-shadow</p>';"
                "</script></body></html>"),
    "/no-doctype": "<html><head><title>Quirks</title></head><body><p>No doctype</p></body></html>",
    "/plain": "<!doctype html><html lang='en'><head><title>Plain</title></head><body><main><p>x</p></main></body></html>",
}


def test_gathered_html_equals_page_content() -> None:
    async def go(base: str) -> list[tuple[str, str, str]]:
        out = []
        async with Gatherer(Settings(page_timeout=15, axe_timeout=30), find_browser(None).path or "") as g:
            ctx = await g.new_context()
            for path in PAGES:
                art = await g.visit(ctx, base + path.lstrip("/"))
                assert not art.error, art.error
                # the tab stays on the page after its visit: ask Playwright the old way
                content = await g._tabs[ctx].content()
                out.append((path, art.html, content))
            await g.close_context(ctx)
        return out

    with serving({p: html(body) for p, body in PAGES.items()}) as srv:
        got = asyncio.run(go(srv.base_url))
    for path, gathered, content in got:
        assert gathered == content, path
    legacy = got[0][1]
    assert legacy.startswith('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"')
    assert 'data-made="by script"' in legacy and "😀" in legacy and "inside-shadow" not in legacy
    assert got[1][1].startswith("<html>")


IDENTIFIER = """<!doctype html><html lang='en'><head><title>Identifier</title></head><body>
<header><nav><a href="/about/">About us</a></nav></header><main><p><a href="/foia/">FOIA in the text</a></p></main>
<footer class="usa-footer"><nav><a href="/contact/">Contact</a></nav></footer>
<div class="usa-identifier"><section class="usa-identifier__section usa-identifier__section--masthead"
 aria-label="Agency identifier"><a href="https://www.gsa.gov/">GSA</a></section>
<nav class="usa-identifier__section usa-identifier__section--required-links" aria-label="Important links">
<ul><li><a href="/accessibility/">Accessibility statement</a></li><li><a href="/foia/">FOIA requests</a></li></ul></nav>
<section class="usa-identifier__section usa-identifier__section--usagov" aria-label="U.S. government information">
<a href="https://www.usa.gov/">Visit USA.gov</a></section></div></body></html>"""


def test_links_of_the_uswds_identifier_after_the_footer_are_footer_links() -> None:
    async def go(base: str):
        async with Gatherer(Settings(page_timeout=15, axe_timeout=30), find_browser(None).path or "") as g:
            ctx = await g.new_context()
            art = await g.visit(ctx, base + "identifier")
            await g.close_context(ctx)
        return {lk.text: lk.region for lk in art.links}

    with serving({"/identifier": html(IDENTIFIER)}) as srv:
        regions = asyncio.run(go(srv.base_url))
    assert regions == {"About us": "header", "FOIA in the text": "main", "Contact": "footer", "GSA": "footer",
                       "Accessibility statement": "footer", "FOIA requests": "footer", "Visit USA.gov": "footer"}
