"""Precision of the media checks on saved measurements (no browser): the W3C ACT cases of
rules 80f0bf (audio or video avoids automatically playing audio, WCAG 1.4.2) and eac66b (video
auditory content has an accessible alternative, WCAG 1.2.2) as the static probe and the media
action (``auditor/gatherers/media.py``) record them, and the barriers they resemble."""

from __future__ import annotations

import math

import pytest

from auditor.model import PageArtifacts, Status
from checks.media import (
    autoplay_verdict,
    media_autoplay,
    media_captions,
    media_motion,
    media_transcript,
    play_seconds,
)

URL = "http://127.0.0.1/p.html"


def item(tag="video", *, captions=False, autoplay=False, muted=False, controls=False, loop=False,
         visible=True, sel="#m") -> dict:
    """One element as ``probes/media_motion.js`` records it."""
    return {"tag": tag, "selector": sel, "snippet": f"<{tag}>", "captions": captions, "autoplay": autoplay,
            "muted": muted, "controls": controls, "loop": loop, "visible": visible}


def meas(tag="video", *, audio="audible", duration=13.7, fragment=None, autoplay=False, muted=False,
         controls=False, loop=False, visible=True, controlled_by=(), reason="", sel="#m") -> dict:
    """One element as the media action measures it."""
    return {"tag": tag, "selector": sel, "visible": visible, "duration": duration, "fragment": fragment,
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
