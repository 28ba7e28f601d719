/* ecsim report, section 2, the linked time series and their event marks.
 * A part of one script: embed.py joins plots/report/report-*.js in the
 * order models/output/meson.build lists them, inside the function
 * that report-setup.js opens, so the parts share its variables. */
  /* ---- controls shared by the sections below ---- */
  function services(v) {
    var seen = [], i = columns(v.series).service;
    v.series.rows.forEach(function (r) {
      var name = String(r[i]);
      if (name.indexOf('->') < 0 && seen.indexOf(name) < 0) seen.push(name);
    });
    return seen;
  }
  function select(label, options, chosen, onchange) {
    var s = el('select', { 'aria-label': label });
    options.forEach(function (o, i) {
      var opt = el('option', { value: String(i), text: o });
      if (i === chosen) opt.selected = true;
      s.appendChild(opt);
    });
    s.addEventListener('change', function () { onchange(+s.value); });
    return el('label', {}, [label + ' ', s]);
  }
  function drawControls() {
    var bar = el('div', { class: 'controls', role: 'group',
                          'aria-label': 'What the sections below show' });
    if (DATA.variants.length > 1)
      bar.appendChild(select('Variant', DATA.variants.map(function (v) {
        return v.name;
      }), view.variant, function (i) {
        view.variant = i;
        view.service = null;
        redraw();
      }));
    var box = el('input', { type: 'checkbox', id: 'logscale' });
    box.addEventListener('change', function () {
      view.log = box.checked;
      view.charts.forEach(function (c) {
        if (c.spec.log) c.g.updateOptions({ logscale: view.log });
      });
    });
    bar.appendChild(el('label', {}, [box, ' latency on a log axis']));
    var reset = el('button', { type: 'button', text: 'Zoom out' });
    reset.addEventListener('click', function () { setRange(null, null); });
    bar.appendChild(reset);
    bar.appendChild(el('span', { id: 'service-choice' }));
    return bar;
  }
  function drawServiceChoice() {
    var slot = document.getElementById('service-choice');
    slot.textContent = '';
    var names = services(variant());
    if (view.service === null) view.service = names[0];
    if (names.length > 1)
      slot.appendChild(select('Service', names, names.indexOf(view.service),
        function (i) {
          view.service = names[i];
          drawCharts();
        }));
  }

  /* ---- 2. the time series ---- */
  function family(e) {
    var kind = String(e.kind || '');
    if (/^az-/.test(kind) || (kind === 'fault' &&
        /availability zone|\bAZ\b|\baz\b/i.test(String(e.message))))
      return FAMILIES[4];
    for (var i = 0; i < 4; i++)
      if (FAMILIES[i].kinds.indexOf(kind) >= 0) return FAMILIES[i];
    return null;
  }
  function markersFor(v) {
    var out = [];
    v.events.forEach(function (e) {
      var f = family(e);
      if (f && (e.service === undefined || e.service === null ||
                e.service === view.service))
        out.push({ t: e.time, f: f, text: clock(e.time, true) + ' ' +
                   f.name + ' (' + e.kind + '): ' + (e.message || '') });
    });
    return out;
  }
  function underlay(ctx, area, g) {
    ctx.save();
    ctx.font = 'bold 11px sans-serif';
    view.markers.forEach(function (m) {
      var x = g.toDomXCoord(m.t);
      if (x < area.x || x > area.x + area.w) return;
      ctx.strokeStyle = m.f.colour;
      ctx.setLineDash(m.f.id === 'deploy' ? [] : [4, 3]);
      ctx.beginPath();
      ctx.moveTo(x, area.y);
      ctx.lineTo(x, area.y + area.h);
      ctx.stroke();
      ctx.fillStyle = m.f.colour;
      ctx.fillText(m.f.letter, x + 2, area.y + 11);
    });
    if (view.focus !== null) {
      var fx = g.toDomXCoord(view.focus);
      ctx.setLineDash([]);
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(0,0,0,0.45)';
      ctx.beginPath();
      ctx.moveTo(fx, area.y);
      ctx.lineTo(fx, area.y + area.h);
      ctx.stroke();
    }
    ctx.restore();
  }
  /* The SLO's latency threshold across the latency chart, labelled. */
  function sloLine(ctx, area, g) {
    var ms = get(variant().summary, 'slo.threshold_ms');
    if (typeof ms !== 'number') return;
    var y = g.toDomYCoord(ms);
    if (!(y >= area.y && y <= area.y + area.h)) return;
    ctx.save();
    ctx.strokeStyle = '#a01000';
    ctx.setLineDash([10, 4]);
    ctx.beginPath();
    ctx.moveTo(area.x, y);
    ctx.lineTo(area.x + area.w, y);
    ctx.stroke();
    ctx.fillStyle = '#a01000';
    ctx.font = '11px sans-serif';
    ctx.fillText('SLO ' + ms + ' ms', area.x + area.w - 80, y - 3);
    ctx.restore();
  }
  function countPoints(g) {
    var n = 0;
    (g.layout_ && g.layout_.points || []).forEach(function (series) {
      series.forEach(function (p) { if (isFinite(p.canvasy)) n++; });
    });
    return n;
  }
  function chartData(v, spec) {
    var idx = columns(v.series), si = idx.service, ti = idx.time_s;
    var rows = [];
    v.series.rows.forEach(function (r) {
      if (String(r[si]) !== view.service) return;
      var row = [r[ti]];
      spec.cols.forEach(function (c) {
        var x = idx[c] === undefined ? null : r[idx[c]];
        /* A log axis cannot show 0: a gap says "none". */
        row.push(typeof x === 'number' && !(spec.log && x <= 0) ? x : null);
      });
      rows.push(row);
    });
    return rows;
  }
  function seriesOptions(spec) {
    var dashes = [null, [6, 3], [2, 2], [8, 3, 2, 3]], out = {};
    spec.labels.forEach(function (l, i) {
      out[l] = { color: PALETTE[i % PALETTE.length],
                 strokePattern: dashes[i % dashes.length] };
    });
    return out;
  }
  function hoverMarkers(div, g, tip) {
    div.addEventListener('mousemove', function (ev) {
      var box = div.getBoundingClientRect(), x = ev.clientX - box.left;
      var hit = view.markers.filter(function (m) {
        return Math.abs(g.toDomXCoord(m.t) - x) <= 4;
      });
      if (!hit.length) { tip.hidden = true; return; }
      tip.textContent = hit.slice(0, 6).map(function (m) { return m.text; })
        .join('\n') + (hit.length > 6 ? '\n\u2026 ' + (hit.length - 6) +
                                          ' more' : '');
      tip.style.left = (ev.pageX + 12) + 'px';
      tip.style.top = (ev.pageY + 12) + 'px';
      tip.hidden = false;
    });
    div.addEventListener('mouseleave', function () { tip.hidden = true; });
  }
  function makeChart(holder, v, spec, tip) {
    var div = el('div', { class: 'chart', role: 'img',
                          'aria-label': spec.title + ' over time' });
    var legend = el('div', { class: 'legend' });
    holder.appendChild(el('figure', {}, [
      el('figcaption', { text: spec.title }), div, legend]));
    var data = chartData(v, spec);
    var chart = { spec: spec, g: null };
    chart.g = new Dygraph(div, data.length ? data : [[0].concat(
      spec.cols.map(function () { return null; }))], {
      labels: ['time'].concat(spec.labels),
      labelsDiv: legend,
      labelsSeparateLines: false,
      legend: 'always',
      height: 180,
      logscale: !!(spec.log && view.log),
      series: seriesOptions(spec),
      dateWindow: view.range,
      underlayCallback: function (ctx, area, g) {
        underlay(ctx, area, g);
        if (spec.id === 'latency') sloLine(ctx, area, g);
      },
      axes: { x: {
        ticker: clockTicks,
        axisLabelFormatter: function (t) { return clock(t, false); },
        valueFormatter: function (t) { return clock(t, true); }
      } },
      drawCallback: function (g, initial) {
        if (initial) check.charts[spec.id] = countPoints(g);
        if (initial || view.syncing) return;
        setRange(g.isZoomed('x') ? g.xAxisRange() : null, g);
      }
    });
    hoverMarkers(div, chart.g, tip);
    return chart;
  }
  function drawCharts() {
    var holder = document.getElementById('charts');
    view.charts.forEach(function (c) { c.g.destroy(); });
    view.charts = [];
    holder.textContent = '';
    var v = variant();
    view.markers = markersFor(v);
    check.markers = view.markers.length;
    var tip = document.getElementById('tip');
    CHARTS.forEach(function (spec) {
      view.charts.push(makeChart(holder, v, spec, tip));
    });
  }
  /* Zooms every chart and the timeline to @range ([from, to] seconds, or
   * null for the whole run); @source is the chart that moved already. */
  function setRange(range, source) {
    view.range = range;
    view.syncing = true;
    view.charts.forEach(function (c) {
      if (c.g !== source) c.g.updateOptions({ dateWindow: range });
    });
    view.syncing = false;
    drawTimeline();
  }
  function drawSeriesSection() {
    var s = section('series', 'Over time',
      'Drag across a chart to zoom (all charts and the timeline follow); ' +
      'double-click or \u201cZoom out\u201d to see the whole run. Marks: ' +
      FAMILIES.map(function (f) { return f.letter + ' ' + f.name; })
        .join(', ') + ' (hover a mark for its event).');
    s.appendChild(drawControls());
    s.appendChild(el('div', { id: 'charts', class: 'charts' }));
  }
