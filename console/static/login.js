// login.js: the sign-in form (POST /api/v1/login sets the session and
// CSRF cookies), then back to the page that asked for it.
(function () {
  'use strict';
  const { t, esc, api, errMsg } = YQ;
  const $ = (id) => document.getElementById(id);

  function next() {
    const n = new URLSearchParams(location.search).get('next') || '/';
    return n.startsWith('/') && !n.startsWith('//') ? n : '/';
  }

  YQ.ready.then(() => {
    $('login-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', '/api/v1/login', { name: $('login-name').value, password: $('login-password').value });
      if (r.ok) {
        location.href = next();
        return;
      }
      $('login-error').hidden = false;
      $('login-error').innerHTML = esc(r.status === 401 ? t('login.failed') : errMsg(r));
    });
    $('login-name').focus();
  });
})();
