import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '8' },
  });
});
afterAll(() => t.close());

const ME = '{ me { login fullName roles children { fullName classGroup { name } } } }';

describe('sign-in', () => {
  it('signs in with the right password and sets an httpOnly SameSite=Lax cookie', async () => {
    const c = t.client();
    const r = await c.request(
      'mutation { login(login: "Director", password: "demo") { login roles } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ login: { login: 'director', roles: ['DIRECTOR'] } });
    const cookie = r.headers.getSetCookie()[0];
    expect(cookie).toMatch(/^otmetka_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await c.request<{ me: { login: string } }>(ME);
    expect(me.data?.me.login).toBe('director');
  });

  it('stores only a hash of the session token and an Argon2id hash of the password', async () => {
    const c = await t.as('deputy');
    const token = c.cookie.split('=')[1];
    const rows = await t.sql<{ token_hash: string }>('select token_hash from session');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
    const [acc] = await t.sql<{ password_hash: string }>(
      `select password_hash from user_account where login = 'deputy'`,
    );
    expect(acc.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a wrong password and an unknown login alike', async () => {
    const wrong = await t.client().login('teacher', 'nope');
    const unknown = await t.client().login('nobody-here', 'nope');
    for (const r of [wrong, unknown]) {
      expect(codeOf(r)).toBe('UNAUTHENTICATED');
      expect(r.errors?.[0].message).toBe('Wrong login or password');
      expect(r.headers.getSetCookie()).toEqual([]);
    }
  });

  it("tells the school's today (pinned in tests)", async () => {
    const c = await t.as('teacher');
    expect((await c.request('{ school { today } }')).data).toEqual({
      school: { today: '2026-11-28' },
    });
  });

  it('answers me with null when nobody is signed in', async () => {
    const r = await t.client().request(ME);
    expect(r.data).toEqual({ me: null });
  });

  it('gives a parent their two children with their classes', async () => {
    const c = await t.as('parent');
    const r = await c.request<{
      me: { roles: string[]; children: { classGroup: { name: string } }[] };
    }>(ME);
    expect(r.data?.me.roles).toEqual(['PARENT']);
    expect(r.data?.me.children.map((ch) => ch.classGroup.name).sort()).toEqual(['3А', '7А']);
  });

  it('ends the session on logout, and the old cookie no longer works', async () => {
    const c = await t.as('classteacher');
    const stolen = c.cookie;
    const out = await c.request('mutation { logout }');
    expect(out.data).toEqual({ logout: true });
    expect(c.cookie).toBe('');
    const thief = t.client();
    thief.cookie = stolen;
    expect((await thief.request(ME)).data).toEqual({ me: null });
  });

  it('treats an expired session as signed out', async () => {
    const c = await t.as('pupil');
    await t.sql(
      `update session set expires_at = now() - interval '1 minute' where account_id = (select id from user_account where login = 'pupil')`,
    );
    expect((await c.request(ME)).data).toEqual({ me: null });
    expect(codeOf(await c.request('{ school { name } }'))).toBe('UNAUTHENTICATED');
  });

  it('rate-limits repeated failures per login, even with the right password, then says when to retry', async () => {
    for (let i = 0; i < 3; i++) {
      expect(codeOf(await t.client().login('sysadmin', `bad${i}`))).toBe('UNAUTHENTICATED');
    }
    const blocked = await t.client().login('sysadmin', 'demo');
    expect(codeOf(blocked)).toBe('RATE_LIMITED');
    expect(blocked.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // Other logins from elsewhere are not affected by one login's lock.
    expect((await t.client().login('teacher', 'demo')).errors).toBeUndefined();
    await t.sql(`delete from login_rate_limit`);
    expect((await t.client().login('sysadmin', 'demo')).errors).toBeUndefined();
  });

  it('rate-limits failures per address across logins', async () => {
    await t.sql(`delete from login_rate_limit`);
    for (let i = 0; i < 8; i++) await t.client().login(`someone${i}`, 'bad');
    expect(codeOf(await t.client().login('director', 'demo'))).toBe('RATE_LIMITED');
    await t.sql(`delete from login_rate_limit`);
  });

  it('keeps no login or address in the rate-limit table', async () => {
    await t.client().login('parent', 'bad');
    const rows = await t.sql<{ key: string }>('select key from login_rate_limit');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.key).not.toContain('parent');
      expect(r.key).not.toContain('127.0.0.1');
    }
    await t.sql(`delete from login_rate_limit`);
  });
});
