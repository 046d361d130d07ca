"""Structure family: relationships a reader gets from the markup, not from the look of the
page. Text fields named only by a placeholder, radio and checkbox groups without a group
label, data tables without header cells, links whose name and context do not say where
they go, images named by a file name, and text whose language is not the one declared.

Reads ``probes["structure"]`` (``auditor/probes/structure.js``). Precision first: every
check passes what only looks like the barrier (a placeholder beside a label, a layout
table, "Read more" under a heading, a French quotation marked ``lang="fr"``); what it cannot
tell apart it does not report.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

from auditor.checking import check
from auditor.model import Finding, Outcome, PageArtifacts, Severity, Status

from ._probes import conclude, probe, url_of

REQ = ["idea-3a1"]
FAMILY = "structure"
PROBE = "structure"


def _data(page: PageArtifacts, key: str) -> tuple[list[dict[str, Any]], Outcome | None]:
    data, early = probe(page, PROBE)
    if early:
        return [], early
    items = data.get(key) if isinstance(data, dict) else None
    return [x for x in (items or []) if isinstance(x, dict)], None


# --- 1. placeholder as the only label -------------------------------------------------------

def placeholder_only(field: dict[str, Any]) -> bool:
    """A text field whose only name is its placeholder, and no adjacent button tells its
    purpose (WCAG technique G167: one search field and its "Search" button pass)."""
    if not str(field.get("placeholder") or "").strip():
        return False
    if any(str(field.get(k) or "").strip() for k in ("label", "aria_label", "labelledby", "title")):
        return False
    return not field.get("lone_with_button")


@check(id="form-placeholder-only", family=FAMILY, title="Text fields have a label, not only a placeholder",
       failure_title="Text fields are labelled only by a placeholder",
       description="A placeholder disappears as soon as the user types and is often low-contrast; a field "
                   "named only by it leaves no label to check the entry against. Add a visible <label for> "
                   "(a placeholder may stay as an example). "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/labels-or-instructions",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/labels-or-instructions", requirements=REQ,
       wcag=["3.3.2", "1.3.1"], severity=Severity.MEDIUM, artifacts=("probes",))
def form_placeholder_only(page: PageArtifacts) -> Outcome:
    """WARN, not FAIL: the placeholder is an accessible name (ACT e086e5 passes it); what is
    missing is a label that stays visible, which some designs provide by other means."""
    fields, early = _data(page, "fields")
    if early:
        return early
    if not fields:
        return Outcome(Status.NOT_APPLICABLE, detail="no text fields with a placeholder")
    return conclude([form_placeholder_only.finding(
        url_of(page), f"The {f.get('type') or 'text'} field \"{str(f['placeholder'])[:60]}\" is labelled only by its "
                      "placeholder, which disappears once the user types.",
        selector=f.get("selector", ""), snippet=f.get("snippet", ""), status=Status.WARN,
        fix_hint="Add a visible <label for=\"ID\"> with the field's name; keep the placeholder for an example "
                 "value if wanted.") for f in fields if placeholder_only(f)])


# --- 2. radio and checkbox groups without a group label -------------------------------------

def group_unlabelled(group: dict[str, Any]) -> bool:
    """Two or more radios (or checkboxes) of one name with nothing naming the question:
    no fieldset+legend, no named group/radiogroup, no description. Groups inside table
    cells are left alone: a matrix's row and column headers may name them."""
    if int(group.get("count") or 0) < 2:
        return False
    return not (group.get("all_grouped") or group.get("described") or group.get("in_table"))


@check(id="form-group-no-legend", family=FAMILY, title="Radio and checkbox groups are named",
       failure_title="Radio or checkbox groups have no group label",
       description="Options such as \"Yes\" / \"No\" make sense only with their question. Wrap the group in "
                   "<fieldset> with a <legend> holding the question (or role=\"radiogroup\"/\"group\" with "
                   "aria-labelledby). See https://www.w3.org/WAI/WCAG22/Techniques/html/H71",
       help_url="https://www.w3.org/WAI/WCAG22/Techniques/html/H71", requirements=REQ, wcag=["1.3.1"],
       severity=Severity.MEDIUM, artifacts=("probes",))
