() => {
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
  const snip = (el) => el.outerHTML.slice(0, 300);
  // a video no one can see has no captions to show (display:none, zero size, visibility:hidden)
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const transcriptLink = [...document.querySelectorAll('a[href]')].some(
    a => /transcript/i.test((a.textContent || '') + ' ' + (a.getAttribute('aria-label') || '')));
  // --- what a video offers in place of its picture (WCAG 1.2.1, 1.2.3, 1.2.5) -----------
  // Only markup next to the player counts: its siblings (two each side) and those of its
  // parent and grandparent, and a small container (a figure, a player wrapper) it sits in.
  const ROOTS = new Set(['BODY', 'HTML', 'MAIN']);
  const nearby = (el) => {
    const out = new Set();
    let node = el;
    for (let depth = 0; depth < 3 && node && !ROOTS.has(node.tagName); depth++) {
      for (const dir of ['previousElementSibling', 'nextElementSibling']) {
        let s = node[dir];
        for (let i = 0; i < 2 && s; i++, s = s[dir]) out.add(s);
      }
      const parent = node.parentElement;
      if (!parent || ROOTS.has(parent.tagName)) break;
      if ((parent.textContent || '').length > 3000) break;
      if (parent.tagName === 'FIGURE' || depth === 0) out.add(parent);
      node = parent;
    }
    out.delete(el);
    return [...out];
  };
  // exposed to assistive technology (an off-screen paragraph is; aria-hidden or display:none is not)
  const exposed = (el) => {
    if (el.closest('[aria-hidden="true"]')) return false;
    const cs = getComputedStyle(el);
    return cs.display !== 'none' && cs.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  // rendered on screen for everyone: a label must be seen to say what the video is
  const shown = (el) => exposed(el) && (() => {
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0;
  })();
  const text = (el) => (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 3000);
  const name = (el) => ((el.textContent || '') + ' ' + (el.getAttribute('aria-label') || '') + ' ' +
                        (el.getAttribute('title') || '')).replace(/\s+/g, ' ');
  const ALT_LINK = /\b(transcripts?|text (version|alternative|description)|video description|audio[- ]described|described version|audio description|descriptive (transcript|audio))\b/i;
  const ALT_TEXT = /\b(the|this) (above |preceding |following |previous )?video (shows|depicts|features|illustrates|demonstrates|begins|opens|starts)\b|^\s*(video )?(transcript|text description|video description|audio description|description of the video)\b/i;
  const ALT_LABEL = /\b(watch|listen to|see) the same (information|content|text)\b|\bsame (information|content) (again )?(in|as) (a |an )?(video|audio)\b|\b(video|audio) (version|alternative) (of|to|for) (this|the) (page|text|article|content|information)\b|\balternative (to|for) the (text|article) (on|of) this page\b/i;
  const DESCRIBED_SRC = /audio[-_ ]?descri|described|[-_]ad\.(mp4|webm|m4v|mov)\b/i;
  const alternatives = (m, src) => {
    const found = [];
    const near = nearby(m);
    for (const n of near) {
      const links = [n, ...n.querySelectorAll('a[href], button, [role=button], summary')].filter(
        x => x.matches('a[href], button, [role=button], summary'));
      const link = links.find(a => exposed(a) && ALT_LINK.test(name(a)));
      if (link) { found.push('a link or control near it: "' + name(link).trim().slice(0, 60) + '"'); break; }
    }
    for (const n of near) {
      const parts = [n, ...n.querySelectorAll('p, h2, h3, h4, h5, h6, summary, figcaption, div, section')];
      const t = parts.find(x => exposed(x) && ALT_TEXT.test(text(x)));
      if (t) { found.push('a text description near it: "' + text(t).slice(0, 60) + '"'); break; }
    }
    for (const n of near) {
      if ((n.tagName === 'AUDIO' || n.querySelector('audio')) && !n.contains(m)) {
        found.push('a separate audio track next to it (an audio description?)'); break;
      }
    }
    const ids = (m.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const described = ids.map(id => document.getElementById(id)).filter(e => e && !e.closest('[aria-hidden="true"]'))
      .map(text).join(' ');
    if (described.length >= 40) found.push('aria-describedby text: "' + described.slice(0, 60) + '"');
    if (DESCRIBED_SRC.test(src)) found.push('an audio-described file (' + src.split('/').pop().slice(0, 60) + ')');
    return found;
  };
  const mediaAltLabel = (m) => {
    const own = name(m);
    if (ALT_LABEL.test(own)) return own.trim().slice(0, 120);
    for (const n of nearby(m)) {
      const parts = [n, ...n.querySelectorAll('p, span, h2, h3, h4, h5, h6, figcaption, div, label')];
      const t = parts.find(x => shown(x) && ALT_LABEL.test(text(x)));
      if (t) { const s = text(t); const i = s.search(ALT_LABEL); return s.slice(Math.max(0, i - 20), i + 100); }
    }
    return '';
  };
  const media = [];
  for (const m of document.querySelectorAll('video, audio')) {
    if (media.length >= 50) break;
    const tracks = [...m.querySelectorAll('track')].map(t => (t.getAttribute('kind') || 'subtitles').toLowerCase());
    const src = m.currentSrc || m.getAttribute('src') || (m.querySelector('source[src]') || {}).src || '';
    const item = {tag: m.tagName.toLowerCase(), selector: path(m), snippet: snip(m),
                  captions: tracks.some(k => k === 'captions' || k === 'subtitles'),
                  descriptions: tracks.includes('descriptions'),
                  autoplay: m.hasAttribute('autoplay'), muted: m.muted || m.hasAttribute('muted'),
                  controls: m.hasAttribute('controls'), loop: m.hasAttribute('loop'), visible: visible(m)};
    if (item.tag === 'video') {
      item.alternatives = alternatives(m, src);
      item.media_alt_label = mediaAltLabel(m);
    }
    media.push(item);
  }
  const pauseControl = [...document.querySelectorAll('button, [role=button], a[href], input[type=button]')].some(
    b => /\b(pause|stop|play)\b/i.test((b.textContent || '') + ' ' + (b.getAttribute('aria-label') || '') + ' ' + (b.value || '')));
  const animations = [];
  for (const a of document.getAnimations ? document.getAnimations() : []) {
    if (animations.length >= 20) break;
    const t = a.effect && a.effect.getComputedTiming ? a.effect.getComputedTiming() : {};
    const total = t.activeDuration === Infinity || t.endTime === Infinity ? Infinity : (t.endTime || 0);
    const target = a.effect && a.effect.target;
    if (!target || total <= 5000 || a.playState !== 'running') continue;
    animations.push({selector: path(target), snippet: snip(target), name: a.animationName || '',
                     infinite: total === Infinity, ms: total === Infinity ? null : Math.round(total)});
  }
  for (const m of document.querySelectorAll('marquee, blink')) {
    if (animations.length >= 20) break;
    animations.push({selector: path(m), snippet: snip(m), name: m.tagName.toLowerCase(), infinite: true, ms: null});
  }
  return {media, transcript_link: transcriptLink, pause_control: pauseControl, animations};
}
