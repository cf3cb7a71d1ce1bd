import {
  IconBriefcase, IconChartGridDots, IconChartPie, IconBuildingStore, IconClipboardList, IconFileImport, IconHome, IconKey, IconPackage, IconPlugConnected, IconReceipt, IconRadar, IconUsers, IconUsersGroup,
  IconWebhook,
} from '@tabler/icons-react';
import { IconChartLine, IconInbox, IconMail, IconMailOff, IconRoute, IconSend, IconTemplate } from '@tabler/icons-react';
import { IconTrendingUp } from '@tabler/icons-react';
import { IconSparkles } from '@tabler/icons-react';
import { IconLifebuoy, IconMessages } from '@tabler/icons-react';
import { IconCrystalBall } from '@tabler/icons-react';
import { IconBook2 } from '@tabler/icons-react';
import { IconMessageCircle } from '@tabler/icons-react';
import { IconMailForward } from '@tabler/icons-react';
import { IconClockHour4, IconReportAnalytics } from '@tabler/icons-react';
import type { Icon } from '@tabler/icons-react';
import type { LinkProps } from '@tanstack/react-router';

export interface NavItem {
  label: string;
  icon: Icon;
  to: NonNullable<LinkProps['to']>;
  /** Hidden unless the person has it ("only pages that work are shown"). */
  permission?: string;
}

export interface NavSection {
  /** Sections without a label are the top of the list. */
  label?: string;
  items: NavItem[];
}

/** The navigation. Modules add their pages here (customers, segments, …). */
export const NAV: NavSection[] = [
  {
    items: [
      { label: 'Home', icon: IconHome, to: '/' },
      { label: 'Customers', icon: IconUsers, to: '/customers', permission: 'customers:read' },
      { label: 'Orders', icon: IconReceipt, to: '/orders', permission: 'commerce:read' },
      { label: 'Products', icon: IconPackage, to: '/products', permission: 'commerce:read' },
      { label: 'Analytics', icon: IconChartLine, to: '/analytics', permission: 'analytics:read' },
      { label: 'Segments', icon: IconChartPie, to: '/segments', permission: 'segments:read' },
      { label: 'RFM', icon: IconChartGridDots, to: '/segments/rfm', permission: 'segments:read' },
    ],
  },
  {
    label: 'Messaging',
    items: [
      { label: 'Campaigns', icon: IconSend, to: '/campaigns', permission: 'messaging:read' },
      { label: 'Flows', icon: IconRoute, to: '/flows', permission: 'messaging:read' },
      { label: 'Templates', icon: IconTemplate, to: '/templates', permission: 'messaging:read' },
      { label: 'Outbox', icon: IconInbox, to: '/messages', permission: 'messaging:read' },
    ],
  },
  {
    label: 'Support',
    items: [
      { label: 'Inbox', icon: IconMessages, to: '/support/inbox', permission: 'support:read' },
      { label: 'Live chat', icon: IconMessageCircle, to: '/support/chat', permission: 'support:read' },
      { label: 'Knowledge base', icon: IconBook2, to: '/support/kb', permission: 'support:read' },
      { label: 'Reports', icon: IconReportAnalytics, to: '/support/reports', permission: 'support:read' },
    ],
  },
  {
    label: 'Predict',
    items: [
      { label: 'Lifetime value & churn', icon: IconCrystalBall, to: '/predict/clv', permission: 'predict:read' },
      { label: 'Demand forecast', icon: IconTrendingUp, to: '/predict/forecast', permission: 'predict:read' },
      { label: 'Recommendations', icon: IconSparkles, to: '/predict/recommendations', permission: 'predict:read' },
    ],
  },
  {
    label: 'Settings',
    items: [
      { label: 'Store', icon: IconBuildingStore, to: '/settings/store', permission: 'settings:read' },
      { label: 'Import', icon: IconFileImport, to: '/settings/import', permission: 'integrations:read' },
      { label: 'Store connections', icon: IconPlugConnected, to: '/settings/store-connections', permission: 'integrations:read' },
      { label: 'Tracking', icon: IconRadar, to: '/settings/tracking', permission: 'settings:read' },
      { label: 'Email & SMS', icon: IconMail, to: '/settings/messaging', permission: 'messaging:read' },
      { label: 'Suppressions', icon: IconMailOff, to: '/settings/suppressions', permission: 'messaging:read' },
      { label: 'Support', icon: IconLifebuoy, to: '/settings/support', permission: 'support:read' },
      { label: 'Support email', icon: IconMailForward, to: '/settings/support-email', permission: 'settings:read' },
      { label: 'SLA & CSAT', icon: IconClockHour4, to: '/settings/support-sla', permission: 'support:read' },
      { label: 'Live chat', icon: IconMessageCircle, to: '/settings/live-chat', permission: 'settings:write' },
      { label: 'Webhooks', icon: IconWebhook, to: '/settings/webhooks', permission: 'integrations:read' },
      { label: 'Team', icon: IconUsersGroup, to: '/settings/team', permission: 'team:read' },
      { label: 'API keys', icon: IconKey, to: '/settings/api-keys', permission: 'apikeys:read' },
      { label: 'Audit log', icon: IconClipboardList, to: '/settings/audit', permission: 'audit:read' },
      { label: 'Jobs', icon: IconBriefcase, to: '/settings/jobs', permission: 'jobs:read' },
    ],
  },
];
