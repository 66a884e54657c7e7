// Real git repositories for the worktree tests (issue 14).
import { execFileSync } from 'node:child_process';
import type { Project } from '../helpers/aura.js';

/** git in a directory, with no identity of the person's (HOME is a temp dir in testEnv). */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' } }).trim();
}

/** Makes the project a git repository on branch main with everything committed (task.md included). */
export function gitInit(p: Project, opts: { ignoreAura?: boolean } = {}): void {
  git(p.dir, 'init', '-q', '-b', 'main');
  if (opts.ignoreAura !== false) p.write('.gitignore', '.aura/\n');
  git(p.dir, 'add', '-A');
  git(p.dir, '-c', 'user.name=Person', '-c', 'user.email=person@example.com', 'commit', '-q', '-m', 'start');
}

export function tip(p: Project, ref = 'main'): string {
  return git(p.dir, 'rev-parse', ref);
}

export function auraBranches(p: Project): string[] {
  return git(p.dir, 'branch', '--list', 'aura/*', '--format=%(refname:short)').split('\n').filter(Boolean);
}

/** The file as the project's branch has it (not the working tree). */
export function atMain(p: Project, file: string): string {
  return git(p.dir, 'show', `main:${file}`);
}
