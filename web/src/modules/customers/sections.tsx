import { IconChartPie, IconFingerprint, IconMail, IconNote, IconReceipt, IconRoute, IconShoppingCart, IconTimeline } from '@tabler/icons-react';
import type { Icon } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { CustomerJourneysPanel } from '../messaging/flows/CustomerJourneysPanel.tsx';
import { CustomerMessagesPanel } from '../messaging/messages/CustomerMessagesPanel.tsx';
import { CustomerSegmentsPanel } from '../segments/CustomerSegmentsPanel.tsx';
import { IconSparkles } from '@tabler/icons-react';
import { CustomerRecsPanel } from '../predict/recs/CustomerRecsPanel.tsx';
import { IconCrystalBall } from '@tabler/icons-react';
import { CustomerPredictionsPanel } from '../predict/clv/CustomerPredictionsPanel.tsx';
import { IconMessages } from '@tabler/icons-react';
import { CustomerTicketsPanel } from '../support/inbox/CustomerTicketsPanel.tsx';
import { CartsPanel } from './CartsPanel.tsx';
import { IdentitiesPanel } from './IdentitiesPanel.tsx';
import { NotesPanel } from './NotesPanel.tsx';
import { OrdersPanel } from './OrdersPanel.tsx';
import { ActivityTimeline } from './Timeline.tsx';
import type { CustomerDetail } from './api.ts';

/** What a section of the customer page gets to render itself. */
export interface SectionContext {
  customer: CustomerDetail;
  storeCurrency: string;
  /** The profile was merged into another one: show history, offer no edits. */
  readOnly: boolean;
  /** Opens the merge dialog (undefined when the person may not merge). */
  onMerge?: () => void;
}

/**
 * A tab of the customer 360° page. Modules add theirs to CUSTOMER_SECTIONS (segments, messages,
 * tickets, loyalty, predictions, …); a tab shows only to people with its permission.
 */
export interface CustomerSection {
  key: string;
  label: string;
  icon: Icon;
  permission?: string;
  /** A count shown next to the label, when cheap to know. */
  count?: (c: CustomerDetail) => number | undefined;
  render: (ctx: SectionContext) => ReactNode;
}

export const CUSTOMER_SECTIONS: CustomerSection[] = [
  { key: 'activity', label: 'Activity', icon: IconTimeline, render: ({ customer }) => <ActivityTimeline customerId={customer.id} /> },
  {
    key: 'orders',
    label: 'Orders',
    icon: IconReceipt,
    permission: 'commerce:read',
    count: (c) => c.orderCount,
    render: ({ customer }) => <OrdersPanel customerId={customer.id} />,
  },
  {
    key: 'carts',
    label: 'Carts',
    icon: IconShoppingCart,
    permission: 'commerce:read',
    render: ({ customer, storeCurrency }) => <CartsPanel customerId={customer.id} storeCurrency={storeCurrency} />,
  },
  {
    key: 'segments',
    label: 'Segments',
    icon: IconChartPie,
    permission: 'segments:read',
    render: ({ customer }) => <CustomerSegmentsPanel customerId={customer.id} />,
  },
  {
    key: 'messages',
    label: 'Messages',
    icon: IconMail,
    permission: 'messaging:read',
    render: ({ customer }) => <CustomerMessagesPanel customerId={customer.id} />,
  },
  {
    key: 'journeys',
    label: 'Journeys',
    icon: IconRoute,
    permission: 'messaging:read',
    render: ({ customer }) => <CustomerJourneysPanel customerId={customer.id} />,
  },
  {
    key: 'tickets',
    label: 'Tickets',
    icon: IconMessages,
    permission: 'support:read',
    render: ({ customer }) => <CustomerTicketsPanel customerId={customer.id} />,
  },
  {
    key: 'predictions',
    label: 'Predictions',
    icon: IconCrystalBall,
    permission: 'predict:read',
    render: ({ customer }) => <CustomerPredictionsPanel customerId={customer.id} />,
  },
  {
    key: 'recommendations',
    label: 'Recommended',
    icon: IconSparkles,
    permission: 'predict:read',
    render: ({ customer }) => <CustomerRecsPanel customerId={customer.id} />,
  },
  { key: 'notes', label: 'Notes', icon: IconNote, render: ({ customer, readOnly }) => <NotesPanel customerId={customer.id} readOnly={readOnly} /> },
  {
    key: 'identities',
    label: 'Identities',
    icon: IconFingerprint,
    count: (c) => c.identities.length,
    render: ({ customer, onMerge }) => <IdentitiesPanel customer={customer} onMerge={onMerge} />,
  },
];
