// Sorts a table.sortable by a column when its header is activated (click, Enter or Space: each
// header becomes a button). A cell's data-sort is its key (numbers compare as numbers), else its
// text; a header's data-first says the first order (numbers and times start with the largest);
// aria-sort names the column the rows are in order of, and how.
(function () {
  function key(row, col) {
    var cell = row.cells[col];
    if (!cell) return '';
    var k = cell.getAttribute('data-sort');
    return k !== null ? k : cell.textContent.trim().toLowerCase();
  }
  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== '' && b !== '' && !isNaN(x) && !isNaN(y)) return x - y;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function sort(table, th, col) {
    var current = th.getAttribute('aria-sort');
    var order = current === 'ascending' ? 'descending'
      : current === 'descending' ? 'ascending'
      : (th.getAttribute('data-first') || 'ascending');
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', order);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) { return { r: r, k: key(r, col), i: i }; });
    var sign = order === 'ascending' ? 1 : -1;
    rows.sort(function (a, b) { return sign * compare(a.k, b.k) || a.i - b.i; });
    rows.forEach(function (x) { body.appendChild(x.r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      if (th.hasAttribute('data-nosort')) return;
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'sort';
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      b.addEventListener('click', function () { sort(table, th, col); });
    });
  });
})();
