// Shows every <time datetime> in the reader's time zone and locale. The page's own text (UTC, to
// the minute) becomes the tooltip, so the exact time stays one hover away.
(function () {
  var format = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short'
  });
  Array.prototype.forEach.call(document.querySelectorAll('time[datetime]'), function (t) {
    var d = new Date(t.getAttribute('datetime'));
    if (isNaN(d.getTime())) return;
    t.title = t.textContent;
    t.textContent = format.format(d);
  });
})();
