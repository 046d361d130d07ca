"""Plain language (OMB M-23-22 III.B): readability of the main content, long sentences,
passive voice and words from the federal plain-language list, with the worst passages
quoted.

Only the main content's running prose is measured (paragraphs, list items and definitions
written in sentences; ``checks/_content.py``, ``prose_text``). Readability uses textstat: Flesch-Kincaid grade (the headline) plus Gunning fog and
Flesch reading ease in the detail. The target grade defaults to 8 and can be changed with
the ``IDEA_AUDIT_TARGET_GRADE`` environment variable (checks are pure functions of the
page, so the target is module configuration, read once). Pages with fewer than
``MIN_WORDS`` words of main content are not-applicable: a form or an index page is not
prose.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from importlib import resources
from typing import Any

import textstat
from textstat.backend.counts import _count_syllables


def _never_download() -> None:
    """textstat counts English syllables with NLTK's cmudict and *downloads* it when it is
    missing. Checks do no network I/O, so without a local cmudict textstat falls back to
    its bundled pyphen hyphenation dictionaries (its own fallback for unknown words)."""
    try:
        import nltk

        nltk.data.find("corpora/cmudict")
    except (LookupError, ImportError):
        _count_syllables.get_cmudict = lambda lang: None  # type: ignore[attr-defined]


_never_download()

from auditor.checking import SiteContext, check, param, summarizer
from auditor.model import Outcome, PageArtifacts, Severity, SiteArtifacts, Status, url_path
from auditor.scoring import SEVERITY_WEIGHT

from ._content import prose_text, words
from ._html import page_url, parse

REQ = ["m2322-plain-language"]
W = SEVERITY_WEIGHT
TARGET_GRADE = float(os.environ.get("IDEA_AUDIT_TARGET_GRADE", "8") or 8)
MIN_WORDS = 100
LONG_SENTENCE = 25
LONG_SHARE_FAIL = 0.2  # more than this share of long sentences fails
PASSIVE_SHARE_WARN = 0.1  # plainlanguage.gov: use active voice; a few passives are fine
QUOTES = 3

_LIST = json.loads(resources.files("checks").joinpath("data/plain_language_words.json").read_text("utf-8"))
_WORDS: dict[str, str] = _LIST["words"]
#: The list's "dirty dozen" (bold on plainlanguage.gov): "the 12 offenders most likely to
#: weaken your work", advised first among words used as often.
DIRTY_DOZEN = frozenset(_LIST["dirty_dozen"])
_TOKEN = re.compile(r"\w+")


def _phrase_patterns(entries: Iterable[str], plurals: bool = False) -> dict[str, re.Pattern[str]]:
    """The list's words and phrases grouped by their first word (lowercased), longest first.

    One alternation of all ~190 entries, tried at every position of the text, took ~8 ms a
    page (py-spy of a 150-page scan); a phrase can only start where a word starts, and only
    where that word is its own first word, so each word of the text is looked up and at
    most one short alternation is tried. The matches equal the single regex's
    (tests/test_checks_plain_language.py compares them). With ``plurals`` an entry also
    matches with -s/-es after it ("Components"), and a one-word entry's plural is a key too;
    group 1 is still the entry itself."""
    groups: dict[str, list[str]] = {}
    for w in sorted(entries, key=len, reverse=True):
        first = _TOKEN.match(w)
        if first is None or first.start() != 0:
            raise ValueError(f"plain-language list entry does not start with a word: {w!r}")
        groups.setdefault(first.group(0).lower(), []).append(w)
        if plurals and first.end() == len(w):
            for form in (w + "s", w + "es"):
                groups.setdefault(form.lower(), []).append(w)
    end = r")(?:e?s)?\b" if plurals else r")\b"
    return {k: re.compile("(" + "|".join(re.escape(w) for w in ws) + end, re.I) for k, ws in groups.items()}


_PHRASES = _phrase_patterns(_WORDS)
#: A sentence ends at . ! or ? (after any closing quote or bracket) before a word that does not
#: start in lower case ("layman's terms.” In 1977", "content. {:.usa-content-list}- Some").
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'’”)]))\s+(?=[^a-z\s])")
_IRREGULAR = ("known|given|taken|made|done|seen|written|sent|held|paid|told|found|built|kept|left|"
              "brought|bought|shown|chosen|driven|drawn|begun|broken|forgotten|hidden|spoken|"
              "stolen|thrown|worn|set|put|cut|read|met|sold|led|won|understood|meant|run")
PASSIVE = re.compile(r"\b(am|is|are|was|were|be|been|being)\s+(\w+ly\s+)?(\w+ed|" + _IRREGULAR + r")\b", re.I)
#: Participles used as adjectives after "be" ("we are pleased", "the space is limited"): a state,
#: not an action someone does, unless "by" names the doer (real sites, sampled findings).
ADJECTIVAL = frozenset(("pleased", "excited", "interested", "delighted", "thrilled", "honored", "dedicated",
                        "committed", "located", "situated", "limited", "concerned", "satisfied", "surprised",
                        "worried", "tired", "married", "qualified", "experienced", "skilled", "focused",
                        "prepared", "supposed", "related", "aligned", "detailed", "advanced", "complicated",
                        "talented", "motivated", "ashamed", "confused", "frustrated", "overwhelmed"))


def passive_in(sentence: str) -> re.Match[str] | None:
    """The first passive construction of a sentence: "be" + a past participle, not an
    existential "there was limited progress" and not an adjectival participle without "by"."""
    for m in PASSIVE.finditer(sentence):
        before = sentence[:m.start()].split()
        if before and before[-1].lower() == "there":
            continue
        if m.group(3).lower() in ADJECTIVAL and not re.match(r"\s+by\b", sentence[m.end():], re.I):
            continue
        return m
    return None


def sentences(text: str) -> list[str]:
    """Sentences of ``prose_text``: a block ending in a colon or semicolon ends a sentence
    there (prose_text adds the period; it is taken off again for quoting)."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if pieces and _ABBREVIATION.search(pieces[-1]):
            pieces[-1] += " " + piece  # "the U.S. Web Design System" is one sentence
        else:
            pieces.append(piece)
    return [re.sub(r"([:;])\.$", r"\1", s.strip()) for s in pieces if len(words(s)) >= 3]


