// @ts-check
// One task up close: its settings, attempts with their evidence, the journal about it, and its output
// following live. The output is asked for once a second while the panel is open, the task's attempt
// is still running and the tab is visible; short requests, so no connection is held open.
import { getJson } from './api.js';
import { $, clock, duration, el, feedItem, usageText } from './view.js';

const FOLLOW_MS = 1000;

export class TaskPanel {
  /** @param {{ armed: (task: string) => boolean, act: (cmd: string, task: string, button: HTMLButtonElement) => void }} ui */
  constructor(ui) {
    this.ui = ui;
    /** @type {string | null} */
    this.id = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    this.ended = false;
    this.busy = false;
    this.dirty = false;
    /** @type {HTMLSelectElement} */ ($('task-stream')).addEventListener('change', () => void this.pollLog(true));
    $('task-close').addEventListener('click', () => {
      location.hash = '';
    });
    document.addEventListener('visibilitychange', () => this.schedule());
  }

  /** @param {string | null} id */
  async show(id) {
    if (id === this.id) return;
    this.id = id;
    this.ended = false;
    $('task-panel').hidden = !id;
    $('task-log').textContent = '';
    if (!id) return this.stop();
    await this.refresh();
    await this.pollLog(true);
  }

  /** The task changed (a journal entry about it): its details again, at most one request at a time. */
  async refresh() {
    if (!this.id) return;
    if (this.busy) {
      this.dirty = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.dirty = false;
        const id = /** @type {string} */ (this.id);
        try {
          const d = await getJson(`/api/v1/tasks/${encodeURIComponent(id)}`);
          if (id === this.id) this.render(d);
        } catch (err) {
          if (id === this.id) $('task-body').replaceChildren(el('p', { class: 'warn', text: err instanceof Error ? err.message : String(err) }));
        }
      } while (this.dirty && this.id);
    } finally {
      this.busy = false;
    }
    if (this.ended) void this.pollLog(false);
  }

  /** @param {any} d */
  render(d) {
    const t = d.task;
    $('task-title').textContent = `${t.title} (${t.id})`;
    const last = d.attempts[d.attempts.length - 1];
    this.ended = !last || last.endedAt !== null;
    const running = t.status === 'running' || t.status === 'verifying';
    const canRetry = t.status === 'failed' || t.status === 'blocked' || t.status === 'done';
    const actions = el('p', { class: 'actions' }, [
      running ? el('button', { type: 'button', class: 'danger', 'data-act': 'kill', text: this.ui.armed(t.id) ? 'Really kill?' : 'Kill' }) : null,
      canRetry ? el('button', { type: 'button', 'data-act': 'retry', text: 'Retry' }) : null,
    ]);
    for (const b of actions.querySelectorAll('button')) {
      const btn = /** @type {HTMLButtonElement} */ (b);
      btn.addEventListener('click', () => this.ui.act(btn.dataset.act ?? '', t.id, btn));
    }
    const spec = el('dl', { class: 'spec' }, [
      ...pair('status', `${t.status}: ${t.reason}`),
      ...(t.run ? pair('run', t.run) : []),
      ...(t.produces.length ? pair('produces', t.produces.join(', ')) : []),
      ...(t.verify ? pair('verify', t.verify) : []),
      ...(t.needs.length ? pair('needs', t.needs.join(', ')) : []),
      ...(usageText(t.usage) ? pair('spend', usageText(t.usage)) : []),
    ]);
    const attempts = el(
      'ol',
      { class: 'attempts' },
      d.attempts.map((/** @type {any} */ a) => {
        const took = a.endedAt ? duration(Date.parse(a.endedAt) - Date.parse(a.startedAt)) : 'running';
        const how = a.endedAt ? (a.signal ? `killed by ${a.signal}` : a.outcome === 'exited' ? `exit ${a.exitCode}` : a.outcome) : '';
        const ev = a.evidence;
        return el('li', { value: String(a.n) }, [
          el('span', { text: `${clock(a.startedAt)} · ${a.worker} · ${took}${how ? ` · ${how}` : ''}${a.stopReason ? ` (${a.stopReason})` : ''}` }),
          ev ? el('p', { class: `evidence ${ev.passed ? 'ok' : 'bad'}`, text: ev.summary }) : null,
          ev && ev.artifacts.length
            ? el('ul', { class: 'small' }, ev.artifacts.map((/** @type {any} */ x) => el('li', { class: x.ok ? 'ok' : 'bad', text: `${x.path}: ${x.ok ? `${x.size} bytes` : (x.note ?? (x.exists ? 'not fresh' : 'missing'))}` })))
            : null,
          ev && ev.verify ? el('p', { class: 'small', text: `verify \`${ev.verify.command}\`: ${ev.verify.ok ? 'passed' : `failed (exit ${ev.verify.exitCode ?? ev.verify.signal})`}` }) : null,
        ]);
      }),
    );
    const journal = el('ol', { class: 'feed small' }, d.journal.slice().reverse().map(feedItem));
    $('task-body').replaceChildren(actions, spec, el('h3', { text: 'Attempts' }), attempts, el('h3', { text: 'Journal' }), journal);
  }

  /** @param {boolean} fresh */
  async pollLog(fresh) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const id = this.id;
    if (!id) return;
    const stream = /** @type {HTMLSelectElement} */ ($('task-stream')).value;
    try {
      const log = await getJson(`/api/v1/tasks/${encodeURIComponent(id)}/log?stream=${stream}&lines=200`);
      if (id !== this.id) return;
      const pre = $('task-log');
      const atEnd = fresh || pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
      if (pre.textContent !== log.text) pre.textContent = log.text;
      if (atEnd) pre.scrollTop = pre.scrollHeight;
      this.ended = log.ended;
      $('task-follow').textContent = log.ended ? `attempt ${log.attempt} ended` : `attempt ${log.attempt}, following`;
    } catch (err) {
      if (id !== this.id) return;
      $('task-follow').textContent = err instanceof Error ? err.message : String(err);
      this.ended = true;
    }
    this.schedule();
  }

  schedule() {
    if (this.timer || !this.id || this.ended || document.visibilityState !== 'visible') return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pollLog(false);
    }, FOLLOW_MS);
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** @param {string} k @param {string} v */
function pair(k, v) {
  return [el('dt', { text: k }), el('dd', { text: v })];
}
