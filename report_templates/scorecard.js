(function () {
  var sev = document.getElementById('f-sev'), req = document.getElementById('f-req'),
      q = document.getElementById('f-text'), sort = document.getElementById('f-sort'),
      out = document.getElementById('f-count');
  if (!sev || !req || !q || !sort) return;
  document.getElementById('filters').hidden = false;
  var rank = {critical: 4, high: 3, medium: 2, low: 1, info: 0};
  function apply() {
    var min = rank[sev.value] || 0, r = req.value, text = q.value.trim().toLowerCase(), shown = 0;
    document.querySelectorAll('details.check').forEach(function (d) {
      var ok = (rank[d.dataset.sev] || 0) >= min && (!r || d.dataset.req === r) &&
               (!text || d.textContent.toLowerCase().indexOf(text) !== -1);
      d.hidden = !ok; if (ok) shown++;
    });
    document.querySelectorAll('section.reqgroup').forEach(function (s) {
      s.hidden = !s.querySelector('details.check:not([hidden])');
    });
    out.textContent = shown + ' checks shown';
  }
  function reorder() {
    var key = sort.value;
    document.querySelectorAll('div.checklist').forEach(function (list) {
      var items = Array.prototype.slice.call(list.children);
      items.sort(function (a, b) {
        if (key === 'name') return a.dataset.name < b.dataset.name ? -1 : a.dataset.name > b.dataset.name ? 1 : 0;
        if (key === 'rank') return (+a.dataset.rank) - (+b.dataset.rank);
        return (+b.dataset[key]) - (+a.dataset[key]);
      });
      items.forEach(function (el) { list.appendChild(el); });
    });
  }
  [sev, req, q].forEach(function (el) { el.addEventListener('input', apply); });
  sort.addEventListener('input', reorder);
  apply();
})();
