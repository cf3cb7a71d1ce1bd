import { Combobox, Group, Stack, Text, Textarea, useCombobox } from '@mantine/core';
import type { TextareaProps } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';

export interface Mentionable {
  email: string;
  name: string;
}

/** The "@partial" being typed right before the caret, if any. */
function tokenAt(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([\w.+@-]*)$/.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]!.toLowerCase() };
}

/**
 * A textarea where typing "@" suggests teammates; picking one inserts "@their@email", the form the
 * server recognises as a mention. Arrow keys move through the suggestions, Enter or Tab picks one.
 */
export function MentionTextarea({ value, onChange, people, onKeyDown, ...props }: { value: string; onChange: (v: string) => void; people: Mentionable[] } & Omit<TextareaProps, 'value' | 'onChange'>) {
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const ref = useRef<HTMLTextAreaElement>(null);
  const [token, setToken] = useState<{ start: number; query: string } | null>(null);

  const query = token?.query;
  useEffect(() => {
    if (query !== undefined) combobox.selectFirstOption();
  }, [query]);

  const matches = token
    ? people.filter((p) => p.email.toLowerCase().includes(token.query) || p.name.toLowerCase().includes(token.query)).slice(0, 6)
    : [];

  const update = (text: string, caret: number) => {
    const t = tokenAt(text, caret);
    setToken(t);
    if (t && people.length) {
      combobox.openDropdown();
      combobox.updateSelectedOptionIndex();
    } else combobox.closeDropdown();
  };

  const pick = (email: string) => {
    if (!token) return;
    const caret = token.start + 1 + token.query.length;
    const next = `${value.slice(0, token.start)}@${email} ${value.slice(caret)}`;
    onChange(next);
    combobox.closeDropdown();
    setToken(null);
    const pos = token.start + email.length + 2;
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(pos, pos);
    });
  };

  return (
    <Combobox store={combobox} onOptionSubmit={pick} withinPortal position="bottom-start" width={320}>
      <Combobox.Target>
        <Textarea
          ref={ref}
          value={value}
          onChange={(e) => {
            onChange(e.currentTarget.value);
            update(e.currentTarget.value, e.currentTarget.selectionStart);
          }}
          onKeyDown={(e) => {
            // Tab picks the highlighted person, like Enter.
            if (e.key === 'Tab' && combobox.dropdownOpened && matches.length) {
              e.preventDefault();
              combobox.clickSelectedOption();
              return;
            }
            onKeyDown?.(e);
          }}
          onClick={(e) => update(e.currentTarget.value, e.currentTarget.selectionStart)}
          onBlur={() => combobox.closeDropdown()}
          {...props}
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={!matches.length}>
        <Combobox.Options aria-label="Teammates to mention">
          {matches.map((p) => (
            <Combobox.Option value={p.email} key={p.email}>
              <Group gap="xs" wrap="nowrap">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text fz="sm" truncate>
                    {p.name || p.email}
                  </Text>
                  <Text fz="xs" truncate style={{ opacity: 0.75 }}>
                    @{p.email}
                  </Text>
                </Stack>
              </Group>
            </Combobox.Option>
          ))}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
