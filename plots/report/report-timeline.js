/* ecsim report, section 3, the task timeline (a canvas Gantt).
 * A part of one script: embed.py joins plots/report/report-*.js in the
 * order models/output/meson.build lists them, inside the function
 * that report-setup.js opens, so the parts share its variables. */
  /* ---- 3. the task timeline ---- */
  var patterns = {};
  function pattern(ctx, state) {
    var key = state.col;
    if (patterns[key]) return patterns[key];
    var c = document.createElement('canvas'), p = c.getContext('2d');
    c.width = c.height = 8;
    p.fillStyle = state.colour;
    p.fillRect(0, 0, 8, 8);
    p.strokeStyle = 'rgba(0,0,0,0.55)';
    p.fillStyle = 'rgba(0,0,0,0.55)';
    p.beginPath();
    if (state.pattern === 'hatch' || state.pattern === 'cross') {
      p.moveTo(0, 8); p.lineTo(8, 0);
    }
    if (state.pattern === 'back' || state.pattern === 'cross') {
      p.moveTo(0, 0); p.lineTo(8, 8);
    }
    p.stroke();
    if (state.pattern === 'dots') p.fillRect(3, 3, 2, 2);
    patterns[key] = ctx.createPattern(c, 'repeat');
    return patterns[key];
  }
  /* The rows of the Gantt: tasks by service, then host (instance, or
   * Fargate in an AZ), then start; each with its state spans. */
  function timelineRows(v) {
    var idx = columns(v.tasks), end = duration(v);
    var rows = v.tasks.rows.map(function (r) {
      var spans = [], times = STATES.map(function (s) {
        return idx[s.col] === undefined ? null : r[idx[s.col]];
      });
      var stopped = idx.stopped_s === undefined ? null : r[idx.stopped_s];
      times.forEach(function (t, i) {
        if (typeof t !== 'number') return;
        var next = stopped === null ? end : stopped;
        for (var j = i + 1; j < times.length; j++)
          if (typeof times[j] === 'number') { next = times[j]; break; }
        spans.push({ state: STATES[i], from: t, to: next });
      });
      var host = r[idx.instance] ? String(r[idx.instance])
                                 : (r[idx.launch_type] || 'FARGATE') + ' ' +
                                   (r[idx.az] || '');
      return { id: String(r[idx.task_id]), service: String(r[idx.service]),
               host: host, spans: spans, stopped: stopped,
               reason: r[idx.stop_reason] ? String(r[idx.stop_reason]) : '',
               start: spans.length ? spans[0].from : end,
               status: String(r[idx.last_status] || '') };
    });
    rows.sort(function (a, b) {
      return a.service < b.service ? -1 : a.service > b.service ? 1 :
        a.host < b.host ? -1 : a.host > b.host ? 1 : a.start - b.start;
    });
    return rows;
  }
  var timeline = { rows: [], x0: 0, x1: 1, left: 170, rowH: 14,
                   top: 22, drag: null };
  function drawTimeline() {
    var canvas = document.getElementById('gantt');
    if (!canvas) return;
    var v = variant(), t = timeline;
    var range = view.range || [0, duration(v)];
    t.x0 = range[0]; t.x1 = range[1];
    var width = canvas.parentNode.clientWidth || 1000;
    var height = t.top + t.rows.length * t.rowH + 4;
    var ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    canvas.style.width = width + 'px';
    canvas.style.height = height + 'px';
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    drawTimeAxis(ctx, width);
    var drawn = [];
    t.rows.forEach(function (row, i) {
      drawTaskRow(ctx, row, i, width);
      drawn.push(row.id);
    });
    if (view.focus !== null) {
      var fx = timeX(view.focus, width);
      ctx.fillStyle = 'rgba(0,0,0,0.45)';
      if (fx >= t.left) ctx.fillRect(fx - 1, t.top, 3, height - t.top);
    }
    if (t.drag) {
      ctx.fillStyle = 'rgba(0,114,178,0.2)';
      ctx.fillRect(Math.min(t.drag.a, t.drag.b), t.top,
                   Math.abs(t.drag.b - t.drag.a), height - t.top);
    }
    check.timeline_tasks = drawn;
  }
  /* A step of round clock time giving at most @n ticks over @span s. */
  function clockStep(span, n) {
    var steps = [60, 300, 600, 1800, 3600, 7200, 14400, 21600, 43200, 86400];
    return steps.filter(function (s) { return span / s <= n; })[0] ||
           86400 * Math.ceil(span / 86400 / n);
  }
  /* dygraphs' x ticker: ticks on round clock times (00:30, 01:00, ...). */
  function clockTicks(min, max, pixels) {
    var step = clockStep(max - min, Math.max(2, Math.floor(pixels / 80)));
    var ticks = [];
    for (var s = Math.ceil(min / step) * step; s <= max; s += step)
      ticks.push({ v: s, label: clock(s, false) });
    return ticks;
  }
  function timeX(time, width) {
    var t = timeline;
    return t.left + (time - t.x0) / (t.x1 - t.x0) * (width - t.left - 8);
  }
  function xTime(x, width) {
    var t = timeline;
    return t.x0 + (x - t.left) / (width - t.left - 8) * (t.x1 - t.x0);
  }
  function drawTimeAxis(ctx, width) {
    var t = timeline, span = t.x1 - t.x0;
    var step = clockStep(span, Math.max(2, Math.floor((width - t.left) / 90)));
    ctx.font = '11px sans-serif';
    ctx.fillStyle = '#333';
    ctx.strokeStyle = '#ddd';
    for (var s = Math.ceil(t.x0 / step) * step; s <= t.x1; s += step) {
      var x = timeX(s, width);
      ctx.fillText(clock(s, false), x - 14, 12);
      ctx.beginPath();
      ctx.moveTo(x, t.top - 4);
      ctx.lineTo(x, t.top + t.rows.length * t.rowH);
      ctx.stroke();
    }
  }
  function drawTaskRow(ctx, row, i, width) {
    var t = timeline, y = t.top + i * t.rowH, h = t.rowH - 3;
    var prev = t.rows[i - 1];
    if (!prev || prev.service !== row.service || prev.host !== row.host) {
      ctx.fillStyle = '#222';
      ctx.font = (t.rowH >= 12 ? 11 : 9) + 'px sans-serif';
      ctx.fillText((row.service + ' \u00b7 ' + row.host).slice(0, 28), 2,
                   y + h);
      ctx.fillStyle = '#999';
      ctx.fillRect(0, y - 1, width, 1);
    }
    row.spans.forEach(function (sp) {
      var a = Math.max(timeX(sp.from, width), t.left);
      var b = Math.min(timeX(sp.to, width), width - 8);
      if (b < t.left || a > width - 8) return;
      var w = Math.max(b - a, 1);
      ctx.fillStyle = pattern(ctx, sp.state);
      ctx.fillRect(a, y, w, h);
      if (t.rowH >= 12 && w > 34) {
        ctx.fillStyle = '#000';
        ctx.font = '10px sans-serif';
        ctx.fillText(sp.state.short, a + 3, y + h - 2);
      }
    });
    if (row.stopped !== null) {
      var x = timeX(row.stopped, width);
      if (x >= t.left && x <= width - 8) {
        ctx.fillStyle = reasonColour(row.reason);
        ctx.font = 'bold ' + (t.rowH >= 12 ? 11 : 8) + 'px sans-serif';
        ctx.fillText('\u2715' + (t.rowH >= 12 ? ' ' + row.reason : ''),
                     x + 1, y + h);
      }
    }
  }
  function rowAt(ev, canvas) {
    var box = canvas.getBoundingClientRect(), t = timeline;
    var x = ev.clientX - box.left, y = ev.clientY - box.top;
    var i = Math.floor((y - t.top) / t.rowH);
    return { x: x, row: i >= 0 && i < t.rows.length ? t.rows[i] : null,
             width: box.width };
  }
  function timelineTip(row, time) {
    var state = row.spans.filter(function (sp) {
      return sp.from <= time && time < sp.to;
    })[0];
    return 'task ' + row.id + '\nservice ' + row.service + ' on ' +
      row.host + '\nat ' + clock(time, true) + ': ' +
      (state ? state.state.name : row.stopped !== null &&
               time >= row.stopped ? 'STOPPED' : 'not yet started') +
      row.spans.map(function (sp) {
        return '\n  ' + sp.state.name + ' from ' + clock(sp.from, true);
      }).join('') + (row.stopped !== null ? '\n  STOPPED at ' +
        clock(row.stopped, true) + (row.reason ? ': ' + row.reason : '') : '');
  }
  function timelineEvents(canvas) {
    var tip = document.getElementById('tip'), t = timeline;
    canvas.addEventListener('mousedown', function (ev) {
      var at = rowAt(ev, canvas);
      if (at.x > t.left) t.drag = { a: at.x, b: at.x };
    });
    canvas.addEventListener('mousemove', function (ev) {
      var at = rowAt(ev, canvas);
      if (t.drag) { t.drag.b = at.x; drawTimeline(); return; }
      if (!at.row || at.x < t.left) { tip.hidden = true; return; }
      tip.textContent = timelineTip(at.row, xTime(at.x, at.width));
      tip.style.left = (ev.pageX + 12) + 'px';
      tip.style.top = (ev.pageY + 12) + 'px';
      tip.hidden = false;
    });
    canvas.addEventListener('mouseleave', function () { tip.hidden = true; });
    window.addEventListener('mouseup', function (ev) {
      if (!t.drag) return;
      var d = t.drag, width = canvas.getBoundingClientRect().width;
      t.drag = null;
      if (Math.abs(d.b - d.a) < 4) { drawTimeline(); return; }
      setRange([xTime(Math.min(d.a, d.b), width),
                xTime(Math.max(d.a, d.b), width)], null);
    });
    canvas.addEventListener('dblclick', function () { setRange(null, null); });
  }
  function drawTimelineSection() {
    var s = section('timeline', 'Task timeline',
      'Every task of tasks.csv, by service and host, one row each: ' +
      'a fill per lifecycle state, with its name where it fits ' +
      '(prov, pend, act, run, deact, stop, deprov), and \u2715 with the ' +
      'stop reason where it stopped. Drag to zoom, double-click to zoom ' +
      'out; hover a row for the task\u2019s times.');
    var legend = el('ul', { class: 'states' });
    var key = document.createElement('canvas').getContext('2d');
    STATES.forEach(function (st) {
      var swatch = el('canvas', { width: '22', height: '12',
                                  'aria-hidden': 'true' });
      var c = swatch.getContext('2d');
      c.fillStyle = pattern(key, st);
      c.fillRect(0, 0, 22, 12);
      legend.appendChild(el('li', {}, [swatch, ' ' + st.short + ' = ' +
                                               st.name]));
    });
    s.appendChild(legend);
    var reasons = el('ul', { class: 'states' });
    Object.keys(REASONS).forEach(function (r) {
      reasons.appendChild(el('li', {}, [el('strong', { text: '\u2715',
        style: 'color:' + REASONS[r] }), ' stopped: ' + r]));
    });
    s.appendChild(reasons);
    var canvas = el('canvas', { id: 'gantt', role: 'img',
      'aria-label': 'Gantt chart of every task\u2019s lifecycle states' });
    s.appendChild(el('div', { class: 'gantt' }, [canvas]));
    timelineEvents(canvas);
  }
  function resetTimeline() {
    var rows = timelineRows(variant());
    timeline.rows = rows;
    timeline.rowH = rows.length <= 60 ? 16 : rows.length <= 200 ? 10 : 6;
    drawTimeline();
  }
