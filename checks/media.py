"""Media and motion family: captions, transcripts, audio description, video-only alternatives,
autoplay and long animations.

Reads ``probes["media_motion"]`` (``auditor/probes/media_motion.js``: the markup) and, where
it ran, ``probes["media"]`` (``auditor/gatherers/media.py``: what the files hold, measured in
the page: duration, whether the audio is audible, silent or absent, page buttons that were
seen to pause or mute a clip). A barrier is a FAIL only where it was measured; where the
sound or the length of a clip could not be measured, or where only a person can tell
(burned-in captions, a video that is a labelled alternative for text on the page), the
finding is a WARN that says what to confirm.
"""

from __future__ import annotations

import math
from typing import Any

from auditor.checking import check
from auditor.model import Outcome, PageArtifacts, Severity, Status

from ._probes import conclude, probe, url_of

REQ = ["idea-3a1"]
#: WCAG 1.4.2 covers audio that plays automatically for more than 3 seconds.
AUDIO_CONTROL_SECONDS = 3.0
#: WCAG 2.2.2 covers moving content that lasts more than 5 seconds.
MOTION_SECONDS = 5.0
NO_SOUND = ("none", "silent")


def _media(page: PageArtifacts, tag: str | None = None) -> tuple[list[dict], dict | None, Outcome | None]:
    data, early = probe(page, "media_motion")
    if early:
        return [], None, early
    items = [m for m in data.get("media", []) if tag is None or m["tag"] == tag]
    return items, data, None


def measurements(page: PageArtifacts) -> dict[str, dict[str, Any]]:
    """The media action's measurement of each element, by selector (empty where it did not
    run or failed: the checks then judge the markup alone, and warn rather than fail)."""
    data = (page.probes or {}).get("media")
    if not isinstance(data, dict) or data.get("error"):
        return {}
    return {m["selector"]: m for m in data.get("media", []) if m.get("selector")}


def play_seconds(meas: dict[str, Any] | None) -> float | None:
    """How long the clip plays from start to stop: its duration, bounded by a media fragment
    (``#t=8,10`` plays 2 s); infinite when it loops or is a live stream; None when unknown."""
    if not meas:
        return None
    if meas.get("loop") or meas.get("duration") == "infinite":
        return math.inf
    duration = meas.get("duration")
    frag = meas.get("fragment") or {}
    start = float(frag.get("start") or 0)
    end = frag.get("end")
    if end is not None:
        end = float(end) if duration is None else min(float(end), float(duration))
        return max(0.0, end - start)
    if duration is None:
        return None
    return max(0.0, float(duration) - start)


def _seconds(s: float) -> str:
    return "endlessly" if math.isinf(s) else f"{s:.0f} s"


def autoplay_verdict(item: dict[str, Any], meas: dict[str, Any] | None) -> tuple[Status, str] | None:
    """WCAG 1.4.2 for one element: None when it passes or does not apply, else the status and
    the message. Passes: not autoplaying, muted, native controls (a mechanism to pause), a page
    button measured to pause or mute it, no audio or a silent track, 3 s or less of play."""
    tag = item["tag"]
    autoplay = item.get("autoplay") or bool(meas and meas.get("autoplay"))
    muted = item.get("muted") or bool(meas and (meas.get("muted") or meas.get("volume") == 0))
    if not autoplay or muted or item.get("controls") or (meas and meas.get("controls")):
        return None
    if meas and meas.get("controlled_by"):
        return None
    if meas is None:
        return Status.WARN, (f"<{tag}> plays automatically and has no controls; its sound and length were not "
                             "measured. Confirm it plays no sound for more than 3 s, or that the page offers a "
                             "way to pause or mute it.")
    audio = meas.get("audio", "unknown")
    if audio in NO_SOUND:
        return None
    span = play_seconds(meas)
    if span is not None and span <= AUDIO_CONTROL_SECONDS:
        return None
    if audio == "audible" and span is not None:
        return Status.FAIL, (f"<{tag}> plays sound automatically ({_seconds(span)}) with no controls and no "
                             "button on the page that pauses or mutes it.")
    why = meas.get("audio_reason") or "not measured"
    length = "its length is unknown" if span is None else f"it plays {_seconds(span)}"
    return Status.WARN, (f"<{tag}> plays automatically with no controls and {length}; whether it has sound could "
                         f"not be measured ({why}). Confirm it plays no sound for more than 3 s, or that the page "
                         "offers a way to pause or mute it.")


