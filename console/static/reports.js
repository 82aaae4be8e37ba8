// reports.js: the trend reports with links to each format, and a form to
// ask for a new one.
(function () {
  'use strict';
  const { t, esc, api, errMsg, fmtTime } = YQ;
  const $ = (id) => document.getElementById(id);

  async function load() {
    const r = await api('GET', '/api/v1/reports');
    const list = (r.ok && r.data && r.data.reports) || [];
    if (!r.ok && r.status !== 404) $('reports-empty').textContent = errMsg(r);
    $('reports-empty').hidden = list.length > 0;
    $('reports').innerHTML = list.map((rep) => '<tr><td>' + esc(t('reports.' + rep.period)) + '</td><td>' + esc(fmtTime(rep.from)) + '</td><td>' + esc(fmtTime(rep.to)) +
      '</td><td>' + esc(fmtTime(rep.created_at)) + '</td><td>' + (rep.formats || []).map((f) =>
        '<a class="fmt" href="/api/v1/reports/' + encodeURIComponent(rep.id) + '?format=' + encodeURIComponent(f) + '">' + esc(f.toUpperCase()) + '</a>').join(' ') + '</td></tr>').join('');
  }

  function setupForm() {
    $('report-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { period: $('rep-period').value };
      if ($('rep-from').value) body.from = $('rep-from').value;
      if ($('rep-to').value) body.to = $('rep-to').value;
      $('rep-msg').textContent = t('common.loading');
      const r = await api('POST', '/api/v1/reports', body);
      $('rep-msg').className = r.ok ? 'msg ok' : 'msg error';
      $('rep-msg').textContent = r.ok ? t('reports.created_ok') : errMsg(r);
      load();
    });
  }

  YQ.ready.then(() => {
    if (YQ.can('reports_write')) setupForm();
    load();
  });
})();
