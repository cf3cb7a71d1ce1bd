import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { reread } from './reread.ts';

/** A server whose answers take a while and reflect its state when the request arrived. */
function slowServer() {
  const s = { version: 1, reads: 0 };
  const read = async (): Promise<number> => {
    s.reads++;
    const v = s.version;
    await new Promise((r) => setTimeout(r, 30));
    return v;
  };
  return { s, read };
}

async function watch(qc: QueryClient, queryFn: () => Promise<number>) {
  const obs = new QueryObserver(qc, { queryKey: ['thing'], queryFn, retry: false });
  const errors: unknown[] = [];
  const off = obs.subscribe((r) => r.error && errors.push(r.error));
  await new Promise((r) => setTimeout(r, 5)); // the first read is in flight
  return { obs, off, errors };
}

describe('reread', () => {
  it('a change announced during the first read still shows (that read is not reused)', async () => {
    const qc = new QueryClient();
    const { s, read } = slowServer();
    const { obs, off, errors } = await watch(qc, read);
    s.version = 2; // changed after the first read saw version 1
    await reread(qc, ['thing']);
    await new Promise((r) => setTimeout(r, 60));
    expect(obs.getCurrentResult().data).toBe(2);
    expect(errors).toEqual([]);
    off();
  });

  it('plain invalidation would have kept the stale first answer (why reread exists)', async () => {
    const qc = new QueryClient();
    const { s, read } = slowServer();
    const { obs, off } = await watch(qc, read);
    s.version = 2;
    await qc.invalidateQueries({ queryKey: ['thing'] });
    await new Promise((r) => setTimeout(r, 60));
    expect(obs.getCurrentResult().data).toBe(1);
    off();
  });

  it('a query with data is refetched once, its data kept meanwhile', async () => {
    const qc = new QueryClient();
    const { s, read } = slowServer();
    const { obs, off } = await watch(qc, read);
    await new Promise((r) => setTimeout(r, 60));
    expect(obs.getCurrentResult().data).toBe(1);
    s.version = 3;
    const p = reread(qc, ['thing']);
    expect(obs.getCurrentResult().data).toBe(1);
    await p;
    expect(obs.getCurrentResult().data).toBe(3);
    expect(s.reads).toBe(2);
    off();
  });
});
