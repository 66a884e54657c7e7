// A large run's task listing stays readable and bounded: finished siblings fold into one line, the
// listing stops at its limit with a count of what it left out, and work that is not done keeps its
// own lines. Tabled on compact.ts, then end to end through both renderers at 20,000 tasks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countTasks, listTasks, type ListItem } from '../../src/progress/compact.js';
import { loadProgressTemplate } from '../../src/progress/load-template.js';
import { PROGRESS_TASKS_MAX, renderMarkdown } from '../../src/progress/markdown.js';
import { renderStatusText, STATUS_TASKS_MAX } from '../../src/progress/terminal.js';
import type { TaskView } from '../../src/progress/types.js';
import { buildView } from '../../src/progress/view.js';
import type { TaskState } from '../../src/store/schema.js';
import { DAEMON, fixtureState, NOW, task } from './fixture.js';

function v(id: string, status: TaskView['status'] = 'done', children: TaskView[] = []): TaskView {
  return { id, title: id, status, symbol: '', statusText: status, attempts: 0, current: null, lastEnd: null, reason: '', evidence: null, usage: null, voidTick: false, git: null, children };
}
const many = (n: number, status: TaskView['status'] = 'done', from = 1): TaskView[] => Array.from({ length: n }, (_, i) => v(`t${from + i}`, status));

/** Items as short strings: "id@depth", "done N first..last@depth", "more N". */
function shape(items: ListItem<TaskView>[]): string[] {
  return items.map((i) => (i.kind === 'task' ? `${i.task.id}@${i.depth}` : i.kind === 'done' ? `done ${i.tasks} ${i.first.id}..${i.last.id}@${i.depth}` : `more ${i.tasks}`));
}

describe('listTasks', () => {
  const cases: Array<[string, TaskView[], number, string[]]> = [
    ['a small run: every task, in tree order, nothing folded', [v('a', 'done', [v('a1'), v('a2', 'pending')]), v('b', 'failed')], 10, ['a@0', 'a1@1', 'a2@1', 'b@0']],
    ['exactly at the limit: still every task', many(3), 3, ['t1@0', 't2@0', 't3@0']],
    ['finished siblings fold around what is not done', [...many(499), v('t500', 'failed'), ...many(497, 'done', 501), ...many(3, 'pending', 998)], 10, ['done 499 t1..t499@0', 't500@0', 'done 497 t501..t997@0', 't998@0', 't999@0', 't1000@0']],
    ['more unfinished tasks than the limit: cut, with a count', many(50, 'pending'), 10, [...many(10, 'pending').map((t) => `${t.id}@0`), 'more 40']],
    ['a finished subtree folds into one line that counts its subtasks', [v('p', 'done', many(20)), v('q', 'pending'), ...many(5, 'pending', 100)], 3, ['done 21 p..p@0', 'q@0', 't100@0', 'more 4']],
    ['a done parent with a failing child is not folded', [v('p', 'done', [...many(20), v('bad', 'failed')]), v('q', 'pending')], 5, ['p@0', 'done 20 t1..t20@1', 'bad@1', 'q@0']],
    ['a lone finished task in a large listing keeps its own line', [v('x', 'pending'), v('y'), v('z', 'pending'), ...many(10, 'pending')], 3, ['x@0', 'y@0', 'z@0', 'more 10']],
    ['folded runs past the limit are counted too', [...many(3, 'pending'), ...many(100, 'done', 10)], 3, ['t1@0', 't2@0', 't3@0', 'more 100']],
    ['cut inside a group: its other children and the later siblings are counted', [v('p', 'pending', many(10, 'pending')), v('q', 'pending'), v('r', 'done', many(4))], 3, ['p@0', 't1@1', 't2@1', 'more 14']],
  ];
  for (const [name, views, max, want] of cases) {
    it(name, () => {
      const got = listTasks(views, max);
      assert.deepEqual(shape(got), want);
      assert.ok(got.length <= Math.max(max, countTasks(views)) + 1);
      // Nothing is lost: the items account for every task.
      const accounted = got.reduce((n, i) => n + (i.kind === 'task' ? 1 : i.tasks), 0);
      assert.equal(accounted, countTasks(views), 'every task is listed, folded or counted, once');
    });
  }
});

describe('listTasks with the sizes the task tree knows', () => {
  it('lists exactly as by counting, at every limit (a pseudo-random tree of 400 tasks)', () => {
    let x = 7;
    const rnd = (k: number): number => (x = (x * 1103515245 + 12345) % 2147483648) % k;
    const statuses: TaskView['status'][] = ['done', 'done', 'done', 'pending', 'running', 'failed'];
    const grow = (n: number, depth: number): TaskView[] =>
      Array.from({ length: n }, () => v(`t${rnd(1e6)}`, statuses[rnd(statuses.length)], depth < 3 && rnd(4) === 0 ? grow(1 + rnd(12), depth + 1) : []));
    const views = grow(150, 0);
    type Sized = TaskView & { size: number; children: Sized[] };
    const sized = (t: TaskView): Sized => {
      const children = t.children.map(sized);
      return { ...t, children, size: 1 + children.reduce((n, c) => n + c.size, 0) };
    };
    const withSizes = views.map(sized);
    const total = countTasks(views);
    assert.equal(countTasks(withSizes), total);
    for (const max of [1, 2, 5, 10, 40, 100, total - 1, total]) {
      assert.deepEqual(shape(listTasks(withSizes, max, total)), shape(listTasks(views, max)), `max ${max}`);
    }
  });
});

describe('a 20,000-task run renders bounded pages', () => {
  const state = fixtureState();
  state.tasks = {};
  state.roots = [];
  const statuses: Array<[number, TaskState['status']]> = [[7_000, 'failed'], [19_998, 'running'], [19_999, 'pending'], [20_000, 'pending']];
  for (let i = 1; i <= 20_000; i++) {
    const id = `t${i}`;
    state.roots.push(id);
    state.tasks[id] = task({ id, status: statuses.find(([n]) => n === i)?.[1] ?? 'done' });
  }
  const view = buildView({ state, journalTail: [], daemon: DAEMON, now: NOW });

  it('progress.md folds the finished tasks and keeps every unfinished one on its own line', () => {
    const md = renderMarkdown(view, loadProgressTemplate());
    assert.match(md, /6,999 tasks done: `t1` … `t6999`/);
    assert.match(md, /12,997 tasks done: `t7001` … `t19997`/);
    for (const id of ['t7000', 't19998', 't19999', 't20000']) assert.match(md, new RegExp(`\`${id}\``));
    assert.ok(md.split('\n').length < PROGRESS_TASKS_MAX + 100, `${md.split('\n').length} lines`);
  });

  it('aura status does the same within its own limit', () => {
    const text = renderStatusText(view);
    assert.match(text, /✓ 6,999 tasks done: t1 … t6999/);
    assert.match(text, /\[t20000\]/);
    assert.ok(text.split('\n').length < STATUS_TASKS_MAX + 40);
  });
});
