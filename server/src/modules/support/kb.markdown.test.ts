import { describe, expect, it } from 'vitest';
import { markdownToText, MARK_END, MARK_START, renderMarkdown, slugify, snippetHtml } from './kb.markdown.ts';

describe('renderMarkdown', () => {
  it('renders Markdown with tables and links', () => {
    const html = renderMarkdown('# Title\n\nSome **bold** and [a link](https://example.com).\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="https://example.com" rel="nofollow noopener noreferrer">a link</a>');
    expect(html).toContain('<table>');
  });

  it('removes scripts, event handlers, javascript: links, iframes and styles', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src="https://x/y.png" onerror="alert(2)">\n\n[x](javascript:alert(3))\n\n<iframe src="https://evil"></iframe><style>body{}</style><a href="data:text/html,hi">d</a>');
    expect(html).not.toMatch(/script|onerror|javascript:|iframe|<style|data:text/i);
    expect(html).toContain('<img src="https://x/y.png"');
  });
});

describe('markdownToText', () => {
  it('keeps words and paragraphs, drops markup, decodes entities', () => {
    expect(markdownToText('## Delivery\n\nOrders over **£40** ship free & fast.\n\n- one\n- two\n\n<script>evil()</script>')).toBe('Delivery\n\nOrders over £40 ship free & fast.\n\none\n\ntwo');
  });
});

describe('snippetHtml', () => {
  it('escapes the text and marks matches', () => {
    expect(snippetHtml(`a <b> ${MARK_START}ship${MARK_END} & go`)).toBe('a &lt;b&gt; <mark>ship</mark> &amp; go');
  });
});

describe('slugify', () => {
  it.each([['How long does delivery take?', 'how-long-does-delivery-take'], ['Crème brûlée & co', 'creme-brulee-and-co'], ['???', 'article']])('%s → %s', (a, b) => expect(slugify(a)).toBe(b));
});
