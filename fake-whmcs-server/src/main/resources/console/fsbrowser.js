// The remote filesystem browser (seed: "Remote Filesystem Browser"): each folder opened asks the
// agent through agent_browse_filesystem.php (a browse_directory command the agent answers within
// the browse timeout). Drives at the top, breadcrumb, folders first, checkboxes to pick sources
// (mode "multi") or one target folder (mode "folder"), and a path typed by hand.
import {client} from './api.js';
import {bytes, fill, h, time, uid} from './dom.js';

/** True for UNC paths (\\server\share) and for letters the agent reported as network drives. */
export function isNetworkPath(path, networkDrives = new Map()) {
  if (/^(\\\\|\/\/)[^\\/]+[\\/][^\\/]+/.test(path)) return true;
  const m = /^([A-Za-z]):/.exec(path);
  return Boolean(m && networkDrives.has(m[1].toUpperCase()));
}

export function fileBrowser({agentId, mode = 'multi', initial = [], onChange = () => {}}) {
  let agent = agentId;
  let started = false;
  let current = null; // the listing shown: {path, parent, entries, truncated, total}
  const chosen = new Set(initial);
  const networkDrives = new Map(); // letter -> UNC
  const labelId = uid('fsb');

  const crumbs = h('nav', {class: 'crumbs', 'aria-label': 'Folder path'});
  const status = h('p', {class: 'browse-status', role: 'status'});
  const list = h('ul', {class: 'entries', 'aria-labelledby': labelId});
  const chosenList = h('ul', {class: 'chosen'});
  const manual = h('input', {type: 'text', name: 'manual_path', spellcheck: 'false', placeholder: mode === 'multi' ? 'C:\\Users\\me\\Documents or \\\\server\\share' : 'C:\\Restore'});
  const manualId = uid('manual');
  manual.id = manualId;

  const el = h(
    'div',
    {class: 'fsbrowser'},
    h('h3', {id: labelId}, mode === 'multi' ? 'Folders on the agent’s computer' : 'Target folder on the agent’s computer'),
    crumbs,
    status,
    list,
    mode === 'folder'
      ? h('button', {type: 'button', class: 'primary', onclick: () => current && current.path && choose(current.path)}, 'Use this folder')
      : null,
    h(
      'div',
      {class: 'manual'},
      h('label', {for: manualId}, mode === 'multi' ? 'Or type a path' : 'Or type the target folder'),
      manual,
      h('button', {type: 'button', onclick: addManual}, mode === 'multi' ? 'Add path' : 'Use path'),
    ),
    h('h3', {}, mode === 'multi' ? 'Selected for backup' : 'Restore into'),
    chosenList,
  );
  manual.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      addManual();
    }
  });

  function addManual() {
    const p = manual.value.trim();
    if (!p) return;
    choose(p);
    manual.value = '';
  }

  function choose(path) {
    if (mode === 'folder') chosen.clear();
    chosen.add(path);
    changed();
  }

  function unchoose(path) {
    chosen.delete(path);
    changed();
  }

  function changed() {
    renderChosen();
    syncChecks();
    onChange([...chosen], {network: [...chosen].some((p) => isNetworkPath(p, networkDrives))});
  }

  function renderChosen() {
    fill(
      chosenList,
      chosen.size
        ? [...chosen].map((p) =>
            h(
              'li',
              {},
              h('code', {}, p),
              isNetworkPath(p, networkDrives) ? h('span', {class: 'pill network'}, 'network') : null,
              h('button', {type: 'button', class: 'link', 'aria-label': `Remove ${p}`, onclick: () => unchoose(p)}, 'Remove'),
            ),
          )
        : h('li', {class: 'empty'}, mode === 'multi' ? 'Nothing selected yet.' : 'No folder chosen yet.'),
    );
  }

  function syncChecks() {
    for (const box of list.querySelectorAll('input[type=checkbox]')) box.checked = chosen.has(box.value);
  }

  async function open(path) {
    if (!agent) {
      status.textContent = 'Choose an agent first.';
      return;
    }
    status.textContent = path ? `Asking the agent for ${path}…` : 'Asking the agent for its drives…';
    list.setAttribute('aria-busy', 'true');
    try {
      const r = await client('agent_browse_filesystem.php', {agent_id: agent, path});
      current = r.result;
      if (!path) {
        for (const e of current.entries) {
          if (e.is_network) networkDrives.set(e.name.replace(/[:\\]/g, '').toUpperCase(), e.unc_path);
        }
      }
      renderListing();
      status.textContent = `${current.total} item${current.total === 1 ? '' : 's'}${current.truncated ? ` (first ${current.entries.length} shown)` : ''} in ${current.path || 'This PC'}.`;
    } catch (e) {
      status.textContent =
        e.status === 504
          ? 'The agent did not answer in time. Is it online?'
          : e.status === 502
            ? `The agent could not open it: ${e.message}`
            : e.message;
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  function renderListing() {
    const parts = [h('button', {type: 'button', class: 'link', onclick: () => open('')}, 'This PC')];
    if (current.path) {
      const segs = splitPath(current.path);
      segs.forEach((s, i) => {
        parts.push(h('span', {'aria-hidden': 'true'}, ' › '));
        parts.push(
          i === segs.length - 1
            ? h('span', {'aria-current': 'location'}, s.name)
            : h('button', {type: 'button', class: 'link', onclick: () => open(s.path)}, s.name),
        );
      });
    }
    fill(crumbs, parts);
    const items = [];
    if (current.parent !== null && current.parent !== undefined) {
      items.push(h('li', {class: 'up'}, h('button', {type: 'button', class: 'link', onclick: () => open(current.parent)}, '↑ Up one level')));
    }
    for (const e of current.entries) items.push(entryItem(e));
    if (!current.entries.length) items.push(h('li', {class: 'empty'}, 'This folder is empty.'));
    fill(list, items);
  }

  function entryItem(e) {
    const folder = e.type === 'dir' || e.type === 'drive';
    const selectable = mode === 'multi' || folder;
    const boxId = uid('pick');
    const network = e.is_network || isNetworkPath(e.path, networkDrives);
    const label = e.type === 'drive' ? `${e.name} ${e.label ? `(${e.label})` : ''}`.trim() : e.name;
    return h(
      'li',
      {class: `entry ${e.type}${network ? ' network' : ''}`},
      mode === 'multi' && selectable
        ? h('input', {
            type: 'checkbox',
            id: boxId,
            value: e.path,
            checked: chosen.has(e.path),
            'aria-label': `Select ${e.path}`,
            onchange: (ev) => (ev.target.checked ? choose(e.path) : unchoose(e.path)),
          })
        : h('span', {class: 'nobox'}),
      h('span', {class: `icon ${e.type}`, title: e.icon || null, 'aria-hidden': 'true'}),
      folder
        ? h('button', {type: 'button', class: 'link name', 'aria-label': `Open ${label}`, onclick: () => open(e.path)}, label)
        : h('span', {class: 'name'}, label),
      network ? h('span', {class: 'pill network'}, e.unc_path || 'network') : null,
      h('span', {class: 'meta'}, e.type === 'file' ? bytes(e.size_bytes) : e.type === 'drive' ? `${e.drive_type || ''} ${e.size_bytes ? bytes(e.size_bytes) : ''}` : ''),
      h('span', {class: 'meta'}, e.modified ? time(e.modified) : ''),
    );
  }

  renderChosen();
  return {
    el,
    selected: () => [...chosen],
    hasNetwork: () => [...chosen].some((p) => isNetworkPath(p, networkDrives)),
    /** Lists the drives of agent id, unless that agent's listing is already shown. */
    show(id) {
      if (started && id === agent) return;
      started = true;
      agent = id;
      networkDrives.clear();
      open('');
    },
  };
}

/** "C:\Users\me" → [{name:"C:", path:"C:\"}, {name:"Users", path:"C:\Users"}, …]; UNC and / too. */
export function splitPath(path) {
  const sep = path.includes('\\') ? '\\' : '/';
  const out = [];
  if (path.startsWith('\\\\')) {
    const [server, share, ...rest] = path.slice(2).split('\\').filter(Boolean);
    let acc = `\\\\${server}\\${share}`;
    out.push({name: acc, path: acc});
    for (const r of rest) {
      acc += `\\${r}`;
      out.push({name: r, path: acc});
    }
    return out;
  }
  const m = /^([A-Za-z]:)[\\/]?(.*)$/.exec(path);
  if (m) {
    let acc = `${m[1]}\\`;
    out.push({name: m[1], path: acc});
    for (const r of m[2].split(/[\\/]/).filter(Boolean)) {
      acc = acc.endsWith('\\') ? acc + r : `${acc}\\${r}`;
      out.push({name: r, path: acc});
    }
    return out;
  }
  let acc = '';
  out.push({name: '/', path: '/'});
  for (const r of path.split(sep).filter(Boolean)) {
    acc += `/${r}`;
    out.push({name: r, path: acc});
  }
  return out;
}