def form_group_no_legend(page: PageArtifacts) -> Outcome:
    groups, early = _data(page, "groups")
    if early:
        return early
    if not groups:
        return Outcome(Status.NOT_APPLICABLE, detail="no radio or checkbox groups")
    findings = []
    for g in groups:
        if not group_unlabelled(g):
            continue
        labels = ", ".join(f"\"{x}\"" for x in (g.get("labels") or [])[:4] if x)
        findings.append(form_group_no_legend.finding(
            url_of(page), f"{g['count']} {g.get('type', 'radio')} buttons named \"{g.get('name', '')}\""
                          f"{' (' + labels + ')' if labels else ''} have no group label stating the question.",
            selector=g.get("selector", ""), snippet=g.get("snippet", ""), status=Status.WARN))
    return conclude(findings)


# --- 3. data tables without header cells ----------------------------------------------------

def table_verdict(t: dict[str, Any]) -> Status | None:
    """FAIL for a table its author declared a data table (a caption or summary) with 3x3 or
    more text cells and no header markup; WARN for an undeclared grid of 3x3 or more short
    text cells; None otherwise (headers present, or it may be a layout table: a role of
    presentation/none, nested tables, headings, lists or forms in cells, long cells, fewer
    than two text rows or columns)."""
    if t.get("role") in ("presentation", "none"):
        return None
    if t.get("th") or t.get("scope") or t.get("headers_attr") or t.get("header_role"):
        return None
    if t.get("nested") or t.get("blocky"):
        return None
    rows, cols, cols_min = (int(t.get(k) or 0) for k in ("text_rows", "text_cols", "text_cols_min"))
    if rows < 2 or cols < 2:
        return None
    declared = bool(t.get("caption") or t.get("summary"))
    grid = rows >= 3 and cols_min >= 3 and not t.get("long_cells")
    if declared and grid:
        return Status.FAIL
    if grid or (declared and rows >= 2 and cols_min >= 2 and not t.get("long_cells")):
        return Status.WARN
    return None


@check(id="table-no-headers", family=FAMILY, title="Data tables mark their header cells",
       failure_title="Data tables have no header cells",
       description="Without <th> (or scope/headers), a screen reader reads a data table as a run of "
                   "values with nothing to say which row or column each belongs to. Mark the header row "
                   "and/or column with <th scope=\"col\"> / <th scope=\"row\">. "
                   "See https://www.w3.org/WAI/WCAG22/Techniques/failures/F91",
       help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F91", requirements=REQ, wcag=["1.3.1"],
       severity=Severity.MEDIUM, artifacts=("probes",))
def table_no_headers(page: PageArtifacts) -> Outcome:
    tables, early = _data(page, "tables")
    if early:
        return early
    if not tables:
        return Outcome(Status.NOT_APPLICABLE, detail="no tables")
    findings = []
    for t in tables:
        status = table_verdict(t)
        if status is None:
            continue
        what = f" \"{t.get('caption') or t.get('summary')}\"" if (t.get("caption") or t.get("summary")) else ""
        findings.append(table_no_headers.finding(
            url_of(page), f"Table{what[:80]} ({t.get('text_rows')} rows x {t.get('text_cols')} columns of text) has no "
                          "header cells (<th>, scope, headers or a header role).",
            selector=t.get("selector", ""), snippet=t.get("snippet", ""), status=status))
    return conclude(findings)


@check(id="table-header-no-cells", family=FAMILY, title="Every table header cell heads some cells",
       failure_title="Table header cells head no cells",
       description="A header cell that no data cell falls under (a column header over a column the rows never "
                   "reach, or one that every cell's headers attribute skips) tells a screen reader user about "
                   "data that is not there, and the cells it was meant for are read without it. Give each "
                   "header cell its cells: fill the column or row, correct colspan/rowspan, or list the "
                   "header's id in the cells' headers attribute. "
                   "See https://www.w3.org/WAI/standards-guidelines/act/rules/d0f69e/",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/info-and-relationships", requirements=REQ,
       wcag=["1.3.1"], severity=Severity.MEDIUM, artifacts=("probes",))