#: A period that ends an abbreviation or an initial, not a sentence.
_ABBREVIATION = re.compile(r"(?:\b(?:U\.S|U\.S\.A|Mr|Mrs|Ms|Dr|Prof|St|No|Nos|Jr|Sr|Inc|Ltd|Co|Corp|vs|e\.g|"
                           r"i\.e|Gov|Sen|Rep|Gen|Lt|Col|Jan|Feb|Mar|Apr|Aug|Sep|Sept|Oct|Nov|Dec|Fig|Sec|Pub|L)"
                           r"|(?<![\w.])[A-Z])\.$")


def _prose(page: PageArtifacts) -> tuple[str, Outcome | None]:
    """The main content's running prose (``_content.prose_text``: not navigation, cards, link
    lists, "Previous/Next", captions, code, tables, quotations or marked examples)."""
    text = prose_text(page.html)
    n = len(words(text))
    if n < MIN_WORDS:
        return text, Outcome(Status.NOT_APPLICABLE, detail=f"{n} words of running prose in the main content "
                                                           f"(< {MIN_WORDS})")
    return text, None


def _quote(s: str, limit: int = 300) -> str:
    return s if len(s) <= limit else s[:limit - 1] + "…"


@check(id="plain-readability", family="plain-language", title="Main content reads at the target grade level",
       failure_title="Main content is harder to read than the target grade",
       description="Aim for a U.S. grade 8 reading level (Flesch-Kincaid): short sentences, common words, "
                   "active voice. See plainlanguage.gov.",
       help_url="https://www.plainlanguage.gov/guidelines/", requirements=REQ, severity=Severity.MEDIUM,
       artifacts=("html",), weight=W[Severity.MEDIUM])
