// Filters the images table by every word typed: an image matches when its name, or an ID, alias,
// package or version of its latest scan, contains each word. Under each matching image it lists
// the findings that matched (severity, ID, package and version), linking into the scan's viewer
// with the same query (#q=...). The state lives in the URL hash (#q=...). Values from the page's
// data are only ever set as text, never as markup.
(function () {
  var SHOWN = 5;
  var SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
  var input = document.getElementById('q');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-search]'));
  var status = document.getElementById('status');
  function hits(row) {
    if (!row._hits) {
      try { row._hits = JSON.parse(row.getAttribute('data-hits') || '[]'); } catch (e) { row._hits = []; }
      if (!Array.isArray(row._hits)) row._hits = [];
    }
    return row._hits;
  }
  function text(tag, cls, s) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = s;
    return el;
  }
  function hitText(h) {
    return [h.id].concat(h.aliases || [], [h.package || '', h.version || '']).join(' ').toLowerCase();
  }
  // The list of the row's matching findings, or nothing when no word is looked for.
  function showHits(row, words, hash) {
    var old = row.querySelector('ul.hits, p.hits');
    if (old) old.parentNode.removeChild(old);
    var scan = row.querySelector('a.scan');
    if (!scan.hasAttribute('data-href')) scan.setAttribute('data-href', scan.getAttribute('href'));
    var base = scan.getAttribute('data-href');
    scan.setAttribute('href', base + hash);
    if (!words.length) return;
    var matched = hits(row).filter(function (h) {
      var t = hitText(h);
      return words.some(function (w) { return t.indexOf(w) !== -1; });
    });
    if (!matched.length) return;
    var ul = document.createElement('ul');
    ul.className = 'hits';
    ul.setAttribute('aria-label', 'Matching findings');
    matched.slice(0, SHOWN).forEach(function (h) {
      var sev = SEVERITIES.indexOf(h.severity) !== -1 ? h.severity : 'UNKNOWN';
      var li = document.createElement('li');
      li.appendChild(text('span', 'badge ' + sev, sev));
      li.appendChild(document.createTextNode(' '));
      var a = text('a', 'hit', String(h.id));
      a.setAttribute('href', base + hash);
      li.appendChild(a);
      if (h.package) {
        li.appendChild(document.createTextNode(' in '));
        li.appendChild(text('span', 'pkg', String(h.package)));
        if (h.version) {
          li.appendChild(document.createTextNode(' '));
          li.appendChild(text('span', 'ver', String(h.version)));
        }
      }
      ul.appendChild(li);
    });
    if (matched.length > SHOWN) {
      var more = document.createElement('li');
      var a = text('a', 'more', (matched.length - SHOWN) + ' more in this scan');
      a.setAttribute('href', base + hash);
      more.appendChild(a);
      ul.appendChild(more);
    }
    row.cells[0].appendChild(ul);
  }
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var hash = words.length ? '#q=' + encodeURIComponent(input.value.trim()) : '';
    var shown = 0;
    rows.forEach(function (row) {
      var hay = row.getAttribute('data-search');
      var ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
      row.classList.toggle('hidden', !ok);
      showHits(row, ok ? words : [], hash);
      if (ok) shown++;
    });
    status.textContent = words.length ? shown + ' of ' + rows.length + ' images match' : rows.length + ' images';
    if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname);
  }
  var m = /^#q=(.*)$/.exec(location.hash);
  if (m) {
    try { input.value = decodeURIComponent(m[1]); } catch (e) { input.value = ''; }
  }
  input.addEventListener('input', apply);
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== input) { e.preventDefault(); input.focus(); }
    if (e.key === 'Escape') { input.value = ''; apply(); }
  });
  input.disabled = false;
  apply();
})();
