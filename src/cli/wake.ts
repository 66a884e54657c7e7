import { AuraError } from '../util/errors.js';
import { sendToDaemon } from './client.js';
import { findProject } from './project.js';

export async function wakeCommand(o: { reason?: string; dir?: string; json?: boolean }): Promise<number> {
  const project = findProject(o.dir);
  const { reply, pid } = await sendToDaemon(project, { cmd: 'wake', reason: o.reason ?? 'aura wake' });
  if (!reply.ok) throw new AuraError('NO_DAEMON', `the daemon (PID ${pid}) refused the wake: ${reply.error}`);
  if (o.json) process.stdout.write(JSON.stringify(reply) + '\n');
  else process.stdout.write(`woke aura daemon ${pid}: cycle ${String(reply.cycle)} started at ${String(reply.startedAt)}\n`);
  return 0;
}
