// Cloud NAS (cloudnas.tpl): "My Drives" cards with status and actions, the mount form, and the
// Settings tab. Statuses come from the agent (cloudnas_update_status); the page polls every 3 s
// as the seed's dashboard does.
import {ApiError, client} from './api.js';
import {announce, badge, bytes, checkbox, every, field, fill, h, select, title} from './dom.js';

const CACHE_MODES = [
  ['off', 'Off: read and write straight through'],
  ['minimal', 'Minimal: only files open for writing'],
  ['writes', 'Writes: buffer writes, read through'],
  ['full', 'Full: cache reads and writes'],
];
const LETTERS = 'DEFGHIJKLMNOPQRSTUVWXYZ'.split('');

/** The Cloud NAS tab bar. */
export function nasTabs(current) {
  const tab = (href, key, text) => h('li', {}, h('a', {href, 'aria-current': current === key ? 'page' : null}, text));
  return h(
    'nav',
    {class: 'tabs', 'aria-label': 'Cloud NAS'},
    h('ul', {}, tab('#/nas', 'drives', 'My Drives'), tab('#/nas/timemachine', 'timemachine', 'Time Machine'), tab('#/nas/settings', 'settings', 'Settings')),
  );
}

export async function drivesView(view) {
  const summary = h('div', {class: 'summary-cards'});
  const cards = h('div', {class: 'drive-cards'});
  fill(
    view,
    h('div', {class: 'view-head'}, title('Cloud NAS'), h('a', {href: '#/nas/new', class: 'button primary'}, 'Add a drive')),
    nasTabs('drives'),
    h('p', {class: 'lead'}, 'Buckets as drive letters on an agent’s computer, served by the agent over WebDAV.'),
    summary,
    h('h2', {}, 'My Drives'),
    cards,
  );
  let last = '';
  const pending = new Set(); // mount ids with a click in flight: their buttons stay disabled
  const refresh = async () => {
    const [{mounts}, {agents}] = await Promise.all([client('cloudnas_list_mounts.php'), client('agent_list.php')]);
    const key = JSON.stringify([mounts, agents.map((a) => [a.agent_id, a.online]), [...pending]]);
    if (key === last) return;
    last = key;
    const focused = document.activeElement?.dataset?.focusKey;
    fill(summary, summaryCards(mounts, agents));
    fill(cards, mounts.length ? mounts.map((m) => driveCard(m, agents, act)) : h('p', {class: 'card empty-state'}, 'No drives yet. Add one to map a bucket as a drive letter.'));
    if (focused) cards.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  };

  async function act(m, what) {
    pending.add(m.mount_id);
    try {
      if (what === 'mount') {
        await client('cloudnas_mount.php', {mount_id: m.mount_id});
        announce(`Mounting ${m.drive_letter}: (${m.bucket}).`);
      } else if (what === 'unmount') {
        await client('cloudnas_unmount.php', {mount_id: m.mount_id});
        announce(`Unmounting ${m.drive_letter}:.`);
      } else if (what === 'delete') {
        await client('cloudnas_delete_mount.php', {mount_id: m.mount_id});
        announce(`Drive ${m.drive_letter}: deleted.`);
      }
    } catch (e) {
      announce(e.message, 'error');
    } finally {
      pending.delete(m.mount_id);
      last = '';
      await refresh();
    }
  }
  return every(3000, refresh, (e) => announce(e.message, 'error'));
}

function summaryCards(mounts, agents) {
  const active = mounts.filter((m) => m.status === 'mounted').length;
  const reported = mounts.filter((m) => typeof m.cache_bytes_used === 'number');
  const cacheUsed = reported.reduce((s, m) => s + m.cache_bytes_used, 0);
  const online = agents.filter((a) => a.online).length;
  const card = (label, value, sub) => h('div', {class: 'summary'}, h('p', {class: 'label'}, label), h('p', {class: 'value'}, value), sub ? h('p', {class: 'sub'}, sub) : null);
  return [
    card('Active mounts', String(active)),
    card('Configured drives', String(mounts.length)),
    card('Cache used', reported.length ? bytes(cacheUsed) : '—', reported.length ? 'as the agents report it' : 'not reported by the agent yet'),
    card('Agents', `${online} of ${agents.length} online`),
  ];
}

