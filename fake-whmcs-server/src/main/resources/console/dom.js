// Small DOM and formatting helpers shared by the client and admin pages.
// Every text from the addon goes in through textContent or attributes, never as HTML.

/**
 * Creates an element: h('button', {type: 'button', onclick: f, 'aria-label': 'x'}, 'text', child).
 * Attribute values of null/undefined/false are left out; true sets an empty attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'value' && 'value' in el) {
      el.value = v;
    } else if (k === 'checked' || k === 'selected' || k === 'disabled') {
      el[k] = Boolean(v);
      if (v) el.setAttribute(k, '');
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = 'e3') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled form field: <div class="field"><label for>…</label><input id>…<p hint></div>. */
export function field(label, control, hint) {
  const id = control.id || uid('f');
  control.id = id;
  const parts = [h('label', {for: id}, label), control];
  if (hint) {
    const hid = `${id}-hint`;
    control.setAttribute('aria-describedby', hid);
    parts.push(h('p', {class: 'hint', id: hid}, hint));
  }
  return h('div', {class: 'field'}, parts);
}

/** A checkbox with its label after it. */
export function checkbox(label, attrs = {}) {
  const id = attrs.id || uid('c');
  const box = h('input', {type: 'checkbox', ...attrs, id});
  return {box, el: h('div', {class: 'field check'}, box, h('label', {for: id}, label))};
}

/** <select> with [value, text] options. */
export function select(options, attrs = {}, current) {
  return h(
    'select',
    attrs,
    options.map(([v, t]) => h('option', {value: v, selected: String(v) === String(current)}, t)),
  );
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  let v = Number(n);
  let i = 0;
  while (Math.abs(v) >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${UNITS[i]}`;
}

export function speed(bps) {
  return bps ? `${bytes(bps)}/s` : '—';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A timestamp in the reader's local time, or — for none. */
export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** "12 s ago", "3 min ago" … for last-seen columns. */
export function ago(iso, now = Date.now()) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  return `${duration(s)} ago`;
}

export function number(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString();
}

export const TERMINAL = new Set(['success', 'warning', 'failed', 'cancelled', 'skipped']);

/** A status word with a colour that is also spelled out (never colour alone). */
export function badge(status) {
  const s = status || 'unknown';
  return h('span', {class: `badge status-${s.replace(/[^a-z_]/g, '')}`}, s);
}

let announcedAt = 0;

/** Writes a message into the page's live region (screen readers announce it). */
export function announce(message, kind = 'info') {
  const region = document.getElementById('announcer');
  if (!region) return;
  announcedAt = Date.now();
  fill(region, h('p', {class: `notice ${kind}`, role: kind === 'error' ? 'alert' : null}, message));
}

/** Clears the live region when a view opens, unless the message was just written for that view. */
export function clearStaleAnnouncement(olderThanMs = 2000) {
  const region = document.getElementById('announcer');
  if (region && Date.now() - announcedAt > olderThanMs) fill(region);
}

/**
 * Calls fn now and then every ms milliseconds after each call finished (never two at once), until
 * the returned stop function is called. Errors go to onError and polling goes on.
 */
export function every(ms, fn, onError = () => {}) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    if (stopped) return;
    try {
      await fn();
    } catch (e) {
      onError(e);
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** A heading that takes focus when a view opens, so keyboard and screen-reader users land on it. */
export function title(text) {
  document.title = `${text} — e3 simulation console`;
  return h('h1', {tabindex: '-1', class: 'view-title'}, text);
}

/** A table with a caption, header cells and rows of cells (strings or nodes). */
export function table(caption, headers, rows, attrs = {}) {
  return h(
    'table',
    attrs,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', {scope: 'col'}, t)))),
    h(
      'tbody',
      {},
      rows.length
        ? rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c))))
        : h('tr', {}, h('td', {colspan: headers.length, class: 'empty'}, 'Nothing yet.')),
    ),
  );
}

/** Definition list from [term, value] pairs. */
export function facts(pairs, attrs = {}) {
  return h(
    'dl',
    {class: 'facts', ...attrs},
    pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/** Builds a hash link. */
export function link(href, text, attrs = {}) {
  return h('a', {href, ...attrs}, text);
}

/** A schedule_json in words. */
export function scheduleText(s) {
  if (!s || !s.type || s.type === 'manual') return 'Manual';
  const tz = s.timezone && s.timezone !== 'UTC' ? ` (${s.timezone})` : ' UTC';
  switch (s.type) {
    case 'hourly':
      return `Hourly at :${String(s.minute ?? 0).padStart(2, '0')}`;
    case 'daily':
      return `Daily at ${s.time}${tz}`;
    case 'weekly':
      return `Weekly ${(s.days || []).join(', ')} at ${s.time}${tz}`;
    case 'monthly':
      return `Monthly on day ${s.day} at ${s.time}${tz}`;
    case 'interval':
      return `Every ${s.every_minutes} min`;
    default:
      return s.type;
  }
}
