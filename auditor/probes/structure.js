() => {
  // Facts for checks/structure.py: text fields named only by a placeholder, radio/checkbox
  // groups and what names them, tables and how they mark headers, links with short names
  // and their context, images whose name may be a file name, and text per language scope.
  // Bounded: caps on every list and on the text read.
  const MAX = {fields: 200, inputs: 600, tables: 150, cells: 400, links: 400, anchors: 3000, images: 300,
               nodes: 30000, chars: 200000, scope_chars: 6000, scopes: 40};
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
  const norm = (t) => (t || '').replace(/\s+/g, ' ').trim();
  const snip = (el) => (el.outerHTML || '').slice(0, 300);
  const hiddenAttr = (el) => !!el.closest('[hidden],[aria-hidden=true]');
  const rendered = (el) => {
    if (hiddenAttr(el)) return false;
    if (typeof el.checkVisibility === 'function') return el.checkVisibility({visibilityProperty: true});
    const cs = getComputedStyle(el);
    return cs.display !== 'none' && cs.visibility !== 'hidden';
  };
  const idText = (ids) => norm((ids || '').split(/\s+/).filter(Boolean)
    .map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent).join(' '));
  const role = (el) => (el.getAttribute('role') || '').trim().split(/\s+/)[0].toLowerCase();

  // 1. text fields: every source of a name besides the placeholder
  const TEXTY = /^(text|search|email|tel|url|password|number|)$/;
  const fields = [];
  const controls = [...document.querySelectorAll('input,textarea,select')].slice(0, MAX.inputs);
  const textCount = new Map();  // form (or container) -> number of text fields in it
  const container = (el) => el.form || el.closest('form,[role=search],[role=form]') || el.parentElement;
  for (const el of controls) {
    if (el.tagName === 'INPUT' && !TEXTY.test((el.getAttribute('type') || '').toLowerCase())) continue;
    if (el.tagName === 'SELECT') continue;
    const c = container(el);
    textCount.set(c, (textCount.get(c) || 0) + 1);
  }
  for (const el of controls) {
    if (fields.length >= MAX.fields) break;
    if (el.tagName === 'SELECT') continue;
    const raw = (el.getAttribute('type') || '').toLowerCase();
    if (el.tagName === 'INPUT' && !TEXTY.test(raw)) continue;
    const type = el.tagName === 'TEXTAREA' ? 'textarea' : (raw || 'text');
    const placeholder = norm(el.getAttribute('placeholder'));
    if (!placeholder || !rendered(el) || el.disabled) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) continue;
    const c = container(el);
    const buttons = c ? [...c.querySelectorAll('button,input[type=submit],input[type=image],[role=button]')]
      .filter(b => rendered(b)) : [];
    fields.push({
      type, placeholder: placeholder.slice(0, 120),
      label: norm([...(el.labels || [])].map(l => l.textContent).join(' ')).slice(0, 120),
      aria_label: norm(el.getAttribute('aria-label')).slice(0, 120),
      labelledby: idText(el.getAttribute('aria-labelledby')).slice(0, 120),
      title: norm(el.getAttribute('title')).slice(0, 120),
      // G167: one field and the button next to it that says what it is for
      lone_with_button: (textCount.get(c) || 0) === 1 && buttons.length > 0,
      selector: path(el), snippet: snip(el),
    });
  }

  // 2. radio and checkbox groups: inputs of one type and name in one form
  const groups = new Map();
  for (const el of controls) {
    if (el.tagName !== 'INPUT') continue;
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (type !== 'radio' && type !== 'checkbox') continue;
    const name = el.getAttribute('name');
    if (!name || hiddenAttr(el) || getComputedStyle(el).display === 'none') continue;
    const key = type + '\u0000' + name;
    const formKey = el.form || document;
    if (!groups.has(formKey)) groups.set(formKey, new Map());
    const m = groups.get(formKey);
    if (!m.has(key)) m.set(key, {type, name, members: []});
    m.get(key).members.push(el);
  }
  const groupName = (el) => {
    // the fieldset/legend or named group/radiogroup around the input, if any
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (a.tagName === 'FIELDSET') {
        const lg = a.querySelector(':scope > legend');
        const t = norm(lg ? lg.textContent : '') || norm(a.getAttribute('aria-label')) || idText(a.getAttribute('aria-labelledby'));
        if (t) return t;
      }
      const r = role(a);
      if (r === 'group' || r === 'radiogroup') {
        const t = norm(a.getAttribute('aria-label')) || idText(a.getAttribute('aria-labelledby'));
        if (t) return t;
      }
    }
    return '';
  };
  const radioGroups = [];
  for (const m of groups.values()) {
    for (const g of m.values()) {
      if (g.members.length < 2 || radioGroups.length >= 100) continue;
      const first = g.members[0];
      radioGroups.push({
        type: g.type, name: g.name.slice(0, 80), count: g.members.length,
        group_name: groupName(first).slice(0, 120),
        all_grouped: g.members.every(e => !!groupName(e)),
        described: g.members.some(e => !!idText(e.getAttribute('aria-describedby'))),
        in_table: g.members.some(e => !!e.closest('td,th,[role=cell],[role=gridcell]')),
        labels: g.members.slice(0, 6).map(e => norm([...(e.labels || [])].map(l => l.textContent).join(' ')).slice(0, 60)),
        selector: path(first), snippet: snip(first.closest('label') || first),
      });
    }
  }

  // 3. tables: size in cells with text, header markup, layout signs
  const tables = [];
  for (const t of [...document.querySelectorAll('table')].slice(0, MAX.tables)) {
    if (!rendered(t)) continue;
    const rows = [...t.rows].filter(r => r.closest('table') === t);
    let textRows = 0, maxCols = 0, textCells = 0, longCells = 0, cellsSeen = 0, colsMin = Infinity;
    let blocky = false;
    for (const r of rows) {
      let n = 0;
      for (const c of r.cells) {
        if (++cellsSeen > MAX.cells) break;
        const txt = norm(c.innerText || c.textContent);
        if (c.querySelector('h1,h2,h3,h4,h5,h6,ul,ol,form,iframe,table,nav,p + p')) blocky = true;
        if (/[\p{L}\p{N}]/u.test(txt)) { n++; textCells++; if (txt.length > 150) longCells++; }
      }
      if (n >= 2) { textRows++; maxCols = Math.max(maxCols, n); colsMin = Math.min(colsMin, n); }
    }
    tables.push({
      role: role(t), rows: rows.length, text_rows: textRows, text_cols: maxCols,
      text_cols_min: colsMin === Infinity ? 0 : colsMin, text_cells: textCells, long_cells: longCells,
      th: !!t.querySelector('th'), scope: !!t.querySelector('[scope]'), headers_attr: !!t.querySelector('[headers]'),
      header_role: !!t.querySelector('[role=columnheader],[role=rowheader]'),
      caption: norm(t.caption ? t.caption.textContent : '').slice(0, 120),
      summary: norm(t.getAttribute('summary')).slice(0, 120),
      thead: !!t.tHead, nested: !!t.querySelector('table') || !!(t.parentElement && t.parentElement.closest('table')),
      blocky, aria_label: norm(t.getAttribute('aria-label')) || idText(t.getAttribute('aria-labelledby')),
      border: t.getAttribute('border') || '', selector: path(t), snippet: snip(t),
    });
  }

  // 3b. header cells no cell is assigned to (ACT d0f69e, HTML's table model): per table or
  // ARIA table/grid, the grid of cells with their spans; a column header covers the cells below
  // it in its columns, a row header those after it in its rows, except cells with a headers
  // attribute, which have only the headers they name. Header cells with no text (a corner cell)
  // are not judged.
  const orphanHeaders = [];
  const headerRole = (c) => {
    const r = role(c);
    if (r === 'columnheader' || r === 'rowheader') return r;
    if (r) return '';  // any other role given (cell, gridcell, presentation) makes it no header
    return c.tagName === 'TH' ? 'th' : '';
  };
  const gridOf = (t) => {
    // rows of [cell, rowspan, colspan] for an HTML table or an ARIA table/grid
    if (t.tagName === 'TABLE') {
      return [...t.rows].filter(r => r.closest('table') === t).map(r => [...r.cells].map(c =>
        [c, Math.max(1, c.rowSpan || 1), Math.max(1, c.colSpan || 1)]));
    }
    return [...t.querySelectorAll('[role=row]')].filter(r => r.closest('[role=table],[role=grid],[role=treegrid]') === t)
      .map(r => [...r.querySelectorAll('[role=cell],[role=gridcell],[role=columnheader],[role=rowheader]')]
        .filter(c => c.closest('[role=row]') === r).map(c => [c, 1, 1]));
  };
  const tableLike = [...document.querySelectorAll('table,[role=table],[role=grid],[role=treegrid]')].slice(0, MAX.tables);
  for (const t of tableLike) {
    if (orphanHeaders.length >= 20) break;
    const tr = role(t);
    if (tr === 'presentation' || tr === 'none' || !rendered(t)) continue;
    if (t.tagName === 'TABLE' && tr && !['table', 'grid', 'treegrid'].includes(tr)) continue;
    const rows = gridOf(t);
    if (rows.reduce((n, r) => n + r.length, 0) > MAX.cells) continue;
    const slots = [];  // slots[y][x] = cell
    const placed = [];  // {cell, x, y, w, h}
    rows.forEach((row, y) => {
      slots[y] = slots[y] || [];
      let x = 0;
      for (const [c, rs, cs] of row) {
        while (slots[y][x]) x++;
        for (let dy = 0; dy < rs && y + dy < rows.length; dy++) {
          slots[y + dy] = slots[y + dy] || [];
          for (let dx = 0; dx < cs; dx++) slots[y + dy][x + dx] = c;
        }
        placed.push({cell: c, x, y, w: cs, h: Math.min(rs, rows.length - y)});
        x += cs;
      }
    });
    const isHeader = (c) => !!headerRole(c);
    const hidden = (c) => !rendered(c);
    const rowAllHeaders = (y) => rows[y].every(([c]) => isHeader(c));
    const colAllHeaders = (x) => slots.every(r => !r[x] || isHeader(r[x]));
    for (const p of placed) {
      const c = p.cell, hr = headerRole(c);
      if (!hr || hidden(c) || !/[\p{L}\p{N}]/u.test(norm(c.textContent))) continue;
      const scope = (c.getAttribute('scope') || '').toLowerCase();
      let col = hr === 'columnheader' || scope === 'col' || scope === 'colgroup';
      let rowh = hr === 'rowheader' || scope === 'row' || scope === 'rowgroup';
      if (!col && !rowh) {  // auto: HTML's rule, and both where it cannot tell
        const inHead = !!c.closest('thead');
        col = inHead || rowAllHeaders(p.y) || !colAllHeaders(p.x);
        rowh = !inHead && (colAllHeaders(p.x) || !rowAllHeaders(p.y));
      }
      const covered = new Set();
      if (col) for (let y = p.y + p.h; y < slots.length; y++) for (let x = p.x; x < p.x + p.w; x++) if (slots[y][x]) covered.add(slots[y][x]);
      if (rowh) for (let y = p.y; y < p.y + p.h; y++) for (let x = p.x + p.w; x < (slots[y] || []).length; x++) if (slots[y][x]) covered.add(slots[y][x]);
      let assigned = [...covered].some(d => d !== c && !d.hasAttribute('headers') && !hidden(d));
      if (!assigned && c.id) {
        assigned = placed.some(d => d.cell !== c && (d.cell.getAttribute('headers') || '').split(/\s+/).includes(c.id));
      }
      if (!assigned && placed.some(d => !isHeader(d.cell))) {
        orphanHeaders.push({text: norm(c.textContent).slice(0, 80), selector: path(c), snippet: snip(c),
                            table: path(t), aria: t.tagName !== 'TABLE'});
        if (orphanHeaders.length >= 20) break;
      }
    }
  }

  // 4. links with short names, with the context a reader gets (WCAG 2.4.4 "in context")
  const linkName = (a) => {
    const lb = idText(a.getAttribute('aria-labelledby'));
    if (lb) return lb;
    const al = norm(a.getAttribute('aria-label'));
    if (al) return al;
    let t = norm(a.innerText || a.textContent);
    if (!t) t = norm([...a.querySelectorAll('img[alt],[role=img][aria-label]')].map(i => i.getAttribute('alt') || i.getAttribute('aria-label')).join(' '));
    return t || norm(a.getAttribute('title'));
  };
  const UNIT = 'p,li,td,th,dd,dt,caption,figcaption,blockquote,label,legend,[role=paragraph],[role=listitem],[role=cell],[role=gridcell],[role=rowheader],[role=columnheader]';
  const boxOf = (a) => {
    let el = a.parentElement;
    while (el && el !== document.body && el !== document.documentElement) {
      const d = getComputedStyle(el).display;
      if (!d.startsWith('inline') && d !== 'contents' && !(el instanceof SVGElement)) return el;
      el = el.parentElement;
    }
    return null;
  };
  const headersOf = (a) => {
    const cell = a.closest('td,th');
    if (!cell) return '';
    let heads = (cell.getAttribute('headers') || '').split(/\s+/).filter(Boolean).map(id => document.getElementById(id)).filter(Boolean);
    if (!heads.length) {
      const table = cell.closest('table'), row = cell.parentElement;
      if (table && row && row.cells) {
        heads = [...row.cells].filter(c => c !== cell && c.tagName === 'TH');
        const top = table.tHead ? [...table.tHead.rows] : (table.rows[0] && table.rows[0] !== row ? [table.rows[0]] : []);
        for (const r of top) { const h = r.cells[cell.cellIndex]; if (h && h !== cell && h.tagName === 'TH') heads.push(h); }
      }
    }
    return norm(heads.map(h => h.textContent).join(' | '));
  };
  const links = [];
  let heading = '', seen = 0;
  const LINKISH = 'h1,h2,h3,h4,h5,h6,[role=heading],a[href],area[href],[role=link]';
  for (const a of document.querySelectorAll(LINKISH)) {
    if (++seen > MAX.anchors || links.length >= MAX.links) break;
    const r = role(a);
    const isLink = (a.localName === 'a' || a.localName === 'area') ? r !== 'heading' && r !== 'button' : r === 'link';
    if (!isLink) {
      // each link sits under the last heading before it in document order
      if ((/^h[1-6]$/.test(a.localName) || r === 'heading') && !hiddenAttr(a)) heading = norm(a.textContent).slice(0, 200);
      continue;
    }
    if (!rendered(a) && a.localName !== 'area') continue;
    const name = linkName(a);
    if (!name || name.length > 80 || name.split(' ').length > 5) continue;
    const box = boxOf(a);
    const unit = (a.parentElement && a.parentElement.closest(UNIT)) || box;
    const block = unit ? norm(unit.innerText || unit.textContent) : '';
    links.push({
      name, href: typeof a.href === 'string' ? a.href : (a.getAttribute('href') || ''),
      context: {block: block.slice(0, 400), unit: unit ? unit.localName : '', heading,
                headers: headersOf(a).slice(0, 200),
                description: (idText(a.getAttribute('aria-describedby')) || norm(a.getAttribute('title'))).slice(0, 200)},
      in_nav: !!a.closest('nav,[role=navigation],[role=menu],[role=menubar],[role=tablist]'),
      selector: path(a), snippet: snip(a),
    });
  }

  // 5. images named by something that may be a file name
  const images = [];
  for (const el of document.querySelectorAll('img,input[type=image],[role=img]')) {
    if (images.length >= MAX.images) break;
    const r = role(el);
    if (r === 'presentation' || r === 'none' || !rendered(el)) continue;
    const name = idText(el.getAttribute('aria-labelledby')) || norm(el.getAttribute('aria-label'))
      || norm(el.getAttribute('alt')) || norm(el.getAttribute('title'));
    if (!name || name.length > 120) continue;
    // only names shaped like a file name or a machine-made token; checks/structure.py decides
    if (!/\.[a-z0-9]{2,5}$/i.test(name) && !/^[\w\-.~%]+$/.test(name)) continue;
    const src = el.currentSrc || el.getAttribute('src') || '';
    const link = el.closest('a[href]');
    images.push({tag: el.localName, name, src: src.slice(0, 300),
                 link_href: link ? String(link.href).slice(0, 300) : '',
                 selector: path(el), snippet: snip(el)});
  }

  // 6. text per language scope: the text each lang attribute governs (not that of a
  // descendant with its own lang), rendered text only, code and scripts left out
  const root = document.documentElement;
  const scopes = new Map();
  const SKIP = 'script,style,noscript,template,code,pre,kbd,samp,var,svg,math,textarea,select,option';
  const skipCache = new Map();
  const skipped = (el) => {
    if (skipCache.has(el)) return skipCache.get(el);
    const v = !!el.closest(SKIP) || !rendered(el);
    skipCache.set(el, v);
    return v;
  };
  let nodes = 0, total = 0;
  if (document.body) {
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n && nodes < MAX.nodes && total < MAX.chars; n = w.nextNode()) {
      nodes++;
      const t = n.data.trim();
      if (!t || !n.parentElement || skipped(n.parentElement)) continue;
      const owner = n.parentElement.closest('[lang]');
      if (!owner) continue;
      let s = scopes.get(owner);
      if (!s) {
        if (scopes.size >= MAX.scopes) continue;
        s = {el: owner, parts: [], chars: 0};
        scopes.set(owner, s);
      }
      if (s.chars >= MAX.scope_chars) continue;
      s.parts.push(t);
      s.chars += t.length + 1;
      total += t.length;
    }
  }
  const lang = [];
  for (const s of scopes.values()) {
    const el = s.el;
    const parent = el === root ? null : (el.parentElement && el.parentElement.closest('[lang]'));
    lang.push({lang: (el.getAttribute('lang') || '').trim(), root: el === root,
               inherited: parent ? (parent.getAttribute('lang') || '').trim() : '',
               text: s.parts.join(' ').slice(0, MAX.scope_chars),
               selector: el === root ? 'html' : path(el), snippet: el === root ? '' : snip(el)});
  }
  return {fields, groups: radioGroups, tables, orphan_headers: orphanHeaders, links, images,
          lang: {html: root.getAttribute('lang'), scopes: lang}};
}
