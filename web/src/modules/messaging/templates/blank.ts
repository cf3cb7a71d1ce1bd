/** What "start from scratch" begins with: the least a working template needs (a greeting, and for marketing mail the unsubscribe links). */
export const BLANK = {
  mjml: {
    subject: 'A message from {{ store.name }}',
    body: `<mjml>
  <mj-body background-color="#f3f4f6">
    <mj-section background-color="#ffffff" padding="32px 24px">
      <mj-column>
        <mj-text font-size="16px" line-height="24px">Hi {{ customer.first_name | default: 'there' }},</mj-text>
        <mj-text font-size="16px" line-height="24px">Write your message here.</mj-text>
      </mj-column>
    </mj-section>
    <mj-section padding="16px 24px">
      <mj-column>
        <mj-text align="center" font-size="12px" color="#6b7280">
          <a href="{{ unsubscribe_url }}" style="color:#6b7280;">Unsubscribe</a> · <a href="{{ preferences_url }}" style="color:#6b7280;">Email preferences</a>
        </mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`,
  },
  html: {
    subject: 'A message from {{ store.name }}',
    body: `<!doctype html>
<html>
  <body style="margin:0;padding:24px;background:#f3f4f6;font-family:Helvetica,Arial,sans-serif;">
    <div style="max-width:600px;margin:0 auto;background:#ffffff;padding:32px;border-radius:8px;">
      <p>Hi {{ customer.first_name | default: 'there' }},</p>
      <p>Write your message here.</p>
    </div>
    <p style="text-align:center;font-size:12px;color:#6b7280;">
      <a href="{{ unsubscribe_url }}" style="color:#6b7280;">Unsubscribe</a> · <a href="{{ preferences_url }}" style="color:#6b7280;">Email preferences</a>
    </p>
  </body>
</html>
`,
  },
  sms: { subject: '', body: `{{ store.name }}: Hi {{ customer.first_name | default: 'there' }}, write your message here. Reply STOP to opt out.` },
} as const;
