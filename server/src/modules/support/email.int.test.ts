import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, type Actor } from '../../platform/audit/audit.ts';
import { messagingSettings } from '../messaging/index.ts';
import { loginAs, startTestApp, type Session, type TestApp } from '../../testing/harness.ts';
import { dsnBounce, exeAttachment, gmailNew, gmailReply, htmlWithScript, malformed, outlookReply, outOfOffice, plainNew } from './email.fixtures.ts';
import type { EmailModule } from './email.module.ts';
import type { InboundResult } from './email.service.ts';
import type { TicketService } from './tickets.service.ts';

let app: TestApp;
let admin: Session;
let agent: Session;
let email: EmailModule;
let tickets: TicketService;
let me: Actor;
let token = '';
let sink: SMTPServer;
const sent: ParsedMail[] = [];
const envelopes: string[][] = [];
/** What the SMTP sink does with the next messages. */
let sinkMode: 'accept' | 'reject550' | 'reject451' = 'accept';
const db = () => app.patron.dbh.db;
const http = () => app.patron.http!;

/** Posts to the inbound webhook of `provider`. */
async function hook(provider: string, payload: string | Buffer, contentType: string, t: string | null = token): Promise<{ status: number; body: InboundResult & { type?: string; detail?: string } }> {
  const res = await http().inject({ method: 'POST', url: `/api/support/inbound/email/${provider}${t === null ? '' : `?token=${t}`}`, headers: { 'content-type': contentType }, payload });
  return { status: res.statusCode, body: res.json() };
}
const raw = (b: Buffer) => hook('raw', b, 'message/rfc822');

