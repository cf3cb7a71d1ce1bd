import { describe, expect, it } from 'vitest';
import { checkTemplate, renderTemplate, TemplateError, textPart, type TemplateSource } from './render.ts';

const mjml = (inner: string): TemplateSource => ({
  format: 'mjml', subject: 'Hi {{ customer.first_name }}', preheader: 'Your {{ store.name }} news',
  body: `<mjml><mj-body><mj-section><mj-column>${inner}</mj-column></mj-section></mj-body></mjml>`,
});
const lines = `<mj-raw><table>{% for i in order.items %}<tr><td>{{ i.name }}</td><td>{{ i.qty }}</td><td>{{ i.price | money: order.currency }}</td></tr>{% endfor %}</table></mj-raw>`;
const vars = { customer: { first_name: 'Ann <b>&</b> Co' }, store: { name: 'Shop' }, order: { currency: 'EUR', items: [{ name: 'Mug & Saucer', qty: 2, price: 1250 }, { name: 'Teapot', qty: 1, price: 3900 }] } };

describe('renderTemplate', () => {
  it('escapes values in HTML by default, not in the subject or text part; | raw opts out', async () => {
    const r = await renderTemplate(mjml('<mj-text>Hello {{ customer.first_name }} / {{ customer.first_name | raw }}</mj-text>'), vars);
    expect(r.subject).toBe('Hi Ann <b>&</b> Co');
    expect(r.html).toContain('Hello Ann &lt;b&gt;&amp;&lt;/b&gt; Co / Ann <b>&</b> Co');
    expect(r.text).toContain('Hello Ann <b>&</b> Co');
  });

  it('puts the preheader first in the body, hidden, and money in the currency\'s format', async () => {
    const r = await renderTemplate(mjml(lines), vars);
    expect(r.html).toMatch(/<body[^>]*><div style="display:none[^"]*">Your Shop news<\/div>/);
    expect(r.html).toContain('€12.50');
    expect(r.html).toContain('€39.00');
  });

  it('writes order lines in the text part as readable rows', async () => {
    const r = await renderTemplate(mjml(`<mj-text>Thanks</mj-text>${lines}<mj-button href="https://shop.test/x">Shop</mj-button>`), vars);
    expect(r.text).toMatch(/Mug & Saucer +2 +€12\.50/);
    expect(r.text).toMatch(/Teapot +1 +€39\.00/);
    expect(r.text).toContain('Shop [https://shop.test/x]');
    expect(r.text).not.toContain('Your Shop news');
  });

  it('reads no file and no other template: includes and renders find nothing', async () => {
    for (const tag of ["{% include '/etc/passwd' %}", "{% render '../../package.json' %}", "{% layout 'x' %}"]) {
      await expect(renderTemplate({ format: 'html', subject: '', preheader: '', body: tag }, {})).rejects.toBeInstanceOf(TemplateError);
    }
    // MJML includes are ignored too.
    const r = await renderTemplate({ format: 'mjml', subject: 's', preheader: '', body: '<mjml><mj-body><mj-include path="/etc/passwd" /><mj-section><mj-column><mj-text>ok</mj-text></mj-column></mj-section></mj-body></mjml>' }, {});
    expect(r.html).not.toContain('root:');
  });

  it('cannot reach prototypes or run away', async () => {
    const r = await renderTemplate({ format: 'text', subject: '', preheader: '', body: '{{ customer.constructor }}{{ customer.__proto__ }}x' }, vars);
    expect(r.text).toBe('x');
    await expect(renderTemplate({ format: 'text', subject: '', preheader: '', body: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' }, {})).rejects.toBeInstanceOf(TemplateError);
  });

  it('reports syntax errors with the line of the source as typed', async () => {
    const issues = await checkTemplate(mjml('<mj-text>\nline two\n{% if customer %}never closed</mj-text>'));
    expect(issues[0]).toMatchObject({ part: 'body', line: 3 });
    await expect(renderTemplate({ format: 'html', subject: '{{ x | no_such_filter }}', preheader: '', body: 'b' }, {})).rejects.toThrow(/subject/);
  });
});

describe('textPart', () => {
  it('drops images, styles and hidden preheaders and keeps link targets', () => {
    expect(textPart('<style>p{}</style><div style="display:none;max-height:0">pre</div><p>Hi <a href="https://x.test/a">there</a><img src="x.png"></p>')).toBe('Hi there [https://x.test/a]');
  });
});
