/* ecsim report, section 4, the event log, filterable, linked to the charts.
 * A part of one script: embed.py joins plots/report/report-*.js in the
 * order models/output/meson.build lists them, inside the function
 * that report-setup.js opens, so the parts share its variables. */
  /* ---- 4. the event log ---- */
  var log = { service: -1, kind: -1, text: '' };
  function moveTo(time) {
    var v = variant(), d = duration(v), half = Math.max(d * 0.05, 300);
    view.focus = time;
    setRange([Math.max(0, time - half), Math.min(d, time + half)], null);
    document.getElementById('series').scrollIntoView({ behavior: 'smooth' });
  }
  function drawLogSection() {
    section('log', 'Event log',
      'The control-plane events of events.jsonl. Filter by service, kind or ' +
      'words; click a line (or press Enter on it) to move the charts and ' +
      'the timeline to its moment.');
  }
  function uniq(list) {
    return list.filter(function (x, i) { return list.indexOf(x) === i; })
      .sort();
  }
  function fillLog() {
    var s = document.getElementById('log'), v = variant();
    Array.prototype.slice.call(s.querySelectorAll('.filters, .logbox'))
      .forEach(function (n) { n.remove(); });
    var svcs = uniq(v.events.map(function (e) { return String(e.service || '-'); }));
    var kinds = uniq(v.events.map(function (e) { return String(e.kind); }));
    log = { service: -1, kind: -1, text: '' };
    var bar = el('div', { class: 'filters controls' }, [
      select('Service', ['all'].concat(svcs), 0, function (i) {
        log.service = i - 1; filterLog(svcs, kinds);
      }),
      select('Kind', ['all'].concat(kinds), 0, function (i) {
        log.kind = i - 1; filterLog(svcs, kinds);
      })
    ]);
    var words = el('input', { type: 'search', 'aria-label': 'Words' });
    words.addEventListener('input', function () {
      log.text = words.value.toLowerCase(); filterLog(svcs, kinds);
    });
    bar.appendChild(el('label', {}, ['Words ', words]));
    s.appendChild(bar);
    var body = el('tbody');
    v.events.forEach(function (e) {
      var f = family(e);
      var tr = el('tr', { tabindex: '0' }, [
        el('td', { text: clock(e.time, true) }),
        el('td', { text: String(e.service || '-') }),
        el('td', { text: (f ? f.letter + ' ' : '') + e.kind }),
        el('td', { text: String(e.message || '') })]);
      tr.addEventListener('click', function () { moveTo(e.time); });
      tr.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter') moveTo(e.time);
      });
      tr.ecsimEvent = e;
      body.appendChild(tr);
    });
    check.events = v.events.length;
    var head = el('tr', {}, ['time', 'service', 'kind', 'message'].map(
      function (h) { return el('th', { scope: 'col', text: h }); }));
    s.appendChild(el('div', { class: 'logbox' }, [
      el('table', { class: 'log' }, [el('thead', {}, [head]), body])]));
  }
  function filterLog(svcs, kinds) {
    var rows = document.querySelectorAll('#log tbody tr');
    Array.prototype.forEach.call(rows, function (tr) {
      var e = tr.ecsimEvent;
      var show = (log.service < 0 ||
                  String(e.service || '-') === svcs[log.service]) &&
                 (log.kind < 0 || String(e.kind) === kinds[log.kind]) &&
                 (!log.text || String(e.message).toLowerCase()
                                 .indexOf(log.text) >= 0);
      tr.hidden = !show;
    });
  }
