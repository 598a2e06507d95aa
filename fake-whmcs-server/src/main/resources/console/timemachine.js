// Time Machine (cloudnas_timemachine.tpl): a Backup (Kopia) job's snapshots on a timeline, the
// selected snapshot's details, and mounting it read-only as a drive letter
// (cloudnas_mount_snapshot). Browsing and comparing snapshots need addon endpoints that do not
// exist yet; their buttons say so.
import {client} from './api.js';
import {announce, bytes, facts, field, fill, h, number, select, time, title} from './dom.js';
import {nasTabs} from './nas.js';

const LETTERS = 'DEFGHIJKLMNOPQRSTUVWXYZ'.split('');

export async function timeMachineView(view, {query, navigate}) {
  const {jobs} = await client('cloudbackup_list_jobs.php');
  const kopia = jobs.filter((j) => j.engine === 'kopia');
  const body = h('div');
  fill(view, title('Time Machine'), nasTabs('timemachine'), body);
  if (!kopia.length) {
    fill(body, h('p', {class: 'card empty-state'}, 'Time Machine shows the snapshots of Backup (Kopia) jobs. Create one to see it here.'));
    return null;
  }
  const jobId = Number(query.get('job')) || kopia[0].job_id;
  const job = kopia.find((j) => j.job_id === jobId) || kopia[0];
  const jobSel = select(
    kopia.map((j) => [j.job_id, j.name]),
    {id: 'tm-job', onchange: (e) => navigate(`#/nas/timemachine?job=${e.target.value}`)},
    job.job_id,
  );
  const [{snapshots}, {agents}, {mounts}] = await Promise.all([
    client('cloudbackup_list_snapshots.php', {job_id: job.job_id}),
    client('agent_list.php'),
    client('cloudnas_list_mounts.php'),
  ]);
  const picker = field('Backup job', jobSel);
  if (!snapshots.length) {
    fill(body, picker, h('p', {class: 'card empty-state'}, 'This job has no snapshot yet: run a backup first.'));
    return null;
  }
  // Oldest on the left, as on a timeline.
  const timeline = [...snapshots].reverse();
  let index = timeline.length - 1;
  const slider = h('input', {type: 'range', id: 'tm-slider', min: 0, max: timeline.length - 1, step: 1, value: index});
  const marks = h('ol', {class: 'timeline'});
  const details = h('div', {class: 'card'});
  slider.addEventListener('input', () => select_(Number(slider.value)));

  function select_(i) {
    index = i;
    slider.value = String(i);
    const s = timeline[i];
    slider.setAttribute('aria-valuetext', `${time(s.time)}, snapshot ${i + 1} of ${timeline.length}`);
    for (const [k, li] of [...marks.children].entries()) li.firstChild.setAttribute('aria-pressed', String(k === i));
    renderDetails(s);
  }

  fill(
    marks,
    timeline.map((s, i) =>
      h('li', {}, h('button', {type: 'button', class: 'mark', 'aria-pressed': 'false', onclick: () => select_(i)}, time(s.time))),
    ),
  );

  function renderDetails(s) {
    const agentSel = select(agents.map((a) => [a.agent_id, a.hostname || `agent ${a.agent_id}`]), {name: 'agent_id'}, job.agent_id);
    const letterSel = h('select', {name: 'drive_letter'});
    const fillLetters = () => {
      const used = new Set(mounts.filter((m) => m.agent_id === Number(agentSel.value)).map((m) => m.drive_letter));
      const free = LETTERS.filter((l) => !used.has(l));
      fill(letterSel, free.map((l, k) => h('option', {value: l, selected: k === free.length - 1}, `${l}:`)));
    };
    agentSel.addEventListener('change', fillLetters);
    fillLetters();
    const mount = h(
      'form',
      {
        class: 'inline',
        onsubmit: async (ev) => {
          ev.preventDefault();
          try {
            const r = await client('cloudnas_mount_snapshot.php', {job_id: job.job_id, run_id: s.run_id, drive_letter: letterSel.value, agent_id: Number(agentSel.value)});
            announce(`Snapshot of ${time(s.time)} is being mounted read-only as ${letterSel.value}: (drive ${r.mount_id}).`);
            navigate('#/nas');
          } catch (e) {
            announce(e.message, 'error');
          }
        },
      },
      field('On', agentSel),
      field('As drive', letterSel),
      h('button', {type: 'submit', class: 'primary'}, 'Mount read-only'),
    );
    fill(
      details,
      h('h2', {}, `Snapshot of ${time(s.time)}`),
      facts([
        ['Run', String(s.run_id)],
        ['Snapshot id', h('code', {}, s.manifest_id)],
        ['Size', bytes(s.size_bytes)],
        ['Files', number(s.file_count)],
        ['Status', s.status],
      ]),
      mount,
      h(
        'p',
        {class: 'actions'},
        h('button', {type: 'button', disabled: true, 'aria-describedby': 'tm-pending'}, 'Browse files'),
        h('button', {type: 'button', disabled: true, 'aria-describedby': 'tm-pending'}, 'Compare snapshots'),
      ),
      h('p', {class: 'hint', id: 'tm-pending'}, 'Browsing and comparing snapshots need the Time Machine endpoints of the addon, which are not there yet.'),
    );
  }

  fill(
    body,
    picker,
    h('div', {class: 'card'}, h('label', {for: 'tm-slider'}, `Snapshots of ${job.name} (${timeline.length})`), slider, marks),
    details,
  );
  select_(index);
  return null;
}
