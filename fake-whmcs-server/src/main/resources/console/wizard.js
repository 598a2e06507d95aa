// The local-agent job wizard (cloudbackup_jobs.tpl): Mode/Agent/Destination → Source (remote
// filesystem browser) → Schedule → Retention/Policy → Review. Creates with cloudbackup_create_job,
// or edits an existing job (#/jobs/N/edit) with cloudbackup_update_job.
import {ApiError, client} from './api.js';
import {announce, checkbox, facts, field, fill, h, scheduleText, select, title, uid} from './dom.js';
import {fileBrowser, isNetworkPath} from './fsbrowser.js';
import {engineLabel} from './jobs.js';

const STEPS = ['Mode, agent and destination', 'Source', 'Schedule', 'Retention and policy', 'Review'];
const NEW_BUCKET = '__new__';
const DAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];
const RETENTION = [
  ['keep_latest', 'Latest snapshots'],
  ['keep_hourly', 'Hourly'],
  ['keep_daily', 'Daily'],
  ['keep_weekly', 'Weekly'],
  ['keep_monthly', 'Monthly'],
  ['keep_annual', 'Annual'],
];
const COMPRESSORS = ['zstd', 'zstd-fastest', 'zstd-better-compression', 's2-default', 'gzip', 'lz4', 'none'];
const ENCRYPTIONS = [
  ['default', 'Default (AES-256-GCM)'],
  ['AES256-GCM-HMAC-SHA256', 'AES256-GCM-HMAC-SHA256'],
  ['CHACHA20-POLY1305-HMAC-SHA256', 'CHACHA20-POLY1305-HMAC-SHA256'],
];

/** Which step owns a field the addon names in a validation error. */
const FIELD_STEP = {
  name: 0, engine: 0, agent_id: 0, dest_bucket: 0, dest_bucket_id: 0, dest_prefix: 0, bucket_auto_create: 0,
  source_path: 1, source_paths: 1, local_include_glob: 1, local_exclude_glob: 1,
  network_username: 1, network_password: 1, network_domain: 1,
  schedule_json: 2,
};

