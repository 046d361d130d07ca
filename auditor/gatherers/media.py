"""Media measurements for ``checks/media.py`` (WCAG 1.2.1, 1.2.2, 1.2.3, 1.2.5, 1.4.2, 2.2.2).

The static probe (``probes/media_motion.js``) sees markup only: an ``autoplay`` attribute,
a ``<track>``. Whether a clip *has sound* and *how long it plays* are properties of the
file, so this action measures them in the page, for each ``<video>``/``<audio>``:

* **duration**: metadata is awaited (all elements together, at most ``METADATA_WAIT_MS``);
  a media fragment (``clip.mp4#t=8,10``) bounds the span that plays.
* **sound**: the file is fetched again (from the page's own host only, same credentials,
  at most ``MAX_BYTES``, all files within ``DECODE_WAIT_MS``) and its audio decoded with an
  ``OfflineAudioContext`` (no playback, no autoplay policy, nothing heard); the peak sample
  says *audible* or *silent* (a "silent" track of digital zeros is common in screen
  recordings). A file that decodes to nothing while the element reports no audio track
  (``captureStream``) has *no audio track*. Streams (MediaSource ``blob:``), cross-origin
  files, 404s and files over the cap stay *unknown*, with the reason.
* **page controls**: on a page with media that would play by itself, each visible button
  named like a media control (play, pause, stop, mute, sound, volume) that cannot submit a
  form or follow a link is clicked once in the page; the media states (paused, muted,
  volume) are compared, it is clicked again (toggles go back) and every media element's
  state is put back exactly. A button whose click changed a media element is a
  *measured* mechanism to pause or mute it.

* **picture**: ``has_video`` (``videoWidth`` once metadata is in; None before), so an
  audio-only file played in a ``<video>`` is not taken for a video with visual content.

Only what a check needs is measured: sound is decoded for media that would autoplay
unmuted and for every visible video (captions, audio description and the video-only
alternative all depend on it). Nothing is played.
"""

from __future__ import annotations

from typing import Any

from . import evaluate_json, page_action

MAX_ITEMS = 20
#: All media elements' metadata together, bounded (a stalled server must not stall the page).
METADATA_WAIT_MS = 1500
#: All fetches and decodes of a page together.
DECODE_WAIT_MS = 4000
#: A larger file is not fetched again (its sound stays unknown and the checks warn).
MAX_BYTES = 4 * 1024 * 1024
#: Peak sample amplitude below which a track counts as silent (-60 dBFS).
SILENCE_PEAK = 0.001
#: Decoding sample rate (Hz): 4 MB of compressed audio is at most a few minutes, ~10 MB of samples.
DECODE_SAMPLE_RATE = 8000
MAX_BUTTONS = 6

