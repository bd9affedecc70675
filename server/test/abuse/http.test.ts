import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { documentFor } from '../schema-ops.js';
import { waitFor } from '../helpers.js';
import {
  changed,
  checksum,
  documentsFor,
  judge,
  openAbuse,
  parseJson,
  roleOf,
  stillAnswers,
  summary,
  take,
  type Abuse,
} from './harness.js';

/**
 * Requests no form sends: bodies that are not JSON or not GraphQL, other content types, deep
 * nesting, many aliases and directives, batches; and every subscription over the socket with
 * hostile arguments. Each answer is JSON with a typed code, never a 500, a stack or SQL.
 */
let a: Abuse;
beforeAll(async () => {
  a = await openAbuse();
});
afterAll(async () => {
  if (a) {
    console.log(summary(a, 'http and subscriptions'));
    await a.t.close();
  }
});

async function post(
  label: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  method = 'POST',
  query = '',
) {
  const c = await a.client('teacher');
  const res = await fetch(`${a.t.url}${query}`, {
    method,
    headers: { origin: a.t.origin, cookie: c.cookie, ...headers },
    body: method === 'GET' ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
  });
  const raw = await res.text();
  const json = parseJson(raw);
  if (json === null) a.findings.push(`${label}: not JSON (${res.status}) ${raw.slice(0, 120)}`);
  judge(a, label, res.status, json, raw);
  return { status: res.status, json, raw };
}

const q = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

