"""'Fix once' clusters (auditor/clusters.py) on saved HTML, without a browser: the same footer
on several pages is one cluster for a footer-link finding, whatever the navigation's current
item; anything uncertain (main content, an unresolved or ambiguous selector, another footer
template, an iframe path) is a singleton."""

from __future__ import annotations

from auditor import clusters
from auditor.model import Finding, Severity, Status, singleton_id

NAV = ["/", "/about/", "/services/"]


def page(current: str, *, footer_extra: str = "", main: str = "<p>Hello</p>", footer_id: str = "") -> str:
    """A USWDS-like page: banner, header with a nav whose current item varies, main, footer."""
    marks = ' usa-current" aria-current="page'
    items = "".join(
        f'<li class="usa-nav__primary-item"><a href="{u}" class="usa-nav-link{marks if u == current else ""}">'
        f'{u.strip("/") or "Home"}</a></li>' for u in NAV)
    fid = f' id="{footer_id}"' if footer_id else ""
    return f"""<!doctype html><html lang="en"><head><title>t</title></head><body>
<section class="usa-banner" aria-label="Official website of the United States government"><p>An official website</p></section>
<header class="usa-header"><nav class="usa-nav" aria-label="Primary"><ul>{items}</ul></nav></header>
<main id="main">{main}</main>
<footer class="usa-footer"{fid}><ul class="usa-footer__list">
<li><a href="/privacy/">Privacy</a></li><li><a href="/foia/">FOIA</a></li>{footer_extra}</ul></footer>
</body></html>"""


def finding(url: str, selector: str, snippet: str, check: str = "kbd-focus-visible") -> Finding:
    return Finding(check, Status.FAIL, Severity.HIGH, ["idea-3a1"], ["2.4.7"], url, "Link has no visible focus",
                   "https://help/", selector=selector, snippet=snippet)


PRIVACY = '<a href="/privacy/">Privacy</a>'


def assigned(html: str, url: str, *fs: Finding) -> list[Finding]:
    clusters.assign(list(fs), html, url)
    return list(fs)


def test_same_footer_on_three_pages_is_one_cluster_whatever_the_current_nav_item() -> None:
    out = []
    for i, current in enumerate(NAV):
        url = f"https://agency.gov{current}"
        # axe-core writes selectors differently from page to page; the element is the same
        sel = ["footer > ul > li:nth-child(1) > a", "li:nth-child(1) > a[href$=\"privacy/\"]",
               ".usa-footer__list > li:first-child > a"][i]
        out += assigned(page(current), url, finding(url, sel, PRIVACY))
    assert len({f.fingerprint for f in out}) == 3  # three occurrences (gates count them)...
    assert len({f.cluster_id for f in out}) == 1  # ...and one fix
    assert out[0].cluster_id.startswith("b")
    assert out[0].block == {"name": "footer", "landmark": "contentinfo", "selector": "footer.usa-footer"}
    assert clusters.fix_phrase(out[0].block) == "fix once in the footer (footer.usa-footer)"


def test_nav_link_is_one_cluster_though_aria_current_and_usa_current_move() -> None:
    # the finding is on the "about" link; the current item differs on each page
    out = []
    for current in NAV:
        url = f"https://agency.gov{current}"
        snip = ('<a href="/about/" class="usa-nav-link usa-current" aria-current="page">about</a>'
                if current == "/about/" else '<a href="/about/" class="usa-nav-link">about</a>')
        out += assigned(page(current), url, finding(url, "nav > ul > li:nth-child(2) > a", snip))
    assert len({f.cluster_id for f in out}) == 1
    assert out[0].block["landmark"] == "navigation"
    assert out[0].block["selector"] == "nav.usa-nav"


def test_a_finding_in_main_content_is_a_singleton() -> None:
    out = []
    for current in NAV:
        url = f"https://agency.gov{current}"
        out += assigned(page(current, main='<p><a href="/x">Read more</a></p>'), url,
                        finding(url, "main > p > a", '<a href="/x">Read more</a>'))
    assert all(f.block is None for f in out)
    assert [f.cluster_id for f in out] == [singleton_id(f.fingerprint) for f in out]
    assert len({f.cluster_id for f in out}) == 3


