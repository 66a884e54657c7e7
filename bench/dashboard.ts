// 10. The dashboard (aura start --http).
//
// Journal append → visible in the page: a sleeping daemon, two tabs of one Chromium (the one that
// holds the shared event stream and one that gets it relayed over a BroadcastChannel). Each trial
// pauses or resumes the daemon over the API; the decision's journal timestamp (taken just before
// the append and its fsync) is compared with the moment a MutationObserver in each tab sees the
// entry appear in the decision feed. Same machine, same clock.
//
// Daemon CPU: utime + stime of the sleeping daemon over BENCH_IDLE_SECONDS with no client, then with
// five raw event streams open (each its own connection: the server's worst case, since tabs of one
// browser share one).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { browserMissing, launch, waitText } from '../test/http/browser.js';
import { request, SseClient } from '../test/http/helpers.js';
import { waitFor } from '../test/helpers/aura.js';
import { DONE_TASK_FILE, launchDaemon, newProject, sampleProc, sleep, stopDaemon, withTimeout, type BenchOptions } from './harness.js';
import { dist, type Row, type Section } from './report.js';

interface Seen {
  seq: number;
  at: number;
}

async function watchFeed(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      document: { getElementById(id: string): unknown };
      MutationObserver: new (cb: (records: Array<{ addedNodes: ArrayLike<{ dataset?: { seq?: string } }> }>) => void) => { observe(n: unknown, o: object): void };
      seen: Array<{ seq: number; at: number }>;
    };
    g.seen = [];
    new g.MutationObserver((records) => {
      const at = Date.now();
      for (const r of records) for (const n of Array.from(r.addedNodes)) if (n.dataset?.seq) g.seen.push({ seq: Number(n.dataset.seq), at });
    }).observe(g.document.getElementById('feed'), { childList: true });
  });
}

const seenIn = (page: Page) => page.evaluate(() => (globalThis as unknown as { seen: Array<{ seq: number; at: number }> }).seen) as Promise<Seen[]>;

function cpuMs(pid: number, hz: number, run: () => Promise<void>): Promise<{ ms: number; windowS: number }> {
  const a = sampleProc(pid);
  return run().then(() => {
    const b = sampleProc(pid);
    return { ms: ((b.ticks - a.ticks) * 1000) / hz, windowS: (b.at - a.at) / 1000 };
  });
}

export async function benchDashboard(o: BenchOptions): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const { project, env } = newProject({ 'task.md': DONE_TASK_FILE });
  const d = launchDaemon(project, env, ['task.md', '--interval', '3600', '--quiet', '--http', '0']);
  try {
    await waitFor('all tasks done', () => project.state().doneAt, 20_000);
    const lock = await waitFor('the dashboard in the lock', () => JSON.parse(readFileSync(project.file('.aura/run/daemon.lock'), 'utf8')).http as { port: number; url: string }, 10_000);
    const token = readFileSync(project.file('.aura/run/http.token'), 'utf8').trim();
    const pid = d.child.pid!;
    const auth = { Authorization: `Bearer ${token}` };
    await sleep(500);

    // ── latency ──
    const missing = (() => {
      try {
        return browserMissing();
      } catch (err) {
        return String(err);
      }
    })();
    if (missing) notes.push(`latency skipped: ${missing}`);
    else {
      const b = await launch();
      try {
        const pages = [await b.context.newPage(), await b.context.newPage()];
        for (const page of pages) {
          await page.goto(`${lock.url}#token=${token}`);
          await waitText(page, '#overall', /^done$/);
          await watchFeed(page);
        }
        const roles = await Promise.all(pages.map((page) => page.getAttribute('#conn', 'data-role')));
        o.log(`  dashboard: ${o.trials} pause/resume decisions, tabs: ${roles.join(', ')}`);
        for (let i = 0; i < o.trials; i++) {
          const r = await request(lock.port, 'POST', i % 2 === 0 ? '/api/v1/pause' : '/api/v1/resume', auth);
          if (r.status !== 200) throw new Error(`control answered ${r.status}: ${r.text}`);
          await sleep(150);
        }
        await sleep(500);
        const ts = new Map(project.journal().map((e) => [e.seq, Date.parse(e.ts)]));
        for (const [i, page] of pages.entries()) {
          const seen = (await seenIn(page)).filter((s) => ts.has(s.seq));
          const lat = seen.map((s) => s.at - ts.get(s.seq)!);
          rows.push(dist(`journal append → feed, ${roles[i] === 'leader' ? 'tab holding the stream' : 'tab relayed to'}`, lat, '< 250 ms p95'));
          if (seen.length < o.trials) notes.push(`${roles[i]} tab saw ${seen.length} of ${o.trials} decisions`);
        }
      } finally {
        await b.close();
      }
      await request(lock.port, 'POST', '/api/v1/resume', auth);
      await sleep(1000);
    }

    // ── CPU, idle ──
    const hz = 100;
    const window = () => sleep(o.idleSeconds * 1000);
    o.log(`  dashboard: daemon CPU over ${o.idleSeconds} s, no client`);
    const none = await cpuMs(pid, hz, window);
    o.log(`  dashboard: daemon CPU over ${o.idleSeconds} s, 5 event streams`);
    const clients = Array.from({ length: 5 }, () => new SseClient(lock.port, '/api/v1/events'));
    await withTimeout(
      (async () => {
        while (!clients.every((c) => c.of('state').length > 0)) await sleep(20);
      })(),
      10_000,
      'five streams',
    );
    const state = (await request(lock.port, 'GET', '/api/v1/state')).json as { streams: number };
    const t0 = performance.now();
    const five = await cpuMs(pid, hz, window);
    const frames = clients.reduce((n, c) => n + c.events.length, 0);
    clients.forEach((c) => c.close());
    const pct = (r: { ms: number; windowS: number }) => ((r.ms / (r.windowS * 1000)) * 100).toFixed(3);
    rows.push({ label: `daemon CPU over ${none.windowS.toFixed(0)} s idle, no client`, value: `${none.ms.toFixed(0)} ms (${pct(none)} %)`, target: '≈ 0' });
    rows.push({ label: `daemon CPU over ${five.windowS.toFixed(0)} s idle, ${state.streams} streams`, value: `${five.ms.toFixed(0)} ms (${pct(five)} %)`, target: '≈ 0' });
    notes.push(`events received by the 5 streams meanwhile (hello + first state each included): ${frames} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    notes.push('CPU time resolution is one clock tick (10 ms).');
    return { title: '10. dashboard', rows, notes };
  } finally {
    await stopDaemon(d);
  }
}
