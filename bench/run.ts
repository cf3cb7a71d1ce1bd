import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printTable, type Bench } from './lib.ts';

// `npm run bench [-- --only http --duration 10 --connections 50 --customers 1000000]`
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    list: { type: 'boolean', default: false },
    customers: { type: 'string' },
    events: { type: 'string' },
    messages: { type: 'string' },
    'flow-customers': { type: 'string' },
    'forecast-products': { type: 'string' },
    'forecast-weeks': { type: 'string' },
    articles: { type: 'string' },
    // support-email: inbound emails to process (default 2,000).
    emails: { type: 'string' },
    // support-inbox: tickets in the inbox (default 100,000) and requests per view (default 40).
    tickets: { type: 'string' },
    runs: { type: 'string' },
    // support-chat: widget sockets (default 1,000), of which chatting with a person (100), messages/s (10).
    'chat-visitors': { type: 'string' },
    'chat-active': { type: 'string' },
    'chat-rate': { type: 'string' },
    // support-sla: overdue tickets for the breach job (default 20,000).
    'sla-tickets': { type: 'string' },
    // predict-recs: order lines of the synthetic shop (default 1,000,000).
    lines: { type: 'string' },
  },
  strict: false,
});

const files = fs.readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.ts')).sort();
const benches: Bench[] = [];
for (const f of files) benches.push(((await import(path.join(import.meta.dirname, f))) as { bench: Bench }).bench);

if (values.list) {
  for (const b of benches) console.log(`${b.name}: ${b.description}`);
  process.exit(0);
}

const flags = Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
const selected = values.only ? benches.filter((b) => String(values.only).split(',').includes(b.name)) : benches;
if (!selected.length) {
  console.error(`No benchmark named ${String(values.only)}. Known: ${benches.map((b) => b.name).join(', ')}`);
  process.exit(1);
}

console.log(`Patron benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString()}`);
for (const b of selected) {
  console.log(`\n## ${b.name}: ${b.description}`);
  const started = performance.now();
  const result = await b.run({ duration: Number(values.duration), connections: Number(values.connections), flags });
  printTable(result.rows);
  for (const n of result.notes) console.log(`- ${n}`);
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
