// Issue 13: `aura status` has three sources (the live daemon's memory, the run on disk, the status
// cache a stopped daemon leaves) and a lazy task listing. Each must say exactly what the eager view
// said before: the same text for the same run at the same time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveStatus } from '../../src/daemon/status-answer.js';
import { listTasks, type ListItem } from '../../src/progress/compact.js';
import { factsOf } from '../../src/progress/facts.js';
import { renderMarkdown } from '../../src/progress/markdown.js';
import { loadProgressTemplate } from '../../src/progress/load-template.js';
import { digestOf, factsFromDigest } from '../../src/progress/status-digest.js';
import { statusText } from '../../src/progress/status-text.js';
import { renderStatusText } from '../../src/progress/terminal.js';
import type { DaemonInfo, TaskView } from '../../src/progress/types.js';
import { buildView, viewOf } from '../../src/progress/view.js';
import type { RunState, TaskState } from '../../src/store/schema.js';
import { attempt, DAEMON, fixtureState, journal, NOW, task } from './fixture.js';

const STOPPED: DaemonInfo = { pid: null, mode: 'stopped', nextWakeAt: null, startedAt: null };
const STATUSES: TaskState['status'][] = ['done', 'done', 'done', 'pending', 'running', 'failed', 'blocked', 'verifying', 'archived'];

