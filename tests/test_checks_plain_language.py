"""Plain language on saved HTML (no browser)."""

from pathlib import Path

from checkhelp import SiteArtifacts, Status, asset, page, run_page, run_site

from checks._content import main_text

PLAIN = asset("plain", "plain.html")
DENSE = asset("plain", "bureaucratic.html")
SITE = SiteArtifacts(start_url="http://127.0.0.1/")
SHORT = "<html><body><main><h1>Contact</h1><p>Call us.</p></main></body></html>"


def test_main_content_leaves_out_nav_and_footer():
    text = main_text(PLAIN)
    assert "Apply for help" in text and "Pursuant" not in text and "Utilize" not in text


def test_readability():
    ok = run_page("plain-readability", page(PLAIN))
    assert ok.status is Status.PASS and "Flesch-Kincaid grade" in ok.detail and "Gunning fog" in ok.detail
    hard = run_page("plain-readability", page(DENSE))
    assert hard.status is Status.FAIL and len(hard.findings) == 3
    assert "Hard passage: \u201c" in hard.findings[0].message  # the worst passages are quoted
    assert run_page("plain-readability", page(SHORT)).status is Status.NOT_APPLICABLE


def test_long_sentences():
    assert run_page("plain-long-sentences", page(PLAIN)).status is Status.PASS
    out = run_page("plain-long-sentences", page(DENSE))
    assert out.status is Status.FAIL and out.findings[0].message.startswith("61-word sentence")
    assert run_page("plain-long-sentences", page(SHORT)).status is Status.NOT_APPLICABLE


def test_passive_voice():
    assert run_page("plain-passive-voice", page(PLAIN)).status is Status.PASS
    out = run_page("plain-passive-voice", page(DENSE))
    assert out.status is Status.WARN and "are administered" in out.findings[0].message


def test_word_choice_suggests_replacements():
    assert run_site("plain-word-choice", SITE, [page(PLAIN)]).status is Status.PASS
    out = run_site("plain-word-choice", SITE, [page(DENSE)])
    msgs = {f.snippet: f.message for f in out.findings}
    assert out.status is Status.WARN
    assert msgs["utilize"] == "\u201cutilize\u201d (1x on 1 page): use \u201cuse\u201d"
    assert "prior to" in msgs and "subsequent" in msgs
    assert run_site("plain-word-choice", SITE, [page(SHORT)]).status is Status.NOT_APPLICABLE


def _prose_page(url: str, body: str, nav: str = "Home") -> object:
    return page(f"<html><head><title>T</title></head><body><header><nav><a href='/'>{nav}</a></nav></header>"
                f"<main><h1>A page</h1><p>{body}</p></main></body></html>", url=url)


FILLER = ("People read this page to learn what to do next, and we keep each step short so that the reader "
          "can finish the task quickly and without help from anyone else in the office. ") * 4


def test_word_choice_is_one_piece_of_advice_per_word_for_the_site():
    """The same word on many pages is one finding, on the page using it most, naming the
    pages; at most WORD_CAP words are advised and the rest are named in the detail."""
    from checks.plain_language import _WORDS, WORD_CAP

    pages = [_prose_page(f"http://127.0.0.1/p{i}/", FILLER + "We ensure it works." + (" We ensure it." if i == 3 else ""))
             for i in range(8)]
    out = run_site("plain-word-choice", SITE, pages)
    assert [f.snippet for f in out.findings] == ["ensure"]
    f = out.findings[0]
    assert f.page_url == "http://127.0.0.1/p3/"  # the page that uses it most
    assert f.message.startswith("\u201censure\u201d (9x on 8 pages (/p3/, /p0/, /p1/, /p2/, /p4/, and 3 more)): use")
    many = sorted(_WORDS)[:WORD_CAP + 3]
    out = run_site("plain-word-choice", SITE,
                   [_prose_page("http://127.0.0.1/all/", FILLER + " ".join(f"We {w} it." for w in many))])
    assert len(out.findings) == WORD_CAP and "3 less used words not listed" in out.detail


def test_a_word_the_site_uses_as_a_navigation_label_is_its_vocabulary():
    """A design system names a part of its site "Components": "component" in its prose is the
    site's term (designsystem.digital.gov used it 229 times); a heading or title with a list
    word is the site's writing and is advised as before."""
    text = FILLER + "This component shows an alert. We ensure it works."
    site = [_prose_page(f"http://127.0.0.1/c{i}/", text, nav="Components") for i in range(4)]
    out = run_site("plain-word-choice", SITE, site)
    assert [f.snippet for f in out.findings] == ["ensure"]
    assert "the site's own terms, not advised: \u201ccomponent\u201d (a navigation label on 4 pages" in out.detail
    # named on one page of eight: not the site's vocabulary
    site = [_prose_page(f"http://127.0.0.1/c{i}/", text, nav="Components" if i == 0 else "Home") for i in range(8)]
    assert {f.snippet for f in run_site("plain-word-choice", SITE, site).findings} == {"component", "ensure"}