def table_header_no_cells(page: PageArtifacts) -> Outcome:
    heads, early = _data(page, "orphan_headers")
    if early:
        return early
    if not heads:
        return Outcome(Status.PASS if (page.probes.get("structure") or {}).get("tables") else Status.NOT_APPLICABLE,
                       detail="every header cell has cells")
    return conclude([table_header_no_cells.finding(
        url_of(page), f"Header cell \"{h.get('text', '')}\" has no cell under it: no cell of its "
                      f"{'grid' if h.get('aria') else 'table'} ({h.get('table', '')}) falls in its column or row "
                      "without naming other headers, and none names it in a headers attribute.",
        selector=h.get("selector", ""), snippet=h.get("snippet", "")) for h in heads])


# --- 4. link text that says nothing, in a context that says nothing ------------------------

#: Link names that do not say where a link goes.
GENERIC_LINK_NAMES = frozenset({
    "click here", "click", "here", "click this link", "click on this link", "this link", "link", "this",
    "more", "read more", "learn more", "see more", "find out more", "more info", "more information", "info",
    "details", "more details", "see details", "go", "go here", "continue", "view", "view more", "see here",
    "download", "page", "this page", "website", "web site", "click for more", "more here", "read",
})
_URL_NAME = re.compile(r"^(https?://|www\.)\S+$", re.I)
_EDGE = re.compile(r"^[\s\W_]+|[\s\W_]+$")
#: Words that carry no purpose of a link when they are all its context has.
_EMPTY_WORDS = frozenset("""a an the for to of in on at by and or with from please you your can may will
more here click read learn see view find out info information details detail link links this that page go
continue download website site web now below above following next previous back""".split())
_WORD = re.compile(r"[^\W\d_]{3,}|\d{2,}", re.U)


def generic_link_name(name: str) -> bool:
    """True for names such as "Click here", "Read more »", ".", or a bare URL."""
    name = " ".join(str(name or "").split())
    if not name:
        return False
    if _URL_NAME.match(name):
        return True
    core = _EDGE.sub("", name.lower())
    return not core or core in GENERIC_LINK_NAMES


def context_words(text: str, name: str = "") -> list[str]:
    """Words of ``text`` (less the link's own name) that could say where a link goes."""
    text = str(text or "")
    name = " ".join(str(name or "").split())
    if name:
        text = " ".join(text.split()).replace(name, " ")
    return [w for w in _WORD.findall(text.lower()) if w not in _EMPTY_WORDS]


def _slug(url: str) -> str:
    try:
        path = unquote(urlsplit(str(url or "")).path).rstrip("/")
    except ValueError:
        return ""
    last = path.rsplit("/", 1)[-1]
    return re.sub(r"\.[a-z0-9]{2,5}$", "", last.lower()).replace("-", " ").replace("_", " ")


def link_has_context(link: dict[str, Any]) -> bool:
    """Whether anything programmatically related to the link names a purpose: its
    paragraph, list item or cell (or nearest block other than the page), the header cells
    of its cell, the heading it sits under, its aria-describedby or title. A link in a
    navigation menu, or one to a page named as the link is ("Link" to /components/link/),
    is a page title, not a generic phrase."""
    ctx = link.get("context")
    if not isinstance(ctx, dict) or link.get("in_nav"):
        return True  # not measured, or a menu of page names: do not judge
    core = _EDGE.sub("", " ".join(str(link.get("name") or "").split()).lower())
    if core and _slug(str(link.get("href") or "")) == core:
        return True
    name = str(link.get("name") or "")
    return any(context_words(str(ctx.get(k) or ""), name) for k in ("block", "headers", "heading", "description"))


@check(id="content-link-text", family=FAMILY, title="Link text, with its context, says where it goes",
       failure_title="Links named \"click here\" or \"more\" with nothing around them to say where they go",
       description="A link named \"Click here\", \"More\" or a bare URL must get its purpose from its sentence, "
                   "paragraph, list item, table cell, header cells or the heading above it. Name the "
                   "destination in the link (\"Apply for a passport\") or in its surrounding text. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context", requirements=REQ,
       wcag=["2.4.4"], severity=Severity.MEDIUM, artifacts=("probes",))
def content_link_text(page: PageArtifacts) -> Outcome:
    links, early = _data(page, "links")
    if early:
        return early
    generic = [lk for lk in links if generic_link_name(str(lk.get("name") or ""))]
    if not generic:
        return Outcome(Status.NOT_APPLICABLE, detail="no links with non-descriptive names")
    return conclude([content_link_text.finding(
        url_of(page), f"Link \"{str(lk['name'])[:60]}\" does not say where it goes, and neither does its context "
                      "(sentence, list item, cell, heading above it).",
        selector=lk.get("selector", ""), snippet=lk.get("snippet", ""), status=Status.WARN)
        for lk in generic if not link_has_context(lk)])


