// Whether a path relative to a directory leaves it. `..data` is a name inside it; `..` and `../x` are not.
import path from 'node:path';

export function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}