export async function wizardView(view, {params, navigate}) {
  const editing = params.length ? params[0] : null;
  const [agents, buckets, jobs] = await Promise.all([
    client('agent_list.php'),
    client('bucket_list.php'),
    editing ? client('cloudbackup_list_jobs.php') : Promise.resolve({jobs: []}),
  ]);
  const job = editing ? jobs.jobs.find((j) => j.job_id === editing) : null;
  if (editing && !job) throw new ApiError(`job ${editing} not found`, 404);
  const st = initialState(job, agents.agents, buckets.buckets);
  let step = 0;

  const browser = fileBrowser({
    agentId: st.agent_id,
    initial: st.source_paths,
    onChange: (paths, {network}) => {
      st.source_paths = paths;
      st.network = network;
      renderNetwork();
    },
  });
  const networkBox = h('div');

  const stepper = h('ol', {class: 'stepper'});
  const errors = h('div', {class: 'errors', role: 'alert'});
  const body = h('div', {class: 'step-body'});
  const back = h('button', {type: 'button', onclick: () => go(step - 1)}, 'Back');
  const next = h('button', {type: 'submit', class: 'primary'}, 'Next');
  const form = h(
    'form',
    {class: 'card wizard', novalidate: true, onsubmit: (ev) => (ev.preventDefault(), step < STEPS.length - 1 ? go(step + 1) : save())},
    stepper,
    errors,
    body,
    h('div', {class: 'buttons'}, back, next, h('a', {href: '#/jobs', class: 'button subtle'}, 'Cancel')),
  );
  fill(view, title(job ? `Edit ${job.name}` : 'New backup job'), form);
  go(0, true);

  function go(to, first = false) {
    if (to > step && !validate(step)) return;
    step = Math.max(0, Math.min(STEPS.length - 1, to));
    fill(errors);
    fill(
      stepper,
      STEPS.map((s, i) =>
        h('li', {'aria-current': i === step ? 'step' : null, class: i < step ? 'done' : null}, h('span', {class: 'num'}, `${i + 1}`), s),
      ),
    );
    fill(body, [stepOne, stepSource, stepSchedule, stepPolicy, stepReview][step]());
    back.disabled = step === 0;
    next.textContent = step === STEPS.length - 1 ? (job ? 'Save changes' : 'Create job') : 'Next';
    if (!first) body.querySelector('h2')?.focus();
  }

  function stepOne() {
    const name = h('input', {type: 'text', name: 'name', required: true, maxlength: 255, value: st.name, oninput: (e) => (st.name = e.target.value)});
    const engine = h(
      'fieldset',
      {class: 'toggle'},
      h('legend', {}, 'Engine'),
      ['sync', 'kopia'].map((e) => {
        const id = uid('eng');
        return h(
          'div',
          {class: 'option'},
          h('input', {type: 'radio', name: 'engine', id, value: e, checked: st.engine === e, disabled: Boolean(job), onchange: () => (st.engine = e)}),
          h('label', {for: id}, engineLabel(e)),
          h('p', {class: 'hint'}, e === 'sync' ? 'Mirrors files as plain objects in the bucket.' : 'Deduplicated, encrypted snapshots you can go back to.'),
        );
      }),
    );
    const agentSel = select(
      [['', 'Choose an agent…'], ...agents.agents.map((a) => [a.agent_id, `${a.hostname || 'agent ' + a.agent_id} (${a.online ? 'online' : 'offline'})`])],
      {name: 'agent_id', required: true, onchange: (e) => (st.agent_id = Number(e.target.value) || null)},
      st.agent_id ?? '',
    );
    const newName = h('input', {type: 'text', name: 'new_bucket', value: st.new_bucket, oninput: (e) => (st.new_bucket = e.target.value)});
    const newBox = field('New bucket name', newName, 'Created in S3 by the agent on the first run.');
    newBox.hidden = st.dest_bucket !== NEW_BUCKET;
    const bucketSel = select(
      [['', 'Choose a bucket…'], ...buckets.buckets.map((b) => [b.name, b.name]), [NEW_BUCKET, 'A new bucket…']],
      {
        name: 'dest_bucket',
        required: true,
        onchange: (e) => {
          st.dest_bucket = e.target.value;
          newBox.hidden = st.dest_bucket !== NEW_BUCKET;
        },
      },
      st.dest_bucket,
    );
    const prefix = h('input', {type: 'text', name: 'dest_prefix', value: st.dest_prefix, spellcheck: 'false', oninput: (e) => (st.dest_prefix = e.target.value)});
    return h(
      'section',
      {},
      h('h2', {tabindex: '-1'}, STEPS[0]),
      field('Job name', name),
      engine,
      field('Agent', agentSel, 'The computer whose folders this job backs up.'),
      field('Destination bucket', bucketSel),
      newBox,
      field('Prefix in the bucket', prefix, 'Optional, e.g. laptop/documents.'),
    );
  }

  function stepSource() {
    browser.show(st.agent_id);
    const inc = h('textarea', {name: 'local_include_glob', rows: 2, spellcheck: 'false', oninput: (e) => (st.include = e.target.value)}, st.include);
    const exc = h('textarea', {name: 'local_exclude_glob', rows: 2, spellcheck: 'false', oninput: (e) => (st.exclude = e.target.value)}, st.exclude);
    renderNetwork();
    return h(
      'section',
      {},
      h('h2', {tabindex: '-1'}, STEPS[1]),
      h('p', {class: 'hint'}, 'Open folders to look inside; tick the folders (or files) to back up.'),
      browser.el,
      networkBox,
      h(
        'details',
        {open: st.include || st.exclude ? true : null},
        h('summary', {}, 'Include and exclude patterns'),
        field('Include (globs, one per line)', inc, 'Only matching files are backed up, e.g. *.docx'),
        field('Exclude (globs, one per line)', exc, 'e.g. **/node_modules/** or *.tmp'),
      ),
    );
  }

  function renderNetwork() {
    if (!st.network) {
      fill(networkBox);
      return;
    }
    const input = (name, type, key, auto) =>
      h('input', {type, name, value: st.net[key], autocomplete: auto, spellcheck: 'false', oninput: (e) => (st.net[key] = e.target.value)});
    fill(
      networkBox,
      h(
        'fieldset',
        {class: 'network-credentials'},
        h('legend', {}, 'Network share credentials'),
        h(
          'p',
          {class: 'hint'},
          'A network path is selected. The agent runs as a service and logs on to the share with this account before each backup.',
          job && job.has_network_credentials ? ' Credentials are stored; leave these empty to keep them.' : '',
        ),
        field('Domain', input('network_domain', 'text', 'domain', 'off'), 'Optional, e.g. CORP'),
        field('User name', input('network_username', 'text', 'username', 'off')),
        field('Password', input('network_password', 'password', 'password', 'new-password')),
      ),
    );
  }

  function stepSchedule() {
    const box = h('div');
    const type = select(
      [
        ['manual', 'Manual only'],
        ['hourly', 'Every hour'],
        ['daily', 'Every day'],
        ['weekly', 'Every week'],
        ['monthly', 'Every month'],
        ['interval', 'Every N minutes'],
      ],
      {name: 'schedule_type', onchange: (e) => ((st.schedule.type = e.target.value), details())},
      st.schedule.type,
    );
    const num = (name, key, min, max) =>
      h('input', {type: 'number', name, min, max, value: st.schedule[key] ?? '', oninput: (e) => (st.schedule[key] = e.target.value)});
    const at = () => field('Time', h('input', {type: 'time', name: 'schedule_time', value: st.schedule.time || '02:00', oninput: (e) => (st.schedule.time = e.target.value)}));
    function details() {
      const s = st.schedule;
      const parts = [];
      if (s.type === 'hourly') parts.push(field('Minute past the hour', num('schedule_minute', 'minute', 0, 59)));
      if (s.type === 'daily') parts.push(at());
      if (s.type === 'weekly') {
        parts.push(
          h(
            'fieldset',
            {class: 'days'},
            h('legend', {}, 'Days'),
            DAYS.map(([d, label]) => {
              const c = checkbox(label, {
                name: 'schedule_days',
                value: d,
                checked: (s.days || []).includes(d),
                onchange: (e) => {
                  const set = new Set(s.days || []);
                  if (e.target.checked) set.add(d);
                  else set.delete(d);
                  s.days = DAYS.map(([x]) => x).filter((x) => set.has(x));
                },
              });
              return c.el;
            }),
          ),
          at(),
        );
      }
      if (s.type === 'monthly') parts.push(field('Day of the month', num('schedule_day', 'day', 1, 31), 'In shorter months, the last day.'), at());
      if (s.type === 'interval') parts.push(field('Every (minutes)', num('schedule_every', 'every_minutes', 1, 100000)));
      if (s.type !== 'manual') {
        parts.push(
          field('Time zone', h('input', {type: 'text', name: 'schedule_timezone', value: s.timezone || 'UTC', oninput: (e) => (s.timezone = e.target.value)}), 'An IANA name such as Europe/Paris.'),
          field('Random delay (minutes)', num('schedule_random_delay', 'random_delay_minutes', 0, 1440), 'Spreads many agents’ starts; 0 = none.'),
        );
      }
      fill(box, parts);
    }
    details();
    return h('section', {}, h('h2', {tabindex: '-1'}, STEPS[2]), field('When', type), box);
  }

  function stepPolicy() {
    const num = (name, obj, key, hint, min = 0) =>
      field(
        name[1],
        h('input', {type: 'number', name: name[0], min, value: obj[key] ?? '', oninput: (e) => (obj[key] = e.target.value)}),
        hint,
      );
    const parts = [h('h2', {tabindex: '-1'}, STEPS[3])];
    if (st.engine === 'kopia') {
      parts.push(
        h(
          'fieldset',
          {class: 'grid'},
          h('legend', {}, 'Snapshots to keep'),
          h('p', {class: 'hint'}, 'Empty = not set. With nothing set, no snapshot is ever removed.'),
          RETENTION.map(([k, label]) => num([`retention_${k}`, label], st.retention, k)),
        ),
        field('Compression', select(COMPRESSORS.map((c) => [c, c]), {name: 'compression', onchange: (e) => (st.compression = e.target.value)}, st.compression)),
      );
      if (!job) {
        parts.push(
          field('Encryption', select(ENCRYPTIONS, {name: 'encryption_mode', onchange: (e) => (st.encryption_mode = e.target.value)}, st.encryption_mode)),
          field(
            'Repository password',
            h('input', {type: 'password', name: 'encryption_password', autocomplete: 'new-password', value: st.encryption_password, oninput: (e) => (st.encryption_password = e.target.value)}),
            'At least 8 characters; empty = the addon generates one. It cannot be changed later.',
          ),
        );
      }
    } else {
      const mirror = checkbox('Mirror: delete objects whose file was deleted', {name: 'policy_mirror', checked: st.policy.mirror, onchange: (e) => (st.policy.mirror = e.target.checked)});
      const sum = checkbox('Compare by checksum instead of modification time', {name: 'policy_checksum', checked: st.policy.checksum, onchange: (e) => (st.policy.checksum = e.target.checked)});
      parts.push(h('fieldset', {}, h('legend', {}, 'Sync policy'), mirror.el, sum.el));
    }
    parts.push(
      h(
        'fieldset',
        {class: 'grid'},
        h('legend', {}, 'Transfer'),
        num(['bandwidth_limit_kbps', 'Upload limit (KiB/s)'], st, 'bandwidth_limit_kbps', '0 = unlimited'),
        num(['local_bandwidth_limit_kbps', 'Disk read limit (KiB/s)'], st, 'local_bandwidth_limit_kbps', '0 = unlimited'),
        num(['parallelism', 'Parallel transfers'], st, 'parallelism', '0 = the engine’s default'),
      ),
      h(
        'fieldset',
        {class: 'grid'},
        h('legend', {}, 'Email notification'),
        field('Send to', h('input', {type: 'email', name: 'notify_email', value: st.notify_email, oninput: (e) => (st.notify_email = e.target.value)}), 'Empty = no email.'),
        field(
          'When',
          select(
            [
              ['always', 'After every run'],
              ['failure', 'Only on failure or warning'],
              ['never', 'Never'],
            ],
            {name: 'notify_on', onchange: (e) => (st.notify_on = e.target.value)},
            st.notify_on,
          ),
        ),
      ),
    );
    return h('section', {}, parts);
  }

  function stepReview() {
    const agent = agents.agents.find((a) => a.agent_id === st.agent_id);
    const bucket = st.dest_bucket === NEW_BUCKET ? `${st.new_bucket} (new)` : st.dest_bucket;
    const kept = RETENTION.filter(([k]) => String(st.retention[k] ?? '') !== '').map(([k, l]) => `${l}: ${st.retention[k]}`);
    return h(
      'section',
      {},
      h('h2', {tabindex: '-1'}, STEPS[4]),
      facts([
        ['Name', st.name],
        ['Engine', engineLabel(st.engine)],
        ['Agent', agent ? agent.hostname || `agent ${agent.agent_id}` : '—'],
        ['Destination', `${bucket}/${st.dest_prefix}`],
        ['Source', h('ul', {class: 'plain'}, st.source_paths.map((p) => h('li', {}, h('code', {}, p))))],
        st.include ? ['Include', st.include] : null,
        st.exclude ? ['Exclude', st.exclude] : null,
        st.network ? ['Network share', st.net.username ? `as ${st.net.domain ? st.net.domain + '\\' : ''}${st.net.username}` : 'no credentials given'] : null,
        ['Schedule', scheduleText(scheduleJson(st.schedule))],
        st.engine === 'kopia' ? ['Retention', kept.length ? kept.join(', ') : 'keep everything'] : null,
        st.engine === 'kopia' ? ['Compression', st.compression] : null,
        st.engine === 'sync' ? ['Policy', `${st.policy.mirror ? 'mirror' : 'copy'}, compare by ${st.policy.checksum ? 'checksum' : 'time'}`] : null,
        ['Notify', st.notify_email ? `${st.notify_email} (${st.notify_on})` : 'no email'],
      ]),
    );
  }

  function problem(message, stepIndex = step) {
    fill(errors, h('p', {class: 'notice error'}, message));
    if (stepIndex !== step) {
      step = stepIndex;
      go(stepIndex, true);
      fill(errors, h('p', {class: 'notice error'}, message));
    }
    return false;
  }

  function validate(i) {
    if (i === 0) {
      if (!st.name.trim()) return problem('Give the job a name.');
      if (!st.agent_id) return problem('Choose the agent whose folders to back up.');
      if (!st.dest_bucket || (st.dest_bucket === NEW_BUCKET && !st.new_bucket.trim())) return problem('Choose a destination bucket.');
    }
    if (i === 1) {
      if (!st.source_paths.length) return problem('Select at least one folder to back up.');
      if (st.network && st.net.username && !st.net.password && !(job && job.has_network_credentials)) {
        return problem('Enter the password of the network share account.');
      }
    }
    if (i === 2) {
      const s = st.schedule;
      if (s.type === 'weekly' && !(s.days || []).length) return problem('Pick at least one day of the week.');
      if (s.type === 'interval' && !(Number(s.every_minutes) >= 1)) return problem('Enter how many minutes between runs.');
    }
    if (i === 3) {
      if (st.encryption_password && st.encryption_password.length < 8) return problem('The repository password needs at least 8 characters.');
    }
    return true;
  }

  async function save() {
    for (let i = 0; i < STEPS.length - 1; i++) {
      if (!validate(i)) {
        go(i, true);
        validate(i);
        return;
      }
    }
    next.disabled = true;
    try {
      const body = requestBody(st, job);
      if (job) {
        await client('cloudbackup_update_job.php', {job_id: job.job_id, ...body});
        announce(`Job “${st.name}” saved.`);
      } else {
        const r = await client('cloudbackup_create_job.php', body);
        announce(`Job “${st.name}” created (job ${r.job_id}).`);
      }
      navigate('#/jobs');
    } catch (e) {
      next.disabled = false;
      const owner = FIELD_STEP[e.field] ?? (e.field ? 3 : step);
      problem(e.message, owner);
    }
  }
}