# --- 5. images named by a file name ---------------------------------------------------------

_IMAGE_EXT = r"(?:jpe?g|jfif|png|gif|svg|webp|bmp|tiff?|ico|avif|heic)"
_FILE_NAME = re.compile(r"^[\w\-.~%()+ ]*[\w\-~%()+]\." + _IMAGE_EXT + r"$", re.I)
_CAMERA = re.compile(r"^(?:img|dsc[nf]?|pict?|pxl|image|photo|screenshot|screen shot|untitled)[\s_\-]?\d{2,}[\w\-]*$",
                     re.I)
_MACHINE = re.compile(r"^(?:[0-9a-f]{12,}|[\w\-]*\d{4,}[\w\-]*|[\w]+_[\w_]+)$", re.I)


def _basename(url: str) -> str:
    try:
        return unquote(urlsplit(str(url or "")).path.rsplit("/", 1)[-1])
    except ValueError:
        return ""


def filename_name(img: dict[str, Any]) -> bool:
    """True when an image's accessible name is a file name: one ending in an image type
    ("banner.png"), a camera's ("IMG_0123"), or its own source file's name when that is a
    machine-made token ("94251e110d24a4c2"). A word that is also the file's name ("Nyhavn"
    for nyhavn.jpeg) is not; nor is the name of the file a link around it downloads."""
    name = " ".join(str(img.get("name") or "").split())
    if not name:
        return False
    link_file = _basename(str(img.get("link_href") or ""))
    if link_file and link_file.lower() == name.lower():
        return False
    if _FILE_NAME.match(name) or _CAMERA.match(name):
        return True
    src = _basename(str(img.get("src") or ""))
    stem = src.rsplit(".", 1)[0] if "." in src else src
    return bool(src) and name.lower() in (src.lower(), stem.lower()) and bool(_MACHINE.match(name))


@check(id="img-alt-filename", family=FAMILY, title="Images are not named by a file name",
       failure_title="Images are named by their file name",
       description="A file name (\"IMG_0123.jpg\", \"banner.png\") says nothing about what the image shows; it "
                   "is usually what a CMS filled in. Write alt text that gives the image's content or "
                   "purpose, or alt=\"\" for a decorative image. "
                   "See https://www.w3.org/WAI/WCAG22/Techniques/failures/F30",
       help_url="https://www.w3.org/WAI/WCAG22/Techniques/failures/F30", requirements=REQ, wcag=["1.1.1"],
       severity=Severity.HIGH, artifacts=("probes",))
def img_alt_filename(page: PageArtifacts) -> Outcome:
    images, early = _data(page, "images")
    if early:
        return early
    if not images:
        return Outcome(Status.NOT_APPLICABLE, detail="no images named like a file")
    bad = [im for im in images if filename_name(im)]
    return conclude([img_alt_filename.finding(
        url_of(page), f"Image named \"{str(im['name'])[:80]}\": a file name, not a text alternative.",
        selector=im.get("selector", ""), snippet=im.get("snippet", ""), status=Status.FAIL) for im in bad])


# --- 6. language of the page and of its parts -----------------------------------------------

#: Judge only text this long: language detection on less is a guess.
MIN_LANG_CHARS = 150
MIN_LANG_WORDS = 25
#: Text read per scope: plenty for a confident detection.
MAX_LANG_CHARS = 2000
#: langdetect's probability needed to call a mismatch.
MIN_LANG_PROB = 0.98
#: Old or alternative codes of one language, mapped to the code langdetect returns.
_LANG_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "mo": "ro", "nb": "no", "nn": "no", "fil": "tl", "zh": "zh",
                 "sh": "hr", "sr": "hr", "bs": "hr", "ms": "id"}
#: Languages a detector confuses with each other: a mismatch between two is not reported.
_CLOSE = [frozenset(s.split()) for s in ("no da sv", "hr sl", "cs sk", "es gl ca", "pt gl", "af nl",
                                         "hi mr ne", "ru uk bg mk", "fa ur ar", "zh ja", "lt lv")]
