import { IconBriefcase, IconClipboardList, IconHome, IconKey, IconUsersGroup } from '@tabler/icons-react';
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
  { items: [{ label: 'Home', icon: IconHome, to: '/' }] },
  {
    label: 'Settings',
    items: [
      { label: 'Team', icon: IconUsersGroup, to: '/settings/team', permission: 'team:read' },
      { label: 'API keys', icon: IconKey, to: '/settings/api-keys', permission: 'apikeys:read' },
      { label: 'Audit log', icon: IconClipboardList, to: '/settings/audit', permission: 'audit:read' },
      { label: 'Jobs', icon: IconBriefcase, to: '/settings/jobs', permission: 'jobs:read' },
    ],
  },
];
