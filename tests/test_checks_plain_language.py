"""Plain language on saved HTML (no browser)."""

from checkhelp import Status, asset, page, run_page

from checks._content import main_text

PLAIN = asset("plain", "plain.html")
DENSE = asset("plain", "bureaucratic.html")
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
    assert run_page("plain-word-choice", page(PLAIN)).status is Status.PASS
    out = run_page("plain-word-choice", page(DENSE))
    msgs = {f.snippet: f.message for f in out.findings}
    assert out.status is Status.WARN
    assert msgs["utilize"] == "\u201cutilize\u201d (1x): use \u201cuse\u201d"
    assert "prior to" in msgs and "subsequent" in msgs
    assert run_page("plain-word-choice", page(SHORT)).status is Status.NOT_APPLICABLE


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
