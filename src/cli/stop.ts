import { layoutFor } from '../store/layout.js';
import { readLock } from '../store/lock-read.js';
import { AuraError } from '../util/errors.js';
import { sendToDaemon } from './client.js';
import { findProject } from './project.js';

export async function stopCommand(o: { dir?: string; wait?: boolean; timeout?: string }): Promise<number> {
  const project = findProject(o.dir);
  const { reply, pid } = await sendToDaemon(project, { cmd: 'stop', reason: 'aura stop' });
  if (!reply.ok) throw new AuraError('NO_DAEMON', `the daemon (PID ${pid}) refused to stop: ${reply.error}`);
  process.stdout.write(`aura daemon ${pid} is stopping (workers get SIGTERM, then SIGKILL after the grace period)\n`);
  if (o.wait === false) return 0;
  const limitMs = Number(o.timeout ?? '120') * 1000;
  const t0 = Date.now();
  const layout = layoutFor(project);
  while (Date.now() - t0 < limitMs) {
    const lock = await readLock(layout);
    if (!lock || !lock.alive || lock.info.pid !== pid) {
      process.stdout.write(`aura daemon ${pid} stopped\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stderr.write(`aura: daemon ${pid} is still stopping after ${limitMs / 1000}s\n`);
  return 1;
}