_WORDS = re.compile(r"[^\W\d_]{2,}", re.U)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def primary_subtag(tag: str) -> str | None:
    """The primary language subtag, lower-case and mapped to langdetect's code; None for
    a value that is no language tag (empty, "français", "i-lux", "eng")."""
    m = re.match(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$", str(tag or "").strip())
    if not m:
        return None
    p = m.group(1).lower()
    if len(p) == 3 and p != "fil":
        return None  # ISO 639-2/3 codes of languages detectors do not know (or invalid: "eng")
    return _LANG_ALIASES.get(p, p)


def _detected_primary(code: str) -> str:
    return code.split("-")[0].lower()


@lru_cache(maxsize=1)
def _detector_langs() -> frozenset[str]:
    from langdetect import DetectorFactory, detector_factory

    DetectorFactory.seed = 0
    detector_factory.init_factory()
    return frozenset(_detected_primary(c) for c in detector_factory._factory.get_lang_list())


def detect_language(text: str) -> tuple[str, float] | None:
    """(primary code, probability) of the most likely language of ``text``; deterministic
    (``DetectorFactory.seed = 0``). None when detection fails."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    _detector_langs()
    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except (LangDetectException, IndexError):
        return None
    return _detected_primary(best.lang), float(best.prob)


def enough_text(text: str) -> bool:
    text = " ".join(str(text or "").split())
    return len(text) >= MIN_LANG_CHARS and (len(_WORDS.findall(text)) >= MIN_LANG_WORDS
                                              or len(_CJK.findall(text)) >= MIN_LANG_CHARS // 3)


def _close(a: str, b: str) -> bool:
    return a == b or any(a in s and b in s for s in _CLOSE)


def language_mismatch(declared: str, text: str) -> str | None:
    """The language ``text`` is written in when it is surely not ``declared``; else None.
    Only judged for enough text, a declared language the detector knows, a confident
    detection, and (for longer text) both halves of the text agreeing."""
    want = primary_subtag(declared)
    if not want or not enough_text(text) or want not in _detector_langs():
        return None
    text = " ".join(text.split())[:MAX_LANG_CHARS]  # enough to be sure; detection time grows with length
    got = detect_language(text)
    if not got or got[1] < MIN_LANG_PROB or _close(got[0], want):
        return None
    words = text.split(" ")
    if len(words) >= 2 * MIN_LANG_WORDS and len(text) >= 2 * MIN_LANG_CHARS:
        half = len(words) // 2
        for part in (" ".join(words[:half]), " ".join(words[half:])):
            again = detect_language(part)
            if not again or again[0] != got[0] or again[1] < MIN_LANG_PROB:
                return None
    return got[0]


@check(id="lang-of-content", family=FAMILY, title="The declared language is the language of the text",
       failure_title="The declared language does not match the text",
       description="Screen readers pick their voice and pronunciation from lang; English text read with a "
                   "Danish voice (or the reverse) is hard to understand. Set <html lang> to the page's main "
                   "language and mark passages in another language with their own lang. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/language-of-page",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/language-of-page", requirements=REQ,
       wcag=["3.1.1", "3.1.2"], severity=Severity.MEDIUM, artifacts=("probes",))
def lang_of_content(page: PageArtifacts) -> Outcome:
    """WARN: detection is statistical. The page's lang (3.1.1) is judged on the text no
    other lang attribute governs; an element's lang (3.1.2) on the text it governs."""
    data, early = probe(page, PROBE)
    if early:
        return early
    scopes = [s for s in ((data.get("lang") or {}).get("scopes") or []) if isinstance(s, dict)]
    judged = [s for s in scopes if primary_subtag(str(s.get("lang") or "")) and enough_text(str(s.get("text") or ""))]
    if not judged:
        return Outcome(Status.NOT_APPLICABLE, detail="no declared language governs enough text to judge")
    findings: list[Finding] = []
    for s in judged:
        declared = str(s.get("lang") or "")
        got = language_mismatch(declared, str(s.get("text") or ""))
        if not got:
            continue
        if s.get("root"):
            f = lang_of_content.finding(
                url_of(page), f"The page declares lang=\"{declared}\" but its text reads as \"{got}\".",
                selector="html", snippet=str(s.get("text") or "")[:200], status=Status.WARN,
                help_url="https://www.w3.org/WAI/WCAG22/Understanding/language-of-page",
                fix_hint=f"Set <html lang=\"{got}\"> if that is the page's language, or mark the passages in "
                         "other languages with their own lang attribute.")
            f.wcag = ["3.1.1"]
        else:
            f = lang_of_content.finding(
                url_of(page), f"A passage marked lang=\"{declared}\" reads as \"{got}\".",
                selector=str(s.get("selector") or ""), snippet=str(s.get("snippet") or ""), status=Status.WARN,
                help_url="https://www.w3.org/WAI/WCAG22/Understanding/language-of-parts",
                fix_hint=f"Correct the lang attribute of this passage (lang=\"{got}\"?).")
            f.wcag = ["3.1.2"]
        findings.append(f)
    return conclude(findings)


# --- 7. frames called the same that show different things -----------------------------------

_FRAME_WORD = re.compile(r"[^\W_]{2,}", re.U)
#: Two documents share a purpose when most words of the shorter one are words of the other.
FRAME_SHARED_WORDS = 0.5


def _frame_url(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{(parts.netloc or '').lower()}{parts.path.rstrip('/') or '/'}?{parts.query}"


def frames_differ(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two loaded frame documents plainly show different things: other URLs, other
    (or no) titles, and fewer than half of the shorter text's words in the other. Copies of
    one page, a page shown under two URLs, two advertisements of one layout or two players
    of one service share their title or most of their words and do not differ."""
    if a.get("empty") or b.get("empty"):
        return False
    if _frame_url(str(a.get("url") or "")) == _frame_url(str(b.get("url") or "")):
        return False
    ta, tb = " ".join(str(a.get("title") or "").lower().split()), " ".join(str(b.get("title") or "").lower().split())
    if ta and ta == tb:
        return False
    wa = set(_FRAME_WORD.findall(str(a.get("text") or "").lower()))
    wb = set(_FRAME_WORD.findall(str(b.get("text") or "").lower()))
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) < FRAME_SHARED_WORDS


@check(id="frame-same-name", family=FAMILY, title="Frames with the same name show the same thing",
       failure_title="Frames with the same name show different things",
       description="A screen reader announces a frame by its name (title, aria-label or aria-labelledby); frames "
                   "called the same are taken to hold the same content or content of one purpose. Where two "
                   "frames share a name but show unrelated documents, give each a name that says what it "
                   "holds. See https://www.w3.org/WAI/standards-guidelines/act/rules/4b1c6c/",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/name-role-value", requirements=REQ,
       wcag=["4.1.2"], severity=Severity.MEDIUM, artifacts=("probes",))
def frame_same_name(page: PageArtifacts) -> Outcome:
    """A warning, not a failure: two documents may serve one purpose in ways their words do
    not show; what is measured is that they share neither URL, title nor most words."""
    data, early = probe(page, "frames")
    if early:
        return early
    named: dict[str, list[dict[str, Any]]] = {}
    for f in data.get("frames") or []:
        if isinstance(f, dict) and f.get("exposed") and str(f.get("name") or "").strip():
            named.setdefault(" ".join(str(f["name"]).lower().split()), []).append(f)
    groups = {k: v for k, v in named.items() if len(v) > 1}
    if not groups:
        return Outcome(Status.NOT_APPLICABLE, detail="no two exposed frames share a name")
    findings = []
    for group in groups.values():
        pair = next(((a, b) for i, a in enumerate(group) for b in group[i + 1:] if frames_differ(a, b)), None)
        if pair is None:
            continue
        a, b = pair
        findings.append(frame_same_name.finding(
            url_of(page), f"{len(group)} frames are named \"{str(a.get('name'))[:80]}\" but show different documents: "
                          f"{str(a.get('url'))[:100]} (\"{str(a.get('title') or 'untitled')[:60]}\") and "
                          f"{str(b.get('url'))[:100]} (\"{str(b.get('title') or 'untitled')[:60]}\"), which share "
                          "few words. Unless they serve one purpose, name each for what it holds.",
            selector=str(b.get("selector") or ""), snippet=str(b.get("snippet") or ""), status=Status.WARN))
    return conclude(findings)
