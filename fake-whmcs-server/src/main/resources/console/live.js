// The live view (cloudbackup_live.tpl) of a running backup or restore: status, progress, bytes,
// files, speed, ETA, current item, the agent's events as they arrive, and a cancel button. Polls
// the run and its new events every second (the addon has no push channel to its pages).
import {client} from './api.js';
import {TERMINAL, announce, badge, bytes, duration, every, fill, h, link, number, speed, title} from './dom.js';
import {engineLabel} from './jobs.js';
import {eventFeed, findRun, runDuration} from './runs.js';

export async function liveView(view, {params}) {
  const [jobId, runId] = params;
  const status = h('p', {class: 'live-status', role: 'status', 'aria-live': 'polite'});
  const bar = h('progress', {max: 100, value: 0, id: 'live-progress'});
  const pct = h('span', {class: 'pct'});
  const stats = h('dl', {class: 'facts live-stats'});
  const current = h('p', {class: 'current-item'});
  const cancelBox = h('div', {class: 'cancel'});
  const after = h('p', {class: 'actions'});
  const events = h('tbody');
  const card = h('div', {class: 'card live'});
  fill(
    view,
    title(`Run ${runId}`),
    fill(card, status, h('div', {class: 'bar'}, h('label', {for: 'live-progress'}, 'Progress'), bar, pct), stats, current, cancelBox),
    after,
    h(
      'section',
      {},
      h('h2', {}, 'Events'),
      h(
        'table',
        {class: 'data events'},
        h('caption', {}, 'Reported by the agent as the run goes'),
        h('thead', {}, h('tr', {}, ['#', 'Time', 'Level', 'Code', 'Message'].map((t) => h('th', {scope: 'col'}, t)))),
        events,
      ),
    ),
  );
  const feed = eventFeed(runId, events);
  let ended = false;
  let lastStatus = null;
  let confirming = false;

  function renderCancel(run) {
    if (TERMINAL.has(run.status)) {
      fill(cancelBox);
      return;
    }
    if (confirming) return;
    fill(
      cancelBox,
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () => {
            confirming = true;
            const no = h('button', {type: 'button', onclick: () => ((confirming = false), renderCancel(run))}, 'Keep running');
            fill(
              cancelBox,
              h('span', {}, `Cancel this ${run.run_type}? `),
              h('button', {type: 'button', class: 'danger', onclick: () => cancel(run)}, 'Yes, cancel it'),
              ' ',
              no,
            );
            no.focus();
          },
        },
        run.run_type === 'restore' ? 'Cancel restore' : 'Cancel backup',
      ),
    );
  }

  async function cancel(run) {
    try {
      await client('cloudbackup_request_command.php', {type: 'cancel', run_id: run.run_id});
      fill(cancelBox, h('p', {}, 'Cancel requested; the agent stops at the next safe point.'));
      announce(`Cancel of run ${run.run_id} requested.`);
    } catch (e) {
      confirming = false;
      announce(e.message, 'error');
    }
  }

  return every(
    1000,
    async () => {
      if (ended) return;
      const run = await findRun(jobId, runId);
      const what = run.run_type === 'restore' ? 'Restore' : 'Backup';
      const heading = view.querySelector('h1');
      heading.textContent = `${what} of ${run.job_name} — run ${runId}`;
      document.title = `${heading.textContent} — e3 simulation console`;
      if (run.status !== lastStatus) {
        fill(status, badge(run.status), ' ', statusWords(run));
        lastStatus = run.status;
      }
      // For tests and user styles: the state this render shows, in one place.
      card.dataset.status = run.status;
      card.dataset.bytes = String(run.bytes_transferred || 0);
      const p = run.status === 'success' ? 100 : Math.max(0, Math.min(100, Number(run.progress_pct) || 0));
      bar.value = p;
      pct.textContent = `${p.toFixed(p < 10 && p > 0 ? 1 : 0)} %`;
      fill(
        stats,
        [
          ['Engine', engineLabel(run.engine)],
          ['Transferred', `${bytes(run.bytes_transferred)} of ${run.bytes_total ? bytes(run.bytes_total) : '…'}`],
          ['Files', `${number(run.files_done)} of ${run.files_total ? number(run.files_total) : '…'}`],
          ['Speed', TERMINAL.has(run.status) ? '—' : speed(run.speed_bytes_per_sec)],
          ['Time left', TERMINAL.has(run.status) ? '—' : run.eta_seconds >= 0 && run.eta_seconds !== null ? duration(run.eta_seconds) : 'working it out'],
          ['Elapsed', runDuration(run)],
        ].map(([k, v]) => [h('dt', {}, k), h('dd', {'data-stat': k}, v)]),
      );
      current.textContent = !TERMINAL.has(run.status) && run.current_item ? `Now: ${run.current_item}` : '';
      renderCancel(run);
      const runStatus = await feed.poll();
      if (TERMINAL.has(run.status) && !after.childElementCount) {
        fill(
          after,
          link(`#/jobs/${jobId}/runs/${runId}`, 'Run details and log', {class: 'button'}),
          run.run_type === 'backup' && (run.status === 'success' || run.status === 'warning')
            ? link(`#/jobs/${jobId}/restore?run=${runId}`, 'Restore from this run', {class: 'button primary'})
            : null,
          link('#/jobs', 'Back to jobs', {class: 'button subtle'}),
        );
      }
      // The status shown was read before the events: the run may have ended between the two
      // requests (its closing event arrives just before its final status). Stop only once the
      // status on screen is final too, or the view stays on "running" for good.
      ended = feed.done(runStatus) && TERMINAL.has(run.status);
    },
    (e) => announce(e.message, 'error'),
  );
}

function statusWords(run) {
  switch (run.status) {
    case 'queued':
      return 'Waiting for the agent to pick it up.';
    case 'starting':
      return 'The agent has claimed it and is starting.';
    case 'running':
      return run.run_type === 'restore' ? 'Restoring…' : 'Backing up…';
    case 'success':
      return 'Finished successfully.';
    case 'warning':
      return `Finished with warnings: ${run.error_summary || 'some files were skipped'}.`;
    case 'failed':
      return `Failed: ${run.error_summary || 'see the events'}.`;
    case 'cancelled':
      return 'Cancelled.';
    default:
      return run.status;
  }
}
