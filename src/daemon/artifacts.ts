// Facts about `produces:` paths, gathered for the evidence gate (I/O only; the judging is pure, in
// core/evidence.ts). What was written is judged by content where it matters: a file's sha256, a
// directory's manifest (every entry's path, kind and content), so `touch` proves nothing and a file
// changed deep inside a directory counts. Where a path is new, the inode behind it must be new too:
// a symlink or hard link to something that existed before the attempt is not "written" by it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactFact } from '../core/evidence.js';
import type { PriorArtifact } from '../store/schema.js';
import { errnoCode } from '../util/errors.js';
import { isOutside } from '../util/inside.js';

/** Directory manifests stop here: the digest then covers the first entries in sorted order. */
const MAX_MANIFEST_ENTRIES = 10_000;

export interface HashLimits {
  /** Files larger than this are judged by inode, size and mtime instead of their content. */
  maxFileBytes: number;
}

export const DEFAULT_HASH_LIMITS: HashLimits = { maxFileBytes: 256 * 1024 * 1024 };

/** Resolves an artifact path inside the project; null (with why) when it points outside. */
export function resolveInside(projectDir: string, p: string): { abs: string } | { problem: string } {
  const abs = path.resolve(projectDir, p);
  const rel = path.relative(projectDir, abs);
  if (rel === '' || isOutside(rel)) return { problem: 'outside the project directory' };
  if (rel.split(path.sep)[0] === '.aura') return { problem: "inside aura's own .aura directory" };
  return { abs };
}

async function fileDigest(file: string, size: number, limits: HashLimits): Promise<string | null> {
  if (size > limits.maxFileBytes) return null;
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

/** A directory's content as one digest: every entry (sorted, bounded), its kind and content. */
async function dirDigest(dir: string, limits: HashLimits): Promise<{ digest: string; entries: number; truncated: boolean }> {
  const h = createHash('sha256');
  let entries = 0;
  let truncated = false;
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(path.join(dir, rel))).sort();
    for (const name of names) {
      if (entries >= MAX_MANIFEST_ENTRIES) {
        truncated = true;
        return;
      }
      entries++;
      const r = rel ? `${rel}/${name}` : name;
      const abs = path.join(dir, r);
      const st = await lstat(abs);
      if (st.isDirectory()) {
        h.update(`d ${r}\n`);
        await walk(r);
      } else if (st.isFile()) {
        const d = await fileDigest(abs, st.size, limits);
        h.update(`f ${r} ${st.size} ${d ?? `ino:${st.ino} mtime:${st.mtimeMs}`}\n`);
      } else {
        h.update(`o ${r} ${st.isSymbolicLink() ? 'link' : 'special'} ${st.size} ${st.mtimeMs}\n`);
      }
    }
  };
  await walk('');
  return { digest: `manifest:${h.digest('hex')}`, entries, truncated };
}

async function factFor(projectDir: string, realProject: string, p: string, limits: HashLimits): Promise<ArtifactFact> {
  const r = resolveInside(projectDir, p);
  if ('problem' in r) return { path: p, stat: null, problem: r.problem };
  try {
    const link = await lstat(r.abs);
    const st = await stat(r.abs);
    const real = await realpath(r.abs);
    if (isOutside(path.relative(realProject, real))) {
      return { path: p, stat: null, problem: 'a symlink that leads outside the project directory' };
    }
    const isDirectory = st.isDirectory();
    const dir = isDirectory ? await dirDigest(r.abs, limits) : null;
    const digest = dir ? dir.digest : st.isFile() ? await fileDigest(r.abs, st.size, limits) : null;
    return {
      path: p,
      stat: {
        size: st.size,
        mtimeMs: st.mtimeMs,
        ino: st.ino,
        isDirectory,
        ...(dir ? { entries: dir.entries } : {}),
        digest,
        nlink: st.nlink,
        // 0 where the filesystem keeps no birth time.
        birthtimeMs: st.birthtimeMs > 0 ? st.birthtimeMs : null,
        symlink: link.isSymbolicLink(),
      },
    };
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path: p, stat: null };
    return { path: p, stat: null, problem: `cannot be read (${code ?? String(err)})` };
  }
}

export async function gatherArtifacts(projectDir: string, paths: string[], limits: HashLimits = DEFAULT_HASH_LIMITS): Promise<ArtifactFact[]> {
  const realProject = await realpath(projectDir);
  return Promise.all(paths.map((p) => factFor(projectDir, realProject, p, limits)));
}

/** Snapshot taken just before a worker starts, so freshness can be proven afterwards. */
export async function snapshotPriors(projectDir: string, paths: string[], limits: HashLimits = DEFAULT_HASH_LIMITS): Promise<PriorArtifact[]> {
  const facts = await gatherArtifacts(projectDir, paths, limits);
  return facts.map((f) =>
    f.stat
      ? { path: f.path, existed: true, mtimeMs: f.stat.mtimeMs, size: f.stat.size, ino: f.stat.ino, ...(f.stat.digest ? { digest: f.stat.digest } : {}) }
      : { path: f.path, existed: false },
  );
}

/**
 * The filesystem's own "now" at the start of an attempt: the birth (or change) time of a marker made
 * in the attempt directory. Comparing artifacts with it rather than with the daemon's clock keeps a
 * shared filesystem's clock skew out of the judgement.
 */
export async function filesystemFence(attemptDir: string): Promise<number | null> {
  const marker = path.join(attemptDir, '.started');
  await mkdir(marker, { recursive: true });
  const st = await stat(marker);
  return st.birthtimeMs > 0 ? st.birthtimeMs : st.ctimeMs > 0 ? st.ctimeMs : null;
}
