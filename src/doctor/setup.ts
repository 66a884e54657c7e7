// `aura setup`: writes ~/.aura/config.env (mode 0600 in a 0700 directory) from flags, or from prompts
// on a terminal. Every value is validated with the schema before anything is written; an existing
// file is replaced only with --force. When an API key is given, it ends with the doctor's API check.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseEnvText } from '../config/envfile.js';
import { displayRaw } from '../config/format.js';
import { homeConfigPath } from '../config/load.js';
import { isSettingKey, parseSetting, SETTING_KEYS, type SettingKey, settingOf } from '../config/schema.js';
import { closest } from '../config/suggest.js';
import { AuraError, errnoCode } from '../util/errors.js';
import { probeApi } from './api.js';
import { authStyle } from '../planner/auth-style.js';
import { apiVerdict } from './checks.js';

export interface SetupOptions {
  force?: boolean;
  nonInteractive?: boolean;
  apiKey?: string;
  baseUrl?: string;
  model?: string;
  backend?: string;
  set?: string[];
  /** false with --no-test. */
  test?: boolean;
}

export interface SetupIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  homeDir: string;
}

/** The dedicated flags and the settings they set. */
const FLAG_KEYS = [
  ['apiKey', 'AURA_API_KEY', '--api-key'],
  ['baseUrl', 'AURA_API_BASE_URL', '--base-url'],
  ['model', 'AURA_API_MODEL', '--model'],
  ['backend', 'AURA_LAYER2_BACKEND', '--backend'],
] as const satisfies readonly (readonly [keyof SetupOptions, SettingKey, string])[];

/** --set KEY=VALUE, then the dedicated flags (which win over --set for the same key). */
export function valuesFromFlags(o: SetupOptions): Map<SettingKey, string> {
  const values = new Map<SettingKey, string>();
  for (const entry of o.set ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new AuraError('BAD_USAGE', `--set expects KEY=VALUE, got "${entry}"`, 'e.g. --set AURA_MAX_ATTEMPTS=5');
    const key = entry.slice(0, eq).trim();
    if (!isSettingKey(key)) {
      const guess = closest(key, SETTING_KEYS);
      throw new AuraError('BAD_USAGE', `--set: unknown setting ${key}${guess ? `; did you mean ${guess}?` : ''}`, 'run `aura config` to see every setting');
    }
    values.set(key, entry.slice(eq + 1));
  }
  for (const [opt, key] of FLAG_KEYS) {
    const v = o[opt];
    if (typeof v === 'string') values.set(key, v);
  }
  return values;
}

/** Throws one BAD_CONFIG naming every invalid value (secrets masked). */
export function validateValues(values: ReadonlyMap<SettingKey, string>): void {
  const errors: string[] = [];
  for (const [key, raw] of values) {
    if (/[\r\n\0]/.test(raw)) {
      errors.push(`${key}: a value cannot contain a line break`);
      continue;
    }
    const r = parseSetting(key, raw);
    if (!r.ok) errors.push(`${key}=${displayRaw(key, raw)}: ${r.message}`);
  }
  if (errors.length > 0) {
    throw new AuraError(
      'BAD_CONFIG',
      [errors.length === 1 ? 'invalid setting:' : `${errors.length} invalid settings:`, ...errors.map((e) => `  ${e}`)].join('\n'),
      'nothing was written; fix the value and run aura setup again',
    );
  }
}

/** One value as parseEnv (`node --env-file`) reads it back unchanged. */
export function quoteEnvValue(v: string): string {
  if (/^[\w.,:/@+=-]*$/.test(v)) return v;
  if (!v.includes("'")) return `'${v}'`;
  if (!v.includes('"') && !v.includes('\\')) return `"${v}"`;
  if (!v.includes('`')) return `\`${v}\``;
  throw new AuraError('BAD_CONFIG', 'a value mixes every kind of quote and cannot be written to an env file');
}

export function renderEnvFile(values: ReadonlyMap<SettingKey, string>, now = new Date()): string {
  const lines = [`# aura settings, written by \`aura setup\` on ${now.toISOString()}.`, '# Every key is described by `aura config` and in the README; the project .env and the environment override these.', ''];
  for (const key of SETTING_KEYS) {
    const v = values.get(key);
    if (v === undefined) continue;
    lines.push(`# ${settingOf(key).description}`, `${key}=${quoteEnvValue(v)}`);
  }
  const text = lines.join('\n') + '\n';
  // Belt and braces: what we write must read back as exactly what we validated.
  const back = parseEnvText(text, 'config.env').values;
  for (const [key, v] of values) {
    if (back[key] !== v) throw new AuraError('BAD_CONFIG', `${key}: the value cannot be written to an env file unchanged`);
  }
  return text;
}

