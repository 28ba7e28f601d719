/* ecsim report: draws the page from the run's data (the JSON in
 * #ecsim-data, written by models/output/html-report.c) with dygraphs.
 *
 * Sections: the answer (each variant's cost, latency, SLO, errors,
 * warnings), linked time series with event markers, the task timeline
 * (a canvas Gantt), and the event log. After drawing, the page writes a
 * self-check into a hidden pre element, id selftest (JavaScript errors, points drawn per
 * chart, tasks drawn in the timeline), which the browser tests read
 * (tests/report/). Nothing here reaches the network.
 *
 * The script is in parts, one per section (report-answer.js,
 * report-why.js, report-charts.js, report-timeline.js, report-log.js,
 * report-selftest.js, report-sweep.js, report-main.js), which embed.py
 * joins in the order models/output/meson.build lists them: this part
 * opens the one function they all live in, report-main.js closes it. */
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
