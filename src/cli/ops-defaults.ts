// Defaults the operator commands share with their help text. Apart from the implementations, which
// load only when their command runs: the registration (commands-ops.ts) needs these at start-up.

/** How many directory levels `aura projects` looks down. */
export const MAX_DEPTH = 4;

/** `aura clean-workspaces --age`: attempt directories unchanged for this many days. */
export const DEFAULT_AGE_DAYS = 7;
