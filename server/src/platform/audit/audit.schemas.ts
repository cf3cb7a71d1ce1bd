import { z } from 'zod';

// Shared with the web client.
export const auditEntrySchema = z.object({
  id: z.string(), at: z.date(), actorType: z.string(), actorId: z.string().nullable(), actorLabel: z.string(), action: z.string(),
  entityType: z.string(), entityId: z.string().nullable(), summary: z.string(), before: z.unknown(), after: z.unknown(), ip: z.string().nullable(), requestId: z.string().nullable(),
});
export type AuditEntryOut = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;
