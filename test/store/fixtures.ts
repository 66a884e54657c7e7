// Shared test helpers: a throwaway project directory and minimal valid state objects.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { layoutFor, type Layout } from '../../src/store/layout.js';
import { STATE_SCHEMA_VERSION, type JournalEntry, type RunState, type TaskState } from '../../src/store/schema.js';

export async function tempProject(t: { after(fn: () => Promise<void>): void }): Promise<Layout> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aura-store-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const layout = layoutFor(dir);
  await fs.mkdir(layout.stateDir, { recursive: true });
  return layout;
}

export const T0 = Date.parse('2026-03-01T10:00:00.000Z');
export const fixedNow = () => T0;

export function makeTask(id: string, patch: Partial<TaskState> = {}): TaskState {
  return {
    id,
    title: `task ${id}`,
    parent: null,
    children: [],
    status: 'pending',
    reason: 'new',
    produces: [],
    needs: [],
    extra: {},
    notes: '',
    voidTick: false,
    origin: 'taskfile',
    userChecked: false,
    line: 1,
    order: 0,
    attempts: [],
    attemptBase: 0,
    blockedBy: null,
    notBefore: null,
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:00:00.000Z',
    ...patch,
  };
}

export function makeState(patch: Partial<RunState> = {}): RunState {
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    runId: 'run-1',
    taskFile: '/p/task.md',
    goal: 'the goal',
    context: '',
    goalOnly: false,
    taskFileHash: 'h1',
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:00:00.000Z',
    cycle: 1,
    journalSeq: 0,
    journalBytes: 0,
    roots: ['a'],
    tasks: { a: makeTask('a') },
    doneAt: null,
    taskFileWarnings: [],
    ...patch,
    pause: patch.pause ?? null,
    planner: patch.planner ?? null,
  };
}

export function entry(seq: number, patch: Partial<JournalEntry> = {}): JournalEntry {
  return { seq, ts: new Date(T0 + seq * 1000).toISOString(), cycle: 1, kind: 'status', msg: `entry ${seq}`, ...patch };
}

export async function writeJournal(layout: Layout, entries: JournalEntry[], tail = ''): Promise<void> {
  await fs.writeFile(layout.journalFile, entries.map((e) => JSON.stringify(e) + '\n').join('') + tail);
}
