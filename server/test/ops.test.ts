import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from './helpers.js';
import { factory, TEST_PASSWORD } from './factory.js';
import { setLogLevel } from '../src/log.js';
import { loadConfig } from '../src/config.js';
import { Role } from '../src/auth/role.js';

const TOKEN = 'a-metrics-token-of-some-length';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ demo: false, env: { TRUST_PROXY: 'true' } });
});
afterAll(() => t?.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${t.origin}${path}`, { headers });

/** A GraphQL request over fetch, so that a test can set headers and read them back. */
const post = (query: string, variables = {}, headers: Record<string, string> = {}) =>
  fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.origin, ...headers },
    body: JSON.stringify({ query, variables }),
  });

/** The value of the sample with every one of these labels, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}{`) &&
        Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Lines the logger writes while `run` runs, at level debug, parsed. */
async function logLines(run: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  const before = setLogLevel('debug');
  try {
    await run();
  } finally {
    setLogLevel(before);
    for (const spy of spies) spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('health and readiness', () => {
  it('answers /healthz without asking the database', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it('is ready when the database answers and every migration is applied', async () => {
    const r = await get('/readyz');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('is not ready while a migration is pending, and ready again once applied', async () => {
    const [last] = await t.sql<{ id: number; name: string; executed_at: Date }>(
      `select * from mikro_orm_migrations order by id desc limit 1`,
    );
    await t.sql(`delete from mikro_orm_migrations where id = ?`, [last.id]);
    try {
      const r = await get('/readyz');
      expect(r.status).toBe(503);
      expect(await r.json()).toEqual({ ok: false, reason: 'MIGRATIONS_PENDING', pending: 1 });
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      await t.sql(`insert into mikro_orm_migrations (id, name, executed_at) values (?, ?, ?)`, [
        last.id,
        last.name,
        last.executed_at,
      ]);
    }
    expect((await get('/readyz')).status).toBe(200);
  });
});

describe('request ids', () => {
  it('gives each request an id in X-Request-Id, and a proxy’s own id is kept', async () => {
    const a = await get('/healthz');
    const b = await get('/healthz');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    const proxied = await get('/healthz', { 'x-request-id': '0123456789abcdef0123456789abcdef' });
    expect(proxied.headers.get('x-request-id')).toBe('0123456789abcdef0123456789abcdef');
    const odd = await get('/healthz', { 'x-request-id': 'bad id\twith "quotes"' });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('ignores a client’s X-Request-Id when no proxy is trusted', async () => {
    const direct = await createTestApp({ demo: false });
    try {
      const r = await fetch(`${direct.origin}/healthz`, {
        headers: { 'x-request-id': '0123456789abcdef0123456789abcdef' },
      });
      expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await direct.close();
    }
  });

  it('puts the request’s id on each of its log lines, and nothing of a sign-in’s login or password', async () => {
    const f = factory(t);
    await f.newSchool();
    const staff = await f.newStaff({ roles: [Role.DIRECTOR], login: 'ops-director' });
    let requestId: string | null = null;
    const lines = await logLines(async () => {
      const r = await post(
        'mutation SignIn($l: String!, $p: String!) { login(login: $l, password: $p) { userId } }',
        { l: staff.login, p: TEST_PASSWORD },
      );
      expect(r.status).toBe(200);
      requestId = r.headers.get('x-request-id');
    });
    expect(requestId).toBeTruthy();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((l) => l.msg)).toContain('signed in');
    for (const line of lines) expect(line.requestId).toBe(requestId);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(staff.login);
    expect(text).not.toContain(TEST_PASSWORD);
  });

  it('answers a refused body with the id it gave the request, and logs it', async () => {
    let answer: { status: number; id: string | null; body: unknown } | undefined;
    const lines = await logLines(async () => {
      const r = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.origin },
        body: '{"query": ',
      });
      answer = { status: r.status, id: r.headers.get('x-request-id'), body: await r.json() };
    });
    expect(answer!.status).toBe(400);
    expect(answer!.body).toMatchObject({ errors: [{ extensions: { requestId: answer!.id } }] });
    expect(lines.find((l) => l.msg === 'request refused')?.requestId).toBe(answer!.id);
  });
});

describe('metrics', () => {
  it('take their settings checked: addresses or subnets, or none, and a token of 16 characters', () => {
    const metrics = (env: Record<string, string>) => loadConfig(env).metrics;
    expect(metrics({})).toEqual({ token: undefined, allow: ['127.0.0.1', '::1'] });
    expect(metrics({ METRICS_ALLOW: 'none' }).allow).toEqual([]);
    expect(metrics({ METRICS_ALLOW: '10.0.0.0/8, fd00::/8,192.168.1.7' }).allow).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.7',
    ]);
    for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.1,', '::1/129', '1.2.3.4/8/1']) {
      expect(() => loadConfig({ METRICS_ALLOW: bad })).toThrow(/METRICS_ALLOW/);
    }
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });

  it('are served to loopback by default, but not to a request that came through a proxy', async () => {
    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const proxied = await get('/metrics', { 'x-forwarded-for': '127.0.0.1' });
    expect(proxied.status).toBe(404);
  });

  it('are refused to an address not allowed, unless it brings the token', async () => {
    const locked = await createTestApp({
      demo: false,
      env: { METRICS_ALLOW: '10.0.0.0/8', METRICS_TOKEN: TOKEN },
    });
    try {
      const at = (headers: Record<string, string>) =>
        fetch(`${locked.origin}/metrics`, { headers });
      expect((await at({})).status).toBe(404);
      expect((await at({ authorization: 'Bearer wrong-token-of-some-length' })).status).toBe(404);
      expect((await at({ authorization: TOKEN })).status).toBe(404);
      const ok = await at({ authorization: `Bearer ${TOKEN}` });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('otmetka_ws_open_sockets');
    } finally {
      await locked.close();
    }
  });

  it('count GraphQL requests by operation and outcome, time them, and list the gauges', async () => {
    const metrics = async () => (await get('/metrics')).text();
    const before = await metrics();
    const ok = { operation: 'OpsMe', type: 'query', outcome: 'ok' };
    const refused = { operation: 'OpsClasses', type: 'query', outcome: 'UNAUTHENTICATED' };
    const count = (text: string, labels: Record<string, string>) =>
      sample(text, 'otmetka_graphql_requests_total', labels) ?? 0;

    expect((await post('query OpsMe { me { userId } }')).status).toBe(200);
    const denied = await post('query OpsClasses { classGroups { name } }');
    expect(((await denied.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    await post('{ me { userId } }');
    await post('query Broken { nope }');

    const after = await metrics();
    expect(count(after, ok) - count(before, ok)).toBe(1);
    expect(count(after, refused) - count(before, refused)).toBe(1);
    expect(count(after, { operation: 'anonymous', type: 'query', outcome: 'ok' })).toBeGreaterThan(
      0,
    );
    expect(
      count(after, { operation: 'unknown', type: 'unknown', outcome: 'GRAPHQL_VALIDATION_FAILED' }),
    ).toBeGreaterThan(0);
    expect(
      sample(after, 'otmetka_graphql_request_duration_seconds_count', { type: 'query' }),
    ).toBeGreaterThanOrEqual(3);
    for (const name of [
      'otmetka_ws_open_sockets',
      'otmetka_outbox_lag',
      'otmetka_outbox_lag_seconds',
      'otmetka_db_pool_used',
      'otmetka_db_pool_free',
      'otmetka_db_pool_pending',
      'otmetka_db_pool_max',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(after).toMatch(new RegExp(`^${name} \\d`, 'm'));
    }
    expect(after).toMatch(/^otmetka_db_pool_max 10$/m);
  });
});
