import sanitizeHtml from 'sanitize-html';

export interface SanitizeOptions {
  /** 'block' (default): remote images become a "[image]" placeholder, so tracking pixels never load in an agent's browser. */
  remoteImages: 'block' | 'allow';
  /** Content-ID → URL of the stored attachment, for inline images (`cid:`); unset keeps cid: links as they are (a second pass maps them). */
  cidUrls?: Map<string, string>;
}

const IMG_SCHEMES = ['https', 'cid', 'data'];

/**
 * Received HTML made safe to show an agent: no scripts, styles, forms, frames, event handlers or
 * javascript:/vbscript: URLs (sanitize-html's allow-list); links open in a new tab without the opener;
 * remote images blocked by default; inline images pointed at their stored attachment.
 * The ticket core sanitises again on write (tickets.map.ts safeHtml): both are allow-lists, so the
 * result is what both allow.
 */
export function sanitizeEmailHtml(html: string, o: SanitizeOptions): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'span', 'font', 'center'],
    allowedAttributes: {
      a: ['href', 'name', 'title', 'rel', 'target'], img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align'], th: ['colspan', 'rowspan', 'align'], '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: IMG_SCHEMES },
    allowProtocolRelative: false,
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head'],
    transformTags: {
      img: (tagName, attribs): sanitizeHtml.Tag => {
        const src = (attribs.src ?? '').trim();
        if (/^cid:/i.test(src)) {
          if (!o.cidUrls) return { tagName, attribs };
          const url = o.cidUrls?.get(src.slice(4).replace(/^<|>$/g, ''));
          return url ? { tagName, attribs: { ...attribs, src: url } } : { tagName: 'span', attribs: {}, text: `[image${attribs.alt ? `: ${attribs.alt}` : ''}]` };
        }
        // Only https (when allowed) and inline data images load; a relative src would make the agent's
        // browser request a URL of Patron itself with their cookies, and http leaks over the network.
        const ok = (/^https:/i.test(src) && o.remoteImages === 'allow') || /^data:image\/(png|jpe?g|gif|webp);/i.test(src);
        return ok ? { tagName, attribs } : { tagName: 'span', attribs: {}, text: `[image${attribs.alt ? `: ${attribs.alt}` : ''}]` };
      },
      // Links must be absolute (http, https, mailto, tel) or in-page: a relative link would point into Patron.
      a: (tagName, attribs): sanitizeHtml.Tag => {
        const href = (attribs.href ?? '').trim();
        const keep = /^(https?:|mailto:|tel:|#)/i.test(href);
        const { href: _drop, ...rest } = attribs;
        return { tagName, attribs: { ...(keep ? { ...rest, href } : rest), rel: 'noopener noreferrer nofollow', target: '_blank' } };
      },
    },
  });
}
