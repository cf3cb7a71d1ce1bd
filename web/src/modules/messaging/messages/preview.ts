/**
 * The sent HTML made safe to look at in the admin: the open pixel is removed and tracked links point
 * straight at their target, so viewing a message never counts as the customer opening or clicking it.
 * DOMParser documents are inert (no scripts run, no images load), and the result goes into an iframe
 * with an empty sandbox anyway.
 */
export function previewHtml(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const img of Array.from(doc.querySelectorAll('img'))) {
    if (/\/m\/o\/[^/]+\/[^/]+\.gif(?:$|\?)/.test(img.getAttribute('src') ?? '')) img.remove();
  }
  for (const a of Array.from(doc.querySelectorAll('a[href]'))) {
    const href = a.getAttribute('href') ?? '';
    if (!/\/m\/c\/[^/]+\/[^/?]+\?/.test(href)) continue;
    try {
      const target = new URL(href, 'http://x').searchParams.get('u');
      if (target) a.setAttribute('href', target);
    } catch {
      // not a URL: leave it
    }
  }
  // Links would navigate the preview frame itself: aim them at a new window, which the sandbox blocks.
  const base = doc.createElement('base');
  base.setAttribute('target', '_blank');
  doc.head.prepend(base);
  return `<!doctype html>\n${doc.documentElement.outerHTML}`;
}
