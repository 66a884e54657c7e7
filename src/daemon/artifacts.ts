// Facts about `produces:` paths, gathered for the evidence gate (I/O only; the judging is pure).
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactFact } from '../core/evidence.js';
import type { PriorArtifact } from '../store/schema.js';
import { errnoCode } from '../util/errors.js';

/** Resolves an artifact path inside the project; null (with why) when it points outside. */
export function resolveInside(projectDir: string, p: string): { abs: string } | { problem: string } {
  const abs = path.resolve(projectDir, p);
  const rel = path.relative(projectDir, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { problem: 'outside the project directory' };
  if (rel.split(path.sep)[0] === '.aura') return { problem: "inside aura's own .aura directory" };
  return { abs };
}

async function factFor(projectDir: string, realProject: string, p: string): Promise<ArtifactFact> {
  const r = resolveInside(projectDir, p);
  if ('problem' in r) return { path: p, stat: null, problem: r.problem };
  try {
    const st = await stat(r.abs);
    const real = await realpath(r.abs);
    const relReal = path.relative(realProject, real);
    if (relReal.startsWith('..') || path.isAbsolute(relReal)) {
      return { path: p, stat: null, problem: 'a symlink that leads outside the project directory' };
    }
    const entries = st.isDirectory() ? (await readdir(r.abs)).length : undefined;
    return {
      path: p,
      stat: { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, isDirectory: st.isDirectory(), ...(entries !== undefined ? { entries } : {}) },
    };
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path: p, stat: null };
    return { path: p, stat: null, problem: `cannot be read (${code ?? String(err)})` };
  }
}

export async function gatherArtifacts(projectDir: string, paths: string[]): Promise<ArtifactFact[]> {
  const realProject = await realpath(projectDir);
  return Promise.all(paths.map((p) => factFor(projectDir, realProject, p)));
}

/** Snapshot taken just before a worker starts, so freshness can be proven afterwards. */
export async function snapshotPriors(projectDir: string, paths: string[]): Promise<PriorArtifact[]> {
  const facts = await gatherArtifacts(projectDir, paths);
  return facts.map((f) =>
    f.stat ? { path: f.path, existed: true, mtimeMs: f.stat.mtimeMs, size: f.stat.size, ino: f.stat.ino } : { path: f.path, existed: false },
  );
}
