// Serialises the takeover of a stale lock file between processes.
//
// Removing a stale lock is a compare-and-delete, which plain files cannot do atomically: two
// processes that both saw the same stale file could each remove "it", the second one removing the
// fresh lock the first just created. So only the holder of this mutex may remove a stale lock, and
// it re-checks under the mutex that the file is still the one it judged stale.
//
// The mutex is a Linux abstract-namespace Unix socket: binding is exclusive, and the kernel releases
// it when the process dies, even by kill -9, so the mutex itself can never go stale.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { errnoCode } from '../util/errors.js';

export type ReleaseMutex = () => Promise<void>;

/** Tries to take the mutex named after `key` (the lock file's real path); null when someone holds it. */
export function tryTakeoverMutex(key: string): Promise<ReleaseMutex | null> {
  const name = `\0aura-lock-takeover-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
  const server = net.createServer();
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      if (errnoCode(err) === 'EADDRINUSE') resolve(null);
      else reject(err);
    };
    server.once('error', onError);
    server.listen({ path: name }, () => {
      server.off('error', onError);
      // Nothing ever connects; the mutex must not keep the process alive.
      server.unref();
      let closed: Promise<void> | null = null;
      resolve(() => (closed ??= new Promise<void>((done) => server.close(() => done()))));
    });
  });
}
