// @ts-check
// Drawing the state: the header, spend, workers with their sparklines, the task tree and the feed.
// Text always goes in through textContent (never as HTML), so nothing the run says can become markup.

/**
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined> | null} [attrs]
 * @param {Array<Node | string | null | undefined | false>} [kids]
 * @returns {HTMLElement}
 */
export function el(tag, attrs, kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids ?? []) if (k !== null && k !== undefined && k !== false) e.append(k);
  return e;
}

/** @param {string} id */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {number | null | undefined} ms */
export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h ${String(m % 60).padStart(2, '0')}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** @param {number | null | undefined} n */
export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${u[i]}`;
}

/** @param {number | null | undefined} usd */
export const money = (usd) => (usd === null || usd === undefined ? '–' : `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`);

/** @param {any} u */
export const usageText = (u) => {
  const t = (u?.inputTokens ?? 0) + (u?.outputTokens ?? 0);
  return t === 0 && (u?.costUsd ?? null) === null ? '' : `${t.toLocaleString()} tokens · ${money(u?.costUsd)}`;
};

/** @param {string | null | undefined} iso */
export function clock(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * A sparkline as an SVG polyline; gaps (unmeasured polls) break the line.
 * @param {Array<number | null>} values @param {number} max @param {string} label
 */
export function sparkline(values, max, label) {
  const NS = 'http://www.w3.org/2000/svg';
  const w = 120;
  const h = 28;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const step = w / Math.max(1, 59);
  const top = max > 0 ? max : 1;
  /** @type {string[]} */
  let run = [];
  const flush = () => {
    if (run.length > 1) {
      const p = document.createElementNS(NS, 'polyline');
      p.setAttribute('points', run.join(' '));
      svg.append(p);
    }
    run = [];
  };
  const start = 60 - values.length;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return flush();
    const x = ((start + i) * step).toFixed(1);
    const y = (h - 1 - (Math.min(v, top) / top) * (h - 2)).toFixed(1);
    run.push(`${x},${y}`);
  });
  flush();
  return svg;
}

/** @param {any} s */
export function renderHeader(s) {
  $('goal').textContent = s.goal;
  document.title = `aura · ${s.state} · ${s.goal}`;
  const o = $('overall');
  o.textContent = s.state;
  o.className = `badge st-${s.state}`;
  const c = s.counts;
  const parts = ['running', 'verifying', 'pending', 'done', 'failed', 'blocked'].filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  $('counts').textContent = parts.join(' · ');
  const next = $('nextwake');
  next.dataset.at = s.daemon.nextWakeAt ?? '';
  const pn = $('pause-note');
  pn.hidden = !s.pause;
  pn.textContent = s.pause ? `Paused: ${s.pause.reason}` : '';
  /** @type {HTMLButtonElement} */ ($('pause')).disabled = !!s.pause;
  /** @type {HTMLButtonElement} */ ($('resume')).disabled = !s.pause || s.pause.kind !== 'user';
  $('footer').textContent = `daemon ${s.daemon.pid ?? '–'} · ${s.daemon.mode} · cycle ${s.totals.cycle} · journal #${s.seq} · ${s.streams} live stream${s.streams === 1 ? '' : 's'}`;
}

/** @param {string} label @param {number | null} used @param {number | null} cap @param {string} text */
function meter(label, used, cap, text) {
  const pct = cap && used !== null ? Math.min(100, (used / cap) * 100) : null;
  const fill = el('span');
  // Through the CSSOM: the page's policy forbids style attributes.
  fill.style.width = `${pct ?? 0}%`;
  const bar = el('div', { class: `bar${pct !== null && pct >= 90 ? ' hot' : ''}` }, [fill]);
  return el('div', { class: 'meter' }, [el('span', { class: 'label', text: label }), el('span', { class: 'val', text }), cap ? bar : null]);
}

/** @param {any} s */
export function renderSpend(s) {
  const sp = s.spend;
  const box = $('spend');
  const rows = [
    meter('cost', sp.costUsd, sp.capUsd, `${money(sp.costUsd)}${sp.capUsd ? ` of ${money(sp.capUsd)}` : ' (no cap)'}`),
    meter('tokens', sp.tokens, sp.capTokens, `${sp.tokens.toLocaleString()}${sp.capTokens ? ` of ${sp.capTokens.toLocaleString()}` : ' (no cap)'}`),
  ];
  if (s.planner) {
    rows.push(el('p', { class: s.planner.mode === 'safe' ? 'warn' : 'muted', text: `planner: ${s.planner.mode === 'safe' ? `SAFE MODE (${s.planner.reason})` : 'model'} · ${s.planner.requests} requests · ${usageText(s.planner.usage) || 'no spend'}` }));
  }
  rows.push(el('p', { class: 'muted', text: `${s.totals.tasks} tasks · ${s.totals.attempts} attempts · running for `}, [el('span', { 'data-since': s.totals.createdAt, 'data-until': s.totals.doneAt ?? undefined })]));
  box.replaceChildren(...rows);
}

