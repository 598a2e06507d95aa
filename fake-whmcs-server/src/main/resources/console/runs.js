// Runs history (cloudbackup_runs.tpl) with the engine of every run, and a run's detail with its
// structured events (agent_push_events) and the addon's log lines. Both poll while runs move.
import {client} from './api.js';
import {TERMINAL, announce, badge, bytes, duration, every, facts, fill, h, link, number, select, time, title} from './dom.js';
import {engineLabel} from './jobs.js';

export async function runsView(view, {query, navigate}) {
  const jobId = Number(query.get('job')) || null;
  const {jobs} = await client('cloudbackup_list_jobs.php');
  const filter = select(
    [['', 'All jobs'], ...jobs.map((j) => [j.job_id, j.name])],
    {id: 'runs-filter', onchange: (e) => navigate(e.target.value ? `#/runs?job=${e.target.value}` : '#/runs')},
    jobId ?? '',
  );
  const body = h('div');
  fill(
    view,
    title(jobId ? `Runs of ${jobs.find((j) => j.job_id === jobId)?.name ?? `job ${jobId}`}` : 'Runs'),
    h('div', {class: 'toolbar'}, h('label', {for: 'runs-filter'}, 'Show'), filter),
    body,
  );
  let last = '';
  return every(
    3000,
    async () => {
      const {runs} = await client('cloudbackup_list_runs.php', jobId ? {job_id: jobId, limit: 200} : {limit: 200});
      const key = JSON.stringify(runs);
      if (key === last) return;
      last = key;
      fill(body, runsTable(runs));
    },
    (e) => announce(e.message, 'error'),
  );
}

function runsTable(runs) {
  const rows = runs.map((r) => {
    const active = !TERMINAL.has(r.status);
    return h(
      'tr',
      {'data-run-id': r.run_id},
      h('th', {scope: 'row'}, link(`#/jobs/${r.job_id}/runs/${r.run_id}`, `Run ${r.run_id}`)),
      h('td', {}, r.job_name),
      h('td', {}, r.run_type),
      h('td', {}, engineLabel(r.engine)),
      h('td', {}, r.trigger_type),
      h('td', {}, badge(r.status), r.error_summary ? h('div', {class: 'sub error-text'}, r.error_summary) : null),
      h('td', {}, time(r.started_at || r.created_at)),
      h('td', {}, runDuration(r)),
      h('td', {class: 'num'}, bytes(r.bytes_transferred)),
      h('td', {class: 'num'}, number(r.files_done)),
      h('td', {}, active ? link(`#/jobs/${r.job_id}/runs/${r.run_id}/live`, 'Watch live', {class: 'button', 'aria-label': `Watch run ${r.run_id} live`}) : link(`#/jobs/${r.job_id}/runs/${r.run_id}`, 'Details', {class: 'button', 'aria-label': `Details of run ${r.run_id}`})),
    );
  });
  return h(
    'table',
    {class: 'data'},
    h('caption', {}, `${runs.length} run${runs.length === 1 ? '' : 's'}, newest first`),
    h(
      'thead',
      {},
      h('tr', {}, ['Run', 'Job', 'Type', 'Engine', 'Trigger', 'Status', 'Started', 'Duration', 'Bytes', 'Files', ''].map((t) => h('th', {scope: 'col'}, t))),
    ),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: 11, class: 'empty'}, 'No runs yet.'))),
  );
}

export function runDuration(r) {
  if (!r.started_at) return '—';
  const end = r.finished_at ? new Date(r.finished_at) : new Date();
  return duration((end - new Date(r.started_at)) / 1000);
}

/** The run as the job's run list shows it (the addon has no single-run read for clients). */
export async function findRun(jobId, runId) {
  const {runs} = await client('cloudbackup_list_runs.php', {job_id: jobId, limit: 1000});
  const run = runs.find((r) => r.run_id === runId);
  if (!run) throw Object.assign(new Error(`run ${runId} of job ${jobId} not found`), {status: 404});
  return run;
}

