// Reading git's machine output (porcelain formats) and the few human messages aura must tell apart.
// Pure: strings in, plain data out (the commands run in git/run.ts). Messages are read in the C locale.

export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** The short branch name (`main`, `aura/t/1`), null when detached or bare. */
  branch: string | null;
  bare: boolean;
  locked: boolean;
  prunable: boolean;
}

/** `git worktree list --porcelain` (records separated by a blank line). */
export function parseWorktreeList(text: string): WorktreeEntry[] {
  const out: WorktreeEntry[] = [];
  for (const block of text.split(/\n\n+/)) {
    let e: WorktreeEntry | null = null;
    for (const line of block.split('\n')) {
      const sp = line.indexOf(' ');
      const key = sp === -1 ? line : line.slice(0, sp);
      const value = sp === -1 ? '' : line.slice(sp + 1);
      if (key === 'worktree') e = { path: value, head: null, branch: null, bare: false, locked: false, prunable: false };
      else if (!e) continue;
      else if (key === 'HEAD') e.head = value;
      else if (key === 'branch') e.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'bare') e.bare = true;
      else if (key === 'locked') e.locked = true;
      else if (key === 'prunable') e.prunable = true;
    }
    if (e) out.push(e);
  }
  return out;
}

export interface StatusEntry {
  /** The two status letters (`XY`): `??` untracked, `!!` ignored, else staged/unstaged changes. */
  xy: string;
  path: string;
}

/** `git status --porcelain=v1 -z` (a rename's second path follows it and is skipped). */
export function parseStatusZ(text: string): StatusEntry[] {
  const parts = text.split('\0');
  const out: StatusEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.length < 4) continue;
    const xy = p.slice(0, 2);
    out.push({ xy, path: p.slice(3) });
    if (xy[0] === 'R' || xy[0] === 'C') i++;
  }
  return out;
}

/** Tracked files with changes (staged or not); untracked and ignored ones are not "changes" here. */
export function changedTracked(entries: readonly StatusEntry[]): string[] {
  return entries.filter((e) => e.xy !== '??' && e.xy !== '!!').map((e) => e.path);
}

/** `git cherry <upstream> <head>`: commits of head whose change is (-) or is not (+) in upstream. */
export function parseCherry(text: string): { missing: string[]; equivalent: string[] } {
  const missing: string[] = [];
  const equivalent: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([+-]) ([0-9a-f]{7,64})/.exec(line.trim());
    if (!m) continue;
    (m[1] === '+' ? missing : equivalent).push(m[2]!);
  }
  return { missing, equivalent };
}

/**
 * Files git names after "…would be overwritten by merge:" / "by checkout:" (one per tab-indented
 * line), and whether they are the person's changes to tracked files or untracked files in the way.
 */
export function overwrittenFiles(stderr: string): { files: string[]; untracked: boolean } | null {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => /would be overwritten by (merge|checkout)/.test(l));
  if (at === -1) return null;
  const files: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!/^\t/.test(l)) break;
    files.push(l.trim());
  }
  return { files, untracked: /untracked working tree files/.test(lines[at]!) };
}

/** " 3 files changed, 10 insertions(+), 2 deletions(-)" → "3 files changed, +10 −2"; null when empty. */
export function shortStat(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  const files = /(\d+) files? changed/.exec(t)?.[1];
  const ins = /(\d+) insertions?\(\+\)/.exec(t)?.[1] ?? '0';
  const del = /(\d+) deletions?\(-\)/.exec(t)?.[1] ?? '0';
  if (!files) return null;
  return `${files} file${files === '1' ? '' : 's'} changed, +${ins} −${del}`;
}

/** Non-empty lines (a file list from `--name-only`, say). */
export function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}