def captions_verdict(item: dict[str, Any], meas: dict[str, Any] | None) -> tuple[Status, str] | None:
    """WCAG 1.2.2 for one video: None when it passes or does not apply (captions track; not
    visible; no audio or a silent track), else a WARN: no automation can see burned-in
    captions or tell that the video is a labelled alternative for text on the page."""
    visible = meas.get("visible") if meas and "visible" in meas else item.get("visible", True)
    if not visible or item.get("captions"):
        return None
    audio = meas.get("audio", "unknown") if meas else "unknown"
    if audio in NO_SOUND:
        return None
    confirm = ("Confirm it has open (burned-in) captions, or that it is a media alternative for text on this "
               "page and labelled as such; otherwise add a captions track.")
    if audio == "audible":
        return Status.WARN, "<video> has sound and no captions or subtitles track. " + confirm
    why = (meas.get("audio_reason") if meas else "") or "not measured"
    return Status.WARN, (f"<video> has no captions or subtitles track; whether it has sound could not be measured "
                         f"({why}). If it has sound: " + confirm[0].lower() + confirm[1:])


def _applies_to_captions(item: dict[str, Any], meas: dict[str, Any] | None) -> bool:
    visible = meas.get("visible") if meas and "visible" in meas else item.get("visible", True)
    return bool(visible) and not (meas and meas.get("audio") in NO_SOUND)


@check(id="media-captions", family="media", title="Videos have captions",
       failure_title="Videos with sound have no captions track",
       description="Prerecorded video with sound needs captions: add <track kind=\"captions\" "
                   "src=\"...vtt\" srclang=\"en\">, or burn open captions into the picture, or label the video "
                   "as a media alternative for text on the page. See https://www.w3.org/WAI/WCAG22/Understanding/captions-prerecorded",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/captions-prerecorded", requirements=REQ,
       wcag=["1.2.2"], severity=Severity.HIGH, artifacts=("probes",))
def media_captions(page: PageArtifacts) -> Outcome:
    videos, _, early = _media(page, "video")
    if early:
        return early
    meas = measurements(page)
    applicable = [v for v in videos if _applies_to_captions(v, meas.get(v["selector"]))]
    if not applicable:
        return Outcome(Status.NOT_APPLICABLE, detail="no visible video with sound" if videos else "no video")
    findings = []
    for v in applicable:
        verdict = captions_verdict(v, meas.get(v["selector"]))
        if verdict:
            findings.append(media_captions.finding(url_of(page), verdict[1], selector=v["selector"],
                                                   snippet=v["snippet"], status=verdict[0]))
    return conclude(findings)


@check(id="media-transcript", family="media", title="Audio has a transcript",
       failure_title="Audio may lack a transcript",
       description="Prerecorded audio needs a text transcript; link to it next to the player. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/audio-only-and-video-only-prerecorded",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/audio-only-and-video-only-prerecorded",
       requirements=REQ, wcag=["1.2.1"], severity=Severity.MEDIUM, artifacts=("probes",))
def media_transcript(page: PageArtifacts) -> Outcome:
    audios, data, early = _media(page, "audio")
    if early:
        return early
    meas = measurements(page)
    # a file measured to hold no sound has nothing to transcribe
    audios = [a for a in audios if (meas.get(a["selector"]) or {}).get("audio") not in NO_SOUND]
    if not audios:
        return Outcome(Status.NOT_APPLICABLE, detail="no audio")
    if data.get("transcript_link"):
        return Outcome(Status.PASS)
    return conclude([media_transcript.finding(url_of(page), "<audio> with no link to a transcript on the page.",
                                              selector=a["selector"], snippet=a["snippet"], status=Status.WARN)
                     for a in audios])


@check(id="media-autoplay", family="media", title="Media does not play sound automatically",
       failure_title="Media plays sound automatically",
       description="Audio that starts by itself for more than 3 seconds must be avoidable: do not "
                   "autoplay, or autoplay muted, or give the player controls (or a page button that pauses "
                   "or mutes it). "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/audio-control",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/audio-control", requirements=REQ,
       wcag=["1.4.2"], severity=Severity.HIGH, artifacts=("probes",))