function initialState(job, agents, buckets) {
  const onlineFirst = agents.find((a) => a.online) || agents[0];
  const s = job?.schedule_json || {type: 'manual'};
  return {
    name: job?.name || '',
    engine: job?.engine || 'sync',
    agent_id: job?.agent_id || (agents.length === 1 || onlineFirst ? onlineFirst?.agent_id : null) || null,
    dest_bucket: job?.dest_bucket || (buckets.length === 1 ? buckets[0].name : ''),
    new_bucket: '',
    dest_prefix: job?.dest_prefix || '',
    source_paths: job ? job.source_paths || [job.source_path] : [],
    network: (job ? job.source_paths || [job.source_path] : []).some((p) => isNetworkPath(p)),
    net: {domain: '', username: '', password: ''},
    include: job?.local_include_glob || '',
    exclude: job?.local_exclude_glob || '',
    schedule: {...s, days: s.days ? [...s.days] : []},
    retention: {...(job?.retention_json || {})},
    policy: {mirror: Boolean(job?.policy_json?.mirror), checksum: Boolean(job?.policy_json?.checksum), ...(job?.policy_json || {})},
    compression: job?.compression || 'zstd',
    encryption_mode: job?.encryption_mode || 'default',
    encryption_password: '',
    bandwidth_limit_kbps: job?.bandwidth_limit_kbps ?? 0,
    local_bandwidth_limit_kbps: job?.local_bandwidth_limit_kbps ?? 0,
    parallelism: job?.parallelism ?? 0,
    notify_email: job?.notify_email || '',
    notify_on: job?.notify_on || 'always',
  };
}

