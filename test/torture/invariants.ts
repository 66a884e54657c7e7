// The invariants every fault is judged by, checked against a project directory on disk:
//   1. state.json and the journal parse (the real zod schemas);
//   2. every decision that was acknowledged (a journal line on disk before the fault, or a task
//      status in the saved state) is in the journal afterwards;
//   3. no task is done without its evidence (passed gate, artifacts on disk, verify ok);
//   4. no process carrying the run's marker is alive unless its task is running;
//   5. the daemon, restarted, finishes the run;
//   6. a status cache aura would trust says what the run on disk says (status-cache-check.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { replayJournal } from '../../src/store/replay.js';
import { JournalEntry, RunState } from '../../src/store/schema.js';
import { aura, auraRun, crashed, short, sleep, type Ctx } from './common.js';
import { checkStatusCache } from './status-cache-check.js';

const STATE = '.aura/state/state.json';
const JOURNAL = '.aura/state/journal.jsonl';

export interface Snapshot {
  /** The run as aura itself reads it: state.json, then the journal entries it does not include yet. */
  state: RunState | null;
  /** state.json alone (the daemon writes it now and then; the journal is the truth). */
  saved: RunState | null;
  journal: JournalEntry[];
}

/** Reads state.json (absent is fine only with allowMissing) with the real schema. */
export function readState(ctx: Ctx, dir: string, opts: { allowMissing?: boolean; where?: string } = {}): RunState | null {
  const file = path.join(dir, STATE);
  const where = opts.where ? ` (${opts.where})` : '';
  if (!existsSync(file)) {
    if (!opts.allowMissing) ctx.violate(`state.json is missing${where}`);
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    ctx.violate(`state.json does not parse${where}: ${(err as Error).message}`);
    return null;
  }
  const r = RunState.safeParse(value);
  if (!r.success) {
    ctx.violate(`state.json does not match the schema${where}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
    return null;
  }
  return r.data;
}

/**
 * Reads the journal with the real schema. A torn last line is allowed only where a crash may have
 * just happened (allowTornTail); the next daemon must repair it.
 */
export function readJournal(ctx: Ctx, dir: string, opts: { allowTornTail?: boolean; where?: string } = {}): JournalEntry[] {
  const file = path.join(dir, JOURNAL);
  const where = opts.where ? ` (${opts.where})` : '';
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const last = lines.pop();
  if (last !== '' && !opts.allowTornTail) ctx.violate(`journal does not end with a whole line${where}`);
  const out: JournalEntry[] = [];
  lines.forEach((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      ctx.violate(`journal line ${i + 1} is not JSON${where}: ${line.slice(0, 120)}`);
      return;
    }
    const r = JournalEntry.safeParse(value);
    if (!r.success) ctx.violate(`journal line ${i + 1} does not match the schema${where}: ${r.error.issues[0]?.message}`);
    else out.push(r.data);
  });
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.seq <= out[i - 1]!.seq) {
      ctx.violate(`journal seq goes from ${out[i - 1]!.seq} to ${out[i]!.seq} at line ${i + 1}${where}`);
      break;
    }
  }
  return out;
}

export function snapshot(ctx: Ctx, dir: string, where: string, opts: { allowMissingState?: boolean; allowTornTail?: boolean } = {}): Snapshot {
  const saved = readState(ctx, dir, { allowMissing: opts.allowMissingState ?? false, where });
  const journal = readJournal(ctx, dir, { allowTornTail: opts.allowTornTail ?? false, where });
  return { state: saved ? replayJournal(saved, journal).state : null, saved, journal };
}

/** Invariant 2: what was on disk before the fault is still in the journal after it. */
export function checkAcknowledged(ctx: Ctx, before: Snapshot, after: Snapshot, where: string): void {
  const bySeq = new Map(after.journal.map((e) => [e.seq, e]));
  for (const e of before.journal) {
    const a = bySeq.get(e.seq);
    if (!a || a.kind !== e.kind || a.msg !== e.msg || a.ts !== e.ts) {
      ctx.violate(`acknowledged journal entry seq ${e.seq} (${e.kind}: ${e.msg.slice(0, 80)}) is ${a ? 'changed' : 'gone'} ${where}`);
      return;
    }
  }
  if (before.saved && after.journal.length > 0) checkStateInJournal(ctx, before.saved, after.journal, where);
}

/** The saved state claims nothing the journal does not hold: its seq, and each task's done. */
export function checkStateInJournal(ctx: Ctx, state: RunState, journal: JournalEntry[], where: string): void {
  const lastSeq = journal.at(-1)?.seq ?? 0;
  if (state.journalSeq > lastSeq) ctx.violate(`state.json includes journal seq ${state.journalSeq} but the journal ends at ${lastSeq} ${where}`);
  for (const t of Object.values(state.tasks)) {
    if (t.status !== 'done') continue;
    if (!journal.some((e) => e.task === t.id && e.to === 'done')) ctx.violate(`task ${t.id} is done in state.json with no journal entry saying so ${where}`);
  }
}

/** Invariant 3: a done task has its evidence (or was ticked by the user). */
export function checkDoneEvidence(ctx: Ctx, dir: string, state: RunState, where: string): void {
  for (const t of Object.values(state.tasks)) {
    if (t.status !== 'done' || t.userChecked) continue;
    for (const rel of t.produces) {
      const abs = path.join(dir, rel);
      let ok = false;
      try {
        const st = statSync(abs);
        ok = st.isDirectory() ? readdirSync(abs).length > 0 : st.size > 0;
      } catch {
        ok = false;
      }
      if (!ok) ctx.violate(`task ${t.id} is done but its artifact ${rel} is missing or empty ${where}`);
    }
    if (t.children.length > 0) {
      const open = t.children.filter((c) => !['done', 'archived'].includes(state.tasks[c]?.status ?? 'archived'));
      if (open.length) ctx.violate(`group ${t.id} is done with subtasks not done: ${open.join(', ')} ${where}`);
      continue;
    }
    const a = t.attempts.at(-1);
    const ev = a?.evidence;
    if (!ev || !ev.passed) {
      ctx.violate(`task ${t.id} is done without passed evidence on its last attempt ${where}`);
      continue;
    }
    for (const rel of t.produces) {
      if (!ev.artifacts.some((c) => c.path === rel && c.ok)) ctx.violate(`task ${t.id} is done but its evidence does not show ${rel} ok ${where}`);
    }
    if (t.verify && !ev.verify?.ok) ctx.violate(`task ${t.id} is done but its verify did not pass ${where}`);
  }
}

interface Marked {
  pid: number;
  cmd: string;
  marker: string | undefined;
  runId: string | undefined;
}

function envOf(pid: string): Map<string, string> | null {
  try {
    const m = new Map<string, string>();
    for (const kv of readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0')) {
      const i = kv.indexOf('=');
      if (i > 0) m.set(kv.slice(0, i), kv.slice(i + 1));
    }
    return m;
  } catch {
    return null;
  }
}

/** Live processes aura started for this project: they carry AURA_PROJECT_DIR or one of the run ids. */
export function markedProcesses(dir: string, runIds: ReadonlySet<string>): Marked[] {
  const out: Marked[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const env = envOf(name);
    if (!env) continue;
    const runId = env.get('AURA_RUN_ID');
    const ours = env.get('AURA_PROJECT_DIR') === dir || (runId !== undefined && runIds.has(runId));
    if (!ours || !env.has('AURA_WORKER_MARKER')) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 100);
      out.push({ pid: Number(name), cmd, marker: env.get('AURA_WORKER_MARKER'), runId });
    } catch {
      // gone mid-scan
    }
  }
  return out;
}

const SPARE_GRACE_MS = 5000;

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (synchronously: the checks are) until the process is gone, for at most `ms`. */
function goneWithin(pid: number, ms: number): boolean {
  const end = Date.now() + ms;
  const tick = new Int32Array(new SharedArrayBuffer(4));
  while (running(pid) && Date.now() < end) Atomics.wait(tick, 0, 0, 25);
  return !running(pid);
}

/**
 * Invariant 4. With the daemon gone (killed), a worker may run on, but only for a task the state
 * says is running on that very attempt, and a spare runner only until it sees its daemon gone; with
 * the daemon finished (`clean`), nothing may be left.
 */
export function checkMarkers(ctx: Ctx, dir: string, state: RunState | null, where: string, opts: { clean?: boolean; runIds?: Iterable<string> } = {}): void {
  const runIds = new Set(opts.runIds ?? []);
  if (state) runIds.add(state.runId);
  const procs = markedProcesses(dir, runIds);
  for (const p of procs) {
    if (opts.clean) {
      ctx.violate(`process ${p.pid} (${p.cmd}) with marker ${p.marker} is alive after the daemon finished ${where}`);
      continue;
    }
    const owner = state && Object.values(state.tasks).find((t) => t.attempts.some((a) => a.marker === p.marker || p.marker?.startsWith(`${state.runId}:${t.id}:`)));
    const live = owner && ['running', 'verifying'].includes(owner.status);
    // A spare runner never handed an attempt (its marker is no attempt's) exits when its daemon's
    // end of the pipe closes: soon after the kill, not at the very moment.
    if (!owner && p.cmd.includes('runner-main.js --standby') && goneWithin(p.pid, SPARE_GRACE_MS)) continue;
    if (!live) ctx.violate(`process ${p.pid} (${p.cmd}) with marker ${p.marker} is alive but its task is ${owner ? owner.status : 'unknown'} ${where}`);
  }
}

/** Every run id this project has used (the journal may record new ones after a rebuild). */
export function runIdsOf(snap: Snapshot): Set<string> {
  const ids = new Set<string>();
  if (snap.state) ids.add(snap.state.runId);
  for (const e of snap.journal) {
    const id = (e.data as { state?: { runId?: unknown } } | undefined)?.state?.runId;
    if (typeof id === 'string') ids.add(id);
  }
  return ids;
}

/** Everything but the restart: the checks after a fault, with the daemon not running. */
export function checkAfterFault(ctx: Ctx, dir: string, before: Snapshot | null, where: string, opts: { clean?: boolean; allowMissingState?: boolean } = {}): Snapshot {
  const after = snapshot(ctx, dir, where, { allowMissingState: opts.allowMissingState ?? false, allowTornTail: !opts.clean });
  if (before) checkAcknowledged(ctx, before, after, where);
  if (after.saved) checkStateInJournal(ctx, after.saved, after.journal, where);
  if (after.state) checkDoneEvidence(ctx, dir, after.state, where);
  checkMarkers(ctx, dir, after.state, where, { clean: opts.clean ?? false, runIds: before ? runIdsOf(before) : [] });
  checkStatusCache(ctx, dir, after.state, after.journal, where);
  return after;
}

/**
 * Invariant 5: a daemon started afterwards finishes the run (`expect` is its exit code: 0 when
 * every task can be done), then everything above holds with nothing left running.
 */
export async function restartFinishes(ctx: Ctx, dir: string, env: NodeJS.ProcessEnv, before: Snapshot | null, opts: { expect?: number[]; taskFile?: string; timeoutMs?: number; where?: string; resumeIfPaused?: boolean } = {}): Promise<Snapshot | null> {
  const where = opts.where ?? 'after the restart';
  const d = aura([opts.taskFile ?? 'task.md', '--exit-when-done'], { cwd: dir, env, timeoutMs: opts.timeoutMs ?? 60_000 });
  let ended = false;
  const resumer = (async () => {
    // A run left paused by a person (a lost `aura resume`, say) waits for one: give it, as a person would.
    while (opts.resumeIfPaused && !ended) {
      await sleep(300);
      try {
        const st = JSON.parse(readFileSync(path.join(dir, STATE), 'utf8')) as RunState;
        if (st.pause?.kind === 'user' && !ended) await auraRun(['resume', '--reason', 'torture: the run was left paused'], { cwd: dir, env, timeoutMs: 10_000 });
      } catch {
        // mid-replace or not written yet
      }
    }
  })();
  const r = await d.exited;
  ended = true;
  await resumer;
  const expect = opts.expect ?? [0];
  if (r.code === null || !expect.includes(r.code)) {
    ctx.violate(`the restarted daemon exited ${r.code ?? 'never (timed out)'}${r.signal ? ` by ${r.signal}` : ''}, expected ${expect.join(' or ')}:\n${short(r)}`);
  }
  const trace = crashed(r.stdout + r.stderr);
  if (trace) ctx.violate(`the restarted daemon printed a stack trace: ${trace}`);
  return checkAfterFault(ctx, dir, before, where, { clean: true });
}