def media_autoplay(page: PageArtifacts) -> Outcome:
    items, _, early = _media(page)
    if early:
        return early
    if not items:
        return Outcome(Status.NOT_APPLICABLE, detail="no audio or video")
    meas = measurements(page)
    findings = []
    for m in items:
        verdict = autoplay_verdict(m, meas.get(m["selector"]))
        if verdict:
            findings.append(media_autoplay.finding(url_of(page), verdict[1], selector=m["selector"],
                                                   snippet=m["snippet"], status=verdict[0]))
    return conclude(findings)


@check(id="media-motion", family="media", title="Long animations can be paused",
       failure_title="Animations run longer than 5 seconds with no pause control",
       description="Moving content that starts automatically and lasts more than 5 seconds needs a "
                   "pause, stop or hide control (and should honour prefers-reduced-motion). "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/pause-stop-hide",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/pause-stop-hide", requirements=REQ,
       wcag=["2.2.2"], severity=Severity.MEDIUM, artifacts=("probes",))
def media_motion(page: PageArtifacts) -> Outcome:
    data, early = probe(page, "media_motion")
    if early:
        return early
    moving = list(data.get("animations", []))
    meas = measurements(page)

    for m in data.get("media", []):
        # an autoplaying video without controls moves, unless measured hidden or 5 s or shorter
        if m["tag"] != "video" or not m["autoplay"] or m["controls"] or not m.get("visible", True):
            continue
        span = play_seconds(meas.get(m["selector"]))
        if span is not None and span <= MOTION_SECONDS:
            continue
        moving.append({"selector": m["selector"], "snippet": m["snippet"], "name": "video",
                       "infinite": span is not None and math.isinf(span),
                       "ms": None if span is None or math.isinf(span) else round(span * 1000)})
    if not moving:
        return Outcome(Status.NOT_APPLICABLE, detail="no long-running animation")
    if data.get("pause_control"):
        return Outcome(Status.PASS, detail="a pause/stop control is on the page")
    return conclude([media_motion.finding(
        url_of(page), f"{a.get('name') or 'Animation'} runs "
                      + ("forever" if a.get("infinite", True) else
                         "for a length not measured" if a.get("ms") is None else f"{a['ms'] / 1000:.0f} s")
                      + " and the page has no pause or stop control.",
        selector=a["selector"], snippet=a["snippet"], status=Status.WARN) for a in moving])


# --- what a video offers in place of its picture (WCAG 1.2.1, 1.2.3, 1.2.5) ---------------

def _visible(item: dict[str, Any], meas: dict[str, Any] | None) -> bool:
    return bool(meas.get("visible") if meas and "visible" in meas else item.get("visible", True))


def _single_video_transcript(videos: list[dict], data: dict) -> bool:
    """A page with one visible video and a link naming a transcript anywhere on it: that is
    taken as the video's transcript (a miss is cheaper than a false alarm)."""
    return bool(data.get("transcript_link")) and sum(1 for v in videos if v.get("visible", True)) == 1


def provided_alternative(item: dict[str, Any], page_transcript: bool = False) -> str:
    """What the page offers next to the video in place of its picture, as the probe found it
    ('' when nothing): a ``kind="descriptions"`` track, a transcript or audio-description link,
    a text description, an audio track beside the player, ``aria-describedby`` text, an
    audio-described file, or a visible label saying the video is a media alternative for text."""
    if item.get("descriptions"):
        return 'a <track kind="descriptions">'
    alts = item.get("alternatives") or []
    if alts:
        return alts[0]
    if item.get("media_alt_label"):
        return f'a label saying it is a media alternative for text ("{item["media_alt_label"][:60]}")'
    if page_transcript:
        return "a transcript link on the page"
    return ""


def audio_description_verdict(item: dict[str, Any], meas: dict[str, Any] | None,
                              page_transcript: bool = False) -> tuple[Status, str] | None:
    """WCAG 1.2.3 / 1.2.5 for one video: a WARN when a visible video with a picture and
    *measured* audible sound has no description track, no transcript or text alternative
    near it and no label saying it is a media alternative for text; else None (hidden, silent,
    sound unknown, no picture, or an alternative provided). Never a FAIL: only a person can
    tell whether the soundtrack already describes what is shown."""
    if item.get("tag") != "video" or not _visible(item, meas) or not meas:
        return None
    if meas.get("audio") != "audible" or meas.get("has_video") is False:
        return None
    if provided_alternative(item, page_transcript):
        return None
    return Status.WARN, ("<video> has sound and a picture, and no audio description track, no transcript or text "
                         "description near it and no label saying it is a media alternative for text. A person "
                         "must confirm whether its soundtrack already describes what is shown (a narrator who "
                         "says what happens on screen is enough); if it does not, provide an audio-described "
                         "version or a transcript that describes the visuals.")


