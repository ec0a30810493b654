// One incident: what the analysis says, the evidence it rests on, what governance decided, the
// note as delivered, and the analyst's feedback.

import {h, clear, section, table, facts} from './dom.js';
import {api, approvalPath, jobPath} from './api.js';
import {flag, list, percent, pretty, severityBadge, statusBadge, text, when} from './format.js';
import {feedbackPanel} from './feedback.js';

// Evidence ids are buttons that bring the evidence row into view (the URL hash is the router's).
function evidenceRefs(ids) {
  return list(ids).map((id) => h('button', {type: 'button', class: 'chip', onclick: () => {
    const row = [...document.querySelectorAll('#evidence tr[data-evidence-id]')].find((r) => r.dataset.evidenceId === String(id));
    if (!row) return;
    row.scrollIntoView({block: 'center'});
    row.classList.add('hit');
    row.focus();
  }}, text(id)));
}

async function approvalRows(ids) {
  const found = await Promise.allSettled(list(ids).map((id) => api('GET', approvalPath(id))));
  return found.map((r, i) => {
    const a = r.status === 'fulfilled' ? r.value : {id: list(ids)[i]};
    return h('tr', null, h('td', {class: 'mono'}, text(a.id)), h('td', null, text(a.action)),
      h('td', null, a.status ? statusBadge(a.status) : '—'), h('td', null, text(a.decided_by)),
      h('td', null, text(a.decision_reason)));
  });
}

export async function renderIncident(main, id, who, flash) {
  const job = await api('GET', jobPath(id));
  const r = job.result || {};
  const a = r.analysis || {};
  const incident = r.incident || job.incident || {};
  const governance = Array.isArray(r.governance) ? r.governance : list(r.governance?.actions);
  const content = [
    h('h1', {tabindex: '-1'}, text(incident.title) || `Job ${text(job.id)}`),
    h('div', {class: 'headline'}, severityBadge(a.severity), ' ', text(a.verdict), ' ',
      flag(r.degraded, 'degraded'), flag(r.fallback, 'fallback')),
    facts([['Job', text(job.id)], ['State', text(job.state)], ['Source', text(incident.source)],
      ['External id', text(incident.external_id)], ['Mode', text(r.mode)], ['Produced by', text(r.produced_by)],
      ['Confidence', percent(a.confidence)], ['Severity score', text(a.severity_score)],
      ['Fallback reason', text(r.fallback_reason)],
      ['Degraded sources', list(r.degraded_sources).map((d) => `${text(d.name)}: ${text(d.reason)}`).join('; ')],
      ['Trace', text(job.trace_id)], ['Finished', when(job.updated_at)]]),
  ];
  if (!job.result) content.push(h('p', {class: 'muted'}, 'This job has no analysis result.'));
  else {
    content.push(
      section('Summary', h('p', {class: 'prose'}, text(a.summary)), h('p', {class: 'prose muted'}, text(a.root_cause))),
      section('ATT&CK', table(['Technique', 'Name', 'Tactic', 'Evidence'], list(a.techniques).map((t) =>
        h('tr', {'data-technique': text(t.id)}, h('td', {class: 'mono technique-id'}, text(t.id)), h('td', null, text(t.name)),
          h('td', null, text(t.tactic) || '—'), h('td', null, evidenceRefs(t.evidence_ids)))), {id: 'attack'})),
      section('Timeline', table(['Time', 'Event', 'Evidence'], list(a.timeline).map((t) =>
        h('tr', null, h('td', {class: 'nowrap mono'}, text(t.time)), h('td', null, text(t.event)),
          h('td', null, evidenceRefs(t.evidence_ids)))), {id: 'timeline'})),
      section('Indicators', table(['Type', 'Value', 'Evidence'], list(a.iocs).map((i) =>
        h('tr', null, h('td', null, text(i.type)), h('td', {class: 'mono wrap'}, text(i.value)),
          h('td', null, evidenceRefs(i.evidence_ids)))), {id: 'iocs'}),
        h('p', null, 'Assets: ', list(a.impacted_assets).map((x) => `${text(x.kind)} ${text(x.name)}`).join(', ') || '—'),
        h('p', null, 'Tags: ', list(a.tags).map((t) => h('span', {class: 'tag'}, text(t))))),
      section('Governance', table(['Action', 'Parameters', 'Risk', 'Disposition', 'Why'], governance.map((g) =>
        h('tr', null, h('td', {class: 'mono'}, text(g.action)), h('td', null, pretty(g.params)), h('td', null, text(g.risk)),
          h('td', null, text(g.disposition)), h('td', null, text(g.suppressed_reason || g.reason)))), {id: 'governance'}),
        list(r.approvals).length
          ? table(['Approval', 'Action', 'Status', 'Decided by', 'Decision reason'], await approvalRows(r.approvals), {id: 'job-approvals'})
          : ''),
      section('Evidence', table(['Id', 'Time', 'Source', 'Host', 'User', 'Summary'], list(r.evidence).map((e) =>
        h('tr', {'data-evidence-id': text(e.id), tabindex: '-1'}, h('td', {class: 'mono'}, text(e.id)),
          h('td', {class: 'nowrap mono'}, text(e.time)), h('td', null, text(e.source)), h('td', null, text(e.host)),
          h('td', null, text(e.user)), h('td', {class: 'wrap'}, text(e.summary)))), {id: 'evidence'})),
      section('Note', h('pre', {class: 'note', id: 'note'}, text(r.note))),
      await feedbackPanel(job.id, who, flash));
  }
  if (job.last_error) content.push(section('Last error', h('pre', {class: 'note'}, text(job.last_error))));
  clear(main).append(...content);
}
