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
  const hidden = (el) => !!el.closest('[hidden],[aria-hidden=true]') || getComputedStyle(el).display === 'none';
  const headings = [];
  for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')) {
    if (headings.length >= 300) break;
    if (hidden(h)) continue;
    const level = h.getAttribute('role') === 'heading' ? Number(h.getAttribute('aria-level') || 2) : Number(h.tagName[1]);
    headings.push({level, text: (h.textContent || '').trim().slice(0, 120), selector: path(h), snippet: h.outerHTML.slice(0, 300)});
  }
  const name = (a) => {
    const lb = a.getAttribute('aria-labelledby');
    if (lb) {
      const t = lb.split(/\s+/).map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent.trim()).join(' ');
      if (t) return t;
    }
    const al = (a.getAttribute('aria-label') || '').trim();
    if (al) return al;
    let t = (a.innerText || a.textContent || '').trim();
    if (!t) { const img = a.querySelector('img[alt]'); if (img) t = img.alt.trim(); }
    return t || (a.getAttribute('title') || '').trim();
  };
  const links = [];
  for (const a of document.querySelectorAll('a[href]')) {
    if (links.length >= 1000) break;
    if (hidden(a)) continue;
    const n = name(a).replace(/\s+/g, ' ');
    const warned = /new (window|tab)|opens? in|external/i.test(n + ' ' + (a.getAttribute('title') || '')) ||
      !!a.querySelector('[class*=external],[class*=new-window],[class*=new-tab]');
    links.push({name: n.slice(0, 150), href: a.href, target: a.getAttribute('target') || '',
                warned, selector: path(a), snippet: a.outerHTML.slice(0, 300)});
  }
  return {headings, links};
}
