import { Image, ThemeIcon } from '@mantine/core';
import { IconPackage } from '@tabler/icons-react';
import { useState } from 'react';

/** A product image, or a neutral placeholder of the same size. */
export function ProductThumb({ url, title, size = 40 }: { url: string | null; title: string; size?: number }) {
  const [broken, setBroken] = useState(false);
  if (!url || broken || !/^https?:\/\//i.test(url)) {
    return (
      <ThemeIcon size={size} radius="sm" variant="light" color="gray" aria-hidden>
        <IconPackage size={size * 0.5} stroke={1.5} />
      </ThemeIcon>
    );
  }
  return <Image src={url} alt={title} w={size} h={size} radius="sm" fit="cover" loading="lazy" onError={() => setBroken(true)} style={{ flexShrink: 0 }} />;
}