/** @param {any} s */
export function renderWorkers(s) {
  const box = $('workers');
  if (s.active.running.length === 0) {
    box.replaceChildren(el('p', { class: 'muted', text: 'none running' }));
    return;
  }
  const cards = s.active.running.map((/** @type {any} */ t) => {
    const w = s.workers.find((/** @type {any} */ x) => x.taskId === t.id);
    const figures = w
      ? [
          el('div', { class: 'fig' }, [el('span', { text: `CPU ${w.cpuPercent === null ? '–' : `${w.cpuPercent.toFixed(0)}%`}` }), sparkline(w.history.cpuPercent, 100, `CPU of ${t.id}`)]),
          el('div', { class: 'fig' }, [el('span', { text: `RSS ${bytes(w.rssBytes)}` }), sparkline(w.history.rssBytes, w.peaks.rssBytes ?? 0, `memory of ${t.id}`)]),
          w.gpuMemBytes !== null || s.gpu.status === 'ok'
            ? el('div', { class: 'fig' }, [el('span', { text: `GPU ${bytes(w.gpuMemBytes)}${w.gpuUtilPercent !== null ? ` · ${w.gpuUtilPercent.toFixed(0)}%` : ''}` }), sparkline(w.history.gpuMemBytes, w.peaks.gpuMemBytes ?? 0, `GPU memory of ${t.id}`)])
            : null,
        ]
      : [el('p', { class: 'muted', text: 'no watchdog figures yet' })];
    return el('article', { class: 'worker', 'data-worker': t.id }, [
      el('h3', null, [el('a', { href: `#task=${encodeURIComponent(t.id)}`, text: t.title }), ' ', el('span', { class: 'muted', text: `#${t.attempt} · ` }), el('span', { 'data-since': t.startedAt })]),
      el('div', { class: 'figs' }, figures),
      el('p', { class: 'muted small', text: [usageText(t.usage), t.lastEvent ? `last: ${t.lastEvent.msg}` : '', w && w.strikes > 0 ? `${w.strikes}/${w.strikesNeeded} strikes` : ''].filter(Boolean).join(' · ') }),
    ]);
  });
  box.replaceChildren(...cards);
}

/**
 * @param {any} s
 * @param {{ selected: string | null, armed: (task: string) => boolean, act: (cmd: string, task: string, button: HTMLButtonElement) => void }} ui
 */
export function renderTasks(s, ui) {
  const retrying = new Set(s.active.retrying.map((/** @type {any} */ t) => t.id));
  /** @param {any} t @returns {HTMLElement} */
  const item = (t) => {
    const running = t.status === 'running' || t.status === 'verifying';
    const canRetry = t.status === 'failed' || t.status === 'blocked' || t.status === 'done';
    const buttons = [];
    if (running) buttons.push(el('button', { type: 'button', class: 'small danger', 'data-act': 'kill', text: ui.armed(t.id) ? 'Really kill?' : 'Kill' }));
    if (canRetry) buttons.push(el('button', { type: 'button', class: 'small', 'data-act': 'retry', text: 'Retry' }));
    const row = el('div', { class: `row${ui.selected === t.id ? ' selected' : ''}` }, [
      el('span', { class: `status st-${t.status}`, text: retrying.has(t.id) ? 'retrying' : t.status }),
      el('a', { class: 'title', href: `#task=${encodeURIComponent(t.id)}`, text: t.title }),
      el('span', { class: 'muted small', text: `${t.id}${t.attempts ? ` · ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}` : ''}` }),
      running && t.running ? el('span', { class: 'small', 'data-since': t.running.startedAt }) : null,
      el('span', { class: 'actions' }, buttons),
    ]);
    for (const b of row.querySelectorAll('button')) {
      const btn = /** @type {HTMLButtonElement} */ (b);
      btn.addEventListener('click', () => ui.act(btn.dataset.act ?? '', t.id, btn));
    }
    const ev = t.evidence ? el('p', { class: `evidence ${t.evidence.passed ? 'ok' : 'bad'}`, text: t.evidence.summary }) : null;
    const why = t.status !== 'done' && t.reason ? el('p', { class: 'reason muted small', text: t.reason }) : null;
    const usage = usageText(t.usage);
    const kids = t.children.length ? el('ul', null, t.children.map(item)) : null;
    return el('li', { 'data-task': t.id, 'data-status': t.status }, [row, ev, why, usage ? el('p', { class: 'muted small', text: usage }) : null, kids]);
  };
  $('tasks').replaceChildren(...s.tasks.map(item));
}

// What was decided and why; wakes, attempts and daemon notes stay in `aura history`.
const FEED_KINDS = new Set(['decision', 'status', 'evidence', 'warning', 'taskfile']);

/** @param {any} e */
export function feedItem(e) {
  const change = e.kind === 'status' && e.from && e.to ? `${e.from} → ${e.to}` : '';
  const text = change && e.msg ? `${change}: ${e.msg}` : change || e.msg;
  return el('li', { 'data-seq': String(e.seq), class: `k-${e.kind}` }, [
    el('time', { datetime: e.ts, text: clock(e.ts) }),
    e.task ? el('a', { class: 'task', href: `#task=${encodeURIComponent(e.task)}`, text: e.task }) : null,
    el('span', { class: 'msg', text }),
  ]);
}

/** @param {any} e */
export const inFeed = (e) => FEED_KINDS.has(e.kind);

/** Live clocks: elapsed times and the next wake, redrawn once a second without a request. */
export function tickClocks() {
  const now = Date.now();
  for (const n of document.querySelectorAll('[data-since]')) {
    const e = /** @type {HTMLElement} */ (n);
    const from = Date.parse(e.dataset.since ?? '');
    const until = e.dataset.until ? Date.parse(e.dataset.until) : now;
    e.textContent = Number.isNaN(from) ? '' : duration(until - from);
  }
  const nw = $('nextwake');
  const at = Date.parse(nw.dataset.at ?? '');
  nw.textContent = Number.isNaN(at) ? '' : `next wake in ${duration(at - now)}`;
}
