// Input fields several tools share, described once.
import { z } from 'zod';

export const taskId = z.string().min(1).max(64);
export const reason = z.string().min(1).max(1000).describe('Why (journaled).');
