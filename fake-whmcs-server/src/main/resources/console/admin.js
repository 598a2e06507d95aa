// The admin page (admin/cloudbackup_admin.tpl): every client's agents (last seen, online), jobs
// (engine, destination, maintenance buttons) and runs (engine, destination, log reference), and
// the commands queued from here followed to their end. Polls every 3 s.
import {ApiError, admin, adminToken, adoptFragmentCredentials, configure, sim} from './api.js';
import {TERMINAL, ago, announce, badge, bytes, every, field, fill, h, number, time, title} from './dom.js';

/** Commands an admin can queue for a Backup (Kopia) job's repository. */
const JOB_COMMANDS = [
  ['maintenance_quick', 'Quick maintenance'],
  ['maintenance_full', 'Full maintenance'],
  ['verify', 'Verify'],
];

const view = () => document.getElementById('view');
const tracked = new Map(); // command_id -> {label, command}
let stop = null;

function showSignIn() {
  if (stop) stop();
  fill(document.getElementById('who'));
  const token = h('input', {type: 'password', name: 'admin_token', autocomplete: 'off', required: true});
  const error = h('p', {class: 'notice error', role: 'alert', hidden: true});
  fill(
    view(),
    title('Admin sign in'),
    h(
      'form',
      {
        class: 'card narrow',
        onsubmit: async (ev) => {
          ev.preventDefault();
          adminToken.set(token.value);
          try {
            await admin('admin_agent_list.php');
            showAdmin();
          } catch (e) {
            adminToken.clear();
            error.textContent = e.status === 401 ? 'That admin token is not valid.' : e.message;
            error.hidden = false;
            token.focus();
          }
        },
      },
      field('Admin token', token, 'The X-Admin-Token of the fake addon; ./e3sim up prints a link that signs you in.'),
      error,
      h('button', {type: 'submit', class: 'primary'}, 'Sign in'),
    ),
  );
  view().querySelector('h1').focus();
}

function showAdmin() {
  fill(
    document.getElementById('who'),
    h('button', {type: 'button', class: 'link', onclick: () => (adminToken.clear(), showSignIn())}, 'Sign out'),
  );
  const agents = h('div');
  const jobs = h('div');
  const runs = h('div');
  const commands = h('div', {'aria-live': 'polite'});
  fill(
    view(),
    title('Cloud Backup administration'),
    h('section', {'aria-labelledby': 'h-agents'}, h('h2', {id: 'h-agents'}, 'Agents'), agents),
    h('section', {'aria-labelledby': 'h-jobs'}, h('h2', {id: 'h-jobs'}, 'Jobs'), jobs),
    h('section', {'aria-labelledby': 'h-commands'}, h('h2', {id: 'h-commands'}, 'Commands queued here'), commands),
    h('section', {'aria-labelledby': 'h-runs'}, h('h2', {id: 'h-runs'}, 'Runs'), runs),
  );
  view().querySelector('h1').focus();
  let last = '';
  let drawnAt = 0;
  stop = every(
    3000,
    async () => {
      const [a, j, r] = await Promise.all([
        admin('admin_agent_list.php'),
        admin('admin_cloudbackup_list_jobs.php'),
        admin('admin_cloudbackup_list_runs.php', {limit: 200}),
      ]);
      for (const [id, t] of tracked) {
        if (!t.command || !['completed', 'failed'].includes(t.command.status)) {
          t.command = (await sim('command', {command_id: id})).command;
        }
      }
      const key = JSON.stringify([a, j, r, [...tracked.values()]]);
      // "last seen" ages every poll; redraw at most when something changed or every 15 s.
      if (key === last && Date.now() - drawnAt < 15000) return;
      last = key;
      drawnAt = Date.now();
      const focused = document.activeElement?.dataset?.focusKey;
      fill(agents, agentsTable(a.agents));
      fill(jobs, jobsTable(j.jobs, a.agents, queue));
      fill(commands, commandsList());
      fill(runs, runsTable(r.runs));
      if (focused) view().querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
    },
    (e) => {
      if (e instanceof ApiError && e.status === 401) {
        adminToken.clear();
        announce('The admin token is not valid any more.', 'error');
        showSignIn();
      } else {
        announce(e.message, 'error');
      }
    },
  );

  async function queue(job, type, label) {
    try {
      const r = await admin('admin_cloudbackup_request_command.php', {type, job_id: job.job_id});
      tracked.set(r.command_id, {label: `${label} of “${job.name}” (job ${job.job_id})`, command: null});
      announce(`${label} of ${job.name} queued as command ${r.command_id}.`);
      last = '';
    } catch (e) {
      announce(e.message, 'error');
    }
  }
}

