// Word lists shared by the zod schemas (schema.ts) and the zod-free readers that light commands use
// (aura status must start fast, and loading zod alone costs ~80 ms).

export const TASK_STATUSES = ['pending', 'running', 'verifying', 'done', 'failed', 'blocked', 'archived'] as const;

export const JOURNAL_KINDS = ['daemon', 'wake', 'taskfile', 'decision', 'status', 'attempt', 'evidence', 'warning', 'planner'] as const;
