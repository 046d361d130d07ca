(function () {
  var sev = document.getElementById('f-sev'), req = document.getElementById('f-req'), q = document.getElementById('f-text');
  var out = document.getElementById('f-count');
  if (!sev || !req || !q) return;
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
  [sev, req, q].forEach(function (el) { el.addEventListener('input', apply); });
  apply();
})();
