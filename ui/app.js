// The review UI's entry point: hash routing (#/overview, #/incidents, #/incident/<id>,
// #/approvals, #/dead, #/login) and the session. Pages are modules that draw into <main>.

import {session, whoami} from './api.js';
import {renderLogin} from './login.js';
import {renderOverview} from './overview.js';
import {renderIncidents} from './incidents.js';
import {renderIncident} from './incident.js';
import {renderApprovals} from './approvals.js';
import {renderDead} from './dead.js';
import {h, clear} from './dom.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const whoLabel = document.getElementById('who');
const logoutButton = document.getElementById('logout');
const flashBox = document.getElementById('flash');
let who = null;
let loginMessage = '';  // why the session ended, shown on the login page

function flash(message, isError = false) {
  flashBox.className = isError ? 'flash error' : 'flash';
  flashBox.textContent = message;
}

function showSession() {
  const on = who !== null;
  nav.hidden = !on;
  logoutButton.hidden = !on;
  whoLabel.textContent = on ? `${who.name} (${who.role})` : '';
}

// Setting the hash to its current value fires no hashchange: route by hand then.
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function logout(message) {
  session.clear();
  who = null;
  showSession();
  loginMessage = message || '';
  go('#/login');
}

const pages = {
  overview: () => renderOverview(main),
  incidents: () => renderIncidents(main),
  incident: (id) => renderIncident(main, id, who, flash),
  approvals: () => renderApprovals(main, who, flash),
  dead: () => renderDead(main, who, flash),
};

async function route() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  if (!session.token() || name === 'login') {
    who = null;
    showSession();
    renderLogin(main, {message: loginMessage, onLogin: (w) => { who = w; showSession(); flash(''); go('#/overview'); }});
    loginMessage = '';
    return;
  }
  if (who === null) {
    try {
      who = await whoami();
    } catch (e) {
      return logout(e.status === 401 ? 'Your token is no longer accepted.' : `Cannot reach the API: ${e.message}`);
    }
    showSession();
  }
  const page = pages[name] ? name : 'overview';
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.route === page || (page === 'incident' && a.dataset.route === 'incidents')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  main.removeAttribute('data-page');
  clear(main).append(h('p', {class: 'muted', id: 'loading'}, 'Loading…'));
  try {
    await pages[page](decodeURIComponent(rest.join('/')));
    main.setAttribute('data-page', page);
    main.querySelector('h1')?.focus();
  } catch (e) {
    if (e.status === 401) return logout('Your token is no longer accepted.');
    clear(main).append(h('h1', {tabindex: '-1'}, 'Error'),
      h('p', {class: 'error', role: 'alert'}, e.status === 403 ? 'Your role does not allow this page.' : e.message));
  }
}

logoutButton.addEventListener('click', () => logout());
window.addEventListener('hashchange', () => { flash(''); route(); });
route();
