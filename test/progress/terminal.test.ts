import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINE_MAX, ORPHANS_HINT, renderStatusText } from '../../src/progress/terminal.js';
import { buildView } from '../../src/progress/view.js';
import { fixtureInput, fixtureState } from './fixture.js';

const text = (input = fixtureInput()) => renderStatusText(buildView(input));

describe('renderStatusText', () => {
  const out = text();
  const lines = out.split('\n');

  it('keeps every line within the width', () => {
    for (const line of lines) assert.ok(Array.from(line).length <= LINE_MAX, line);
  });

  it('wraps the overall line instead of cutting it', () => {
    assert.equal(lines[1], 'Working — 1 running, 1 verifying, 1 done of 7, 1 failed, 1 blocked, needs attention,');
    assert.equal(lines[2], '  next wake 14:05:00 UTC');
  });

  it('shows one line per task with the status in words, nested by indent', () => {
    assert.ok(lines.includes('  ✅ Set up the repo [setup] · done · 1 attempt'));
    assert.ok(lines.includes('    🔄 Render pages [pages] · running · attempt 2 · 3m 20s · 6m 40s left'));
    assert.ok(lines.includes('    ⏸ Feed | RSS `atom` <b>feed</b> [feed] · pending retry until 14:05:00 UTC · 1 attempt'));
    assert.ok(lines.includes('  ❌ Publish the site [publish] · failed · 3 attempts'));
  });

  it('explains failures with the telling line of verify output', () => {
    assert.ok(lines.includes('     verify exited 1 — Error: upload rejected (HTTP 403)'));
    assert.ok(lines.includes('     needs publish, which failed'));
  });

  it('lists workers, recent decisions and removed tasks', () => {
    assert.ok(lines.includes('  pid 4242  pages  3m 20s  6m 40s left  $ npm run build:pages'));
    assert.ok(lines.includes('  14:02:52  publish: running → failed: verify exited 1 (#12)'));
    assert.ok(lines.includes('Removed from task.md: old-docs'));
    assert.equal(lines.filter((l) => /^ {2}\d\d:\d\d:\d\d {2}/.test(l)).length, 5);
  });

  it('says when no daemon watches the workers on record, and how to take them back', () => {
    const hint = (mode: 'stopped' | 'done' | 'running') => {
      const out = text(fixtureInput({ daemon: { pid: mode === 'running' ? 4100 : null, mode, nextWakeAt: null, startedAt: null } }));
      return out.replace(/\n {2}/g, ' ').includes(ORPHANS_HINT);
    };
    assert.equal(hint('stopped'), true);
    assert.equal(hint('running'), false);
    assert.equal(hint('done'), false);
    const none = fixtureState();
    for (const t of Object.values(none.tasks)) for (const a of t.attempts) a.endedAt ??= a.startedAt;
    const noWorkers = text(fixtureInput({ state: none, daemon: { pid: null, mode: 'stopped', nextWakeAt: null, startedAt: null } }));
    assert.equal(noWorkers.includes('No daemon watches'), false);
  });

  it('clips long titles rather than wrapping the tree', () => {
    const state = fixtureState();
    const setup = state.tasks.setup;
    assert.ok(setup);
    setup.title = 'x'.repeat(300);
    const long = text(fixtureInput({ state })).split('\n').find((l) => l.includes('xxxx'));
    assert.equal(Array.from(long ?? '').length, LINE_MAX);
    assert.ok(long?.endsWith('…'));
  });
});
