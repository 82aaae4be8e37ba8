// doc.js: one document with its analysis — categories and why they
// scored, places, keywords and the personal data masked in it.
(function () {
  'use strict';
  const { t, esc, api, errMsg, fmtTime, catName, byteSlice } = YQ;
  const $ = (id) => document.getElementById(id);
  const box = $('doc');
  const id = box.dataset.id;

  // marked returns the text as HTML with the byte spans marked (the
  // explanation's evidence), everything else escaped.
  function marked(text, spans) {
    const bytes = YQ.enc.encode(text);
    const sorted = spans.filter((s) => s.start >= 0 && s.end <= bytes.length && s.end > s.start).sort((a, b) => a.start - b.start);
    let out = '';
    let at = 0;
    for (const s of sorted) {
      if (s.start < at) continue;
      out += esc(YQ.dec.decode(bytes.slice(at, s.start))) + '<mark title="' + esc(s.title) + '">' + esc(YQ.dec.decode(bytes.slice(s.start, s.end))) + '</mark>';
      at = s.end;
    }
    return out + esc(YQ.dec.decode(bytes.slice(at)));
  }

  function render(d) {
    document.title = (d.masked_title || d.title || d.id) + ' · ' + document.title.split(' · ').pop();
    const text = d.masked_text || d.text || '';
    const ev = (d.explanation || []).filter((e) => e.category !== 'sentiment').map((e) => ({ start: e.start, end: e.end, title: catName(e.category) + ' ' + e.weight }));
    let meta = '<dl class="meta-list">' +
      '<dt>' + esc(t('doc.source')) + '</dt><dd>' + esc(d.source) + '</dd>' +
      '<dt>' + esc(t('doc.kind')) + '</dt><dd>' + esc(t('kind.' + (d.kind || 'post'))) + '</dd>' +
      '<dt>' + esc(t('doc.published')) + '</dt><dd>' + esc(fmtTime(d.published_at)) + '</dd>' +
      (d.author ? '<dt>' + esc(t('doc.author')) + '</dt><dd>' + esc(d.author) + '</dd>' : '') +
      (d.region ? '<dt>' + esc(t('doc.region')) + '</dt><dd>' + esc(d.region) + '</dd>' : '') +
      '<dt>' + esc(t('doc.risk')) + '</dt><dd><meter min="0" max="1" value="' + Number(d.risk || 0) + '"></meter> ' + Number(d.risk || 0).toFixed(2) + '</dd>' +
      '<dt>' + esc(t('doc.sentiment')) + '</dt><dd>' + Number(d.sentiment || 0).toFixed(2) + '</dd>' +
      (d.cluster_id ? '<dt>' + esc(t('doc.cluster')) + '</dt><dd><a href="/search?q=' + encodeURIComponent('cluster:' + d.cluster_id) + '">' + esc(d.cluster_id) + '</a></dd>' : '') +
      (d.url && /^https?:/i.test(d.url) ? '<dt>URL</dt><dd><a rel="noopener noreferrer" href="' + esc(d.url) + '">' + esc(d.url) + '</a></dd>' : '') +
      '<dt>ID</dt><dd><code>' + esc(d.id) + '</code></dd></dl>';
    box.innerHTML = '<h1>' + esc(d.masked_title || d.title || t('doc.untitled')) + '</h1>' +
      '<p class="doc-text" id="doc-text">' + (d.masked_text ? marked(text, ev) : marked(d.text || '', ev)) + '</p>' + meta;

    const cats = Object.entries(d.categories || {}).sort((a, b) => b[1] - a[1]);
    $('doc-categories').innerHTML = cats.length ? cats.map(([c, s]) => {
      const why = (d.explanation || []).filter((e) => e.category === c || e.category.startsWith(c + '.'));
      return '<div class="cat"><div><strong class="cat-name">' + esc(catName(c)) + '</strong> <code>' + esc(c) + '</code> ' +
        '<meter min="0" max="1" value="' + s + '"></meter> ' + s.toFixed(2) + '</div>' +
        (why.length ? '<ul class="why">' + why.map((e) => '<li><mark>' + esc(e.term) + '</mark> ' + (e.weight > 0 ? '+' : '') + Number(e.weight).toFixed(2) + (e.note ? ' <span class="muted">' + esc(e.note) + '</span>' : '') + '</li>').join('') + '</ul>' : '') + '</div>';
    }).join('') : '<p class="empty">' + esc(t('doc.no_categories')) + '</p>';

    const locs = d.locations || [];
    $('doc-places').innerHTML = locs.length ? '<ul class="places">' + locs.map((l) => '<li><a href="/search?q=' + encodeURIComponent('region:' + (l.district ? (l.city || '') + l.district : l.city || l.province)) + '">' +
      esc([l.province, l.city !== l.province ? l.city : '', l.district].filter(Boolean).join(' ')) + '</a> <span class="muted">「' + esc(l.mention) + '」 ' + esc(l.code) + '</span></li>').join('') + '</ul>' :
      '<p class="empty">' + esc(t('doc.no_places')) + '</p>';

    const kws = d.keywords || [];
    $('doc-keywords').innerHTML = kws.length ? kws.map((k) => '<a class="tag" href="/search?q=' + encodeURIComponent(k.term) + '">' + esc(k.term) + '</a>').join(' ') : '<p class="empty">' + esc(t('doc.no_keywords')) + '</p>';

    const pii = d.pii || [];
    if (!pii.length) {
      $('doc-pii').innerHTML = '<p class="empty">' + esc(t('doc.no_pii')) + '</p>';
    } else {
      $('doc-pii').innerHTML = '<p>' + esc(t('doc.pii_masked', pii.length)) + '</p><ul class="pii">' + pii.map((p) =>
        '<li>' + esc(t('pii.' + p.kind)) + ': <code class="masked">' + esc(byteSlice(text, p.start, p.end)) + '</code></li>').join('') + '</ul>';
    }
  }

  YQ.ready.then(async () => {
    const r = await api('GET', '/api/v1/docs/' + encodeURIComponent(id));
    if (!r.ok) {
      box.innerHTML = '<p class="error">' + esc(r.status === 404 ? t('doc.not_found', id) : errMsg(r)) + '</p>';
      return;
    }
    render(r.data);
  });
})();
