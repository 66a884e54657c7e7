// `aura kill|retry|pause|resume`: act on the running daemon from another shell. The daemon applies
// the request at the start of its next cycle (at once) and answers with what it did.
import { AuraError } from '../util/errors.js';
import { sendToDaemon } from './client.js';
import { findProject } from './project.js';

export type ControlCmd = 'kill' | 'retry' | 'pause' | 'resume';

export async function controlCommand(cmd: ControlCmd, task: string | undefined, o: { dir?: string; reason?: string; json?: boolean }): Promise<number> {
  const project = findProject(o.dir);
  const { reply, pid } = await sendToDaemon(project, { cmd, ...(task ? { task } : {}), ...(o.reason ? { reason: o.reason } : {}) });
  if (o.json) {
    process.stdout.write(JSON.stringify(reply) + '\n');
    return reply.ok ? 0 : 1;
  }
  if (!reply.ok) throw new AuraError('BAD_USAGE', `aura daemon ${pid}: ${reply.error}`);
  process.stdout.write(`aura daemon ${pid}: ${String(reply.message)}\n`);
  return 0;
}