/** Writes the file 0600 in a 0700 directory, replacing any old file in one rename. */
export async function writeConfigFile(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  await fsp.chmod(dir, 0o700);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await fsp.writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    await fsp.chmod(tmp, 0o600); // the umask cannot widen it, but an odd umask could narrow it to unreadable
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

// ── prompts ──

class Prompter {
  private readonly rl: readline.Interface;
  private muted = false;
  private closed = false;

  constructor(private readonly io: SetupIo) {
    this.rl = readline.createInterface({ input: io.input, output: io.output, terminal: true });
    // readline echoes through this private method; muting it is the usual way to hide typed secrets.
    const r = this.rl as unknown as { _writeToOutput: (s: string) => void };
    const write = r._writeToOutput.bind(this.rl);
    r._writeToOutput = (s: string) => {
      if (!this.muted) write(s);
    };
    this.rl.on('close', () => (this.closed = true));
  }

  ask(question: string, hidden = false): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(cancelled());
        return;
      }
      const onClose = () => reject(cancelled());
      const onSigint = () => this.rl.close();
      this.rl.once('close', onClose);
      this.rl.once('SIGINT', onSigint);
      this.rl.question(question, (answer) => {
        this.rl.off('close', onClose);
        this.rl.off('SIGINT', onSigint);
        if (hidden) {
          this.muted = false;
          this.io.output.write('\n');
        }
        resolve(answer.trim());
      });
      // question() has written the prompt by now; from here on, what is typed is not echoed.
      this.muted = hidden;
    });
  }

  close(): void {
    this.rl.close();
  }
}

function cancelled(): AuraError {
  return new AuraError('BAD_USAGE', 'setup cancelled; nothing was written');
}

/** Asks until the answer is valid; empty keeps the default (undefined: leave the key out). */
async function askSetting(p: Prompter, io: SetupIo, key: SettingKey, label: string, current: string | undefined, hidden = false): Promise<string | undefined> {
  const s = settingOf(key);
  const shown =
    current !== undefined ? (s.secret ? displayRaw(key, current) : current) : s.default === undefined ? 'none' : String(s.default);
  for (;;) {
    const answer = await p.ask(`${label} [${shown}]: `, hidden);
    if (answer === '') return current;
    const r = parseSetting(key, answer);
    if (r.ok) return answer;
    io.output.write(`  ${key}: ${r.message}; try again (Enter keeps [${shown}])\n`);
  }
}

async function interactive(values: Map<SettingKey, string>, io: SetupIo): Promise<void> {
  const p = new Prompter(io);
  try {
    io.output.write(`aura setup: writes ${homeConfigPath(io.homeDir)}. Press Enter to keep the value in brackets.\n\n`);
    const questions: [SettingKey, string, boolean][] = [
      ['AURA_API_KEY', 'Anthropic API key (not shown as you type; none = rules planner)', true],
      ['AURA_API_BASE_URL', 'API base URL', false],
      ['AURA_API_MODEL', 'Planner model', false],
      ['AURA_LAYER2_BACKEND', 'Worker backend (claude, codex, opencode, gemini, shell, custom)', false],
    ];
    for (const [key, label, hidden] of questions) {
      const v = await askSetting(p, io, key, label, values.get(key), hidden);
      if (v === undefined) values.delete(key);
      else values.set(key, v);
    }
  } finally {
    p.close();
  }
}

// ── the command ──

function shortPath(file: string, homeDir: string): string {
  return file.startsWith(homeDir + path.sep) ? `~/${path.relative(homeDir, file)}` : file;
}

export async function setupCommand(o: SetupOptions, io: SetupIo = { input: process.stdin, output: process.stdout, homeDir: os.homedir() }): Promise<number> {
  const file = homeConfigPath(io.homeDir);
  const shown = shortPath(file, io.homeDir);
  // Refuse before asking anything: answering questions only to be refused would waste the user's time.
  let exists = false;
  try {
    fs.lstatSync(file);
    exists = true;
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
  if (exists && !o.force) {
    throw new AuraError('BAD_USAGE', `${shown} already exists; not overwriting it`, 'run `aura setup --force` to replace it, or edit it by hand');
  }

  const values = valuesFromFlags(o);
  validateValues(values);
  if (!o.nonInteractive && io.input.isTTY) {
    await interactive(values, io);
    validateValues(values);
  } else if (values.size === 0) {
    throw new AuraError('BAD_USAGE', 'nothing to write: no settings given', 'give --api-key, --base-url, --model, --backend or --set KEY=VALUE (or run aura setup on a terminal)');
  }

  await writeConfigFile(file, renderEnvFile(values));
  const keys = SETTING_KEYS.filter((k) => values.has(k));
  io.output.write(`wrote ${shown} (${keys.length === 0 ? 'no settings: defaults apply' : keys.join(', ')})\n`);

  const apiKey = values.get('AURA_API_KEY');
  if (apiKey === undefined) return 0;
  if (o.test === false) {
    io.output.write('API check skipped (--no-test); run `aura doctor` to check it later\n');
    return 0;
  }
  const check = apiVerdict(
    await probeApi({
      apiKey,
      baseUrl: values.get('AURA_API_BASE_URL') ?? String(settingOf('AURA_API_BASE_URL').default),
      model: values.get('AURA_API_MODEL') ?? String(settingOf('AURA_API_MODEL').default),
      auth: authStyle({
        AURA_API_AUTH_HEADER: (values.get('AURA_API_AUTH_HEADER') ?? 'auto') as 'auto' | 'bearer' | 'x-api-key',
        AURA_API_BASE_URL: values.get('AURA_API_BASE_URL') ?? String(settingOf('AURA_API_BASE_URL').default),
      }),
    }),
  );
  io.output.write(`API check: ${check.status}: ${check.detail}\n`);
  if (check.fix) io.output.write(`  fix: ${check.fix}\n`);
  if (check.status === 'fail') {
    io.output.write(`${shown} was written all the same; fix it and run \`aura doctor\` (or \`aura setup --force\`)\n`);
    return 1;
  }
  return 0;
}
