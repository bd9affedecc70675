import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { createTestApp, DEMO_TODAY, waitFor, type TestApp } from './helpers.js';

let t: TestApp;
let wsUrl: string;
beforeAll(async () => {
  t = await createTestApp();
  wsUrl = t.url.replace('http', 'ws');
});
afterAll(() => t.close());

/** The HTTP status with which the server answers a WebSocket handshake (101 when it accepts). */
function handshake(headers: Record<string, string>, url = wsUrl): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
    ws.on('upgrade', (res) => {
      resolve(res.statusCode ?? 0);
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (e) => reject(e));
  });
}

/** A graphql-ws client signed in as `login`, from a page of ours. */
async function socketAs(login: string): Promise<Client> {
  const { cookie } = await t.as(login);
  const origin = t.origin;
  class Authed extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie, origin } });
    }
  }
  return createClient({ url: wsUrl, webSocketImpl: Authed, retryAttempts: 0, lazy: true });
}

/** The first answer to an operation over the socket: a result (`next`) or an error (`error`). */
function first(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ next?: unknown; error?: unknown }> {
  return new Promise((resolve) => {
    client.subscribe(
      { query, variables },
      {
        next: (r) => resolve({ next: r }),
        error: (e) => resolve({ error: e }),
        complete: () => {},
      },
    );
  });
}

const one = async (sql: string) => String((await t.sql<{ id: number }>(sql))[0].id);

describe('the WebSocket endpoint', () => {
  it('refuses an anonymous connection', async () => {
    expect(await handshake({ origin: t.origin })).toBe(401);
  });

  it('refuses a forged or ended session', async () => {
    expect(await handshake({ origin: t.origin, cookie: 'otmetka_session=forged' })).toBe(401);
    const c = await t.as('teacher');
    const cookie = c.cookie;
    await c.request('mutation { logout }');
    expect(await handshake({ origin: t.origin, cookie })).toBe(401);
  });

  it('refuses another origin, or none, even with a valid session', async () => {
    const c = await t.as('parent');
    expect(await handshake({ origin: 'https://evil.example', cookie: c.cookie })).toBe(403);
    expect(await handshake({ cookie: c.cookie })).toBe(403);
  });

  it('refuses other paths', async () => {
    const c = await t.as('parent');
    expect(
      await handshake({ origin: t.origin, cookie: c.cookie }, wsUrl.replace('/graphql', '/other')),
    ).toBe(404);
  });

  it('refuses queries and mutations: personal data is read over HTTP, where reads are logged', async () => {
    const pupil = await one(`select person_id id from user_account where login = 'pupil'`);
    const client = await socketAs('deputy');
    try {
      const read = await first(client, 'query($p:ID!){ person(id:$p) { birthDate document } }', {
        p: pupil,
      });
      const write = await first(client, 'mutation { logout }');
      for (const answer of [read, write]) {
        expect(answer.next).toBeUndefined();
        expect(answer.error).toMatchObject([
          {
            message: 'Only subscriptions over the socket; send queries and mutations over HTTP',
            extensions: { code: 'BAD_REQUEST' },
          },
        ]);
      }
      expect(JSON.stringify(read)).not.toMatch(/birthDate|\d{4}-\d\d-\d\d/);
      // The mutation did not run: the session still works.
      expect(await handshake({ origin: t.origin, cookie: (await t.as('deputy')).cookie })).toBe(
        101,
      );
    } finally {
      await client.dispose();
    }
  });

  it('has its counterpart over HTTP: a subscription sent there is refused with BAD_REQUEST', async () => {
    const anonymous = t.client();
    for (const client of [anonymous, await t.as('parent')]) {
      const r = await client.request('subscription { notifications { id } }');
      expect(r.status).toBe(400);
      expect(r.data ?? null).toBeNull();
      expect(r.errors).toMatchObject([
        {
          message: 'Subscriptions only over the socket; send them over the WebSocket',
          extensions: { code: 'BAD_REQUEST' },
        },
      ]);
    }
  });

  it('delivers subscriptions as the signed-in viewer, and refuses what they may not follow', async () => {
    const pupil = await one(`select person_id id from user_account where login = 'pupil'`);
    const course = await one(
      `select co.id from course co join subject s on s.id = co.subject_id join class_group c on c.id = co.class_group_id where s.name = 'Алгебра' and c.grade = 7`,
    );
    const lesson = await one(
      `select id from lesson where course_id = ${course} and date <= '${DEMO_TODAY}' and not cancelled order by date desc limit 1`,
    );
    const workType = await one(`select id from work_type where name = 'Ответ на уроке'`);
    const client = await socketAs('parent');
    const listeners = () => t.app.services.bus.listeners;
    const before = listeners();
    try {
      const diary = first(client, 'subscription($p:ID!){ diaryEvents(pupilId:$p) { type } }', {
        p: pupil,
      });
      const journal = await first(
        client,
        'subscription($c:ID!){ journalEvents(courseId:$c) { type } }',
        {
          c: course,
        },
      );
      expect(journal.next).toMatchObject({
        data: null,
        errors: [{ extensions: { code: 'NOT_FOUND' } }],
      });
      // The diary's feed listens on the bus (the refused journal never does): the mark is heard.
      expect(await waitFor(() => listeners() === before + 1)).toBe(true);
      const teacher = await t.as('teacher');
      const saved = await teacher.request(
        'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}',
        { c: [{ lessonId: lesson, pupilId: pupil, value: '5', workTypeId: workType }] },
      );
      expect(saved.errors).toBeUndefined();
      expect(await diary).toEqual({ next: { data: { diaryEvents: { type: 'MARK_SAVED' } } } });
    } finally {
      await client.dispose();
    }
  });
});
