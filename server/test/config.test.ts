import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

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
