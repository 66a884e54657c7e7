// The agent CLIs the doctor looks for, by backend name (custom has no CLI of its own).
export const AGENT_CLIS = ['claude', 'codex', 'opencode', 'gemini'] as const;
