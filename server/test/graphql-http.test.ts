import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers.js';

/**
 * Issue 16: a POST /graphql with a plain JSON body is read without body-parser and answered
 * without the Express integration (`graphqlHttp` in app.ts); anything else goes the Express way.
 * `Content-Encoding: identity` (which body-parser reads as no encoding) sends the very same body
 * the Express way, so each request here is sent both ways and the answers compared: status,
 * body and the headers a client reads.
 */
let t: TestApp;
let cookies: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  cookies = { anonymous: '' };
  for (const login of ['teacher', 'parent', 'director', 'classteacher']) {
    cookies[login] = (await t.as(login)).cookie;
  }
});
afterAll(() => t.close());

async function send(body: string, cookie: string, express: boolean, accept?: string) {
  const r = await fetch(t.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: t.origin,
      ...(cookie ? { cookie } : {}),
      ...(accept ? { accept } : {}),
      ...(express ? { 'content-encoding': 'identity' } : {}),
    },
    body,
  });
  const text = await r.text();
  const headers: Record<string, string> = {};
  r.headers.forEach((value, key) => {
    if (!['date', 'x-request-id', 'content-length', 'etag'].includes(key)) headers[key] = value;
  });
  // The request id differs by request: only its presence is compared.
  return {
    status: r.status,
    body: text.replace(/"requestId":"[^"]+"/g, '"requestId":"…"'),
    headers,
    id: Boolean(r.headers.get('x-request-id')),
  };
}

const ME = `{ me { fullName roles school { name } children { id fullName classGroup { name } }
  ledClasses { id name } courses { id subject { name } classGroup { name } } } }`;
const COURSES = `{ courses { id hoursPerWeek subject { name } classGroup { name } teacher { fullName } } }`;

const bodies: [string, string][] = [
  ['typename', JSON.stringify({ query: '{ __typename }' })],
  ['me', JSON.stringify({ query: ME })],
  ['courses (refused to a parent, UNAUTHENTICATED to nobody)', JSON.stringify({ query: COURSES })],
  [
    'named operation with variables',
    JSON.stringify({
      query: 'query Q($x: ID!) { classRoster(classGroupId: $x) { manageable } }',
      variables: { x: '999999' },
      operationName: 'Q',
    }),
  ],
  [
    'bad variable',
    JSON.stringify({
      query: 'query Q($x: ID!) { classRoster(classGroupId: $x) { manageable } }',
      variables: { x: 'x1' },
    }),
  ],
  ['syntax error', JSON.stringify({ query: '{ me { ' })],
  ['unknown field', JSON.stringify({ query: '{ nope }' })],
  [
    'too deep',
    JSON.stringify({ query: `{ me { ${'school { '.repeat(12)}name${' }'.repeat(12)} } }` }),
  ],
  ['no query', JSON.stringify({ variables: {} })],
  ['a batch (refused)', JSON.stringify([{ query: '{ __typename }' }])],
  ['a string', JSON.stringify('{ __typename }')],
  ['a number', '42'],
  ['broken JSON', '{"query": '],
  ['a subscription', JSON.stringify({ query: 'subscription { __typename }' })],
  ['a mutation', JSON.stringify({ query: 'mutation { logout }' })],
];

describe('GraphQL over HTTP, with and without Express', () => {
  it.each(bodies)('answers %s alike for every role', async (_name, body) => {
    for (const [who, cookie] of Object.entries(cookies)) {
      // logout would end the session for the requests after it: anonymous only.
      if (body.includes('logout') && cookie) continue;
      const fast = await send(body, cookie, false);
      const slow = await send(body, cookie, true);
      expect(fast, who).toEqual(slow);
      expect(fast.id).toBe(true);
    }
  });

  it('answers alike when the client asks for graphql-response+json', async () => {
    const accept = 'application/graphql-response+json, application/json;q=0.9';
    for (const body of [JSON.stringify({ query: ME }), JSON.stringify({ query: '{ nope }' })]) {
      const fast = await send(body, cookies.teacher, false, accept);
      expect(fast).toEqual(await send(body, cookies.teacher, true, accept));
      expect(fast.headers['content-type']).toContain('application/graphql-response+json');
    }
  });

  it('leaves a body over the limit to Express, which refuses it with 413', async () => {
    const body = JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(1024 * 1024) });
    const r = await send(body, '', false);
    expect(r.status).toBe(413);
    expect(r.body).toContain('PAYLOAD_TOO_LARGE');
  });
});
