// Analyst feedback on one AI result: accepted, edited or rejected, always with a reason (the
// acceptance rate in the metrics is only as honest as these reasons are specific).

import {h, clear, section, table} from './dom.js';
import {api, allows, jobPath} from './api.js';
import {text, when} from './format.js';

async function loadFeedback(jobId) {
  try {
    const r = await api('GET', `${jobPath(jobId)}/feedback`);
    return Array.isArray(r?.feedback) ? r.feedback : [];
  } catch (e) {
    if (e.status === 404) return null;  // a daemon without feedback endpoints
    throw e;
  }
}

export async function feedbackPanel(jobId, who, flash) {
  const panel = section('Feedback');
  const history = h('div');
  const refresh = async () => {
    const items = await loadFeedback(jobId).catch((e) => (flash(e.message, true), []));
    clear(history).append(items === null
      ? h('p', {class: 'muted'}, 'This daemon does not record feedback yet.')
      : table(['When', 'Rating', 'Reason', 'By'], items.map((f) => h('tr', null,
          h('td', {class: 'nowrap'}, when(f.created_at)), h('td', null, text(f.rating)),
          h('td', null, text(f.reason)), h('td', null, text(f.actor)))), {id: 'feedback-history'}));
  };
  panel.append(history);
  if (allows(who, 'approver')) {
    const reason = h('textarea', {id: 'feedback-reason', rows: '2', maxlength: '2000', required: true});
    const comment = h('textarea', {id: 'feedback-comment', rows: '2', maxlength: '4000'});
    const buttons = ['accepted', 'edited', 'rejected'].map((rating) =>
      h('button', {type: 'button', class: `fb-${rating}`, 'data-rating': rating, onclick: () => send(rating)}, rating));
    const send = async (rating) => {
      if (!reason.value.trim()) {
        flash('A reason is required.', true);
        reason.focus();
        return;
      }
      buttons.forEach((b) => { b.disabled = true; });
      try {
        const body = {rating, reason: reason.value.trim()};
        if (comment.value.trim()) body.comment = comment.value.trim();
        await api('POST', `${jobPath(jobId)}/feedback`, body);
        reason.value = '';
        comment.value = '';
        flash(`Feedback recorded: ${rating}.`);
        await refresh();
      } catch (e) {
        flash(`Feedback failed: ${e.message}`, true);
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    };
    panel.append(h('div', {class: 'form'},
      h('label', {for: 'feedback-reason'}, 'Reason (required)'), reason,
      h('label', {for: 'feedback-comment'}, 'Comment'), comment,
      h('div', {class: 'buttons'}, buttons)));
  }
  await refresh();
  return panel;
}
