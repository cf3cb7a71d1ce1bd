/**
 * Roles and permissions. A permission is `<area>:read` or `<area>:write` (write implies read);
 * every route declares the one it needs, API keys carry a list of them as scopes.
 */
export const AREAS = [
  'customers', 'commerce', 'tracking', 'integrations', 'segments', 'analytics', 'messaging',
  'support', 'loyalty', 'feedback', 'predict', 'sales', 'privacy', 'settings', 'team', 'apikeys', 'audit', 'jobs',
] as const;
export type Area = (typeof AREAS)[number];
export type Permission = `${Area}:read` | `${Area}:write`;

export const ROLES = ['owner', 'admin', 'marketer', 'support', 'sales', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** What a route needs: a permission, any logged-in person or key, or nothing. */
export type RouteAccess = Permission | 'authenticated' | 'public';

const ALL_PERMISSIONS: Permission[] = AREAS.flatMap((a) => [`${a}:read`, `${a}:write`] as Permission[]);

const rw = (...areas: Area[]): Permission[] => areas.flatMap((a) => [`${a}:read`, `${a}:write`] as Permission[]);
const r = (...areas: Area[]): Permission[] => areas.map((a) => `${a}:read` as Permission);

const BUSINESS: Area[] = ['customers', 'commerce', 'segments', 'analytics', 'messaging', 'support', 'loyalty', 'feedback', 'predict', 'sales'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(ALL_PERMISSIONS),
  admin: new Set(ALL_PERMISSIONS),
  // Marketers enter marketing spend (analytics:write) for CAC and ROI.
  marketer: new Set([...rw('customers', 'segments', 'messaging', 'loyalty', 'feedback', 'analytics'), ...r('commerce', 'predict', 'integrations', 'settings', 'team')]),
  support: new Set([...rw('customers', 'support', 'feedback'), ...r('commerce', 'loyalty', 'predict', 'settings', 'team')]),
  sales: new Set([...rw('customers', 'sales'), ...r('commerce', 'analytics', 'support', 'loyalty', 'predict', 'settings', 'team')]),
  analyst: new Set([...r(...BUSINESS), ...r('integrations', 'settings', 'team')]),
};

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  marketer: 'Marketer',
  support: 'Support agent',
  sales: 'Sales',
  analyst: 'Analyst (read-only)',
};

/** Scopes a secret API key may carry; a public key only ever gets `tracking:write`. */
export const API_KEY_SCOPES: Permission[] = ALL_PERMISSIONS.filter((p) => !p.startsWith('apikeys:'));
export const PUBLIC_KEY_SCOPES: Permission[] = ['tracking:write'];

export function isPermission(s: string): s is Permission {
  return (ALL_PERMISSIONS as string[]).includes(s);
}

/** Whether a set of granted permissions satisfies a needed one (`x:write` grants `x:read`). */
export function grants(granted: ReadonlySet<Permission> | readonly Permission[], needed: Permission): boolean {
  const has = (p: Permission) => (granted instanceof Set ? granted.has(p) : (granted as readonly Permission[]).includes(p));
  if (has(needed)) return true;
  if (needed.endsWith(':read')) return has(needed.replace(/:read$/, ':write') as Permission);
  return false;
}
