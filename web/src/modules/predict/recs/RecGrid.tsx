import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { formatMoney } from '../../../lib/money.ts';
import { ProductThumb } from '../../commerce/ProductThumb.tsx';
import { REASON_LABEL, type Recommendation } from './api.ts';

/** Recommended products as small cards: picture, title (to the product page), price and why it is there. */
export function RecGrid({ items, cols = { base: 1, xs: 2, md: 3, lg: 4 }, showReason = true }: { items: Recommendation[]; cols?: Record<string, number>; showReason?: boolean }): ReactNode {
  return (
    <SimpleGrid cols={cols} spacing="sm" verticalSpacing="sm">
      {items.map((r) => (
        <Paper key={r.productId} withBorder radius="md" p="sm">
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <ProductThumb url={r.imageUrl} title={r.title} size={48} />
            <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
              <Anchor renderRoot={(props) => <Link to="/products/$id" params={{ id: r.productId }} {...props} />} fz="sm" fw={500} lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                {r.title}
              </Anchor>
              <Group gap={6} wrap="wrap">
                <Text fz="sm" className="patron-num">
                  {r.price === null ? '—' : formatMoney(r.price, r.currency)}
                </Text>
                {showReason && (
                  <Tooltip label={REASON_LABEL[r.reason].hint} multiline w={240} withArrow>
                    <Badge size="xs" variant="light" color={REASON_LABEL[r.reason].color}>
                      {REASON_LABEL[r.reason].label}
                    </Badge>
                  </Tooltip>
                )}
                {r.confidence !== undefined && r.lift !== undefined && (
                  <Tooltip label={`In ${Math.round(r.confidence * 100)}% of the orders with this product; ${r.lift.toFixed(1)}× likelier than chance`} withArrow>
                    <Text fz="xs" c="dimmed">
                      {Math.round(r.confidence * 100)}% · {r.lift.toFixed(1)}× lift
                    </Text>
                  </Tooltip>
                )}
              </Group>
            </Stack>
          </Group>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