def readability(page: PageArtifacts) -> Outcome:
    text, na = _prose(page)
    if na:
        return na
    grade = textstat.flesch_kincaid_grade(text)
    fog = textstat.gunning_fog(text)
    ease = textstat.flesch_reading_ease(text)
    target = float(param("target_grade", TARGET_GRADE))
    detail = f"Flesch-Kincaid grade {grade:.1f}, Gunning fog {fog:.1f}, reading ease {ease:.0f} (target grade {target:g})"
    if grade <= target:
        return Outcome(Status.PASS, detail=detail)
    hardest = sorted(sentences(text), key=lambda s: textstat.flesch_kincaid_grade(s), reverse=True)[:QUOTES]
    status = Status.WARN if grade <= target + 2 else Status.FAIL
    findings = [readability.finding(page_url(page), f"Grade {grade:.1f} > target {target:g}. Hard passage: "
                                    f"\u201c{_quote(s)}\u201d", snippet=_quote(s), status=status,
                                    fix_hint="Split long sentences and swap long words for short ones.")
                for s in hardest]
    return Outcome(status, detail=detail, findings=findings)


@check(id="plain-long-sentences", family="plain-language", title="Sentences are short (25 words or fewer)",
       failure_title="Many sentences are longer than 25 words",
       description="Keep sentences to 25 words or fewer; split the rest (plainlanguage.gov 'Write short sentences').",
       help_url="https://www.plainlanguage.gov/guidelines/concise/write-short-sentences/", requirements=REQ,
       severity=Severity.LOW, artifacts=("html",), weight=W[Severity.LOW])
def long_sentences(page: PageArtifacts) -> Outcome:
    text, na = _prose(page)
    if na:
        return na
    sents = sentences(text)
    long = sorted((s for s in sents if len(words(s)) > LONG_SENTENCE), key=lambda s: -len(words(s)))
    if not long:
        return Outcome(Status.PASS)
    share = len(long) / max(1, len(sents))
    status = Status.FAIL if share > LONG_SHARE_FAIL else Status.WARN
    return Outcome(status, detail=f"{len(long)} of {len(sents)} sentences over {LONG_SENTENCE} words",
                   findings=[long_sentences.finding(page_url(page), f"{len(words(s))}-word sentence: "
                                                    f"\u201c{_quote(s)}\u201d", snippet=_quote(s), status=status)
                             for s in long[:QUOTES]])


@check(id="plain-passive-voice", family="plain-language", title="Mostly active voice",
       failure_title="Passive voice is common",
       description="Prefer active voice: say who does what (\"We review applications\", not \"Applications are "
                   "reviewed\").", help_url="https://www.plainlanguage.gov/guidelines/conversational/use-active-voice/",
       requirements=REQ, severity=Severity.LOW, artifacts=("html",), weight=W[Severity.LOW])
def passive_voice(page: PageArtifacts) -> Outcome:
    text, na = _prose(page)
    if na:
        return na
    sents = sentences(text)
    passive = [s for s in sents if passive_in(s)]
    share = len(passive) / max(1, len(sents))
    if share <= PASSIVE_SHARE_WARN:
        return Outcome(Status.PASS, detail=f"{len(passive)} of {len(sents)} sentences passive")
    return Outcome(Status.WARN, detail=f"{len(passive)} of {len(sents)} sentences passive ({share:.0%})",
                   findings=[passive_voice.finding(page_url(page), f"Passive voice ({passive_in(s).group(0)!r}): "
                                                   f"\u201c{_quote(s)}\u201d", snippet=_quote(s), status=Status.WARN)
                             for s in passive[:QUOTES]])


def complex_words(text: str, patterns: dict[str, re.Pattern[str]] | None = None) -> dict[str, int]:
    """Occurrences of the plain-language list's words and phrases (lowercased) in ``text``,
    matched as whole words, case-insensitively, longest entry first, without overlaps."""
    patterns = _PHRASES if patterns is None else patterns
    found: dict[str, int] = {}
    end = 0
    for tok in _TOKEN.finditer(text):
        if tok.start() < end:
            continue  # inside the phrase matched last
        rx = patterns.get(tok.group(0).lower())
        if rx is None:
            continue
        m = rx.match(text, tok.start())
        if m:
            key = m.group(1).lower()
            found[key] = found.get(key, 0) + 1
            end = m.end()
    return found


WORD_CAP = 12  # words advised per site; the rest are named in the outcome's detail
EXAMPLE_PAGES = 5


