import { Alert, Button, Code, FileInput, Group, List, Stack, Text, Textarea } from '@mantine/core';
import { IconFileSpreadsheet } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { FormModal } from '../../../components/FormModal.tsx';
import { notifySuccess } from '../../../components/notify.tsx';
import { ApiError, errorMessage } from '../../../lib/api.ts';
import { usePutStock, type StockItem } from './api.ts';
import { parseStockCsv, type ParsedStock } from './stockCsv.ts';

/** Upload stock levels as CSV (sku, quantity, optional lead_time_weeks): parsed here, sent as one PUT. */
export function StockUploadModal({ opened, onClose }: { opened: boolean; onClose: () => void }): ReactNode {
  const [text, setText] = useState('');
  const [parsed, setParsed] = useState<ParsedStock | null>(null);
  const [unknown, setUnknown] = useState<{ pointer: string; detail: string }[] | null>(null);
  const put = usePutStock();

  const reset = () => {
    setText('');
    setParsed(null);
    setUnknown(null);
    put.reset();
  };
  const close = () => {
    reset();
    onClose();
  };
  const read = (t: string) => {
    setText(t);
    setUnknown(null);
    setParsed(t.trim() ? parseStockCsv(t) : null);
  };
  const send = (items: StockItem[], skipUnknown: boolean) =>
    put.mutate(
      { items, skipUnknown },
      {
        onSuccess: (r) => {
          notifySuccess(`Saved stock levels of ${r.updated.toLocaleString()} product${r.updated === 1 ? '' : 's'}${r.skipped.length ? `; ${r.skipped.length} unknown skipped` : ''}.`);
          close();
        },
        onError: (e) => {
          if (e instanceof ApiError && e.problem.type === '/problems/unknown-products') setUnknown(e.problem.errors ?? []);
        },
      },
    );

  const items = parsed?.items ?? [];
  const problem = put.error && !unknown ? errorMessage(put.error) : null;
  return (
    <FormModal opened={opened} onClose={close} title="Upload stock levels" size="lg" onSubmit={() => items.length && send(items, false)} problem={problem}>
      <Text fz="sm" c="dimmed">
        A CSV with a header row and the columns <Code>sku</Code> and <Code>quantity</Code>, optionally <Code>lead_time_weeks</Code> (default 2). The SKU may also be the product’s id in
        the store it came from. Quantities replace what was given before.
      </Text>
      <FileInput
        label="CSV file"
        placeholder="Choose a .csv file"
        accept=".csv,text/csv,text/plain"
        leftSection={<IconFileSpreadsheet size={16} />}
        onChange={(f) => void f?.text().then(read)}
        clearable
      />
      <Textarea label="…or paste it" autosize minRows={4} maxRows={10} value={text} onChange={(e) => read(e.currentTarget.value)} placeholder={'sku,quantity,lead_time_weeks\n85123A,120,3\n22423,8'} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} />
      {parsed && (
        <Stack gap={4}>
          <Text fz="sm">
            {items.length.toLocaleString()} row{items.length === 1 ? '' : 's'} ready{parsed.errors.length ? `, ${parsed.errors.length} with problems (not sent):` : '.'}
          </Text>
          {parsed.errors.length > 0 && (
            <List size="xs" c="red">
              {parsed.errors.slice(0, 8).map((e) => (
                <List.Item key={e}>{e}</List.Item>
              ))}
              {parsed.errors.length > 8 && <List.Item>…and {parsed.errors.length - 8} more</List.Item>}
            </List>
          )}
        </Stack>
      )}
      {unknown && (
        <Alert color="orange" title="Some SKUs match no product">
          <Stack gap="xs">
            <List size="xs">
              {unknown.slice(0, 8).map((e) => {
                const row = /\/items\/(\d+)/.exec(e.pointer)?.[1];
                return <List.Item key={e.pointer}>{`Row ${row === undefined ? '?' : Number(row) + 2}: ${e.detail}`}</List.Item>;
              })}
              {unknown.length > 8 && <List.Item>…and {unknown.length - 8} more</List.Item>}
            </List>
            <Text fz="sm">Nothing was saved. Fix the file, or save the products that were found and skip the rest.</Text>
            <Group>
              <Button size="xs" variant="light" color="orange" loading={put.isPending} onClick={() => send(items, true)}>
                Save the others, skip these
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" disabled={!items.length || !!unknown} loading={put.isPending && !unknown}>
          Save {items.length ? items.length.toLocaleString() : ''} stock level{items.length === 1 ? '' : 's'}
        </Button>
      </Group>
    </FormModal>
  );
}
