import { describe, expect, it } from 'vitest';
import { API_KEY_SCOPES, grants, ROLE_PERMISSIONS } from './rbac.ts';

describe('roles', () => {
  it('write implies read, never the reverse', () => {
    expect(grants(['customers:write'], 'customers:read')).toBe(true);
    expect(grants(['customers:read'], 'customers:write')).toBe(false);
    expect(grants(['customers:write'], 'segments:read')).toBe(false);
  });

  it('analysts can read but never write', () => {
    const perms = [...ROLE_PERMISSIONS.analyst];
    expect(perms.length).toBeGreaterThan(5);
    expect(perms.every((p) => p.endsWith(':read'))).toBe(true);
  });

  it('only owners and admins manage the team, keys, audit and jobs', () => {
    for (const [role, perms] of Object.entries(ROLE_PERMISSIONS)) {
      const admin = role === 'owner' || role === 'admin';
      for (const p of ['team:write', 'apikeys:read', 'apikeys:write', 'audit:read', 'jobs:read', 'jobs:write'] as const) {
        expect(grants(perms, p), `${role} ${p}`).toBe(admin);
      }
    }
  });

  it('an API key cannot be scoped to manage API keys', () => {
    expect(API_KEY_SCOPES.some((s) => s.startsWith('apikeys:'))).toBe(false);
  });
});