function table(caption, headers, rows) {
  return h(
    'table',
    {class: 'data'},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: headers.length, class: 'empty'}, 'None yet.'))),
  );
}

function agentsTable(agents) {
  return table(
    `${agents.length} agent${agents.length === 1 ? '' : 's'}`,
    ['Agent', 'Client', 'Hostname', 'Status', 'Last seen', 'Connection'],
    agents.map((a) =>
      h(
        'tr',
        {'data-agent-id': a.agent_id},
        h('th', {scope: 'row'}, String(a.agent_id)),
        h('td', {}, String(a.client_id)),
        h('td', {}, a.hostname || '—'),
        h('td', {}, a.status),
        h('td', {title: time(a.last_seen_at)}, ago(a.last_seen_at)),
        h('td', {}, h('span', {class: `dot ${a.online ? 'online' : 'offline'}`}, a.online ? 'online' : 'offline')),
      ),
    ),
  );
}

function jobsTable(jobs, agents, queue) {
  const host = new Map(agents.map((a) => [a.agent_id, a.hostname]));
  return table(
    `${jobs.length} job${jobs.length === 1 ? '' : 's'} of every client`,
    ['Job', 'Client', 'Name', 'Engine', 'Agent', 'Destination', 'Maintenance'],
    jobs.map((j) =>
      h(
        'tr',
        {'data-job-id': j.job_id},
        h('th', {scope: 'row'}, String(j.job_id)),
        h('td', {}, String(j.client_id)),
        h('td', {}, j.name),
        h('td', {}, j.engine),
        h('td', {}, host.get(j.agent_id) || `agent ${j.agent_id}`),
        h('td', {class: 'path'}, `${j.dest_type}: ${j.dest_bucket}/${j.dest_prefix || ''}`),
        h(
          'td',
          {class: 'actions'},
          j.engine === 'kopia'
            ? JOB_COMMANDS.map(([type, label]) =>
                h(
                  'button',
                  {type: 'button', 'data-focus-key': `${type}-${j.job_id}`, 'aria-label': `${label} of ${j.name}`, onclick: () => queue(j, type, label)},
                  label,
                ),
              )
            : h('span', {class: 'sub'}, 'sync jobs keep no repository'),
        ),
      ),
    ),
  );
}

function commandsList() {
  if (!tracked.size) return h('p', {class: 'sub'}, 'Nothing queued from this page yet.');
  return h(
    'ul',
    {class: 'commands'},
    [...tracked.entries()].reverse().map(([id, t]) =>
      h(
        'li',
        {'data-command-id': id},
        `Command ${id}: ${t.label} — `,
        badge(t.command ? t.command.status : 'pending'),
        t.command && t.command.result_message ? h('span', {class: 'sub'}, ` ${t.command.result_message}`) : null,
      ),
    ),
  );
}

function runsTable(runs) {
  return table(
    `${runs.length} most recent runs of every client`,
    ['Run', 'Job', 'Type', 'Engine', 'Status', 'Destination', 'Log reference', 'Started', 'Finished', 'Bytes', 'Files'],
    runs.map((r) =>
      h(
        'tr',
        {'data-run-id': r.run_id},
        h('th', {scope: 'row'}, String(r.run_id)),
        h('td', {}, `${r.job_name} (${r.job_id})`),
        h('td', {}, r.run_type),
        h('td', {}, r.engine),
        h('td', {}, badge(r.status), r.error_summary ? h('div', {class: 'sub error-text'}, r.error_summary) : null),
        h('td', {class: 'path'}, `${r.dest_type}: ${r.dest_bucket}/${r.dest_prefix || ''}`),
        h('td', {class: 'path'}, r.log_ref || '—'),
        h('td', {}, time(r.started_at)),
        h('td', {}, TERMINAL.has(r.status) ? time(r.finished_at) : '—'),
        h('td', {class: 'num'}, bytes(r.bytes_transferred)),
        h('td', {class: 'num'}, number(r.files_done)),
      ),
    ),
  );
}

async function start() {
  adoptFragmentCredentials();
  try {
    await configure();
  } catch (e) {
    fill(view(), title('The admin page cannot start'), h('p', {class: 'notice error'}, e.message));
    return;
  }
  if (adminToken.get()) showAdmin();
  else showSignIn();
}

start();
