// Input fields several tools share, described once.
import { z } from 'zod';

export const taskId = z.string().min(1).max(64).describe('A task id exactly as listed in the task tree.');
export const reason = z.string().min(1).max(1000).describe('Why, in a sentence; it goes into the journal.');
