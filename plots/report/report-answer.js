/* ecsim report, section 1, the answer: cost, latency, SLO, errors, warnings, break-even.
 * A part of one script: embed.py joins plots/report/report-*.js in the
 * order models/output/meson.build lists them, inside the function
 * that report-setup.js opens, so the parts share its variables. */
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
