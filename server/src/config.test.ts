import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.poolSize).toBe(20);
  });

  it('reads values', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h:5432/db', PATRON_DB_POOL_SIZE: '7', PATRON_WORKER: 'false' });
    expect(c).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@h:5432/db', poolSize: 7, worker: { enabled: false } });
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT="eighty": expected a number/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT="70000": expected a value of at most 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL="mysql:\/\/x": expected a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ PATRON_LOG_LEVEL: 'loud' }, /^Invalid configuration: PATRON_LOG_LEVEL="loud": expected one of "fatal"/],
    [{ PATRON_DB_POOL_SIZE: '1' }, /PATRON_DB_POOL_SIZE="1": expected a value of at least 2/],
  ])('names the variable and what it expects: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
