// `aura status` without the command tree. Loading commander and registering every command costs
// 40–80 ms on a loaded machine, a third of what `aura status` may take (issue 13: under 250 ms at
// 20,000 tasks). The plain forms (`aura status`, with --json and/or -d/--dir <project>) go straight
// to the status command; anything else (--help, --watch, a flag spelled another way, a repeated
// one) goes through the command tree in main.ts as before, so help and errors stay commander's.
// statusArgs is pure; a test checks it against what commander parses.

export interface FastStatus {
  json?: boolean;
  dir?: string;
}

/** The status command's options when `args` (argv after the script) is a plain status call, else null. */
export function statusArgs(args: readonly string[]): FastStatus | null {
  if (args[0] !== 'status') return null;
  const o: FastStatus = {};
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json' && o.json === undefined) {
      o.json = true;
      continue;
    }
    let dir: string | undefined;
    if (a === '-d' || a === '--dir') dir = args[++i];
    else if (a.startsWith('--dir=')) dir = a.slice('--dir='.length);
    else return null;
    if (dir === undefined || dir === '' || dir.startsWith('-') || o.dir !== undefined) return null;
    o.dir = dir;
  }
  return o;
}

/** The exit code's promise when `argv` is a plain status call, else null (the caller runs main). */
export function fastMain(argv: readonly string[]): Promise<number> | null {
  const o = statusArgs(argv.slice(2));
  if (!o) return null;
  return import('./status.js')
    .then((m) => m.statusCommand(o))
    .catch(async (err: unknown) => (await import('./output.js')).reportError(err));
}
