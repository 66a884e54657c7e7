// `aura logs -f`: the task's output as it is written, from one attempt on into the next, until
// Ctrl-C. Each attempt ends at the runner's exit.json, or when the state says it ended without one
// (lost, spawn error); the state is polled, never locked, so a daemon at work is not disturbed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pickAttempt } from '../progress/task-view.js';
import type { Layout } from '../store/layout.js';
import type { Attempt, RunState, TaskState } from '../store/schema.js';
import type { LogKind } from '../workers/capped-read.js';
import { FileFollower, readJson } from './logs-follow-file.js';

const POLL_MS = 250;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function header(t: TaskState, a: Attempt): string {
  return `==> ${t.id} attempt ${a.n} (${a.worker}) started ${a.startedAt.replace('T', ' ').slice(0, 19)} UTC <==\n`;
}

export async function follow(
  layout: Layout,
  taskId: string,
  first: number | null,
  kind: LogKind,
  n: number,
  readState: () => Promise<RunState | null>,
  stopped: () => boolean,
): Promise<void> {
  const out = (s: string) => {
    process.stdout.write(s);
  };
  let followed: number | null = null;
  let waitingSaid = false;
  while (!stopped()) {
    const state = await readState();
    const t = state?.tasks[taskId];
    let a: Attempt | undefined;
    if (t && followed === null) a = pickAttempt(t, first);
    else if (t) a = t.attempts.filter((x) => x.n > followed!).sort((x, y) => x.n - y.n)[0];
    if (!t || !a) {
      if (!waitingSaid) {
        out(`[waiting for ${followed === null ? 'the first' : 'the next'} attempt of ${taskId}…]\n`);
        waitingSaid = true;
      }
      await sleep(POLL_MS);
      continue;
    }
    const dir = path.join(layout.root, a.dir);
    if (followed !== null || waitingSaid) out(header(t, a));
    waitingSaid = false;
    const f = new FileFollower(dir, kind, out);
    await f.start(followed === null ? n : 0);
    followed = a.n;
    // Follow until the attempt ends: exit.json from the runner, or the state says so (lost, spawn error).
    let checks = 0;
    for (;;) {
      if (stopped()) return;
      await f.poll();
      const ended = existsSync(path.join(dir, 'exit.json'));
      let endedInState = false;
      if (!ended && ++checks % 4 === 0) {
        const s2 = await readState();
        const a2 = s2?.tasks[taskId]?.attempts.find((x) => x.n === a.n);
        endedInState = !a2 || a2.endedAt !== null;
      }
      if (ended || endedInState) {
        await sleep(50);
        await f.poll();
        f.finish();
        const exit = await readJson<{ code: number | null; signal: string | null }>(path.join(dir, 'exit.json'));
        const how = exit ? (exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`) : 'ended';
        out(`[attempt ${a.n} ${how}]\n`);
        break;
      }
      await sleep(POLL_MS);
    }
  }
}
