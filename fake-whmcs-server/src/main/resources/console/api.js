// The addon's HTTP API as the console pages call it: JSON POSTs under the configured base path,
// with the client session (X-Client-Session) or the admin token (X-Admin-Token) the simulation
// hands out. Credentials live in sessionStorage only: gone when the tab closes, never in a URL the
// server sees (a link's #fragment is read here and then removed from the address bar).

const SESSION_KEY = 'e3.clientSession';
const ADMIN_KEY = 'e3.adminToken';

let apiBase = null;

/** Reads where the addon's endpoints live (once). */
export async function configure() {
  if (apiBase !== null) return;
  const r = await fetch('config.json', {headers: {Accept: 'application/json'}});
  if (!r.ok) throw new ApiError(`the console's configuration did not load (HTTP ${r.status})`, r.status);
  apiBase = (await r.json()).api_base;
}

/** An answer with "status":"fail", or a failed request; message is the addon's own words. */
export class ApiError extends Error {
  constructor(message, status, field = null) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

/**
 * Takes a credential from the address's fragment (#session=… or #admin_token=…), keeps it for this
 * tab and removes it from the address bar and history.
 */
export function adoptFragmentCredentials() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  let adopted = false;
  if (params.get('session')) {
    sessionStorage.setItem(SESSION_KEY, params.get('session').trim());
    adopted = true;
  }
  if (params.get('admin_token')) {
    sessionStorage.setItem(ADMIN_KEY, params.get('admin_token').trim());
    adopted = true;
  }
  if (adopted) history.replaceState(null, '', location.pathname + location.search);
  return adopted;
}

export const clientSession = {
  get: () => sessionStorage.getItem(SESSION_KEY),
  set: (t) => sessionStorage.setItem(SESSION_KEY, t.trim()),
  clear: () => sessionStorage.removeItem(SESSION_KEY),
};

export const adminToken = {
  get: () => sessionStorage.getItem(ADMIN_KEY),
  set: (t) => sessionStorage.setItem(ADMIN_KEY, t.trim()),
  clear: () => sessionStorage.removeItem(ADMIN_KEY),
};

async function post(endpoint, body, headers) {
  await configure();
  let r;
  try {
    r = await fetch(`${apiBase}/${endpoint}`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', Accept: 'application/json', ...headers},
      body: JSON.stringify(body || {}),
    });
  } catch (e) {
    throw new ApiError(`the addon did not answer (${e.message}); is e3sim still running?`, 0);
  }
  let json = null;
  try {
    json = await r.json();
  } catch (e) {
    throw new ApiError(`${endpoint} answered HTTP ${r.status} without JSON`, r.status);
  }
  if (!r.ok || json.status !== 'success') {
    throw new ApiError(json.message || `${endpoint} failed (HTTP ${r.status})`, r.status, json.field || null);
  }
  return json;
}

/** A client endpoint as the signed-in client. */
export function client(endpoint, body = {}) {
  return post(endpoint, body, {'X-Client-Session': clientSession.get() || ''});
}

/** An admin endpoint with the admin token. */
export function admin(endpoint, body = {}) {
  return post(endpoint, body, {'X-Admin-Token': adminToken.get() || ''});
}

/** A simulation-control endpoint (sim/…; no credentials, loopback only). */
export function sim(name, body = {}) {
  return post(`sim/${name}`, body, {});
}
