// Loaded into the aura daemon with `node --import` (never into workers or the runner: it checks
// argv) to inject faults at exact moments of its file I/O. Plain JS so the daemon needs no tsx.
//
//   TORTURE_FAULT=signal-on-state-write  TORTURE_AT=<n> TORTURE_PHASE=before|between|after TORTURE_SIGNAL=SIGTERM|SIGKILL
//       sends the signal to the daemon itself at that phase of its n-th state.json save
//       (before: temp file written, nothing renamed; between: state.json renamed to state.prev.json,
//       the new one not yet in place; after: both renames done, directory not yet fsynced).
//   TORTURE_FAULT=enospc  TORTURE_AFTER_BYTES=<n>  [TORTURE_UNDER=<dir>]
//       every write under TORTURE_UNDER (default: the .aura directory of the cwd) fails with ENOSPC
//       once n bytes have been written there: the fallback for a full disk where no tmpfs can be mounted.
//   TORTURE_FAULT=throw-after  TORTURE_AFTER_MS=<n>
//       an exception nothing catches, thrown from a timer n ms after start: aura's fatal-error path.
//   TORTURE_FAULT=erofs  [TORTURE_UNDER=<dir>]
//       every write or create under the directory fails with EROFS (a read-only .aura where chmod
//       does not stop root and no read-only mount can be made).
import fs from 'node:fs';
import path from 'node:path';

const fault = process.env.TORTURE_FAULT;
const isDaemon = (process.argv[1] ?? '').endsWith(`${path.sep}aura.js`);

if (fault === 'throw-after' && isDaemon) {
  setTimeout(() => {
    throw new Error('injected fatal error (TORTURE_FAULT=throw-after)');
  }, Number(process.env.TORTURE_AFTER_MS ?? '1000')).unref();
}

if (fault && isDaemon) {
  const fsp = fs.promises;
  if (fault === 'signal-on-state-write') {
    const at = Number(process.env.TORTURE_AT ?? '1');
    const phase = process.env.TORTURE_PHASE ?? 'between';
    const sig = process.env.TORTURE_SIGNAL ?? 'SIGTERM';
    let saves = 0;
    let armed = false;
    const fire = () => process.kill(process.pid, sig);
    const rename = fsp.rename.bind(fsp);
    fsp.rename = async (from, to) => {
      const f = String(from);
      const t = String(to);
      if (f.endsWith('state.json') && t.endsWith('state.prev.json')) {
        saves += 1;
        armed = saves === at;
        if (armed && phase === 'before') fire();
        const r = await rename(from, to);
        if (armed && phase === 'between') fire();
        return r;
      }
      if (t.endsWith('state.json') && f.includes('state.json.tmp-')) {
        const r = await rename(from, to);
        if (armed && phase === 'after') fire();
        armed = false;
        return r;
      }
      return rename(from, to);
    };
  } else if (fault === 'enospc' || fault === 'erofs') {
    const under = path.resolve(process.env.TORTURE_UNDER ?? path.join(process.cwd(), '.aura')) + path.sep;
    let budget = Number(process.env.TORTURE_AFTER_BYTES ?? '0');
    const code = fault === 'enospc' ? 'ENOSPC' : 'EROFS';
    const inside = (p) => typeof p === 'string' || p instanceof URL || Buffer.isBuffer(p) ? (path.resolve(String(p)) + path.sep).startsWith(under) : false;
    const fdsInside = new Set();
    const error = (syscall, p) => Object.assign(new Error(`${code}: ${fault === 'enospc' ? 'no space left on device' : 'read-only file system'}, ${syscall} '${p ?? ''}'`), { code, errno: fault === 'enospc' ? -28 : -30, syscall });
    const spend = (n, syscall, p) => {
      if (fault === 'erofs') throw error(syscall, p);
      if (n > budget) {
        budget = 0;
        throw error(syscall, p);
      }
      budget -= n;
    };
    const len = (d) => (typeof d === 'string' ? Buffer.byteLength(d) : (d?.byteLength ?? 0));
    const writing = (flags) => flags !== undefined && flags !== 'r' && flags !== fs.constants.O_RDONLY && !(typeof flags === 'string' && flags === 'rs');
    // Paths: whole-file writes and creation.
    for (const name of ['writeFile', 'appendFile']) {
      const orig = fs[name];
      fs[name + 'Sync'] = ((o) => (p, d, ...r) => {
        if (inside(p)) spend(len(d), name, p);
        return o(p, d, ...r);
      })(fs[name + 'Sync']);
      const po = fsp[name].bind(fsp);
      fsp[name] = async (p, d, ...r) => {
        if (typeof p !== 'object' || p instanceof URL) { if (inside(p)) spend(len(d), name, p); }
        return po(p, d, ...r);
      };
      void orig;
    }
    const openSync = fs.openSync;
    fs.openSync = (p, flags, ...r) => {
      if (inside(p) && writing(flags)) {
        if (fault === 'erofs') throw error('open', p);
        const fd = openSync(p, flags, ...r);
        fdsInside.add(fd);
        return fd;
      }
      return openSync(p, flags, ...r);
    };
    const writeSync = fs.writeSync;
    fs.writeSync = (fd, d, ...r) => {
      if (fdsInside.has(fd)) spend(len(d), 'write', null);
      return writeSync(fd, d, ...r);
    };
    const closeSync = fs.closeSync;
    fs.closeSync = (fd) => {
      fdsInside.delete(fd);
      return closeSync(fd);
    };
    const popen = fsp.open.bind(fsp);
    fsp.open = async (p, flags, ...r) => {
      if (inside(p) && writing(flags)) {
        if (fault === 'erofs') throw error('open', p);
        const fh = await popen(p, flags, ...r);
        for (const m of ['write', 'writeFile', 'appendFile']) {
          const o = fh[m].bind(fh);
          fh[m] = async (d, ...rest) => {
            spend(len(d), 'write', p);
            return o(d, ...rest);
          };
        }
        return fh;
      }
      return popen(p, flags, ...r);
    };
    for (const name of ['mkdir', 'rename', 'unlink']) {
      const po = fsp[name].bind(fsp);
      if (fault === 'erofs') fsp[name] = async (p, ...r) => { if (inside(p)) throw error(name, p); return po(p, ...r); };
      const so = fs[name + 'Sync'];
      if (fault === 'erofs') fs[name + 'Sync'] = (p, ...r) => { if (inside(p)) throw error(name, p); return so(p, ...r); };
    }
  }
}