function multipart(fields: Record<string, string>, files: { field: string; name: string; type: string; content: Buffer }[] = []): { body: Buffer; type: string } {
  const boundary = `----patron${Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.content, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

beforeAll(async () => {
  sink = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, cb) {
      envelopes.push(session.envelope.rcptTo.map((r) => r.address));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => sinkMode !== 'accept' ? cb(Object.assign(new Error(sinkMode === 'reject550' ? 'mailbox unavailable' : 'try again later'), { responseCode: sinkMode === 'reject550' ? 550 : 451 })) : void simpleParser(Buffer.concat(chunks)).then((p) => {
        sent.push(p);
        cb();
      }));
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
  const sinkPort = (sink.server.address() as { port: number }).port;

  app = await startTestApp({ worker: false, config: { supportSmtp: { port: 0, host: '127.0.0.1', maxBytes: 512 * 1024 } } });
  admin = await loginAs(app, 'admin', 'boss@shop.test');
  agent = await loginAs(app, 'support', 'tom@shop.test');
  me = { type: 'user', id: agent.userId, label: 'tom@shop.test' };
  email = app.patron.modules.support.email;
  tickets = app.patron.modules.support.tickets.service;
  await messagingSettings.putSmtp(db(), { host: '127.0.0.1', port: sinkPort, security: 'none', poolSize: 1, ratePerSecond: 100 });
  const res = await http().inject({ method: 'PUT', url: '/api/support/email/settings', headers: admin.headers, payload: { inboundAddresses: ['support@shop.test'], replyFromName: 'Acme Support', signature: 'Acme — we answer within a day', floodMax: 4 } });
  expect(res.statusCode, res.body).toBe(200);
  token = (await http().inject({ method: 'GET', url: '/api/support/email/webhook', headers: admin.headers })).json<{ token: string }>().token;
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => sink.close(() => resolve()));
});

describe('SMTP receiver', () => {
  it('takes mail for the support address over SMTP, refuses other recipients, and threads the conversation both ways', async () => {
    const port = email.smtpPort();
    expect(port).toBeGreaterThan(0);
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: port!, secure: false, ignoreTLS: true });
    await expect(t.sendMail({ envelope: { from: 'ann@customer.test', to: ['sales@shop.test'] }, raw: gmailNew() })).rejects.toThrow(/550/);
    const info = await t.sendMail({ envelope: { from: 'ann@customer.test', to: ['support@shop.test'] }, raw: gmailNew() });
    expect(info.response).toMatch(/^250 .*ticket/);
    // Over the size limit (512 kB here): refused with 552, nothing stored. Junk: accepted and kept as failed.
    await expect(t.sendMail({ envelope: { from: 'big@customer.test', to: ['support@shop.test'] }, raw: plainNew({ from: 'big@customer.test', body: 'x'.repeat(600 * 1024) }) })).rejects.toThrow(/552/);
    expect((await t.sendMail({ envelope: { from: 'junk@customer.test', to: ['support@shop.test'] }, raw: malformed() })).response).toMatch(/^250 .*failed/);
    expect(await db().selectFrom('support_inbound_emails').select('id').where('from_address', '=', 'big@customer.test').execute()).toEqual([]);
    t.close();

    const row = await db().selectFrom('support_inbound_emails').selectAll().where('message_id_header', '=', '<CAGm1x=ann-1@mail.gmail.com>').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'ticket', source: 'smtp', mail_from: 'ann@customer.test', rcpt_to: ['support@shop.test'] });
    const d = await tickets.detail(row.ticket_id!);
    expect(d.ticket).toMatchObject({ channel: 'email', subject: 'Where is my order #1042?', requester: { email: 'ann@customer.test', name: 'Ann Example' } });
    expect(d.messages[0]).toMatchObject({ direction: 'inbound', fromAddress: 'ann@customer.test', messageIdHeader: '<CAGm1x=ann-1@mail.gmail.com>' });

    // The agent answers: queued in the reply's transaction, sent over SMTP with thread headers.
    const reply = await tickets.addMessage(me, d.ticket.id, { direction: 'outbound', authorType: 'agent', bodyText: 'Hi Ann, your parcel arrives tomorrow.\nTom' });
    expect(await email.outbound.runOnce()).toBe(1);
    const out = sent.at(-1)!;
    const ourId = `<${reply.message.id}@shop.test>`;
    expect(out.messageId).toBe(ourId);
    expect(out.inReplyTo).toBe('<CAGm1x=ann-1@mail.gmail.com>');
    expect(out.references).toBe('<CAGm1x=ann-1@mail.gmail.com>');
    expect(out.replyTo?.value[0]?.address).toBe(`support+${d.ticket.replyToken}@shop.test`);
    expect(out.to && !Array.isArray(out.to) ? out.to.value[0]?.address : null).toBe('ann@customer.test');
    expect(out.subject).toBe('Re: Where is my order #1042?');
    expect(out.text).toContain('Acme — we answer within a day');
    expect(out.from?.value[0]).toMatchObject({ address: 'support@shop.test', name: 'Acme Support' });
    expect(await tickets.message(reply.message.id)).toMatchObject({ deliveryStatus: 'sent', messageIdHeader: ourId });
    expect(await email.outbound.runOnce()).toBe(0);

    // Ann answers from Gmail: joins by In-Reply-To, quoted history trimmed for display, original kept.
    const r2 = await raw(gmailReply({ inReplyTo: ourId, references: ['<CAGm1x=ann-1@mail.gmail.com>', ourId] }));
    expect(r2.body).toMatchObject({ status: 'reply', ticketId: d.ticket.id });
    const m2 = await tickets.message(r2.body.messageId!);
    expect(m2.bodyText).toBe('Great, thank you! It just arrived.');
    expect(m2.bodyHtml).not.toContain('carrier');
    const orig = await http().inject({ method: 'GET', url: `/api/support/tickets/${d.ticket.id}/messages/${m2.id}/original`, headers: agent.headers });
    expect(orig.statusCode).toBe(200);
    expect(orig.headers['content-type']).toBe('message/rfc822');
    expect(orig.body).toContain('your parcel is with the carrier');

    // Her second reply comes from a client that dropped the headers: the token in the address finds the ticket.
    const r3 = await hook('raw', plainNew({ from: 'ann@customer.test', to: `support+${d.ticket.replyToken}@shop.test`, subject: 'one more thing' }), 'message/rfc822');
    expect(r3.body).toMatchObject({ status: 'reply', ticketId: d.ticket.id });
    // And a subject token works too.
    const r4 = await raw(plainNew({ from: 'ann@customer.test', subject: `Re: kettle [#${d.ticket.replyToken}]` }));
    expect(r4.body).toMatchObject({ status: 'reply', ticketId: d.ticket.id });

    // The next agent reply carries the whole chain, and copies whom the agent copied in (never our own address).
    const reply2 = await tickets.addMessage(me, d.ticket.id, { direction: 'outbound', authorType: 'agent', bodyText: 'Glad to hear it!', ccAddresses: ['partner@customer.test', 'support@shop.test'] });
    await email.outbound.runOnce();
    const out2 = sent.at(-1)!;
    expect(out2.inReplyTo).toBe((await tickets.message(r4.body.messageId!)).messageIdHeader);
    expect(out2.references).toEqual(expect.arrayContaining(['<CAGm1x=ann-1@mail.gmail.com>', ourId, '<CAGm1x=ann-2@mail.gmail.com>']));
    expect((await tickets.message(reply2.message.id)).deliveryStatus).toBe('sent');
    expect(out2.cc && !Array.isArray(out2.cc) ? out2.cc.value.map((a) => a.address) : []).toEqual(['partner@customer.test']);
    expect(envelopes.at(-1)).toEqual(['ann@customer.test', 'partner@customer.test']);
  });

  it('refuses a spoofed thread: References to a ticket from someone who is not in it opens a new ticket', async () => {
    const first = await raw(outlookReply({ subject: 'Invoice for order 2001', messageId: '<bob-1@corp.test>' }));
    expect(first.body.status).toBe('ticket');
    const spoof = await raw(gmailReply({ from: 'Mallory <mallory@evil.test>', messageId: '<mal-1@evil.test>', inReplyTo: '<bob-1@corp.test>', references: ['<bob-1@corp.test>'] }));
    expect(spoof.body.status).toBe('ticket');
    expect(spoof.body.ticketId).not.toBe(first.body.ticketId);
    expect(spoof.body.reason).toMatch(/not a participant/);
    const d = await tickets.detail(spoof.body.ticketId!);
    expect(d.events.map((e) => e.type)).toContain('email_thread_refused');
    const bob = await tickets.get(first.body.ticketId!);
    expect(bob.messageCount).toBe(1);
    // Bob himself answering on the thread joins it.
    const own = await raw(gmailReply({ from: 'Bob Builder <bob@corp.test>', messageId: '<bob-2@corp.test>', inReplyTo: '<bob-1@corp.test>', references: ['<bob-1@corp.test>'] }));
    expect(own.body).toMatchObject({ status: 'reply', ticketId: first.body.ticketId });
  });

  it('skips out-of-office replies and bounces, and keeps malformed mail for an admin', async () => {
    const ooo = await raw(outOfOffice());
    expect(ooo.body).toMatchObject({ status: 'auto_reply', ticketId: null });
    // A bounce of one of our replies marks that reply failed, and tells messaging (suppression).
    const t = await raw(plainNew({ from: 'gone@customer.test', messageId: '<gone-1@customer.test>' }));
    const reply = await tickets.addMessage(me, t.body.ticketId!, { direction: 'outbound', authorType: 'agent', bodyText: 'Refund done.' });
    await email.outbound.runOnce();
    const header = (await tickets.message(reply.message.id)).messageIdHeader!;
    const dsn = await raw(dsnBounce({ originalId: header }));
    expect(dsn.body).toMatchObject({ status: 'bounce', ticketId: null });
    expect(await tickets.message(reply.message.id)).toMatchObject({ deliveryStatus: 'failed', deliveryError: expect.stringMatching(/Bounced.*5\.1\.1/) });
    expect(await db().selectFrom('suppressions').select('address').where('address', '=', 'gone@customer.test').executeTakeFirst()).toBeDefined();
    const bad = await raw(malformed());
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ status: 'failed', ticketId: null });
    expect(bad.body.reason).toMatch(/header fields/);
    const list = await http().inject({ method: 'GET', url: '/api/support/email/inbound?status=failed', headers: agent.headers });
    expect(list.json<{ items: { id: string }[] }>().items.map((x) => x.id)).toContain(bad.body.id);
    const kept = await http().inject({ method: 'GET', url: `/api/support/email/inbound/${bad.body.id}/raw`, headers: agent.headers });
    expect(kept.rawPayload.equals(malformed())).toBe(true);
    expect(kept.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('blocks executables, keeps safe attachments and serves them only to agents, as downloads', async () => {
    const r = await raw(exeAttachment());
    expect(r.body.status).toBe('ticket');
    expect(r.body.reason).toMatch(/invoice\.pdf\.exe.*photo\.jpg/);
    const m = await tickets.message(r.body.messageId!);
    expect(m.attachments.map((a) => a.filename)).toEqual(['receipt.png']);
    expect((m.metadata.email as { blockedAttachments: unknown[] }).blockedAttachments).toHaveLength(2);
    const url = m.attachments[0]!.url;
    const res = await http().inject({ method: 'GET', url, headers: agent.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'image/png', 'x-content-type-options': 'nosniff' });
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="receipt.png"/);
    expect((await http().inject({ method: 'GET', url })).statusCode).toBe(401);
    const analyst = await loginAs(app, 'marketer');
    expect((await http().inject({ method: 'GET', url, headers: analyst.headers })).statusCode).toBe(403);
  });

  it('sanitises HTML: no script, handlers, javascript: links or remote images; inline images point at the stored file', async () => {
    const r = await raw(htmlWithScript());
    const m = await tickets.message(r.body.messageId!);
    for (const bad of ['<script', 'onerror', 'onload', 'javascript:', '<iframe', '<form', 'tracker.test', 'evil.test']) expect(m.bodyHtml).not.toContain(bad);
    const shot = m.attachments.find((a) => a.filename === 'shot.png')!;
    expect(m.bodyHtml).toContain(`src="${shot.url}"`);
  });

  it('holds a flood from one sender (kept, not ticketed) and lets an agent process a held one', async () => {
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await raw(plainNew({ from: 'flood@spam.test', messageId: `<flood-${i}@spam.test>`, subject: `Flood ${i}` }))).body);
    expect(results.map((x) => x.status)).toEqual(['ticket', 'ticket', 'ticket', 'ticket', 'rate_limited', 'rate_limited']);
    const held = results[4]!;
    const retry = await http().inject({ method: 'POST', url: `/api/support/email/inbound/${held.id}/retry`, headers: agent.headers });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({ status: 'ticket' });
    expect((await http().inject({ method: 'POST', url: `/api/support/email/inbound/${held.id}/retry`, headers: agent.headers })).statusCode).toBe(409);
  });

  it('takes the Mailgun, Postmark and SendGrid shapes, and a retried delivery is stored once', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const mg = multipart({
      sender: 'gil@customer.test', from: 'Gil <gil@customer.test>', recipient: 'support@shop.test', subject: 'Size exchange', 'body-plain': 'Can I swap the M for an L?',
      'body-html': '<p>Can I swap the M for an L?<script>x()</script></p>', 'Message-Id': '<mg-1@customer.test>', 'message-headers': JSON.stringify([['Message-Id', '<mg-1@customer.test>']]),
    }, [{ field: 'attachment-1', name: 'label.png', type: 'image/png', content: png }]);
    const a = await hook('mailgun', mg.body, mg.type);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.status).toBe('ticket');
    const ma = await tickets.message(a.body.messageId!);
    expect(ma).toMatchObject({ fromAddress: 'gil@customer.test', messageIdHeader: '<mg-1@customer.test>', bodyHtml: '<p>Can I swap the M for an L?</p>' });
    expect(ma.attachments.map((x) => x.filename)).toEqual(['label.png']);
    expect((await hook('mailgun', mg.body, mg.type)).body.status).toBe('duplicate');

    const pm = await hook('postmark', JSON.stringify({
      From: 'hana@customer.test', FromFull: { Email: 'hana@customer.test', Name: 'Hana' }, To: 'support@shop.test', Subject: 'Re: Size exchange', TextBody: 'Me too!', HtmlBody: '',
      MessageID: 'postmark-internal-id', Headers: [{ Name: 'Message-ID', Value: '<pm-1@customer.test>' }], Attachments: [{ Name: 'x.txt', Content: Buffer.from('hello').toString('base64'), ContentType: 'text/plain', ContentLength: 5 }],
    }), 'application/json');
    expect(pm.body.status).toBe('ticket');
    const mp = await tickets.message(pm.body.messageId!);
    expect(mp).toMatchObject({ messageIdHeader: '<pm-1@customer.test>', bodyText: 'Me too!', authorName: 'Hana' });
    expect(mp.attachments[0]).toMatchObject({ filename: 'x.txt', size: 5 });

    const sg = multipart({ email: gmailNew({ from: 'ivy@customer.test', messageId: '<sg-1@customer.test>', subject: 'SendGrid raw' }).toString(), envelope: JSON.stringify({ to: ['support@shop.test'], from: 'ivy@customer.test' }) });
    const s = await hook('sendgrid', sg.body, sg.type);
    expect(s.body).toMatchObject({ status: 'ticket' });
    expect((await db().selectFrom('support_inbound_emails').select(['source', 'rcpt_to']).where('id', '=', s.body.id).executeTakeFirstOrThrow())).toEqual({ source: 'webhook:sendgrid', rcpt_to: ['support@shop.test'] });
  });

  it('loads its demo: three tickets and the outcomes that are not', async () => {
    const lines: string[] = [];
    expect(await email.demo({ type: 'system', id: null, label: 'demo' }, (m) => lines.push(m))).toEqual({ emails: 6, tickets: 3 });
    expect(lines[0]).toMatch(/6 emails/);
  });

  it('rejects webhooks without the secret, unknown providers and empty bodies with problem+json', async () => {
    const noToken = await hook('raw', gmailNew(), 'message/rfc822', null);
    expect(noToken.status).toBe(401);
    expect(noToken.body.type).toBe('/problems/invalid-token');
    // An API key with support:write works instead of the token (Bearer, or Basic with the key as user name); a read-only one does not.
    const { key } = await app.patron.modules.users.service.createApiKey(CLI_ACTOR, { name: 'mail relay', kind: 'secret', scopes: ['support:write'] });
    const { key: ro } = await app.patron.modules.users.service.createApiKey(CLI_ACTOR, { name: 'reader', kind: 'secret', scopes: ['support:read'] });
    const withKey = (auth: string) => http().inject({ method: 'POST', url: '/api/support/inbound/email/raw', headers: { 'content-type': 'message/rfc822', authorization: auth }, payload: plainNew({ from: 'lea@customer.test' }) });
    expect((await withKey(`Bearer ${key}`)).json()).toMatchObject({ status: 'ticket' });
    expect((await withKey(`Basic ${Buffer.from(`${key}:x`).toString('base64')}`)).statusCode).toBe(200);
    expect((await withKey(`Bearer ${ro}`)).statusCode).toBe(401);
    expect((await hook('raw', gmailNew(), 'message/rfc822', 'wrong')).status).toBe(401);
    const bad = await hook('nosuch', gmailNew(), 'message/rfc822');
    expect(bad.status).toBe(400);
    const empty = await hook('raw', Buffer.alloc(0), 'message/rfc822');
    expect(empty.status).toBe(400);
    expect((await hook('mailgun', '{}', 'application/json')).status).toBe(400);
    const badSettings = await http().inject({ method: 'PUT', url: '/api/support/email/settings', headers: admin.headers, payload: { inboundAddresses: ['not an address'] } });
    expect(badSettings.statusCode).toBe(400);
    expect(badSettings.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toMatch(/inboundAddresses/);
    expect((await http().inject({ method: 'PUT', url: '/api/support/email/settings', headers: agent.headers, payload: {} })).statusCode).toBe(403);
  });
});

