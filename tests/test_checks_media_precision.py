"""Precision of the media checks on saved measurements (no browser): the W3C ACT cases of
rules 80f0bf (audio or video avoids automatically playing audio, WCAG 1.4.2), eac66b (video
auditory content has an accessible alternative, WCAG 1.2.2), c5a4ea/1ec09b/1ea59c (video visual
content has an audio description or alternative, WCAG 1.2.3/1.2.5), c3232f/ee13b5/fd26cf
(video-only content has an alternative, WCAG 1.2.1) and 1a02b0/ab4d13 (transcript, media
alternative for text) as the static probe and the media action (``auditor/gatherers/media.py``)
record them, and the barriers they resemble."""

from __future__ import annotations

import math

import pytest

from auditor.model import PageArtifacts, Status
from checks.media import (
    audio_description_verdict,
    autoplay_verdict,
    media_audio_description,
    media_autoplay,
    media_captions,
    media_motion,
    media_transcript,
    media_video_only_alternative,
    play_seconds,
    video_only_verdict,
)

URL = "http://127.0.0.1/p.html"


def item(tag="video", *, captions=False, autoplay=False, muted=False, controls=False, loop=False,
         visible=True, sel="#m", descriptions=False, alternatives=(), label="") -> dict:
    """One element as ``probes/media_motion.js`` records it."""
    out = {"tag": tag, "selector": sel, "snippet": f"<{tag}>", "captions": captions, "autoplay": autoplay,
           "muted": muted, "controls": controls, "loop": loop, "visible": visible, "descriptions": descriptions}
    if tag == "video":
        out.update(alternatives=list(alternatives), media_alt_label=label)
    return out


def meas(tag="video", *, audio="audible", duration=13.7, fragment=None, autoplay=False, muted=False,
         controls=False, loop=False, visible=True, controlled_by=(), reason="", sel="#m", has_video=None) -> dict:
    """One element as the media action measures it."""
    if has_video is None:
        has_video = tag == "video"
    return {"tag": tag, "selector": sel, "visible": visible, "duration": duration, "fragment": fragment,
            "has_video": has_video,
            "paused": True, "muted": muted, "volume": 1, "loop": loop, "autoplay": autoplay, "controls": controls,
            "audio": audio, "audio_reason": reason or {"audible": "sound measured", "silent": "the audio track is silent",
                                                       "none": "no audio track"}.get(audio, "not measured"),
            "controlled_by": list(controlled_by)}


def page(items, measured=None, transcript=False, pause=False) -> PageArtifacts:
    probes = {"media_motion": {"media": list(items), "transcript_link": transcript, "pause_control": pause,
                               "animations": []}}
    if measured is not None:
        probes["media"] = measured if isinstance(measured, dict) else {"media": list(measured)}
    return PageArtifacts(url=URL, final_url=URL, probes=probes)


def status(check, items, measured=None, **kw) -> Status:
    return check.fn(page(items, measured, **kw)).status


# --- 80f0bf: media-autoplay ------------------------------------------------------------

def test_autoplay_with_native_controls_passes():  # 80f0bf passed 1
    a = item("audio", autoplay=True, controls=True)
    assert status(media_autoplay, [a], [meas("audio", autoplay=True, controls=True, duration=27.0)]) is Status.PASS
    assert status(media_autoplay, [a]) is Status.PASS  # controls need no measurement


def test_autoplay_fragment_of_two_seconds_passes():  # 80f0bf passed 2: video.mp4#t=8,10
    m = meas(autoplay=True, fragment={"start": 8, "end": 10})
    assert play_seconds(m) == 2
    assert status(media_autoplay, [item(autoplay=True)], [m]) is Status.PASS


def test_autoplay_with_a_page_button_measured_to_mute_it_passes():  # 80f0bf passed 3
    m = meas(autoplay=True, controlled_by=[{"selector": "#mute", "name": "Mute"}])
    assert status(media_autoplay, [item(autoplay=True)], [m]) is Status.PASS


def test_autoplay_with_sound_and_no_mechanism_fails():  # 80f0bf failed 1 and 2
    out = media_autoplay.fn(page([item("audio", autoplay=True)], [meas("audio", autoplay=True, duration=27.0)]))
    assert out.status is Status.FAIL
    f = out.findings[0]
    assert f.wcag == ["1.4.2"] and f.selector == "#m" and f.snippet and f.fix_hint and f.severity
    assert "27 s" in f.message and "no controls" in f.message


def test_muted_or_silent_autoplay_is_not_flagged():  # 80f0bf inapplicable 1 and 2
    assert status(media_autoplay, [item(autoplay=True, muted=True)], [meas(autoplay=True, muted=True)]) is Status.PASS
    for audio in ("silent", "none"):
        assert status(media_autoplay, [item(autoplay=True)], [meas(autoplay=True, audio=audio)]) is Status.PASS


