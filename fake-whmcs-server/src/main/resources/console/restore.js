// The restore wizard (seed: "Restore Pipeline", Client UI flow): snapshot → what to restore →
// where (a folder on an agent's computer, picked in the remote filesystem browser) and how to treat
// files already there → review. cloudbackup_start_restore queues it; the live view follows it.
import {ApiError, client} from './api.js';
import {announce, bytes, checkbox, facts, field, fill, h, number, select, time, title, uid} from './dom.js';
import {fileBrowser} from './fsbrowser.js';
import {engineLabel} from './jobs.js';

const STEPS = ['Snapshot', 'What to restore', 'Where to', 'Review'];
const OVERWRITE = [
  ['if-changed', 'Replace files that differ (size or time)'],
  ['if-newer', 'Replace only files older than the backup’s'],
  ['always', 'Always replace'],
  ['never', 'Never replace: keep what is there'],
  ['skip', 'Skip existing files'],
  ['rename', 'Keep both: restore under a new name'],
];

export async function restoreView(view, {params, query, navigate}) {
  const [jobId] = params;
  const [{jobs}, agents] = await Promise.all([client('cloudbackup_list_jobs.php'), client('agent_list.php')]);
  const job = jobs.find((j) => j.job_id === jobId);
  if (!job) throw new ApiError(`job ${jobId} not found`, 404);
  const snapshots = await snapshotsOf(job);
  const wanted = Number(query.get('run')) || null;
  const st = {
    run_id: snapshots.find((s) => s.run_id === wanted)?.run_id ?? snapshots[0]?.run_id ?? null,
    everything: true,
    paths: '',
    agent_id: job.agent_id,
    target_path: '',
    overwrite: 'if-changed',
    delete_extra: false,
  };
  let step = 0;
  const browser = fileBrowser({
    agentId: st.agent_id,
    mode: 'folder',
    onChange: (paths) => (st.target_path = paths[0] || ''),
  });

  const stepper = h('ol', {class: 'stepper'});
  const errors = h('div', {class: 'errors', role: 'alert'});
  const body = h('div', {class: 'step-body'});
  const back = h('button', {type: 'button', onclick: () => go(step - 1)}, 'Back');
  const next = h('button', {type: 'submit', class: 'primary'}, 'Next');
  const form = h(
    'form',
    {class: 'card wizard', novalidate: true, onsubmit: (ev) => (ev.preventDefault(), step < STEPS.length - 1 ? go(step + 1) : start())},
    stepper,
    errors,
    body,
    h('div', {class: 'buttons'}, back, next, h('a', {href: '#/jobs', class: 'button subtle'}, 'Cancel')),
  );
  fill(view, title(`Restore from ${job.name}`), form);
  if (!snapshots.length) {
    fill(form, h('p', {class: 'notice'}, 'This job has no finished backup to restore from yet.'), h('a', {href: '#/jobs', class: 'button'}, 'Back to jobs'));
    return null;
  }
  go(0, true);

  function go(to, first = false) {
    if (to > step && !validate()) return;
    step = Math.max(0, Math.min(STEPS.length - 1, to));
    fill(errors);
    fill(stepper, STEPS.map((s, i) => h('li', {'aria-current': i === step ? 'step' : null, class: i < step ? 'done' : null}, h('span', {class: 'num'}, `${i + 1}`), s)));
    fill(body, [stepSnapshot, stepWhat, stepWhere, stepReview][step]());
    back.disabled = step === 0;
    next.textContent = step === STEPS.length - 1 ? 'Start restore' : 'Next';
    if (!first) body.querySelector('h2')?.focus();
  }

  function stepSnapshot() {
    return h(
      'section',
      {},
      h('h2', {tabindex: '-1'}, STEPS[0]),
      job.engine === 'sync'
        ? h('p', {class: 'hint'}, 'A sync job keeps one copy in the bucket: every run restores the files as they are there now.')
        : null,
      h(
        'fieldset',
        {class: 'snapshots'},
        h('legend', {}, job.engine === 'kopia' ? 'Snapshots, newest first' : 'Finished backups, newest first'),
        snapshots.map((s) => {
          const id = uid('snap');
          return h(
            'div',
            {class: 'option'},
            h('input', {type: 'radio', name: 'snapshot', id, value: s.run_id, checked: s.run_id === st.run_id, onchange: () => (st.run_id = s.run_id)}),
            h('label', {for: id}, `${time(s.time)} — run ${s.run_id}`),
            h('span', {class: 'sub'}, ` ${bytes(s.size_bytes)}, ${number(s.file_count)} files${s.status === 'warning' ? ', with warnings' : ''}`),
          );
        }),
      ),
    );
  }

  function stepWhat() {
    const paths = h('textarea', {name: 'paths', rows: 4, spellcheck: 'false', disabled: st.everything, oninput: (e) => (st.paths = e.target.value)}, st.paths);
    const radio = (value, label) => {
      const id = uid('what');
      return h(
        'div',
        {class: 'option'},
        h('input', {
          type: 'radio',
          name: 'what',
          id,
          checked: st.everything === value,
          onchange: () => {
            st.everything = value;
            paths.disabled = value;
            if (!value) paths.focus();
          },
        }),
        h('label', {for: id}, label),
      );
    };
    return h(
      'section',
      {},
      h('h2', {tabindex: '-1'}, STEPS[1]),
      h('fieldset', {}, h('legend', {}, 'Restore'), radio(true, 'Everything in the backup'), radio(false, 'Only these files and folders')),
      field('Files and folders (one per line)', paths, `Relative to the backed-up folder, e.g. docs/report.docx. Backed up: ${(job.source_paths || [job.source_path]).join(', ')}`),
    );
  }

  function stepWhere() {
    browser.show(st.agent_id);
    const agentSel = select(
      agents.agents.map((a) => [a.agent_id, `${a.hostname || 'agent ' + a.agent_id} (${a.online ? 'online' : 'offline'})`]),
      {name: 'agent_id', onchange: (e) => ((st.agent_id = Number(e.target.value)), browser.show(st.agent_id))},
      st.agent_id,
    );
    const del = checkbox('Delete files in the target folder that are not in the backup', {
      name: 'delete_extra',
      checked: st.delete_extra,
      onchange: (e) => (st.delete_extra = e.target.checked),
    });
    return h(
      'section',
      {},
      h('h2', {tabindex: '-1'}, STEPS[2]),
      field('Restore to the computer of', agentSel),
      browser.el,
      field('When a file already exists', select(OVERWRITE, {name: 'overwrite', onchange: (e) => (st.overwrite = e.target.value)}, st.overwrite)),
      del.el,
    );
  }

  function stepReview() {
    const s = snapshots.find((x) => x.run_id === st.run_id);
    const agent = agents.agents.find((a) => a.agent_id === st.agent_id);
    return h(
      'section',
      {},
      h('h2', {tabindex: '-1'}, STEPS[3]),
      facts([
        ['Job', `${job.name} (${engineLabel(job.engine)})`],
        ['From', s ? `${time(s.time)} — run ${s.run_id}` : '—'],
        ['What', st.everything ? 'everything' : h('ul', {class: 'plain'}, pathList().map((p) => h('li', {}, h('code', {}, p))))],
        ['To', [h('code', {}, st.target_path), ` on ${agent ? agent.hostname || 'agent ' + agent.agent_id : '—'}`]],
        ['Existing files', OVERWRITE.find(([k]) => k === st.overwrite)[1]],
        ['Extra files', st.delete_extra ? 'deleted' : 'kept'],
      ]),
    );
  }

  function pathList() {
    return st.paths.split('\n').map((p) => p.trim()).filter(Boolean);
  }

  function validate() {
    const say = (m) => (fill(errors, h('p', {class: 'notice error'}, m)), false);
    if (step === 0 && !st.run_id) return say('Choose the snapshot to restore from.');
    if (step === 1 && !st.everything && !pathList().length) return say('List at least one file or folder, or restore everything.');
    if (step === 2 && !st.target_path) return say('Choose the folder to restore into.');
    return true;
  }

  async function start() {
    next.disabled = true;
    try {
      const body = {run_id: st.run_id, target_path: st.target_path, overwrite: st.overwrite, delete_extra: st.delete_extra, paths: st.everything ? [] : pathList()};
      if (st.agent_id !== job.agent_id) body.agent_id = st.agent_id;
      const r = await client('cloudbackup_start_restore.php', body);
      announce(`Restore run ${r.restore_run_id} queued.`);
      navigate(`#/jobs/${jobId}/runs/${r.restore_run_id}/live`);
    } catch (e) {
      next.disabled = false;
      fill(errors, h('p', {class: 'notice error'}, e.message));
    }
  }
}

/** The job's restorable backups: kopia snapshots, or a sync job's finished backup runs. */
async function snapshotsOf(job) {
  if (job.engine === 'kopia') {
    return (await client('cloudbackup_list_snapshots.php', {job_id: job.job_id})).snapshots;
  }
  const {runs} = await client('cloudbackup_list_runs.php', {job_id: job.job_id, limit: 200});
  return runs
    .filter((r) => r.run_type === 'backup' && (r.status === 'success' || r.status === 'warning'))
    .map((r) => ({run_id: r.run_id, time: r.finished_at || r.updated_at, size_bytes: r.bytes_total || r.bytes_transferred, file_count: r.files_total || r.files_done, status: r.status}));
}
