// .aura holds the journal, the state, workers' output (which may hold whatever a worker printed):
// it is its owner's alone. Made 0700, or brought to 0700 when an older aura left it 0755; one that
// belongs to another user (made first by someone else on a shared directory) is refused, since
// whoever owns it could read or replace everything aura writes there.
import { lstat, mkdir, chmod } from 'node:fs/promises';
import { AuraError, errnoCode } from '../util/errors.js';

export async function ensurePrivateRoot(root: string): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  let st;
  try {
    st = await lstat(root);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new AuraError('STATE', `${root} vanished while aura was creating it`, 'start aura again');
    throw err;
  }
  const uid = process.getuid?.();
  if (st.isSymbolicLink()) return; // the person moved it elsewhere on purpose; its target's own rights apply
  if (!st.isDirectory()) throw new AuraError('STATE', `${root} is not a directory`, 'move it aside; aura keeps its state in a directory of that name');
  if (uid !== undefined && st.uid !== uid) {
    throw new AuraError(
      'STATE',
      `${root} belongs to another user (UID ${st.uid}), not to you (UID ${uid})`,
      'whoever owns it could read or change what aura writes there: remove it (or ask its owner to), or run aura as its owner',
    );
  }
  if ((st.mode & 0o077) !== 0) await chmod(root, 0o700);
}