MEDIA_JS = r"""
async ({maxItems, metadataMs, decodeMs, maxBytes, silence, maxButtons, sampleRate}) => {
  const path = (el) => {
    if (el.id) return '#' + CSS.escape(el.id);
    const parts = [];
    while (el && el.nodeType === 1 && parts.length < 5) {
      let p = el.tagName.toLowerCase();
      if (el.id) { parts.unshift('#' + CSS.escape(el.id)); break; }
      const sib = el.parentElement ? [...el.parentElement.children].filter(c => c.tagName === el.tagName) : [];
      if (sib.length > 1) p += ':nth-of-type(' + (sib.indexOf(el) + 1) + ')';
      parts.unshift(p);
      el = el.parentElement;
    }
    return parts.join(' > ');
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const timeout = (ms) => new Promise(r => setTimeout(r, Math.max(0, ms)));
  const items = [...document.querySelectorAll('video, audio')].slice(0, maxItems);
  // 1. metadata, all elements together and bounded
  const metaEnd = performance.now() + metadataMs;
  await Promise.all(items.map(m => (m.readyState >= 1 || m.error || m.networkState === 3) ? null :
    Promise.race([timeout(metaEnd - performance.now()), new Promise(r => {
      m.addEventListener('loadedmetadata', r, {once: true}); m.addEventListener('error', r, {once: true}, true);
    })])));
  const fragment = (src) => {
    const m = /#(?:.*&)?t=(?:npt:)?([\d.]*)(?:,([\d.]+))?/.exec(src || '');
    if (!m) return null;
    return {start: m[1] ? parseFloat(m[1]) : 0, end: m[2] ? parseFloat(m[2]) : null};
  };
  const out = items.map(m => {
    const src = m.currentSrc || m.getAttribute('src') || (m.querySelector('source[src]') || {}).src || '';
    return {tag: m.tagName.toLowerCase(), selector: path(m), visible: visible(m), src: src.slice(0, 300),
            duration: Number.isFinite(m.duration) ? m.duration : (m.duration === Infinity ? 'infinite' : null),
            fragment: fragment(src), ready_state: m.readyState, error: m.error ? m.error.code : null,
            paused: m.paused, muted: m.muted, volume: m.volume, loop: m.loop,
            autoplay: m.autoplay || !m.paused, controls: m.controls,
            // a picture: known once metadata is in (an audio-only file in a <video> has none)
            has_video: m.tagName === 'VIDEO' && m.readyState >= 1 && !m.error ? m.videoWidth > 0 : null,
            audio: 'unknown', audio_reason: 'not measured', peak: null, controlled_by: []};
  });
  // 2. sound, only where a check needs it
  const decodeEnd = performance.now() + decodeMs;
  const measure = async (m, o) => {
    const url = (m.currentSrc || o.src).split('#')[0];
    if (!url) { o.audio_reason = 'no media source'; return; }
    if (!/^https?:/.test(url)) { o.audio_reason = 'a stream (' + url.split(':')[0] + ':), not a file'; return; }
    // only the page's own host is asked again (a CDN's file is left alone)
    if (new URL(url).origin !== location.origin) { o.audio_reason = 'the file is on another host'; return; }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, decodeEnd - performance.now()));
    try {
      const r = await fetch(url, {signal: abort.signal, credentials: 'same-origin'});
      if (!r.ok) { o.audio_reason = 'the file answered HTTP ' + r.status; return; }
      const chunks = []; let size = 0;
      const reader = r.body.getReader();
      for (;;) {
        const {done, value} = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) { abort.abort(); o.audio_reason = 'file larger than ' + (maxBytes >> 20) + ' MB'; return; }
        chunks.push(value);
      }
      const buf = new Uint8Array(size); let at = 0;
      for (const c of chunks) { buf.set(c, at); at += c.byteLength; }
      if (performance.now() > decodeEnd) { o.audio_reason = 'the file took too long to fetch'; return; }
      let decoded = null;
      // decoded at a low rate: the samples of a long file stay small, and speech and music are
      // audible below 4 kHz
      try { decoded = await new OfflineAudioContext(1, 1, sampleRate).decodeAudioData(buf.buffer); } catch (e) { decoded = null; }
      if (!decoded) {
        let tracks = null;
        try { const s = m.captureStream(); tracks = s.getAudioTracks().length; s.getTracks().forEach(t => t.stop()); } catch (e) { tracks = null; }
        if (tracks === 0 && m.readyState >= 1 && !m.error) { o.audio = 'none'; o.audio_reason = 'no audio track'; }
        else o.audio_reason = 'the audio could not be decoded';
        return;
      }
      let peak = 0;
      for (let c = 0; c < decoded.numberOfChannels; c++) {
        const d = decoded.getChannelData(c);
        for (let i = 0; i < d.length; i++) { const v = d[i] < 0 ? -d[i] : d[i]; if (v > peak) peak = v; }
      }
      o.peak = Math.round(peak * 1e5) / 1e5;
      o.audio = peak >= silence ? 'audible' : 'silent';
      o.audio_reason = peak >= silence ? 'sound measured' : 'the audio track is silent';
      if (o.duration === null) o.duration = decoded.duration;
    } catch (e) {
      o.audio_reason = abort.signal.aborted && o.audio_reason === 'not measured' ? 'the file took too long to fetch'
        : (o.audio_reason !== 'not measured' ? o.audio_reason : 'the file could not be fetched (' + e.name + ')');
    } finally { clearTimeout(timer); }
  };
  // every visible video: captions (1.2.2) need its sound, audio description (1.2.3, 1.2.5) and
  // the video-only alternative (1.2.1) need it too, whatever its tracks
  const wanted = (m, o) => (o.autoplay && !o.muted && o.volume > 0) || (o.tag === 'video' && o.visible);
  await Promise.all(items.map((m, i) => wanted(m, out[i]) ? measure(m, out[i]) : null));
  // 3. page controls that operate media that would play by itself
  if (out.some(o => o.autoplay && !o.controls)) {
    const state = () => items.map(m => ({paused: m.paused, muted: m.muted, volume: m.volume, time: m.currentTime}));
    const restore = (s) => items.forEach((m, i) => {
      if (m.muted !== s[i].muted) m.muted = s[i].muted;
      if (m.volume !== s[i].volume) m.volume = s[i].volume;
      if (Math.abs(m.currentTime - s[i].time) > 0.5) { try { m.currentTime = s[i].time; } catch (e) {} }
      if (m.paused !== s[i].paused) { if (s[i].paused) m.pause(); else m.play().catch(() => {}); }
    });
    const named = /\b(play|pause|stop|mute|unmute|sound|audio|volume)\b/i;
    const buttons = [...document.querySelectorAll('button, [role=button], input[type=button]')].filter(b =>
      !b.closest('a[href]') && !b.disabled && visible(b) &&
      !(b.tagName === 'BUTTON' && b.form && b.type !== 'button') &&
      named.test((b.textContent || '') + ' ' + (b.getAttribute('aria-label') || '') + ' ' + (b.value || '') +
                 ' ' + (b.getAttribute('title') || ''))).slice(0, maxButtons);
    for (const b of buttons) {
      const before = state();
      try { b.click(); } catch (e) {}
      const after = state();
      const changed = items.map((m, i) => i).filter(i => before[i].paused !== after[i].paused ||
        before[i].muted !== after[i].muted || before[i].volume !== after[i].volume);
      if (changed.length) { try { b.click(); } catch (e) {} }
      restore(before);
      const name = ((b.textContent || '').trim() || b.getAttribute('aria-label') || b.value || '').slice(0, 60);
      for (const i of changed) out[i].controlled_by.push({selector: path(b), name});
    }
  }
  return {media: out};
}
"""


@page_action("media", order=60, timeout=12.0, families=("media",))
async def measure_media(page: Any, art: Any, settings: Any) -> dict[str, Any]:
    """Duration, sound and page controls of every ``<video>``/``<audio>`` (see the module
    docstring). A page without media costs one quick evaluate."""
    return await evaluate_json(page, MEDIA_JS, {
        "maxItems": MAX_ITEMS, "metadataMs": METADATA_WAIT_MS, "decodeMs": DECODE_WAIT_MS,
        "maxBytes": MAX_BYTES, "silence": SILENCE_PEAK, "maxButtons": MAX_BUTTONS,
        "sampleRate": DECODE_SAMPLE_RATE})
