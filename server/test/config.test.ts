import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { todayIn } from '../src/graphql/validate.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/\.data$/);
    expect(c.demoSeed).toBe(true);
    expect(c.cookieSecure).toBe(false);
  });

  it('names the setting that is wrong', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
  });

  it('refuses the demo school in production, and secures cookies there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DEMO_SEED: 'true' })).toThrow(/DEMO_SEED/);
    const prod = loadConfig({ NODE_ENV: 'production' });
    expect(prod.demoSeed).toBe(false);
    expect(prod.cookieSecure).toBe(true);
  });

  it('takes a relative DATA_DIR from where the command was typed', () => {
    expect(loadConfig({ DATA_DIR: 'x', INIT_CWD: '/srv/otmetka' }).dataDir).toBe('/srv/otmetka/x');
  });
});

describe("a school's today", () => {
  it('is the date in its own time zone, for each zone asked', () => {
    const lateEvening = new Date('2026-11-28T22:30:00Z');
    expect(todayIn('Europe/Moscow', lateEvening)).toBe('2026-11-29');
    expect(todayIn('America/New_York', lateEvening)).toBe('2026-11-28');
    expect(todayIn('Asia/Vladivostok', new Date('2026-12-31T14:00:00Z'))).toBe('2027-01-01');
    expect(todayIn('Europe/Moscow', new Date('2026-11-28T20:00:00Z'))).toBe('2026-11-28');
    expect(() => todayIn('Nowhere/Atlantis')).toThrow(RangeError);
  });
});
