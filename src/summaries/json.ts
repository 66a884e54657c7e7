// The --json shapes of the operator commands (summaries, changelog, projects, clean-workspaces), as
// zod schemas. The commands import only the types, so loading a command does not load zod.
import { z } from 'zod';
import { OVERALL_STATES } from '../progress/types.js';
import { TaskStatus } from '../store/schema.js';

// ---- aura summaries ----------------------------------------------------------------------------

export const SummaryEntryJson = z.object({
  task: z.string(),
  title: z.string(),
  status: TaskStatus,
  /** Absolute path of the summary file (it may not exist yet). */
  path: z.string(),
  written: z.boolean(),
  /** Written and not older than the task's last change. */
  upToDate: z.boolean(),
});
export type SummaryEntryJson = z.infer<typeof SummaryEntryJson>;

/** `aura summaries --json` */
export const SummariesListJson = z.object({
  project: z.string(),
  dir: z.string(),
  finalReport: z.object({
    path: z.string(),
    written: z.boolean(),
    upToDate: z.boolean(),
    /** The run is done, so a final report belongs there. */
    due: z.boolean(),
  }),
  tasks: z.array(SummaryEntryJson),
});
export type SummariesListJson = z.infer<typeof SummariesListJson>;

/** `aura summaries <task> --json` */
export const SummaryJson = z.object({
  /** null for the final report. */
  task: z.string().nullable(),
  path: z.string(),
  /** false: not on disk (yet); `markdown` was rendered from the current state. */
  written: z.boolean(),
  markdown: z.string(),
});
export type SummaryJson = z.infer<typeof SummaryJson>;

// ---- aura changelog ----------------------------------------------------------------------------

export const ChangelogEntryJson = z.object({
  seq: z.number().int().positive(),
  ts: z.string(),
  cycle: z.number().int().nonnegative(),
  msg: z.string(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  renamed: z.array(z.object({ id: z.string(), from: z.string(), to: z.string() })),
  changed: z.array(z.string()),
  warnings: z.array(z.string()),
  /** Set for an edit that made the file invalid (aura kept the last good version). */
  error: z.string().nullable(),
});
export type ChangelogEntryJson = z.infer<typeof ChangelogEntryJson>;

/** `aura changelog --json`: oldest first. */
export const ChangelogJson = z.array(ChangelogEntryJson);
export type ChangelogJson = z.infer<typeof ChangelogJson>;

// ---- aura projects -----------------------------------------------------------------------------

export const ProjectJson = z.object({
  /** Absolute project directory (the one holding .aura/). */
  path: z.string(),
  taskFile: z.string().nullable(),
  goal: z.string().nullable(),
  /** working | waiting | stuck | draining | stopped | done, as in `aura status`; "unreadable" when the state could not be read. */
  overall: z.union([z.enum(OVERALL_STATES), z.literal('unreadable')]),
  daemon: z.object({ pid: z.number().int().positive().nullable(), alive: z.boolean() }),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  updatedAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type ProjectJson = z.infer<typeof ProjectJson>;

/** `aura projects --json` */
export const ProjectsJson = z.object({ root: z.string(), projects: z.array(ProjectJson) });
export type ProjectsJson = z.infer<typeof ProjectsJson>;

// ---- aura clean-workspaces ---------------------------------------------------------------------

export const WorkspaceDirJson = z.object({
  task: z.string(),
  attempt: z.number().int().nonnegative(),
  /** Absolute path of the attempt directory. */
  path: z.string(),
  /** Newest modification time of the directory or anything in it. */
  mtime: z.string(),
  bytes: z.number().nonnegative(),
});
export type WorkspaceDirJson = z.infer<typeof WorkspaceDirJson>;

/** `aura clean-workspaces --json` */
export const CleanJson = z.object({
  project: z.string(),
  dryRun: z.boolean(),
  ageDays: z.number().nonnegative(),
  /** Old enough and not protected: deleted (or, in a dry run, would be). */
  candidates: z.array(WorkspaceDirJson),
  /** Old enough but kept, with why (the latest attempt of its task, or running). */
  kept: z.array(WorkspaceDirJson.extend({ why: z.string() })),
  /** Deleted this run (empty in a dry run). */
  deleted: z.array(z.string()),
  /** Bytes freed, or in a dry run bytes that would be freed. */
  bytes: z.number().nonnegative(),
  errors: z.array(z.string()),
  /** Issue 14: aura's git worktrees (.aura/worktrees/) by the same age rules; their branches are kept while they hold work. */
  worktrees: z
    .object({
      candidates: z.array(z.object({ path: z.string(), branch: z.string().nullable(), mtime: z.string() })),
      kept: z.array(z.object({ path: z.string(), branch: z.string().nullable(), why: z.string() })),
      removed: z.array(z.object({ path: z.string(), branch: z.string().nullable(), branchKept: z.boolean() })),
    })
    .default({ candidates: [], kept: [], removed: [] }),
});
export type CleanJson = z.infer<typeof CleanJson>;
