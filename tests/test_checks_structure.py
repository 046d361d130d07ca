"""The structure family on saved probe data (no browser): placeholder-only fields, radio and
checkbox groups without a group label, data tables without headers, non-descriptive link
text in a context that says nothing, images named by a file name, and text whose language
is not the declared one.

The look-alike/real page pairs are ``fixtures/sites/lookalikes/*-structure-*.html`` (run in
real Chromium by ``tests/test_lookalikes.py``); the probe data below has the shape
``auditor/probes/structure.js`` returns."""

from __future__ import annotations

import pytest
from checkhelp import Status, page, run_page

from checks.structure import (
    filename_name,
    generic_link_name,
    group_unlabelled,
    language_mismatch,
    link_has_context,
    placeholder_only,
    primary_subtag,
    table_verdict,
)

EN = ("The statue was a gift from the people of France to the people of the United States. It was designed by "
      "the French sculptor Bartholdi and its metal framework was built by Gustave Eiffel. It was dedicated in "
      "1886, and it has welcomed millions of immigrants arriving by sea ever since then.")
ES = ("La estatua fue un regalo del pueblo de Francia al pueblo de los Estados Unidos. Fue diseñada por el "
      "escultor francés Bartholdi y su estructura metálica fue construida por Gustave Eiffel. Se inauguró en "
      "1886 y desde entonces ha dado la bienvenida a millones de inmigrantes que llegaban por mar.")
FR = ("La statue de la Liberté éclairant le monde est un cadeau du peuple français au peuple américain, offert "
      "en signe d'amitié entre les deux nations. Elle se dresse sur une petite île à l'entrée du port de New "
      "York et accueille les voyageurs depuis plus d'un siècle.")


def art(**probe):
    base = {"fields": [], "groups": [], "tables": [], "links": [], "images": [], "lang": {"scopes": []}}
    base.update(probe)
    return page(probes={"structure": base})


def statuses(outcome):
    return [f.status for f in outcome.findings]


# --- form-placeholder-only ------------------------------------------------------------------

FIELD = {"type": "text", "placeholder": "Full name", "label": "", "aria_label": "", "labelledby": "", "title": "",
         "lone_with_button": False, "selector": "#n", "snippet": "<input id=n>"}


@pytest.mark.parametrize("extra, flagged", [
    ({}, True),
    ({"label": "Name"}, False),
    ({"aria_label": "Name"}, False),
    ({"labelledby": "Name"}, False),
    ({"title": "Name"}, False),
    ({"lone_with_button": True}, False),  # one search box and its Search button (G167)
    ({"placeholder": ""}, False),
])
def test_placeholder_only(extra, flagged):
    assert placeholder_only({**FIELD, **extra}) is flagged


def test_placeholder_only_warns():
    out = run_page("form-placeholder-only", art(fields=[FIELD, {**FIELD, "label": "Email"}]))
    assert out.status == Status.WARN and len(out.findings) == 1 and out.findings[0].selector == "#n"
    assert run_page("form-placeholder-only", art()).status == Status.NOT_APPLICABLE


# --- form-group-no-legend -------------------------------------------------------------------

GROUP = {"type": "radio", "name": "passport", "count": 2, "group_name": "", "all_grouped": False,
         "described": False, "in_table": False, "labels": ["Yes", "No"], "selector": "#y", "snippet": ""}


@pytest.mark.parametrize("extra, flagged", [
    ({}, True),
    ({"type": "checkbox"}, True),
    ({"all_grouped": True, "group_name": "Do you have a passport?"}, False),
    ({"described": True}, False),
    ({"in_table": True}, False),
    ({"count": 1}, False),
])
def test_group_unlabelled(extra, flagged):
    assert group_unlabelled({**GROUP, **extra}) is flagged


def test_group_warns_with_its_labels():
    out = run_page("form-group-no-legend", art(groups=[GROUP]))
    assert out.status == Status.WARN and '"Yes", "No"' in out.findings[0].message


# --- table-no-headers -----------------------------------------------------------------------

TABLE = {"role": "", "rows": 4, "text_rows": 4, "text_cols": 3, "text_cols_min": 3, "text_cells": 12,
         "long_cells": 0, "th": False, "scope": False, "headers_attr": False, "header_role": False, "caption": "",
         "summary": "", "nested": False, "blocky": False, "selector": "table", "snippet": "<table>"}


@pytest.mark.parametrize("extra, verdict", [
    ({}, Status.WARN),
    ({"caption": "Fees by form"}, Status.FAIL),
    ({"summary": "Fees"}, Status.FAIL),
    ({"th": True}, None),
    ({"scope": True}, None),
    ({"header_role": True}, None),
    ({"headers_attr": True}, None),
    ({"role": "presentation"}, None),
    ({"role": "none", "caption": "x"}, None),
    ({"nested": True}, None),           # layout: tables in tables
    ({"blocky": True}, None),           # layout: headings, lists or forms in cells
    ({"long_cells": 2}, None),          # layout: paragraphs in cells
    ({"text_cols": 2, "text_cols_min": 2}, None),  # a 2-column grid may be a layout of label and value
    ({"text_cols": 2, "text_cols_min": 2, "caption": "Phones"}, Status.WARN),
    ({"text_rows": 1}, None),
    ({"text_cols": 1, "text_cols_min": 1}, None),
])
def test_table_verdict(extra, verdict):
    assert table_verdict({**TABLE, **extra}) == verdict


