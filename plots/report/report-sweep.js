/* ecsim report, section 6, a sweep folder: cost against each swept value.
 * A part of one script: embed.py joins plots/report/report-*.js in the
 * order models/output/meson.build lists them, inside the function
 * that report-setup.js opens, so the parts share its variables. */
  /* ---- 6. a sweep folder: cost against each swept value ---- */
  /* One chart per swept parameter: cost's mean over the seeds with its
   * 95% band (customBars), a line per variant (and per value of the other
   * parameters); the values where a line meets every --best constraint
   * at its bound shaded; the point --best chose marked (sweep.json). */
  function sweepChart(s, table, meta, axis) {
    var c = columns(table), rows = table.rows;
    var others = (meta ? meta.axes : []).filter(function (a) {
      return a.pointer !== axis.pointer;
    });
    var values = [], keys = [];
    rows.forEach(function (r) {
      var x = r[c[axis.pointer]];
      if (values.indexOf(x) < 0) values.push(x);
      var key = String(r[c.variant]) + others.map(function (a) {
        return ', ' + a.name + '=' + r[c[a.pointer]];
      }).join('');
      if (keys.indexOf(key) < 0) keys.push(key);
    });
    var numeric = values.every(function (x) { return typeof x === 'number'; });
    if (numeric) values.sort(function (a, b) { return a - b; });
    function xOf(v) { return numeric ? v : values.indexOf(v); }
    var byX = {}, meets = {}, best = null, points = 0;
    rows.forEach(function (r, i) {
      var x = xOf(r[c[axis.pointer]]);
      var key = String(r[c.variant]) + others.map(function (a) {
        return ', ' + a.name + '=' + r[c[a.pointer]];
      }).join('');
      var mean = r[c.cost_usd_mean], half = r[c.cost_usd_ci95];
      if (typeof mean !== 'number') return;
      if (typeof half !== 'number') half = 0;
      byX[x] = byX[x] || {};
      byX[x][key] = [mean - half, mean, mean + half];
      points++;
      if (meta && meta.meets && meta.meets[i]) meets[x] = true;
      if (meta && meta.best && meta.best.point_id === r[c.point_id] &&
          meta.best.variant === String(r[c.variant]))
        best = { series: key, x: x };
    });
    var xs = Object.keys(byX).map(Number).sort(function (a, b) {
      return a - b;
    });
    var data = xs.map(function (x) {
      return [x].concat(keys.map(function (k) {
        return byX[x][k] || null;
      }));
    });
    var div = el('div', { class: 'chart sweep-chart' });
    s.appendChild(el('h3', { text: 'Cost against ' + axis.name + ' (' +
                                   axis.pointer + ')' }));
    s.appendChild(div);
    var g = new Dygraph(div, data, {
      labels: [axis.name].concat(keys), customBars: true,
      drawPoints: true, pointSize: 3, height: 260,
      ylabel: 'cost ($, mean and 95% band)', xlabel: axis.name,
      legend: 'always', labelsSeparateLines: true,
      axes: { y: { axisLabelFormatter: money, valueFormatter: money },
              x: numeric ? {} : {
        ticker: function () {
          return values.map(function (v, i) { return { v: i, label: v }; });
        },
        valueFormatter: function (i) { return String(values[i]); } } },
      underlayCallback: function (ctx, area, dg) {
        ctx.save();
        ctx.fillStyle = 'rgba(0, 158, 115, 0.15)';
        xs.forEach(function (x, i) {
          if (!meets[x]) return;
          var lo = i > 0 ? (xs[i - 1] + x) / 2 : x - (xs[1] - x || 1) / 2;
          var hi = i + 1 < xs.length ? (x + xs[i + 1]) / 2
                                     : x + (x - xs[i - 1] || 1) / 2;
          var l = dg.toDomXCoord(lo), h = dg.toDomXCoord(hi);
          ctx.fillRect(l, area.y, h - l, area.h);
        });
        ctx.restore();
      }
    });
    if (best)
      g.setAnnotations([{ series: best.series, x: best.x, shortText: 'B',
                          text: 'the point --best chose', cssClass:
                          'best-point' }]);
    check.sweep.push({ axis: axis.pointer, series: keys.length,
                       points: points, best: best !== null,
                       shaded: Object.keys(meets).length });
  }
  function drawSweep() {
    var sw = DATA.sweep, meta = sw.meta;
    var s = section('sweep', 'Sweep',
      'Cost against each swept value: the mean over the seeds and its 95% ' +
      'confidence band, a line per variant. Shaded: the values where a ' +
      'line meets every --best constraint at its confidence bound. B: the ' +
      'point --best chose.');
    if (!meta) {
      s.appendChild(el('p', { text: 'This folder has no sweep.json (an ' +
        'older ecsim wrote it): no shading or best point; run the sweep ' +
        'again with --resume to write it.' }));
    } else {
      s.appendChild(el('p', { text: (meta.constraints.length ?
        'Constraints: ' + meta.constraints.join(', ') + '; minimising ' +
        meta.minimize + '. ' : 'No --best constraints: nothing shaded. ') +
        (meta.best ? 'Best: point ' + meta.best.point_id + ', variant ' +
         meta.best.variant + '.' : 'No point chosen.') }));
    }
    var axes = meta ? meta.axes : [];
    if (!axes.length)
      s.appendChild(el('p', { text: 'Nothing was swept (no --grid): one ' +
                                    'point per variant, in sweep.csv.' }));
    axes.forEach(function (a) { sweepChart(s, sw.table, meta, a); });
  }
