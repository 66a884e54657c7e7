// The planner's memory under .aura/memory/:
//   MEMORY.md          facts, lessons, decisions: fed back every cycle, bounded; older entries move
//                      to MEMORY.archive.md (nothing is deleted)
//   session.md         short-term notes between cycles, bounded the same way
//   context.json       the project context update_project_context merges into
//   reviews/<time>.md  deep-reflection reviews
// People may edit MEMORY.md by hand; it is read fresh each cycle and entries are kept verbatim.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MemorySection, ProjectContextFields } from '../core/proposals.js';

const SECTIONS = [
  ['facts', 'Facts'],
  ['lessons', 'Lessons'],
  ['decisions', 'Decisions'],
] as const;
const SESSION_MAX_CHARS = 2000;

export interface MemoryFiles {
  dir: string;
  memory: string;
  archive: string;
  session: string;
  context: string;
  reviews: string;
}

export function memoryFiles(dir: string): MemoryFiles {
  return {
    dir,
    memory: path.join(dir, 'MEMORY.md'),
    archive: path.join(dir, 'MEMORY.archive.md'),
    session: path.join(dir, 'session.md'),
    context: path.join(dir, 'context.json'),
    reviews: path.join(dir, 'reviews'),
  };
}

async function readOr(file: string, dflt: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return dflt;
    throw err;
  }
}

/**
 * `head`: the text before the first `## ` heading; `sections`: each heading's entries; `intros`: text
 * under a heading before its first entry (a person's note on the section), kept verbatim.
 */
type Parsed = { head: string; sections: Map<string, string[]>; intros?: Map<string, string> };

/** Entries are the `- ` lines under each `## ` heading; other text is kept as the head or a section's intro. */
export function parseMemory(text: string): Parsed {
  const sections = new Map<string, string[]>(SECTIONS.map(([, h]) => [h, []]));
  const intros = new Map<string, string>();
  const head: string[] = [];
  let current: string[] | null = null;
  let currentName = '';
  for (const line of text.split('\n')) {
    const h = /^##\s+(.+?)\s*$/.exec(line);
    if (h) {
      currentName = h[1] as string;
      current = sections.get(currentName) ?? [];
      sections.set(currentName, current);
      continue;
    }
    if (current && line.startsWith('- ')) current.push(line.slice(2));
    else if (current && line.trim() && current.length) current[current.length - 1] += `\n${line}`;
    else if (current && line.trim()) intros.set(currentName, intros.has(currentName) ? `${intros.get(currentName)}\n${line}` : line);
    else if (!current) head.push(line);
  }
  return { head: head.join('\n').trim(), sections, intros };
}

export function renderMemory(p: Parsed): string {
  const out = [p.head || '# Memory'];
  for (const [name, entries] of p.sections) {
    const intro = p.intros?.get(name);
    out.push('', `## ${name}`, ...(intro ? [intro] : []), ...entries.map((e) => `- ${e}`));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Keeps the memory under `max` characters by moving the oldest entries (oldest section entries
 * first, across sections) to the archive. Returns the kept text and the moved entries.
 */
export function compactMemory(p: Parsed, max: number): { kept: Parsed; moved: string[] } {
  const sections = new Map([...p.sections].map(([k, v]) => [k, [...v]]));
  const moved: string[] = [];
  const size = () => renderMemory({ head: p.head, sections, intros: p.intros }).length;
  while (size() > max) {
    // The section with the most entries gives up its oldest.
    let biggest: [string, string[]] | null = null;
    for (const e of sections) if (e[1].length > 0 && (!biggest || e[1].length > biggest[1].length)) biggest = e;
    if (!biggest) break;
    moved.push(`${biggest[0]}: ${biggest[1].shift()}`);
  }
  return { kept: { head: p.head, sections, intros: p.intros }, moved };
}

function stamp(now: Date): string {
  return now.toISOString().slice(0, 16).replace('T', ' ');
}

export async function writeMemoryEntry(f: MemoryFiles, section: MemorySection, text: string, now: Date, maxChars: number): Promise<string> {
  await mkdir(f.dir, { recursive: true });
  const entry = `[${stamp(now)}] ${text.trim().replace(/\n+/g, ' ')}`;
  if (section === 'session') {
    const lines = (await readOr(f.session, '')).split('\n').filter((l) => l.trim());
    lines.push(`- ${entry}`);
    const moved: string[] = [];
    while (lines.join('\n').length > SESSION_MAX_CHARS && lines.length > 1) moved.push(lines.shift() as string);
    if (moved.length) await appendFile(f.archive, moved.map((l) => `${l.replace(/^- /, '- session: ')}\n`).join(''));
    await writeFile(f.session, `${lines.join('\n')}\n`);
    return 'noted in session.md';
  }
  const parsed = parseMemory(await readOr(f.memory, ''));
  const heading = SECTIONS.find(([k]) => k === section)?.[1] as string;
  parsed.sections.get(heading)?.push(entry) ?? parsed.sections.set(heading, [entry]);
  const { kept, moved } = compactMemory(parsed, maxChars);
  if (moved.length) await appendFile(f.archive, moved.map((m) => `- ${m}\n`).join(''));
  await writeFile(f.memory, renderMemory(kept));
  return moved.length ? `saved under ${heading}; ${moved.length} older entr${moved.length === 1 ? 'y' : 'ies'} moved to MEMORY.archive.md` : `saved under ${heading}`;
}

/** MEMORY.md as fed to the model: never more than `max` characters (a hand-edited file is cut). */
export async function readMemoryForContext(f: MemoryFiles, max: number): Promise<string> {
  const text = (await readOr(f.memory, '')).trim();
  return text.length > max ? `${text.slice(0, max)}\n… (cut at ${max} characters)` : text;
}

export async function readSession(f: MemoryFiles): Promise<string> {
  return (await readOr(f.session, '')).trim().slice(-SESSION_MAX_CHARS);
}

export async function readProjectContext(f: MemoryFiles): Promise<ProjectContextFields> {
  try {
    const v = JSON.parse(await readOr(f.context, '{}')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as ProjectContextFields;
  } catch {
    return {}; // a hand-broken file is replaced by the next merge
  }
}

/** Merges: a given field replaces (an empty string clears it); fields not given are kept. */
export function mergeContext(old: ProjectContextFields, given: ProjectContextFields): ProjectContextFields {
  const out: Record<string, string> = { ...(old as Record<string, string>) };
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined) continue;
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out as ProjectContextFields;
}

export async function updateProjectContextFile(f: MemoryFiles, given: ProjectContextFields): Promise<string> {
  await mkdir(f.dir, { recursive: true });
  const merged = mergeContext(await readProjectContext(f), given);
  await writeFile(f.context, `${JSON.stringify(merged, null, 2)}\n`);
  return `project context now has: ${Object.keys(merged).join(', ') || '(nothing)'}`;
}

export async function writeReview(f: MemoryFiles, text: string, now: Date): Promise<string> {
  await mkdir(f.reviews, { recursive: true });
  const name = `${now.toISOString().replace(/[:.]/g, '-')}.md`;
  await writeFile(path.join(f.reviews, name), `# Review ${now.toISOString()}\n\n${text.trim()}\n`);
  return path.join('reviews', name);
}

export async function readReview(f: MemoryFiles, rel: string): Promise<string> {
  return (await readOr(path.join(f.dir, rel), '')).trim().slice(0, 4000);
}
