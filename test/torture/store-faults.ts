// The store damaged between daemons: state.json truncated, empty, not JSON, the wrong schema, an
// older schema version; a torn journal tail; a read-only .aura; a full disk.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { aura, auraRun, crashed, shellChain, short, sleep, type Ctx, type FaultKind, type Project, type Rand } from './common.js';
import { PRELOAD } from './daemon-faults.js';
import { checkAfterFault, restartFinishes, snapshot, type Snapshot } from './invariants.js';

const STATE = '.aura/state/state.json';
const PREV = '.aura/state/state.prev.json';
const JOURNAL = '.aura/state/journal.jsonl';

/** A real run, SIGKILLed at a random moment once it has saved at least once. */
async function killedMidRun(ctx: Ctx, env: NodeJS.ProcessEnv): Promise<{ p: Project; before: Snapshot }> {
  const p = ctx.project({ 'task.md': shellChain(ctx.rand, ctx.rand.int(3, 5)) });
  const d = aura(['task.md', '--interval', '3600'], { cwd: p.dir, env, timeoutMs: 60_000 });
  const t0 = Date.now();
  while (!existsSync(p.file(PREV)) && Date.now() - t0 < 20_000) await sleep(20);
  await sleep(ctx.rand.int(0, 1500));
  d.kill('SIGKILL');
  await d.exited;
  // A kill between the two renames of a save leaves no state.json (state.prev.json holds): legal.
  const before = checkAfterFault(ctx, p.dir, null, 'after the kill, before the damage', { allowMissingState: true });
  return { p, before };
}

type Damage = (rand: Rand, text: string) => string | Buffer;

const WRONG_SCHEMA: Array<(s: Record<string, unknown>) => unknown> = [
  () => [],
  () => 42,
  () => 'state',
  () => null,
  () => ({ schemaVersion: 1 }),
  (s) => ({ ...s, tasks: 'none' }),
  (s) => ({ ...s, cycle: -1 }),
  (s) => ({ ...s, roots: { a: 1 } }),
  (s) => {
    const t = structuredClone(s) as { tasks: Record<string, { status: string }> };
    for (const k of Object.keys(t.tasks)) t.tasks[k]!.status = 'finished';
    return t;
  },
  (s) => {
    const t = structuredClone(s) as { tasks: Record<string, { attempts: unknown }> };
    for (const k of Object.keys(t.tasks)) t.tasks[k]!.attempts = [{ n: 'one' }];
    return t;
  },
  (s) => {
    const { runId: _drop, ...rest } = s;
    return rest;
  },
];

const DAMAGE: Record<string, { what: string; damage: Damage }> = {
  'state-truncated': { what: 'state.json cut at a random byte', damage: (r, t) => t.slice(0, r.int(1, t.length - 2)) },
  'state-empty': { what: 'state.json zero-length', damage: () => '' },
  'state-not-json': {
    what: 'state.json replaced by text or random bytes that are not JSON',
    damage: (r, t) =>
      r.pick([
        () => '<html><body>502 Bad Gateway</body></html>',
        () => Buffer.from(Array.from({ length: r.int(1, 4096) }, () => r.int(0, 255))),
        () => t.replace(/[{}]/g, ''),
        () => `${t}garbage after the object`,
        () => '\uFEFF\u0000\u0000',
      ])(),
  },
  'state-wrong-schema': { what: 'state.json valid JSON of the wrong shape', damage: (r, t) => JSON.stringify(r.pick(WRONG_SCHEMA)(JSON.parse(t) as Record<string, unknown>)) },
  'state-old-version': {
    what: 'state.json from an older (or unknown) schema version',
    damage: (r, t) => JSON.stringify({ ...(JSON.parse(t) as object), schemaVersion: r.pick([0, -1, '1', 0.5, 2]) }),
  },
};