# --- content-link-text ----------------------------------------------------------------------

@pytest.mark.parametrize("name, generic", [
    ("Click here", True), ("here", True), ("Read more »", True), ("Learn more...", True), ("MORE", True),
    (".", True), ("https://www.irs.gov/forms", True), ("www.usa.gov", True), ("link", True),
    ("Read more about grants", False), ("Apply for a passport", False), ("Form 1040", False), ("", False),
    ("this product", False),
])
def test_generic_link_name(name, generic):
    assert generic_link_name(name) is generic


def link(name, **ctx):
    return {"name": name, "href": "http://127.0.0.1/x", "selector": "a", "snippet": "<a>",
            "context": {"block": ctx.get("block", name), "heading": ctx.get("heading", ""),
                        "headers": ctx.get("headers", ""), "description": ctx.get("description", "")}}


@pytest.mark.parametrize("lk, ok", [
    (link("Read more", heading="Grant program opens May 1"), True),
    (link("click here", block="To apply for a passport, click here."), True),
    (link("details", block="Form W-4 instructions: details"), True),
    (link("PDF", headers="Form 1040"), True),
    (link("More", description="Visitor center hours"), True),
    (link("More"), False),
    (link("click here", block="For more details, click here."), False),
    (link("Read more", heading="Read more"), False),
    ({"name": "More"}, True),  # context not measured: not judged
    ({**link("Link"), "in_nav": True}, True),  # a menu of page names
    ({**link("Link"), "href": "http://127.0.0.1/components/link/"}, True),  # the page is named "Link"
    ({**link("Download"), "href": "http://127.0.0.1/files/report.pdf"}, False),
])
def test_link_context(lk, ok):
    assert link_has_context(lk) is ok


def test_link_text_warns_only_without_context():
    out = run_page("content-link-text", art(links=[
        link("More"), link("Read more", heading="Disaster loans"), link("Apply for a grant")]))
    assert statuses(out) == [Status.WARN] and out.status == Status.WARN


# --- img-alt-filename -----------------------------------------------------------------------

@pytest.mark.parametrize("name, src, href, bad", [
    ("IMG_0123.JPG", "http://h/IMG_0123.JPG", "", True),
    ("banner.png", "http://h/a/banner.png", "", True),
    ("Screen Shot 2020-01-01 at 10.00.00.png", "http://h/s.png", "", True),
    ("DSC01234", "http://h/x.jpg", "", True),
    ("94251e110d24a4c2b6e6ce76e7203374", "http://h/94251e110d24a4c2b6e6ce76e7203374", "", True),
    ("login.png", "http://h/login.png", "", True),
    ("Nyhavn", "http://h/nyhavn.jpeg", "", False),  # a word that is also the file's name
    ("pain", "http://h/pain", "", False),
    ("Boats in Nyhavn harbor", "http://h/IMG_0123.jpg", "", False),
    ("report-2024.png", "http://h/report-2024.png", "http://h/report-2024.png", False),  # the file a link downloads
    ("U.S. map", "http://h/map.png", "", False),
])
def test_filename_name(name, src, href, bad):
    assert filename_name({"name": name, "src": src, "link_href": href}) is bad


def test_img_alt_filename_fails():
    out = run_page("img-alt-filename", art(images=[{"tag": "img", "name": "banner.png", "src": "http://h/banner.png",
                                                    "link_href": "", "selector": "img", "snippet": "<img>"}]))
    assert out.status == Status.FAIL and out.findings[0].wcag == ["1.1.1"]


# --- lang-of-content ------------------------------------------------------------------------

@pytest.mark.parametrize("tag, primary", [
    ("en", "en"), ("EN-us", "en"), ("zh-Hant", "zh"), ("nb", "no"), ("iw", "he"), ("fil", "tl"),
    ("eng", None), ("français", None), ("i-lux", None), ("", None), ("haw", None),
])
def test_primary_subtag(tag, primary):
    assert primary_subtag(tag) == primary


@pytest.mark.parametrize("declared, text, got", [
    ("en", EN, None),
    ("en-US", EN, None),
    ("es", ES, None),
    ("fr", FR, None),
    ("da", EN, "en"),
    ("en", ES, "es"),
    ("en", FR, "fr"),
    ("nl", "Gelukkig nieuwjaar!", None),   # too short to judge
    ("haw", EN, None),                      # a language the detector does not know
    ("es", "Lorem " * 3 + ES[:40], None),
    ("en", EN + " " + ES, None),            # halves disagree: mixed text is not judged
])
def test_language_mismatch(declared, text, got):
    assert language_mismatch(declared, text) == got


