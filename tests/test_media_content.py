"""Media/motion and page-content checks on saved measurements (no browser)."""

from __future__ import annotations

from auditor.checking import SiteContext
from auditor.model import PageArtifacts, SiteArtifacts, Status
from checks.content import (
    content_heading_levels,
    content_link_purpose,
    content_new_window,
    content_title_unique,
)
from checks.media import media_autoplay, media_captions, media_motion, media_transcript

URL = "http://127.0.0.1/p.html"


def media(tag="video", captions=False, autoplay=False, muted=False, controls=True) -> dict:
    return {"tag": tag, "selector": f"{tag}#m", "snippet": f"<{tag}>", "captions": captions, "autoplay": autoplay,
            "muted": muted, "controls": controls, "loop": False}


def mpage(items=(), transcript=False, pause=False, animations=()) -> PageArtifacts:
    return PageArtifacts(url=URL, final_url=URL, probes={"media_motion": {
        "media": list(items), "transcript_link": transcript, "pause_control": pause, "animations": list(animations)}})


def test_video_captions():
    # no automation sees burned-in captions: a video without a track is for a person to confirm
    assert media_captions.fn(mpage([media()])).status is Status.WARN
    assert media_captions.fn(mpage([media(captions=True)])).status is Status.PASS
    assert media_captions.fn(mpage()).status is Status.NOT_APPLICABLE


def test_audio_transcript_warns_without_a_link():
    assert media_transcript.fn(mpage([media("audio")])).status is Status.WARN
    assert media_transcript.fn(mpage([media("audio")], transcript=True)).status is Status.PASS


def test_autoplay_with_sound_fails_muted_does_not():
    # markup alone (no media measurement): a warning; measured sound for more than 3 s: a failure
    out = media_autoplay.fn(mpage([media("audio", autoplay=True, controls=False)]))
    assert out.status is Status.WARN and "no controls" in out.findings[0].message
    measured = mpage([media("audio", autoplay=True, controls=False)])
    measured.probes["media"] = {"media": [{"selector": "audio#m", "audio": "audible", "duration": 20.0,
                                           "autoplay": True, "controlled_by": []}]}
    out = media_autoplay.fn(measured)
    assert out.status is Status.FAIL and "no controls" in out.findings[0].message
    assert media_autoplay.fn(mpage([media(autoplay=True, muted=True)])).status is Status.PASS


def test_long_animation_without_pause_warns():
    anim = {"selector": ".spin", "snippet": "<div>", "name": "spin", "infinite": True, "ms": None}
    out = media_motion.fn(mpage(animations=[anim]))
    assert out.status is Status.WARN and out.findings[0].wcag == ["2.2.2"]
    assert media_motion.fn(mpage(animations=[anim], pause=True)).status is Status.PASS
    assert media_motion.fn(mpage([media(autoplay=True, muted=True, controls=False)])).status is Status.WARN


def cpage(headings=(), links=()) -> PageArtifacts:
    return PageArtifacts(url=URL, final_url=URL, probes={"content_structure": {"headings": list(headings),
                                                                               "links": list(links)}})


def h(level: int, text: str = "T") -> dict:
    return {"level": level, "text": text, "selector": f"h{level}", "snippet": f"<h{level}>"}


def link(name: str, href: str, target: str = "", warned: bool = False) -> dict:
    return {"name": name, "href": href, "target": target, "warned": warned, "selector": f"a[{href}]", "snippet": "<a>"}


def test_heading_skip_warns_going_down_only():
    out = content_heading_levels.fn(cpage([h(1), h(3, "Eligibility")]))
    assert out.status is Status.WARN and "h1 to h3" in out.findings[0].message
    assert content_heading_levels.fn(cpage([h(1), h(2), h(3), h(2), h(1)])).status is Status.PASS


def test_same_name_different_destination():
    out = content_link_purpose.fn(cpage(links=[link("Read more", "http://h/a"), link("Read more", "http://h/b")]))
    # same name, same (empty) context, two destinations: the targets may still serve one purpose
    # (a redirect, a copy), which only a visit shows: a warning (ACT fd3a94 passed examples 2-6)
    assert out.status is Status.WARN and "Read more" in out.findings[0].message
    same = cpage(links=[link("Home", "http://h/"), link("home", "http://h/#top")])
    assert content_link_purpose.fn(same).status is Status.PASS


def test_new_window_without_warning_is_advisory():
    out = content_new_window.fn(cpage(links=[link("Guide", "http://h/g", "_blank")]))
    assert out.status is Status.WARN
    assert content_new_window.fn(cpage(links=[link("Guide (opens in a new tab)", "http://h/g", "_blank",
                                                   True)])).status is Status.PASS


def test_duplicate_titles_across_the_site():
    pages = [{"url": "http://h/a", "title": "Home"}, {"url": "http://h/b", "title": " home "},
             {"url": "http://h/c", "title": "Contact"}]
    out = content_title_unique.fn(SiteArtifacts(start_url="http://h/"), SiteContext(pages=pages))
    assert out.status is Status.FAIL and sorted(f.page_url for f in out.findings) == ["http://h/a", "http://h/b"]
    assert content_title_unique.fn(SiteArtifacts(start_url="http://h/"),
                                   SiteContext(pages=pages[2:])).status is Status.PASS
