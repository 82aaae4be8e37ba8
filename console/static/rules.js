// rules.js: the rules in use, an editor with the server's validation
// messages, and a backtest over a chosen period before saving.
(function () {
  'use strict';
  const { t, esc, api, errMsg, fmtTime, sevBadge, flash } = YQ;
  const $ = (id) => document.getElementById(id);
  let rules = [];

  const TEMPLATE = [
    'id: my-rule',
    'name: 新规则',
    'severity: P2',
    'type: any',
    "match: '(火灾 OR 爆炸) AND 杭州 AND NOT 演习'",
    'group_by: [cluster_id]',
    'group_wait: 0s',
    'realert: 10m',
    '',
  ].join('\n');

  // Fields the server fills in or owns; not written back.
  const SKIP = new Set(['version']);

  // toYAML writes a rule (as GET /api/v1/rules returns it) as rule YAML.
  // Values are written in JSON's flow style, which YAML reads as is.
  function toYAML(r) {
    const lines = [];
    for (const [k, v] of Object.entries(r)) {
      if (SKIP.has(k) || v === null || v === undefined) continue;
      if (typeof v === 'object' && !Array.isArray(v)) {
        lines.push(k + ':');
        for (const [k2, v2] of Object.entries(v)) lines.push('  ' + JSON.stringify(k2) + ': ' + JSON.stringify(v2));
        if (!Object.keys(v).length) lines[lines.length - 1] = k + ': {}';
      } else {
        lines.push(k + ': ' + JSON.stringify(v));
      }
    }
    return lines.join('\n') + '\n';
  }

  async function loadRules() {
    const r = await api('GET', '/api/v1/rules');
    if (!r.ok) {
      $('rules').innerHTML = '<tr><td colspan="7" class="error">' + esc(errMsg(r)) + '</td></tr>';
      return;
    }
    rules = (r.data && r.data.rules) || [];
    $('rules').innerHTML = rules.map((ru, i) => '<tr data-rule="' + esc(ru.id) + '"><td><code>' + esc(ru.id) + '</code></td><td>' + esc(ru.name) + '</td><td>' + sevBadge(ru.severity) +
      '</td><td>' + esc(ru.type) + '</td><td><code class="match">' + esc(ru.match || '') + '</code></td><td class="muted">' + esc(ru.version || '') + '</td>' +
      '<td><button type="button" class="link" data-edit="' + i + '">' + esc(t('rules.edit')) + '</button></td></tr>').join('') ||
      '<tr><td colspan="7" class="empty">' + esc(t('rules.none')) + '</td></tr>';
  }

  function showError(r) {
    const box = $('rule-error');
    box.hidden = false;
    box.textContent = errMsg(r);
    $('rule-msg').textContent = '';
  }

  async function backtest() {
    $('rule-error').hidden = true;
    $('backtest').innerHTML = '<p>' + esc(t('common.loading')) + '</p>';
    const body = { rule: $('rule-yaml').value, from: $('bt-from').value, to: $('bt-to').value };
    const r = await api('POST', '/api/v1/rules/test', body);
    if (!r.ok) {
      $('backtest').innerHTML = '';
      showError(r);
      return;
    }
    const res = r.data;
    const days = Object.entries(res.alerts_per_day || {}).sort();
    const max = Math.max(1, ...days.map((d) => d[1]));
    $('backtest').innerHTML = '<h3>' + esc(t('rules.bt_result', res.rule_id, fmtTime(res.from), fmtTime(res.to))) + '</h3>' +
      '<p id="bt-summary"><strong class="bt-alerts">' + esc(t('rules.bt_alerts', res.alerts)) + '</strong> · ' + esc(t('rules.bt_firings', res.firings)) + ' · ' + esc(t('rules.bt_docs', res.docs)) + '</p>' +
      (days.length ? '<table class="table"><thead><tr><th>' + esc(t('rules.bt_day')) + '</th><th>' + esc(t('rules.bt_count')) + '</th></tr></thead><tbody>' +
        days.map(([d, n]) => '<tr><td>' + esc(d) + '</td><td><meter min="0" max="' + max + '" value="' + n + '"></meter> ' + n + '</td></tr>').join('') + '</tbody></table>' : '') +
      '<h3>' + esc(t('rules.bt_examples')) + '</h3><ul class="bt-examples">' + (res.examples || []).map((e) => '<li><time>' + esc(fmtTime(e.at)) + '</time> <em>' + esc(e.reason) + '</em> ' +
        '<a href="/doc/' + encodeURIComponent(e.doc_id) + '">' + esc(e.text || e.doc_id) + '</a></li>').join('') + '</ul>';
  }

  async function save() {
    $('rule-error').hidden = true;
    const r = await api('PUT', '/api/v1/rules', $('rule-yaml').value);
    if (!r.ok) {
      showError(r);
      return;
    }
    $('rule-msg').className = 'msg ok';
    $('rule-msg').textContent = t('rules.saved');
    flash(t('rules.saved'), 'ok');
    loadRules();
  }

  YQ.ready.then(() => {
    const today = new Date();
    $('bt-to').value = new Date(+today + 86400e3).toISOString().slice(0, 10); // to is exclusive
    $('bt-from').value = new Date(today - 7 * 86400e3).toISOString().slice(0, 10);
    $('rule-yaml').value = TEMPLATE;
    // Edit opens the rule as written in its file, comments included;
    // saving replaces it there (PUT /api/v1/rules).
    $('rules').addEventListener('click', async (ev) => {
      const i = ev.target.dataset && ev.target.dataset.edit;
      if (i === undefined) return;
      const ru = rules[Number(i)];
      const r = await api('GET', '/api/v1/rules/' + encodeURIComponent(ru.id) + '/yaml');
      $('rule-yaml').value = r.ok && r.data && typeof r.data.raw === 'string' ? r.data.raw : toYAML(ru);
      $('rule-yaml').dataset.loaded = ru.id;
      $('rule-yaml').focus();
    });
    $('rule-new').addEventListener('click', () => { $('rule-yaml').value = TEMPLATE; });
    $('rule-test').addEventListener('click', backtest);
    $('rule-save').addEventListener('click', save);
    if (!YQ.can('rules_write') && !YQ.can('rules_draft')) $('rule-save').hidden = true;
    loadRules();
  });
})();
