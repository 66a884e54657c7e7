// The daemon dying or being stopped at bad moments: SIGKILL at random moments of a real run, many
// times in a row; SIGTERM (or SIGKILL) in the middle of a state.json save; daemons racing for the lock.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aura, auraRun, crashed, shellChain, short, sleep, type Ctx, type FaultKind } from './common.js';
import { checkAfterFault, restartFinishes, snapshot } from './invariants.js';

export const PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'preload', 'fs-faults.mjs');

/** runs.log: each task starts once more only after the earlier run ended (never twice at once). */
export function checkNoOverlap(ctx: Ctx, dir: string, opts: { exactlyOnce?: boolean } = {}): void {
  const file = path.join(dir, 'runs.log');
  if (!existsSync(file)) return;
  const open = new Map<string, number>();
  const starts = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const [what, id] = line.split(' ');
    if (!id) continue;
    if (what === 'start') {
      if ((open.get(id) ?? 0) > 0) ctx.violate(`task ${id} was started again while a run of it had not ended (runs.log)`);
      open.set(id, (open.get(id) ?? 0) + 1);
      starts.set(id, (starts.get(id) ?? 0) + 1);
    } else if (what === 'end') open.set(id, Math.max(0, (open.get(id) ?? 0) - 1));
  }
  if (opts.exactlyOnce) for (const [id, n] of starts) if (n !== 1) ctx.violate(`task ${id} ran ${n} times, expected exactly once`);
}

const sigkillMany: FaultKind = {
  name: 'daemon-sigkill',
  family: 'daemon',
  what: 'SIGKILL the daemon at random moments of a real shell run, 3-6 times in a row, then finish',
  timeoutMs: 180_000,
  async run(ctx) {
    const { rand } = ctx;
    const n = rand.int(3, 7);
    const p = ctx.project({ 'task.md': shellChain(rand, n, { parallelSection: rand.chance(0.6) }) });
    const env = ctx.env({ AURA_MAX_CONCURRENT_TASKS: String(rand.int(1, 3)) });
    const kills = rand.int(3, 6);
    for (let k = 0; k < kills; k++) {
      const d = aura(['task.md', '--interval', '3600', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 60_000 });
      const at = rand.int(30, 1500);
      await sleep(at);
      // An operator request the daemon acknowledged must be in the journal, however soon it dies.
      const acked: string[] = [];
      if (rand.chance(0.5)) {
        for (const cmd of ['pause', 'resume']) {
          const reason = `torture-${cmd}-${ctx.iteration}-${k}`;
          const r = await auraRun([cmd, '--reason', reason], { cwd: p.dir, env, timeoutMs: 15_000 });
          if (r.code === 0) acked.push(reason);
        }
      }
      const before = snapshot(ctx, p.dir, `before kill ${k + 1}`, { allowMissingState: true, allowTornTail: true });
      d.kill('SIGKILL');
      const r = await d.exited;
      ctx.note(`kill ${k + 1}/${kills} at ${at} ms (${r.signal ?? `exited ${r.code} first`})`);
      if (r.signal !== 'SIGKILL' && r.code !== 0) ctx.violate(`daemon exited ${r.code} before the kill:\n${short(r)}`);
      const after = checkAfterFault(ctx, p.dir, before, `after kill ${k + 1} at ${at} ms`, { allowMissingState: true });
      for (const reason of acked) {
        if (!after.journal.some((e) => e.msg.includes(reason))) ctx.violate(`the daemon acknowledged "${reason}" but the journal does not have it after the kill`);
      }
    }
    await restartFinishes(ctx, p.dir, env, snapshot(ctx, p.dir, 'before the final restart', { allowMissingState: true, allowTornTail: true }), { resumeIfPaused: true });
    checkNoOverlap(ctx, p.dir);
  },
};