def test_uncertain_locations_are_singletons() -> None:
    url = "https://agency.gov/"
    html = page("/")
    cases = [
        finding(url, "footer > div.nothing-here > a", PRIVACY),  # resolves to nothing
        finding(url, "footer a", ""),  # two elements, no snippet to tell them apart
        finding(url, "footer > ul > li:nth-child(1) > a", '<a href="/foia/">FOIA</a>'),  # not the snippet's element
        finding(url, "footer > ul > li:nth-child(1) > a", "<button>Privacy</button>"),  # another tag
        finding(url, "iframe | a", PRIVACY),  # inside an iframe: not this document
        finding(url, "#host >>> a", PRIVACY),  # inside a shadow root
        finding(url, "a:::bad(", PRIVACY),  # not CSS
        finding(url, "footer > ul > li:nth-child(1) > a", PRIVACY, check="axe-heading-order"),  # depends on the page
    ]
    for f in assigned(html, url, *cases):
        assert f.block is None, f.selector
        assert f.cluster_id == singleton_id(f.fingerprint)


def test_several_matches_are_settled_by_the_snippet() -> None:
    url = "https://agency.gov/"
    f, = assigned(page("/"), url, finding(url, "footer a", '<a href="/foia/">FOIA</a>'))
    assert f.block is not None and f.block["name"] == "footer"


def test_a_slightly_different_footer_template_is_another_cluster() -> None:
    a, = assigned(page("/"), "https://agency.gov/", finding("https://agency.gov/", "footer li:nth-child(1) > a", PRIVACY))
    b, = assigned(page("/about/"), "https://agency.gov/about/",
                  finding("https://agency.gov/about/", "footer li:nth-child(1) > a", PRIVACY))
    c, = assigned(page("/services/", footer_extra='<li><a href="/contact/">Contact</a></li>'),
                  "https://agency.gov/services/",
                  finding("https://agency.gov/services/", "footer li:nth-child(1) > a", PRIVACY))
    assert a.cluster_id == b.cluster_id
    assert c.block is not None and c.cluster_id != a.cluster_id


def test_relative_links_compare_by_where_they_go() -> None:
    # "../privacy/" written on /a/b/ and "/a/privacy/" written on /x/ go to the same place
    def foot(href: str) -> str:
        return f'<html><body><footer><a href="{href}">Privacy</a></footer></body></html>'

    one, = assigned(foot("../privacy/"), "https://agency.gov/a/b/",
                    finding("https://agency.gov/a/b/", "footer > a", '<a href="../privacy/">Privacy</a>'))
    two, = assigned(foot("/a/privacy/"), "https://agency.gov/x/",
                    finding("https://agency.gov/x/", "footer > a", '<a href="/a/privacy/">Privacy</a>'))
    three, = assigned(foot("../privacy/"), "https://agency.gov/x/",
                      finding("https://agency.gov/x/", "footer > a", '<a href="../privacy/">Privacy</a>'))
    assert one.block and two.block and three.block
    # the same destination, but the snippets differ: the element's identity is part of the id
    assert one.cluster_id != two.cluster_id
    # same markup, another destination (/privacy/ from /x/): another template
    assert one.cluster_id != three.cluster_id


def test_header_inside_an_article_is_not_the_banner() -> None:
    html = ('<html><body><main><article><header><a href="/tag">Tag</a></header></article></main>'
            '<header class="site"><a href="/">Home</a></header></body></html>')
    url = "https://agency.gov/"
    inner, outer = assigned(html, url, finding(url, "article a", '<a href="/tag">Tag</a>'),
                            finding(url, "header.site > a", '<a href="/">Home</a>'))
    assert inner.block is None
    assert outer.block == {"name": "header", "landmark": "banner", "selector": "header.site"}


def test_nearest_block_wins_and_roles_count() -> None:
    html = ('<html><body><div role="banner" id="top"><div role="search"><input name="q" type="search"></div>'
            '</div><div class="usa-identifier"><a href="/about/">About</a></div></body></html>')
    url = "https://agency.gov/"
    search, ident = assigned(html, url, finding(url, "input", '<input name="q" type="search">'),
                             finding(url, ".usa-identifier > a", '<a href="/about/">About</a>'))
    assert search.block == {"name": "search", "landmark": "search", "selector": 'div[role="search"]'}
    assert ident.block == {"name": "identifier", "landmark": "", "selector": "div.usa-identifier"}


