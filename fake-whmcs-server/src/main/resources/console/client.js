// The client pages: a hash router over the views, sign-in with the simulation's client session.
import {ApiError, adoptFragmentCredentials, client, clientSession, configure} from './api.js';
import {announce, clearStaleAnnouncement, field, fill, h, title} from './dom.js';
import {jobsView} from './jobs.js';
import {wizardView} from './wizard.js';
import {runsView, runDetailView} from './runs.js';
import {liveView} from './live.js';
import {restoreView} from './restore.js';
import {drivesView, mountFormView, nasSettingsView} from './nas.js';
import {timeMachineView} from './timemachine.js';

const ROUTES = [
  [/^\/jobs$/, 'jobs', jobsView],
  [/^\/jobs\/new$/, 'jobs', wizardView],
  [/^\/jobs\/(\d+)\/edit$/, 'jobs', wizardView],
  [/^\/jobs\/(\d+)\/restore$/, 'jobs', restoreView],
  [/^\/jobs\/(\d+)\/runs\/(\d+)$/, 'runs', runDetailView],
  [/^\/jobs\/(\d+)\/runs\/(\d+)\/live$/, 'runs', liveView],
  [/^\/runs$/, 'runs', runsView],
  [/^\/nas$/, 'nas', drivesView],
  [/^\/nas\/new$/, 'nas', mountFormView],
  [/^\/nas\/(\d+)\/edit$/, 'nas', mountFormView],
  [/^\/nas\/settings$/, 'nas', nasSettingsView],
  [/^\/nas\/timemachine$/, 'nas', timeMachineView],
];

const main = () => document.getElementById('view');
let stopView = null;
let generation = 0;

/** Parses "#/jobs/3/runs?x=1" into the path and its query. */
function currentRoute() {
  const raw = location.hash.replace(/^#/, '') || '/jobs';
  const [path, query] = raw.split('?');
  return {path, query: new URLSearchParams(query || '')};
}

async function render() {
  const mine = ++generation;
  if (stopView) {
    stopView();
    stopView = null;
  }
  const view = main();
  if (!clientSession.get()) {
    showSignIn(view);
    return;
  }
  const {path, query} = currentRoute();
  const route = ROUTES.find(([re]) => re.test(path));
  if (!route) {
    location.hash = '#/jobs';
    return;
  }
  const [re, section, fn] = route;
  markSection(section);
  clearStaleAnnouncement();
  fill(view, h('p', {class: 'loading'}, 'Loading…'));
  try {
    const stop = await fn(view, {params: path.match(re).slice(1).map(Number), query, navigate});
    if (mine !== generation) {
      if (typeof stop === 'function') stop();
      return;
    }
    stopView = typeof stop === 'function' ? stop : null;
    const heading = view.querySelector('h1');
    if (heading) heading.focus();
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof ApiError && e.status === 401) {
      clientSession.clear();
      announce('Your session is not valid any more: sign in again.', 'error');
      showSignIn(view);
      return;
    }
    fill(view, title('Something went wrong'), h('p', {class: 'notice error', role: 'alert'}, e.message));
  }
}

export function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function markSection(section) {
  document.getElementById('nav').hidden = false;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const who = document.getElementById('who');
  if (!who.childElementCount) {
    fill(
      who,
      h('button', {type: 'button', class: 'link', onclick: signOut}, 'Sign out'),
    );
  }
}

function signOut() {
  clientSession.clear();
  fill(document.getElementById('who'));
  announce('Signed out.');
  render();
}

function showSignIn(view) {
  document.getElementById('nav').hidden = true;
  fill(document.getElementById('who'));
  const token = h('input', {type: 'password', name: 'session', autocomplete: 'off', required: true, spellcheck: 'false'});
  const error = h('p', {class: 'notice error', role: 'alert', hidden: true});
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (ev) => {
        ev.preventDefault();
        error.hidden = true;
        clientSession.set(token.value);
        try {
          await client('agent_list.php');
          announce('Signed in.');
          render();
        } catch (e) {
          clientSession.clear();
          error.textContent = e.status === 401 ? 'That session token is not valid.' : e.message;
          error.hidden = false;
          token.focus();
        }
      },
    },
    field(
      'Client session token',
      token,
      './e3sim up prints a console link that signs you in; or paste the X-Client-Session token it prints (sim/create_client makes more).',
    ),
    error,
    h('button', {type: 'submit', class: 'primary'}, 'Sign in'),
  );
  fill(view, title('Sign in'), h('p', {}, 'The WHMCS client area of the local simulation.'), form);
  view.querySelector('h1').focus();
}

async function start() {
  adoptFragmentCredentials();
  if (!location.hash || location.hash === '#') history.replaceState(null, '', '#/jobs');
  try {
    await configure();
  } catch (e) {
    fill(main(), title('The console cannot start'), h('p', {class: 'notice error'}, e.message));
    return;
  }
  window.addEventListener('hashchange', render);
  render();
}

start();