def test_no_autoplay_is_not_flagged():  # 80f0bf inapplicable 3
    assert status(media_autoplay, [item("audio", controls=True)], [meas("audio", controls=True)]) is Status.PASS


def test_three_seconds_or_less_is_allowed_more_is_not():
    assert autoplay_verdict(item(autoplay=True), meas(autoplay=True, duration=3.0)) is None
    verdict = autoplay_verdict(item(autoplay=True), meas(autoplay=True, duration=3.5))
    assert verdict and verdict[0] is Status.FAIL


def test_a_short_clip_that_loops_plays_forever():
    m = meas(autoplay=True, duration=2.0, loop=True)
    assert math.isinf(play_seconds(m))
    out = media_autoplay.fn(page([item(autoplay=True, loop=True)], [m]))
    assert out.status is Status.FAIL and "endlessly" in out.findings[0].message


@pytest.mark.parametrize("measured", [None, {"error": "timed out after 12s"}, [meas(audio="unknown", duration=None,
                                                                                  reason="the file answered HTTP 404")]])
def test_unmeasured_autoplay_warns_not_fails(measured):
    out = media_autoplay.fn(page([item("audio", autoplay=True)], measured))
    assert out.status is Status.WARN and "Confirm" in out.findings[0].message


def test_unknown_sound_but_measured_short_passes():
    assert status(media_autoplay, [item(autoplay=True)], [meas(autoplay=True, audio="unknown", duration=2.0)]) \
        is Status.PASS


def test_measurement_is_matched_by_selector():
    items = [item(autoplay=True, sel="#a"), item(autoplay=True, sel="#b")]
    measured = [meas(autoplay=True, audio="none", sel="#a"), meas(autoplay=True, sel="#b")]
    out = media_autoplay.fn(page(items, measured))
    assert out.status is Status.FAIL and [f.selector for f in out.findings] == ["#b"]


# --- eac66b: media-captions ------------------------------------------------------------

def test_captions_track_passes():  # eac66b passed 1
    assert status(media_captions, [item(captions=True, controls=True)], [meas()]) is Status.PASS


def test_video_with_sound_and_no_track_warns_what_to_confirm():  # eac66b passed 2, failed 1 and 2
    out = media_captions.fn(page([item(controls=True)], [meas(controls=True)]))
    assert out.status is Status.WARN
    f = out.findings[0]
    assert "burned-in" in f.message and "alternative" in f.message
    assert f.wcag == ["1.2.2"] and f.selector == "#m" and f.snippet and f.fix_hint


def test_hidden_video_is_inapplicable():  # eac66b inapplicable 1 (display: none)
    assert status(media_captions, [item(controls=True, visible=False)],
                  [meas(controls=True, visible=False)]) is Status.NOT_APPLICABLE
    assert status(media_captions, [item(controls=True, visible=False)]) is Status.NOT_APPLICABLE


@pytest.mark.parametrize("audio", ["none", "silent"])
def test_video_without_sound_is_inapplicable(audio):  # eac66b inapplicable 2
    assert status(media_captions, [item(controls=True)], [meas(audio=audio)]) is Status.NOT_APPLICABLE


def test_unmeasured_sound_warns():
    out = media_captions.fn(page([item(controls=True)], [meas(audio="unknown", reason="the file answered HTTP 404")]))
    assert out.status is Status.WARN and "HTTP 404" in out.findings[0].message
    assert status(media_captions, [item(controls=True)]) is Status.WARN


def test_no_media_check_ever_fails_a_video_for_captions():
    for audio in ("audible", "unknown"):
        assert status(media_captions, [item()], [meas(audio=audio)]) is not Status.FAIL


# --- the other media checks read the measurement too -----------------------------------

def test_transcript_skips_audio_measured_silent():
    assert status(media_transcript, [item("audio", controls=True)], [meas("audio", audio="none")]) \
        is Status.NOT_APPLICABLE
    assert status(media_transcript, [item("audio", controls=True)], [meas("audio")]) is Status.WARN


def test_motion_skips_short_or_hidden_autoplaying_video():
    assert status(media_motion, [item(autoplay=True, muted=True)], [meas(autoplay=True, duration=4.0)]) \
        is Status.NOT_APPLICABLE
    assert status(media_motion, [item(autoplay=True, muted=True, visible=False)]) is Status.NOT_APPLICABLE
    assert status(media_motion, [item(autoplay=True, muted=True)], [meas(autoplay=True, duration=4.0, loop=True)]) \
        is Status.WARN
    assert status(media_motion, [item(autoplay=True, muted=True)]) is Status.WARN


# --- c5a4ea, 1ec09b, 1ea59c: media-audio-description ----------------------------------

TRANSCRIPT = 'a link or control near it: "Transcript"'


