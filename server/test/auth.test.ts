import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, type GqlResult, type TestApp } from './helpers.js';
import { addressKey } from '../src/auth/rate-limit.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    // Behind a proxy, so that tests can sign in from several addresses (X-Forwarded-For).
    env: { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '8', TRUST_PROXY: 'true' },
  });
});
afterAll(() => t.close());

/** A sign-in as the proxy reports it from `address`. */
async function loginFrom(address: string, login: string, password: string): Promise<GqlResult> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({
      query: 'mutation($l:String!,$p:String!){login(login:$l,password:$p){userId}}',
      variables: { l: login, p: password },
    }),
  });
  const body = (await res.json()) as Pick<GqlResult, 'data' | 'errors'>;
  return { status: res.status, ...body, headers: res.headers };
}

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

  it('rate-limits repeated failures per login from one address, even with the right password, then says when to retry', async () => {
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

  it("lets the owner in from a clean address while a stranger's address is paused for their login", async () => {
    for (let i = 0; i < 5; i++) await loginFrom('203.0.113.7', 'parent', `guess${i}`);
    const stranger = await loginFrom('203.0.113.7', 'parent', 'demo');
    expect(codeOf(stranger)).toBe('RATE_LIMITED');
    expect(stranger.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
    const owner = await loginFrom('198.51.100.20', 'parent', 'demo');
    expect(owner.errors).toBeUndefined();
    expect(owner.headers.getSetCookie()[0]).toMatch(/^otmetka_session=/);
    // The stranger is still paused after the owner's success.
    expect(codeOf(await loginFrom('203.0.113.7', 'parent', 'demo'))).toBe('RATE_LIMITED');
    await t.sql(`delete from login_rate_limit`);
  });

  it('forgets an address’s typos for a login once the right password comes from it', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) await loginFrom('198.51.100.30', 'pupil', 'typo');
      expect((await loginFrom('198.51.100.30', 'pupil', 'demo')).errors).toBeUndefined();
    }
    await t.sql(`delete from login_rate_limit`);
  });

  it('pauses a login for everyone when guesses come from many addresses', async () => {
    // LOGIN_MAX_FAILURES 3 here: 20 × 3 failures an hour from all addresses together.
    for (let a = 1; a <= 20; a++) {
      for (let i = 0; i < 3; i++) await loginFrom(`192.0.2.${a}`, 'classteacher', `g${a}-${i}`);
    }
    const clean = await loginFrom('198.51.100.40', 'classteacher', 'demo');
    expect(codeOf(clean)).toBe('RATE_LIMITED');
    expect((await loginFrom('198.51.100.40', 'teacher', 'demo')).errors).toBeUndefined();
    await t.sql(`delete from login_rate_limit`);
  });

  it('counts an IPv6 client by its /64, so that walking its addresses gains nothing', async () => {
    for (let i = 1; i <= 3; i++) await loginFrom(`2001:db8:1:2::${i}`, 'deputy', 'bad');
    expect(codeOf(await loginFrom('2001:db8:1:2:ffff::9', 'deputy', 'demo'))).toBe('RATE_LIMITED');
    expect((await loginFrom('2001:db8:1:3::1', 'deputy', 'demo')).errors).toBeUndefined();
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('2001:DB8:0:0a::1')).toBe('2001:db8:0:a::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
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
