// One daemon per project: .aura/run/daemon.lock names the holder. Taking, updating and releasing it;
// reading it and judging its holder is lock-read.ts.
//
// Creation is exclusive and all-or-nothing: the content is written to a private temp file which is
// then hard-linked to daemon.lock (link fails with EEXIST like O_EXCL). Opening daemon.lock with 'wx'
// and writing afterwards would let a racing process read an empty file, judge it a crashed create
// and take the lock over while its owner is still starting.
//
// A lock that is not live (lock-read.ts says when) is stale: under the takeover mutex
// (takeover-mutex.ts) it is renamed to daemon.lock.stale, and every starter then retries the exclusive
// create, so racing starters end with exactly one holder. The winner reads and removes that note and
// reports the takeover (tookOverFrom) for the journal.
import fsp from 'node:fs/promises';
import fs from 'node:fs';
import path from 'node:path';
import { processMatches, readStat } from '../proc/index.js';
import { AuraError, errnoCode } from '../util/errors.js';
import type { Now } from './aside.js';
import type { Layout } from './layout.js';
import { inspect, staleReason, type LockInfo } from './lock-read.js';
import { tryTakeoverMutex } from './takeover-mutex.js';

export type LockRequest = Omit<LockInfo, 'pid' | 'startTicks' | 'startedAt'> & Partial<LockInfo>;

export interface TakeOver {
  /** The previous holder's pid; 0 when the lock file was unreadable (a create that crashed). */
  pid: number;
  /** Why it was stale, in words (for the journal). */
  reason: string;
}

const MAX_ROUNDS = 100;
let counter = 0;

/** Creates `file` with `content` only if it does not exist; false when it does. Returns its inode. */
async function createExclusive(file: string, content: string): Promise<number | null> {
  counter += 1;
  const tmp = `${file}.new-${process.pid}-${counter}`;
  await fsp.writeFile(tmp, content, { flag: 'wx', mode: 0o644 });
  try {
    await fsp.link(tmp, file);
    return (await fsp.stat(tmp)).ino;
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return null;
    throw err;
  } finally {
    await fsp.unlink(tmp);
  }
}

