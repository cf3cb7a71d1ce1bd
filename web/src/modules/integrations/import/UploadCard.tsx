import { Button, FileButton, Group, Paper, Progress, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconFileUpload, IconX } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { notifyError } from '../../../components/notify.tsx';
import { useUploadImport } from '../api.ts';
import type { Import } from '../api.ts';

const MAX_BYTES = 200 * 1024 * 1024;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Drop a CSV (or .csv.gz) here or pick one; it is uploaded with a progress bar and its columns are read. */
export function UploadCard({ onUploaded }: { onUploaded: (i: Import) => void }) {
  const upload = useUploadImport();
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<{ sent: number; total: number; name: string } | null>(null);
  const abort = useRef<AbortController | null>(null);

  const send = (file: File | null) => {
    if (!file) return;
    if (file.size > MAX_BYTES) {
      notifyError(new Error(`${file.name} is ${formatBytes(file.size)}; the most an upload may be is 200 MB. Gzip it, or use the command line: patron import.`), 'File too large');
      return;
    }
    abort.current = new AbortController();
    setProgress({ sent: 0, total: file.size, name: file.name });
    upload.mutate(
      { file, signal: abort.current.signal, onProgress: (sent, total) => setProgress({ sent, total, name: file.name }) },
      {
        onSuccess: (i) => {
          setProgress(null);
          onUploaded(i);
        },
        onError: (err) => {
          setProgress(null);
          if (!(err instanceof DOMException && err.name === 'AbortError')) notifyError(err, 'Upload failed');
        },
      },
    );
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    send(e.dataTransfer.files[0] ?? null);
  };

  const pct = progress && progress.total ? Math.min(100, (progress.sent / progress.total) * 100) : 0;

  return (
    <Paper
      withBorder
      radius="md"
      p="xl"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      style={{
        borderStyle: 'dashed',
        borderWidth: 2,
        borderColor: over ? 'var(--mantine-primary-color-filled)' : undefined,
        background: over ? 'var(--mantine-primary-color-light)' : undefined,
      }}
    >
      {progress ? (
        <Stack gap="xs" maw={520} mx="auto">
          <Group justify="space-between" wrap="nowrap">
            <Text fz="sm" fw={500} truncate>
              Uploading {progress.name}
            </Text>
            <Text fz="sm" c="dimmed" className="patron-tabular" style={{ flexShrink: 0 }}>
              {formatBytes(progress.sent)} of {formatBytes(progress.total)}
            </Text>
          </Group>
          <Progress value={pct} animated={pct >= 100} aria-label="Upload progress" />
          <Group justify="space-between">
            <Text fz="xs" c="dimmed">
              {pct >= 100 ? 'Reading the columns…' : `${pct.toFixed(0)}%`}
            </Text>
            <Button size="compact-xs" variant="subtle" color="gray" leftSection={<IconX size={12} />} onClick={() => abort.current?.abort()} disabled={pct >= 100}>
              Cancel
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack align="center" gap="sm">
          <ThemeIcon size={48} radius="xl" variant="light" aria-hidden>
            <IconFileUpload size={24} />
          </ThemeIcon>
          <Text fw={600}>Drop a CSV file here</Text>
          <Text fz="sm" c="dimmed" ta="center" maw={520}>
            An export of orders, customers or products: Shopify exports, the UCI Online Retail file, the CDNOW log, or any CSV with your own columns. Up to
            200 MB; gzip-compressed files (.csv.gz) work too. You map the columns and can do a dry run before anything is written.
          </Text>
          <FileButton onChange={send} accept=".csv,.tsv,.txt,.gz,text/csv,text/plain,application/gzip">
            {(props) => (
              <Button {...props} leftSection={<IconFileUpload size={16} />}>
                Choose a file
              </Button>
            )}
          </FileButton>
        </Stack>
      )}
    </Paper>
  );
}
