// list_directory: the entries of one directory inside the project, a few levels deep, sorted by name.
// Denied names (.aura, .git, .env*, keys, credentials) are left out and counted; symlinks are shown,
// never followed: with their target when it is inside the project, marked when it is not.
import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { errnoCode } from '../../util/errors.js';
import { type Location, deniedIn, deniedName, quote, realLocation, resolveInProject } from '../confine.js';
import { type ToolOutcome, defineTool } from './types.js';

export const DEFAULT_LIST_CAP_ENTRIES = 200;
export const MAX_DEPTH = 3;
/** Past the cap entries are only counted; past this many, not even that (a node_modules at depth 3). */
const COUNT_LIMIT = 10_000;

const input = z.strictObject({
  path: z
    .string()
    .default('.')
    .describe('Project-relative, no ".."; default ".".'),
  depth: z
    .number()
    .int()
    .min(1)
    .max(MAX_DEPTH)
    .default(1)
    .describe('Levels, default 1.'),
});

function bytes(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
}

function fail(text: string): ToolOutcome {
  return { kind: 'answer', isError: true, text: `list_directory: ${text}` };
}

interface Walk {
  realProject: string;
  cap: number;
  lines: string[];
  /** Entries not shown because the cap was reached. */
  more: number;
  hidden: number;
  /** True when counting stopped at COUNT_LIMIT, so `more` is a lower bound. */
  countStopped: boolean;
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** One line for a symlink, or null when it leads to a denied path (then it is hidden like one). */
async function linkLine(w: Walk, abs: string, rel: string): Promise<string | null> {
  let loc: Location;
  try {
    loc = await realLocation(w.realProject, abs);
  } catch (err) {
    return `link  ${rel}  (cannot be resolved: ${errnoCode(err) ?? String(err)})`;
  }
  if ('loop' in loc) return `link  ${rel}  (symlink loop)`;
  if ('outside' in loc) return `link  ${rel}  (points outside the project)`;
  if (deniedIn(loc.rel) !== null) return null;
  let target = loc.rel;
  try {
    if ((await stat(abs)).isDirectory()) target += '/';
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    target += '  (broken: the target does not exist)';
  }
  return `link  ${rel} -> ${target}`;
}

async function entryLine(w: Walk, e: Dirent, abs: string, rel: string): Promise<string | null> {
  if (e.isDirectory()) return `dir   ${rel}/`;
  if (e.isSymbolicLink()) return linkLine(w, abs, rel);
  if (e.isFile()) {
    try {
      return `file  ${rel}  (${bytes((await lstat(abs)).size)})`;
    } catch (err) {
      return `file  ${rel}  (cannot be read: ${errnoCode(err) ?? String(err)})`;
    }
  }
  if (e.isFIFO()) return `fifo  ${rel}`;
  if (e.isSocket()) return `sock  ${rel}`;
  if (e.isCharacterDevice() || e.isBlockDevice()) return `dev   ${rel}`;
  return `other ${rel}`;
}

async function walk(w: Walk, abs: string, rel: string, depthLeft: number): Promise<void> {
  const entries = (await readdir(abs, { withFileTypes: true })).sort(byName);
  for (const e of entries) {
    if (w.countStopped) return;
    if (deniedName(e.name) !== null) {
      w.hidden++;
      continue;
    }
    const childAbs = path.join(abs, e.name);
    const childRel = rel === '.' ? e.name : `${rel}/${e.name}`;
    const full = w.lines.length >= w.cap;
    // Past the cap only links are still looked at: one to a denied path counts as hidden either way.
    const line = full && !e.isSymbolicLink() ? '' : await entryLine(w, e, childAbs, childRel);
    if (line === null) {
      w.hidden++;
      continue;
    }
    if (full) {
      w.more++;
      if (w.lines.length + w.more + w.hidden >= COUNT_LIMIT) w.countStopped = true;
    } else {
      w.lines.push(line);
    }
    // Dirent types come from lstat, so a symlinked directory is never descended into.
    if (e.isDirectory() && depthLeft > 1) {
      try {
        await walk(w, childAbs, childRel, depthLeft - 1);
      } catch (err) {
        if (w.lines.length < w.cap) w.lines.push(`      ${childRel}/ cannot be listed (${errnoCode(err) ?? String(err)})`);
      }
    }
  }
}

export const listDirectory = defineTool({
  name: 'list_directory',
  description:
    'List a project directory (entries with sizes, up to 3 levels). .aura, .git, .env*, keys and credentials are hidden.',
  input,
  async run(args, env): Promise<ToolOutcome> {
    const r = await resolveInProject(env.project, args.path);
    if (!r.ok) return fail(r.message);
    const shown = quote(args.path);
    try {
      const st = await lstat(r.abs);
      if (!st.isDirectory()) return fail(`${shown} is not a directory; use read_file for files`);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return fail(`${shown} does not exist`);
      return fail(`${shown} cannot be listed (${code ?? String(err)})`);
    }
    const w: Walk = { realProject: await realpath(env.project), cap: env.listCapEntries, lines: [], more: 0, hidden: 0, countStopped: false };
    try {
      await walk(w, r.abs, r.rel, args.depth);
    } catch (err) {
      return fail(`${shown} cannot be listed (${errnoCode(err) ?? String(err)})`);
    }
    return { kind: 'answer', text: [heading(r.rel, args.depth, w), ...w.lines, ...footer(w)].join('\n') };
  },
});

function heading(rel: string, depth: number, w: Walk): string {
  const total = w.lines.length + w.more;
  const entries = `${w.countStopped ? 'at least ' : ''}${total} ${total === 1 ? 'entry' : 'entries'}`;
  const hidden = w.hidden === 0 ? '' : `; ${w.hidden} hidden (.aura, .git, .env*, keys and credentials are not shown)`;
  const empty = total === 0 ? ' (empty)' : '';
  return `[${rel === '.' ? '. (project root)' : `${rel}/`}: ${entries}, depth ${depth}${hidden}]${empty}`;
}

function footer(w: Walk): string[] {
  if (w.more === 0) return [];
  const n = `${w.countStopped ? 'at least ' : ''}${w.more}`;
  return [`… ${n} more not shown (the cap is ${w.cap}); list a subdirectory or use a smaller depth`];
}
