// search.js: the search page. The page's URL is the search
// (/search?q=…&range=…&sort=…&collapse=cluster&page=…), so a link shared
// by an analyst opens with its results.
(function () {
  'use strict';
  const { t, esc, highlight, api, errMsg, fmtTime, catName, histogram, isoAgo } = YQ;
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const RANGES = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };
  const FACETS = ['category', 'source', 'region', 'city', 'kind'];
  const FILTER = { category: 'category', source: 'source', region: 'region', city: 'region', kind: 'kind', author: 'author' };

  function restoreForm() {
    $('range').value = params.get('range') || (params.get('from') || params.get('to') ? 'custom' : '');
    $('sort').value = params.get('sort') || 'time';
    $('collapse').checked = params.get('collapse') === 'cluster';
    showCustom();
    $('range').addEventListener('change', showCustom);
    $('search-form').addEventListener('submit', () => {
      const custom = $('range').value === 'custom';
      $('from').disabled = !custom; // a preset range is not sent as dates
      $('to').disabled = !custom;
    });
  }

  function showCustom() {
    document.querySelector('.search-form').classList.toggle('show-custom', $('range').value === 'custom');
  }

  // bounds are the from/to of the chosen range, as the API takes them.
  function bounds() {
    const r = params.get('range');
    if (RANGES[r]) return { from: isoAgo(RANGES[r]), to: '' };
    return { from: params.get('from') || '', to: params.get('to') || '' };
  }

  function interval() {
    const r = params.get('range');
    return r === '1h' || r === '24h' ? '1h' : '1d';
  }

  function searchURL(q, extra) {
    const p = new URLSearchParams(params);
    p.set('q', q);
    p.delete('page');
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return '/search?' + p.toString();
  }

  function quote(v) {
    return /[\s:()"“”（）]/.test(v) || v === '' ? '"' + v.replace(/"/g, '') + '"' : v;
  }

  async function run() {
    const q = params.get('q') || '';
    const b = bounds();
    const page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
    const sp = new URLSearchParams({ q, size: '20', page: String(page), sort: params.get('sort') || 'time', facets: FACETS.join(',') });
    if (b.from) sp.set('from', b.from);
    if (b.to) sp.set('to', b.to);
    if (params.get('collapse') === 'cluster') sp.set('collapse', 'cluster');
    $('result-summary').textContent = t('common.loading');
    const r = await api('GET', '/api/v1/search?' + sp.toString());
    if (!r.ok) {
      $('result-summary').textContent = '';
      showError(q, r);
      return;
    }
    $('query-error').hidden = true;
    renderResults(r.data, page);
    renderFacets(q, r.data.facets || {});
    loadHistogram(q, b);
  }

  // showError shows a rejected query with its position marked.
  function showError(q, r) {
    const box = $('query-error');
    const e = (r.data && r.data.error) || {};
    box.hidden = false;
    if (e.code !== 'bad_query' || typeof e.position !== 'number') {
      box.innerHTML = '<p>' + esc(errMsg(r)) + '</p>';
      return;
    }
    const chars = Array.from(q); // positions count characters, not UTF-16 units
    const pos = Math.min(e.position, chars.length);
    const at = pos < chars.length ? chars[pos] : ' ';
    box.innerHTML = '<p><strong>' + esc(t('search.syntax_error', pos)) + '</strong> ' + esc(e.message) + '</p>' +
      '<pre class="qerr"><code>' + esc(chars.slice(0, pos).join('')) + '<mark class="err-pos">' + esc(at) + '</mark>' +
      esc(chars.slice(pos + 1).join('')) + '</code></pre>';
  }

  function hitHTML(h) {
    const d = h.doc || {};
    const fr = h.fragments || {};
    const title = fr.title && fr.title.length ? highlight(fr.title[0]) : esc(d.masked_title || d.title || '');
    let text = fr.text && fr.text.length ? fr.text.map(highlight).join(' … ') : esc((d.masked_text || d.text || '').slice(0, 200));
    const cats = Object.entries(d.categories || {}).sort((a, b) => b[1] - a[1]).slice(0, 3)
      .map(([c, s]) => '<span class="tag">' + esc(catName(c)) + ' ' + s.toFixed(2) + '</span>').join('');
    let cluster = '';
    if (h.cluster) {
      cluster = '<a class="cluster" href="' + esc(searchURL('cluster:' + h.cluster.id, { collapse: '' })) + '">' +
        esc(t('search.cluster_size', h.cluster.size)) + '</a> <span class="muted">' + esc(fmtTime(h.cluster.first_seen)) + ' – ' + esc(fmtTime(h.cluster.last_seen)) + '</span>';
    }
    return '<li class="hit card"><h3><a href="/doc/' + encodeURIComponent(h.id) + '">' + (title || esc(t('doc.untitled'))) + '</a></h3>' +
      '<p class="text">' + text + '</p>' +
      '<p class="meta"><span>' + esc(d.source) + '</span> <span>' + esc(t('kind.' + (d.kind || 'post'))) + '</span> <time>' + esc(fmtTime(d.published_at)) + '</time> ' +
      cats + (d.risk ? ' <span class="risk">' + esc(t('doc.risk')) + ' ' + Number(d.risk).toFixed(2) + '</span>' : '') + '</p>' +
      (cluster ? '<p class="meta">' + cluster + '</p>' : '') + '</li>';
  }

  function renderResults(res, page) {
    $('result-summary').textContent = t('search.total', res.total, Math.round(res.took_ms || 0));
    const hits = res.hits || [];
    $('hits').innerHTML = hits.length ? hits.map(hitHTML).join('') : '<li class="empty">' + esc(t('search.no_hits')) + '</li>';
    const pager = [];
    if (page > 1) pager.push('<a href="' + esc(searchURL(params.get('q') || '', { page: page - 1 })) + '">' + esc(t('common.prev')) + '</a>');
    if (hits.length === 20 && page * 20 < res.total) pager.push('<a href="' + esc(searchURL(params.get('q') || '', { page: page + 1 })) + '">' + esc(t('common.next')) + '</a>');
    $('pager').innerHTML = pager.join(' ');
  }

  function renderFacets(q, facets) {
    const box = $('facets');
    let html = '';
    for (const name of FACETS) {
      const f = facets[name];
      if (!f || !f.values || !f.values.length) continue;
      html += '<h3>' + esc(t('facet.' + name)) + '</h3><ul>';
      for (const v of f.values) {
        const filter = FILTER[name] + ':' + quote(v.value);
        const label = name === 'category' ? catName(v.value) : name === 'kind' ? t('kind.' + v.value) : v.value;
        html += '<li><a class="facet" data-filter="' + esc(filter) + '" href="' + esc(searchURL((q + ' ' + filter).trim())) + '">' +
          esc(label) + '</a> <span class="count">' + v.count + '</span></li>';
      }
      html += '</ul>';
    }
    box.innerHTML = html;
    box.hidden = !html;
  }

  async function loadHistogram(q, b) {
    const sp = new URLSearchParams({ q, interval: interval() });
    if (b.from) sp.set('from', b.from);
    if (b.to) sp.set('to', b.to);
    const r = await api('GET', '/api/v1/stats/histogram?' + sp.toString());
    $('hist-card').hidden = !r.ok;
    if (r.ok) histogram($('search-hist'), r.data);
  }

  async function loadSaved() {
    const r = await api('GET', '/api/v1/searches');
    if (!r.ok) return;
    const list = (r.data && r.data.searches) || [];
    $('saved-list').innerHTML = list.map((s) => '<li><a href="/search?q=' + encodeURIComponent(s.query) + '">' + esc(s.name) + '</a> <code>' + esc(s.query) + '</code> <span class="muted">' + esc(s.owner) + '</span></li>').join('') ||
      '<li class="empty">' + esc(t('saved.none')) + '</li>';
  }

  function setupSave() {
    $('save-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      let owner = YQ.me.name;
      try { owner = owner || localStorage.getItem('yuqing_actor') || ''; } catch (e) { /* private mode */ }
      const body = { name: $('save-name').value, query: params.get('q') || $('q').value, owner: owner || 'console' };
      const r = await api('POST', '/api/v1/searches', body);
      $('save-msg').className = r.ok ? 'msg ok' : 'msg error';
      $('save-msg').textContent = r.ok ? t('saved.done', body.name) : errMsg(r);
      if (r.ok) loadSaved();
    });
  }

  YQ.ready.then(() => {
    restoreForm();
    if (YQ.can('saved_searches')) {
      setupSave();
      loadSaved();
    }
    if (params.has('q')) run();
  });
})();
