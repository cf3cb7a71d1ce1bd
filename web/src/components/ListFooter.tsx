import { Button, Group, Text } from '@mantine/core';

/** Under a cursor-paginated table: "Load more" while there is more, else how many there are. */
export function ListFooter({ count, noun, hasMore, loading, onMore }: { count: number; noun: [string, string]; hasMore: boolean; loading: boolean; onMore: () => void }) {
  return (
    <Group justify="center" p="md" gap="md" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      {hasMore ? (
        <>
          <Text fz="sm" c="dimmed" className="patron-tabular">
            Showing {count.toLocaleString()} {noun[1]}
          </Text>
          <Button variant="default" onClick={onMore} loading={loading}>
            Load more
          </Button>
        </>
      ) : (
        <Text fz="sm" c="dimmed" className="patron-tabular">
          {count === 1 ? `That’s the only ${noun[0]}.` : `That’s all ${count.toLocaleString()} ${noun[1]}.`}
        </Text>
      )}
    </Group>
  );
}
