/* ecsim report, draws the page; closes the function scope.
 * A part of one script: embed.py joins plots/report/report-*.js in the
 * order models/output/meson.build lists them, inside the function
 * that report-setup.js opens, so the parts share its variables. */

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
