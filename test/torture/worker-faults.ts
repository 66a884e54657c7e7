// Workers that misbehave: hang, crash, leave zombies, flood 1 GB of output, escape with
// fork-and-setsid, ignore SIGTERM, hog memory, delete their own attempt directory, and write a
// fake PID (a bystander's) into the files aura reads. Each runs under a real daemon to its end;
// then the invariants (nothing marked left alive, done only with evidence), the bystander is
// alive, and a restarted daemon finishes the same way.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { auraRun, crashed, short, type Ctx, type FaultKind } from './common.js';
import { checkAfterFault, restartFinishes, type Snapshot } from './invariants.js';
import { dirBytes, isAlive } from '../helpers/aura.js';

interface WorkerCase {
  /** task.md items (after the goal line). */
  items: string[];
  env?: Record<string, string>;
  files?: Record<string, string>;
  /** Exit codes the first daemon may end with (the restart must end the same way). */
  expect: number[];
  timeoutMs?: number;
  check?(ctx: Ctx, dir: string, snap: Snapshot): void;
}

const NORMAL = ['- [ ] Normal work', '  - id: normal', '  - needs: none', '  - run: `echo fine > normal.txt`', '  - produces: `normal.txt`', ''];

function task(id: string, run: string, extra: string[] = []): string[] {
  return [`- [ ] Misbehave ${id}`, `  - id: ${id}`, '  - needs: none', `  - run: \`${run}\``, ...extra, ''];
}

function workerFault(name: string, what: string, make: (ctx: Ctx) => WorkerCase, timeoutMs = 120_000): FaultKind {
  return {
    name,
    family: 'worker',
    what,
    timeoutMs,
    async run(ctx) {
      const c = make(ctx);
      const bystander = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
      bystander.unref();
      const p = ctx.project({ ...(c.files ?? {}), 'task.md': ['# Worker fault', '', ...c.items, ...NORMAL].join('\n').replaceAll('{BYSTANDER}', String(bystander.pid)) });
      const env = ctx.env({ AURA_KILL_GRACE_SECONDS: '1', ...(c.env ?? {}) });
      try {
        const r = await auraRun(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: c.timeoutMs ?? 90_000 });
        ctx.note(`${name}: exit ${r.code}`);
        if (r.code === null || !c.expect.includes(r.code)) ctx.violate(`${name}: the daemon exited ${r.code ?? 'never (hung)'}, expected ${c.expect.join(' or ')}:\n${short(r)}`);
        const trace = crashed(r.stdout + r.stderr);
        if (trace) ctx.violate(`${name}: stack trace: ${trace}`);
        const snap = checkAfterFault(ctx, p.dir, null, `after the ${name} run`, { clean: true });
        if (snap.state?.tasks.normal?.status !== 'done') ctx.violate(`${name}: the well-behaved task next to it is ${snap.state?.tasks.normal?.status}, not done`);
        c.check?.(ctx, p.dir, snap);
        if (!isAlive(bystander.pid!)) ctx.violate(`${name}: a bystander process outside aura (PID ${bystander.pid}) was killed`);
        await restartFinishes(ctx, p.dir, env, snap, { expect: [r.code ?? 0] });
        if (!isAlive(bystander.pid!)) ctx.violate(`${name}: the bystander (PID ${bystander.pid}) was killed by the restarted daemon`);
      } finally {
        try {
          process.kill(bystander.pid!, 'SIGKILL');
        } catch {
          // already gone (a violation recorded above)
        }
      }
    },
  };
}


