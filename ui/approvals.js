// Approvals: each held action shown exactly as it would run (action, parameters, target and the
// hash that binds them). A decision sends that hash back, so the server refuses it if the action
// changed after the page was drawn.

import {h, clear, facts} from './dom.js';
import {api, allows, approvalPath, jobIdOf} from './api.js';
import {list, percent, pretty, statusBadge, text, when} from './format.js';

const STATUSES = ['pending', 'approved', 'executing', 'executed', 'failed', 'rejected', 'expired', 'all'];

function decisionForm(a, who, flash, reload) {
  if (a.status !== 'pending') {
    return facts([['Decided by', text(a.decided_by)], ['Decision reason', text(a.decision_reason)],
      ['Decided', when(a.decided_at)], ['Result', text(a.result)]]);
  }
  if (!allows(who, 'approver')) return h('p', {class: 'muted'}, 'Your role may view approvals but not decide them.');
  const reasonId = `reason-${a.id}`;
  const reason = h('textarea', {id: reasonId, class: 'approval-reason', rows: '2', maxlength: '2000', required: true});
  const buttons = [];
  const decide = async (choice) => {
    if (!reason.value.trim()) {
      flash('A reason is required to approve or reject.', true);
      reason.focus();
      return;
    }
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const done = await api('POST', `${approvalPath(a.id)}/${choice}`, {reason: reason.value.trim(), action_hash: a.action_hash});
      flash(`${text(a.action)}: ${text(done?.status || choice)}.`);
      await reload();
    } catch (e) {
      flash(`Decision failed: ${e.message}`, true);
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  buttons.push(h('button', {type: 'button', class: 'approve', onclick: () => decide('approve')}, 'Approve'),
               h('button', {type: 'button', class: 'reject', onclick: () => decide('reject')}, 'Reject'));
  return h('div', {class: 'form'}, h('label', {for: reasonId}, 'Reason (required)'), reason, h('div', {class: 'buttons'}, buttons));
}

function card(a, who, flash, reload) {
  return h('article', {class: 'panel approval', 'data-approval-id': text(a.id), 'data-action': text(a.action)},
    h('h2', null, h('span', {class: 'mono'}, text(a.action)), ' ', statusBadge(a.status)),
    facts([['Job', a.job_id ? h('a', {href: `#/incident/${encodeURIComponent(jobIdOf(a.job_id))}`}, text(a.job_id)) : ''],
      ['Threat', text(a.threat_id)], ['Agent', text(a.agent_id)],
      ['Host', text(a.target_state?.agent_computer_name)], ['Confidence', percent(a.confidence)],
      ['Evidence', list(a.evidence_ids).map(text).join(', ')], ['Model reason', text(a.reason)],
      ['Created', when(a.created_at)], ['Expires', when(a.expires_at)],
      ['Action hash', h('code', {class: 'hash'}, text(a.action_hash))]]),
    h('h3', null, 'Parameters'), pretty(a.params),
    decisionForm(a, who, flash, reload));
}

export async function renderApprovals(main, who, flash, status = 'pending') {
  const shown = STATUSES.includes(status) ? status : 'pending';
  const reload = () => renderApprovals(main, who, flash, shown);
  const {approvals = []} = await api('GET', `/v1/approvals?status=${shown}&limit=200`);
  const picker = h('select', {id: 'approval-status', onchange: (e) => renderApprovals(main, who, flash, e.target.value)},
    STATUSES.map((s) => h('option', {value: s, selected: s === shown}, s)));
  clear(main).append(
    h('h1', {tabindex: '-1'}, 'Approvals'),
    h('p', null, h('label', {for: 'approval-status'}, 'Status '), picker),
    h('div', {id: 'approvals'}, approvals.length ? approvals.map((a) => card(a, who, flash, reload))
      : h('p', {class: 'muted'}, `No ${shown} approvals.`)));
}
