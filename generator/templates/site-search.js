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
  // Each row's findings, from the page's data block: [package, version, [[severity rank, id,
  // [aliases]], ...]] per package version, turned into flat hits with their search text.
  var data = [];
  try { data = JSON.parse(document.getElementById('scanlens-hits').textContent); } catch (e) { data = []; }
  function str(x) { return typeof x === 'string' ? x : ''; }
  rows.forEach(function (row) {
    var groups = data[Number(row.getAttribute('data-row'))];
    var hay = [row.getAttribute('data-search')];
    row._hits = [];
    (Array.isArray(groups) ? groups : []).forEach(function (g) {
      if (!Array.isArray(g) || !Array.isArray(g[2])) return;
      var pkg = str(g[0]), ver = str(g[1]);
      hay.push(pkg, ver);
      g[2].forEach(function (f) {
        if (!Array.isArray(f)) return;
        var aliases = Array.isArray(f[2]) ? f[2].map(str) : [];
        var h = { rank: SEVERITIES[f[0]] ? f[0] : 4, id: str(f[1]), package: pkg, version: ver };
        h.text = [h.id].concat(aliases, [pkg, ver]).join(' ').toLowerCase();
        hay.push(h.id, aliases.join(' '));
        row._hits.push(h);
      });
    });
    row._hits.sort(function (a, b) { return a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); });
    row._hay = hay.join(' ').toLowerCase();
  });
  function text(tag, cls, s) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = s;
    return el;
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
    var matched = row._hits.filter(function (h) {
      return words.some(function (w) { return h.text.indexOf(w) !== -1; });
    });
    if (!matched.length) return;
    var ul = document.createElement('ul');
    ul.className = 'hits';
    ul.setAttribute('aria-label', 'Matching findings');
    matched.slice(0, SHOWN).forEach(function (h) {
      var sev = SEVERITIES[h.rank];
      var li = document.createElement('li');
      li.appendChild(text('span', 'badge ' + sev, sev));
      li.appendChild(document.createTextNode(' '));
      var a = text('a', 'hit', h.id);
      a.setAttribute('href', base + hash);
      li.appendChild(a);
      if (h.package) {
        li.appendChild(document.createTextNode(' in '));
        li.appendChild(text('span', 'pkg', h.package));
        if (h.version) {
          li.appendChild(document.createTextNode(' '));
          li.appendChild(text('span', 'ver', h.version));
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
      var hay = row._hay;
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
