// The overview page: mode, queue, approvals, health checks and the feedback acceptance rate.

import {h, clear, section, table} from './dom.js';
import {api} from './api.js';
import {age, percent, statusBadge, text} from './format.js';

// A daemon from before /v1/overview: the same figures from /readyz?verbose and the job lists.
async function legacyOverview() {
  const ready = await fetch('/readyz?verbose', {cache: 'no-store'}).then((r) => r.json()).catch(() => ({}));
  const count = (state) => api('GET', `/v1/jobs?state=${state}&limit=1000`).then((r) => r.jobs || []).catch(() => []);
  const [done, queued, leased, pending] = await Promise.all([
    count('done'), count('queued'), count('leased'),
    api('GET', '/v1/approvals?status=pending&limit=500').then((r) => r.count).catch(() => null)]);
  const now = Date.now();
  const oldest = queued.reduce((min, j) => Math.min(min, Date.parse(j.created_at) || now), now);
  const latest = done.find((j) => j.result && j.result.mode);
  return {
    legacy: true,
    mode: latest ? latest.result.mode : null,
    queue: {ready: ready.queue?.ready ?? queued.length, leased: ready.queue?.leased ?? leased.length,
            done: done.length, dead: ready.queue?.dead ?? null,
            oldest_ready_age_seconds: queued.length ? (now - oldest) / 1000 : 0},
    approvals_pending: pending,
    checks: ready.checks || {},
    feedback: null,
  };
}

async function loadOverview() {
  try {
    return await api('GET', '/v1/overview');
  } catch (e) {
    if (e.status === 404) return legacyOverview();
    throw e;
  }
}

function tile(label, value, id, warn = false) {
  return h('div', {class: warn ? 'tile warn' : 'tile', 'data-testid': id},
    h('div', {class: 'tile-value'}, value === null || value === undefined ? '—' : String(value)),
    h('div', {class: 'tile-label'}, label));
}

export async function renderOverview(main) {
  const o = await loadOverview();
  const q = o.queue || {};
  const fb = o.feedback;
  const checks = Object.entries(o.checks || {}).map(([name, state]) =>
    h('tr', null, h('td', null, name), h('td', null, state === 'ok' ? statusBadge('ok') : h('span', {class: 'badge st-failed'}, text(state)))));
  clear(main).append(
    h('h1', {tabindex: '-1'}, 'Overview'),
    o.legacy ? h('p', {class: 'muted'}, 'This daemon has no /v1/overview: figures assembled from /readyz and the job lists.') : '',
    h('div', {class: 'tiles', id: 'overview'},
      tile('Mode', o.mode, 'mode'),
      tile('Ready', q.ready, 'queue-ready', q.ready > 100),
      tile('Leased', q.leased, 'queue-leased'),
      tile('Done', q.done, 'queue-done'),
      tile('Dead', q.dead, 'queue-dead', q.dead > 0),
      tile('Oldest ready', age(q.oldest_ready_age_seconds), 'oldest-age', q.oldest_ready_age_seconds > 600),
      tile('Approvals pending', o.approvals_pending, 'approvals-pending', o.approvals_pending > 0),
      tile('AI acceptance', fb ? percent(fb.acceptance_rate) : '—', 'acceptance')),
    fb ? h('p', {class: 'muted'}, `Feedback: ${fb.accepted ?? 0} accepted, ${fb.edited ?? 0} edited, ${fb.rejected ?? 0} rejected.`) : '',
    o.version ? h('p', {class: 'muted'}, `Version ${text(o.version)}`) : '',
    section('Health checks', table(['Check', 'State'], checks, {id: 'checks'})));
}
