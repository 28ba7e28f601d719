/* ecsim report, redrawing the page, and the self-check the browser tests read.
 * A part of one script: embed.py joins plots/report/report-*.js in the
 * order models/output/meson.build lists them, inside the function
 * that report-setup.js opens, so the parts share its variables. */
  /* ---- the whole page ---- */
  function redraw() {
    view.range = null;
    view.focus = null;
    drawServiceChoice();
    drawCharts();
    resetTimeline();
    fillLog();
  }
  /* With #selftest in the address, the browser tests also try the links
   * between sections: zooming one chart must zoom every chart and the
   * timeline; clicking an event-log line must move them to its moment. */
  function sameRange(a, b) {
    return Math.abs(a[0] - b[0]) < 1e-6 && Math.abs(a[1] - b[1]) < 1e-6;
  }
  function allAt(range) {
    return view.charts.every(function (c) {
      return sameRange(c.g.xAxisRange(), range);
    }) && sameRange([timeline.x0, timeline.x1], range);
  }
  /* Ticking "latency on a log axis" puts the latency chart on one, with
   * its points still drawn. */
  function logAxisWorks() {
    var box = document.getElementById('logscale');
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    var chart = view.charts.filter(function (c) {
      return c.spec.id === 'latency';
    })[0];
    var ok = chart.g.getOption('logscale') === true && countPoints(chart.g) > 0;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    return ok;
  }
  /* Choosing a kind in the event log's filter leaves exactly the events
   * of that kind shown. */
  function logFilterWorks() {
    var sel = document.querySelectorAll('#log .filters select')[1];
    sel.value = '1';
    sel.dispatchEvent(new Event('change'));
    var kind = sel.options[1].textContent, ok = true;
    Array.prototype.forEach.call(document.querySelectorAll('#log tbody tr'),
      function (tr) {
        ok = ok && tr.hidden === (String(tr.ecsimEvent.kind) !== kind);
      });
    sel.value = '0';
    sel.dispatchEvent(new Event('change'));
    return ok;
  }
  function interactionCheck() {
    var d = duration(variant()), range = [d * 0.25, d * 0.5];
    try {
      view.charts[0].g.updateOptions({ dateWindow: range });
      check.zoom_linked = view.charts.length > 1 && allAt(range);
      var rows = document.querySelectorAll('#log tbody tr');
      var row = rows[Math.floor(rows.length / 2)];
      row.click();
      var t = row.ecsimEvent.time;
      check.log_click_moves = view.focus === t && view.charts.every(function (c) {
        var r = c.g.xAxisRange();
        return r[0] <= t && t <= r[1];
      }) && allAt(view.charts[0].g.xAxisRange());
      setRange(null, null);
      check.log_axis = logAxisWorks();
      check.log_filter = logFilterWorks();
    } catch (e) {
      window.ecsimErrors.push(String(e && e.stack || e));
    }
  }
  function writeSelfCheck() {
    var old = document.getElementById('selftest');
    if (old) old.remove();
    var out = { errors: window.ecsimErrors || [],
                variant: DATA.variants.length ? variant().name : null,
                charts: check.charts, markers: check.markers,
                events: check.events, timeline_tasks: check.timeline_tasks,
                break_even: check.break_even, why: check.why,
                incidents: check.incidents, sweep: check.sweep };
    if ('zoom_linked' in check) {
      out.zoom_linked = check.zoom_linked;
      out.log_click_moves = check.log_click_moves;
      out.log_axis = check.log_axis;
      out.log_filter = check.log_filter;
    }
    document.body.appendChild(el('pre', { id: 'selftest', hidden: 'hidden',
                                          text: JSON.stringify(out) }));
  }
