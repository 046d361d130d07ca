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
  const media = [];
  for (const m of document.querySelectorAll('video, audio')) {
    if (media.length >= 50) break;
    const tracks = [...m.querySelectorAll('track')].map(t => (t.getAttribute('kind') || 'subtitles').toLowerCase());
    media.push({tag: m.tagName.toLowerCase(), selector: path(m), snippet: snip(m),
                captions: tracks.some(k => k === 'captions' || k === 'subtitles'),
                autoplay: m.hasAttribute('autoplay'), muted: m.muted || m.hasAttribute('muted'),
                controls: m.hasAttribute('controls'), loop: m.hasAttribute('loop'), visible: visible(m)});
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
