/** Test fixtures: bounce reports as mail servers write them. */

export const DSN_PATRON_ID = '01936f2e-0000-7000-8000-000000000001';

/** A bounce as Postfix writes it (RFC 3464), with the original message attached. */
export function dsn(o: { status: string; action?: string; recipient?: string; id?: string; headersOnly?: boolean; patronId?: string | null } = { status: '5.1.1' }): string {
  const recipient = o.recipient ?? 'nobody@example.net';
  const original = o.headersOnly
    ? `Content-Type: text/rfc822-headers\n\nFrom: Shop <news@shop.test>\nTo: ${recipient}\nMessage-ID: <abc.123@shop.test>\n${o.patronId === null ? '' : `X-Patron-Message-Id: ${o.patronId ?? DSN_PATRON_ID}\n`}Subject: Spring sale\n`
    : `Content-Type: message/rfc822\n\nFrom: Shop <news@shop.test>\nTo: ${recipient}\nSubject: Spring sale\nMessage-ID: <abc.123@shop.test>\n${o.patronId === null ? '' : `X-Patron-Message-Id: ${o.patronId ?? DSN_PATRON_ID}\n`}\nHello\n`;
  return `Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: bounces@shop.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <${o.id ?? 'dsn-1'}@mx.example.net>
Date: Sun, 1 Mar 2026 10:00:05 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Sun, 1 Mar 2026 10:00:01 +0000

Final-Recipient: rfc822; ${recipient}
Original-Recipient: rfc822;${recipient}
Action: ${o.action ?? 'failed'}
Status: ${o.status}
Remote-MTA: dns; mx2.example.net
Diagnostic-Code: smtp; 550 ${o.status} <${recipient}>: Recipient address
    rejected: User unknown in virtual mailbox table

--B
${original}
--B--
`;
}
