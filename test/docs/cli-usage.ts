// Checks that every `aura …` command line a Markdown document shows names a real command and real
// flags of the commander program (src/cli/main.ts buildProgram). It reads fenced code blocks line by
// line and inline code spans (prose and tables), and understands the ways the README spells a run
// of aura: `aura <cmd> …`, `aura <task-file> …` (the default command), `npm start -- …` and
// `node bin/aura.js …`. Usage notation is allowed: [optional], <placeholder>, a|b, `-q/--quiet`.
import type { Command, Option } from 'commander';

export interface UsageProblem {
  line: number;
  text: string;
  problem: string;
}

export interface AuraCall {
  line: number;
  /** The words after `aura` (quotes removed). */
  words: string[];
  text: string;
}

/** Words of a shell-ish command line: quotes group, a backslash escapes the next character. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) words.push(cur);
  return words;
}

/** Splits a command line into the commands it chains (&&, ||, ;, a pipe), dropping a trailing comment. */
function segments(line: string): string[] {
  // A comment starts at a `#` after whitespace; an escaped `\|` is usage notation ("or"), not a pipe.
  const noComment = line.replace(/(^|\s)#.*$/, '');
  return noComment.split(/&&|\|\||;|(?<!\\)\|/);
}

const LAUNCHERS: ReadonlyArray<[RegExp, string[]]> = [
  [/^npm$/, ['start', '--']], // npm start -- <args> runs `aura start <args>`
  [/^node$/, ['bin/aura.js']],
];

/** The words after the aura launcher in one command, or null when the command is not aura. */
function auraWords(segment: string): string[] | null {
  const words = shellWords(segment.trim());
  let i = 0;
  while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!) || ['nohup', 'exec', 'time'].includes(words[i]!))) i++;
  const first = words[i];
  if (first === 'aura') return words.slice(i + 1);
  for (const [re, rest] of LAUNCHERS) {
    if (first !== undefined && re.test(first) && rest.every((w, k) => words[i + 1 + k] === w)) {
      const after = words.slice(i + 1 + rest.length);
      return rest[0] === 'start' ? ['start', ...after] : after;
    }
  }
  return null;
}

/** Every aura command line in a Markdown text, with its line number. */
export function auraCalls(markdown: string): AuraCall[] {
  const calls: AuraCall[] = [];
  const lines = markdown.split('\n');
  let fence: string | null = null;
  lines.forEach((line, idx) => {
    const n = idx + 1;
    const f = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
    if (f) {
      if (fence === null) fence = f[1]!;
      else if (f[1]!.startsWith(fence[0]!) && f[1]!.length >= fence.length && f[2]!.trim() === '') fence = null;
      return;
    }
    const spans = [...line.matchAll(/(`+)(.+?)\1/g)].map((m) => m[2]!);
    const sources = fence !== null ? [line.replace(/^\s*\$\s+/, '')] : spans;
    const found: AuraCall[] = [];
    for (const src of sources) {
      for (const seg of segments(src)) {
        const words = auraWords(seg);
        if (words) found.push({ line: n, words, text: seg.trim() });
      }
    }
    // A table row that starts with an aura command describes its flags in the other cells
    // (`--once` (one cycle …)): they belong to that command too.
    const head = found[0];
    if (fence === null && /^\s*\|/.test(line) && head && line.split('|')[1]?.includes(head.text)) {
      const flags = spans.filter((sp) => /^--?[A-Za-z]/.test(sp.trim()));
      if (flags.length) found.push({ line: n, words: [...head.words.slice(0, 1), ...flags.flatMap((f) => shellWords(f))], text: `${head.text} … ${flags.join(' ')}` });
    }
    calls.push(...found);
  });
  return calls;
}

const GLOBAL_FLAGS = new Set(['-h', '--help']);

function flagsOf(cmd: Command): Set<string> {
  const out = new Set(GLOBAL_FLAGS);
  for (const o of cmd.options as readonly Option[]) {
    if (o.long) out.add(o.long);
    if (o.short) out.add(o.short);
  }
  return out;
}

/** The flags a word of usage notation names: `[--force]`, `-q/--quiet`, `--set=X`, `--dry-run`. */
function flagsIn(word: string): string[] {
  const bare = word.replace(/^[[(]+/, '').replace(/[\])…,.:]+$/, '');
  if (!bare.startsWith('-') || bare === '-' || bare === '--') return [];
  return bare
    .split('/')
    .map((f) => f.split('=')[0]!)
    .filter((f) => /^--?[A-Za-z]/.test(f));
}

/** Problems with the calls: an unknown command, or a flag the command does not have. */
export function checkCalls(calls: readonly AuraCall[], program: Command): UsageProblem[] {
  const problems: UsageProblem[] = [];
  const byName = new Map<string, Command>();
  for (const c of program.commands) {
    byName.set(c.name(), c);
    for (const a of c.aliases()) byName.set(a, c);
  }
  const start = byName.get('start');
  for (const call of calls) {
    const [first, ...rest] = call.words;
    let cmd: Command;
    let args: string[];
    if (first === undefined || first.startsWith('-')) {
      // `aura --version`, `aura --help`: the program's own flags.
      cmd = program;
      args = call.words;
    } else if (byName.has(first)) {
      cmd = byName.get(first)!;
      args = rest;
    } else if (/\.md$|\//.test(first) || /^<[^>]*file[^>]*>$/.test(first)) {
      // A task file (or its placeholder) first: the default command.
      if (!start) throw new Error('the program has no start command');
      cmd = start;
      args = call.words;
    } else {
      problems.push({ line: call.line, text: call.text, problem: `unknown command "${first}"` });
      continue;
    }
    const known = cmd === program ? new Set([...flagsOf(program), '-V', '--version']) : flagsOf(cmd);
    for (const w of args) {
      for (const flag of flagsIn(w)) {
        if (!known.has(flag)) problems.push({ line: call.line, text: call.text, problem: `aura ${cmd === program ? '' : `${cmd.name()} `}has no option ${flag}` });
      }
    }
  }
  return problems;
}

export function checkMarkdown(markdown: string, program: Command): UsageProblem[] {
  return checkCalls(auraCalls(markdown), program);
}
