// Confinement of the planner's file tools (and of paths the model proposes) to the project.
//
// Rules, in the order they are checked:
// - a path is text naming something inside the project: not empty, no NUL byte, no `~` (never expanded),
//   no backslash (so no Windows drive or UNC forms, and no `..\` tricks on a filesystem that would take
//   it literally), and no `..` segment anywhere — even `src/../src/a.ts`, which stays inside, is refused:
//   one simple rule the model can follow beats a lexical judgement that symlinks can falsify;
// - absolute paths are accepted only when they lie inside the project (lexically, then for real);
// - no segment may be a denied name (case-insensitively, since `.AURA` is `.aura` on some filesystems):
//   aura's own `.aura` directory (aura hands the model the state, journal and worker outputs itself),
//   `.git`, `.env`/`.env.*`/`.envrc`, `config.env`, private keys, credential files (.npmrc, .netrc, ...).
//   `.env.example` is refused too: telling a template from a filled-in copy is guesswork;
// - after resolving symlinks (the longest existing prefix with realpath, the rest followed by hand so that
//   dangling links count too), the result must still be inside the real project and still not denied.
//
// Messages are sentences without the tool's name; a tool prefixes its own ("read_file: ...").
import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../util/errors.js';

export type Resolved = { ok: true; abs: string; rel: string } | { ok: false; message: string };

const RELATIVE_HINT = 'give a path relative to the project root';
/** How many dangling symlinks in a row are followed before calling it a loop (Linux stops at 40). */
const MAX_HOPS = 40;

interface DenyRule {
  test: (lowerName: string) => boolean;
  why: string;
}

const DENY: DenyRule[] = [
  { test: (n) => n === '.aura', why: "is aura's own directory (.aura); aura gives you the run's state, journal and worker outputs itself" },
  { test: (n) => n === '.git', why: "is git's internal data (.git)" },
  { test: (n) => n === '.env' || n.startsWith('.env.') || n === '.envrc', why: 'is an environment file (.env, .env.*, .envrc) that may hold secrets' },
  { test: (n) => n === 'config.env', why: 'is a configuration file (config.env) that may hold keys' },
  {
    test: (n) => /^id_(rsa|dsa|ecdsa|ed25519)/.test(n) || n.endsWith('.pem') || n.endsWith('.key'),
    why: 'looks like a private key (id_rsa*, *.pem, *.key)',
  },
  { test: (n) => n === '.ssh', why: 'is an SSH key directory (.ssh)' },
  {
    test: (n) => n === '.npmrc' || n === '.netrc' || n === '.pypirc' || n === '.git-credentials',
    why: 'is a credentials file (.npmrc, .netrc, .pypirc, .git-credentials)',
  },
];

/** Why a single file or directory name is never shown to the model, or null when it may be. */
export function deniedName(name: string): string | null {
  const lower = name.toLowerCase();
  return DENY.find((r) => r.test(lower))?.why ?? null;
}

/** The first denied segment of a project-relative path and why, or null. */
export function deniedIn(rel: string): { segment: string; why: string } | null {
  for (const segment of rel.split('/')) {
    const why = deniedName(segment);
    if (why !== null) return { segment, why };
  }
  return null;
}

/** The path as it appears in a message: JSON-quoted (so control characters show), shortened. */
export function quote(raw: string): string {
  return JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);
}

function deniedMessage(raw: string, d: { segment: string; why: string }): string {
  const self = path.posix.normalize(raw).replace(/\/$/, '').toLowerCase() === d.segment.toLowerCase();
  if (self) return `${quote(raw)} ${d.why}; file tools cannot use it`;
  return `${quote(raw)} is not available to file tools: ${quote(d.segment)} ${d.why}`;
}

/** Problems visible in the text alone, before any absolute/relative judgement. */
function syntaxProblem(raw: string): string | null {
  const q = quote(raw);
  if (raw.trim() === '') return `the path is empty; ${RELATIVE_HINT} ("." for the root)`;
  if (raw.includes('\0')) return `${q} contains a NUL byte; ${RELATIVE_HINT}`;
  if (raw.startsWith('~')) return `${q} starts with "~", which is not expanded (home directories are outside the project); ${RELATIVE_HINT}`;
  if (raw.includes('\\') || /^[a-zA-Z]:/.test(raw)) {
    return `${q} is a Windows-style path; ${RELATIVE_HINT}, with "/" between names`;
  }
  if (raw.split('/').includes('..')) return `${q} contains "..", which is not allowed (even when it stays inside); ${RELATIVE_HINT}, without ".."`;
  return null;
}

