// Jobs list (cloudbackup_jobs.tpl): every local-agent job with its engine, agent, source,
// destination, schedule and last run; Run now, Restore, Runs and Edit per job. Polls every 3 s.
import {client} from './api.js';
import {TERMINAL, announce, badge, bytes, every, fill, h, link, scheduleText, time, title} from './dom.js';

export async function jobsView(view, {navigate}) {
  const body = h('div', {class: 'jobs'});
  fill(
    view,
    h(
      'div',
      {class: 'view-head'},
      title('Backup jobs'),
      h('a', {href: '#/jobs/new', class: 'button primary'}, 'New backup job'),
    ),
    h('p', {class: 'lead'}, 'Local-agent jobs back up folders of an agent’s computer to your S3 buckets.'),
    body,
  );
  let last = '';
  return every(
    3000,
    async () => {
      const [jobs, runs, agents] = await Promise.all([
        client('cloudbackup_list_jobs.php'),
        client('cloudbackup_list_runs.php', {limit: 500}),
        client('agent_list.php'),
      ]);
      const key = JSON.stringify([jobs.jobs, runs.runs, agents.agents.map((a) => [a.agent_id, a.online])]);
      if (key === last) return;
      last = key;
      // Keep the keyboard where it was: re-rendering replaces the buttons.
      const focused = document.activeElement?.dataset?.focusKey;
      fill(body, jobsTable(jobs.jobs, runs.runs, agents.agents, navigate));
      if (focused) body.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
    },
    (e) => announce(e.message, 'error'),
  );
}

function jobsTable(jobs, runs, agents, navigate) {
  if (!jobs.length) {
    return h(
      'div',
      {class: 'card empty-state'},
      h('p', {}, 'No backup jobs yet.'),
      h('a', {href: '#/jobs/new', class: 'button primary'}, 'Create your first backup job'),
    );
  }
  const agentById = new Map(agents.map((a) => [a.agent_id, a]));
  const lastBackup = new Map();
  for (const r of runs) {
    if (r.run_type === 'backup' && !lastBackup.has(r.job_id)) lastBackup.set(r.job_id, r);
  }
  const rows = jobs.map((j) => {
    const agent = agentById.get(j.agent_id);
    const run = lastBackup.get(j.job_id);
    const active = run && !TERMINAL.has(run.status);
    return h(
      'tr',
      {'data-job-id': j.job_id},
      h('th', {scope: 'row'}, j.name),
      h('td', {}, engineLabel(j.engine)),
      h(
        'td',
        {},
        agent ? agent.hostname || `agent ${agent.agent_id}` : `agent ${j.agent_id}`,
        ' ',
        agent ? h('span', {class: `dot ${agent.online ? 'online' : 'offline'}`}, agent.online ? 'online' : 'offline') : null,
      ),
      h('td', {class: 'path'}, (j.source_paths || [j.source_path]).join('\n')),
      h('td', {class: 'path'}, `${j.dest_bucket}/${j.dest_prefix || ''}`),
      h('td', {}, scheduleText(j.schedule_json), j.next_run_at ? h('div', {class: 'sub'}, `next ${time(j.next_run_at)}`) : null),
      h(
        'td',
        {},
        run
          ? [
              badge(run.status),
              h('div', {class: 'sub'}, active ? `${Math.round(run.progress_pct || 0)} %` : time(run.finished_at || run.created_at)),
              run.status === 'success' || run.status === 'warning'
                ? h('div', {class: 'sub'}, `${bytes(run.bytes_transferred)}, ${run.files_done} files`)
                : null,
            ]
          : 'never run',
      ),
      h('td', {class: 'actions'}, actions(j, run, active, navigate)),
    );
  });
  return h(
    'table',
    {class: 'data'},
    h('caption', {}, `${jobs.length} job${jobs.length === 1 ? '' : 's'}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Job', 'Engine', 'Agent', 'Source', 'Destination', 'Schedule', 'Last backup', 'Actions'].map((t) =>
          h('th', {scope: 'col'}, t),
        ),
      ),
    ),
    h('tbody', {}, rows),
  );
}

export function engineLabel(engine) {
  return engine === 'kopia' ? 'Backup (Kopia)' : 'Sync (rclone)';
}

function actions(job, run, active, navigate) {
  const name = job.name;
  const out = [];
  if (active) {
    out.push(link(`#/jobs/${job.job_id}/runs/${run.run_id}/live`, 'Watch live', {class: 'button', 'aria-label': `Watch ${name} live`, 'data-focus-key': `live-${job.job_id}`}));
  } else {
    out.push(
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          'aria-label': `Run ${name} now`,
          'data-focus-key': `run-${job.job_id}`,
          onclick: async (ev) => {
            ev.target.disabled = true;
            try {
              const r = await client('cloudbackup_start_run.php', {job_id: job.job_id});
              announce(`Run ${r.run_id} of ${name} queued.`);
              navigate(`#/jobs/${job.job_id}/runs/${r.run_id}/live`);
            } catch (e) {
              ev.target.disabled = false;
              announce(e.message, 'error');
            }
          },
        },
        'Run now',
      ),
    );
  }
  out.push(link(`#/jobs/${job.job_id}/restore`, 'Restore', {class: 'button', 'aria-label': `Restore from ${name}`, 'data-focus-key': `restore-${job.job_id}`}));
  out.push(link(`#/runs?job=${job.job_id}`, 'Runs', {class: 'button', 'aria-label': `Runs of ${name}`, 'data-focus-key': `runs-${job.job_id}`}));
  out.push(link(`#/jobs/${job.job_id}/edit`, 'Edit', {class: 'button', 'aria-label': `Edit ${name}`, 'data-focus-key': `edit-${job.job_id}`}));
  return out;
}
