// Task ids and title matching. Ids become directory names under .aura/ and arguments on the command
// line, so they are kept to a small, path-safe alphabet; titles are compared loosely so cosmetic edits
// (bold, a trailing period, different spacing) do not look like a different task.
import { AuraError } from '../util/errors.js';

/** Longest derived id; long titles are cut at a word boundary so the id stays readable in listings. */
export const MAX_DERIVED_ID = 40;
/** Longest explicit id the user may write. */
export const MAX_EXPLICIT_ID = 64;
/** `needs: none` means "no dependencies", so no task may be called `none`. */
export const RESERVED_ID = 'none';
/** The goal is the root task of every run (core/tree.ts GOAL_ID), so no item may be called `goal`. */
export const GOAL_RESERVED_ID = 'goal';

export const ID_RULES =
  'ids may use letters, digits, ".", "_" and "-", must start with a letter or digit, ' +
  `must not contain "..", and are at most ${MAX_EXPLICIT_ID} characters`;

// Apostrophes vanish rather than split words: "don't" should read as "dont", not "don-t".
const APOSTROPHES = /['\u2019\u02bc]/g;
const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** A lowercase slug of `[a-z0-9-]` for a title; never empty (falls back to `task`). */
export function deriveId(title: string): string {
  const ascii = title.normalize('NFKD').replace(COMBINING_MARKS, '').replace(APOSTROPHES, '').toLowerCase();
  let slug = '';
  let dash = false;
  for (const ch of ascii) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      if (dash && slug.length > 0) slug += '-';
      slug += ch;
      dash = false;
      // Stop early: a 1 MB title must not build a 1 MB slug only to cut it.
      if (slug.length > MAX_DERIVED_ID) break;
    } else {
      dash = true;
    }
  }
  if (slug.length > MAX_DERIVED_ID) {
    const cut = slug.slice(0, MAX_DERIVED_ID + 1);
    const lastDash = cut.lastIndexOf('-');
    // Prefer ending on a whole word, unless that throws away most of the id.
    slug = lastDash >= MAX_DERIVED_ID / 2 ? cut.slice(0, lastDash) : cut.slice(0, MAX_DERIVED_ID);
    slug = slug.replace(/-+$/, '');
  }
  return slug === '' ? 'task' : slug;
}

/** Why `raw` is not a valid explicit id, or null when it is. */
export function idProblem(raw: string): string | null {
  if (raw === '') return 'it is empty';
  if (raw.length > MAX_EXPLICIT_ID) return `it is longer than ${MAX_EXPLICIT_ID} characters`;
  if (!/^[A-Za-z0-9._-]+$/.test(raw)) return 'it contains characters other than letters, digits, ".", "_" and "-"';
  if (raw.startsWith('.')) return 'it starts with "."';
  if (raw.startsWith('-')) return 'it starts with "-" (it would read as a command-line flag)';
  if (raw.includes('..')) return 'it contains ".."';
  if (raw.toLowerCase() === RESERVED_ID) return `"${RESERVED_ID}" is reserved (\`needs: none\` means no dependencies)`;
  if (raw.toLowerCase() === GOAL_RESERVED_ID) return `"${GOAL_RESERVED_ID}" is reserved: it is the goal itself, the root of the task tree`;
  return null;
}

/** Validates an explicit `id:` value; throws BAD_TASK_FILE naming the id when it is unsafe. */
export function sanitizeId(raw: string): string {
  const id = raw.trim();
  const problem = idProblem(id);
  if (problem !== null) {
    throw new AuraError('BAD_TASK_FILE', `invalid task id ${JSON.stringify(truncate(id))}: ${problem}`, ID_RULES);
  }
  return id;
}

/**
 * `base`, or `base-2`, `base-3`, ... whichever is first not in `taken` (compared lowercased, because
 * ids are directory names and some file systems ignore case). Does not add the result to `taken`.
 */
export function uniqueId(base: string, taken: ReadonlySet<string>, maxLength = MAX_EXPLICIT_ID): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, maxLength - suffix.length) + suffix;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

// Emphasis and code markers carry no meaning for matching; other punctuation separates words.
const MARKUP = /[*_~`]/g;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** A title reduced for matching: lowercase, no markdown emphasis/backticks/punctuation, single spaces. */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(MARKUP, '')
    .replace(APOSTROPHES, '')
    .replace(NON_WORD, ' ')
    .trim();
}

/** Shortens a user value for an error message, so a 1 MB line does not become a 1 MB message. */
export function truncate(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