/** Temp files of creates that crashed between write and unlink (their pid is gone). */
async function removeOrphans(file: string): Promise<void> {
  const dir = path.dirname(file);
  const re = new RegExp(`^${path.basename(file).replace(/\./g, '\\.')}\\.new-(\\d+)-\\d+$`);
  for (const name of await fsp.readdir(dir)) {
    const m = re.exec(name);
    if (!m || processMatches({ pid: Number(m[1]), startTicks: null })) continue;
    try {
      await fsp.unlink(path.join(dir, name));
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
}

/**
 * The stale lock the last takeover moved aside, if any: read, reported, removed. The lock path only
 * becomes free for us after that rename, so the winner of a race always finds the note.
 */
async function consumeStaleNote(note: string): Promise<TakeOver | null> {
  const seen = await inspect(note);
  if (seen === null) return null;
  await unlinkIfPresent(note);
  if (!seen.info) return { pid: 0, reason: 'the lock file was empty or unreadable' };
  return { pid: seen.info.pid, reason: staleReason(seen.info) ?? `PID ${seen.info.pid} had left it` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LockHandle {
  readonly file: string;
  readonly tookOverFrom: TakeOver | null;
  private current: LockInfo;
  private ino: number;
  private content: string;
  private released = false;

  constructor(file: string, info: LockInfo, content: string, ino: number, tookOverFrom: TakeOver | null) {
    this.file = file;
    this.current = info;
    this.content = content;
    this.ino = ino;
    this.tookOverFrom = tookOverFrom;
  }

  get info(): LockInfo {
    return this.current;
  }

  /**
   * Adds what the holder learnt after taking the lock (the dashboard's address). The file is replaced
   * by rename, never rewritten in place: a reader (or a racing starter) must never see it empty or
   * half-written, which it would judge a crashed create and take over. Refuses when the file is no
   * longer ours.
   */
  async update(patch: Pick<LockInfo, 'http'>): Promise<void> {
    if (this.released) throw new AuraError('INTERNAL', `lock ${this.file} was already released`);
    const seen = await inspect(this.file);
    if (!seen || seen.ino !== this.ino || seen.raw.toString('utf8') !== this.content) {
      throw new AuraError('STATE', `lock ${this.file} is no longer ours; not updating it`);
    }
    const info: LockInfo = { ...this.current, ...patch };
    const content = JSON.stringify(info) + '\n';
    counter += 1;
    const tmp = `${this.file}.new-${process.pid}-${counter}`;
    // Same mode as the lock itself, whatever the store's policy for it is.
    const mode = (await fsp.stat(this.file)).mode & 0o777;
    await fsp.writeFile(tmp, content, { flag: 'wx', mode });
    let ino: number;
    try {
      ino = (await fsp.stat(tmp)).ino; // rename keeps the inode
      await fsp.rename(tmp, this.file);
    } catch (err) {
      await unlinkIfPresent(tmp);
      throw err;
    }
    this.ino = ino;
    this.content = content;
    this.current = info;
  }

  /** Removes the lock file if it is still ours. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const seen = await inspect(this.file);
    if (seen && seen.ino === this.ino && seen.raw.toString('utf8') === this.content) await unlinkIfPresent(this.file);
  }

  /** The same for process 'exit' handlers, where nothing asynchronous runs any more. */
  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    let raw: string;
    let ino: number;
    try {
      ino = fs.statSync(this.file).ino;
      raw = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    if (ino !== this.ino || raw !== this.content) return;
    try {
      fs.unlinkSync(this.file);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }

  close(): Promise<void> {
    return this.release();
  }
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await fsp.unlink(file);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}

function lockedError(layout: Layout, info: LockInfo): AuraError {
  return new AuraError(
    'LOCKED',
    `another aura daemon (PID ${info.pid}, started ${info.startedAt}) is already running in ${layout.project}`,
    'stop it with `aura stop`, or wait for it to finish',
  );
}

export async function acquireLock(layout: Layout, request: LockRequest, opts: { now?: Now } = {}): Promise<LockHandle> {
  const now = opts.now ?? Date.now;
  const pid = request.pid ?? process.pid;
  const info: LockInfo = {
    ...request,
    pid,
    startTicks: request.startTicks !== undefined ? request.startTicks : (readStat(pid)?.startTicks ?? null),
    startedAt: request.startedAt ?? new Date(now()).toISOString(),
  };
  const content = JSON.stringify(info) + '\n';
  const file = layout.lockFile;
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const mutexKey = path.join(await fsp.realpath(path.dirname(file)), path.basename(file));
  const note = `${file}.stale`;

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const ino = await createExclusive(file, content);
    if (ino !== null) {
      try {
        const tookOverFrom = await consumeStaleNote(note);
        await removeOrphans(file);
        return new LockHandle(file, info, content, ino, tookOverFrom);
      } catch (err) {
        // We hold it but cannot report a usable handle: do not leave a lock nobody will release.
        await unlinkIfPresent(file);
        throw err;
      }
    }
    const seen = await inspect(file);
    if (seen === null) continue; // released in between: try again
    if (seen.info && staleReason(seen.info) === null) throw lockedError(layout, seen.info);

    const release = await tryTakeoverMutex(mutexKey);
    if (release === null) {
      // Another starter is removing the stale lock right now; see what it leaves behind.
      await sleep(2 + Math.random() * 10);
      continue;
    }
    try {
      const again = await inspect(file);
      // Move only the very file judged stale; anything else gets judged afresh next round. It goes to
      // the note rather than away, so whoever wins the lock next (maybe not us) reports the takeover.
      if (again && again.ino === seen.ino && again.raw.equals(seen.raw)) await fsp.rename(file, note);
    } finally {
      await release();
    }
  }
  throw new AuraError('LOCKED', `could not take the lock ${file}: it kept changing under us`, 'try again');
}
