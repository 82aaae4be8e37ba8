// util.js: what every console page shares — interface text, escaping,
// API calls (with the CSRF header), the signed-in user and permissions,
// time formatting and the inline SVG histogram. Exposed as window.YQ.
(function () {
  'use strict';
  const S = JSON.parse(document.getElementById('yq-strings').textContent || '{}');
  const lang = document.body.dataset.lang || 'zh';

  // t returns the interface text of key, with {0}, {1}… replaced by args.
  function t(key, ...args) {
    let s = Object.prototype.hasOwnProperty.call(S, key) ? S[key] : key;
    args.forEach((a, i) => { s = s.split('{' + i + '}').join(String(a)); });
    return s;
  }

  const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  // esc makes any value safe to put into HTML text or a quoted attribute.
  function esc(v) {
    return String(v == null ? '' : v).replace(/[&<>"']/g, (c) => ESC[c]);
  }

  // highlight sanitizes a fragment from the search API: everything is
  // escaped, then <mark> and </mark> are allowed again, and the entities
  // the API already escaped (&lt; &amp; &#34; …) are kept as entities.
  function highlight(frag) {
    return esc(frag)
      .replace(/&lt;(\/?)mark&gt;/g, '<$1mark>')
      .replace(/&amp;(lt|gt|amp|quot|apos|#\d{1,6}|#x[0-9a-fA-F]{1,6});/g, '&$1;');
  }

  function cookie(name) {
    for (const part of document.cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === name) return decodeURIComponent(v.join('='));
    }
    return '';
  }

  // api calls the JSON API. body is sent as JSON, or as is when a string.
  // Every non-GET request carries X-CSRF-Token when the cookie exists. The
  // answer is {status, ok, data}; data is the parsed JSON (or null).
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const init = { method, headers, credentials: 'same-origin' };
    if (method !== 'GET' && method !== 'HEAD') {
      const csrf = cookie('yuqing_csrf');
      if (csrf) headers['X-CSRF-Token'] = csrf;
    }
    if (body !== undefined) {
      if (typeof body === 'string') {
        headers['Content-Type'] = 'application/yaml';
        init.body = body;
      } else {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      return { status: 0, ok: false, data: { error: { code: 'network', message: t('common.network_error') } } };
    }
    let data = null;
    const text = await res.text();
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { raw: text }; }
    if (res.status === 401 && document.body.dataset.page !== 'login' && !path.endsWith('/login')) {
      toLogin();
    }
    return { status: res.status, ok: res.ok, data };
  }

  function errMsg(r) {
    const e = r && r.data && r.data.error;
    if (e && e.message) return e.message;
    return t('common.error_status', r ? r.status : '?');
  }

  function toLogin() {
    const next = location.pathname + location.search;
    location.href = '/login?next=' + encodeURIComponent(next);
  }

  const ALL = ['dashboard', 'reports_read', 'reports_write', 'search', 'saved_searches', 'rules_read', 'rules_draft',
    'rules_write', 'alerts_read', 'alerts_act', 'sources_read', 'admin', 'reveal_pii'];
  const me = { name: '', role: '', permissions: ALL.slice(), reveal_pii: false, auth: false };

  // can reports whether the user may do perm (everything when auth is off).
  function can(perm) {
    return !me.auth || me.permissions.includes(perm) || me.permissions.includes('admin');
  }

  function applyPerms(root) {
    (root || document).querySelectorAll('[data-perm]').forEach((el) => {
      if (!can(el.dataset.perm)) el.hidden = true;
    });
  }

  async function loadMe() {
    const r = await api('GET', '/api/v1/me');
    if (r.status === 200 && r.data) {
      Object.assign(me, r.data);
      if (!Array.isArray(me.permissions)) me.permissions = [];
      if (!me.auth) me.permissions = ALL.slice();
    } else if (r.status === 401) {
      me.auth = true;
      me.permissions = [];
      if (document.body.dataset.page !== 'login') throw new Error('login required');
    } // 404 (no auth layer yet) or anything else: authentication is off
    document.getElementById('auth-off').hidden = me.auth;
    const name = document.getElementById('user-name');
    name.textContent = me.name || '';
    const out = document.getElementById('logout');
    out.hidden = !me.auth || !me.name;
    out.addEventListener('click', async () => {
      await api('POST', '/api/v1/logout', {});
      location.href = '/login';
    });
    applyPerms();
    return me;
  }

  function setupLang() {
    const toggle = document.getElementById('lang-toggle');
    toggle.addEventListener('click', () => {
      try { localStorage.setItem('yuqing_lang', toggle.dataset.lang); } catch (e) { /* private mode */ }
    });
    let stored = '';
    try { stored = localStorage.getItem('yuqing_lang') || ''; } catch (e) { /* private mode */ }
    const params = new URLSearchParams(location.search);
    if (params.has('lang')) {
      try { localStorage.setItem('yuqing_lang', params.get('lang')); } catch (e) { /* private mode */ }
    } else if (stored && stored !== lang && (stored === 'zh' || stored === 'en')) {
      params.set('lang', stored);
      location.replace(location.pathname + '?' + params.toString());
    }
  }

  function fmtTime(iso) {
    if (!iso || iso.startsWith('0001-')) return '–';
    const d = new Date(iso);
    if (isNaN(d)) return esc(iso);
    return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
  }

  function relTime(iso) {
    if (!iso || iso.startsWith('0001-')) return '–';
    const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    if (s < 60) return t('time.seconds_ago', Math.max(s, 0));
    if (s < 3600) return t('time.minutes_ago', Math.round(s / 60));
    if (s < 86400) return t('time.hours_ago', Math.round(s / 3600));
    return t('time.days_ago', Math.round(s / 86400));
  }

  // catName is a category id's display name.
  function catName(id) {
    id = String(id || '');
    if (S['cat.' + id]) return S['cat.' + id];
    const top = id.split('.')[0];
    return S['cat.' + top] ? S['cat.' + top] + ' · ' + id : id;
  }

  // flash shows a short message in the banner under the header.
  function flash(msg, kind) {
    const el = document.getElementById('flash-msg');
    el.className = 'banner ' + (kind || 'ok');
    el.textContent = msg;
    el.hidden = false;
    clearTimeout(flash.timer);
    flash.timer = setTimeout(() => { el.hidden = true; }, 5000);
  }

  const SVGNS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, parent) {
    const el = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    if (parent) parent.appendChild(el);
    return el;
  }
  const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#64748b'];

  // histogram draws hist (GET /api/v1/stats/histogram) into el as inline
  // SVG: stacked bars per split value when the histogram is split, else
  // one bar per bucket; with a legend.
  function histogram(el, hist) {
    el.textContent = '';
    const series = hist && hist.series || [];
    if (!series.length || !series[0].buckets || !series[0].buckets.length) {
      el.innerHTML = '<p class="empty">' + esc(t('common.no_data')) + '</p>';
      return;
    }
    const parts = series.length > 1 ? series.slice(1) : [series[0]];
    const buckets = series[0].buckets;
    const n = buckets.length;
    const W = 800, H = 180, L = 40, B = 22, T = 8;
    const max = Math.max(1, ...buckets.map((b) => b.count));
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'hist-svg', role: 'img', 'aria-label': t('common.histogram') });
    const bw = (W - L - 4) / n;
    const y = (v) => H - B - (v / max) * (H - B - T);
    svg('line', { x1: L, y1: H - B, x2: W, y2: H - B, class: 'axis' }, root);
    const top = svg('text', { x: L - 4, y: T + 8, 'text-anchor': 'end', class: 'tick' }, root);
    top.textContent = String(max);
    const zero = svg('text', { x: L - 4, y: H - B, 'text-anchor': 'end', class: 'tick' }, root);
    zero.textContent = '0';
    for (let i = 0; i < n; i++) {
      let acc = 0;
      const x = L + i * bw + 1;
      parts.forEach((s, si) => {
        const c = (s.buckets[i] && s.buckets[i].count) || 0;
        if (!c) return;
        const r = svg('rect', { x, y: y(acc + c), width: Math.max(bw - 2, 1), height: y(acc) - y(acc + c), fill: COLORS[si % COLORS.length], class: 'bar', 'data-count': c }, root);
        svg('title', {}, r).textContent = fmtTime(buckets[i].start) + ' ' + (s.value ? catName(s.value) + ': ' : '') + c;
        acc += c;
      });
    }
    const label = (i, anchor) => {
      const d = new Date(buckets[i].start);
      const txt = hist.interval === '1d' ? d.toLocaleDateString() : d.toLocaleString([], { month: 'numeric', day: 'numeric', hour: '2-digit' });
      const tx = svg('text', { x: L + i * bw + bw / 2, y: H - 6, 'text-anchor': anchor, class: 'tick' }, root);
      tx.textContent = txt;
    };
    label(0, 'start');
    if (n > 2) label(Math.floor(n / 2), 'middle');
    if (n > 1) label(n - 1, 'end');
    el.appendChild(root);
    if (series.length > 1) {
      const legend = document.createElement('ul');
      legend.className = 'legend';
      parts.forEach((s, si) => {
        const li = document.createElement('li');
        const sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = COLORS[si % COLORS.length];
        li.appendChild(sw);
        li.appendChild(document.createTextNode(catName(s.value) + ' ' + s.total));
        legend.appendChild(li);
      });
      el.appendChild(legend);
    }
  }

  // isoAgo is the RFC 3339 time ms milliseconds ago.
  function isoAgo(ms) {
    return new Date(Date.now() - ms).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  function sevBadge(sev) {
    return '<span class="sev sev-' + esc(String(sev).toLowerCase()) + '">' + esc(sev) + '</span>';
  }

  // byteSlice returns text's substring between UTF-8 byte offsets (the API's
  // offsets are bytes into the original text).
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  function byteSlice(text, start, end) {
    return dec.decode(enc.encode(text).slice(start, end));
  }

  window.YQ = {
    t, esc, highlight, api, errMsg, me, can, applyPerms, fmtTime, relTime, catName, flash, histogram, isoAgo,
    sevBadge, byteSlice, cookie, lang, enc, dec,
  };
  setupLang();
  YQ.ready = loadMe().catch(() => { toLogin(); return new Promise(() => {}); });
})();
