import { Alert, Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconCrystalBall, IconInfoCircle } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { Empty } from '../../../components/Empty.tsx';
import { QueryStates } from '../../../components/QueryStates.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { shortDate } from '../../../lib/format.ts';
import { formatMoney } from '../../../lib/money.ts';
import { CHURN_COLOR, CHURN_LABEL, orders, pct, useCustomerPrediction, type CustomerPredictionResponse } from './api.ts';

/** The customer 360° tab: what the lifetime-value models expect of this customer, each figure with what it means. */
export function CustomerPredictionsPanel({ customerId }: { customerId: string }): ReactNode {
  const q = useCustomerPrediction(customerId);
  return (
    <QueryStates
      query={q}
      rows={3}
      isEmpty={(d: CustomerPredictionResponse) => d.prediction === null}
      empty={<Empty icon={<IconCrystalBall size={24} />} title="No predictions for this customer" description={q.data?.reason ?? 'The models have not scored this customer.'} />}
    >
      {(d) => {
        const p = d.prediction!;
        const oneTimer = p.repeatOrders === 0;
        return (
          <Stack gap="sm">
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Text fz="sm" c="dimmed">
                From the purchase (BG/NBD) and spend (Gamma-Gamma) models fitted on all your customers’ orders. <Anchor component={Link} to="/predict/clv" fz="sm">How good are they?</Anchor>
              </Text>
              <Text fz="xs" c="dimmed">
                Scored <TimeAgo date={p.computedAt} fz="xs" c="dimmed" />
              </Text>
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
              <Figure label="Probability still active" value={pct(p.pAlive)} explain="How likely it is that they have not drifted away for good, given how often they bought and how long it has been since." />
              <Figure
                label="Churn risk"
                value={<Badge size="lg" variant="light" color={CHURN_COLOR[p.churnRisk]}>{CHURN_LABEL[p.churnRisk]}</Badge>}
                explain="One minus the probability of being active: low below 30%, high above 70%."
              />
              <Figure
                label="Expected next order"
                value={p.nextOrderOn ? shortDate(`${p.nextOrderOn}T00:00:00Z`) : 'Not expected'}
                explain={p.nextOrderOn ? 'By this day it is more likely than not that they will have ordered again.' : 'It is never more likely than not that they order again.'}
              />
              <Figure label="Expected orders, next 30 days" value={orders(p.expectedOrders30)} explain="The average number of orders customers with this history place in the next month." />
              <Figure label="Expected orders, next 90 days" value={orders(p.expectedOrders90)} explain="The same over the next three months." />
              <Figure label="Expected orders, next 365 days" value={orders(p.expectedOrders365)} explain="The same over the next year." />
              <Figure
                label="Expected order value"
                value={p.expectedAov === null ? '—' : formatMoney(p.expectedAov, p.currency)}
                explain={oneTimer ? 'Your customers’ typical order value: with one purchase there is no repeat spend of their own to go on yet.' : 'Their own average repeat order, pulled towards your customers’ typical order the fewer orders it rests on.'}
              />
              <Figure
                label={`Predicted value, next ${p.horizonMonths} months`}
                value={p.clv === null ? '—' : formatMoney(p.clv, p.currency)}
                explain={`Expected orders month by month × expected order value, discounted at ${Math.round(p.discountRate * 100)}% a year: what this customer is worth from now on.`}
              />
            </SimpleGrid>
            {oneTimer && (
              <Alert variant="light" color="gray" icon={<IconInfoCircle size={16} />} p="xs">
                <Text fz="sm">
                  This customer has bought once. The purchase model assumes people can only drift away right after a purchase, so it counts one-time buyers as active: read their expected orders rather than their probability of being active.
                </Text>
              </Alert>
            )}
          </Stack>
        );
      }}
    </QueryStates>
  );
}

function Figure({ label, value, explain }: { label: string; value: ReactNode; explain: string }) {
  return (
    <Paper withBorder radius="md" p="sm">
      <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz="xl" fw={700} mt={4} component="div">
        {value}
      </Text>
      <Text fz="xs" c="dimmed" mt={4}>
        {explain}
      </Text>
    </Paper>
  );
}