describe('sending replies', () => {
  it('retries a 4xx, fails a 5xx, never resends a hand-off that died, and says when no SMTP server is set', async () => {
    const t = await raw(plainNew({ from: 'kim@customer.test', messageId: '<kim-1@customer.test>' }));
    const reply = () => tickets.addMessage(me, t.body.ticketId!, { direction: 'outbound', authorType: 'agent', bodyText: 'Hello Kim' }).then((r) => r.message.id);
    const outbox = (id: string) => db().selectFrom('support_email_outbox').selectAll().where('message_id', '=', id).executeTakeFirstOrThrow();
    try {
      sinkMode = 'reject451';
      const a = await reply();
      await email.outbound.runOnce();
      expect(await outbox(a)).toMatchObject({ status: 'queued', attempts: 1 });
      expect((await outbox(a)).send_after.getTime()).toBeGreaterThan(Date.now());
      expect((await tickets.message(a)).deliveryStatus).toBe('pending');
      sinkMode = 'reject550';
      const b = await reply();
      await email.outbound.runOnce();
      expect(await outbox(b)).toMatchObject({ status: 'failed' });
      expect(await tickets.message(b)).toMatchObject({ deliveryStatus: 'failed', deliveryError: expect.stringMatching(/mailbox unavailable/) });
    } finally {
      sinkMode = 'accept';
    }
    // A process died between claiming and handing over: marked uncertain, never sent.
    const c = await reply();
    await db().updateTable('support_email_outbox').set({ status: 'sending', claimed_at: new Date(Date.now() - 3600_000) }).where('message_id', '=', c).execute();
    await email.outbound.sweep();
    expect(await outbox(c)).toMatchObject({ status: 'uncertain' });
    expect(await tickets.message(c)).toMatchObject({ deliveryStatus: 'failed', deliveryError: expect.stringMatching(/uncertain/) });
    // No SMTP server: failed, saying what to do.
    const smtp = await messagingSettings.smtp(db());
    await messagingSettings.putSmtp(db(), null);
    try {
      const d = await reply();
      email.outbound.invalidate();
      await email.outbound.runOnce();
      expect((await tickets.message(d)).deliveryError).toMatch(/^No SMTP server is configured/);
    } finally {
      await messagingSettings.putSmtp(db(), smtp);
      email.outbound.invalidate();
    }
  });
});