describe('hostile HTTP requests', () => {
  it('answers bodies that are not JSON or not a GraphQL request with JSON codes', async () => {
    const before = await checksum(a);
    const bodies: [string, string | Buffer][] = [
      ['empty', ''],
      ['open brace', '{'],
      ['truncated', '{"query":"{me{login}}"'],
      ['null', 'null'],
      ['array of nothing', '[]'],
      ['a string', '"{me{login}}"'],
      ['a number', '42'],
      ['query a number', '{"query":1}'],
      ['query null', '{"query":null}'],
      ['query an object', '{"query":{"a":1}}'],
      ['variables a string', '{"query":"{me{login}}","variables":"x"}'],
      ['variables a list', '{"query":"{me{login}}","variables":[1]}'],
      ['operationName a number', '{"query":"{me{login}}","operationName":5}'],
      ['unknown operationName', '{"query":"{me{login}}","operationName":"Nope"}'],
      ['extensions a string', '{"query":"{me{login}}","extensions":"x"}'],
      ['NUL in the body', '{"query":"{me{login}}\u0000"}'],
      ['escaped NUL in the query', '{"query":"{me{login}}\\u0000"}'],
      ['BOM', '\uFEFF{"query":"{me{login}}"}'],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
      ['lone surrogate escape', '{"query":"{me{login}}","variables":{"x":"\\ud800"}}'],
      ['duplicate keys', '{"query":"{me{login}}","query":"{school{name}}"}'],
      ['__proto__', '{"query":"{me{login}}","__proto__":{"admin":true}}'],
      ['syntax error', q('{me{login}')],
      ['not a document', q('hello')],
      ['unknown field', q('{nope}')],
      ['two operations, no name', q('query A{me{login}} query B{me{login}}')],
      ['subscription over HTTP', q('subscription{notifications{id}}')],
      ['2 MB body', q('{me{login}}', { x: 'a'.repeat(2_100_000) })],
      [
        'JSON nested 100000 deep',
        `{"query":"{me{login}}","variables":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
      ],
      [
        'variables nested 5000 deep',
        `{"query":"{me{login}}","variables":{"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`,
      ],
    ];
    for (const [label, body] of bodies) await post(label, body);
    expect(changed(before, await checksum(a))).toBe('');
    await stillAnswers(a, 'teacher');
    expect(take(a)).toEqual([]);
  });

  it('answers other content types and methods with JSON codes', async () => {
    const body = q('{me{login}}');
    const types = [
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/graphql',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/xml',
      '',
    ];
    for (const type of types) {
      await post(`content-type ${type || 'none'}`, body, { 'content-type': type });
    }
    await post('no content-type header', body, {});
    await post('GET with a query', '', {}, 'GET', `?query=${encodeURIComponent('{me{login}}')}`);
    await post(
      'GET with a mutation',
      '',
      {},
      'GET',
      `?query=${encodeURIComponent('mutation{logout}')}`,
    );
    await post('GET with nothing', '', {}, 'GET');
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      await post(`${method}`, body, { 'content-type': 'application/json' }, method);
    }
    await post('form-encoded mutation (CSRF)', 'query=mutation%7Blogout%7D', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    await stillAnswers(a, 'teacher');
    expect(take(a)).toEqual([]);
  });

  it('refuses deep nesting, many aliases, directives and tokens with typed codes', async () => {
    const nest = (n: number) => `{${'... on Query{'.repeat(n)}me{login}${'}'.repeat(n)}}`;
    const docs: [string, string][] = [
      ['inline fragments 200 deep', nest(200)],
      ['inline fragments 5000 deep', nest(5000)],
      [
        'selection 40 deep',
        `{courses{${'classGroup{academicYear{id}} '.repeat(1)}${'teacher{'.repeat(40)}id${'}'.repeat(40)}}}`,
      ],
      ['1000 aliases', `{${Array.from({ length: 1000 }, (_, i) => `a${i}:me{login}`).join(' ')}}`],
      [
        '30 aliases of a costly field',
        `{${Array.from({ length: 30 }, (_, i) => `a${i}:staff{id fullName}`).join(' ')}}`,
      ],
      ['1000 directives', `{me{login ${'@include(if:true)'.repeat(1000)}}}`],
      ['100000 tokens', `{me{${'login '.repeat(100_000)}}}`],
      ['fragment cycle', '{...A} fragment A on Query{...B} fragment B on Query{...A}'],
      [
        '10000 fragments',
        `{...F0} ${Array.from({ length: 10000 }, (_, i) => `fragment F${i} on Query{me{login}}`).join(' ')}`,
      ],
      ['introspection', '{__schema{types{name fields{name}}}}'],
      [
        'deep introspection',
        `{__schema{types{${'fields{type{ofType{'.repeat(8)}name${'}}}'.repeat(8)}}}}`,
      ],
    ];
    for (const [label, query] of docs) await post(label, q(query));
    await stillAnswers(a, 'teacher');
    expect(take(a)).toEqual([]);
  });

  it('answers batches (arrays of operations) without running them', async () => {
    const before = await checksum(a);
    const one = { query: '{me{login}}' };
    const write = { query: 'mutation{logout}' };
    for (const [label, batch] of [
      ['batch of 2', [one, one]],
      ['batch of 1000', Array.from({ length: 1000 }, () => one)],
      ['batch with a mutation', [one, write]],
      ['batch of garbage', [1, null, 'x', {}]],
    ] as const) {
      await post(label, JSON.stringify(batch));
    }
    expect(changed(before, await checksum(a))).toBe('');
    await stillAnswers(a, 'teacher');
    expect(take(a)).toEqual([]);
  });
});

describe('hostile subscriptions over the socket', () => {
  it('answers every hostile subscription with a typed refusal or silence, and keeps serving', async () => {
    const wsUrl = a.t.url.replace('http', 'ws');
    // The bus's listeners with no subscription open: each accepted (silent) one adds one.
    const bus = a.t.app.services.bus;
    const base = bus.listeners;
    for (const op of a.ops.filter((o) => o.kind === 'subscription')) {
      expect(await waitFor(() => bus.listeners === base), 'the last socket’s feeds ended').toBe(
        true,
      );
      const role = roleOf(op.name);
      const { cookie } = await a.client(role);
      const origin = a.t.origin;
      class Authed extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie, origin } });
        }
      }
      const client = createClient({ url: wsUrl, webSocketImpl: Authed, retryAttempts: 0 });
      const answers: { label: string; messages: unknown[]; stop: () => void }[] = [];
      try {
        for (const doc of documentsFor(a, op)) {
          const entry = {
            label: `${op.name}(${doc.label}) over the socket`,
            messages: [] as unknown[],
            stop: () => {},
          };
          entry.stop = client.subscribe(
            { query: documentFor(op), variables: doc.variables },
            {
              next: (m) => entry.messages.push(m),
              error: (e) =>
                entry.messages.push(Array.isArray(e) ? { errors: e } : { socketError: String(e) }),
              complete: () => {},
            },
          );
          answers.push(entry);
        }
        // Each one answered, or silent and listening: nothing more is coming for any of them.
        const answered = () => answers.filter((e) => e.messages.length).length;
        const settled = () => answered() + bus.listeners - base >= answers.length;
        expect(await waitFor(settled, 10_000), `${op.name}: every one answered or listening`).toBe(
          true,
        );
        for (const entry of answers) {
          if (!entry.messages.length) {
            judge(a, entry.label, 200, { data: 'silence' }, '');
            continue;
          }
          for (const m of entry.messages) {
            const raw = JSON.stringify(m);
            if ((m as { socketError?: string }).socketError) {
              a.findings.push(`${entry.label}: socket closed ${raw}`);
            }
            judge(a, entry.label, 200, m, raw);
          }
        }
      } finally {
        for (const entry of answers) entry.stop();
        await client.dispose();
      }
      await stillAnswers(a, role);
    }
    expect(take(a)).toEqual([]);
  });
});
