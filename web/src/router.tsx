import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { safeNext } from './lib/next.ts';
import { meQuery, setupStatusQuery } from './modules/session/api.ts';
import { AppLayout } from './routes/app/AppLayout.tsx';
import { NotFound, RouteError } from './routes/app/fallbacks.tsx';

export interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
  errorComponent: RouteError,
});

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

// --- public pages ---------------------------------------------------------

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  validateSearch: (s: Record<string, unknown>): { token?: string } => ({ token: str(s.token) }),
  beforeLoad: async ({ context }) => {
    const status = await context.queryClient.fetchQuery(setupStatusQuery);
    if (!status.needsSetup) throw redirect({ to: '/' });
  },
  component: lazyRouteComponent(() => import('./routes/auth/setup.tsx'), 'SetupPage'),
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (s: Record<string, unknown>): { next?: string } => ({ next: str(s.next) }),
  beforeLoad: async ({ context, search }) => {
    const status = await context.queryClient.fetchQuery(setupStatusQuery);
    if (status.needsSetup) throw redirect({ to: '/setup' });
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (me) throw redirect({ href: safeNext(search.next) });
  },
  component: lazyRouteComponent(() => import('./routes/auth/login.tsx'), 'LoginPage'),
});

const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite/$token',
  component: lazyRouteComponent(() => import('./routes/auth/invite.tsx'), 'InvitePage'),
});

// --- the app (logged in) --------------------------------------------------

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (me) return;
    const status = await context.queryClient.fetchQuery(setupStatusQuery);
    if (status.needsSetup) throw redirect({ to: '/setup' });
    const next = location.href === '/' ? undefined : location.href;
    throw redirect({ to: '/login', search: { next } });
  },
  component: AppLayout,
});

const homeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./routes/home/home.tsx'), 'HomePage'),
});

const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings',
  beforeLoad: ({ location }) => {
    if (location.pathname.replace(/\/$/, '') === '/settings') throw redirect({ to: '/settings/team' });
  },
  component: Outlet,
});

const teamRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/team',
  component: lazyRouteComponent(() => import('./routes/settings/team.tsx'), 'TeamPage'),
});

const apiKeysRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/api-keys',
  component: lazyRouteComponent(() => import('./routes/settings/api-keys.tsx'), 'ApiKeysPage'),
});

const auditRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/audit',
  component: lazyRouteComponent(() => import('./routes/settings/audit.tsx'), 'AuditPage'),
});

const jobsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/jobs',
  component: lazyRouteComponent(() => import('./routes/settings/jobs.tsx'), 'JobsPage'),
});

const routeTree = rootRoute.addChildren([
  setupRoute,
  loginRoute,
  inviteRoute,
  appRoute.addChildren([homeRoute, settingsRoute.addChildren([teamRoute, apiKeysRoute, auditRoute, jobsRoute])]),
]);

export function makeRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    // Data freshness is TanStack Query's job; the router only guards and code-splits.
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
