import type { ReactNode } from 'react';
import { FilterChip } from '../../components/FilterChip.tsx';
import { useCan } from '../session/context.tsx';
import { useCustomer } from './api.ts';

/** A "customer is …" list filter, named by the customer when the person may read customers. */
export function CustomerChip({ id, onClear }: { id: string; onClear: () => void }): ReactNode {
  const can = useCan();
  const c = useCustomer(id, can('customers:read'));
  return <FilterChip label={<>Customer: <strong>{c.data?.name ?? 'this customer'}</strong></>} onClear={onClear} />;
}
