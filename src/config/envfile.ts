// Reading KEY=value files (~/.aura/config.env, <project>/.env). Parsing is Node's own util.parseEnv,
// so quoting, `export` prefixes and comments behave exactly as they do for `node --env-file`.
import { readFileSync, statSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { AuraError, errnoCode } from '../util/errors.js';

export interface EnvFile {
  path: string;
  values: Record<string, string>;
  /** File mode bits (stat.mode & 0o777), for the "secret in a readable file" warning. */
  mode: number;
  /** Lines that were ignored, worth telling the user about. */
  warnings: string[];
}

export interface ParsedEnvText {
  values: Record<string, string>;
  warnings: string[];
}

/**
 * Parses env-file text. One fix-up on top of parseEnv: a line without "=" is not dropped by Node
 * (20.x) but glued onto the next line's key ("FOO\nAURA_X=1" yields the key "FOO\nAURA_X"), which
 * would silently lose AURA_X. We split such keys, keep the last line as the key and report the rest.
 */
export function parseEnvText(text: string, path: string): ParsedEnvText {
  const values: Record<string, string> = {};
  const warnings: string[] = [];
  // A UTF-8 BOM (Windows editors) would otherwise become part of the first key.
  const parsed = parseEnv(text.replace(/^\uFEFF/, ''));
  for (const [rawKey, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    const lines = rawKey.split(/\r?\n/).map((l) => l.trim());
    const key = lines.pop() ?? '';
    for (const stray of lines) {
      if (stray !== '' && !stray.startsWith('#')) warnings.push(`${path}: ignored line "${stray}" (no "=")`);
    }
    if (key === '') {
      warnings.push(`${path}: ignored a line with nothing before "="`);
      continue;
    }
    values[key.replace(/^export\s+/, '')] = value;
  }
  return { values, warnings };
}

/**
 * Reads an env file. A missing file is not an error (it is simply not a source) and yields undefined;
 * anything else that stops us reading it (permissions, a directory in its place) is BAD_CONFIG,
 * because silently ignoring a config file the user wrote would be worse than stopping.
 */
export function readEnvFile(path: string): EnvFile | undefined {
  let text: string;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    const why = err instanceof Error ? err.message : String(err);
    throw new AuraError('BAD_CONFIG', `cannot read config file ${path}: ${why}`, `fix the permissions of ${path} or remove it`);
  }
  return { path, mode, ...parseEnvText(text, path) };
}
