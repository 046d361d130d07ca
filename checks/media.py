"""Media and motion family: captions, transcripts, autoplay and long animations.

Reads ``probes["media_motion"]`` (``auditor/probes/media_motion.js``).
"""

from __future__ import annotations

from auditor.checking import check
from auditor.model import Outcome, PageArtifacts, Severity, Status

from ._probes import conclude, probe, url_of

REQ = ["idea-3a1"]


def _media(page: PageArtifacts, tag: str | None = None) -> tuple[list[dict], dict | None, Outcome | None]:
    data, early = probe(page, "media_motion")
    if early:
        return [], None, early
    items = [m for m in data.get("media", []) if tag is None or m["tag"] == tag]
    return items, data, None


@check(id="media-captions", family="media", title="Videos have captions",
       failure_title="Videos have no captions track",
       description="Prerecorded video with sound needs captions: add <track kind=\"captions\" "
                   "src=\"...vtt\" srclang=\"en\">. See https://www.w3.org/WAI/WCAG22/Understanding/captions-prerecorded",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/captions-prerecorded", requirements=REQ,
       wcag=["1.2.2"], severity=Severity.HIGH, artifacts=("probes",))
def media_captions(page: PageArtifacts) -> Outcome:
    videos, _, early = _media(page, "video")
    if early:
        return early
    if not videos:
        return Outcome(Status.NOT_APPLICABLE, detail="no video")
    return conclude([media_captions.finding(url_of(page), "<video> has no captions or subtitles track.",
                                            selector=v["selector"], snippet=v["snippet"])
                     for v in videos if not v["captions"]])


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
                   "autoplay, or autoplay muted, and provide controls. "
                   "See https://www.w3.org/WAI/WCAG22/Understanding/audio-control",
       help_url="https://www.w3.org/WAI/WCAG22/Understanding/audio-control", requirements=REQ,
       wcag=["1.4.2"], severity=Severity.HIGH, artifacts=("probes",))
def media_autoplay(page: PageArtifacts) -> Outcome:
    items, _, early = _media(page)
    if early:
        return early
    if not items:
        return Outcome(Status.NOT_APPLICABLE, detail="no audio or video")
    findings = []
    for m in items:
        if m["autoplay"] and not m["muted"]:
            findings.append(media_autoplay.finding(
                url_of(page), f"<{m['tag']}> autoplays with sound" + ("" if m["controls"] else " and has no controls")
                + ".", selector=m["selector"], snippet=m["snippet"]))
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
    moving += [{"selector": m["selector"], "snippet": m["snippet"], "name": "video"}
               for m in data.get("media", []) if m["tag"] == "video" and m["autoplay"] and not m["controls"]]
    if not moving:
        return Outcome(Status.NOT_APPLICABLE, detail="no long-running animation")
    if data.get("pause_control"):
        return Outcome(Status.PASS, detail="a pause/stop control is on the page")
    return conclude([media_motion.finding(
        url_of(page), f"{a.get('name') or 'Animation'} runs "
                      + ("forever" if a.get("infinite", True) else f"{a.get('ms', 0) / 1000:.0f} s")
                      + " and the page has no pause or stop control.",
        selector=a["selector"], snippet=a["snippet"], status=Status.WARN) for a in moving])
