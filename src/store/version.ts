/** state.json's schemaVersion (zod-free, so light readers can check it). */
export const STATE_VERSION = 1;
