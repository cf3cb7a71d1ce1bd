import type { Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ChatService } from './chat.service.ts';

/**
 * `patron demo`: live chat on (assistant first), and three chats to look at: one the assistant answered,
 * one handed over to a person who replied, one left offline as an email ticket.
 */
export async function loadChatDemo(db: Db, chat: ChatService, actor: Actor, log: (m: string) => void): Promise<{ chats: number }> {
  log('Live chat: turning the widget on, three demo chats…');
  await chat.putSettings(actor, { ...(await chat.settings()), enabled: true, assistant: true, title: 'Chat with us' });
  const page = { url: 'https://demo-store.example/pages/shipping', title: 'Shipping – Demo store' };

  const a = await chat.hello({ type: 'hello', name: 'Noah', page });
  await chat.visitorMessage(a, 'demo-a1', 'How long does delivery take?', page);

  const agent = await db.selectFrom('users').select(['id', 'name', 'email']).where('status', '=', 'active').where('role', 'in', ['support', 'owner', 'admin'])
    .orderBy('created_at').limit(1).executeTakeFirst();
  const b = await chat.hello({ type: 'hello', name: 'Mia Jensen', page: { url: 'https://demo-store.example/products/wool-blanket', title: 'Wool blanket' } });
  await chat.visitorMessage(b, 'demo-b1', 'Is the wool blanket machine washable?', page);
  await chat.handover(b, 'demo', { evenIfOffline: true });
  await chat.visitorMessage(b, 'demo-b2', 'I want to be sure before I order two of them.');
  if (agent && b.conversation) {
    await chat.reply({ type: 'user', id: agent.id, label: agent.name || agent.email }, b.conversation.id, 'Hi Mia! Yes — 30 °C wool cycle, then dry flat. Happy to help with anything else.', 'demo-reply');
  }

  const c = await chat.hello({ type: 'hello', page });
  await chat.offline(c, { type: 'offline', clientId: 'demo-c1', email: 'liam.offline@example.com', name: 'Liam', text: 'Can I change the delivery address on my order?' });
  return { chats: 3 };
}
