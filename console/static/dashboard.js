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

  // clusters: the API collapses by cluster in time order; the biggest are
  // picked here from the last day's first 100 clusters.
  async function clusters(from) {
    const r = await api('GET', '/api/v1/search?' + new URLSearchParams({ q: '', from, size: '100', collapse: 'cluster' }));
    if (!r.ok) {
      $('dash-clusters').innerHTML = '<p class="error">' + esc(errMsg(r)) + '</p>';
      return;
    }
    const hits = (r.data.hits || []).filter((h) => h.cluster).sort((a, b) => b.cluster.size - a.cluster.size).slice(0, 10);
    $('dash-clusters').innerHTML = hits.length ? '<ol class="clusters">' + hits.map((h) => {
      const d = h.doc || {};
      return '<li><a href="/search?q=' + encodeURIComponent('cluster:' + h.cluster.id) + '">' + esc((d.masked_title || d.title || d.masked_text || d.text || '').slice(0, 60)) + '</a> ' +
        '<span class="count">' + esc(t('search.cluster_size', h.cluster.size)) + '</span> <span class="muted">' + esc(relTime(h.cluster.last_seen)) + '</span></li>';
    }).join('') + '</ol>' : '<p class="empty">' + esc(t('common.no_data')) + '</p>';
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