def _named_entries(doc) -> list[str]:
    """List entries the page uses as a name of a part of the site: in the label of a
    navigation or header link ("Components" in a design system's menu), singular or plural.
    Headings and titles are not names: they are the site's writing, and advice applies."""
    names = [el.text_content() for el in doc.xpath("//nav//a|//header//a|//*[@role='navigation']//a")]
    return sorted(complex_words(" . ".join(n.strip() for n in names if n and n.strip()), _NAMED))


#: The list's entries, each matching its plural too ("Components").
_NAMED = _phrase_patterns(_WORDS, plurals=True)


@summarizer("plain_words")
def summarize_words(page: PageArtifacts) -> dict[str, Any]:
    """The list's words in the page's running prose (None when the page has too little
    prose to judge) and the list entries the page uses as names."""
    text, na = _prose(page)
    return {"words": None if na else complex_words(text), "named": _named_entries(parse(page.html))}


@check(id="plain-word-choice", family="plain-language", title="Uses simple words",
       failure_title="Uses words the plain-language list replaces",
       description="Swap bureaucratic words for simple ones ('utilize' -> 'use'), per the plainlanguage.gov list.",
       help_url="https://www.plainlanguage.gov/guidelines/words/use-simple-words-phrases/", requirements=REQ,
       severity=Severity.LOW, scope="site", weight=W[Severity.LOW])
def word_choice(site: SiteArtifacts, ctx: SiteContext) -> Outcome:
    """One piece of advice per word for the whole site, not per page: the plainlanguage.gov
    list's entries found in the running prose of the pages with enough prose to judge
    (``MIN_WORDS``), most used first (the list's "dirty dozen" first among equals), at most
    ``WORD_CAP`` of them. A word the site itself
    uses as a name (a navigation link's label on at least a quarter of the pages, and two: a
    design system's "Components") is the site's vocabulary and is not advised; the detail
    says so."""
    uses: defaultdict[str, Counter[str]] = defaultdict(Counter)  # word -> page -> uses
    named: Counter[str] = Counter()
    judged = read = 0
    for p in ctx.pages:
        s = (p.get("summary") or {}).get("plain_words") or {}
        read += bool(s)
        if p.get("error") or (p.get("status_code") or 0) >= 400:
            continue
        named.update(set(s.get("named") or ()))
        if s.get("words") is None:
            continue
        judged += 1
        url = p.get("final_url") or p["url"]
        for w, n in s["words"].items():
            uses[w][url] += n
    if not judged:
        return Outcome(Status.NOT_APPLICABLE, detail=f"no page has {MIN_WORDS} or more words of running prose")
    terms = sorted(w for w in uses if named[w] >= max(2, read / 4))
    ranked = sorted(((w, pages) for w, pages in uses.items() if w not in terms),
                    key=lambda kv: (-kv[1].total(), kv[0] not in DIRTY_DOZEN, -len(kv[1]), kv[0]))
    notes = [f"{judged} page{'s' if judged > 1 else ''} with enough prose read"]
    if terms:
        notes.append("the site's own terms, not advised: " + ", ".join(
            f"\u201c{w}\u201d (a navigation label on {named[w]} pages, used {uses[w].total()}x)" for w in terms))
    if len(ranked) > WORD_CAP:
        notes.append(f"{len(ranked) - WORD_CAP} less used words not listed: " + ", ".join(
            f"{w} ({pages.total()}x)" for w, pages in ranked[WORD_CAP:]))
    if not ranked:
        return Outcome(Status.PASS, detail="; ".join(notes))
    findings = []
    for w, pages in ranked[:WORD_CAP]:
        order = sorted(pages, key=lambda u: (-pages[u], u))
        more = f", and {len(order) - EXAMPLE_PAGES} more" if len(order) > EXAMPLE_PAGES else ""
        where = f"on {len(order)} page{'s' if len(order) > 1 else ''}"
        if len(order) > 1:
            where += " (" + ", ".join(url_path(u) for u in order[:EXAMPLE_PAGES]) + more + ")"
        findings.append(word_choice.finding(
            order[0], f"\u201c{w}\u201d ({pages.total()}x {where}): use \u201c{_WORDS[w]}\u201d",
            snippet=w, status=Status.WARN, fix_hint=f"Replace \u201c{w}\u201d with \u201c{_WORDS[w]}\u201d."))
    return Outcome(Status.WARN, detail="; ".join(notes), findings=findings)
