import { z } from 'zod';

// Shared with the web client: request and response shapes of the users module.

export const roleSchema = z.enum(['owner', 'admin', 'marketer', 'support', 'sales', 'analyst']);
export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email({ error: 'must be an email address' }));
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters');

export const userSchema = z.object({
  id: z.guid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  status: z.enum(['invited', 'active', 'deactivated']),
  lastLoginAt: z.date().nullable(),
  createdAt: z.date(),
});
export type User = z.infer<typeof userSchema>;

export const meSchema = z.object({
  user: userSchema,
  permissions: z.array(z.string()),
  csrfToken: z.string(),
});
export type Me = z.infer<typeof meSchema>;

export const setupStatusSchema = z.object({ needsSetup: z.boolean() });

export const setupBodySchema = z.strictObject({
  token: z.string().min(1, 'the setup token from the server log is required'),
  email: emailSchema,
  name: z.string().trim().min(1, 'is required').max(200),
  password: passwordSchema,
});

export const loginBodySchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, 'is required').max(256),
});

export const createUserBodySchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().max(200).default(''),
  role: roleSchema,
  /** With a password the user is active at once; without, an invite link is returned. */
  password: passwordSchema.optional(),
});

export const createUserResponseSchema = z.object({
  user: userSchema,
  inviteUrl: z.string().nullable(),
  inviteExpiresAt: z.date().nullable(),
});

export const updateUserBodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: roleSchema.optional(),
    status: z.enum(['active', 'deactivated']).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'send at least one of name, role, status');

export const inviteInfoSchema = z.object({ email: z.string(), name: z.string(), role: roleSchema, expiresAt: z.date() });
export const acceptInviteBodySchema = z.strictObject({
  token: z.string().min(1),
  name: z.string().trim().min(1, 'is required').max(200),
  password: passwordSchema,
});

export const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1, 'is required'),
  newPassword: passwordSchema,
});

export const apiKeySchema = z.object({
  id: z.guid(),
  name: z.string(),
  kind: z.enum(['secret', 'public']),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.date(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const createApiKeyBodySchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(200),
  kind: z.enum(['secret', 'public']).default('secret'),
  /** Permissions such as "customers:read"; ignored for public keys (always tracking:write). */
  scopes: z.array(z.string()).max(100).default([]),
});

export const createdApiKeySchema = z.object({ apiKey: apiKeySchema, key: z.string() });

export const idParamsSchema = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
