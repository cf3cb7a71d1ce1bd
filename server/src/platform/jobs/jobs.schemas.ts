import { z } from 'zod';

// Shared with the web client.
export const jobStateSchema = z.enum(['waiting', 'scheduled', 'running', 'retrying', 'failed']);
export const jobSchema = z.object({
  id: z.string(), task: z.string(), queue: z.string().nullable(), state: jobStateSchema, attempts: z.number(), maxAttempts: z.number(),
  lastError: z.string().nullable(), runAt: z.date(), createdAt: z.date(), updatedAt: z.date(), key: z.string().nullable(), payload: z.unknown(),
});
export type JobOut = z.infer<typeof jobSchema>;

export const jobsPageSchema = z.object({
  items: z.array(jobSchema),
  counts: z.record(jobStateSchema, z.number()),
  tasks: z.array(z.string()),
  nextCursor: z.string().nullable(),
  workerRunning: z.boolean(),
});
export type JobsPage = z.infer<typeof jobsPageSchema>;
