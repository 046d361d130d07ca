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
  // hidden by itself or by an ancestor (a closed tab panel, a collapsed menu): not perceived
  const hidden = (el) => !!el.closest('[hidden],[aria-hidden=true]') ||
    !(el.checkVisibility ? el.checkVisibility({visibilityProperty: true}) : el.getClientRects().length);
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
  // a link's destination: an HTML <a>'s href is a string, an SVG <a>'s an SVGAnimatedString
  // (href.baseVal, or the older xlink:href), resolved against the document's base URL
  const XLINK = 'http://www.w3.org/1999/xlink';
  const hrefOf = (a) => {
    if (typeof a.href === 'string') return a.href;
    const raw = (a.href && typeof a.href.baseVal === 'string') ? a.href.baseVal
      : (a.getAttribute('href') || a.getAttributeNS(XLINK, 'href') || '');
    try { return new URL(raw, document.baseURI).href; } catch (e) { return raw; }
  };
  // The programmatically determinable context of a link (WCAG 2.4.4 "in context"): its
  // sentence, the paragraph, list item or table cell it is in (else its nearest block box),
  // the header cells of that cell, the heading it sits under, and its description. Long
  // texts travel as a prefix plus a hash, enough to tell contexts apart.
  const norm = (t) => (t || '').replace(/\s+/g, ' ').trim();
  const hash = (t) => { let h = 0x811c9dc5; for (let i = 0; i < t.length; i++) { h ^= t.charCodeAt(i); h = Math.imul(h, 0x01000193); } return (h >>> 0).toString(16); };
  const key = (t) => { t = norm(t); return t.length > 200 ? t.slice(0, 150) + '…#' + hash(t) + ':' + t.length : t; };
  const UNIT = 'p,li,td,th,dd,dt,caption,figcaption,blockquote,[role=paragraph],[role=listitem],[role=cell],[role=gridcell],[role=rowheader],[role=columnheader]';
  const boxOf = (a) => {
    let el = a.parentElement;
    while (el && el !== document.body && el !== document.documentElement) {
      const d = getComputedStyle(el).display;
      if (!d.startsWith('inline') && d !== 'contents' && !(el instanceof SVGElement)) return el;
      el = el.parentElement;
    }
    return document.body || document.documentElement;
  };
  const SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/;
  const END = /[.!?]["'\u201d\u2019)\]]*\s/;
  const lastDesc = (n) => { while (n.lastChild) n = n.lastChild; return n; };
  // the text of the sentence the link is in, read outwards from the link inside its block box
  const sentenceOf = (a, box) => {
    const read = (forward) => {
      const w = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
      w.currentNode = forward ? lastDesc(a) : a;
      let out = '';
      for (let n = forward ? w.nextNode() : w.previousNode(); n && out.length < 400;
           n = forward ? w.nextNode() : w.previousNode()) {
        if (n.parentElement && SKIP.test(n.parentElement.tagName)) continue;
        out = forward ? out + n.data : n.data + out;
        if (END.test(out)) break;  // read past the sentence's end
      }
      return out.replace(/\s+/g, ' ');
    };
    const before = read(false).split(new RegExp(END.source + '+')).pop();
    const after = read(true) + ' ', end = after.search(END);  // (a space: a last '.' ends it too)
    return norm(before + a.textContent + (end >= 0 ? after.slice(0, end + 1) : after));
  };
  const texts = new Map();
  const textOf = (el) => { if (!texts.has(el)) texts.set(el, key(el.textContent)); return texts.get(el); };
  const headersOf = (a) => {
    const cell = a.closest('td,th');
    if (!cell) return '';
    const ids = (cell.getAttribute('headers') || '').split(/\s+/).filter(Boolean);
    let heads = ids.map(id => document.getElementById(id)).filter(Boolean);
    if (!heads.length) {
      const table = cell.closest('table'), row = cell.parentElement;
      if (table && row && row.cells) {
        heads = [...row.cells].filter(c => c !== cell && c.tagName === 'TH');
        const top = table.tHead ? [...table.tHead.rows] : (table.rows[0] && table.rows[0] !== row ? [table.rows[0]] : []);
        for (const r of top) { const h = r.cells[cell.cellIndex]; if (h && h !== cell && h.tagName === 'TH') heads.push(h); }
      }
    }
    return key(heads.map(h => h.textContent).join(' | '));
  };
  // the names of the list items a nested list sits in (WCAG technique H81)
  const parentsOf = (unit) => {
    const names = [];
    for (let li = unit.parentElement && unit.parentElement.closest('li'); li && names.length < 4;
         li = li.parentElement && li.parentElement.closest('li')) {
      names.unshift([...li.childNodes].filter((c) => !(c.nodeType === 1 && /^(UL|OL)$/.test(c.tagName)))
        .map((c) => c.textContent).join(' '));
    }
    return key(names.join(' > '));
  };
  const descriptionOf = (a) => {
    const ids = (a.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const d = ids.map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent).join(' ');
    return key(d || a.getAttribute('title') || '');
  };
  const links = [];
  let heading = '';
  // headings and links in document order: each link sits under the last heading before it
  for (const a of document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading],a[href],a[*|href]')) {
    if (links.length >= 1000) break;
    if (a.localName !== 'a' || a.getAttribute('role') === 'heading') {
      if (!hidden(a)) heading = key(a.textContent);
      continue;
    }
    if (hidden(a)) continue;
    const n = name(a).replace(/\s+/g, ' ');
    // text CSS adds (USWDS's .usa-link--external::before "External, opens in a new tab") is part
    // of the accessible name Chrome computes
    const generated = [a, ...a.querySelectorAll('*')].slice(0, 20).map((e) => ['::before', '::after'].map((p) => {
      const c = getComputedStyle(e, p).content;
      return c && c !== 'none' && c !== 'normal' ? c : '';
    }).join(' ')).join(' ');
    const warned = /new (window|tab)|opens? in|external/i.test(n + ' ' + (a.getAttribute('title') || '') + ' ' + generated) ||
      !!a.querySelector('[class*=external],[class*=new-window],[class*=new-tab]');
    let context = null;
    try {
      const box = boxOf(a), unit = (a.parentElement && a.parentElement.closest(UNIT)) || box;
      context = {sentence: key(sentenceOf(a, box)), block: textOf(unit), headers: headersOf(a), heading,
                 description: descriptionOf(a), parents: parentsOf(unit)};
    } catch (e) { context = null; }
    links.push({name: n.slice(0, 150), href: hrefOf(a), target: a.getAttribute('target') || '',
                warned, context, selector: path(a), snippet: a.outerHTML.slice(0, 300)});
  }
  return {headings, links};
}
