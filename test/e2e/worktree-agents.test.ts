// Issue 14's agent case with the real Claude Code against the scripted model server: two claude
// workers at once in one git project (AURA_WORKTREES=auto gives each its own worktree) both append to
// the same file. Both end verified with both edits in main — merged, or one re-run after its conflict
// on a fresh worktree and then merged; never a lost edit. The person's uncommitted edit survives.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureAgentClis } from '../agents/setup.mjs';
import { startModelServer, text, toolUse, type ModelServer, type RecordedRequest, type Step } from '../fixtures/model-server/index.js';
import { projectsForThisFile, runAura, testEnv } from '../helpers/aura.js';
import { atMain, git, gitInit } from './worktree-helpers.js';

const skip = process.env.AURA_SKIP_REAL_AGENTS === '1' ? 'AURA_SKIP_REAL_AGENTS=1' : false;
const project = projectsForThisFile();
const servers: ModelServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Which task a request is for (the brief ends "task id `a`"), and whether its tool already ran. */
function agentStep(req: RecordedRequest): ReturnType<typeof text> {
  const messages = (req.body as { messages?: unknown[] }).messages ?? [];
  const all = JSON.stringify(messages);
  const id = /task id `([a-z]+)`/.exec(all)?.[1] ?? 'unknown';
  if (all.includes('"tool_result"')) return text(`appended from-${id}`);
  return toolUse('Bash', { command: `sleep 1; echo from-${id} >> notes.txt`, description: 'append a line' });
}

describe('two claude workers at once in one git project', { skip, timeout: 10 * 60_000 }, () => {
  let binDir = '';
  before(async () => {
    const bins = await ensureAgentClis({ log: (m: string) => process.stderr.write(`${m}\n`) });
    binDir = path.dirname(bins.claude);
  });

  test('each in its own worktree; both edits of the same file end in main; the person\'s edit survives', async () => {
    const script: Step[] = Array.from({ length: 12 }, () => agentStep);
    const s = await startModelServer(script);
    servers.push(s);
    const p = project({
      'notes.txt': 'start\n',
      'mine.txt': 'original\n',
      'task.md': [
        '# Notes',
        '',
        '## Both (parallel)',
        '',
        '- [ ] Append a',
        '  - id: a',
        '  - verify: `grep -q from-a notes.txt`',
        '',
        '- [ ] Append b',
        '  - id: b',
        '  - verify: `grep -q from-b notes.txt`',
        '',
      ].join('\n'),
    });
    gitInit(p);
    p.write('mine.txt', 'my uncommitted edit\n');
    const env = testEnv({ PATH: `${binDir}:${process.env.PATH ?? ''}`, ANTHROPIC_BASE_URL: s.url, ANTHROPIC_API_KEY: 'sk-test', IS_SANDBOX: '1' });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 5 * 60_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = p.state();
    assert.equal(st.tasks.a?.status, 'done');
    assert.equal(st.tasks.b?.status, 'done');
    const notes = atMain(p, 'notes.txt');
    assert.match(notes, /from-a/);
    assert.match(notes, /from-b/);
    assert.equal(p.read('mine.txt'), 'my uncommitted edit\n');
    const attempts = [...st.tasks.a!.attempts, ...st.tasks.b!.attempts];
    assert.ok(attempts.every((a) => a.worker === 'claude' && a.worktree), 'every claude attempt had a worktree of its own');
    const [a1, b1] = [st.tasks.a!.attempts[0]!, st.tasks.b!.attempts[0]!];
    assert.ok(new Date(a1.startedAt) < new Date(b1.endedAt!) && new Date(b1.startedAt) < new Date(a1.endedAt!), 'they ran at the same time');
    assert.equal(attempts.filter((a) => a.merge?.result === 'merged').length, 2);
    // Each claude ran inside its worktree: its Bash wrote there, never in the project's own tree first.
    for (const a of attempts) assert.match(p.read(path.join('.aura', a.dir, 'task.md')), /a git worktree of this project of your own, on branch `aura\//);
    assert.equal(git(p.dir, 'status', '--porcelain', '--untracked-files=no'), 'M mine.txt');
  });
});
