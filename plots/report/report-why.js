/* ecsim report, section 5, why: each breach and its causes, and the incidents.
 * A part of one script: embed.py joins plots/report/report-*.js in the
 * order models/output/meson.build lists them, inside the function
 * that report-setup.js opens, so the parts share its variables. */
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
