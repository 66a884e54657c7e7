// .aura/state/status-cache.json: what `aura status` shows of a run with no daemon answering
// (progress/status-digest.ts), so that reading a 20,000-task run does not mean parsing all of it.
// The daemon keeps it current between cycles (daemon/status-cache-keeper.ts) and writes it last as it
// stops, so a daemon that died (kill -9) usually leaves one that still holds. Trusted
// only while it provably describes the files on disk: its header records state.json's and the
// journal's inode, size and mtime as they were when its body was taken, and a checksum of its body.
// Any later write (a journal entry the cache has not seen, a new daemon, a crash recovery, an edit by
// hand, `aura clean`) changes one of them and the cache is ignored; so is a cache that is missing,
// damaged or from another version. The reader never writes: a read-only command leaves .aura as it
// found it.
import { createHash } from 'node:crypto';
import { closeSync, constants, ftruncateSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import type { Layout } from './layout.js';

const VERSION = 1;

export interface Stamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

function stampOf(file: string): Stamp | null {
  try {
    const s = statSync(file);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

function sameStamp(recorded: unknown, now: Stamp | null): boolean {
  if (now === null || typeof recorded !== 'object' || recorded === null) return false;
  const r = recorded as Partial<Stamp>;
  return r.ino === now.ino && r.size === now.size && r.mtimeMs === now.mtimeMs;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export interface RunStamps {
  state: Stamp;
  journal: Stamp;
}

/** state.json's and the journal's stamps as they are now; null when either is missing. */
export function runStamps(layout: Layout): RunStamps | null {
  const state = stampOf(layout.stateFile);
  const journal = stampOf(layout.journalFile);
  return state && journal ? { state, journal } : null;
}

export const sameStamps = (a: RunStamps, b: RunStamps): boolean => sameStamp(a.state, b.state) && sameStamp(a.journal, b.journal);

/**
 * `body` describes the run as state.json and the journal were at `stamps` (taken in the same tick as
 * the body, with nothing written between); without them, as they are now. Synchronous, so nothing of
 * the daemon's can move either file between the stamps and the write.
 *
 * Written over in place (then cut to its length), neither renamed into place nor fsynced: it is
 * written after nearly every commit, and a rename over a file on ext4 waits for the old file's data
 * to reach the disk, behind the journal's own syncs: ~1 ms of a busy 20,000-task daemon's time per
 * commit, ~5 ms per task, against ~0.03 ms this way. A reader that catches a write half done, or a
 * cache a crash or power cut tore, sees a checksum that does not match its body and reads the run.
 */
export function writeStatusCache(layout: Layout, body: string, stamps: RunStamps | null = runStamps(layout)): void {
  if (!stamps) return;
  const header = { v: VERSION, state: stamps.state, journal: stamps.journal, sha256: sha256(body) };
  const bytes = Buffer.from(`${JSON.stringify(header)}\n${body}\n`, 'utf8');
  // No O_TRUNC (cutting a file to nothing makes ext4 flush it on close, as a rename does); not through a link.
  const fd = openSync(layout.statusCacheFile, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off, off);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
}

/** The cache's body when it is whole and state.json and the journal are still what it describes; else null. */
export function readStatusCache(layout: Layout): string | null {
  let text: string;
  try {
    text = readFileSync(layout.statusCacheFile, 'utf8');
  } catch {
    return null; // none (never stopped cleanly, or an older aura)
  }
  const nl = text.indexOf('\n');
  if (nl < 0) return null;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
  } catch {
    return null;
  }
  const body = text.slice(nl + 1).replace(/\n$/, '');
  if (typeof header !== 'object' || header === null || header.v !== VERSION || header.sha256 !== sha256(body)) return null;
  if (!sameStamp(header.state, stampOf(layout.stateFile)) || !sameStamp(header.journal, stampOf(layout.journalFile))) return null;
  return body;
}
