/**
 * The pieces every starter email shares: head (fonts, sizes), the store's header, the white card and
 * the footer. Plain MJML strings with Liquid; a template made from a starter holds its own copy, so
 * a person can change anything in it.
 */

/** The store's colour, or a neutral near-black when none is set. */
export const BRAND = `<mj-raw>{% assign brand = store.brand_color | default: '#111827' %}</mj-raw>`;

export function head(title: string): string {
  return `<mj-head>
    <mj-title>${title}</mj-title>
    <mj-attributes>
      <mj-all font-family="-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" />
      <mj-text font-size="16px" line-height="26px" color="#1f2933" padding="0 40px 16px" />
      <mj-section padding="0" />
      <mj-button font-size="16px" font-weight="600" border-radius="8px" inner-padding="15px 32px" padding="8px 40px 24px" />
      <mj-table font-size="15px" line-height="22px" color="#1f2933" padding="0 40px 16px" />
    </mj-attributes>
    <mj-style>
      a { color: inherit; }
      .muted { color: #6b7280; }
      @media only screen and (max-width: 480px) {
        .hero div { font-size: 26px !important; line-height: 32px !important; }
      }
    </mj-style>
  </mj-head>`;
}

/** The store's logo, else its name, linked to the shop when its address is known. */
export const HEADER = `<mj-section padding="32px 0 20px">
      <mj-column>
        <mj-raw>{% if store.logo_url %}</mj-raw>
        <mj-raw>{% if store.url %}</mj-raw>
        <mj-image src="{{ store.logo_url }}" alt="{{ store.name }}" width="150px" align="center" padding="0" href="{{ store.url }}" />
        <mj-raw>{% else %}</mj-raw>
        <mj-image src="{{ store.logo_url }}" alt="{{ store.name }}" width="150px" align="center" padding="0" />
        <mj-raw>{% endif %}</mj-raw>
        <mj-raw>{% else %}</mj-raw>
        <mj-text align="center" font-size="22px" line-height="28px" font-weight="700" color="{{ brand }}" padding="0">{% if store.url %}<a href="{{ store.url }}" style="color:inherit;text-decoration:none;">{{ store.name }}</a>{% else %}{{ store.name }}{% endif %}</mj-text>
        <mj-raw>{% endif %}</mj-raw>
      </mj-column>
    </mj-section>`;

/** The big first line of an email. */
export function hero(heading: string): string {
  return `<mj-text css-class="hero" font-size="30px" line-height="38px" font-weight="700" color="#111827" padding="40px 40px 16px">${heading}</mj-text>`;
}

export function button(label: string, href: string): string {
  return `<mj-button background-color="{{ brand }}" color="#ffffff" href="${href}" align="left">${label}</mj-button>`;
}

/** A one-time code block, shown only when the flow or campaign hands the message a `discount_code`. */
export const DISCOUNT = `<mj-raw>{% if discount_code %}</mj-raw>
        <mj-text padding="8px 40px 24px">
          <div style="border:2px dashed #d1d5db;border-radius:10px;padding:18px;text-align:center;">
            <div style="font-size:13px;line-height:18px;letter-spacing:0.08em;text-transform:uppercase;color:#6b7280;">Your code</div>
            <div style="font-size:24px;line-height:34px;font-weight:700;letter-spacing:0.06em;color:#111827;">{{ discount_code }}</div>
            <div style="font-size:14px;line-height:20px;color:#6b7280;">Enter it at checkout.</div>
          </div>
        </mj-text>
        <mj-raw>{% endif %}</mj-raw>`;

/** A table of items (cart items or order lines) with picture, name, quantity and line total. */
export function itemsTable(list: string, currency: string, limit = ''): string {
  return `<mj-table cellpadding="0" cellspacing="0">
          {% for item in ${list}${limit} %}
          <tr>
            {% if item.image_url %}<td width="80" style="padding:14px 0;border-bottom:1px solid #eef0f3;vertical-align:middle;"><img src="{{ item.image_url }}" width="64" height="64" alt="" style="display:block;width:64px;height:64px;object-fit:cover;border-radius:8px;border:1px solid #eef0f3;" /></td>{% endif %}
            <td style="padding:14px 12px 14px 0;border-bottom:1px solid #eef0f3;vertical-align:middle;"><div style="font-weight:600;">{% if item.url %}<a href="{{ item.url }}" style="color:#111827;text-decoration:none;">{{ item.name }}</a>{% else %}{{ item.name }}{% endif %}</div><div style="font-size:13px;color:#6b7280;">Quantity {{ item.quantity }}</div></td>
            <td align="right" style="padding:14px 0;border-bottom:1px solid #eef0f3;vertical-align:middle;white-space:nowrap;font-weight:600;">{{ item.total | money: ${currency} }}</td>
          </tr>
          {% endfor %}
        </mj-table>`;
}

/** The card the content sits on. */
export function card(content: string): string {
  return `<mj-wrapper background-color="#ffffff" border-radius="14px" padding="0 0 16px" border="1px solid #e5e7eb">
      <mj-section>
        <mj-column>
        ${content}
        </mj-column>
      </mj-section>
    </mj-wrapper>`;
}

/**
 * Marketing mail must let people leave in one click and say where it comes from (CAN-SPAM, GDPR):
 * unsubscribe and preference links, and the store's postal address when it is set.
 */
export const MARKETING_FOOTER = `<mj-section padding="24px 0 40px">
      <mj-column>
        <mj-text align="center" font-size="13px" line-height="20px" color="#6b7280" padding="0 40px 8px">You are receiving this email because you signed up for news from {{ store.name }}.</mj-text>
        <mj-text align="center" font-size="13px" line-height="20px" color="#6b7280" padding="0 40px 8px"><a href="{{ unsubscribe_url }}" style="color:#6b7280;text-decoration:underline;">Unsubscribe</a>&nbsp;&nbsp;·&nbsp;&nbsp;<a href="{{ preferences_url }}" style="color:#6b7280;text-decoration:underline;">Email preferences</a></mj-text>
        <mj-raw>{% if store.address %}</mj-raw>
        <mj-text align="center" font-size="12px" line-height="18px" color="#9ca3af" padding="0 40px">{{ store.name }} · {{ store.address }}</mj-text>
        <mj-raw>{% endif %}</mj-raw>
      </mj-column>
    </mj-section>`;

/** Transactional mail (receipts) has no unsubscribe: it is not marketing. */
export const TRANSACTIONAL_FOOTER = `<mj-section padding="24px 0 40px">
      <mj-column>
        <mj-text align="center" font-size="13px" line-height="20px" color="#6b7280" padding="0 40px 8px">You received this email because you placed an order with {{ store.name }}.</mj-text>
        <mj-raw>{% if store.address %}</mj-raw>
        <mj-text align="center" font-size="12px" line-height="18px" color="#9ca3af" padding="0 40px">{{ store.name }} · {{ store.address }}</mj-text>
        <mj-raw>{% endif %}</mj-raw>
      </mj-column>
    </mj-section>`;

/** A whole email: head, store header, the card with `content`, the footer. */
export function email(title: string, content: string, footer: string): string {
  return `<mjml>
  ${head(title)}
  <mj-body background-color="#f3f4f6" width="600px">
    ${BRAND}
    ${HEADER}
    ${card(content)}
    ${footer}
  </mj-body>
</mjml>
`;
}