export const WORKER_FAULTS: FaultKind[] = [
  workerFault('worker-hang', 'a worker that never ends: stopped by its budget or as stalled, then failed', (ctx) => {
    const stall = ctx.rand.chance(0.5);
    return {
      items: task('hang', 'echo started; sleep 300', stall ? [] : [`  - budget: ${ctx.rand.int(1, 3)}s`]),
      env: { AURA_MAX_ATTEMPTS: '1', ...(stall ? { AURA_STALL_SECONDS: '1', AURA_MAX_STALLS: '1' } : {}) },
      expect: [1],
      check(ctx, _dir, s) {
        const t = s.state?.tasks.hang;
        if (t?.status !== 'failed') ctx.violate(`hang: task is ${t?.status}, expected failed`);
      },
    };
  }),
  workerFault('worker-crash', 'a worker that crashes (exit code, SIGSEGV, SIGKILL of itself), sometimes succeeding on the retry', (ctx) => {
    const how = ctx.rand.pick(['exit 3', 'kill -SEGV $$', 'kill -KILL $$', 'kill -ABRT $$', 'exec false']);
    const recover = ctx.rand.chance(0.5);
    const run = recover ? `if [ -e tried ]; then echo ok > c.txt; else touch tried; ${how}; fi` : how;
    return {
      items: task('crash', run, ['  - produces: `c.txt`']),
      env: { AURA_MAX_ATTEMPTS: '2' },
      expect: [recover ? 0 : 1],
      check(ctx, _dir, s) {
        const t = s.state?.tasks.crash;
        if (t?.status !== (recover ? 'done' : 'failed')) ctx.violate(`crash (${how}): task is ${t?.status}`);
        if (t?.attempts.length !== 2) ctx.violate(`crash (${how}): ${t?.attempts.length} attempts, expected 2`);
      },
    };
  }),
  workerFault('worker-zombie', 'a worker whose children become zombies it never reaps', (ctx) => ({
    items: task('zombie', `sh -c '(sleep 0.${ctx.rand.int(1, 5)}; echo z > z.txt) & (exit 7) & exec sleep ${ctx.rand.int(1, 2)}'`, ['  - produces: `z.txt`']),
    expect: [0],
  })),
  workerFault(
    'worker-flood',
    'a worker writing 1 GB to stdout or stderr: the attempt directory stays under the cap',
    (ctx) => {
      const cap = ctx.rand.int(1, 4);
      const stream = ctx.rand.pick(['', '>&2 ']);
      return {
        items: task('flood', `head -c 1000000000 /dev/zero | tr "\\0" "x" ${stream}; echo LAST-LINE ${stream}; echo done > f.txt`, ['  - produces: `f.txt`']),
        env: { AURA_OUTPUT_CAP_MB: String(cap) },
        expect: [0],
        timeoutMs: 240_000,
        check(ctx, dir, s) {
          const a = s.state?.tasks.flood?.attempts[0];
          if (!a) return;
          const bytes = dirBytes(path.join(dir, '.aura', a.dir));
          if (bytes > (2 * cap + 1) * 1024 * 1024) ctx.violate(`flood: the attempt directory holds ${bytes} bytes with a ${cap} MB cap`);
          const log = readFileSync(path.join(dir, '.aura', a.dir, stream ? 'stderr.log' : 'stdout.log'), 'latin1');
          if (!log.includes('LAST-LINE')) ctx.violate('flood: the tail of the output was not kept');
        },
      };
    },
    300_000,
  ),
  workerFault('worker-escape', 'fork-and-setsid: a grandchild in its own session that ignores SIGTERM, left behind on a timeout or an exit', (ctx) => {
    const exits = ctx.rand.chance(0.5);
    return {
      items: task('escape', `setsid sh -c 'trap "" TERM; sleep 300' & ${exits ? 'echo e > e.txt' : 'sleep 300'}`, exits ? ['  - produces: `e.txt`'] : ['  - budget: 2s']),
      env: { AURA_MAX_ATTEMPTS: '1' },
      expect: [exits ? 0 : 1],
    };
  }),
  workerFault('worker-ignore-term', 'a worker that ignores SIGTERM past its budget: SIGKILL after the grace', (ctx) => ({
    items: task('stubborn', `trap "" TERM; while true; do sleep 0.${ctx.rand.int(1, 9)}; done`, ['  - budget: 1s']),
    env: { AURA_MAX_ATTEMPTS: '1' },
    expect: [1],
    check(ctx, _dir, s) {
      const a = s.state?.tasks.stubborn?.attempts[0];
      if (a?.outcome !== 'timeout') ctx.violate(`ignore-term: outcome ${a?.outcome}, expected timeout`);
    },
  })),
  workerFault('worker-memhog', 'a worker holding 300-500 MB over a 0.2 GB limit: the watchdog stops it, then escalates', (ctx) => ({
    items: task('hog', `node -e "const k=[];for(let i=0;i<${ctx.rand.int(300, 500)};i++)k.push(Buffer.alloc(1<<20,1));setTimeout(()=>{},60000)"`),
    env: {
      AURA_WORKER_MAX_SYSTEM_MEMORY_GB: '0.2',
      AURA_WORKER_RESOURCE_POLL_SECONDS: '0.2',
      AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS: '0.4',
      AURA_WORKER_RESOURCE_VIOLATION_STRIKES: '2',
      AURA_MAX_ATTEMPTS: '5',
      AURA_LAYER2_BACKEND: 'shell',
    },
    expect: [1],
    check(ctx, _dir, s) {
      const t = s.state?.tasks.hog;
      if (!t?.attempts[0]?.stopReason?.startsWith('watchdog')) ctx.violate(`memhog: the first attempt was not stopped by the watchdog (${t?.attempts[0]?.stopReason})`);
    },
  })),
  workerFault('worker-rm-attempt-dir', 'a worker that deletes its own attempt directory (early, or just before exiting 0)', (ctx) => {
    const early = ctx.rand.chance(0.5);
    const run = early ? 'rm -rf "$AURA_ATTEMPT_DIR"; sleep 1.2; echo r > r.txt' : `echo r > r.txt; sleep 0.${ctx.rand.int(0, 9)}; rm -rf "$AURA_ATTEMPT_DIR"`;
    return { items: task('rmdir', run, ['  - produces: `r.txt`']), env: { AURA_MAX_ATTEMPTS: '2' }, expect: [0, 1] };
  }),
  workerFault('worker-fake-pid', "a worker writing a bystander's PID into exit.json, status.json, runner.json, daemon.lock or state.json", (ctx) => {
    const target = ctx.rand.pick(['exit.json', 'status.json', 'runner.json', 'daemon.lock', 'state.json']);
    const file = { 'daemon.lock': '.aura/run/daemon.lock', 'state.json': '.aura/state/state.json' }[target as string] ?? `$AURA_ATTEMPT_DIR/${target}`;
    // node rewrites every "pid"-like number in the JSON file to the bystander's PID (or writes one fresh).
    const js = `const fs=require('fs');const f=process.argv[1];let o={};try{o=JSON.parse(fs.readFileSync(f,'utf8'))}catch{};const w=(x)=>{if(x&&typeof x==='object')for(const k of Object.keys(x)){if(/pid|pgid/i.test(k))x[k]={BYSTANDER};else w(x[k])}};w(o);o.pid={BYSTANDER};o.childPid={BYSTANDER};o.code=0;fs.writeFileSync(f,JSON.stringify(o))`;
    const ends = ctx.rand.pick(['timeout', 'exit']);
    const run = `sleep 0.3; node -e "${js.replaceAll('"', '\\"')}" "${file}"; ${ends === 'timeout' ? 'sleep 300' : 'echo p > p.txt'}`;
    return {
      items: task('fakepid', run, ends === 'timeout' ? ['  - budget: 2s'] : ['  - produces: `p.txt`']),
      env: { AURA_MAX_ATTEMPTS: '1' },
      expect: ends === 'timeout' ? [1] : [0, 1],
    };
  }),
];
