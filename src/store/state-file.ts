// Reading one state snapshot file and saying precisely what is wrong with it, in words a person can
// act on. Judging is pure (judgeState) so every corruption variant can be tested without a disk.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../util/errors.js';
import { RunState, STATE_SCHEMA_VERSION } from './schema.js';

export type StateFileRead =
  | { kind: 'missing' }
  | { kind: 'ok'; state: RunState }
  /** problem: a sentence fragment starting with the file name, e.g. "state.json was empty (0 bytes)". */
  | { kind: 'bad'; problem: string };

// Errors that mean "this file is unusable" rather than "the store is unusable": the file is moved
// aside like any other corruption.
const UNREADABLE = new Set(['EISDIR', 'EACCES', 'EPERM', 'EIO', 'ELOOP', 'EILSEQ']);

const MAX_ISSUES = 3;

export function judgeState(name: string, buf: Buffer): StateFileRead {
  if (buf.length === 0) return { kind: 'bad', problem: `${name} was empty (0 bytes)` };
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return { kind: 'bad', problem: `${name} was not valid JSON (${err.message}; ${buf.length} bytes)` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'bad', problem: `${name} was not a JSON object` };
  }
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version !== STATE_SCHEMA_VERSION) {
    return {
      kind: 'bad',
      problem: `${name} has schemaVersion ${JSON.stringify(version) ?? 'missing'}, this aura reads ${STATE_SCHEMA_VERSION}`,
    };
  }
  const r = RunState.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.slice(0, MAX_ISSUES).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    const more = r.error.issues.length > MAX_ISSUES ? `; and ${r.error.issues.length - MAX_ISSUES} more` : '';
    return { kind: 'bad', problem: `${name} did not match the state schema (${issues.join('; ')}${more})` };
  }
  return { kind: 'ok', state: r.data };
}

export async function readStateFile(file: string): Promise<StateFileRead> {
  const name = path.basename(file);
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return { kind: 'missing' };
    if (UNREADABLE.has(code ?? '')) {
      return { kind: 'bad', problem: `${name} could not be read (${(err as Error).message})` };
    }
    throw err;
  }
  return judgeState(name, buf);
}