describe('personal data', () => {
  it('exports the received emails of a customer, and erasure removes originals and unshared attachment contents', async () => {
    const r = await raw(exeAttachment({ from: 'Zed <zed@customer.test>', messageId: '<zed-1@customer.test>' }));
    const t = await tickets.get(r.body.ticketId!);
    const eve = await tickets.message((await db().selectFrom('support_inbound_emails').select('message_id').where('message_id_header', '=', '<xss-1@customer.test>').executeTakeFirstOrThrow()).message_id!);
    const unique = await raw(Buffer.from(plainNew({ from: 'zed@customer.test', messageId: '<zed-2@customer.test>' }).toString().replace('Content-Type: text/plain; charset=utf-8', 'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee file\r\n--B\r\nContent-Type: text/csv; name="zed-only.csv"\r\nContent-Disposition: attachment; filename="zed-only.csv"\r\n\r\nsku,qty\r\nZED-1,2\r\n--B--')));
    expect(unique.body.status).toBe('ticket');
    expect((await email.exportCustomer(t.customerId)).supportInboundEmails.map((e) => e.message_id_header)).toEqual(['<zed-1@customer.test>', '<zed-2@customer.test>']);
    // A held flood message from Zed (no ticket) is his too.
    await db().insertInto('support_inbound_emails').values({ id: '0190a4c2-0000-7000-8000-0000000000e1', source: 'smtp', status: 'rate_limited', from_address: 'ZED@customer.test', size_bytes: 1, raw: Buffer.from('x') }).execute();
    expect((await email.exportCustomer(t.customerId)).supportInboundEmails).toHaveLength(3);
    // Erasing the customer's tickets (the ticket core) takes the email part's data along.
    expect(await app.patron.modules.support.tickets.eraseCustomer(t.customerId)).toMatchObject({ tickets: 2 });
    expect((await email.exportCustomer(t.customerId)).supportInboundEmails).toEqual([]);
    expect(await db().selectFrom('support_attachment_blobs').select('sha256').where('size_bytes', '=', 'sku,qty\r\nZED-1,2'.length).execute()).toEqual([]);
    expect(await db().selectFrom('ticket_attachments').select('id').where('ticket_id', '=', t.id).execute()).toEqual([]);
    // The 1-pixel PNG is also Eve's: its content stays for her ticket.
    expect((await http().inject({ method: 'GET', url: eve.attachments[0]!.url, headers: agent.headers })).statusCode).toBe(200);
  });
});
