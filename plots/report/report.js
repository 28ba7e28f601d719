/* ecsim report: draws the page from the run's data (the JSON in
 * #ecsim-data, written by models/output/html-report.c) with dygraphs.
 *
 * Sections: the answer (each variant's cost, latency, SLO, errors,
 * warnings), linked time series with event markers, the task timeline
 * (a canvas Gantt), and the event log. After drawing, the page writes a
 * self-check into a hidden pre element, id selftest (JavaScript errors, points drawn per
 * chart, tasks drawn in the timeline), which the browser tests read
 * (tests/report/). Nothing here reaches the network. */
(function () {
  'use strict';

  var DATA = JSON.parse(document.getElementById('ecsim-data').textContent);
  var ROOT = document.getElementById('report');
  /* Okabe-Ito: told apart by most colour-blind readers; lines also differ
   * by dash pattern and every mark carries a letter. */
  var PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00',
                 '#56B4E9', '#000000'];
  var CHARTS = [
    { id: 'rps', title: 'Requests per second', cols: ['rps'],
      labels: ['requests/s'] },
    { id: 'latency', title: 'Latency percentiles (ms)', log: true,
      cols: ['p50_ms', 'p90_ms', 'p99_ms', 'p999_ms'],
      labels: ['p50', 'p90', 'p99', 'p99.9'] },
    { id: 'errors', title: 'Errors per period',
      cols: ['err_no_target', 'err_queue_full', 'err_timeout', 'err_reset'],
      labels: ['503 no target', '503 queue full', '504 timeout',
               '502 reset'] },
    { id: 'tasks', title: 'Tasks', cols: ['desired', 'running', 'pending'],
      labels: ['desired', 'running', 'pending'] },
    { id: 'instances', title: 'Container instances', cols: ['instances'],
      labels: ['instances'] },
    { id: 'utilization', title: 'CPU and memory (%)',
      cols: ['cpu_pct', 'memory_pct'], labels: ['CPU %', 'memory %'] },
    { id: 'cost', title: 'Cost so far (USD)', cols: ['cost_usd'],
      labels: ['cost so far'] }
  ];
  /* Event kinds drawn as marks on the charts, by family; the letter
   * tells the families apart without colour. */
  var FAMILIES = [
    { id: 'deploy', letter: 'D', name: 'deployment', colour: '#0072B2',
      kinds: ['deployment', 'deployment-completed', 'deployment-failed',
              'deployment-stalled', 'rollback'] },
    { id: 'scale', letter: 'S', name: 'scaling', colour: '#009E73',
      kinds: ['scaling-activity', 'scheduled-action', 'desired-count',
              'managed-scaling', 'capacity-rebalance', 'warm-pool'] },
    { id: 'fault', letter: 'F', name: 'fault', colour: '#D55E00',
      kinds: ['fault', 'instance-failed', 'task-out-of-memory',
              'unable-to-start'] },
    { id: 'spot', letter: '$', name: 'Spot', colour: '#CC79A7',
      kinds: ['spot-interruption', 'spot-interruption-warning',
              'rebalance-recommendation', 'spot-shortage',
              'spot-shortage-end'] },
    { id: 'az', letter: 'A', name: 'AZ', colour: '#000000', kinds: [] }
  ];
  var STATES = [
    { col: 'provisioning_s', name: 'PROVISIONING', short: 'prov',
      colour: '#bbbbbb', pattern: 'dots' },
    { col: 'pending_s', name: 'PENDING', short: 'pend', colour: '#E69F00',
      pattern: 'hatch' },
    { col: 'activating_s', name: 'ACTIVATING', short: 'act',
      colour: '#56B4E9', pattern: 'back' },
    { col: 'running_s', name: 'RUNNING', short: 'run', colour: '#009E73',
      pattern: 'solid' },
    { col: 'deactivating_s', name: 'DEACTIVATING', short: 'deact',
      colour: '#F0E442', pattern: 'back' },
    { col: 'stopping_s', name: 'STOPPING', short: 'stop',
      colour: '#D55E00', pattern: 'cross' },
    { col: 'deprovisioning_s', name: 'DEPROVISIONING', short: 'deprov',
      colour: '#CC79A7', pattern: 'dots' }
  ];

  /* Stop reasons (tasks.csv's stop_reason): the colour of the stop mark;
   * the reason is also written beside it, and in the row's tooltip. */
  var REASONS = { 'scale-in': '#0072B2', deployment: '#009E73',
    unhealthy: '#D55E00', 'spot-interruption': '#CC79A7',
    'instance-terminated': '#000000', 'instance-draining': '#56B4E9',
    'essential-container-exited': '#E69F00', 'out-of-memory': '#a01000',
    'startup-failure': '#7a4f00' };
  function reasonColour(reason) { return REASONS[reason] || '#555555'; }
  var view = { variant: 0, service: null, log: false, range: null,
               focus: null, charts: [], syncing: false, markers: [] };
  var check = { charts: {}, timeline_tasks: [], markers: 0, events: 0,
                break_even: [], why: [], incidents: [], sweep: [] };

  /* ---- small helpers ---- */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function get(o, path) {
    return path.split('.').reduce(function (a, k) {
      return a === null || a === undefined ? undefined : a[k];
    }, o);
  }
  function money(x) {
    if (typeof x !== 'number') return '–';
    return '$' + (x >= 100 ? x.toFixed(0).replace(/\B(?=(\d{3})+$)/g, ',')
                           : x.toFixed(x >= 1 ? 2 : 4));
  }
  function ms(x) {
    return typeof x === 'number' ? x.toFixed(1) + ' ms' : '–';
  }
  function pct(x, digits) {
    return typeof x === 'number' ? (100 * x).toFixed(digits) + '%' : '–';
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  /* Simulated seconds as [dD ]HH:MM[:SS], the clock of events.jsonl. */
  function clock(t, seconds) {
    var s = Math.round(t), d = Math.floor(s / 86400);
    s -= d * 86400;
    var text = pad(Math.floor(s / 3600)) + ':' + pad(Math.floor(s / 60) % 60);
    if (seconds) text += ':' + pad(s % 60);
    return (d > 0 ? 'd' + d + ' ' : '') + text;
  }
  function hours(t) {
    return t >= 3600 ? +(t / 3600).toFixed(2) + ' h' : +(t / 60).toFixed(1) +
                                                        ' min';
  }
  function columns(table) {
    var idx = {};
    table.columns.forEach(function (c, i) { idx[c] = i; });
    return idx;
  }
  function variant() { return DATA.variants[view.variant]; }
  function duration(v) { return get(v.summary, 'scenario.duration_s') || 1; }
  function section(id, title, intro) {
    var s = el('section', { id: id }, [el('h2', { text: title })]);
    if (intro) s.appendChild(el('p', { class: 'intro', text: intro }));
    ROOT.appendChild(s);
    return s;
  }

  /* ---- 1. the answer ---- */
  function perMonth(s) {
    var total = get(s, 'cost.total_usd'), d = get(s, 'scenario.duration_s');
    return typeof total === 'number' && d > 0 ? total * 730 * 3600 / d
                                             : undefined;
  }
  function sloText(s) {
    var slo = s.slo;
    if (!slo || typeof slo.attainment !== 'number') return '–';
    return pct(slo.attainment, 2) + ' within ' + slo.threshold_ms +
      ' ms (target ' + pct(slo.target, 2) + '): ' +
      (slo.met ? 'met' : 'MISSED');
  }
  function errorText(s) {
    var rate = get(s, 'requests.error_rate');
    var budget = get(s, 'slo.error_budget');
    var text = pct(rate, 3);
    if (typeof budget === 'number')
      text += rate > budget ? ' (over the ' + pct(budget, 2) + ' budget)'
                            : ' (budget ' + pct(budget, 2) + ')';
    return text;
  }
  function itemsText(s) {
    var items = get(s, 'cost.items') || {};
    return Object.keys(items).filter(function (k) { return k !== 'total'; })
      .map(function (k) { return k.replace(/_/g, ' ') + ' ' + money(items[k]); })
      .join(', ');
  }
  function cheapestMeeting() {
    var best = -1;
    DATA.variants.forEach(function (v, i) {
      var s = v.summary, ok = get(s, 'slo.met') !== false &&
        get(s, 'slo.error_budget_met') !== false;
      if (ok && (best < 0 || s.cost.total_usd <
                 DATA.variants[best].summary.cost.total_usd)) best = i;
    });
    return best;
  }
  function drawAnswer() {
    var first = DATA.variants[0].summary;
    var s = section('answer', 'The answer',
      'Scenario ' + get(first, 'scenario.name') + ', ' +
      hours(duration(DATA.variants[0])) + ' simulated, seed ' +
      get(first, 'scenario.seed') + '. Per month = the run\u2019s cost \u00d7 ' +
      '730 h / its duration.');
    var rows = [
      ['Cost', function (x) { return money(get(x, 'cost.total_usd')); }],
      ['Per month', function (x) { return money(perMonth(x)); }],
      ['Per million requests',
       function (x) { return money(get(x, 'cost.per_million_requests_usd')); }],
      ['Cost by item', itemsText],
      ['p50', function (x) { return ms(get(x, 'latency.p50_ms')); }],
      ['p99', function (x) { return ms(get(x, 'latency.p99_ms')); }],
      ['p99.9', function (x) { return ms(get(x, 'latency.p999_ms')); }],
      ['SLO', sloText],
      ['Error rate', errorText],
      ['Requests', function (x) {
        return (get(x, 'requests.arrivals') || 0).toLocaleString('en-US') +
          ' arrived';
      }]
    ];
    var best = DATA.variants.length > 1 ? cheapestMeeting() : -1;
    var head = el('tr', {}, [el('th', { scope: 'col', text: '' })]);
    DATA.variants.forEach(function (v, i) {
      head.appendChild(el('th', { scope: 'col', text: v.name +
        (i === best ? ' \u2605 cheapest meeting its SLO' : '') }));
    });
    var body = el('tbody');
    rows.forEach(function (r) {
      var tr = el('tr', {}, [el('th', { scope: 'row', text: r[0] })]);
      DATA.variants.forEach(function (v) {
        var text = r[1](v.summary);
        tr.appendChild(el('td', { text: text,
          class: /MISSED|over the/.test(text) ? 'bad' : '' }));
      });
      body.appendChild(tr);
    });
    s.appendChild(el('table', { class: 'answer' },
                     [el('thead', {}, [head]), body]));
    drawBreakEven(s);
    drawWarnings(s);
  }
  /* An `ecsim compare` folder: each Fargate/EC2 pair's break-even, its
   * statement and the traffic levels tried (compare.json). */
  function drawBreakEven(s) {
    var pairs = get(DATA, 'compare.break_even');
    if (!Array.isArray(pairs) || !pairs.length) return;
    s.appendChild(el('h3', { text: 'Break-even' }));
    pairs.forEach(function (b) {
      s.appendChild(el('p', { class: 'statement', text: b.statement || '' }));
      check.break_even.push(b.statement || '');
      var body = el('tbody');
      (b.points || []).forEach(function (p) {
        body.appendChild(el('tr', {}, [
          el('td', { text: p.traffic_scale + 'x' }),
          el('td', { text: String(p.mean_rps) }),
          el('td', { text: money(get(p, 'fargate.usd_per_month')) }),
          el('td', { text: money(get(p, 'ec2.usd_per_month')) }),
          el('td', { text: p.comparable ? 'both meet them'
                                        : 'not comparable', class:
                     p.comparable ? '' : 'bad' })]));
      });
      var head = el('tr', {}, ['traffic', 'requests/s',
        b.fargate_variant + ' per month', b.ec2_variant + ' per month',
        'SLO and error budget'].map(function (h) {
          return el('th', { scope: 'col', text: h });
        }));
      s.appendChild(el('table', { class: 'answer' },
                       [el('thead', {}, [head]), body]));
    });
  }
  function drawWarnings(s) {
    var list = el('ul', { class: 'warnings' }), n = 0;
    DATA.variants.forEach(function (v) {
      (v.summary.warnings || []).forEach(function (w) {
        if (w.ignored) return;
        n++;
        list.appendChild(el('li', {}, [
          el('strong', { text: '\u26a0 ' + v.name + ': ' + w.code }),
          ' ' + (w.service ? '(service ' + w.service + ') ' : '') + w.message
        ]));
      });
    });
    s.appendChild(el('h3', { text: 'Warnings (' + n + ')' }));
    s.appendChild(n ? list : el('p', { text: 'None: no variant has a ' +
                                              'warning in summary.json.' }));
  }

  /* ---- 5. why: each breach and its causes (html-report-why.c) ---- */
  var CAUSES = { deployment: 'a deployment replacing tasks',
    az: 'an Availability Zone lost', instance: 'an instance lost',
    spot: 'a Spot interruption', unplaceable: 'tasks could not be placed',
    'scale-out': 'scale-out still pending',
    unhealthy: 'tasks failing health checks',
    traffic: 'a surge of traffic', 'queue-full': 'the queue full',
    'no-target': 'no healthy target' };
  function showBreach(vi, b) {
    if (vi !== view.variant) {
      view.variant = vi;
      view.service = b.service;
      var sel = document.querySelector('#series select');
      if (sel && DATA.variants.length > 1) sel.value = String(vi);
      redraw();
    } else if (view.service !== b.service) {
      view.service = b.service;
      drawServiceChoice();
      drawCharts();
    }
    var period = get(variant().summary, 'scenario.period_s') || 60;
    var lookback = Math.max(2 * period, 300);
    view.focus = b.from;
    setRange([Math.max(0, b.from - lookback), b.to + period], null);
    document.getElementById('series').scrollIntoView({ behavior: 'smooth' });
  }
  function breachItem(vi, v, b) {
    var title = el('button', { type: 'button', class: 'breach', text:
      (DATA.variants.length > 1 ? v.name + ', ' : '') + 'service ' +
      b.service + ', ' + clock(b.from, false) + '\u2013' + clock(b.to, false) +
      ' (' + b.periods + ' period' + (b.periods === 1 ? '' : 's') + '): ' +
      b.missed });
    title.addEventListener('click', function () { showBreach(vi, b); });
    var list = el('ol', { class: 'causes' });
    b.causes.forEach(function (c) {
      list.appendChild(el('li', {}, [
        el('strong', { text: (CAUSES[c.kind] || c.kind) + ' \u2014 covers ' +
                             Math.round(100 * c.overlap) + '% of it: ' }),
        c.text + (c.more ? ' (and ' + c.more + ' more like it)' : '')]));
    });
    if (!b.causes.length)
      list.appendChild(el('li', { text: 'No cause found in the outputs: ' +
        'look at the traffic and the latency charts around it.' }));
    check.why.push({ variant: v.name, service: b.service, from: b.from,
                     to: b.to, causes: b.causes.map(function (c) {
                       return c.kind;
                     }) });
    return el('li', {}, [title, list]);
  }
  function drawWhy() {
    var s = section('why', 'Why',
      'Each run of periods of a service that missed the SLO (its ' +
      'percentile at the SLO\u2019s target over the threshold) or had ' +
      'errors, with the causes found in the same time or just before it: ' +
      'first what happened to the service, then what its requests met; ' +
      'each ranked by how much of the breach it covers. Click a breach to ' +
      'see it on the charts.');
    var list = el('ul', { class: 'why' }), n = 0;
    DATA.variants.forEach(function (v, vi) {
      (v.why || []).forEach(function (b) {
        list.appendChild(breachItem(vi, v, b));
        n++;
      });
    });
    s.appendChild(n ? list : el('p', { text: 'No breach: no period of ' +
      'any service missed the SLO or had errors.' }));
    drawIncidents(s, n);
  }
  /* Failed or rolled-back deployments, failed health checks, tasks not
   * started or not placed: listed breach or not, so that a run that kept
   * its SLO through a bad deployment says so. */
  var INCIDENTS = { 'deployment-failed': 'a deployment failed',
    'deployment-stalled': 'a deployment stalled',
    rollback: 'the deployment was rolled back',
    'target-unhealthy': 'tasks failed health checks',
    'unable-to-start': 'tasks failed to start',
    'unable-to-place': 'tasks could not be placed' };
  function drawIncidents(s, breaches) {
    var list = el('ul', { class: 'incidents' }), n = 0;
    DATA.variants.forEach(function (v) {
      (v.incidents || []).forEach(function (i) {
        var who = (DATA.variants.length > 1 ? v.name + ', ' : '') +
                  (i.service ? 'service ' + i.service : 'the cluster');
        list.appendChild(el('li', {}, [
          el('strong', { text: who + ': ' + (INCIDENTS[i.kind] || i.kind) +
                               (i.count > 1 ? ' (' + i.count + ' times)' :
                                '') + ' \u2014 ' }), i.text]));
        check.incidents.push({ variant: v.name, service: i.service || null,
                               kind: i.kind, at: i.at, count: i.count });
        n++;
      });
    });
    if (!n) return;
    s.appendChild(el('h3', { text: 'Incidents (' + n + ')' }));
    s.appendChild(el('p', { text: breaches ? 'Also in the event log, ' +
      'whether or not they touched a breach above:' : 'No breach, but ' +
      'these incidents: the services kept their SLO and had no errors ' +
      'through them (a failed deployment rolled back while the old tasks ' +
      'kept serving, for instance).' }));
    s.appendChild(list);
  }

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

  try {
    ROOT.appendChild(el('h1', { text: ROOT.getAttribute('data-title') +
                                      ': ecsim report' }));
    if (DATA.sweep) {
      drawSweep();
      writeSelfCheck();
      return;
    }
    drawAnswer();
    drawWhy();
    drawSeriesSection();
    drawTimelineSection();
    drawLogSection();
    document.body.appendChild(el('div', { id: 'tip', class: 'tip',
                                          role: 'tooltip', hidden: 'hidden' }));
    redraw();
    window.addEventListener('resize', drawTimeline);
  } catch (e) {
    window.ecsimErrors = window.ecsimErrors || [];
    window.ecsimErrors.push(String(e && e.stack || e));
  }
  if (location.hash === '#selftest') interactionCheck();
  writeSelfCheck();
})();
