// @ts-check
// The dashboard page: the state and the decision feed arrive on the (shared) event stream; the
// controls post to the API with the token; a task opens in the panel with its output following.
import { ApiError, post, setToken, takeTokenFromUrl, token } from './api.js';
import { connect } from './stream.js';
import { TaskPanel } from './task-panel.js';
import { $, feedItem, inFeed, renderHeader, renderSpend, renderTasks, renderWorkers, tickClocks } from './view.js';

const FEED_MAX = 200;
/** @type {any} */
let state = null;
/** @type {string | null} */
let selected = null;
/** @type {number | null} */
let pid = null;
/** Kill asks twice: the first press arms it for a few seconds (kept here: rows are redrawn on every state). */
const ARM_MS = 4000;
/** @type {Map<string, number>} task → armed until */
const armed = new Map();

takeTokenFromUrl();

/** @param {string} text @param {boolean} [bad] */
function ack(text, bad = false) {
  const a = $('ack');
  a.textContent = text;
  a.className = bad ? 'bad' : 'ok';
}

/** @param {unknown} err */
function failed(err) {
  if (err instanceof ApiError && (err.code === 'missing_token' || err.code === 'bad_token')) {
    if (err.code === 'bad_token') setToken(null);
    $('token-bar').hidden = false;
    $('token-why').textContent = err.message;
  }
  ack(err instanceof Error ? err.message : String(err), true);
}

/**
 * @param {string} path @param {string} doing @param {HTMLButtonElement} [button]
 */
async function act(path, doing, button) {
  if (button) button.disabled = true;
  ack(`${doing}…`);
  try {
    const r = await post(path);
    ack(r.message ?? (r.cycle !== undefined ? `woke: cycle ${r.cycle} started` : 'done'));
  } catch (err) {
    failed(err);
  } finally {
    if (button) button.disabled = false;
  }
}

/** @param {string} cmd @param {string} task @param {HTMLButtonElement} button */
function taskAct(cmd, task, button) {
  if (cmd === 'kill' && !((armed.get(task) ?? 0) > Date.now())) {
    armed.set(task, Date.now() + ARM_MS);
    button.textContent = 'Really kill?';
    setTimeout(() => {
      armed.delete(task);
      render();
      void panel.refresh();
    }, ARM_MS);
    return;
  }
  armed.delete(task);
  void act(`/api/v1/tasks/${encodeURIComponent(task)}/${cmd}`, `${cmd} ${task}`, button);
}

const ui = {
  get selected() {
    return selected;
  },
  /** @param {string} task */
  armed: (task) => (armed.get(task) ?? 0) > Date.now(),
  act: taskAct,
};
const panel = new TaskPanel(ui);

function render() {
  if (!state) return;
  renderHeader(state);
  renderSpend(state);
  renderWorkers(state);
  renderTasks(state, ui);
  tickClocks();
}

/** @param {any} e */
function addToFeed(e) {
  if (!inFeed(e)) return;
  const feed = $('feed');
  if (feed.querySelector(`[data-seq="${e.seq}"]`)) return;
  const item = feedItem(e);
  // Newest first; a replayed (older) entry goes below newer ones.
  let before = /** @type {Element | null} */ (feed.firstElementChild);
  while (before && Number(/** @type {HTMLElement} */ (before).dataset.seq) > e.seq) before = before.nextElementSibling;
  feed.insertBefore(item, before);
  while (feed.children.length > FEED_MAX) feed.lastElementChild?.remove();
}

connect({
  onStatus: (s, leading) => {
    $('conn').textContent = s;
    $('conn').dataset.state = s.startsWith('live') ? 'live' : 'down';
    // Which tab holds the browser's one stream (the others relay it): read by tests.
    $('conn').dataset.role = leading ? 'leader' : 'follower';
  },
  onEvent: (e) => {
    if (e.type === 'status') {
      $('conn').textContent = e.data;
      $('conn').dataset.state = String(e.data).startsWith('live') ? 'live' : 'down';
      $('conn').dataset.role = 'follower';
    } else if (e.type === 'hello') {
      if (pid !== null && e.data.pid !== pid) ack(`the daemon restarted (PID ${e.data.pid}); it has a new token`);
      pid = e.data.pid;
    } else if (e.type === 'reset') {
      $('feed').replaceChildren();
    } else if (e.type === 'journal') {
      addToFeed(e.data);
      if (selected && e.data.task === selected) void panel.refresh();
    } else if (e.type === 'state') {
      state = e.data;
      render();
    }
  },
});

$('refresh').addEventListener('click', (ev) => void act('/api/v1/refresh', 'waking the daemon', /** @type {HTMLButtonElement} */ (ev.currentTarget)));
$('pause').addEventListener('click', (ev) => void act('/api/v1/pause', 'pausing', /** @type {HTMLButtonElement} */ (ev.currentTarget)));
$('resume').addEventListener('click', (ev) => void act('/api/v1/resume', 'resuming', /** @type {HTMLButtonElement} */ (ev.currentTarget)));
$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('token-input'));
  setToken(input.value.trim() || null);
  input.value = '';
  $('token-bar').hidden = true;
  ack('token saved for this browser');
});
if (!token()) $('token-bar').hidden = false;

function route() {
  const m = /^#task=([^&]+)/.exec(location.hash);
  selected = m && m[1] ? decodeURIComponent(m[1]) : null;
  void panel.show(selected);
  if (state) renderTasks(state, ui);
}
window.addEventListener('hashchange', route);
route();
setInterval(tickClocks, 1000);
