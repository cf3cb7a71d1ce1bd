import { Button, Code, Group, Popover, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconBraces } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';

interface Variable {
  label: string;
  snippet: string;
}

const ITEMS = (list: string, currency: string) => `{% for item in ${list} %}
  {{ item.name }} × {{ item.quantity }}: {{ item.total | money: ${currency} }}
{% endfor %}`;

const GROUPS: { title: string; email?: boolean; vars: Variable[] }[] = [
  {
    title: 'Customer',
    vars: [
      { label: 'First name', snippet: `{{ customer.first_name | default: 'there' }}` },
      { label: 'Full name', snippet: '{{ customer.name }}' },
      { label: 'Email', snippet: '{{ customer.email }}' },
      { label: 'Number of orders', snippet: '{{ customer.order_count }}' },
      { label: 'Total spent', snippet: '{{ customer.total_spent | money: customer.currency }}' },
    ],
  },
  {
    title: 'Last order',
    vars: [
      { label: 'Order number', snippet: '{{ last_order.number }}' },
      { label: 'Order date', snippet: `{{ last_order.placed_at | date: '%-d %B %Y', customer.time_zone }}` },
      { label: 'Order total', snippet: '{{ last_order.total | money: last_order.currency }}' },
      { label: 'Loop over its items', snippet: ITEMS('last_order.items', 'last_order.currency') },
    ],
  },
  {
    title: 'Cart',
    vars: [
      { label: 'Checkout link', snippet: '{{ cart.checkout_url }}' },
      { label: 'Cart value', snippet: '{{ cart.value | money: cart.currency }}' },
      { label: 'Loop over its items', snippet: ITEMS('cart.items', 'cart.currency') },
    ],
  },
  {
    title: 'Store',
    vars: [
      { label: 'Store name', snippet: '{{ store.name }}' },
      { label: 'Store website', snippet: '{{ store.url }}' },
      { label: 'Postal address', snippet: '{{ store.address }}' },
    ],
  },
  {
    title: 'Links and offers',
    vars: [
      { label: 'Unsubscribe link', snippet: '{{ unsubscribe_url }}' },
      { label: 'Preferences link', snippet: '{{ preferences_url }}' },
      { label: 'View in browser link', snippet: '{{ view_in_browser_url }}' },
      { label: 'Discount code (if the flow gives one)', snippet: '{% if discount_code %}Use {{ discount_code }} at checkout.{% endif %}' },
    ],
  },
];

/** The variables a template can use, inserted at the cursor with one click. */
export function VariablesMenu({ onInsert, disabled }: { onInsert: (snippet: string) => void; disabled?: boolean }): ReactNode {
  const [open, setOpen] = useState(false);
  return (
    <Popover opened={open} onChange={setOpen} position="bottom-end" width={380} shadow="md" withinPortal>
      <Popover.Target>
        <Button size="xs" variant="light" leftSection={<IconBraces size={14} />} onClick={() => setOpen((o) => !o)} disabled={disabled}>
          Insert variable
        </Button>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <ScrollArea.Autosize mah={420} type="auto">
          <Stack gap={0} p="xs">
            {GROUPS.map((g) => (
              <Stack key={g.title} gap={2} mb="xs">
                <Text fz="xs" fw={700} c="dimmed" tt="uppercase" px={6} style={{ letterSpacing: '0.04em' }}>
                  {g.title}
                </Text>
                {g.vars.map((v) => (
                  <UnstyledButton
                    key={v.label}
                    className="patron-problem-row"
                    px={6}
                    py={4}
                    style={{ borderRadius: 6 }}
                    onClick={() => {
                      onInsert(v.snippet);
                      setOpen(false);
                    }}
                  >
                    <Group justify="space-between" wrap="nowrap" gap="sm">
                      <Text fz="sm">{v.label}</Text>
                      <Code fz={11} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: 200 }}>
                        {v.snippet.split('\n')[0]}
                      </Code>
                    </Group>
                  </UnstyledButton>
                ))}
              </Stack>
            ))}
            <Text fz="xs" c="dimmed" px={6}>
              Every variable, filters and how escaping works: docs/messaging.md, “Templates”.
            </Text>
          </Stack>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
