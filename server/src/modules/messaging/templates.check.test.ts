import { describe, expect, it } from 'vitest';
import { missingVariables, smsParts, templateIssues } from './templates.check.ts';

const html = (body: string, subject = 's') => ({ format: 'html' as const, subject, preheader: '', body });

describe('missing variables', () => {
  it('lists every undefined variable once, with its line and column, in part order', async () => {
    const body = '<p>{{ customer.first_name }}</p>\n<p>{{ customer.nick }} {{ customer.nick }}</p>\n{% for i in cart.items %}<p>{{ i.name }} {{ i.colour }}</p>{% endfor %}';
    const w = await missingVariables(html(body, '{{ nope }}'), { customer: { first_name: 'A' }, cart: { items: [{ name: 'x' }, { name: 'y' }] } });
    expect(w.map((x) => [x.part, x.variable, x.line, x.column])).toEqual([
      ['subject', 'nope', 1, 4],
      ['body', 'customer.nick', 2, 7],
      ['body', 'i.colour', 3, 45],
    ]);
  });

  it('does not warn about values that are tested or defaulted, nor about known empty ones', async () => {
    const body = "{% if discount_code %}{{ discount_code }}{% endif %}{% unless vip %}x{% endunless %}{{ nick | default: 'friend' }}{{ last_order.number }}";
    expect(await missingVariables(html(body), { last_order: null })).toEqual([]);
  });

  it('locates variables in the MJML as typed, not in the compiled HTML', async () => {
    const body = '<mjml><mj-body><mj-section><mj-column>\n\n<mj-text>{{ customer.shoe_size }}</mj-text>\n</mj-column></mj-section></mj-body></mjml>';
    const w = await missingVariables({ format: 'mjml', subject: 'x', preheader: '', body }, { customer: {} });
    expect(w).toEqual([expect.objectContaining({ part: 'body', variable: 'customer.shoe_size', line: 3, column: 13 })]);
  });

  it('reports a render that fails (a runaway loop over the memory limit) as an error of the template, with its line', async () => {
    await expect(missingVariables(html('<p>ok</p>\n{% for i in (1..100000000) %}x{% endfor %}'), {})).rejects.toMatchObject({
      issues: [expect.objectContaining({ part: 'body', line: 2, message: expect.stringContaining('memory') })],
    });
  });
});

describe('template issues', () => {
  it('accepts Liquid in MJML attribute values (filled at send time) but not broken MJML or Liquid', async () => {
    const ok = '<mjml><mj-body><mj-section background-color="{{ brand }}"><mj-column><mj-button background-color="{{ brand }}" href="{{ url }}">Go</mj-button></mj-column></mj-section></mj-body></mjml>';
    expect(await templateIssues({ format: 'mjml', subject: 'x', preheader: '', body: ok })).toEqual([]);
    const badColour = ok.replace('{{ brand }}"><mj-column>', 'not-a-colour"><mj-column>');
    expect((await templateIssues({ format: 'mjml', subject: 'x', preheader: '', body: badColour }))[0]!.message).toMatch(/invalid value: not-a-colour/);
    expect(await templateIssues({ format: 'mjml', subject: '{% if %}', preheader: '', body: ok })).toEqual([expect.objectContaining({ part: 'subject', line: 1 })]);
  });
});

describe('SMS parts', () => {
  it('counts GSM-7 (with two-septet characters) and Unicode, and splits into parts', () => {
    expect(smsParts('')).toEqual({ characters: 0, parts: 0, unicode: false });
    expect(smsParts('x'.repeat(160))).toEqual({ characters: 160, parts: 1, unicode: false });
    expect(smsParts('x'.repeat(161))).toEqual({ characters: 161, parts: 2, unicode: false });
    expect(smsParts('x'.repeat(306))).toMatchObject({ parts: 2 });
    expect(smsParts('x'.repeat(307))).toMatchObject({ parts: 3 });
    expect(smsParts('€'.repeat(80))).toEqual({ characters: 160, parts: 1, unicode: false });
    expect(smsParts('Café ✓')).toEqual({ characters: 6, parts: 1, unicode: true });
    expect(smsParts('✓'.repeat(71))).toEqual({ characters: 71, parts: 2, unicode: true });
  });
});