function driveCard(m, agents, act) {
  const agent = agents.find((a) => a.agent_id === m.agent_id);
  const busy = m.status === 'mounting' || m.status === 'unmounting';
  const snapshot = m.job_id !== null && m.job_id !== undefined;
  const button = (what, text, cls = '') =>
    h(
      'button',
      {type: 'button', class: cls, disabled: busy, 'data-focus-key': `${what}-${m.mount_id}`, 'aria-label': `${text} ${m.drive_letter}:`, onclick: (ev) => ((ev.target.disabled = true), act(m, what))},
      text,
    );
  let confirming = null;
  const actions = h('div', {class: 'actions'});
  const renderActions = () =>
    fill(
      actions,
      confirming
        ? [
            h('span', {}, `Delete ${m.drive_letter}:${m.status === 'mounted' ? ' (it is unmounted first)' : ''}? `),
            h('button', {type: 'button', class: 'danger', onclick: () => act(m, 'delete')}, 'Yes, delete'),
            h('button', {type: 'button', onclick: () => ((confirming = null), renderActions())}, 'Keep it'),
          ]
        : [
            m.status === 'mounted' || m.status === 'unmounting' ? button('unmount', 'Unmount') : button('mount', 'Mount', 'primary'),
            snapshot ? null : h('a', {href: `#/nas/${m.mount_id}/edit`, class: 'button', 'aria-label': `Edit ${m.drive_letter}:`, 'data-focus-key': `edit-${m.mount_id}`}, 'Edit'),
            h('button', {type: 'button', class: 'danger-outline', 'aria-label': `Delete ${m.drive_letter}:`, 'data-focus-key': `delete-${m.mount_id}`, onclick: () => ((confirming = true), renderActions())}, 'Delete'),
          ],
    );
  renderActions();
  return h(
    'article',
    {class: `card drive status-${m.status}`, 'aria-labelledby': `drive-${m.mount_id}`, 'data-mount-id': m.mount_id, 'data-status': m.status},
    h(
      'header',
      {},
      h('span', {class: `letter status-${m.status}`, 'aria-hidden': 'true'}, `${m.drive_letter}:`),
      h('h3', {id: `drive-${m.mount_id}`}, `${m.drive_letter}: ${m.bucket}${m.prefix ? '/' + m.prefix : ''}`),
      badge(m.status),
    ),
    m.error ? h('p', {class: 'error-text'}, m.error) : null,
    m.warning ? h('p', {class: 'notice warn-text', role: 'note'}, `Warning from the agent: ${m.warning}`) : null,
    h(
      'ul',
      {class: 'pills'},
      m.read_only ? h('li', {class: 'pill'}, 'Read-only') : h('li', {class: 'pill'}, 'Read-write'),
      h('li', {class: 'pill'}, `VFS cache: ${m.cache_mode}`),
      m.persistent ? h('li', {class: 'pill'}, 'Auto-mount') : null,
      snapshot ? h('li', {class: 'pill'}, `Snapshot of job ${m.job_id}`) : null,
    ),
    h('p', {class: 'sub'}, `On ${agent ? agent.hostname || 'agent ' + agent.agent_id : 'agent ' + m.agent_id}${agent && !agent.online ? ' (offline)' : ''}`),
    // The agent reports the cache folder's size with each status; null until its first report.
    h(
      'p',
      {class: 'sub cache-used', 'data-cache-bytes': typeof m.cache_bytes_used === 'number' ? m.cache_bytes_used : null},
      typeof m.cache_bytes_used === 'number' ? `Cache used: ${bytes(m.cache_bytes_used)}` : 'Cache used: not reported yet',
    ),
    actions,
  );
}

/** Add a drive (#/nas/new) or edit one (#/nas/N/edit). */
export async function mountFormView(view, {params, navigate}) {
  const editing = params.length ? params[0] : null;
  const [{agents}, {buckets}, {mounts}, {settings}] = await Promise.all([
    client('agent_list.php'),
    client('bucket_list.php'),
    client('cloudnas_list_mounts.php'),
    client('cloudnas_settings.php'),
  ]);
  const m = editing ? mounts.find((x) => x.mount_id === editing) : null;
  if (editing && !m) throw new ApiError(`drive ${editing} not found`, 404);
  const defaultAgent = m?.agent_id ?? settings.default_agent_id ?? agents.find((a) => a.online)?.agent_id ?? agents[0]?.agent_id;
  const agentSel = select(agents.map((a) => [a.agent_id, `${a.hostname || 'agent ' + a.agent_id} (${a.online ? 'online' : 'offline'})`]), {name: 'agent_id'}, defaultAgent);
  const bucketSel = select([['', 'Choose a bucket…'], ...buckets.map((b) => [b.name, b.name])], {name: 'bucket', required: true}, m?.bucket ?? '');
  const prefix = h('input', {type: 'text', name: 'prefix', value: m?.prefix ?? '', spellcheck: 'false'});
  const letterSel = h('select', {name: 'drive_letter'});
  const fillLetters = () => {
    const agentId = Number(agentSel.value);
    const used = new Set(mounts.filter((x) => x.agent_id === agentId && x.mount_id !== editing).map((x) => x.drive_letter));
    const free = LETTERS.filter((l) => !used.has(l));
    const want = m?.drive_letter && free.includes(m.drive_letter) ? m.drive_letter : free[free.length - 1];
    fill(letterSel, free.map((l) => h('option', {value: l, selected: l === want}, `${l}:`)));
  };
  agentSel.addEventListener('change', fillLetters);
  fillLetters();
  const ro = checkbox('Read-only', {name: 'read_only', checked: m ? m.read_only : settings.default_read_only});
  const persistent = checkbox('Mount again when the agent starts', {name: 'persistent', checked: m ? m.persistent : settings.auto_mount});
  const cache = select(CACHE_MODES, {name: 'cache_mode'}, m?.cache_mode ?? settings.cache_mode ?? 'full');
  const error = h('div', {role: 'alert'});
  const mounted = m && m.status !== 'unmounted' && m.status !== 'error';
  const form = h(
    'form',
    {
      class: 'card narrow',
      novalidate: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        fill(error);
        if (!bucketSel.value) {
          fill(error, h('p', {class: 'notice error'}, 'Choose the bucket to mount.'));
          bucketSel.focus();
          return;
        }
        const body = {
          agent_id: Number(agentSel.value),
          bucket: bucketSel.value,
          prefix: prefix.value.trim(),
          drive_letter: letterSel.value,
          read_only: ro.box.checked,
          persistent: persistent.box.checked,
          cache_mode: cache.value,
        };
        try {
          if (m) {
            // The addon has no update call for mounts: an unmounted drive is replaced by a new one.
            await client('cloudnas_delete_mount.php', {mount_id: m.mount_id});
          }
          await client('cloudnas_create_mount.php', body);
          announce(`Drive ${body.drive_letter}: ${m ? 'saved' : 'added'}.`);
          navigate('#/nas');
        } catch (e) {
          fill(error, h('p', {class: 'notice error'}, e.message));
        }
      },
    },
    mounted ? h('p', {class: 'notice'}, `${m.drive_letter}: is ${m.status}. Unmount it before changing it.`) : null,
    error,
    field('Agent', agentSel, 'The computer that shows the drive.'),
    field('Bucket', bucketSel),
    field('Folder in the bucket', prefix, 'Optional: mount only this prefix.'),
    field('Drive letter', letterSel),
    field('VFS cache', cache),
    ro.el,
    persistent.el,
    h('div', {class: 'buttons'}, h('button', {type: 'submit', class: 'primary', disabled: mounted}, m ? 'Save drive' : 'Add drive'), h('a', {href: '#/nas', class: 'button subtle'}, 'Cancel')),
  );
  fill(view, title(m ? `Edit drive ${m.drive_letter}:` : 'Add a drive'), nasTabs('drives'), form);
  return null;
}

