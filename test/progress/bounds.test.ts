import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Evidence, JournalEntry, TaskState } from '../../src/store/schema.js';
import type { TaskView } from '../../src/progress/types.js';
import { loadProgressTemplate } from '../../src/progress/load-template.js';
import { renderMarkdown } from '../../src/progress/markdown.js';
import { LINE_MAX, renderStatusText } from '../../src/progress/terminal.js';
import { buildView } from '../../src/progress/view.js';
import { StatusJson, statusJson } from '../../src/progress/status-json.js';
import { attempt, DAEMON, fixtureState, NOW, task } from './fixture.js';
import { tables } from './md-check.js';

const HUGE = 'y'.repeat(10_000);

function bigEvidence(i: number): Evidence {
  return {
    checkedAt: NOW.toISOString(),
    passed: i % 2 === 0,
    summary: `summary ${i} ${HUGE}`,
    workerClean: true,
    artifacts: Array.from({ length: 50 }, (_, k) => ({ path: `out/${i}/${k}.txt`, exists: k > 0, size: 10, fresh: true, ok: k > 0 })),
    verify: {
      command: `check ${i} ${HUGE}`,
      exitCode: i % 2,
      signal: null,
      timedOut: false,
      durationMs: 5,
      ok: i % 2 === 0,
      outputTail: Array.from({ length: 200 }, (_, k) => `out line ${k} ${HUGE}`).join('\n'),
    },
  };
}

/** 500 tasks: 50 roots with 9 subtasks each, mixed statuses, long texts, big evidence. */
function bigState() {
  const state = fixtureState();
  const statuses: TaskState['status'][] = ['done', 'failed', 'pending', 'blocked', 'archived'];
  state.tasks = {};
  state.roots = [];
  for (let r = 0; r < 50; r++) {
    const rootId = `root-${r}`;
    const kids = Array.from({ length: 9 }, (_, k) => `t-${r}-${k}`);
    state.roots.push(rootId);
    state.tasks[rootId] = task({ id: rootId, title: `Root ${r} ${HUGE}`, children: kids, reason: HUGE });
    kids.forEach((id, k) => {
      const i = r * 9 + k;
      state.tasks[id] = task({
        id,
        parent: rootId,
        title: `Task ${i} | ${HUGE}`,
        status: statuses[i % statuses.length] ?? 'pending',
        reason: `reason ${HUGE}`,
        attempts: [attempt({ n: 1, evidence: bigEvidence(i) })],
      });
    });
  }
  return state;
}

function bigJournal(): JournalEntry[] {
  const kinds: JournalEntry['kind'][] = ['decision', 'status', 'wake', 'attempt'];
  return Array.from({ length: 1000 }, (_, i) => ({
    seq: i + 1,
    ts: new Date(NOW.getTime() - (1000 - i) * 1000).toISOString(),
    cycle: i,
    kind: kinds[i % kinds.length] ?? 'wake',
    task: `t-0-${i % 9}`,
    msg: `msg ${i} ${HUGE}\nwith a second line`,
  }));
}

describe('progress output stays bounded', () => {
  const state = bigState();
  const view = buildView({ state, journalTail: bigJournal(), daemon: DAEMON, now: NOW });

  it('has all 500 tasks but at most 10 decisions, 5 tail lines of 200 chars, 10 artifacts', () => {
    assert.equal(Object.keys(state.tasks).length, 500);
    assert.equal(view.decisions.length, 10);
    assert.equal(view.decisions[0]?.seq, 998, 'newest decision first');
    let seen = 0;
    const visit = (ts: readonly TaskView[]) => {
      for (const t of ts) {
        seen++;
        if (t.evidence) {
          assert.ok(t.evidence.verify);
          assert.ok(t.evidence.verify.tail.length <= 5);
          for (const l of t.evidence.verify.tail) assert.ok(Array.from(l).length <= 200);
          assert.equal(t.evidence.artifacts.length, 10);
          assert.equal(t.evidence.moreArtifacts, 40);
          assert.equal(t.evidence.artifacts[0]?.ok, false, 'the failing artifact survives the cut');
          assert.ok(t.evidence.summary.length <= 300);
        }
        assert.ok(t.title.length <= 200 && t.reason.length <= 300);
        visit(t.children);
      }
    };
    visit(view.tasks.all());
    visit(view.removed.all());
    assert.equal(seen, 500);
  });

  it('renders progress.md with bounded size and intact tables', () => {
    const md = renderMarkdown(view, loadProgressTemplate());
    assert.ok(md.length < 2_000_000, `progress.md is ${md.length} chars`);
    assert.ok(md.length / 500 < 4_000, 'a few KB per task at most');
    const longest = Math.max(...md.split('\n').map((l) => l.length));
    assert.ok(longest < 1_500, `longest line ${longest}`);
    const decisions = tables(md)[0] ?? [];
    assert.equal(decisions.length, 2 + 10);
    assert.match(md, /… and 40 more artifacts/);
  });

  it('renders the terminal status within the line width', () => {
    const out = renderStatusText(view);
    for (const line of out.split('\n')) assert.ok(Array.from(line).length <= LINE_MAX);
    assert.ok(out.length < 200_000);
  });

  it('produces status JSON that still parses', () => {
    const json = StatusJson.parse(JSON.parse(JSON.stringify(statusJson(state, DAEMON, NOW))));
    const archived = Object.values(state.tasks).filter((t) => t.status === 'archived').length;
    assert.equal(archived, 90);
    assert.equal(json.counts.archived, archived);
    assert.equal(json.tasks.length, 50 + archived, '50 roots, then the archived subtasks');
    assert.ok(json.tasks.slice(50).every((t) => t.status === 'archived'));
  });
});
