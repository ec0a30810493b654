// The recent incidents: done jobs, newest first, with what the analysis concluded.

import {h, clear, table} from './dom.js';
import {api} from './api.js';
import {flag, severityBadge, text, when} from './format.js';

export async function renderIncidents(main) {
  const {jobs = []} = await api('GET', '/v1/jobs?state=done&limit=200');
  jobs.sort((a, b) => (Date.parse(b.updated_at) || 0) - (Date.parse(a.updated_at) || 0));
  const rows = jobs.map((job) => {
    const r = job.result || {};
    const incident = r.incident || job.incident || {};
    const analysis = r.analysis || {};
    return h('tr', {'data-job-id': job.id},
      h('td', {class: 'mono'}, h('a', {href: `#/incident/${encodeURIComponent(job.id)}`}, text(job.id))),
      h('td', {class: 'title'}, h('a', {href: `#/incident/${encodeURIComponent(job.id)}`}, text(incident.title) || '(untitled)')),
      h('td', null, text(incident.source)),
      h('td', null, analysis.severity ? severityBadge(analysis.severity) : '—'),
      h('td', null, text(analysis.verdict)),
      h('td', {class: 'mono'}, text(r.produced_by)),
      h('td', null, flag(r.degraded, 'degraded'), flag(r.fallback, 'fallback')),
      h('td', {class: 'nowrap'}, when(job.updated_at)));
  });
  clear(main).append(
    h('h1', {tabindex: '-1'}, 'Incidents'),
    table(['Job', 'Title', 'Source', 'Severity', 'Verdict', 'Produced by', 'Flags', 'Finished'], rows, {id: 'incidents'}));
}