def test_lang_of_content_page_and_parts():
    scopes = [{"lang": "en", "root": True, "inherited": "", "text": ES, "selector": "html", "snippet": ""},
              {"lang": "fr", "root": False, "inherited": "en", "text": FR, "selector": "blockquote",
               "snippet": "<blockquote lang=fr>"},
              {"lang": "fr", "root": False, "inherited": "en", "text": EN, "selector": "#p", "snippet": "<p>"}]
    out = run_page("lang-of-content", art(lang={"html": "en", "scopes": scopes}))
    assert out.status == Status.WARN
    assert [(f.selector, f.wcag) for f in out.findings] == [("html", ["3.1.1"]), ("#p", ["3.1.2"])]


def test_lang_of_content_deterministic():
    assert {language_mismatch("en", ES) for _ in range(5)} == {"es"}


def test_lang_not_applicable_without_enough_text():
    scopes = [{"lang": "en", "root": True, "text": "Hello there", "selector": "html"}]
    assert run_page("lang-of-content", art(lang={"scopes": scopes})).status == Status.NOT_APPLICABLE


def test_missing_probe_is_not_applicable():
    for cid in ("form-placeholder-only", "form-group-no-legend", "table-no-headers", "table-header-no-cells",
                "content-link-text",
                "img-alt-filename", "lang-of-content"):
        assert run_page(cid, page()).status == Status.NOT_APPLICABLE


# --- table-header-no-cells ------------------------------------------------------------------

def test_header_cells_with_cells_pass_and_orphans_fail():
    ok = run_page("table-header-no-cells", art(tables=[TABLE], orphan_headers=[]))
    assert ok.status == Status.PASS and not ok.findings
    assert run_page("table-header-no-cells", art(orphan_headers=[])).status == Status.NOT_APPLICABLE
    head = {"text": "Closes", "selector": "th:nth-of-type(3)", "snippet": "<th>Closes</th>", "table": "table", "aria": False}
    bad = run_page("table-header-no-cells", art(tables=[TABLE], orphan_headers=[head]))
    assert bad.status == Status.FAIL and statuses(bad) == [Status.FAIL]
    f = bad.findings[0]
    assert f.selector == "th:nth-of-type(3)" and "Closes" in f.message and f.wcag == ["1.3.1"]


# --- frame-same-name ---------------------------------------------------------------------------

def frame(name, url, title, text, exposed=True, sel="iframe"):
    return {"name": name, "exposed": exposed, "url": url, "title": title, "text": text, "selector": sel,
            "snippet": f'<iframe title="{name}" src="{url}">', "empty": not text.strip()}


CONTRIB = ("http://127.0.0.1/contributors.html", "Page One", "Root > Page One Home Contact")
LOREM = ("http://127.0.0.1/article.html", "Page Two", "Lorem Ipsum...")


def frames_outcome(*frames):
    return run_page("frame-same-name", page(probes={"frames": {"frames": list(frames), "more": 0}}))


def test_frames_named_alike_showing_unrelated_documents_warn():
    out = frames_outcome(frame("List of Contributors", *CONTRIB), frame("list of  contributors", *LOREM, sel="iframe#b"))
    assert out.status is Status.WARN
    f = out.findings[0]
    assert f.wcag == ["4.1.2"] and f.selector == "iframe#b" and "Page Two" in f.message


@pytest.mark.parametrize("other", [
    ("http://127.0.0.1/contributors.html#x", "Page One", "Root > Page One Home Contact"),  # the same URL
    ("http://127.0.0.1/copy.html", "Page One", "Home Contact"),  # another URL, the same title
    ("http://127.0.0.1/sub/", "", "Root Page One Home Contact"),  # untitled copy: same words
])
def test_one_document_under_other_urls_passes(other):
    assert frames_outcome(frame("Contributors", *CONTRIB), frame("Contributors", *other)).status is Status.PASS


def test_two_documents_of_one_kind_pass():
    # two advertisements of one layout: other titles, but most words of the shorter are shared
    a = frame("advertising", "http://127.0.0.1/ad1.html", "Advertising One",
              "This is my random advertising Please, buy things!")
    b = frame("advertising", "http://127.0.0.1/ad2.html", "Advertising Two",
              "This is an other random advertising Never know which content will appear because advertising are "
              "managed by a third party. But please, buy more things!")
    assert frames_outcome(a, b).status is Status.PASS


def test_hidden_unnamed_and_unloaded_frames_are_not_judged():
    assert frames_outcome(frame("Contributors", *CONTRIB), frame("Contributors", *LOREM, exposed=False)).status \
        is Status.NOT_APPLICABLE
    assert frames_outcome(frame("", *CONTRIB), frame("", *LOREM)).status is Status.NOT_APPLICABLE
    # an off-site embed that did not load here: nothing to compare
    assert frames_outcome(frame("Video", *CONTRIB), frame("Video", "https://www.youtube.com/embed/x", "", "")).status \
        is Status.PASS
