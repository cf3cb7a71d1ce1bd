import { IconFileImport, IconPlugConnected, IconRadar } from '@tabler/icons-react';
import type { Icon } from '@tabler/icons-react';
import type { LinkProps } from '@tanstack/react-router';

/**
 * Settings pages through which customer data arrives. The empty customer list links to those the
 * person may open; add a page here when its route is added to the router.
 */
export const CUSTOMER_SOURCES: { label: string; icon: Icon; to: NonNullable<LinkProps['to']>; permission: string }[] = [
  { label: 'Import a CSV export', icon: IconFileImport, to: '/settings/import', permission: 'integrations:write' },
  { label: 'Connect your store', icon: IconPlugConnected, to: '/settings/store-connections', permission: 'integrations:write' },
  { label: 'Install tracking', icon: IconRadar, to: '/settings/tracking', permission: 'settings:read' },
];
