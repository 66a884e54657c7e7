// Types for setup.mjs (plain JS so it runs before anything is built or installed).
export declare const AGENTS_DIR: string;
export type AgentCli = 'claude' | 'opencode' | 'codex' | 'gemini';
export declare const PINS: Record<AgentCli, string>;
export declare const BINS: Record<AgentCli, string>;
export declare function ensureAgentClis(opts?: { log?: (msg: string) => void }): Promise<Record<AgentCli, string>>;
