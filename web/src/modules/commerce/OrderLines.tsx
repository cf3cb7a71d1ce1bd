import { Anchor, Table, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { formatInt, formatMoney } from '../../lib/money.ts';
import type { OrderLine } from './api.ts';

/** The lines of an order: product, SKU, quantity, unit price and line total. */
export function OrderLinesTable({ lines, currency, compact }: { lines: OrderLine[]; currency: string; compact?: boolean }) {
  if (!lines.length) {
    return (
      <Text fz="sm" c="dimmed" p="sm">
        This order has no lines.
      </Text>
    );
  }
  return (
    <Table verticalSpacing={compact ? 6 : 'sm'} fz="sm" layout="auto">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Product</Table.Th>
          {!compact && <Table.Th>SKU</Table.Th>}
          <Table.Th ta="right">Qty</Table.Th>
          <Table.Th ta="right">Price</Table.Th>
          <Table.Th ta="right">Total</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((l) => (
          <Table.Tr key={l.id}>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>
              {l.productId ? (
                <Anchor renderRoot={(props) => <Link to="/products/$id" params={{ id: l.productId ?? '' }} {...props} />} fz="sm" c="inherit" underline="hover">
                  {l.title}
                </Anchor>
              ) : (
                l.title
              )}
              {compact && l.sku && (
                <Text fz="xs" c="dimmed" ff="monospace">
                  {l.sku}
                </Text>
              )}
            </Table.Td>
            {!compact && (
              <Table.Td>
                <Text fz="xs" ff="monospace" c="dimmed">
                  {l.sku ?? '—'}
                </Text>
              </Table.Td>
            )}
            <Table.Td className="patron-num" c={l.quantity < 0 ? 'red' : undefined}>
              {formatInt(l.quantity)}
            </Table.Td>
            <Table.Td className="patron-num">{formatMoney(l.unitPrice, currency)}</Table.Td>
            <Table.Td className="patron-num">{formatMoney(l.total, currency)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