export async function runDetailView(view, {params}) {
  const [jobId, runId] = params;
  const summary = h('div');
  const eventsBody = h('tbody');
  const logsBody = h('tbody');
  const actions = h('p', {class: 'actions'});
  fill(
    view,
    title(`Run ${runId}`),
    actions,
    summary,
    h(
      'section',
      {},
      h('h2', {}, 'Events'),
      h(
        'table',
        {class: 'data events'},
        h('caption', {}, 'Structured events reported by the agent'),
        h('thead', {}, h('tr', {}, ['#', 'Time', 'Level', 'Code', 'Message'].map((t) => h('th', {scope: 'col'}, t)))),
        eventsBody,
      ),
    ),
    h(
      'section',
      {},
      h('h2', {}, 'Log'),
      h(
        'table',
        {class: 'data logs'},
        h('caption', {}, 'The addon’s log lines for this run'),
        h('thead', {}, h('tr', {}, ['Time', 'Level', 'Code', 'Message'].map((t) => h('th', {scope: 'col'}, t)))),
        logsBody,
      ),
    ),
  );
  const feed = eventFeed(runId, eventsBody);
  let afterLog = 0;
  let done = false;
  let lastRun = '';
  const stop = every(
    2000,
    async () => {
      if (done) return;
      const run = await findRun(jobId, runId);
      const key = JSON.stringify(run);
      if (key !== lastRun) {
        lastRun = key;
        document.querySelector('h1.view-title').textContent = `${run.run_type === 'restore' ? 'Restore' : 'Backup'} run ${runId} — ${run.job_name}`;
        fill(summary, runFacts(run));
        fill(
          actions,
          !TERMINAL.has(run.status) ? link(`#/jobs/${jobId}/runs/${runId}/live`, 'Watch live', {class: 'button primary'}) : null,
          run.run_type === 'backup' && (run.status === 'success' || run.status === 'warning')
            ? link(`#/jobs/${jobId}/restore?run=${runId}`, 'Restore from this run', {class: 'button'})
            : null,
          link(`#/runs?job=${jobId}`, 'All runs of this job', {class: 'button subtle'}),
        );
      }
      const runStatus = await feed.poll();
      const lg = await client('cloudbackup_get_run_logs.php', {run_id: runId, after_id: afterLog});
      for (const l of lg.logs) {
        afterLog = Math.max(afterLog, l.log_id);
        logsBody.append(h('tr', {class: `level-${l.level}`}, h('td', {}, time(l.ts)), h('td', {}, l.level), h('td', {}, l.code || ''), h('td', {}, l.message)));
      }
      done = feed.done(runStatus) && TERMINAL.has(lg.run_status);
    },
    (e) => announce(e.message, 'error'),
  );
  return stop;
}

const RUN_ENDED = /^(BACKUP|RESTORE)_(COMPLETED|FAILED|CANCELLED)$/;
/** How long to keep asking for events after the run's status is final (the agent's last events may come after it). */
const TRAILING_EVENTS_MS = 15000;

/**
 * The run's events appended to tbody as they arrive (after_seq paging). done(runStatus) tells when
 * nothing more will come: the run is final and its closing event arrived (or stayed away too long).
 */
export function eventFeed(runId, tbody) {
  let afterSeq = 0;
  let sawEnd = false;
  let finalSince = null;
  return {
    async poll() {
      const ev = await client('cloudbackup_get_run_events.php', {run_id: runId, after_seq: afterSeq});
      for (const e of ev.events) {
        afterSeq = Math.max(afterSeq, e.seq);
        sawEnd = sawEnd || RUN_ENDED.test(e.code);
        tbody.append(eventRow(e));
      }
      return ev.run_status;
    },
    done(runStatus) {
      if (!TERMINAL.has(runStatus)) return false;
      finalSince = finalSince ?? Date.now();
      return sawEnd || Date.now() - finalSince > TRAILING_EVENTS_MS;
    },
  };
}

export function eventRow(e) {
  return h(
    'tr',
    {class: `level-${e.level}`, 'data-code': e.code},
    h('td', {class: 'num'}, e.seq),
    h('td', {}, time(e.ts)),
    h('td', {}, e.level),
    h('td', {}, h('code', {}, e.code)),
    h('td', {}, e.message || ''),
  );
}

export function runFacts(r) {
  return facts([
    ['Status', [badge(r.status), r.error_summary ? h('span', {class: 'error-text'}, ` ${r.error_summary}`) : null]],
    ['Type', `${r.run_type} (${r.trigger_type})`],
    ['Engine', engineLabel(r.engine)],
    ['Destination', `${r.dest_bucket}/${r.dest_prefix || ''}`],
    ['Started', time(r.started_at)],
    ['Finished', time(r.finished_at)],
    ['Duration', runDuration(r)],
    ['Transferred', `${bytes(r.bytes_transferred)} of ${bytes(r.bytes_total)}`],
    ['Files', `${number(r.files_done)} of ${number(r.files_total)}`],
    r.manifest_id ? ['Snapshot', h('code', {}, r.manifest_id)] : null,
    r.source_run_id ? ['Restored from', link(`#/jobs/${r.job_id}/runs/${r.source_run_id}`, `run ${r.source_run_id}`)] : null,
    ['Log reference', r.log_ref ? h('code', {}, r.log_ref) : '—'],
  ]);
}