def test_a_section_headed_before_is_an_example_not_the_sites_writing():
    """plainlanguage.gov shows bad writing under a "Before" heading and the rewrite under
    "After"; the "Before" text is not judged, up to the next heading of its level."""
    from checks._content import prose_text

    html = ("<html><body><main><h1>Write short sentences</h1><p>Short sentences are easier to read and we show how.</p>"
            "<h2>Example</h2><h3>Before</h3><p>Pursuant to the regulations the applicant shall utilize the form.</p>"
            "<h4>Note</h4><p>Still part of the example that we rewrote below for you.</p>"
            "<h3>After</h3><p>Use the form to apply for the benefit today.</p>"
            "<h2>Before you finish</h2><p>Read your text aloud to hear where it is hard.</p></main></body></html>")
    text = prose_text(html)
    assert "Pursuant" not in text and "Still part" not in text
    assert "Use the form" in text and "Read your text aloud" in text and "Short sentences" in text


def test_every_list_entry_is_the_plainlanguage_gov_lists_own():
    """Word-list advice only for the list's own entries: every entry and replacement is
    checked against the table of plainlanguage.gov's "Use simple words and phrases" page
    (a copy of its source in tests/data/plainlanguage-simple-words.md, US government work)."""
    import json
    import re
    from importlib import resources

    src = (Path(__file__).parent / "data" / "plainlanguage-simple-words.md").read_text("utf-8")
    table: dict[str, str] = {}
    for line in src.splitlines():
        if "|" not in line or line.startswith(("----", "<!--")):
            continue
        dont, say = [c.strip().strip("*").strip() for c in line.split("|")[:2]]
        for entry in dont.split(","):
            table[entry.strip().strip("*").strip().lower()] = say.strip("*").strip()
    ours = json.loads(resources.files("checks").joinpath("data/plain_language_words.json").read_text())["words"]
    for entry, say in ours.items():
        match = entry if entry in table else next((k for k in table if k.startswith(entry + " ")), None)
        assert match, f"{entry!r} is not on the plainlanguage.gov list"
        def options(say: str) -> set[str]:
            # the list's typo "inspite"; its dated example "by 10 May" stands for any date
            return {re.sub(r"\(omit\)\s*| 1?\d+ May| 1600", "", s).strip().replace("inspite", "in spite")
                    for s in say.split(",")} - {""}

        assert options(say) <= options(table[match]), (entry, say, table[match])


def test_word_list_is_large_enough():
    import json
    from importlib import resources

    words = json.loads(resources.files("checks").joinpath("data/plain_language_words.json").read_text())["words"]
    assert len(words) >= 100 and words["utilize"] == "use"


def test_target_grade_is_a_scan_setting():
    from auditor import checking
    from auditor.scan import Scanner
    from auditor.settings import Settings
    from auditor.store import Store

    try:
        Scanner(Settings(start_urls=["http://127.0.0.1/"], target_grade=40), Store(":memory:"))
        lenient = run_page("plain-readability", page(DENSE))
        assert lenient.status is Status.PASS and "target grade 40" in lenient.detail
    finally:
        checking.PARAMS.pop("target_grade", None)
    assert run_page("plain-readability", page(DENSE)).status is not Status.PASS


def test_complex_words_equal_one_alternation_of_the_whole_list():
    """The per-first-word lookup finds exactly what one regex of every entry (longest
    first, whole words, any case) finds: phrases, hyphenated entries, overlaps, case,
    words glued to punctuation or to other letters."""
    import random
    import re

    from checks.plain_language import _WORDS, _phrase_patterns, complex_words

    def reference(text, entries=_WORDS):
        every = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(entries, key=len, reverse=True))
                           + r")\b", re.I)
        found = {}
        for m in every.finditer(text):
            found[m.group(1).lower()] = found.get(m.group(1).lower(), 0) + 1
        return found

    rng = random.Random(7)
    entries = sorted(_WORDS)
    filler = ["the", "a", "use", "in", "order", "to", "of", "state", "art", "x", "utilizes", "-", ",", ".", "_"]
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 40)):
            w = rng.choice(entries) if rng.random() < 0.4 else rng.choice(filler)
            w = w.upper() if rng.random() < 0.1 else w.title() if rng.random() < 0.1 else w
            parts.append(w)
            parts.append(rng.choice([" ", " ", " ", ", ", ".", "-", "", "\n"]))
        text = "".join(parts)
        assert complex_words(text) == reference(text), text
    assert complex_words(asset("plain", "bureaucratic.html")) == reference(asset("plain", "bureaucratic.html"))
    assert complex_words("In order to utilize it, in order to-day") == reference("In order to utilize it, in order to-day")
    # entries that are prefixes of others, with the same first word: the longest wins
    entries = ["in order", "in order to", "order", "to", "state-of-the-art", "state", "a number of", "a"]
    patterns = _phrase_patterns(entries)
    for text in ("in order to go", "In Order to-day", "state-of-the-artist", "a number of a", "in order",
                 "state-of-the-art state", "to in order to order"):
        assert complex_words(text, patterns) == reference(text, entries), text