def test_the_block_itself_and_the_banner() -> None:
    url = "https://agency.gov/"
    f, = assigned(page("/"), url, finding(url, "section", "", check="brand-banner"))
    assert f.block == {"name": "official banner", "landmark": "", "selector": "section.usa-banner"}


def test_old_rows_without_clusters_get_singletons() -> None:
    f = finding("https://agency.gov/", "footer a", PRIVACY)
    old = f.to_dict()
    del old["cluster_id"], old["block"]
    back = Finding.from_dict(old)
    assert back.cluster_id == singleton_id(f.fingerprint) and back.block is None
    assert clusters.cluster_of(old) == back.cluster_id


def test_summarize_orders_by_severity_then_pages() -> None:
    fs = []
    for current in NAV:
        url = f"https://agency.gov{current}"
        fs += assigned(page(current), url, finding(url, "footer li:nth-child(1) > a", PRIVACY))
    lone = Finding("axe-image-alt", Status.FAIL, Severity.CRITICAL, ["idea-3a1"], [], "https://agency.gov/",
                   "Image has no alt", "", selector="main img", snippet="<img src=a.png>")
    low = Finding("axe-region", Status.WARN, Severity.LOW, ["idea-3a1"], [], "https://agency.gov/", "x", "")
    out = clusters.summarize([f.to_dict() for f in [*fs, lone, low]])
    assert [c["check_id"] for c in out] == ["axe-image-alt", "kbd-focus-visible", "axe-region"]
    footer = out[1]
    assert footer["pages"] == 3 and footer["occurrences"] == 3 and footer["block"]["name"] == "footer"
    assert footer["example_pages"] == ["https://agency.gov/", "https://agency.gov/about/", "https://agency.gov/services/"]
    assert out[0]["block"] is None and out[0]["pages"] == 1


MATCHER_SELECTORS = [
    "footer > ul > li:nth-child(1) > a", "li:nth-child(2n+1) > a", "li:nth-last-child(1)", "li:nth-of-type(2)",
    "ul li:first-child a", "li:last-child", "li:only-child", "a:first-of-type", "p:last-of-type", "p:only-of-type",
    "#main > p", "main p + p", "h1 ~ p", "a[href]", 'a[href="/privacy/"]', 'a[href^="/pr"]', 'a[href$="ivacy/"]',
    'a[href*="oi"]', 'a[class~="usa-current"]', 'html[lang|="en"]', 'a[aria-current!="page"]', "a:not(.usa-current)",
    ".usa-nav-link.usa-current", "section.usa-banner > p", "nav[aria-label='Primary'] a", "*:root", "li:empty",
    "header *", "body > *",
]


def test_matcher_agrees_with_lxml_cssselect() -> None:
    # differential test: the right-to-left matcher against cssselect's XPath translation
    from lxml.cssselect import CSSSelector

    from checks._html import parse

    doc = parse(page("/about/", main="<h1>T</h1><p>a</p><p>b <a href='/x'>x</a></p><ul><li></li></ul>"))
    elements = [el for el in doc.iter() if isinstance(el.tag, str)]
    for sel in MATCHER_SELECTORS:
        tree = clusters._parsed(sel)
        assert tree is not None, sel
        expected = set(CSSSelector(sel, translator="html")(doc))
        got = {el for el in elements if clusters._match(tree, el)}
        assert got == expected, sel
        assert expected, f"{sel} matches nothing: a weak case"


def test_selectors_the_matcher_does_not_know_are_singletons() -> None:
    for sel in ["a:hover", "a::before", "a, p", "li:has(a)", "a:is(.x)", "svg|a"]:
        assert clusters._parsed(sel) is None, sel


def test_a_twin_outside_the_block_makes_it_uncertain() -> None:
    # the same link in the header and the footer: a selector that matches both cannot say which
    html = ('<html><body><header><a href="/privacy/">Privacy</a></header><main><a href="/privacy/">Privacy</a>'
            '</main><footer><a href="/privacy/">Privacy</a></footer></body></html>')
    url = "https://agency.gov/"
    both, in_footer, in_main = assigned(html, url, finding(url, 'a[href="/privacy/"]', PRIVACY),
                                        finding(url, 'footer a[href="/privacy/"]', PRIVACY),
                                        finding(url, "main > a", PRIVACY))
    assert both.block is None
    assert in_footer.block is not None and in_footer.block["name"] == "footer"
    assert in_main.block is None
