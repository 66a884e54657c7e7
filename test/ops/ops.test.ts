// The read-only operator commands (summaries, logs, changelog, projects, clean-workspaces) against
// real projects made by running the real daemon. The commands are run through a tiny CLI built from
// their register() functions and the built dist/ (so they work whether or not main.ts lists them yet).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { layoutFor } from '../../src/store/layout.js';
import { readJournal } from '../../src/store/journal.js';
import { readStateReadOnly } from '../../src/store/state-store.js';
import { ChangelogJson, CleanJson, ProjectsJson, SummariesListJson, SummaryJson } from '../../src/summaries/json.js';
import { NotableEvents, renderFinalReport, renderTaskSummary } from '../../src/summaries/task-summary.js';
import { writeSummaries } from '../../src/summaries/write.js';
import { renderEventLine } from '../../src/progress/event-line.js';
import { TAIL_MARKER } from '../../src/workers/capped-read.js';
import { projectsForThisFile, runAura, testEnv, type Project } from '../helpers/aura.js';

const project = projectsForThisFile();

/** `aura <args>` through the built CLI (npm test builds first). */
function ops(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runAura(args, { cwd, env: testEnv(), timeoutMs: 30_000 });
}

async function json<T>(schema: { parse(v: unknown): T }, args: string[], cwd: string): Promise<T> {
  const r = await ops([...args, '--json'], cwd);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return schema.parse(JSON.parse(r.stdout));
}

const task = (id: string, run: string, extra: string[] = []) => [`- [ ] Task ${id}`, `  - id: ${id}`, `  - run: \`${run}\``, ...extra.map((e) => `  - ${e}`)].join('\n');
const taskFile = (goal: string, ...tasks: string[]) => `# ${goal}\n\n${tasks.join('\n')}\n`;

async function runToEnd(p: Project, env: Record<string, string> = {}, cwd = p.dir, file = 'task.md'): Promise<number | null> {
  const r = await runAura([file, '--exit-when-done', '-q'], { cwd, env: testEnv(env) });
  return r.code;
}

async function stateOf(dir: string) {
  const { state } = await readStateReadOnly(layoutFor(dir));
  assert.ok(state);
  return state;
}

/** Sets the mtime of a tree and everything in it. */
function age(dir: string, days: number): void {
  const t = new Date(Date.now() - days * 86_400_000);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) age(p, days);
    else utimesSync(p, t, t);
  }
  utimesSync(dir, t, t);
}

// ---- summaries --------------------------------------------------------------------------------------