const signalDuringWrite: FaultKind = {
  name: 'daemon-signal-in-save',
  family: 'daemon',
  what: 'SIGTERM (or SIGKILL) the daemon before, between or after the renames of a state.json save',
  timeoutMs: 120_000,
  async run(ctx) {
    const { rand } = ctx;
    const p = ctx.project({ 'task.md': shellChain(rand, rand.int(2, 5)) });
    const sig = rand.chance(0.7) ? 'SIGTERM' : 'SIGKILL';
    const phase = rand.pick(['before', 'between', 'after'] as const);
    const at = rand.int(1, 8);
    const env = ctx.env({});
    const faultEnv = { ...env, TORTURE_FAULT: 'signal-on-state-write', TORTURE_AT: String(at), TORTURE_PHASE: phase, TORTURE_SIGNAL: sig };
    ctx.note(`${sig} ${phase} the renames of save ${at}`);
    const r = await aura(['task.md', '--interval', '3600', '--exit-when-done'], { cwd: p.dir, env: faultEnv, timeoutMs: 60_000, nodeArgs: ['--import', PRELOAD] }).exited;
    if (sig === 'SIGTERM' && r.code !== 0) {
      const log = existsSync(p.file('.aura/logs/aura.log')) ? readFileSync(p.file('.aura/logs/aura.log'), 'utf8') : '';
      const afterStop = log.slice(log.indexOf('stopping (received SIGTERM)'));
      const why = r.stderr.includes('[torture: timed out')
        ? log.includes('stopping (received SIGTERM)') && /→ verifying/.test(afterStop)
          ? 'the drain hung: a worker exited 0 while stopping, its evidence check ended unheard'
          : 'the drain hung'
        : r.signal === 'SIGTERM'
          ? 'SIGTERM before the signal handlers were installed killed the daemon outright'
          : `exit ${r.code}`;
      ctx.violate(`SIGTERM during a save: ${why}; expected a clean drain (0):\n${short(r)}`);
    }
    const trace = crashed(r.stdout + r.stderr);
    if (trace) ctx.violate(`stack trace after ${sig} in a save: ${trace}`);
    // A drained daemon leaves nothing running; a killed one may leave workers its successor adopts.
    const after = checkAfterFault(ctx, p.dir, null, `after ${sig} ${phase} save ${at}`, { clean: sig === 'SIGTERM', allowMissingState: true });
    await restartFinishes(ctx, p.dir, env, after);
    checkNoOverlap(ctx, p.dir);
  },
};

const lockRace: FaultKind = {
  name: 'daemon-lock-race',
  family: 'daemon',
  what: '2-4 daemons started at once on one project: one runs, the others refuse (exit 3); nothing runs twice',
  timeoutMs: 120_000,
  async run(ctx) {
    const { rand } = ctx;
    const p = ctx.project({ 'task.md': shellChain(rand, rand.int(2, 5), { maxSleep: 0.5 }) });
    const env = ctx.env({});
    // A previous (killed) daemon's stale lock makes the race a takeover race half of the time.
    if (rand.chance(0.5)) {
      const d = aura(['task.md', '--interval', '3600'], { cwd: p.dir, env, timeoutMs: 30_000 });
      await sleep(rand.int(200, 700));
      d.kill('SIGKILL');
      await d.exited;
      ctx.note('stale lock from a killed daemon');
    }
    const n = rand.int(2, 4);
    const procs = [];
    for (let i = 0; i < n; i++) {
      procs.push(aura(['task.md', '--interval', '3600', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 60_000 }));
      const gap = rand.int(0, 20);
      if (gap > 0) await sleep(gap);
    }
    const results = await Promise.all(procs.map((d) => d.exited));
    const codes = results.map((r) => r.code);
    ctx.note(`${n} daemons → exit codes ${codes.join(',')}`);
    if (!codes.includes(0)) ctx.violate(`no racing daemon finished the run (codes ${codes.join(',')}):\n${results.map((r) => short(r, 600)).join('\n---\n')}`);
    results.forEach((r, i) => {
      if (r.code !== 0 && r.code !== 3) ctx.violate(`racing daemon ${i} exited ${r.code} (${r.signal}), expected 0 or 3:\n${short(r)}`);
      if (r.code === 3 && !/already runs|PID \d+/i.test(r.stdout + r.stderr)) ctx.violate(`racing daemon ${i} exited 3 without naming the holder:\n${short(r)}`);
      const trace = crashed(r.stdout + r.stderr);
      if (trace) ctx.violate(`racing daemon ${i} printed a stack trace: ${trace}`);
    });
    checkAfterFault(ctx, p.dir, null, 'after the race', { clean: true });
    checkNoOverlap(ctx, p.dir);
  },
};

export const DAEMON_FAULTS: FaultKind[] = [sigkillMany, signalDuringWrite, lockRace];
