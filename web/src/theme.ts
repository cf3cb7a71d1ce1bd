import { Badge, createTheme, InputWrapper, PasswordInput, Select, Table, TextInput } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily: 'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '650' },
  cursorType: 'pointer',
  components: {
    Paper: { defaultProps: { shadow: 'none' } },
    Modal: { defaultProps: { radius: 'md', overlayProps: { backgroundOpacity: 0.45, blur: 2 } } },
    // Badges keep their full text in tight table cells (a flex label with overflow hidden would shrink to "Act…").
    Badge: Badge.extend({ defaultProps: { radius: 'sm', tt: 'none', fw: 600 }, styles: { label: { overflow: 'visible' } } }),
    // Forms say which fields are optional instead of starring the required ones; labels stay exactly their text.
    TextInput: TextInput.extend({ defaultProps: { withAsterisk: false } }),
    Select: Select.extend({ defaultProps: { withAsterisk: false } }),
    InputWrapper: InputWrapper.extend({ defaultProps: { withAsterisk: false } }),
    PasswordInput: PasswordInput.extend({
      // The default "Toggle password visibility" would also match a search for the "Password" field by label.
      defaultProps: { withAsterisk: false, visibilityToggleButtonProps: { 'aria-label': 'Show or hide the characters' } },
    }),
    Table: Table.extend({ classNames: { th: 'patron-th' } }),
  },
});