# --- prose only (real sites: plainlanguage.gov, designsystem.digital.gov) ---------------------

PROSE_PAGE = """<!DOCTYPE html><html lang="en"><body><header><nav><a href="/">Home</a></nav></header><main>
<nav class="usa-breadcrumb"><ol><li><a href="/examples/">Examples</a></li></ol></nav>
<h1>Ambiguous wording rewritten</h1>
<p>Here are some examples of how plain language clears up problems caused by ambiguous wording.</p>
<table class="example-table"><tr><th>Before</th><th>After</th></tr>
<tr><td>This regulation governs disaster assistance for services to prevent hardship caused by fire, flood, or acts
of nature that are not provided by FEMA or the Red Cross.</td><td>This rule covers disaster help.</td></tr></table>
<ul class="usa-card-group"><li class="usa-card"><h2>Award winners</h2><p>See who won</p></li></ul>
<ul><li><a href="/a/">Write for your audience</a></li><li><a href="/b/">Organize the information</a></li></ul>
<p>We delete old records after <a href="/rules/">seven years</a>, as the law says we must do.</p>
<blockquote><p>Pursuant to the aforementioned provisions, the applicant shall utilize the form.</p></blockquote>
<pre><code>utilize(previous)</code></pre>
<nav class="usa-pagination"><a href="/p/1">Previous</a> <a href="/p/3">Next</a></nav>
<div class="pager"><a href="/p/1">Previous: Organize the information</a></div>
<figure><img src="x.png" alt=""><figcaption>Figure 1: a previous version of the form, utilized in 2019</figcaption></figure>
</main><footer><p>Previous versions of this page are kept in the archive of the agency.</p></footer></body></html>"""


def test_prose_is_only_the_running_text_of_the_main_content():
    from checks._content import prose_text

    text = prose_text(PROSE_PAGE)
    assert "Here are some examples of how plain language" in text
    assert "We delete old records after seven years, as the law says we must do." in text
    for absent in ("Before", "This regulation governs", "Award winners", "See who won", "Write for your audience",
                   "Pursuant", "utilize(previous)", "Previous", "Figure 1", "archive", "Examples"):
        assert absent not in text, absent


def test_word_advice_only_for_the_sites_own_running_prose():
    from checks._content import prose_text
    from checks.plain_language import complex_words

    # "previous" (pagination, a caption, the footer) and "utilize" (a quotation, code) are not prose
    assert set(complex_words(prose_text(PROSE_PAGE))) <= {"delete"}


def test_sentences_split_where_real_sites_end_them():
    """Sampled long-sentence and passive findings on four federal site builds: a quotation
    closing a sentence, an unrendered kramdown attribute, an abbreviation, a line break and a
    block ending in a colon before a list."""
    from checks._content import prose_text
    from checks.plain_language import sentences

    got = sentences("He decreed it be written in “layman’s terms.” In 1977, the FCC issued rules. Was there "
                    "anything left?” Five to ten minutes to go. Do not hide usa-banner__content. {:.usa-content-list}- "
                    "Some sites do not. We use the U.S. Web Design System, as Dr. Lee says.")
    assert got == ["He decreed it be written in “layman’s terms.”", "In 1977, the FCC issued rules.",
                   "Was there anything left?”", "Five to ten minutes to go.", "Do not hide usa-banner__content.",
                   "{:.usa-content-list}- Some sites do not.", "We use the U.S. Web Design System, as Dr. Lee says."]
    html = ("<html><body><main><p>Please read the guidance resources below, which will answer the questions that "
            "these office hours do not cover in full:</p><ul><li>Instructions</li></ul>"
            "<p><strong>DATE:</strong> April 21, 2023<br><strong>WHERE:</strong> Virtual<br>"
            "<strong>WHO:</strong> Agency points of contact designated to support the annual assessment</p>"
            "<p>The summit brought people together to talk about the law and its reach... "
            "<a href='/e/'>Read more<span class='appended-url'> (https://www.section508.gov/e/)</span></a></p>"
            "</main></body></html>")
    text = prose_text(html)
    assert "DATE" not in text and "Virtual" not in text and "https://" not in text
    assert sentences(text)[0].endswith("do not cover in full:")


def test_passive_voice_is_an_action_not_a_state():
    from checks.plain_language import passive_in

    for s in ("The form was signed by the director.", "These properties must be set before use.",
              "We are pleased by the results.", "The page is supported by Zoom."):
        assert passive_in(s), s
    for s in ("Still, we are pleased with how our feedback channels have scaled.",
              "There was limited progress in the 1980s.", "Use a combo box when screen space is limited.",
              "The team is dedicated to monitoring compliance."):
        assert not passive_in(s), s
