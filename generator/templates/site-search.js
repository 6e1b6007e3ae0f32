// Filters the images table by every word typed: an image matches when its name, or an ID or
// package of its latest scan, contains each word. The state lives in the URL hash (#q=...).
(function () {
  var input = document.getElementById('q');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-search]'));
  var status = document.getElementById('status');
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var hay = row.getAttribute('data-search');
      var ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
      row.classList.toggle('hidden', !ok);
      if (ok) shown++;
    });
    status.textContent = words.length ? shown + ' of ' + rows.length + ' images match' : rows.length + ' images';
    var hash = words.length ? '#q=' + encodeURIComponent(input.value) : '';
    if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname);
  }
  var m = /^#q=(.*)$/.exec(location.hash);
  if (m) input.value = decodeURIComponent(m[1]);
  input.addEventListener('input', apply);
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== input) { e.preventDefault(); input.focus(); }
    if (e.key === 'Escape') { input.value = ''; apply(); }
  });
  input.disabled = false;
  apply();
})();
