import { ActionIcon, Menu } from '@mantine/core';
import type { MenuProps } from '@mantine/core';
import { IconDots } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** The "…" button at the end of a row or card and the menu of what can be done to it; `label` names the button ("Actions for Acme"). */
export function RowMenu({ label, width, children }: { label: string; width?: MenuProps['width']; children: ReactNode }) {
  return (
    <Menu position="bottom-end" withinPortal shadow="md" width={width}>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={label}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>{children}</Menu.Dropdown>
    </Menu>
  );
}
