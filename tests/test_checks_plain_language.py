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
