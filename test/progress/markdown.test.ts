import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadProgressTemplate } from '../../src/progress/load-template.js';
import { renderMarkdown } from '../../src/progress/markdown.js';
import { TemplateError } from '../../src/progress/template.js';
import { buildView } from '../../src/progress/view.js';
import { fixtureInput, fixtureState } from './fixture.js';
import { balancedCodeSpans, cells, section, tables } from './md-check.js';

const TEMPLATE = loadProgressTemplate();
const render = (input = fixtureInput()) => renderMarkdown(buildView(input), TEMPLATE);

describe('renderMarkdown', () => {
  const md = render();

  it('fills every placeholder and ends with one newline', () => {
    assert.doesNotMatch(md, /\{\{/);
    assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
    assert.doesNotMatch(md, /\n\n\n/);
    assert.match(md, /^# Ship the static site$/m);
  });

  it('leads with the overall state, counts and who needs attention', () => {
    assert.match(md, /^\*\*Working\*\* — 1 running, 1 verifying, 1 done of 7, 1 failed, 1 blocked, needs attention, next wake 14:05:00 UTC$/m);
    assert.match(md, /^✅ 1 done · 🔄 1 running · 🔍 1 verifying · ⏳ 2 pending · ❌ 1 failed · ⛔ 1 blocked · 🗄 1 archived$/m);
    assert.match(md, /^\*\*Needs attention:\*\* ❌ Publish the site `publish` · ⛔ Announce it `announce`$/m);
    assert.match(md, /^_Updated 2025-03-01 14:03:12 UTC · daemon pid 4100 running, up 2h 03m/m);
  });

  it('shows every task with its status, nested under its parent', () => {
    const tasks = section(md, 'Tasks');
    assert.match(tasks, /^- ✅ \*\*Set up the repo\*\* `setup` — done · 1 attempt$/m);
    // A pending group with a worker under it shows as running.
    assert.match(tasks, /^- 🔄 \*\*Build the site\*\* `site` — running \(a subtask is\) · not started$/m);
    assert.match(tasks, /^ {2}- 🔄 \*\*Render pages\*\* `pages` — running · attempt 2 · 3m 20s so far · 6m 40s left$/m);
    assert.match(tasks, /^ {2}- ⏸ \*\*Feed .*\*\* `feed` — pending retry until 14:05:00 UTC · 1 attempt$/m);
    assert.match(tasks, /^ {2}- 🔍 \*\*Copy assets\*\* `assets` — verifying · 1 attempt$/m);
    assert.match(tasks, /^- ❌ \*\*Publish the site\*\* `publish` — failed · 3 attempts$/m);
    assert.match(tasks, /^ {2}- Reason: out of attempts \(3\): verify exited 1$/m);
    assert.match(tasks, /^- ⛔ \*\*Announce it\*\* `announce` — blocked · not started$/m);
    assert.match(tasks, /^ {4}- Last attempt: attempt 1 ran out of budget after 10m 00s$/m);
    assert.doesNotMatch(tasks, /old-docs/, 'archived tasks are not in the live tree');
  });

  it("shows each task's evidence: artifacts, verify, and the failing output", () => {
    const tasks = section(md, 'Tasks');
    assert.match(tasks, /^ {2}- Evidence from attempt 1, 2025-03-01 12:10:04 UTC: \*\*passed\*\* — /m);
    assert.match(tasks, /^ {4}- ✓ `dist\/index.html` — 12\.3 KB$/m);
    assert.match(tasks, /^ {4}- ✓ verify `test -s dist\/index.html` — exit 0 in 0s: `ok: index.html present`$/m);
    // publish (attempt 3) and pages (its failed attempt 1, nested one level deeper)
    assert.match(tasks, /^ {2}- Evidence from attempt 3, .*: \*\*failed\*\* — verify exited 1$/m);
    assert.match(tasks, /^ {4}- ✗ `deploy\/receipt.json` — missing$/m);
    assert.match(tasks, /^ {4}- ✓ `site.tar.gz` — 2\.3 MB$/m);
    assert.match(tasks, /^ {4}- ✗ verify `npm run check:deploy` — exit 1 in 2s \(full log: `logs\/publish-3.log`\)$/m);
    assert.match(tasks, /^ {6}```text\n {6}line 1\n {6}line 2\n {6}line 3\n {6}Error: upload rejected \(HTTP 403\)\n {6}    at deploy.js:12\n {6}```$/m);
    assert.match(tasks, /^ {4}- Evidence from attempt 1, .*: \*\*failed\*\* — pages: verify exited 1$/m);
    assert.doesNotMatch(tasks, /run 3\n/, 'only the last 5 output lines');
  });

  it('lists the running worker', () => {
    const [workers] = tables(section(md, 'Running workers'));
    assert.ok(workers);
    assert.deepEqual(cells(workers[0] ?? ''), ['Task', 'PID', 'Command', 'Elapsed', 'Budget left']);
    assert.deepEqual(cells(workers[2] ?? ''), ['Render pages `pages`', '4242', '`npm run build:pages`', '3m 20s', '6m 40s']);
  });

  it('lists recent decisions newest first, with times in UTC', () => {
    const [decisions] = tables(section(md, 'Recent decisions'));
    assert.ok(decisions);
    assert.deepEqual(cells(decisions[0] ?? ''), ['Time (UTC)', 'Task', 'What happened']);
    assert.deepEqual(cells(decisions[2] ?? ''), ['2025-03-01 14:02:52', 'Publish the site', 'running → failed: verify exited 1 (#12)']);
  });

  it('puts removed tasks in their own section', () => {
    const removed = section(md, 'Removed from task.md');
    assert.match(removed, /^- 🗄 \*\*Write old docs\*\* `old-docs` — archived · 1 attempt$/m);
    assert.match(removed, /^ {2}- Evidence: passed — /m);
    const none = fixtureState();
    delete none.tasks['old-docs'];
    assert.doesNotMatch(render(fixtureInput({ state: none })), /Removed from task\.md/, 'no empty section');
  });

  it('ends with totals', () => {
    assert.match(section(md, 'Totals'), /^7 tasks \(\+1 removed\) · 9 attempts · running for 2h 03m since 2025-03-01 12:00:00 UTC · 42 cycles$/m);
  });

  it('keeps tables and code spans intact whatever the titles, commands and messages hold', () => {
    const state = fixtureState();
    const nasty = 'A | B `tick` ``two`` <img src=x> [link](u) *bold*\nsecond line | with pipe';
    for (const t of Object.values(state.tasks)) {
      t.title = `${nasty} ${t.id}`;
      t.reason = nasty;
      for (const a of t.attempts) a.command &&= `echo "${nasty}" | wc -l`;
    }
    const input = fixtureInput({ state });
    input.journalTail = input.journalTail.map((e) => ({ ...e, msg: nasty }));
    const out = render(input);
    const all = tables(out);
    assert.equal(all.length, 2);
    for (const table of all) {
      const width = cells(table[0] ?? '').length;
      for (const line of table) assert.equal(cells(line).length, width, line);
    }
    for (const line of out.split('\n')) {
      if (!line.trimStart().startsWith('```')) assert.ok(balancedCodeSpans(line), line);
    }
    // Raw HTML may appear only inside code spans, where it is literal text.
    const outsideCode = out.replace(/\\`/g, '').replace(/(`+)(?!`).*?[^`]\1(?!`)/g, '');
    assert.match(out, /```echo "A \\\| B `tick` ``two`` <img src=x>/, 'commands keep their text, in a code span');
    assert.doesNotMatch(outsideCode, /<img/);
    assert.doesNotMatch(out, /^second line/m, 'a newline in a title cannot start a new line');
    assert.match(out, /\*\*A \\\| B \\`tick\\` \\`\\`two\\`\\` &lt;img src=x&gt; \\\[link\\\]\(u\) \\\*bold\\\* second line \\\| with pipe setup\*\*/);
  });

  it('fails loudly on a template with an unknown placeholder', () => {
    assert.throws(() => renderMarkdown(buildView(fixtureInput()), '# {{goal}}\n{{tasks}}\n{{workerz}}\n'), TemplateError);
  });

  it('renders an empty run', () => {
    const state = fixtureState();
    state.tasks = {};
    state.roots = [];
    const out = render(fixtureInput({ state, journalTail: [] }));
    assert.match(out, /_No tasks in task\.md yet\._/);
    assert.match(out, /_No workers running\._/);
    assert.match(out, /_Nothing decided yet\._/);
  });
});
