import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig, type Config } from '../src/config.js';
import { openOrm } from '../src/db/orm.js';
import { createApp, type App } from '../src/app.js';
import { setLogLevel } from '../src/log.js';
import { seedDemoSchool } from '../src/seed/demo.js';

setLogLevel((process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent');

/** The date the tests' demo school is seeded for, and the server's pinned today. */
export const DEMO_TODAY = '2026-11-28';

function adminUrl(db: string): string {
  const u = new URL(inject('serverUrl'));
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl('postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export interface TestApp {
  orm: MikroORM;
  app: App;
  config: Config;
  url: string;
  origin: string;
  port: number;
  client(): GqlClient;
  /** A client already signed in with a demo login (password `demo`). */
  as(login: string): Promise<GqlClient>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template, and a server listening on a free port. */
export async function createTestApp(
  opts: { env?: Record<string, string>; demo?: boolean } = {},
): Promise<TestApp> {
  const db = `otmetka_t_${randomBytes(5).toString('hex')}`;
  await admin(`create database "${db}" template "${inject('templateDb')}"`);
  const orm = await openOrm(adminUrl(db));
  if (opts.demo !== false) await seedDemoSchool(orm, new Date(`${DEMO_TODAY}T09:00:00Z`));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: adminUrl(db),
    ...(opts.env?.NODE_ENV === 'production' ? {} : { TODAY: DEMO_TODAY }),
    // With REDIS_URL set (CI sets it for one run), live events travel through Redis.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...opts.env,
  });
  const app = await createApp(config, orm);
  const port = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/graphql`;
  const origin = `http://127.0.0.1:${port}`;
  const t: TestApp = {
    orm,
    app,
    config,
    url,
    origin,
    port,
    client: () => new GqlClient(url, origin),
    async as(login) {
      const c = t.client();
      await c.login(login, 'demo');
      return c;
    },
    async sql(text, params = []) {
      return orm.em.getConnection().execute(text, params as never[]);
    },
    async close() {
      await app.close();
      await orm.close(true);
      await admin(`drop database if exists "${db}" with (force)`);
    },
  };
  return t;
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  headers: Headers;
}

/** A browser-like GraphQL client with its own cookie jar. */
export class GqlClient {
  cookie = '';
  constructor(
    readonly url: string,
    readonly origin: string,
    readonly address?: string,
  ) {}

  async request<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GqlResult<T>> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      origin: this.origin,
    };
    if (this.cookie) headers.cookie = this.cookie;
    const res = await fetch(this.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      const [name, value] = pair.split('=');
      this.cookie = value && !/expires=Thu, 01 Jan 1970/i.test(c) ? `${name}=${value}` : '';
    }
    const body = (await res.json()) as { data?: T; errors?: GqlResult['errors'] };
    return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
  }

  async login(login: string, password: string): Promise<GqlResult> {
    return this.request('mutation($l:String!,$p:String!){login(login:$l,password:$p){userId}}', {
      l: login,
      p: password,
    });
  }
}

export const codeOf = (r: Pick<GqlResult, 'errors'>) => r.errors?.[0]?.extensions?.code;

/**
 * Polls `check` every `every` ms until it holds, and answers whether it did before `timeout` ms
 * passed. A test waits so for what it waits for (a listener registered, an event delivered)
 * instead of sleeping a fixed time, too short on a slow machine and wasted on a fast one. To show
 * that something does not arrive, wait for a control that is sent after it and must arrive.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeout = 5000,
  every = 10,
): Promise<boolean> {
  for (const end = Date.now() + timeout; Date.now() < end;) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, every));
  }
  return check();
}

/** Uploads a file to the store as `cookie`'s person (the message composer's way), answering its id. */
export async function uploadFile(
  app: Pick<TestApp, 'origin'>,
  cookie: string,
  name: string,
  body: Buffer,
): Promise<string> {
  const res = await fetch(`${app.origin}/files`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      origin: app.origin,
      cookie,
      'x-file-name': encodeURIComponent(name),
    },
    body: new Uint8Array(body),
  });
  if (res.status !== 201) throw new Error(`upload answered ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}
