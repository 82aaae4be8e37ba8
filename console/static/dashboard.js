// dashboard.js: the last 24 hours at a glance — volume by category, open
// alerts, the biggest repost clusters and the provinces talked about.
(function () {
  'use strict';
  const { t, esc, api, errMsg, fmtTime, relTime, catName, histogram, isoAgo, sevBadge } = YQ;
  const $ = (id) => document.getElementById(id);
  const DAY = 86400e3;

  async function volume(from) {
    const r = await api('GET', '/api/v1/stats/histogram?' + new URLSearchParams({ q: '', interval: '1h', from, split: 'category' }));
    if (r.ok) histogram($('dash-hist'), r.data);
    else $('dash-hist').innerHTML = '<p class="error">' + esc(errMsg(r)) + '</p>';
  }

  async function regions(from) {
    const r = await api('GET', '/api/v1/search?' + new URLSearchParams({ q: '', from, size: '1', facets: 'region' }));
    if (!r.ok) {
      $('dash-regions').innerHTML = '<p class="error">' + esc(errMsg(r)) + '</p>';
      return;
    }
    $('stat-docs').textContent = String(r.data.total);
    const f = (r.data.facets && r.data.facets.region) || { values: [] };
    $('dash-regions').innerHTML = f.values.length ? '<table class="table" id="region-table"><thead><tr><th>' + esc(t('dash.province')) + '</th><th>' + esc(t('dash.docs')) + '</th></tr></thead><tbody>' +
      f.values.map((v) => '<tr><td><a href="/search?' + esc(new URLSearchParams({ q: 'region:' + v.value, range: '24h' }).toString()) + '">' + esc(v.value) + '</a></td><td class="num">' + v.count + '</td></tr>').join('') +
      '</tbody></table>' : '<p class="empty">' + esc(t('common.no_data')) + '</p>';
  }

  // clusters: the cluster facet counts every post of the last day by repost
  // cluster, largest first; one collapsed search then fetches a post of each.
  async function clusters(from) {
    const f = await api('GET', '/api/v1/search?' + new URLSearchParams({ q: '', from, size: '1', facets: 'cluster' }));
    if (!f.ok) {
      $('dash-clusters').innerHTML = '<p class="error">' + esc(errMsg(f)) + '</p>';
      return;
    }
    const top = ((f.data.facets && f.data.facets.cluster && f.data.facets.cluster.values) || []).slice(0, 10);
    if (!top.length) {
      $('dash-clusters').innerHTML = '<p class="empty">' + esc(t('common.no_data')) + '</p>';
      return;
    }
    const q = top.map((v) => 'cluster:"' + v.value.replace(/"/g, '') + '"').join(' OR ');
    const r = await api('GET', '/api/v1/search?' + new URLSearchParams({ q, from, size: String(top.length), collapse: 'cluster' }));
    const byID = {};
    for (const h of (r.ok && r.data.hits) || []) {
      if (h.cluster) byID[h.cluster.id] = h;
    }
    $('dash-clusters').innerHTML = '<ol class="clusters">' + top.map((v) => {
      const h = byID[v.value] || {};
      const d = h.doc || {};
      const text = (d.masked_title || d.title || d.masked_text || d.text || v.value).slice(0, 60);
      return '<li><a href="/search?q=' + encodeURIComponent('cluster:' + v.value) + '">' + esc(text) + '</a> ' +
        '<span class="count">' + esc(t('search.cluster_size', v.count)) + '</span>' +
        (h.cluster ? ' <span class="muted">' + esc(relTime(h.cluster.last_seen)) + '</span>' : '') + '</li>';
    }).join('') + '</ol>';
  }

  async function alerts() {
    const [f, a] = await Promise.all([api('GET', '/api/v1/alerts?status=firing'), api('GET', '/api/v1/alerts?status=acknowledged')]);
    if (!f.ok) {
      $('dash-alerts').innerHTML = '<p class="error">' + esc(errMsg(f)) + '</p>';
      return;
    }
    const open = [...(f.data.alerts || []), ...((a.ok && a.data.alerts) || [])];
    $('stat-alerts').textContent = String(open.length);
    $('stat-p1').textContent = String(open.filter((x) => x.severity === 'P1').length);
    open.sort((x, y) => x.severity.localeCompare(y.severity) || Date.parse(y.created_at) - Date.parse(x.created_at));
    $('dash-alerts').innerHTML = open.length ? '<ul class="dash-alerts">' + open.slice(0, 8).map((x) => '<li>' + sevBadge(x.severity) + ' <a href="/alerts">' + esc(x.title) + '</a> <span class="muted">' +
      esc(t('status.' + x.status)) + ' · ' + esc(fmtTime(x.created_at)) + '</span></li>').join('') + '</ul>' : '<p class="empty">' + esc(t('alerts.none')) + '</p>';
  }

  async function sources() {
    const r = await api('GET', '/api/v1/sources');
    if (!r.ok) return;
    const list = r.data.sources || [];
    $('stat-sources').textContent = list.filter((s) => s.state === 'failing').length + ' / ' + list.length;
  }

  YQ.ready.then(() => {
    const from = isoAgo(DAY);
    volume(from);
    regions(from);
    clusters(from);
    if (YQ.can('alerts_read')) alerts();
    if (YQ.can('sources_read')) sources();
  });
})();
