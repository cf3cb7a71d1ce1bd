import type { Actor } from '../../platform/audit/audit.ts';
import type { KbService } from './kb.service.ts';

/** The demo store's help centre: five categories, 25 articles (one internal, one draft), written for a UK gift shop. */

interface DemoArticle {
  title: string;
  body: string;
  internal?: boolean;
  draft?: boolean;
}

export const KB_DEMO: { name: string; description: string; articles: DemoArticle[] }[] = [
  {
    name: 'Shipping and delivery',
    description: 'Delivery times, costs, tracking and international orders.',
    articles: [
      {
        title: 'How long does delivery take?',
        body: `Orders placed before **2 pm** (UK time) on a working day leave our warehouse the same day.

## Delivery times

| Service | Where | Time |
|---|---|---|
| Standard | UK mainland | 2–4 working days |
| Express | UK mainland | next working day |
| International | EU | 4–8 working days |
| International | rest of the world | 7–14 working days |

Highlands, islands and Northern Ireland can take one or two days longer. Around Christmas, allow a few extra days: we publish the last order dates for Christmas delivery in November.`,
      },
      {
        title: 'How much does shipping cost?',
        body: `Standard delivery in the UK is **£3.95**, and **free on orders over £40**. Express (next working day) is £6.95.

International shipping is worked out at checkout from the weight of your parcel and the destination country; you always see the price before you pay.

Wholesale orders (over 24 of one item) ship on a pallet: we will email you a quote before sending.`,
      },
      {
        title: 'How do I track my order?',
        body: `As soon as your parcel leaves our warehouse, we send you a **dispatch email** with a tracking link. Click it to see where your parcel is.

No email? Check your spam folder, then ask our chat assistant "where is my order?" with your order number and email address: it can tell you the status of your order and give you the tracking link.

Tracking can take up to 24 hours to show the first scan after dispatch.`,
      },
      {
        title: 'Do you ship internationally?',
        body: `Yes, we ship to 38 countries, including all of the EU, Norway, Switzerland, the USA, Canada, Australia, Japan and Singapore.

Orders to countries outside the UK may be charged **import duties and taxes** by the destination country. These are paid by the recipient on delivery and are not included in our prices. For EU orders under €150 we charge VAT at checkout, so there is nothing more to pay.`,
      },
      {
        title: 'My parcel is late or has not arrived',
        body: `Sorry about that! Most late parcels turn up within a few days. Here is what to do:

1. Check the tracking link in your dispatch email: it shows where the parcel is and any delivery attempts.
2. Look around: with a neighbour, in a safe place, or a "sorry we missed you" card.
3. If tracking has not moved for **5 working days** (10 for international orders), contact us and we will open an investigation with the carrier.

If the carrier confirms the parcel is lost, we send a replacement or refund you in full.`,
      },
      {
        title: 'Can I change my delivery address?',
        body: `If your order has not been dispatched yet, we can change the address: contact us as soon as possible with your order number and the new address.

Once the parcel has left our warehouse we can no longer change it, but most carriers let you redirect the parcel from the tracking page.`,
      },
    ],
  },
  {
    name: 'Returns and refunds',
    description: 'Sending something back, exchanges, refunds and damaged items.',
    articles: [
      {
        title: 'What is your returns policy?',
        body: `You can return any unused item in its original packaging **within 30 days** of delivery for a full refund.

A few things can't be returned: personalised items, gift cards, and opened candles or cosmetics (for hygiene reasons).

Sale items can be returned like any other item. If you received a gift, you can return it for store credit without the buyer finding out.`,
      },
      {
        title: 'How do I return an item?',
        body: `1. Email us or start a chat with your order number and the items you want to return.
2. We send you a **prepaid returns label** for UK returns (international returns are sent back at your own cost).
3. Pack the items securely in their original packaging and drop the parcel at any post office.

Keep your proof of postage until your refund arrives.`,
      },
      {
        title: 'When will I get my refund?',
        body: `We refund you within **5 working days** of receiving your return, to the card or account you paid with. We email you when the refund is on its way.

Your bank can take another 3–5 working days to show the money in your account. Shipping costs are refunded if you return the whole order within 14 days.`,
      },
      {
        title: 'My item arrived damaged or faulty',
        body: `We're sorry! Please send us a photo of the damaged item and of the packaging **within 14 days** of delivery, with your order number.

We'll send you a replacement straight away or refund you in full, whichever you prefer; you don't need to send the damaged item back unless we ask.`,
      },
      {
        title: 'Can I exchange an item for a different one?',
        body: `Yes. Return the item as described in "How do I return an item?" and tell us what you would like instead. If the new item costs more we send you a payment link for the difference; if it costs less, we refund the difference.

The quickest way is often to place a new order for the item you want and return the first one for a refund.`,
      },
    ],
  },
  {
    name: 'Sizing and product care',
    description: 'Sizes and dimensions, materials and looking after your items.',
    articles: [
      {
        title: 'How do I find the size of an item?',
        body: `Every product page lists the **dimensions** (height × width × depth, in centimetres) and, for textiles, the size in the description.

Photos show items next to everyday objects to give you a sense of scale. Not sure? Ask us in the chat and we'll measure it for you.`,
      },
      {
        title: 'Aprons and kitchen textiles: size guide',
        body: `Our adult aprons are one size: **70 × 85 cm**, with an adjustable neck strap and long waist ties, and fit UK sizes 8–20. Children's aprons fit ages 3–8.

Tea towels measure 50 × 70 cm. Oven gloves are 18 × 30 cm each and fit most hands.`,
      },
      {
        title: 'How do I care for enamel and ceramic items?',
        body: `Enamel mugs and ceramic dishes are **dishwasher safe** on a gentle cycle, but hand washing keeps the colours bright for longer.

Ceramics are microwave safe unless they have a metallic rim. Enamel is **not** microwave safe. Avoid sudden temperature changes, such as pouring boiling water into a cold mug.`,
      },
      {
        title: 'Candles and tea lights: burning safely',
        body: `Trim the wick to 5 mm before each use and burn a candle for at least two hours the first time, so the wax melts evenly.

Never leave a burning candle unattended, keep it away from curtains, children and pets, and place tea lights in a heat-proof holder such as our glass T-light holders.`,
      },
      {
        title: 'Are your products suitable for children?',
        body: `Toys and children's items meet UK and EU toy safety standards (CE/UKCA marked) for the ages shown on the product page.

Decorations, candles and small ornaments are **not toys**: keep them away from children under 3, as they may contain small parts.`,
      },
    ],
  },
  {
    name: 'Payments and pricing',
    description: 'Ways to pay, VAT and invoices, discount codes.',
    articles: [
      {
        title: 'Which payment methods do you accept?',
        body: `We accept Visa, Mastercard and American Express, PayPal, Apple Pay and Google Pay. Business customers can also pay by **bank transfer** against an invoice.

Your card is charged when you place the order. We never store your card details: payments are handled by our payment provider.`,
      },
      {
        title: 'Do your prices include VAT? Can I get an invoice?',
        body: `All prices for UK customers include **20% VAT**. A VAT invoice is attached to your order confirmation email, and you can ask us for a copy at any time.

Business customers in the EU with a valid VAT number can buy without UK VAT: enter your VAT number at checkout.`,
      },
      {
        title: 'My discount code does not work',
        body: `Check that:

- the code is typed exactly as written (codes are not case-sensitive, but spaces count);
- it has not expired, and your basket reaches any minimum spend;
- it is not combined with another code: only one code can be used per order.

Still stuck? Send us the code in the chat and we'll look into it.`,
      },
      {
        title: 'Why was my payment declined?',
        body: `Payments are declined by your bank, not by us. The most common reasons are a mistyped card number or security code, a billing address that does not match your bank's records, or an extra security check (3-D Secure) that was not completed.

Try again, use another card, or pay with PayPal. No money is taken for a declined payment.`,
      },
      {
        title: 'Refund exceptions and goodwill credits (agents)',
        internal: true,
        body: `**Internal: for the support team only.**

- Agents may offer a goodwill credit of up to **£10** without approval (late parcel, small damage). Above that, ask a team lead.
- Orders over **£250** that were lost in transit: refund only once the carrier's investigation confirms the loss.
- Wholesale customers (24+ of one item) get 60 days to return unopened stock.
- Use the macro "Damaged item: replacement" for damage claims with photos.`,
      },
    ],
  },
  {
    name: 'Your account',
    description: 'Signing in, your details, orders and emails from us.',
    articles: [
      {
        title: 'How do I reset my password?',
        body: `Click **Sign in**, then **Forgot your password?**, and enter your email address. We email you a link to choose a new password; it works for one hour.

No email after a few minutes? Check your spam folder, and make sure you use the email address of your account.`,
      },
      {
        title: 'How do I change my email address or details?',
        body: `Sign in and open **My account → Details** to change your name, email address, phone number or saved addresses.

Changing your email address changes where we send order and delivery emails, and the address you sign in with.`,
      },
      {
        title: 'How do I unsubscribe from your emails?',
        body: `Every newsletter has an **unsubscribe** link at the bottom: one click and you'll get no more marketing emails. You can also choose which emails you get in your email preferences.

You will still get emails about your orders (confirmation, dispatch, refunds), as they are needed to deliver what you bought.`,
      },
      {
        title: 'Can I see my past orders?',
        body: `Yes: sign in and open **My account → Orders** to see every order, its status and tracking link, and to download invoices.

Ordered as a guest? Create an account with the same email address and your earlier orders will appear.`,
      },
      {
        title: 'How do I delete my account and data?',
        body: `Contact us from the email address of your account and ask us to delete it. We delete your account and personal data within **30 days**, except what we must keep by law (such as invoices, kept for 6 years).

You can also ask for a copy of the data we hold about you.`,
        draft: true,
      },
    ],
  },
];

/** Creates the demo categories and articles (skipped when the knowledge base already has articles). */
export async function loadKbDemo(kb: KbService, actor: Actor, log: (m: string) => void): Promise<{ categories: number; articles: number }> {
  const existing = await kb.list({ limit: 1, internal: undefined });
  if (existing.items.length) {
    log('  The knowledge base already has articles: demo articles skipped.');
    return { categories: 0, articles: 0 };
  }
  const author = { id: null, name: 'Demo support team' };
  let articles = 0;
  for (const c of KB_DEMO) {
    const cat = await kb.createCategory(actor, { name: c.name, description: c.description });
    for (const a of c.articles) {
      await kb.create(actor, author, { title: a.title, body: a.body, categoryId: cat.id, internal: a.internal ?? false, status: a.draft ? 'draft' : 'published' });
      articles++;
    }
  }
  log(`  Help centre: ${KB_DEMO.length} categories, ${articles} articles.`);
  return { categories: KB_DEMO.length, articles };
}
