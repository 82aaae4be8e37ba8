// sources.js: the state of every collector, refreshed every 5 seconds.
(function () {
  'use strict';
  const { t, esc, api, errMsg, fmtTime, relTime } = YQ;
  const $ = (id) => document.getElementById(id);

  function row(s) {
    const err = s.last_error ? esc(s.last_error) + (s.last_error_at ? ' <span class="muted">(' + esc(relTime(s.last_error_at)) + ')</span>' : '') : '–';
    return '<tr data-source="' + esc(s.name) + '"><td><strong>' + esc(s.name) + '</strong></td><td>' + esc(s.type) + '</td>' +
      '<td><span class="state state-' + esc(s.state) + '" title="' + esc(s.reason || '') + '">' + esc(t('state.' + s.state)) + '</span>' +
      (s.consecutive_failures ? ' <span class="muted">×' + s.consecutive_failures + '</span>' : '') + '</td>' +
      '<td title="' + esc(fmtTime(s.last_success)) + '">' + esc(relTime(s.last_success)) + '</td>' +
      '<td class="last-error">' + err + '</td><td class="num">' + (s.items_today || 0) + '</td><td class="num">' + (s.duplicates_today || 0) + '</td><td class="num">' + (s.rejects_today || 0) + '</td></tr>';
  }

  async function load() {
    const r = await api('GET', '/api/v1/sources');
    if (!r.ok) {
      $('sources').innerHTML = '<tr><td colspan="8" class="error">' + esc(r.status === 404 ? t('sources.none') : errMsg(r)) + '</td></tr>';
      return;
    }
    const list = (r.data && r.data.sources) || [];
    $('sources').innerHTML = list.map(row).join('');
    $('sources-empty').hidden = list.length > 0;
  }

  YQ.ready.then(() => {
    load();
    setInterval(load, 5000);
  });
})();
