// Reaching the running daemon from another shell. Kept light (no zod, no config) so `aura wake`
// starts fast.
import { request, type ControlReply, type ControlRequest } from '../daemon/control.js';
import { layoutFor } from '../store/layout.js';
import { readLock } from '../store/lock-read.js';
import { AuraError, errnoCode } from '../util/errors.js';

export async function sendToDaemon(projectDir: string, req: ControlRequest, timeoutMs = 15_000): Promise<{ reply: ControlReply; pid: number }> {
  const layout = layoutFor(projectDir);
  const lock = await readLock(layout);
  const none = () =>
    new AuraError('NO_DAEMON', `no aura daemon is running in ${projectDir}`, 'start one with `aura <task-file>` (or pass --dir <project>)');
  if (!lock || !lock.alive) throw none();
  try {
    const reply = await request(lock.info.socketPath, req, timeoutMs);
    return { reply, pid: lock.info.pid };
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ECONNREFUSED') throw none();
    if (code === 'EACCES' || code === 'EPERM') {
      // Not a storage problem: the socket (or its directory) belongs to someone else.
      throw new AuraError(
        'NO_DAEMON',
        `cannot reach the aura daemon (PID ${lock.info.pid}) through ${lock.info.socketPath}: permission denied`,
        'the daemon belongs to another user; run this command as the user who started it',
      );
    }
    if (code === 'ENOTSOCK' || code === 'ECONNRESET') {
      throw new AuraError('NO_DAEMON', `${lock.info.socketPath} is not the aura daemon's control socket (${code})`, 'stop the daemon (kill ' + lock.info.pid + ') and start it again');
    }
    if (code === 'ETIMEDOUT') {
      throw new AuraError('NO_DAEMON', `the aura daemon (PID ${lock.info.pid}) did not answer within ${timeoutMs / 1000}s`, 'it may be stuck; `kill ' + lock.info.pid + '` stops it');
    }
    throw err;
  }
}
