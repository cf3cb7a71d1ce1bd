import { Paper, ScrollArea, Table } from '@mantine/core';
import type { TableProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { useIsMobile } from './useIsMobile.ts';

/**
 * A bordered card holding a table that scrolls sideways when it must. Pages hide secondary columns
 * below the `sm` breakpoint (and fold their values into the first cell), so phones rarely need to scroll.
 */
export function TableCard({ children, minWidth = { base: 0, sm: 720 }, footer }: { children: ReactNode; minWidth?: TableProps['miw']; footer?: ReactNode }) {
  const mobile = useIsMobile();
  return (
    <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
      <ScrollArea type="auto">
        <Table miw={minWidth} verticalSpacing="sm" horizontalSpacing={mobile ? 'xs' : 'sm'} highlightOnHover>
          {children}
        </Table>
      </ScrollArea>
      {footer}
    </Paper>
  );
}