export async function nasSettingsView(view) {
  const [{settings}, {agents}] = await Promise.all([client('cloudnas_settings.php'), client('agent_list.php')]);
  const mode = select(CACHE_MODES, {name: 'cache_mode'}, settings.cache_mode);
  const size = h('input', {type: 'number', name: 'cache_size_gb', min: 1, value: settings.cache_size_gb});
  const bw = checkbox('Limit bandwidth', {name: 'bandwidth_limit_enabled', checked: settings.bandwidth_limit_enabled});
  const down = h('input', {type: 'number', name: 'bandwidth_download_kbps', min: 0, value: settings.bandwidth_download_kbps});
  const up = h('input', {type: 'number', name: 'bandwidth_upload_kbps', min: 0, value: settings.bandwidth_upload_kbps});
  const auto = checkbox('Mount drives again when the agent starts', {name: 'auto_mount', checked: settings.auto_mount});
  const ro = checkbox('New drives are read-only', {name: 'default_read_only', checked: settings.default_read_only});
  const agentSel = select([['', 'None'], ...agents.map((a) => [a.agent_id, a.hostname || `agent ${a.agent_id}`])], {name: 'default_agent_id'}, settings.default_agent_id ?? '');
  const limits = h('div', {class: 'grid'}, field('Download (KiB/s)', down, '0 = unlimited'), field('Upload (KiB/s)', up, '0 = unlimited'));
  const syncLimits = () => {
    down.disabled = !bw.box.checked;
    up.disabled = !bw.box.checked;
  };
  bw.box.addEventListener('change', syncLimits);
  syncLimits();
  const msg = h('div', {role: 'status'});
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          await client('cloudnas_settings.php', {
            cache_mode: mode.value,
            cache_size_gb: Number(size.value),
            bandwidth_limit_enabled: bw.box.checked,
            bandwidth_download_kbps: Number(down.value || 0),
            bandwidth_upload_kbps: Number(up.value || 0),
            auto_mount: auto.box.checked,
            default_read_only: ro.box.checked,
            default_agent_id: agentSel.value ? Number(agentSel.value) : null,
          });
          fill(msg, h('p', {class: 'notice success'}, 'Settings saved.'));
        } catch (e) {
          fill(msg, h('p', {class: 'notice error'}, e.message));
        }
      },
    },
    h('fieldset', {}, h('legend', {}, 'VFS cache'), field('Mode', mode), field('Size limit (GB)', size)),
    h('fieldset', {}, h('legend', {}, 'Bandwidth'), bw.el, limits),
    h('fieldset', {}, h('legend', {}, 'New drives'), auto.el, ro.el, field('Default agent', agentSel)),
    msg,
    h('div', {class: 'buttons'}, h('button', {type: 'submit', class: 'primary'}, 'Save settings')),
  );
  fill(view, title('Cloud NAS settings'), nasTabs('settings'), form);
  return null;
}
