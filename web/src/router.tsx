import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { safeNext } from './lib/next.ts';
import { parseListSearch } from './modules/customers/filters.ts';
import { parseAnalyticsSearch } from './modules/analytics/range.ts';
import type { RfmSelection } from './modules/rfm/api.ts';
import { isRfmClass } from './modules/rfm/classes.ts';
import { parseMessagesSearch } from './modules/messaging/messages/api.ts';
import { parseInboxSearch } from './modules/support/inbox/search.ts';
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

const customersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/customers',
  validateSearch: parseListSearch,
  component: lazyRouteComponent(() => import('./routes/customers/list.tsx'), 'CustomersPage'),
});

const customerRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/customers/$id',
  validateSearch: (s: Record<string, unknown>): { tab?: string } => ({ tab: str(s.tab) }),
  component: lazyRouteComponent(() => import('./routes/customers/detail.tsx'), 'CustomerPage'),
});

const ORDER_STATUSES = ['open', 'completed', 'cancelled'] as const;
const day = (v: unknown): string | undefined => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export interface OrdersSearch {
  q?: string;
  status?: (typeof ORDER_STATUSES)[number];
  from?: string;
  to?: string;
  customerId?: string;
  productId?: string;
}

const ordersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/orders',
  validateSearch: (s: Record<string, unknown>): OrdersSearch => ({
    q: str(s.q),
    status: ORDER_STATUSES.find((x) => x === s.status),
    from: day(s.from),
    to: day(s.to),
    customerId: str(s.customerId),
    productId: str(s.productId),
  }),
  component: lazyRouteComponent(() => import('./routes/orders/list.tsx'), 'OrdersPage'),
});

const orderRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/orders/$id',
  component: lazyRouteComponent(() => import('./routes/orders/detail.tsx'), 'OrderPage'),
});

const productsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/products',
  validateSearch: (s: Record<string, unknown>): { q?: string; category?: string } => ({ q: str(s.q), category: str(s.category) }),
  component: lazyRouteComponent(() => import('./routes/products/list.tsx'), 'ProductsPage'),
});

const productRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/products/$id',
  component: lazyRouteComponent(() => import('./routes/products/detail.tsx'), 'ProductPage'),
});

// Segments. Static paths (/segments/new, /segments/rfm) win over /segments/$id in TanStack Router.
const segmentsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/segments',
  component: lazyRouteComponent(() => import('./routes/segments/list.tsx'), 'SegmentsPage'),
});

const newSegmentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/segments/new',
  component: lazyRouteComponent(() => import('./routes/segments/builder.tsx'), 'NewSegmentPage'),
});

const segmentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/segments/$id',
  component: lazyRouteComponent(() => import('./routes/segments/detail.tsx'), 'SegmentPage'),
});

const editSegmentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/segments/$id/edit',
  component: lazyRouteComponent(() => import('./routes/segments/builder.tsx'), 'EditSegmentPage'),
});

const score = (v: unknown): number | undefined => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 5 ? n : undefined;
};

const rfmRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/segments/rfm',
  validateSearch: (s: Record<string, unknown>): RfmSelection => {
    const r = score(s.r);
    const f = score(s.f);
    // A cell needs both scores; a class stands alone.
    if (r !== undefined && f !== undefined) return { r, f };
    return { class: isRfmClass(s.class) ? s.class : undefined };
  },
  component: lazyRouteComponent(() => import('./routes/segments/rfm.tsx'), 'RfmPage'),
});

const analyticsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/analytics',
  validateSearch: parseAnalyticsSearch,
  component: lazyRouteComponent(() => import('./routes/analytics/dashboard.tsx'), 'AnalyticsPage'),
});

const marketingSpendRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/analytics/spend',
  component: lazyRouteComponent(() => import('./routes/analytics/spend.tsx'), 'MarketingSpendPage'),
});

const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings',
  beforeLoad: ({ location }) => {
    if (location.pathname.replace(/\/$/, '') === '/settings') throw redirect({ to: '/settings/team' });
  },
  component: Outlet,
});

const storeRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/store',
  component: lazyRouteComponent(() => import('./routes/settings/store.tsx'), 'StoreSettingsPage'),
});

const importRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/import',
  validateSearch: (s: Record<string, unknown>): { id?: string } => ({ id: str(s.id) }),
  component: lazyRouteComponent(() => import('./routes/settings/import.tsx'), 'ImportPage'),
});

const storeConnectionsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/store-connections',
  component: lazyRouteComponent(() => import('./routes/settings/store-connections.tsx'), 'StoreConnectionsPage'),
});

const trackingRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/tracking',
  component: lazyRouteComponent(() => import('./routes/settings/tracking.tsx'), 'TrackingSettingsPage'),
});

const webhooksRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/webhooks',
  component: lazyRouteComponent(() => import('./routes/settings/webhooks.tsx'), 'WebhooksPage'),
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

// Outbox / message log.
const messagesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/messages',
  validateSearch: parseMessagesSearch,
  component: lazyRouteComponent(() => import('./routes/messages/list.tsx'), 'OutboxPage'),
});

const messageRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/messages/$id',
  component: lazyRouteComponent(() => import('./routes/messages/detail.tsx'), 'MessagePage'),
});

const messagingSettingsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/messaging',
  component: lazyRouteComponent(() => import('./routes/settings/messaging.tsx'), 'MessagingSettingsPage'),
});

const suppressionsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/suppressions',
  component: lazyRouteComponent(() => import('./routes/settings/suppressions.tsx'), 'SuppressionsPage'),
});

// Campaigns. /campaigns/new wins over /campaigns/$id.
const campaignsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/campaigns',
  component: lazyRouteComponent(() => import('./routes/campaigns/list.tsx'), 'CampaignsPage'),
});

const newCampaignRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/campaigns/new',
  component: lazyRouteComponent(() => import('./routes/campaigns/form.tsx'), 'NewCampaignPage'),
});

const campaignRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/campaigns/$id',
  component: lazyRouteComponent(() => import('./routes/campaigns/detail.tsx'), 'CampaignPage'),
});

const editCampaignRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/campaigns/$id/edit',
  component: lazyRouteComponent(() => import('./routes/campaigns/form.tsx'), 'EditCampaignPage'),
});

// Templates. /templates/new (the gallery) wins over /templates/$id.
const templatesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/templates',
  component: lazyRouteComponent(() => import('./routes/templates/list.tsx'), 'TemplatesPage'),
});

const newTemplateRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/templates/new',
  component: lazyRouteComponent(() => import('./routes/templates/new.tsx'), 'NewTemplatePage'),
});

const templateRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/templates/$id',
  component: lazyRouteComponent(() => import('./routes/templates/editor.tsx'), 'TemplatePage'),
});

// Flows. /flows/new wins over /flows/$id.
const flowsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/flows',
  validateSearch: (s: Record<string, unknown>): { tab?: 'gallery' | 'tasks' } => ({ tab: s.tab === 'gallery' || s.tab === 'tasks' ? s.tab : undefined }),
  component: lazyRouteComponent(() => import('./routes/flows/list.tsx'), 'FlowsPage'),
});

const newFlowRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/flows/new',
  component: lazyRouteComponent(() => import('./routes/flows/editor.tsx'), 'NewFlowPage'),
});

const flowRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/flows/$id',
  component: lazyRouteComponent(() => import('./routes/flows/editor.tsx'), 'FlowPage'),
});

const forecastRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/predict/forecast',
  validateSearch: (s: Record<string, unknown>): { kind?: 'store' | 'category' | 'product'; key?: string } => ({
    kind: s.kind === 'store' || s.kind === 'category' || s.kind === 'product' ? s.kind : undefined,
    key: str(s.key),
  }),
  component: lazyRouteComponent(() => import('./routes/predict/forecast.tsx'), 'ForecastPage'),
});

const clvRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/predict/clv',
  component: lazyRouteComponent(() => import('./routes/predict/model.tsx'), 'ClvModelPage'),
});

const recommendationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/predict/recommendations',
  component: lazyRouteComponent(() => import('./routes/predict/recommendations.tsx'), 'RecommendationsPage'),
});

// Knowledge base (support). /support/kb/new wins over /support/kb/$id.
const kbRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/support/kb',
  component: lazyRouteComponent(() => import('./routes/support/kb/list.tsx'), 'KnowledgeBasePage'),
});

const newKbArticleRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/support/kb/new',
  component: lazyRouteComponent(() => import('./routes/support/kb/editor.tsx'), 'NewKbArticlePage'),
});

const kbArticleRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/support/kb/$id',
  component: lazyRouteComponent(() => import('./routes/support/kb/editor.tsx'), 'KbArticlePage'),
});

const inboxRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/support/inbox',
  validateSearch: parseInboxSearch,
  component: lazyRouteComponent(() => import('./routes/support/inbox.tsx'), 'InboxPage'),
});

const supportSettingsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/support',
  validateSearch: (s: Record<string, unknown>): { tab?: string } => ({ tab: str(s.tab) }),
  component: lazyRouteComponent(() => import('./routes/support/settings.tsx'), 'SupportSettingsPage'),
});

// Live chat (support): the agents' chat page and Settings → Live chat.
const chatsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/support/chat',
  component: lazyRouteComponent(() => import('./modules/support/chat/ChatsPage.tsx'), 'ChatsPage'),
});

const chatSettingsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/live-chat',
  component: lazyRouteComponent(() => import('./modules/support/chat/ChatSettingsPage.tsx'), 'ChatSettingsPage'),
});

// Settings → Support email (support/email).
const emailSettingsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/support-email',
  component: lazyRouteComponent(() => import('./modules/support/email/EmailSettingsPage.tsx'), 'EmailSettingsPage'),
});

// Support reports and Settings → SLA & satisfaction (support/sla).
const supportReportsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/support/reports',
  validateSearch: (s: Record<string, unknown>): { range?: string; from?: string; to?: string; team?: string } => ({ range: str(s.range), from: str(s.from), to: str(s.to), team: str(s.team) }),
  component: lazyRouteComponent(() => import('./routes/support/reports.tsx'), 'SupportReportsPage'),
});

const slaSettingsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/support-sla',
  validateSearch: (s: Record<string, unknown>): { tab?: string } => ({ tab: str(s.tab) }),
  component: lazyRouteComponent(() => import('./modules/support/sla/SlaSettingsPage.tsx'), 'SlaSettingsPage'),
});

const routeTree = rootRoute.addChildren([
  setupRoute,
  loginRoute,
  inviteRoute,
  appRoute.addChildren([
    homeRoute,
    customersRoute,
    customerRoute,
    ordersRoute,
    orderRoute,
    productsRoute,
    productRoute,
    analyticsRoute,
    marketingSpendRoute,
    segmentsRoute,
    newSegmentRoute,
    rfmRoute,
    segmentRoute,
    editSegmentRoute,
    templatesRoute,
    newTemplateRoute,
    templateRoute,
    campaignsRoute,
    newCampaignRoute,
    campaignRoute,
    editCampaignRoute,
    flowsRoute,
    newFlowRoute,
    flowRoute,
    messagesRoute,
    messageRoute,
    clvRoute,
    forecastRoute,
    recommendationsRoute,
    inboxRoute,
    kbRoute,
    newKbArticleRoute,
    kbArticleRoute,
    chatsRoute,
    supportReportsRoute,
    settingsRoute.addChildren([storeRoute, importRoute, storeConnectionsRoute, trackingRoute, webhooksRoute, teamRoute, apiKeysRoute, auditRoute, jobsRoute, messagingSettingsRoute, suppressionsRoute, supportSettingsRoute, chatSettingsRoute, emailSettingsRoute, slaSettingsRoute]),
  ]),
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