function stateFault(name: string, what: string, damage: Damage): FaultKind {
  return {
    name,
    family: 'store',
    what,
    timeoutMs: 90_000,
    async run(ctx) {
      const env = ctx.env({});
      const { p, before } = await killedMidRun(ctx, env);
      const alsoPrev = ctx.rand.chance(0.3) && existsSync(p.file(PREV));
      writeFileSync(p.file(STATE), damage(ctx.rand, p.read(existsSync(p.file(STATE)) ? STATE : PREV)));
      if (alsoPrev) writeFileSync(p.file(PREV), damage(ctx.rand, p.read(PREV)));
      ctx.note(`${name}${alsoPrev ? ' (state.prev.json too: rebuild from the journal alone)' : ''}`);
      await restartFinishes(ctx, p.dir, env, before);
      const kept = readdirSync(p.file('.aura/state')).filter((f) => f.startsWith('state.json.corrupt-'));
      if (kept.length === 0) ctx.violate('the damaged state.json was not kept aside as state.json.corrupt-*');
    },
  };
}

const journalTorn: FaultKind = {
  name: 'journal-torn',
  family: 'store',
  what: 'journal.jsonl ends in a torn (partial) line, as a crash mid-append leaves it',
  timeoutMs: 90_000,
  async run(ctx) {
    const env = ctx.env({});
    const { p, before } = await killedMidRun(ctx, env);
    const lines = p.read(JOURNAL).split('\n').filter(Boolean);
    const next = { ...(JSON.parse(lines.at(-1)!) as { seq: number }) };
    next.seq += 1;
    const whole = JSON.stringify(next);
    const torn = ctx.rand.chance(0.2) ? Buffer.from([0, 0, 0, 0]) : whole.slice(0, ctx.rand.int(1, whole.length - 1));
    appendFileSync(p.file(JOURNAL), torn);
    ctx.note(`appended ${torn.length} bytes of a torn line`);
    await restartFinishes(ctx, p.dir, env, before);
    if (!readdirSync(p.file('.aura/state')).some((f) => f.startsWith('journal.torn-'))) ctx.violate('the torn journal line was not kept aside as journal.torn-*');
  },
};

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Root may mount; TORTURE_NO_MOUNT=1 forces the write wrappers instead (to test them as root). */
function mayMount(): boolean {
  return isRoot() && process.env.TORTURE_NO_MOUNT !== '1';
}