function outsideMessage(raw: string): string {
  return `${quote(raw)} is outside the project; ${RELATIVE_HINT}`;
}

/** The project-relative form of `abs` with "/" separators ("." for the root), or null when outside `root`. */
function relativeInside(root: string, abs: string): string | null {
  const rel = path.relative(root, abs);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

/**
 * What is wrong with `raw` as a project path, judged from the text alone (no disk access), or null.
 * Without `project`, absolute paths are refused; with it, they must lie inside it lexically.
 * Passing this check does not rule out symlink escapes: resolveInProject does that.
 */
export function pathProblem(raw: string, project?: string): string | null {
  const syntax = syntaxProblem(raw);
  if (syntax !== null) return syntax;
  let rel = path.posix.normalize(raw);
  if (path.isAbsolute(raw)) {
    if (project === undefined) return `${quote(raw)} is an absolute path; ${RELATIVE_HINT}`;
    const inside = relativeInside(path.resolve(project), path.resolve(raw));
    if (inside === null) return outsideMessage(raw);
    rel = inside;
  }
  const denied = deniedIn(rel);
  return denied === null ? null : deniedMessage(raw, denied);
}

/**
 * The real location of `p`, which need not exist: realpath where it can, and by hand through a missing
 * tail or a dangling symlink (whose target is where a write would land). Throws ELOOP for loops.
 */
async function realish(p: string, hops: number): Promise<string> {
  try {
    return await realpath(p);
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  const parent = path.dirname(p);
  if (parent === p) return p;
  const realParent = await realish(parent, hops);
  let link: string | null = null;
  try {
    if ((await lstat(p)).isSymbolicLink()) link = await readlink(p);
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  if (link === null) return path.join(realParent, path.basename(p));
  if (hops <= 0) throw Object.assign(new Error('too many symlinks'), { code: 'ELOOP' });
  return realish(path.resolve(realParent, link), hops - 1);
}

export type Location = { rel: string } | { outside: true } | { loop: true };

/**
 * Where the absolute path `abs` really is, symlinks resolved (it need not exist): its "/"-separated path
 * relative to `realProject` (itself already real), or outside it, or a symlink loop. Other errors throw.
 */
export async function realLocation(realProject: string, abs: string): Promise<Location> {
  let real: string;
  try {
    real = await realish(abs, MAX_HOPS);
  } catch (err) {
    if (errnoCode(err) === 'ELOOP') return { loop: true };
    throw err;
  }
  const rel = relativeInside(realProject, real);
  return rel === null ? { outside: true } : { rel };
}

/**
 * Resolves `raw` (relative to `project`, or absolute inside it) to its real location, refusing every
 * way out of the project and every denied path. `abs` is the real absolute path (symlinks resolved; it
 * may not exist), `rel` the same relative to the real project root, with "/" separators ("." for the root).
 */
export async function resolveInProject(project: string, raw: string): Promise<Resolved> {
  const syntax = syntaxProblem(raw);
  if (syntax !== null) return { ok: false, message: syntax };
  let realProject: string;
  try {
    realProject = await realpath(project);
  } catch (err) {
    return { ok: false, message: `the project directory cannot be resolved (${errnoCode(err) ?? String(err)})` };
  }
  let rel: string | null = path.posix.normalize(raw);
  if (path.isAbsolute(raw)) {
    // The project may be named through a symlink (/tmp on macOS): either spelling of it counts.
    rel = relativeInside(path.resolve(project), path.resolve(raw)) ?? relativeInside(realProject, path.resolve(raw));
    if (rel === null) return { ok: false, message: outsideMessage(raw) };
  }
  const denied = deniedIn(rel);
  if (denied !== null) return { ok: false, message: deniedMessage(raw, denied) };

  let loc: Location;
  try {
    loc = await realLocation(realProject, path.resolve(realProject, rel));
  } catch (err) {
    return { ok: false, message: `${quote(raw)} cannot be resolved (${errnoCode(err) ?? String(err)})` };
  }
  if ('loop' in loc) return { ok: false, message: `${quote(raw)} goes through a symlink loop; ${RELATIVE_HINT} that names a real file` };
  if ('outside' in loc) {
    return { ok: false, message: `${quote(raw)} leads outside the project through a symlink; only files inside the project can be used` };
  }
  const realRel = loc.rel;
  const deniedReal = deniedIn(realRel);
  if (deniedReal !== null) {
    return { ok: false, message: `${quote(raw)} leads through a symlink to ${quote(realRel)}, which is not available to file tools: ${quote(deniedReal.segment)} ${deniedReal.why}` };
  }
  return { ok: true, abs: path.resolve(realProject, realRel), rel: realRel };
}