def test_video_with_sound_and_nothing_beside_it_warns_what_to_confirm():  # 1ea59c failed 1, 1ec09b failed 1
    out = media_audio_description.fn(page([item(controls=True)], [meas(controls=True)]))
    assert out.status is Status.WARN
    f = out.findings[0]
    assert f.wcag == ["1.2.3", "1.2.5"] and f.selector == "#m" and f.snippet and f.severity
    assert "person must confirm" in f.message and "soundtrack already describes" in f.message
    assert "soundtrack already describes" in f.fix_hint


@pytest.mark.parametrize("alt", [
    {"descriptions": True},                                              # c5a4ea failed 4: a description track
    {"alternatives": [TRANSCRIPT]},                                      # c5a4ea passed 2: a transcript link
    {"alternatives": ['a text description near it: "The above video shows"']},  # 1a02b0 passed 1 and 3
    {"alternatives": ["a separate audio track next to it (an audio description?)"]},  # 1ea59c passed 2
    {"alternatives": ["an audio-described file (video-ad.mp4)"]},
    {"label": "See the video below to watch the same information again in video form."},  # c5a4ea passed 3
])
def test_an_alternative_beside_the_video_is_not_flagged(alt):
    v = item(controls=True, **alt)
    assert audio_description_verdict(v, meas(controls=True)) is None
    assert status(media_audio_description, [v], [meas(controls=True)]) is Status.PASS


def test_a_transcript_link_anywhere_counts_for_the_only_video_on_the_page():
    assert status(media_audio_description, [item()], [meas()], transcript=True) is Status.PASS
    two = [item(sel="#a"), item(sel="#b")]
    out = media_audio_description.fn(page(two, [meas(sel="#a"), meas(sel="#b")], transcript=True))
    assert out.status is Status.WARN and len(out.findings) == 2


@pytest.mark.parametrize("m", [meas(audio="silent"), meas(audio="none"),       # c5a4ea inapplicable 1
                               meas(visible=False),                            # c5a4ea inapplicable 2
                               meas(audio="unknown", reason="the file answered HTTP 404"),
                               meas(has_video=False)])                         # an audio file in a <video>
def test_audio_description_needs_a_visible_picture_and_measured_sound(m):
    v = item(visible=m["visible"])
    assert audio_description_verdict(v, m) is None
    assert status(media_audio_description, [v], [m]) is Status.NOT_APPLICABLE


def test_audio_description_never_judges_markup_alone_and_never_fails():
    assert status(media_audio_description, [item()]) is Status.NOT_APPLICABLE
    assert status(media_audio_description, [item()], {"error": "timed out after 12s"}) is Status.NOT_APPLICABLE
    assert status(media_audio_description, [item(captions=True)], [meas()]) is Status.WARN  # captions are not enough
    assert status(media_audio_description, [item("audio")], [meas("audio")]) is Status.NOT_APPLICABLE


# --- c3232f, ee13b5, fd26cf: media-video-only-alternative -------------------------------

@pytest.mark.parametrize("audio", ["silent", "none"])
def test_video_only_with_nothing_beside_it_warns(audio):  # c3232f failed 3, ee13b5 failed 3 (aria-hidden text)
    out = media_video_only_alternative.fn(page([item(controls=True)], [meas(audio=audio)]))
    assert out.status is Status.WARN
    f = out.findings[0]
    assert f.wcag == ["1.2.1"] and "video-only" in f.message and "Confirm" in f.message and f.fix_hint


@pytest.mark.parametrize("alt", [
    {"alternatives": ['a text description near it: "The above video shows a giant fat rabbit"']},  # c3232f passed 1
    {"alternatives": ["a separate audio track next to it (an audio description?)"]},  # c3232f passed 2
    {"label": "See the video below to watch the same information again in video form."},  # fd26cf passed 1
    {"alternatives": [TRANSCRIPT]},                                                     # ee13b5 passed 2
    {"descriptions": True},
])
def test_video_only_with_an_alternative_is_not_flagged(alt):
    v = item(controls=True, **alt)
    assert video_only_verdict(v, meas(audio="silent")) is None
    assert status(media_video_only_alternative, [v], [meas(audio="silent")]) is Status.PASS


@pytest.mark.parametrize("m", [meas(),                                          # c3232f inapplicable 1: has sound
                               meas(audio="silent", visible=False),             # c3232f inapplicable 2: hidden
                               meas(audio="unknown", reason="the file answered HTTP 404"),
                               meas(audio="none", has_video=False)])
def test_video_only_needs_a_visible_picture_measured_without_sound(m):
    v = item(visible=m["visible"])
    assert video_only_verdict(v, m) is None
    assert status(media_video_only_alternative, [v], [m]) is Status.NOT_APPLICABLE


def test_video_only_never_judges_markup_alone():
    assert status(media_video_only_alternative, [item()]) is Status.NOT_APPLICABLE
    assert status(media_video_only_alternative, [item()], [meas(audio="silent")], transcript=True) is Status.PASS