/** A deterministic pseudo-random tree: nesting, every status, retries, workers, removed subtrees. */
function randomState(seed: number, n: number): RunState {
  let x = seed;
  const rnd = (k: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  const state = fixtureState();
  state.tasks = {};
  state.roots = [];
  for (let i = 1; i <= n; i++) {
    const id = `t${i}`;
    const parentIdx = i > 3 && rnd(3) === 0 ? 1 + rnd(i - 1) : 0;
    const parent = parentIdx ? `t${parentIdx}` : null;
    const status = STATUSES[rnd(STATUSES.length)]!;
    const running = status === 'running';
    state.tasks[id] = task({
      id,
      parent,
      status,
      reason: status === 'failed' ? 'verify exited 1' : '',
      notBefore: status === 'pending' && rnd(4) === 0 ? new Date(NOW.getTime() + 60_000 * (1 + rnd(9))).toISOString() : null,
      attempts: status === 'pending' && rnd(2) ? [] : [attempt({ n: 1, ...(running ? { endedAt: null, outcome: null, exitCode: null, process: { pid: 100 + i, startTicks: 1, pgid: 100 + i } } : {}) })],
    });
    if (parent) state.tasks[parent]!.children.push(id);
    else state.roots.push(id);
  }
  return state;
}

const shape = (items: ListItem<TaskView>[]): string[] =>
  items.map((i) => (i.kind === 'task' ? `${i.task.id}@${i.depth}:${i.task.statusText}` : i.kind === 'done' ? `done ${i.tasks} ${i.first.id}..${i.last.id}@${i.depth}` : `more ${i.tasks}@${i.depth}`));

const cases: Array<[string, RunState]> = [
  ['the fixture', fixtureState()],
  ...[1, 2, 3, 4, 5, 6].map((seed): [string, RunState] => [`random tree ${seed}`, randomState(seed, seed * 97)]),
  ['a large random tree', randomState(7, 3000)],
];

describe('the lazy task listing', () => {
  for (const [name, state] of cases) {
    it(`lists what the whole tree of views would list: ${name}`, () => {
      const view = buildView({ state, journalTail: journal(), daemon: DAEMON, now: NOW });
      for (const max of [1, 3, 10, 100, 300, 5000]) {
        for (const list of [view.tasks, view.removed]) {
          assert.deepEqual(shape(list.list(max)), shape(listTasks(list.all(), max)), `max ${max}`);
        }
      }
      const all = view.tasks.all();
      const stuck: string[] = [];
      const visit = (ts: TaskView[]): void => ts.forEach((t) => (t.status === 'failed' || t.status === 'blocked' ? stuck.push(t.id) : undefined, visit(t.children)));
      visit(all);
      assert.deepEqual(view.attention.tasks.map((t) => t.id), stuck.slice(0, 5));
      assert.equal(view.attention.total, stuck.length);
      assert.equal(view.removed.rootIds(20).join(','), view.removed.all().slice(0, 20).map((t) => t.id).join(','));
    });
  }
});

describe('every source of aura status says the same', () => {
  for (const [name, state] of cases) {
    it(`disk, live daemon and status cache: ${name}`, () => {
      const tail = journal();
      for (const daemon of [DAEMON, STOPPED]) {
        const disk = renderStatusText(buildView({ state, journalTail: tail, daemon, now: NOW })) + '\n';
        assert.equal(statusText(factsOf(state, tail), daemon, NOW), disk);
        assert.equal(liveStatus({ state, recent: tail }, daemon, false, NOW), disk, 'the live daemon');
        // As the daemon writes it at stop and the CLI reads it back later.
        const cached = factsFromDigest(JSON.parse(JSON.stringify(digestOf(factsOf(state, tail)))));
        assert.ok(cached);
        assert.equal(statusText(cached, daemon, NOW), disk, 'the status cache');
        // Formatted at the reader's time, not the writer's.
        const later = new Date(NOW.getTime() + 3_600_000);
        assert.equal(statusText(cached, daemon, later), renderStatusText(buildView({ state, journalTail: tail, daemon, now: later })) + '\n');
      }
    });
  }

  it('the live daemon answers --json as the disk path does', async () => {
    const { statusJson } = await import('../../src/progress/status-json.js');
    const state = fixtureState();
    assert.equal(liveStatus({ state, recent: [] }, DAEMON, true, NOW), JSON.stringify(statusJson(state, DAEMON, NOW), null, 2) + '\n');
  });

  it('a cache answers only for the status text; progress.md needs the run', () => {
    const cached = factsFromDigest(JSON.parse(JSON.stringify(digestOf(factsOf(randomState(3, 400), journal())))));
    assert.ok(cached);
    assert.throws(() => cached.tasks.list(300), /lists 100 tasks, not 300/);
    assert.throws(() => cached.tasks.all(), /does not hold the whole tree/);
    assert.throws(() => renderMarkdown(viewOf(cached, DAEMON, NOW), loadProgressTemplate()), /lists 100 tasks, not 300/);
  });

  it('the cache holds the lines it lists, not the subtrees under listed groups', () => {
    // One group of n pending tasks: the status lists the group and 99 of them whatever n is.
    const grouped = (n: number): RunState => {
      const state = fixtureState();
      state.tasks = { g: task({ id: 'g', children: [] }) };
      state.roots = ['g'];
      for (let i = 1; i <= n; i++) {
        state.tasks[`c${i}`] = task({ id: `c${i}`, parent: 'g' });
        state.tasks['g']!.children.push(`c${i}`);
      }
      return state;
    };
    const bytes = (n: number): number => JSON.stringify(digestOf(factsOf(grouped(n), journal()))).length;
    const small = bytes(300);
    const large = bytes(6000);
    assert.ok(large < small * 1.05, `${large} bytes for 6,000 children against ${small} for 300`);
    const state = grouped(6000);
    const cached = factsFromDigest(JSON.parse(JSON.stringify(digestOf(factsOf(state, journal())))));
    assert.equal(statusText(cached!, STOPPED, NOW), renderStatusText(buildView({ state, journalTail: journal(), daemon: STOPPED, now: NOW })) + '\n');
  });

  it('a digest from another version, or not a digest at all, is refused', () => {
    const good = JSON.parse(JSON.stringify(digestOf(factsOf(fixtureState(), journal())))) as Record<string, unknown>;
    assert.ok(factsFromDigest(good));
    for (const bad of [null, 42, 'x', [], {}, { ...good, v: 2 }, { ...good, listMax: 300 }, { ...good, facts: null }, { ...good, tasks: { roots: 1 } }, { ...good, facts: { ...(good.facts as object), counts: 'x' } }]) {
      assert.equal(factsFromDigest(bad), null, JSON.stringify(bad)?.slice(0, 60));
    }
  });
});
