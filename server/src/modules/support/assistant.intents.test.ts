import { describe, expect, it } from 'vitest';
import { conversationState, detectIntent, extractEmail, extractOrderNumber } from './assistant.intents.ts';
import { clip, firstWords, orderText, passagesOf, statusOf } from './assistant.builtin.ts';

describe('detectIntent', () => {
  it.each([
    'Where is my order?', 'where’s my order', "Where's my package??", 'Has my order shipped yet?', 'I want to track my parcel', 'what is the status of my order',
    "I haven't received my order", 'When will my order arrive?', 'Order status please', 'my parcel has not arrived', 'tracking number for my order?', 'WISMO',
  ])('order status: %s', (t) => expect(detectIntent(t)).toBe('order-status'));

  it.each([
    'Can I talk to a human?', 'I want to speak with someone', 'agent please', 'Get me a real person', 'live chat with support', 'customer service', 'operator!',
    'Where is my order? I want a human', // asking for a person wins
    'please connect me to someone',
  ])('handover: %s', (t) => expect(detectIntent(t)).toBe('handover'));

  it.each(['hi', 'Hello!', 'hey there', 'Good morning'])('greeting: %s', (t) => expect(detectIntent(t)).toBe('greeting'));
  it.each(['thanks', 'Thank you!', 'ok', 'perfect, thanks'])('thanks: %s', (t) => expect(detectIntent(t)).toBe('thanks'));

  it.each([
    'How do I return an item?', 'Do you ship to Canada?', 'how much is shipping', 'Can I return my order?', 'What sizes do aprons come in?', 'Is the enamel mug dishwasher safe?',
    'What are your agents fees', 'personalised mugs?', 'someone stole my parcel from the doorstep', '',
  ])('question: %s', (t) => expect(detectIntent(t)).toBe('question'));
});

describe('extracting order details', () => {
  it.each([
    ['Order #1001', '1001'], ['order number 536365 please', '536365'], ['it is 536365', '536365'], ['#A-12345', 'A-12345'], ['no. 98765', '98765'],
    ['536365, ann@example.com', '536365'], ['ann@example.com 536365', '536365'], ['(C536379)', 'C536379'], ['order: SO-00042', 'SO-00042'],
  ])('%s → %s', (t, n) => expect(extractOrderNumber(t)).toBe(n));

  it.each(['ann123@example.com', 'I paid £123.45', 'on 12/03/2024', 'where is my order?', 'I ordered 2 mugs'])('no order number in %s', (t) => expect(extractOrderNumber(t)).toBeNull());

  it('finds an email, lower-cased', () => {
    expect(extractEmail('It is Ann.Smith+shop@Example.co.uk, order 1001')).toBe('ann.smith+shop@example.co.uk');
    expect(extractEmail('no address here @ all')).toBeNull();
  });
});

describe('conversationState', () => {
  it('waits for verification after a verify turn and gathers what the visitor said since the question', () => {
    const s = conversationState([
      { role: 'visitor', text: 'where is my order' },
      { role: 'assistant', text: 'number and email?', kind: 'verify' },
      { role: 'visitor', text: '536365' },
      { role: 'assistant', text: 'and the email?', kind: 'verify' },
    ]);
    expect(s.awaitingVerification).toBe(true);
    expect(s.sinceAsk).toEqual(['where is my order', '536365']);
  });

  it('is not waiting after an answer, and counts consecutive no-answers', () => {
    const s = conversationState([
      { role: 'assistant', text: 'x', kind: 'answer' },
      { role: 'visitor', text: 'blah' },
      { role: 'assistant', text: 'sorry', kind: 'no-answer' },
      { role: 'visitor', text: 'blah blah' },
      { role: 'assistant', text: 'sorry', kind: 'no-answer' },
    ]);
    expect(s.awaitingVerification).toBe(false);
    expect(s.noAnswers).toBe(2);
  });
});

describe('answers', () => {
  it('merges headings into the passage they introduce', () => {
    expect(passagesOf('Delivery times\n\nOrders leave the same day.\n\nAbroad\n\nTakes a week.')).toEqual(['Delivery times: Orders leave the same day.', 'Abroad: Takes a week.']);
  });

  it('cuts long questions between words', () => {
    expect(firstWords('delivery delivery delivery', 14)).toBe('delivery');
    expect(firstWords('delivery delivery', 17)).toBe('delivery delivery');
    expect(firstWords('delivery delivery', 8)).toBe('delivery');
  });

  it('clips long passages at a sentence end', () => {
    const s = `${'A sentence that goes on. '.repeat(40)}`;
    const c = clip(s, 100);
    expect(c.length).toBeLessThanOrEqual(100);
    expect(c.endsWith('.')).toBe(true);
  });

  it('says where an order is in plain words', () => {
    expect(statusOf({ status: 'completed', fulfillment_status: 'fulfilled', financial_status: 'paid' })).toBe('shipped');
    expect(statusOf({ status: 'cancelled', fulfillment_status: null, financial_status: null })).toBe('cancelled');
    expect(statusOf({ status: 'open', fulfillment_status: null, financial_status: 'paid' })).toBe('being prepared');
    const t = orderText({ number: '536365', status: 'shipped', placedAt: '2010-12-01T08:26:00Z', total: 13912, currency: 'GBP', items: [{ title: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 6 }], trackingUrl: 'https://track.example/1' });
    expect(t).toBe('Order 536365, placed on 1 December 2010, is shipped. Items: 6 × WHITE HANGING HEART T-LIGHT HOLDER. Total: 139.12 GBP. You can track the parcel here: https://track.example/1');
  });
});
