// Dead letters: jobs that used up their attempts, with the last error and a replay button.

import {h, clear, table} from './dom.js';
import {api, allows, jobPath} from './api.js';
import {text, when} from './format.js';

export async function renderDead(main, who, flash) {
  const {jobs = []} = await api('GET', '/v1/jobs?state=dead&limit=200');
  const replay = async (job, button) => {
    button.disabled = true;
    try {
      await api('POST', `${jobPath(job.id)}/replay`);
      flash(`Job ${text(job.id)} queued again.`);
      await renderDead(main, who, flash);
    } catch (e) {
      flash(`Replay failed: ${e.message}`, true);
      button.disabled = false;
    }
  };
  const rows = jobs.map((job) => {
    const button = allows(who, 'admin')
      ? h('button', {type: 'button', class: 'replay', onclick: (e) => replay(job, e.currentTarget)}, 'Replay') : '';
    return h('tr', {'data-job-id': text(job.id)},
      h('td', {class: 'mono'}, h('a', {href: `#/incident/${encodeURIComponent(job.id)}`}, text(job.id))),
      h('td', null, text(job.kind)),
      h('td', null, text(job.incident?.title)),
      h('td', {class: 'nowrap'}, `${text(job.attempts)}/${text(job.max_attempts)}`),
      h('td', {class: 'wrap error-text'}, text(job.last_error)),
      h('td', {class: 'nowrap'}, when(job.updated_at)),
      h('td', null, button));
  });
  clear(main).append(h('h1', {tabindex: '-1'}, 'Dead letters'),
    table(['Job', 'Kind', 'Title', 'Attempts', 'Last error', 'Updated', ''], rows, {id: 'dead'}));
}
