// The desktop transport: notify-send on Linux, osascript on macOS, looked up once at start.
// Text goes in as separate argv entries (never through a shell or into AppleScript source), so
// titles and reasons cannot inject anything.

export interface DesktopNotifier {
  /** The program's name, for log lines. */
  name: string;
  file: string;
  args(title: string, text: string): string[];
}

/** The notifier for this platform, or why there is none (said once; the transport is then off). */
export function findDesktopNotifier(
  platform: NodeJS.Platform,
  find: (name: string) => string | null,
): { notifier: DesktopNotifier } | { off: string } {
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    const file = find('notify-send');
    if (!file) return { off: 'notify-send is not on PATH' };
    // "--" so a text that starts with "-" is never read as an option.
    return { notifier: { name: 'notify-send', file, args: (title, text) => ['--app-name=aura', '--', title, text] } };
  }
  if (platform === 'darwin') {
    const file = find('osascript');
    if (!file) return { off: 'osascript is not on PATH' };
    const script = ['on run argv', 'display notification (item 2 of argv) with title (item 1 of argv)', 'end run'];
    return {
      notifier: { name: 'osascript', file, args: (title, text) => [...script.flatMap((l) => ['-e', l]), title, text] },
    };
  }
  return { off: `no desktop notifier is known on ${platform}` };
}
