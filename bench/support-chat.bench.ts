import os from 'node:os';
import WebSocket from 'ws';
import { fmt, startServer, type Bench } from './lib.ts';

type Frame = { type: string; [k: string]: unknown };

const readLoad = () => os.loadavg().map((x) => x.toFixed(1)).join(' / ');

/** Percentile of sorted numbers. */
const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens a visitor socket from one of several loopback addresses (the socket route limits upgrades per IP, as a store behind one NAT would see). */
function visitor(url: string, i: number): Promise<{ ws: WebSocket; frames: (f: Frame) => void; on(fn: (f: Frame) => void): void }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/chat/ws`, { localAddress: `127.0.0.${2 + (i % 50)}` });
    const fns: ((f: Frame) => void)[] = [];
    ws.on('message', (d) => { const f = JSON.parse(String(d)) as Frame; for (const fn of fns) fn(f); });
    ws.once('error', reject);
    ws.once('open', () => {
      const v = { ws, frames: (f: Frame) => ws.send(JSON.stringify(f)), on: (fn: (f: Frame) => void) => void fns.push(fn) };
      v.on((f) => { if (f.type === 'welcome') resolve(v); if (f.type === 'error' && !f.clientId) reject(new Error(String(f.detail))); });
      v.frames({ type: 'hello', anonymousId: `bench-${i}`, page: { url: 'https://shop.example/products/socks', title: 'Socks' } });
    });
  });
}

/**
 * 1,000 widget sockets on one Patron process; an agent on the realtime hub (/api/support/live, subscribed to the
 * active chats). Active visitors talk to a person (each chat a ticket); latency = visitor send → agent socket receives.
 */
export const bench: Bench = {
  name: 'support-chat',
  description: 'Live chat: 1,000 concurrent widget sockets, visitor → agent delivery through tickets + LISTEN/NOTIFY hub (--chat-visitors N, --chat-active N, --chat-rate msgs/s)',
  async run(opts) {
    const total = Number(opts.flags['chat-visitors'] ?? 1000);
    const active = Math.min(total, Number(opts.flags['chat-active'] ?? 100));
    // 100 people chatting, each writing every 10 s: 10 messages/s (raise with --chat-rate to find the ceiling).
    const rate = Number(opts.flags['chat-rate'] ?? 10);
    const server = await startServer<{ url: string; email: string; password: string }>('support-chat');
    const { url } = server.info;
    const sockets: WebSocket[] = [];
    try {
      const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: server.info.email, password: server.info.password }) });
      const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
      const st = await fetch(`${url}/api/support/chat/status`, { method: 'PUT', headers, body: JSON.stringify({ status: 'online' }) });
      if (!st.ok) throw new Error(`agent status: ${st.status} ${await st.text()}`);

      // 1. Connect everyone (50 at a time).
      const t0 = performance.now();
      const visitors: Awaited<ReturnType<typeof visitor>>[] = [];
      for (let i = 0; i < total; i += 50) {
        const batch = await Promise.all(Array.from({ length: Math.min(50, total - i) }, (_, k) => visitor(url, i + k)));
        visitors.push(...batch);
      }
      for (const v of visitors) sockets.push(v.ws);
      const connectMs = performance.now() - t0;

      // 2. The active ones ask for a person: their chat becomes a ticket.
      const chatIds: string[] = [];
      const t1 = performance.now();
      for (let i = 0; i < active; i += 10) {
        await Promise.all(visitors.slice(i, Math.min(active, i + 10)).map((v, k) => new Promise<void>((resolve) => {
          v.on((f) => { if (f.type === 'status' && f.mode === 'human' && f.chatId) { chatIds[i + k] = String(f.chatId); resolve(); } });
          v.frames({ type: 'handover' });
        })));
      }
      const handoverMs = performance.now() - t1;

      // 3. The agent follows those chats on the hub (≤ 100 topics per socket, its own user:<id> included).
      const sent = new Map<string, number>();
      const lat: number[] = [];
      const agents: WebSocket[] = [];
      for (let i = 0; i < chatIds.length; i += 90) {
        const a = new WebSocket(`${url.replace(/^http/, 'ws')}/api/support/live`, { headers: { cookie } });
        await new Promise((r, j) => { a.once('open', r); a.once('error', j); });
        a.on('message', (d) => {
          const { event } = JSON.parse(String(d)) as { event: { type: string; message?: { text: string } } };
          const at = event.type === 'message' && event.message ? sent.get(event.message.text) : undefined;
          if (at !== undefined) { lat.push(performance.now() - at); sent.delete(event.message!.text); }
        });
        a.send(JSON.stringify({ type: 'subscribe', topics: chatIds.slice(i, i + 90).map((id) => `chat:${id}`) }));
        agents.push(a);
        sockets.push(a);
      }
      await sleep(300);

      // Server time per message as the visitor sees it (send → ack), and anything refused.
      const acks = new Map<string, number>();
      const ackLat: number[] = [];
      const errors = new Map<string, number>();
      for (const v of visitors.slice(0, active)) {
        v.on((f) => {
          if (f.type === 'ack' && typeof f.clientId === 'string' && acks.has(f.clientId)) { ackLat.push(performance.now() - acks.get(f.clientId)!); acks.delete(f.clientId); }
          if (f.type === 'error') errors.set(String(f.code), (errors.get(String(f.code)) ?? 0) + 1);
        });
      }

      // 4. Active visitors write at `rate` messages per second in total, for `duration` seconds.
      const n = Math.max(1, Math.round(rate * opts.duration));
      const gap = 1000 / rate;
      const start = performance.now();
      for (let k = 0; k < n; k++) {
        const due = start + k * gap;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const v = visitors[k % active]!;
        const text = `bench message ${k} from visitor ${k % active}`;
        const at = performance.now();
        sent.set(text, at);
        acks.set(`b${k}`, at);
        v.frames({ type: 'message', clientId: `b${k}`, text });
      }
      const until = performance.now() + 5000;
      while (sent.size && performance.now() < until) await sleep(50);
      const open = sockets.filter((s) => s.readyState === WebSocket.OPEN).length - agents.length;
      lat.sort((a, b) => a - b);
      ackLat.sort((a, b) => a - b);
      const p99 = pct(lat, 99);
      return {
        rows: [
          { measure: 'widget sockets open (end)', value: `${fmt(open)} / ${fmt(total)}` },
          { measure: 'connect + hello (all)', value: `${fmt(connectMs)} ms (${fmt((total / connectMs) * 1000)}/s)` },
          { measure: `handover → ticket (${active} chats)`, value: `${fmt(handoverMs)} ms (${fmt(handoverMs / active, 1)} ms each)` },
          { measure: 'messages sent / delivered to agent', value: `${fmt(n)} / ${fmt(lat.length)}` },
          { measure: 'visitor send → ack p50 / p99', value: `${fmt(pct(ackLat, 50), 1)} / ${fmt(pct(ackLat, 99), 1)} ms` },
          { measure: 'error frames', value: errors.size ? [...errors].map(([k, v]) => `${k} ×${v}`).join(', ') : 'none' },
          { measure: 'visitor → agent p50', value: `${fmt(pct(lat, 50), 1)} ms` },
          { measure: 'visitor → agent p95', value: `${fmt(pct(lat, 95), 1)} ms` },
          { measure: 'visitor → agent p99', value: `${fmt(p99, 1)} ms` },
          { measure: 'visitor → agent max', value: `${fmt(lat.at(-1) ?? NaN, 1)} ms` },
        ],
        notes: [
          ...(sent.size ? [`not delivered: ${[...sent.keys()].slice(0, 5).join('; ')}`] : []),
          `${fmt(total)} concurrent widget sockets, ${active} chatting with a person at ${rate} msg/s: p99 ${fmt(p99, 1)} ms — target < 100 ms ${p99 < 100 && lat.length === n ? 'met' : 'MISSED'}${lat.length < n ? ` (${n - lat.length} not delivered in time)` : ''}.`,
          'Delivery: the chat message is stored and NOTIFYed in its own short transaction (→ hub → agent socket); the ticket copy (rules, SLA, timeline activity, search) follows before the ack, so "send → ack" is the full write path.',
          `Host load average during the run: ${readLoad()}.`,
        ],
      };
    } finally {
      for (const s of sockets) s.terminate();
      await server.stop();
    }
  },
};
