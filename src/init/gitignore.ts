// What `aura init` adds to a git project's .gitignore. Pure: the file's text in, what to append out.
// Appending only: a .gitignore is the user's, so it is never rewritten.

export const AURA_ENTRY = '.aura/';

// `.aura`, `.aura/`, `/.aura/`, `**/.aura`, `.aura/*`, `.aura/**`: the spellings that ignore the directory.
const AURA_PATTERN = /^(?:\/|\*\*\/)?\.aura(?:\/|\/\*\*?)?$/;

/**
 * Whether the text already ignores .aura/: the last line naming it decides, so a later `!.aura/`
 * (re-including it) counts as not ignored.
 */
export function ignoresAura(text: string): boolean {
  let ignored = false;
  for (const raw of text.split(/\r?\n/)) {
    // Trailing spaces are not part of a pattern unless escaped; leading ones are, but nobody means them.
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (AURA_PATTERN.test(line)) ignored = true;
    else if (line.startsWith('!') && AURA_PATTERN.test(line.slice(1))) ignored = false;
  }
  return ignored;
}

/** The text to append to a .gitignore (null: there is none yet) so that it ignores .aura/. */
export function gitignoreAddition(existing: string | null): string {
  const sep = existing === null || existing === '' ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  return `${sep}# aura: run state, logs and worker output (added by aura init)\n${AURA_ENTRY}\n`;
}