describe('summaries', () => {
  test('a finished run: every task summary and the final report are written, listed and printed', async () => {
    const p = project({
      'task.md': taskFile(
        'Make two files',
        task('one', 'echo one > one.txt', ['produces: `one.txt`', 'verify: `grep -q one one.txt`']),
        task('two', 'echo two > two.txt', ['produces: `two.txt`']),
      ),
    });
    assert.equal(await runToEnd(p), 0);
    const layout = layoutFor(p.dir);
    const state = await stateOf(p.dir);

    // The daemon wrote them as the run ended: every summary and the final report are there.
    assert.ok(p.exists('.aura/summaries/one.md') && p.exists('.aura/summaries/two.md') && p.exists('.aura/summaries/final-report.md'));
    assert.deepEqual((await writeSummaries(layout, state)).written, [], 'up to date: nothing rewritten');

    // Removed, the list says so; written again, they are the same.
    for (const f of ['one.md', 'two.md', 'final-report.md']) rmSync(p.file(`.aura/summaries/${f}`));
    const before = await json(SummariesListJson, ['summaries'], p.dir);
    assert.deepEqual(before.tasks.map((t) => [t.task, t.status, t.written]), [['one', 'done', false], ['two', 'done', false]]);
    assert.equal(before.finalReport.due, true);
    const r = await writeSummaries(layout, state);
    assert.deepEqual(r.errors, []);
    assert.equal(r.written.length, 3);

    const list = await json(SummariesListJson, ['summaries'], p.dir);
    assert.ok(list.tasks.every((t) => t.written && t.upToDate));
    assert.equal(list.finalReport.written, true);
    assert.equal(list.tasks[0]!.path, p.file('.aura/summaries/one.md'));

    const text = await ops(['summaries'], p.dir);
    assert.match(text.stdout, /one\s+done\s+\.aura\/summaries\/one\.md/);
    assert.match(text.stdout, /final report: \.aura\/summaries\/final-report\.md/);

    const one = await json(SummaryJson, ['summaries', 'one'], p.dir);
    assert.equal(one.written, true);
    assert.match(one.markdown, /^# Task one \(`one`\)/);
    assert.match(one.markdown, /Run: `echo one > one.txt`/);
    assert.match(one.markdown, /\| 1 \| shell \|.*\| exited \| 0 \|/);
    assert.match(one.markdown, /\*\*Passed\*\*/);
    assert.match(one.markdown, /✓ verify `grep -q one one.txt`: exit 0/);
    assert.match(one.markdown, /Tokens and cost: none reported/);

    const report = p.read('.aura/summaries/final-report.md');
    assert.match(report, /^# Final report: Make two files/);
    assert.match(report, /\*\*Outcome: done\.\*\* Every task \(2\) is done/);
    assert.match(report, /- \*\*done\*\* `one` Task one — verified/);
    assert.match(report, /Attempts: 2/);
    assert.match(report, /None: no failures/);
    const printed = await ops(['summaries', 'final-report'], p.dir);
    assert.equal(printed.stdout, report);

    // An older file than the task's last change is rewritten.
    const old = new Date(Date.parse(state.tasks.one!.updatedAt) - 60_000);
    utimesSync(p.file('.aura/summaries/one.md'), old, old);
    assert.deepEqual((await writeSummaries(layout, state)).written, [p.file('.aura/summaries/one.md')]);
  });

  test('failures: the failed task and its dependant get summaries, no final report, failures are notable', async () => {
    const p = project({
      'task.md': taskFile('Fail', task('bad', 'echo trying; exit 3', ['produces: `x.txt`']), task('after', 'true')),
    });
    assert.equal(await runToEnd(p, { AURA_MAX_ATTEMPTS: '2' }), 1);
    const layout = layoutFor(p.dir);
    const state = await stateOf(p.dir);
    const r = await writeSummaries(layout, state);
    assert.deepEqual(r.errors, []);
    assert.ok(p.exists('.aura/summaries/bad.md'));
    assert.equal(p.exists('.aura/summaries/final-report.md'), false, 'not done: no final report');
    const list = await json(SummariesListJson, ['summaries'], p.dir);
    assert.deepEqual(list.tasks.map((t) => t.status), ['failed', 'blocked']);
    const bad = p.read('.aura/summaries/bad.md');
    assert.match(bad, /\*\*Status:\*\* failed/);
    assert.match(bad, /Attempts: 2/);
    assert.match(bad, /\| 2 \| shell \|.*\| 3 \|/);
    assert.match(bad, /Not passed/);

    const report = renderFinalReport(state, NotableEvents.of(await readJournal(layout.journalFile)));
    assert.match(report, /\*\*Outcome: not done\.\*\* 1 failed, 1 blocked/);
    assert.match(report, /## Notable events[\s\S]*`bad` running→failed: failed after 2 attempts/);
    assert.match(renderTaskSummary(state, 'nope'), /No such task/);

    const missing = await ops(['summaries', 'nope'], p.dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no task "nope"/);
  });
});

// ---- logs (without -f) ------------------------------------------------------------------------------

describe('logs', () => {
  test('stdout (last N lines), stderr, a capped log as head / tail, and no events for a shell worker', async () => {
    const p = project({
      'task.md': taskFile('Logs', task('talk', 'for i in $(seq 1 150); do echo line$i; done; echo oops >&2')),
    });
    assert.equal(await runToEnd(p), 0);
    const def = await ops(['logs', 'talk'], p.dir);
    assert.equal(def.code, 0, def.stderr);
    const lines = def.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 100);
    assert.equal(lines[0], 'line51');
    assert.equal(lines.at(-1), 'line150');
    assert.equal((await ops(['logs', 'talk', '-n', '2'], p.dir)).stdout, 'line149\nline150\n');
    assert.equal((await ops(['logs', 'talk', '--stderr'], p.dir)).stdout, 'oops\n');
    const ev = await ops(['logs', 'talk', '--events'], p.dir);
    assert.equal(ev.code, 0);
    assert.match(ev.stderr, /shell workers write plain text/);

    // While a worker runs past its cap, stdout.log is the head and stdout.log.tail the latest bytes.
    const dir = p.file(path.join('.aura', p.state().tasks.talk!.attempts[0]!.dir));
    writeFileSync(path.join(dir, 'stdout.log'), 'head1\nhead2\n');
    writeFileSync(path.join(dir, 'stdout.log.tail'), 'tail1\ntail2\n');
    assert.equal((await ops(['logs', 'talk'], p.dir)).stdout, `head1\nhead2\n${TAIL_MARKER}\ntail1\ntail2\n`);
    assert.equal((await ops(['logs', 'talk', '-n', '3'], p.dir)).stdout, `head2\n${TAIL_MARKER}\ntail1\ntail2\n`);

    const unknown = await ops(['logs', 'nope'], p.dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no task "nope".*\n.*talk/);
    assert.equal((await ops(['logs', 'talk', '--stderr', '--events'], p.dir)).code, 2);
  });

  test('--events renders an agent worker output.jsonl as readable lines', async () => {
    const p = project({
      'task.md': taskFile('Events', ['- [ ] Emit', '  - id: emit', '  - worker: custom', '  - produces: `out.txt`'].join('\n')),
      'emit.mjs': "import { writeFileSync } from 'node:fs';\nwriteFileSync(process.argv[2] + '/out.txt', 'x\\n');\nconsole.log('hello from the tool');\nconsole.log('all done');\n",
    });
    const r = await runAura(['task.md', '--exit-when-done', '-q'], {
      cwd: p.dir,
      env: testEnv({ AURA_CUSTOM_WORKER_COMMAND: `${process.execPath} ${p.file('emit.mjs')} {project}` }),
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const ev = await ops(['logs', 'emit', '--events'], p.dir);
    assert.equal(ev.code, 0, ev.stderr);
    assert.match(ev.stdout, /^\d\d:\d\d:\d\d text hello from the tool\n\d\d:\d\d:\d\d text all done\n$/);
  });

  test('renderEventLine: tool calls, results, usage, results', () => {
    const ts = '2025-03-01T12:03:04.000Z';
    assert.equal(renderEventLine(JSON.stringify({ ts, type: 'tool_call', name: 'Write', input: { file_path: '/p/out.txt' } })), '12:03:04 tool_call Write {"file_path":"/p/out.txt"}');
    assert.equal(renderEventLine(JSON.stringify({ ts, type: 'tool_result', ok: false, output: 'no such file' })), '12:03:04 tool_result error no such file');
    assert.equal(
      renderEventLine(JSON.stringify({ ts, type: 'usage', usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.5 } })),
      '12:03:04 usage in 10, out 5, cache read 0, cache write 0, $0.5000',
    );
    assert.equal(renderEventLine(JSON.stringify({ ts, type: 'result', ok: true, subtype: 'success', numTurns: 3 })), '12:03:04 result ok success 3 turns');
    assert.equal(renderEventLine('not json'), 'not json');
    assert.equal(renderEventLine('  '), null);
  });
});

// ---- changelog --------------------------------------------------------------------------------------

describe('changelog', () => {
  test('lists the first read and an edit with what it added and reworded', async () => {
    const p = project({ 'task.md': taskFile('Log', task('a', 'echo a > a.txt', ['produces: `a.txt`'])) });
    assert.equal(await runToEnd(p), 0);
    p.write('task.md', taskFile('Log', task('a', 'echo a > a.txt', ['produces: `a.txt`']).replace('Task a', 'Task a, reworded'), task('b', 'true')));
    assert.equal(await runToEnd(p), 0);
    const log = await json(ChangelogJson, ['changelog'], p.dir);
    assert.equal(log.length, 2);
    assert.deepEqual(log[0]!.added, ['a']);
    assert.match(log[0]!.msg, /read task file/);
    assert.deepEqual(log[1]!.added, ['b']);
    assert.deepEqual(log[1]!.renamed, [{ id: 'a', from: 'Task a', to: 'Task a, reworded' }]);
    assert.equal(log[1]!.error, null);
    const text = await ops(['changelog', '-n', '1'], p.dir);
    assert.match(text.stdout, /task file changed: added b; reworded a\n {4}\+ added: {4}b\n {4}~ reworded: a: "Task a" → "Task a, reworded"\n/);
    assert.doesNotMatch(text.stdout, /read task file/);
  });
});

// ---- projects ---------------------------------------------------------------------------------------

describe('projects', () => {
  test('finds the projects under a directory, skipping node_modules, with goal, overall state and counts', async () => {
    const p = project();
    p.write('alpha/task.md', taskFile('Alpha goal', task('x', 'true')));
    p.write('deep/er/beta/task.md', taskFile('Beta goal', task('y', 'exit 1')));
    assert.equal(await runToEnd(p, {}, p.file('alpha')), 0);
    assert.equal(await runToEnd(p, { AURA_MAX_ATTEMPTS: '1' }, p.file('deep/er/beta')), 1);
    // A copy inside node_modules is not a project of ours.
    mkdirSync(p.file('node_modules/pkg/.aura/state'), { recursive: true });
    writeFileSync(p.file('node_modules/pkg/.aura/state/state.json'), '{}');
    const out = await json(ProjectsJson, ['projects', p.dir], os.tmpdir());
    assert.deepEqual(out.projects.map((x) => x.path), [p.file('alpha'), p.file('deep/er/beta')]);
    const [a, b] = out.projects;
    assert.equal(a!.goal, 'Alpha goal');
    assert.equal(a!.overall, 'done');
    assert.equal(a!.counts.done, 1);
    assert.equal(a!.taskFile, p.file('alpha/task.md'));
    assert.equal(a!.daemon.alive, false);
    assert.equal(b!.overall, 'stopped');
    assert.equal(b!.counts.failed, 1);
    const text = await ops(['projects'], p.dir);
    assert.match(text.stdout, /^alpha\n {4}done +no daemon {2}1 done\n {4}goal: Alpha goal\n/);
    assert.match(text.stdout, /deep\/er\/beta\n {4}stopped/);
  });
});

// ---- clean-workspaces -------------------------------------------------------------------------------

describe('clean-workspaces', () => {
  test('a dry run by default; --yes deletes only old attempts that are not their task’s latest', async () => {
    const p = project({
      'task.md': taskFile('Clean', task('flaky', 'echo try; exit 1'), task('ok', 'true', ['needs: none'])),
    });
    assert.equal(await runToEnd(p, { AURA_MAX_ATTEMPTS: '3' }), 1);
    const ws = (t: string, n: number) => p.file(`.aura/workspace/tasks/${t}/attempt-${n}`);
    assert.ok(existsSync(ws('flaky', 3)) && existsSync(ws('ok', 1)));
    for (const d of [ws('flaky', 1), ws('flaky', 2), ws('ok', 1)]) age(d, 30);

    const dry = await json(CleanJson, ['clean-workspaces'], p.dir);
    assert.equal(dry.dryRun, true);
    assert.equal(dry.ageDays, 7);
    assert.deepEqual(dry.candidates.map((c) => c.path), [ws('flaky', 1), ws('flaky', 2)]);
    assert.ok(dry.candidates.every((c) => c.bytes > 0));
    assert.deepEqual(dry.kept.map((k) => [k.path, k.why]), [[ws('ok', 1), 'the latest attempt of ok']]);
    assert.equal(dry.bytes, dry.candidates[0]!.bytes + dry.candidates[1]!.bytes);
    assert.deepEqual(dry.deleted, []);
    assert.ok(existsSync(ws('flaky', 1)), 'a dry run deletes nothing');

    const text = await ops(['clean-workspaces'], p.dir);
    assert.match(text.stdout, /would delete attempt directories older than 7 days:\n {2}\.aura\/workspace\/tasks\/flaky\/attempt-1 /);
    assert.match(text.stdout, /dry run: would free .* from 2 directories; run again with --yes to delete/);
    assert.equal((await ops(['clean-workspaces', '--dry-run', '--yes'], p.dir)).code, 2);
    assert.deepEqual((await json(CleanJson, ['clean-workspaces', '--age', '60', '--yes'], p.dir)).deleted, [], 'not old enough');

    const real = await ops(['clean-workspaces', '--yes'], p.dir);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /freed .*: deleted 2 directories/);
    assert.equal(existsSync(ws('flaky', 1)), false);
    assert.equal(existsSync(ws('flaky', 2)), false);
    assert.ok(existsSync(ws('flaky', 3)), 'the latest attempt stays');
    assert.ok(existsSync(ws('ok', 1)), 'the latest attempt stays even when old');
    assert.ok(statSync(ws('flaky', 3)).isDirectory());
    // Its logs are still readable.
    assert.equal((await ops(['logs', 'flaky'], p.dir)).stdout, 'try\n');
  });
});