def video_only_verdict(item: dict[str, Any], meas: dict[str, Any] | None,
                       page_transcript: bool = False) -> tuple[Status, str] | None:
    """WCAG 1.2.1 for one video-only clip: a WARN when a visible video *measured* silent or
    without an audio track has no transcript, text description or audio track near it and no
    label saying it is a media alternative for text; else None. Never a FAIL: a person must
    confirm that the picture carries information (a decorative loop needs no alternative)."""
    if item.get("tag") != "video" or not _visible(item, meas) or not meas:
        return None
    if meas.get("audio") not in NO_SOUND or meas.get("has_video") is False:
        return None
    if provided_alternative(item, page_transcript):
        return None
    sound = "has no audio track" if meas.get("audio") == "none" else "has a silent audio track"
    return Status.WARN, (f"<video> {sound} (video-only) and no transcript, text description or audio track near "
                         "it, and no label saying it is a media alternative for text. Confirm the picture carries "
                         "no information, or provide a text alternative (a transcript describing what is shown) "
                         "or an audio track that describes it.")


def _alternative_check(page: PageArtifacts, spec: Any, verdict: Any, applies: Any, none: str) -> Outcome:
    videos, data, early = _media(page, "video")
    if early:
        return early
    meas = measurements(page)
    page_transcript = _single_video_transcript(videos, data)
    applicable = [v for v in videos if applies(v, meas.get(v["selector"]))]
    if not applicable:
        return Outcome(Status.NOT_APPLICABLE, detail=none if videos else "no video")
    findings = []
    for v in applicable:
        out = verdict(v, meas.get(v["selector"]), page_transcript)
        if out:
            findings.append(spec.finding(url_of(page), out[1], selector=v["selector"], snippet=v["snippet"],
                                         status=out[0]))
    return conclude(findings)


def _applies_audio_description(item: dict[str, Any], meas: dict[str, Any] | None) -> bool:
    return (_visible(item, meas) and bool(meas) and meas.get("audio") == "audible"
            and meas.get("has_video") is not False)


def _applies_video_only(item: dict[str, Any], meas: dict[str, Any] | None) -> bool:
    return (_visible(item, meas) and bool(meas) and meas.get("audio") in NO_SOUND
            and meas.get("has_video") is not False)


@check(id="media-audio-description", family="media", title="Videos have an audio description or text alternative",
       failure_title="Videos may lack an audio description",
       description="What a prerecorded video shows must reach people who cannot see it. A person must "
                   "confirm whether the soundtrack already describes what is shown; if it does not, offer an "
                   "audio-described version (or an audio description track), or a transcript next to the "
                   "player that describes the visuals, or label the video as a media alternative for text on "
                   "the page. See https://www.w3.org/WAI/WCAG22/Understanding/audio-description-prerecorded",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/audio-description-prerecorded", requirements=REQ,
       wcag=["1.2.3", "1.2.5"], severity=Severity.MEDIUM, artifacts=("probes",))
def media_audio_description(page: PageArtifacts) -> Outcome:
    return _alternative_check(page, media_audio_description, audio_description_verdict, _applies_audio_description,
                              "no visible video with measured sound")


@check(id="media-video-only-alternative", family="media", title="Video-only content has a text or audio alternative",
       failure_title="Video-only content may lack an alternative",
       description="A prerecorded video with no sound needs a text alternative (a transcript next to the "
                   "player describing what is shown) or an audio track that describes it, unless it is a "
                   "labelled media alternative for text on the page. Confirm whether the picture carries "
                   "information. See https://www.w3.org/WAI/WCAG22/Understanding/audio-only-and-video-only-prerecorded",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/audio-only-and-video-only-prerecorded",
       requirements=REQ, wcag=["1.2.1"], severity=Severity.MEDIUM, artifacts=("probes",))
def media_video_only_alternative(page: PageArtifacts) -> Outcome:
    return _alternative_check(page, media_video_only_alternative, video_only_verdict, _applies_video_only,
                              "no visible video measured without sound")