/** The wizard's schedule as schedule_json (the addon validates and canonicalises it). */
export function scheduleJson(s) {
  const out = {type: s.type};
  if (s.type === 'manual') return out;
  if (s.type === 'hourly') out.minute = Number(s.minute || 0);
  if (['daily', 'weekly', 'monthly'].includes(s.type)) out.time = s.time || '02:00';
  if (s.type === 'weekly') out.days = s.days || [];
  if (s.type === 'monthly') out.day = Number(s.day || 1);
  if (s.type === 'interval') out.every_minutes = Number(s.every_minutes);
  if (s.timezone && s.timezone !== 'UTC') out.timezone = s.timezone;
  if (Number(s.random_delay_minutes) > 0) out.random_delay_minutes = Number(s.random_delay_minutes);
  return out;
}

function requestBody(st, job) {
  const newBucket = st.dest_bucket === NEW_BUCKET;
  const body = {
    name: st.name.trim(),
    source_type: 'local_agent',
    agent_id: st.agent_id,
    dest_type: 's3',
    dest_bucket: newBucket ? st.new_bucket.trim() : st.dest_bucket,
    bucket_auto_create: newBucket,
    dest_prefix: st.dest_prefix.trim(),
    source_paths: st.source_paths,
    local_include_glob: st.include,
    local_exclude_glob: st.exclude,
    schedule_json: scheduleJson(st.schedule),
    bandwidth_limit_kbps: Number(st.bandwidth_limit_kbps || 0),
    local_bandwidth_limit_kbps: Number(st.local_bandwidth_limit_kbps || 0),
    parallelism: Number(st.parallelism || 0),
    notify_email: st.notify_email.trim(),
    notify_on: st.notify_on,
  };
  if (!job) body.engine = st.engine;
  if (st.engine === 'kopia') {
    const retention = {};
    for (const [k] of RETENTION) if (String(st.retention[k] ?? '') !== '') retention[k] = Number(st.retention[k]);
    body.retention_json = Object.keys(retention).length ? retention : null;
    body.compression = st.compression;
    if (!job) {
      body.encryption_mode = st.encryption_mode;
      if (st.encryption_password) body.encryption_password = st.encryption_password;
    }
  } else {
    body.policy_json = {...st.policy, mirror: Boolean(st.policy.mirror), checksum: Boolean(st.policy.checksum)};
  }
  if (st.network && st.net.username) {
    body.network_username = st.net.username;
    body.network_password = st.net.password;
    body.network_domain = st.net.domain;
  }
  return body;
}
