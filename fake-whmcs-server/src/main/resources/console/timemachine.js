// Time Machine (cloudnas_timemachine.tpl): a Backup (Kopia) job's snapshots on a timeline, the
// selected snapshot's details, and mounting it read-only as a drive letter
// (cloudnas_mount_snapshot), browsing one folder of it and comparing two snapshots. Browse and
// compare are agent commands (snapshot_browse / snapshot_diff through cloudbackup_request_command);
// the agent answers with agent_report_snapshot into the command's result, which this page polls
// through the simulation's sim/command (the addon has no client call that reads a command back;
// the admin page reads its maintenance commands the same way).
import {client, sim} from './api.js';
import {announce, bytes, facts, field, fill, h, number, select, table, time, title} from './dom.js';
import {nasTabs} from './nas.js';

const LETTERS = 'DEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const PAGE = 1000; // the agent's page size for snapshot_browse
const WAIT_MS = 90_000; // the agent polls commands every few seconds; a kopia walk takes a few more

/**
 * Queues a snapshot command and waits for the agent's answer. Resolves with the result object;
 * rejects with the agent's reason when it failed, or when no answer came in time. isStale() true
 * (the person moved on) stops the polling quietly.
 */
async function askAgent(body, isStale) {
  const {command_id: id} = await client('cloudbackup_request_command.php', body);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (isStale()) return null;
    const {command} = await sim('command', {command_id: id});
    if (command.status === 'completed') return JSON.parse(command.result_message);
    if (command.status === 'failed') {
      let reason = command.result_message || 'the agent gave no reason';
      try {
        const j = JSON.parse(reason);
        reason = j.error || j.message || reason;
      } catch (e) {
        // a plain-text reason
      }
      throw new Error(`The agent could not answer: ${reason}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`The agent did not answer within ${WAIT_MS / 1000} s (command ${id} is ${command.status}). Is it online?`);
    }
    await new Promise((r) => setTimeout(r, 700));
  }
}

/** A "waiting for the agent" line that screen readers announce. */
function waiting(text) {
  return h('p', {class: 'notice waiting', role: 'status'}, h('span', {class: 'spinner', 'aria-hidden': 'true'}), text);
}

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

  // Each selection (and leaving the page) starts a new generation: answers to older questions
  // are dropped instead of drawn over the new snapshot.
  let generation = 0;
  let stopped = false;

  function renderDetails(s) {
    generation += 1;
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
      browser(s),
      comparer(s),
    );
  }


  /** Browse files: one folder of snapshot s at a time, folders first, 1,000 entries a page. */
  function browser(s) {
    const gen = generation;
    const stale = () => stopped || gen !== generation;
    const out = h('div', {class: 'tm-browse', 'aria-live': 'polite'});
    const open = async (path, offset = 0) => {
      fill(out, waiting(`Asking the agent for ${path ? `“${path}”` : 'the top folder'} of this snapshot…`));
      out.setAttribute('aria-busy', 'true');
      try {
        const r = await askAgent({type: 'snapshot_browse', job_id: job.job_id, manifest_id: s.manifest_id, path, offset}, stale);
        if (r === null) return;
        fill(out, listing(r, open));
      } catch (e) {
        if (!stale()) fill(out, h('p', {class: 'notice error', role: 'alert'}, e.message), h('button', {type: 'button', onclick: () => open(path, offset)}, 'Try again'));
      } finally {
        out.removeAttribute('aria-busy');
      }
    };
    return h(
      'section',
      {class: 'card', 'aria-labelledby': 'tm-browse-h'},
      h('h2', {id: 'tm-browse-h'}, 'Browse files'),
      h('p', {class: 'hint'}, 'The agent reads the folder straight from the backup; nothing is restored.'),
      h('p', {}, h('button', {type: 'button', class: 'primary', onclick: () => open('')}, 'Browse this snapshot')),
      out,
    );
  }

  function listing(r, open) {
    const parts = r.path ? r.path.split('/') : [];
    const crumbs = h(
      'nav',
      {class: 'crumbs', 'aria-label': 'Folder in the snapshot'},
      h('button', {type: 'button', class: 'link', onclick: () => open('')}, 'Snapshot root'),
      parts.map((name, i) => [' / ', i === parts.length - 1 ? h('strong', {'aria-current': 'location'}, name) : h('button', {type: 'button', class: 'link', onclick: () => open(parts.slice(0, i + 1).join('/'))}, name)]),
    );
    const rows = r.entries.map((e) => [
      e.type === 'dir'
        ? h('button', {type: 'button', class: 'link', 'aria-label': `Open folder ${e.name}`, onclick: () => open(e.path)}, `${e.name}/`)
        : h('span', {}, e.name),
      e.type === 'dir' ? 'Folder' : 'File',
      bytes(e.size_bytes),
      e.modified ? time(e.modified) : '—',
    ]);
    const first = r.total ? r.offset + 1 : 0;
    const last = r.offset + r.entries.length;
    const t = table(`${r.path || 'Snapshot root'}: ${first}–${last} of ${number(r.total)}`, ['Name', 'Type', 'Size', 'Modified'], rows, {class: 'data tm-listing', 'data-path': r.path});
    for (const [i, tr] of [...t.tBodies[0].rows].entries()) {
      const e = r.entries[i];
      if (e) {
        tr.dataset.name = e.name;
        tr.dataset.type = e.type;
      }
    }
    const pager = h(
      'p',
      {class: 'actions'},
      r.offset > 0 ? h('button', {type: 'button', onclick: () => open(r.path, Math.max(0, r.offset - PAGE))}, `Previous ${number(PAGE)}`) : null,
      r.truncated ? h('button', {type: 'button', onclick: () => open(r.path, r.offset + r.entries.length)}, `Next ${number(PAGE)}`) : null,
    );
    return [crumbs, r.parent !== null && r.parent !== undefined ? h('p', {}, h('button', {type: 'button', class: 'link', onclick: () => open(r.parent)}, '↑ Up one folder')) : null, t, pager];
  }

  /** Compare snapshot s with another one of the job: what was added, removed or modified. */
  function comparer(s) {
    const gen = generation;
    const stale = () => stopped || gen !== generation;
    const others = timeline.filter((o) => o.manifest_id !== s.manifest_id);
    const out = h('div', {class: 'tm-compare', 'aria-live': 'polite'});
    if (!others.length) {
      return h('section', {class: 'card'}, h('h2', {}, 'Compare snapshots'), h('p', {class: 'hint'}, 'There is only one snapshot: run another backup to compare.'));
    }
    // Default: the snapshot just before this one (or the next when this is the oldest).
    const pos = timeline.indexOf(s);
    const def = pos > 0 ? timeline[pos - 1] : others[0];
    const otherSel = select(others.map((o) => [o.manifest_id, `${time(o.time)} (run ${o.run_id})`]), {id: 'tm-compare-with'}, def.manifest_id);
    const run = async () => {
      const o = others.find((x) => x.manifest_id === otherSel.value);
      // Always older → newer, so "added" means it appeared since.
      const [from, to] = new Date(o.time) < new Date(s.time) ? [o, s] : [s, o];
      fill(out, waiting(`Comparing ${time(from.time)} with ${time(to.time)}: the agent walks both snapshots…`));
      out.setAttribute('aria-busy', 'true');
      try {
        const r = await askAgent({type: 'snapshot_diff', job_id: job.job_id, from_manifest_id: from.manifest_id, to_manifest_id: to.manifest_id}, stale);
        if (r === null) return;
        fill(out, differences(r, from, to));
      } catch (e) {
        if (!stale()) fill(out, h('p', {class: 'notice error', role: 'alert'}, e.message));
      } finally {
        out.removeAttribute('aria-busy');
      }
    };
    return h(
      'section',
      {class: 'card', 'aria-labelledby': 'tm-compare-h'},
      h('h2', {id: 'tm-compare-h'}, 'Compare snapshots'),
      h('form', {class: 'inline', onsubmit: (ev) => (ev.preventDefault(), run())}, field('With', otherSel), h('button', {type: 'submit', class: 'primary'}, 'Compare')),
      out,
    );
  }

  function differences(r, from, to) {
    const t = r.totals || {};
    const summary = facts([
      ['From', `${time(from.time)} (run ${from.run_id})`],
      ['To', `${time(to.time)} (run ${to.run_id})`],
      ['Added', `${number(t.added_files)} files (${bytes(t.added_bytes)})${t.added_folders ? `, ${number(t.added_folders)} folders` : ''}`],
      ['Removed', `${number(t.removed_files)} files (${bytes(t.removed_bytes)})${t.removed_folders ? `, ${number(t.removed_folders)} folders` : ''}`],
      ['Modified', `${number(t.modified_files)} files (${bytes(t.modified_old_bytes)} → ${bytes(t.modified_new_bytes)})`],
    ], {class: 'facts tm-totals'});
    if (!r.changes.length) return [summary, h('p', {class: 'empty-state'}, 'Nothing changed between these snapshots.')];
    const size = (c) => (c.kind === 'added' ? bytes(c.new_size) : c.kind === 'removed' ? bytes(c.old_size) : `${bytes(c.old_size)} → ${bytes(c.new_size)}`);
    const tbl = table(
      `${number(t.changes ?? r.changes.length)} changes${r.truncated ? ` (the first ${number(r.changes.length)} shown)` : ''}`,
      ['Change', 'Path', 'Type', 'Size'],
      r.changes.map((c) => [h('span', {class: `badge change-${c.kind}`}, c.kind), h('code', {}, c.path), c.type === 'dir' ? 'Folder' : c.type, c.type === 'dir' ? '—' : size(c)]),
      {class: 'data tm-changes'},
    );
    for (const [i, tr] of [...tbl.tBodies[0].rows].entries()) {
      const c = r.changes[i];
      if (c) {
        tr.dataset.kind = c.kind;
        tr.dataset.path = c.path;
      }
    }
    return [summary, tbl];
  }

  fill(
    body,
    picker,
    h('div', {class: 'card'}, h('label', {for: 'tm-slider'}, `Snapshots of ${job.name} (${timeline.length})`), slider, marks),
    details,
  );
  select_(index);
  return () => {
    stopped = true;
  };
}