function tryMount(args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function umount(dir: string): void {
  for (let i = 0; i < 20; i++) {
    try {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      return;
    } catch {
      execFileSync('sleep', ['0.1']);
    }
  }
}

export const storeMode = { readonly: '', diskFull: '' };

const readOnly: FaultKind = {
  name: 'store-readonly',
  family: 'store',
  what: '.aura (or .aura/state) read-only: a read-only bind mount as root, chmod otherwise, an EROFS wrapper as the last resort',
  timeoutMs: 90_000,
  async run(ctx) {
    const env = ctx.env({});
    const { p, before } = await killedMidRun(ctx, env);
    const target = p.file(ctx.rand.pick(['.aura', '.aura/state']));
    let how: string;
    let undo: () => void;
    let nodeArgs: string[] = [];
    let faultEnv: NodeJS.ProcessEnv = env;
    if (mayMount() && tryMount(['--bind', target, target]) && (tryMount(['-o', 'remount,bind,ro', target]) || (umount(target), false))) {
      how = 'read-only bind mount';
      undo = () => umount(target);
    } else if (!isRoot()) {
      how = 'chmod a-w';
      execFileSync('chmod', ['-R', 'a-w', target]);
      undo = () => execFileSync('chmod', ['-R', 'u+w', target]);
    } else {
      how = 'EROFS write wrapper (--import preload)';
      nodeArgs = ['--import', PRELOAD];
      faultEnv = { ...env, TORTURE_FAULT: 'erofs', TORTURE_UNDER: target };
      undo = () => undefined;
    }
    storeMode.readonly = how;
    ctx.note(`${path.relative(p.dir, target)} read-only by ${how}`);
    try {
      const r = await auraRun(['task.md', '--exit-when-done'], { cwd: p.dir, env: faultEnv, timeoutMs: 30_000, nodeArgs });
      if (r.code === null) ctx.violate(`with a read-only ${path.relative(p.dir, target)} the daemon hung:\n${short(r)}`);
      else if (r.code === 0) ctx.violate(`with a read-only ${path.relative(p.dir, target)} the daemon claimed success:\n${short(r)}`);
      const trace = crashed(r.stdout + r.stderr);
      if (trace) ctx.violate(`read-only store: a stack trace instead of a message: ${trace}`);
      if (!/read-only|EROFS|EACCES|permission|cannot|could not/i.test(r.stdout + r.stderr)) ctx.violate(`read-only store: no message says what is wrong:\n${short(r)}`);
      const st = await auraRun(['status', '--json'], { cwd: p.dir, env: faultEnv, timeoutMs: 20_000, nodeArgs });
      if (st.code !== 0) ctx.violate(`aura status fails on a read-only store (exit ${st.code}):\n${short(st)}`);
      checkAfterFault(ctx, p.dir, before, 'with the store read-only', {});
    } finally {
      undo();
    }
    await restartFinishes(ctx, p.dir, env, before, { where: 'after the store became writable again' });
  },
};

const diskFull: FaultKind = {
  name: 'store-disk-full',
  family: 'store',
  what: 'the disk under .aura fills up mid-run: a small tmpfs as root, an ENOSPC write wrapper otherwise',
  timeoutMs: 120_000,
  async run(ctx) {
    const { rand } = ctx;
    const p = ctx.project({ 'task.md': shellChain(rand, rand.int(3, 5)) });
    const env = ctx.env({});
    const auraDir = p.file('.aura');
    mkdirSync(auraDir);
    const mounted = mayMount() && tryMount(['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', auraDir]);
    storeMode.diskFull = mounted ? 'tmpfs (8 MiB, filled by a filler file)' : 'ENOSPC write wrapper (--import preload)';
    const filler = path.join(auraDir, 'filler');
    try {
      const nodeArgs = mounted ? [] : ['--import', PRELOAD];
      const faultEnv = mounted ? env : { ...env, TORTURE_FAULT: 'enospc', TORTURE_AFTER_BYTES: String(rand.int(0, 200_000)) };
      const d = aura(['task.md', '--interval', '3600', '--exit-when-done'], { cwd: p.dir, env: faultEnv, timeoutMs: 60_000, nodeArgs });
      const at = rand.int(0, 1500);
      await sleep(at);
      if (mounted) {
        // Fill it, then give back a random few bytes so the next write fails part-way.
        try {
          execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
        } catch {
          // dd ends with "no space left": that is the point
        }
        const spare = rand.int(0, 16_384);
        if (spare > 0) execFileSync('truncate', ['-s', `-${spare}`, filler]);
      }
      ctx.note(`disk full at ${at} ms (${storeMode.diskFull})`);
      const r = await Promise.race([d.exited, sleep(rand.int(1500, 4000)).then(() => null)]);
      const before = snapshot(ctx, p.dir, 'with the disk full', { allowMissingState: true, allowTornTail: true });
      if (r === null) {
        d.kill('SIGKILL');
        await d.exited;
      } else {
        const trace = crashed(r.stdout + r.stderr);
        if (trace) ctx.violate(`disk full: a stack trace instead of a message: ${trace}`);
        if (r.code === null) ctx.violate(`disk full: the daemon hung:\n${short(r)}`);
      }
      checkAfterFault(ctx, p.dir, before, 'with the disk full', { allowMissingState: true });
      rmSync(filler, { force: true });
      await restartFinishes(ctx, p.dir, env, before, { where: 'after space was freed' });
    } finally {
      if (mounted) umount(auraDir);
    }
  },
};

export const STORE_FAULTS: FaultKind[] = [
  ...Object.entries(DAMAGE).map(([name, d]) => stateFault(name, d.what, d.damage)),
  journalTorn,
  readOnly,
  diskFull,
];
