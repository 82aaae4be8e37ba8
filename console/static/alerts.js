// alerts.js: the live alert list (server-sent events), a cue for new P1
// alerts (a WebAudio beep and a flash), the alert view with its evidence,
// explanation and timeline, acknowledge/resolve with a comment, silences.
(function () {
  'use strict';
  const { t, esc, api, errMsg, fmtTime, relTime, sevBadge, flash } = YQ;
  const $ = (id) => document.getElementById(id);
  const SEVS = ['P1', 'P2', 'P3', 'P4'];
  const alerts = new Map();
  const pageLoad = Date.now();
  let selected = '';
  let audio = null;

  function actor() {
    return $('actor').value.trim() || YQ.me.name;
  }

  function setupActor() {
    let v = YQ.me.name;
    try { v = v || localStorage.getItem('yuqing_actor') || ''; } catch (e) { /* private mode */ }
    $('actor').value = v;
    if (YQ.me.auth && YQ.me.name) $('actor').readOnly = true;
    $('actor').addEventListener('change', () => {
      try { localStorage.setItem('yuqing_actor', $('actor').value.trim()); } catch (e) { /* private mode */ }
    });
  }

  // Sound needs a user gesture before a page may play it: the button
  // creates the AudioContext.
  function setupSound() {
    const btn = $('sound-toggle');
    btn.addEventListener('click', () => {
      if (audio) {
        audio.close();
        audio = null;
        btn.textContent = t('alerts.sound_on');
        return;
      }
      const AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return;
      audio = new AC();
      btn.textContent = t('alerts.sound_off');
      beep();
    });
  }

  // beep plays two short tones generated in the page (no audio file).
  function beep() {
    if (!audio) return;
    const now = audio.currentTime;
    [0, 0.25].forEach((at) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'square';
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, now + at);
      gain.gain.exponentialRampToValueAtTime(0.001, now + at + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + at);
      osc.stop(now + at + 0.2);
    });
  }

  function cue(a) {
    document.body.classList.add('flash-p1');
    document.body.dataset.newP1 = a.id;
    setTimeout(() => document.body.classList.remove('flash-p1'), 4000);
    document.title = '(!) ' + document.title.replace(/^\(!\) /, '');
    beep();
    flash(t('alerts.new_p1', a.title), 'p1');
  }

  function upsert(a) {
    const known = alerts.has(a.id);
    alerts.set(a.id, a);
    const fresh = Date.parse(a.created_at) >= pageLoad - 2000 || Date.now() - pageLoad > 3000;
    if (!known && a.severity === 'P1' && a.status === 'firing' && fresh) cue(a);
    renderList();
    if (a.id === selected) renderDetail(a);
  }

  function rowHTML(a) {
    return '<li class="alert-row status-' + esc(a.status) + (a.id === selected ? ' selected' : '') + '" data-id="' + esc(a.id) + '" tabindex="0">' +
      sevBadge(a.severity) + ' <span class="alert-title">' + esc(a.title) + '</span> ' +
      '<span class="status">' + esc(t('status.' + a.status)) + '</span> ' +
      '<span class="muted">×' + (a.count || 1) + ' · ' + esc(relTime(a.created_at)) + ' · ' + esc(a.rule_id) + '</span></li>';
  }

  function renderList() {
    const showResolved = $('show-resolved').checked;
    const list = [...alerts.values()].filter((a) => showResolved || a.status !== 'resolved')
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    let html = '';
    for (const sev of SEVS) {
      const group = list.filter((a) => a.severity === sev);
      if (!group.length) continue;
      html += '<div class="sev-group" data-sev="' + sev + '"><h2>' + sevBadge(sev) + ' ' + esc(t('sev.' + sev)) + ' <span class="count">' + group.length + '</span></h2><ul>' + group.map(rowHTML).join('') + '</ul></div>';
    }
    $('alert-groups').innerHTML = html || '<p id="no-alerts" class="empty">' + esc(t('alerts.none')) + '</p>';
  }

  // value renders an explanation (any JSON) as nested lists.
  function value(v) {
    if (v === null || v === undefined) return '';
    if (Array.isArray(v)) return '<ol class="expl">' + v.map((x) => '<li>' + value(x) + '</li>').join('') + '</ol>';
    if (typeof v === 'object') return '<dl class="expl">' + Object.entries(v).map(([k, x]) => '<dt>' + esc(k) + '</dt><dd>' + value(x) + '</dd>').join('') + '</dl>';
    return esc(v);
  }

  function renderDetail(a) {
    const box = $('alert-detail');
    box.hidden = false;
    const act = YQ.can('alerts_act');
    box.innerHTML = '<h2>' + sevBadge(a.severity) + ' ' + esc(a.title) + '</h2>' +
      '<p>' + esc(a.summary) + '</p>' +
      '<dl class="meta-list"><dt>' + esc(t('alerts.status')) + '</dt><dd id="detail-status" data-status="' + esc(a.status) + '">' + esc(t('status.' + a.status)) + '</dd>' +
      '<dt>' + esc(t('alerts.rule')) + '</dt><dd><code>' + esc(a.rule_id) + '</code> ' + esc(a.rule_version) + '</dd>' +
      '<dt>' + esc(t('alerts.count')) + '</dt><dd>' + (a.count || 1) + '</dd>' +
      '<dt>' + esc(t('alerts.created')) + '</dt><dd>' + esc(fmtTime(a.created_at)) + '</dd>' +
      '<dt>' + esc(t('alerts.last_seen')) + '</dt><dd>' + esc(fmtTime(a.last_seen)) + '</dd>' +
      (a.acked_by ? '<dt>' + esc(t('alerts.acked_by')) + '</dt><dd>' + esc(a.acked_by) + ' ' + esc(fmtTime(a.acked_at)) + '</dd>' : '') +
      '<dt>' + esc(t('alerts.escalation')) + '</dt><dd>' + (a.escalation_level || 0) + '</dd></dl>' +
      (act && a.status !== 'resolved' ? '<div class="actions"><textarea id="act-comment" rows="2" placeholder="' + esc(t('common.comment')) + '"></textarea>' +
        (a.status === 'firing' ? '<button type="button" class="primary" id="act-ack">' + esc(t('alerts.ack')) + '</button> ' : '') +
        '<button type="button" id="act-resolve">' + esc(t('alerts.resolve')) + '</button> ' +
        '<button type="button" id="act-silence">' + esc(t('alerts.silence_rule')) + '</button></div>' : '') +
      '<h3>' + esc(t('alerts.explanation')) + '</h3>' + (a.explanation ? value(a.explanation) : '<p class="empty">–</p>') +
      '<h3>' + esc(t('alerts.evidence')) + '</h3><ul id="evidence" class="evidence">' + (a.doc_ids || []).slice(0, 20).map((id) =>
        '<li data-doc="' + esc(id) + '"><a href="/doc/' + encodeURIComponent(id) + '">' + esc(id) + '</a></li>').join('') + '</ul>' +
      '<h3>' + esc(t('alerts.timeline')) + '</h3><ol class="timeline">' + (a.timeline || []).map((e) =>
        '<li><time>' + esc(fmtTime(e.at)) + '</time> <strong>' + esc(e.actor) + '</strong> ' + esc(t('action.' + e.action)) + (e.comment ? ': ' + esc(e.comment) : '') + '</li>').join('') + '</ol>';
    if (act && a.status !== 'resolved') {
      const ack = $('act-ack');
      if (ack) ack.addEventListener('click', () => act_(a.id, 'ack'));
      $('act-resolve').addEventListener('click', () => act_(a.id, 'resolve'));
      $('act-silence').addEventListener('click', () => {
        $('sil-rule').value = a.rule_id;
        $('sil-rule').focus();
      });
    }
    loadEvidence(a);
  }

  async function loadEvidence(a) {
    for (const id of (a.doc_ids || []).slice(0, 10)) {
      const r = await api('GET', '/api/v1/docs/' + encodeURIComponent(id));
      const li = document.querySelector('#evidence li[data-doc="' + CSS.escape(id) + '"]');
      if (!r.ok || !li || a.id !== selected) continue;
      const d = r.data;
      li.innerHTML = '<a href="/doc/' + encodeURIComponent(id) + '">' + esc(d.masked_title || d.title || id) + '</a> <span class="muted">' + esc(d.source) + ' · ' + esc(fmtTime(d.published_at)) + '</span><br>' +
        esc((d.masked_text || d.text || '').slice(0, 140));
    }
  }

  async function act_(id, action) {
    const by = actor();
    if (!by) {
      flash(t('alerts.need_actor'), 'error');
      $('actor').focus();
      return;
    }
    const r = await api('POST', '/api/v1/alerts/' + encodeURIComponent(id) + '/' + action, { by, comment: $('act-comment').value });
    if (!r.ok) {
      flash(errMsg(r), 'error');
      return;
    }
    flash(t('alerts.done_' + action), 'ok');
    upsert(r.data);
  }

  async function select(id) {
    selected = id;
    renderList();
    const r = await api('GET', '/api/v1/alerts/' + encodeURIComponent(id));
    if (r.ok) {
      alerts.set(id, r.data);
      renderDetail(r.data);
    }
  }

  function connect() {
    const es = new EventSource('/api/v1/alerts/stream');
    es.addEventListener('open', () => $('live').classList.add('on'));
    es.addEventListener('error', () => $('live').classList.remove('on'));
    es.addEventListener('alert', (ev) => {
      try { upsert(JSON.parse(ev.data)); } catch (e) { /* a malformed event is skipped */ }
    });
  }

  async function loadSilences() {
    const r = await api('GET', '/api/v1/silences');
    if (!r.ok) return;
    const act = YQ.can('alerts_act');
    $('silences').innerHTML = ((r.data && r.data.silences) || []).map((s) => '<tr><td>' + Object.entries(s.matchers || {}).map(([k, v]) => '<code>' + esc(k) + '=' + esc(v) + '</code>').join(' ') + '</td><td>' +
      esc(fmtTime(s.end)) + '</td><td>' + esc(s.created_by) + '</td><td>' + esc(s.comment) + '</td><td>' +
      (act ? '<button type="button" class="link" data-del="' + esc(s.id) + '">' + esc(t('common.delete')) + '</button>' : '') + '</td></tr>').join('');
  }

  function setupSilences() {
    $('silences').addEventListener('click', async (ev) => {
      const id = ev.target.dataset && ev.target.dataset.del;
      if (!id) return;
      const r = await api('DELETE', '/api/v1/silences/' + encodeURIComponent(id));
      if (!r.ok) flash(errMsg(r), 'error');
      loadSilences();
    });
    $('silence-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const hours = Math.max(1, Number($('sil-hours').value) || 2);
      const body = { matchers: { rule_id: $('sil-rule').value.trim() }, start: new Date().toISOString(),
        end: new Date(Date.now() + hours * 3600e3).toISOString(), created_by: actor() || 'console', comment: $('sil-comment').value };
      const r = await api('POST', '/api/v1/silences', body);
      $('sil-msg').className = r.ok ? 'msg ok' : 'msg error';
      $('sil-msg').textContent = r.ok ? t('silences.added') : errMsg(r);
      loadSilences();
    });
  }

  YQ.ready.then(() => {
    setupActor();
    setupSound();
    setupSilences();
    $('show-resolved').addEventListener('change', renderList);
    $('alert-groups').addEventListener('click', (ev) => {
      const row = ev.target.closest('.alert-row');
      if (row) select(row.dataset.id);
    });
    $('alert-groups').addEventListener('keydown', (ev) => {
      const row = ev.target.closest('.alert-row');
      if (row && ev.key === 'Enter') select(row.dataset.id);
    });
    connect();
    loadSilences();
  });
})();
