// Types for setup.mjs (plain JS so it runs before anything is built or installed).
export declare const AGENTS_DIR: string;
export declare const PINS: { claude: string; opencode: string };
export declare const BINS: { claude: string; opencode: string };
export declare function ensureAgentClis(opts?: { log?: (msg: string) => void }): Promise<{ claude: string; opencode: string }>;
