// The login page: checks the token against the API before keeping it.

import {h, clear} from './dom.js';
import {session, whoami} from './api.js';

export function renderLogin(main, {onLogin, message}) {
  const input = h('input', {id: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true,
                            'aria-describedby': 'login-error'});
  const error = h('p', {id: 'login-error', class: 'error', role: 'alert'}, message || '');
  const submit = h('button', {type: 'submit', id: 'login-submit'}, 'Log in');
  const form = h('form', {class: 'panel login', id: 'login-form'},
    h('h1', {tabindex: '-1'}, 'Log in'),
    h('p', {class: 'muted'}, 'Paste your Triagent API token. It is kept in this tab only and forgotten when the tab closes.'),
    h('label', {for: 'token'}, 'API token'), input, error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    submit.disabled = true;
    clear(error);
    session.save(token);
    try {
      onLogin(await whoami());
    } catch (e) {
      session.clear();
      error.textContent = e.status === 401 || e.status === 403 ? 'That token was not accepted.' : `Login failed: ${e.message}`;
      submit.disabled = false;
      input.focus();
    }
  });
  clear(main).append(form);
  input.focus();
}
