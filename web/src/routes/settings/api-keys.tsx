import { Badge, Button, Code, Group, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import type { WireApiKey } from '../../lib/types.ts';
import { useApiKeys, useRevokeApiKey } from '../../modules/apikeys/api.ts';
import { CreateApiKeyModal } from '../../modules/apikeys/CreateApiKeyModal.tsx';
import { useCan } from '../../modules/session/context.tsx';

export function ApiKeysPage(): ReactNode {
  return (
    <RequirePermission permission="apikeys:read">
      <ApiKeys />
    </RequirePermission>
  );
}

function ApiKeys() {
  const can = useCan();
  const writable = can('apikeys:write');
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [createOpened, create] = useDisclosure(false);
  const [toRevoke, setToRevoke] = useState<WireApiKey | null>(null);
  const mobile = useIsMobile();

  const doRevoke = () => {
    if (!toRevoke) return;
    revoke.mutate(toRevoke.id, {
      onSuccess: (k) => {
        notifySuccess(`“${k.name}” no longer works.`, 'Key revoked');
        setToRevoke(null);
      },
      onError: (err) => notifyError(err, 'Could not revoke the key'),
    });
  };

  const items = keys.data?.items ?? [];
  // Active keys first, then revoked ones; newest first within each.
  const sorted = [...items].sort((a, b) => Number(Boolean(a.revokedAt)) - Number(Boolean(b.revokedAt)) || b.createdAt.localeCompare(a.createdAt));

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your store, scripts and integrations use Patron’s API. Secret keys carry the scopes you choose; public keys only send tracking events from a storefront."
        actions={
          writable && items.length > 0 && (
            <Button leftSection={<IconPlus size={16} />} onClick={create.open}>
              Create key
            </Button>
          )
        }
      />

      {keys.isPending ? (
        <TableLoadingCard rows={3} />
      ) : keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : items.length === 0 ? (
        <TableCard minWidth={0}>
          <Table.Tbody>
            <Table.Tr>
              <Table.Td>
                <Empty
                  icon={<IconKey size={24} />}
                  title="No API keys yet"
                  description="Create a secret key to connect your store or scripts to the REST API, or a public key to send tracking events from your storefront."
                  action={
                    writable && (
                      <Button leftSection={<IconPlus size={16} />} onClick={create.open}>
                        Create key
                      </Button>
                    )
                  }
                />
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </TableCard>
      ) : (
        <TableCard minWidth={{ base: 0, md: 900 }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              {!mobile && (
                <Table.Th>Kind</Table.Th>
              )}
              {!mobile && (
                <Table.Th>Key</Table.Th>
              )}
              <Table.Th visibleFrom="md">Scopes</Table.Th>
              {!mobile && (
                <Table.Th>Created</Table.Th>
              )}
              {!mobile && (
                <Table.Th>Last used</Table.Th>
              )}
              {writable && (
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((k) => (
              <Table.Tr key={k.id} className={k.revokedAt ? 'patron-row-dimmed' : undefined}>
                <Table.Td>
                  <Text fz="sm" fw={500} maw={220} truncate title={k.name}>
                    {k.name}
                  </Text>
                  {mobile && (
                    <Text fz="xs" c="dimmed">
                      {k.kind === 'secret' ? 'Secret' : 'Public'} · {k.prefix}… · used <TimeAgo date={k.lastUsedAt} fallback="never" fz="xs" />
                    </Text>
                  )}
                  {k.revokedAt && !mobile && (
                    <Text fz="xs" c="dimmed">
                      Revoked <TimeAgo date={k.revokedAt} fz="xs" />
                    </Text>
                  )}
                </Table.Td>
                {!mobile && (
                  <Table.Td>
                    <Badge variant="light" color={k.kind === 'secret' ? 'violet' : 'cyan'}>
                      {k.kind === 'secret' ? 'Secret' : 'Public'}
                    </Badge>
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Code fz="xs">{k.prefix}…</Code>
                  </Table.Td>
                )}
                <Table.Td visibleFrom="md">
                  <Scopes scopes={k.scopes} />
                </Table.Td>
                {!mobile && (
                  <Table.Td>
                    <TimeAgo date={k.createdAt} />
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td>
                    <TimeAgo date={k.lastUsedAt} fallback="Never" />
                  </Table.Td>
                )}
                {writable && (
                  <Table.Td w={100} ta="right">
                    {k.revokedAt ? (
                      <Badge variant="outline" color="gray">
                        Revoked
                      </Badge>
                    ) : (
                      <Button size="compact-sm" variant="subtle" color="red" onClick={() => setToRevoke(k)} aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}

      {writable && keys.data && <CreateApiKeyModal opened={createOpened} onClose={create.close} scopes={keys.data.scopes} />}

      <ConfirmModal
        opened={toRevoke !== null}
        onClose={() => setToRevoke(null)}
        title={`Revoke “${toRevoke?.name ?? ''}”?`}
        confirmLabel="Revoke key"
        loading={revoke.isPending}
        onConfirm={doRevoke}
      >
        Anything using this key stops working immediately. This cannot be undone; you can create a new key instead.
      </ConfirmModal>
    </>
  );
}

function Scopes({ scopes }: { scopes: string[] }) {
  const shown = scopes.slice(0, 1);
  const rest = scopes.length - shown.length;
  if (scopes.length === 0) {
    return (
      <Text fz="sm" c="dimmed">
        None
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="nowrap">
      {shown.map((s) => (
        <Badge key={s} variant="default" size="sm" tt="none" fw={500}>
          {s}
        </Badge>
      ))}
      {rest > 0 && (
        <Tooltip label={scopes.join(', ')} multiline w={280} withArrow>
          <Badge variant="outline" color="gray" size="sm" tt="none" fw={500} tabIndex={0} aria-label={`All scopes: ${scopes.join(', ')}`}>
            +{rest} more
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}
