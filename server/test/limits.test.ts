import { format } from 'node:util';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from './helpers.js';
import { jsonErrors } from '../src/http-errors.js';
import { setLogLevel } from '../src/log.js';

let t: TestApp;
let prod: TestApp;
let dev: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  prod = await createTestApp({ env: { NODE_ENV: 'production' }, demo: true });
  dev = await createTestApp({ env: { NODE_ENV: 'development' }, demo: false });
});
afterAll(async () => {
  await t.close();
  await prod.close();
  await dev.close();
});

async function raw(
  url: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

describe('query limits and error hygiene', () => {
  it('refuses too many aliases and too many tokens, with a message that says so', async () => {
    const c = await t.as('sysadmin');
    const aliases = `{ ${Array.from({ length: 25 }, (_, i) => `x${i}: school { name }`).join(' ')} }`;
    const r = await c.request(aliases);
    expect(r.errors?.[0].message).toMatch(/alias/i);
    expect(r.data ?? null).toBeNull();
    const tokens = `{ ${Array.from({ length: 1600 }, () => 'me { login }').join(' ')} }`;
    const big = await c.request(tokens);
    expect(big.status).toBe(400);
    expect(big.errors?.[0].message).toMatch(/token/i);
    const fine = await c.request(
      '{ courses { classGroup { academicYear { periods { id } } classTeacher { id } } subject { id } } }',
    );
    expect(fine.errors).toBeUndefined();
  });

  it('refuses a query nested too deep, counting fragments by what they select', async () => {
    const c = await t.as('sysadmin');
    // Family links go round (a guardian's children's guardians…): 11 levels.
    const deep = `{ classRoster(classGroupId: "1") { pupils { guardians { person { children { person {
      guardians { person { children { person { id } } } } } } } } } } }`;
    const r = await c.request(deep);
    expect(r.errors?.[0].message).toMatch(/depth/i);
    expect(r.data ?? null).toBeNull();
    // Depth 5 through four fragments: allowed (a spread is not a level of its own).
    const fragments = `{ courses { ...A } }
      fragment A on Course { classGroup { ...B } }
      fragment B on ClassGroup { academicYear { ...C } }
      fragment C on AcademicYear { periods { ...D } }
      fragment D on StudyPeriod { id ...E }
      fragment E on StudyPeriod { name ...F }
      fragment F on StudyPeriod { startsOn }`;
    const ok = await c.request(fragments);
    expect(ok.errors).toBeUndefined();
  });

  it('answers a syntax error with 400 and no internals', async () => {
    const r = await raw(t.url, JSON.stringify({ query: '{ me { ' }));
    expect(r.status).toBe(400);
    expect(r.text).not.toMatch(/at .*\.js|stacktrace/i);
  });

  it('refuses a simple cross-site POST (CSRF prevention)', async () => {
    const r = await raw(t.url, 'query={__typename}', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(r.status).toBe(400);
  });

  it('keeps SQL and stack traces out of error answers', async () => {
    const c = await t.as('sysadmin');
    const r = await c.request(
      'mutation{updateSubject(id:"99999999999999999999",input:{name:"X"}){id}}',
    );
    expect(JSON.stringify(r.errors)).not.toMatch(/select|insert|stack|node_modules/i);
  });

  it('turns introspection and field suggestions off in production', async () => {
    const intro = await prod.client().request('{ __schema { types { name } } }');
    expect(intro.errors?.[0].message).toMatch(/introspection/i);
    const typo = await prod.client().request('{ schol { name } }');
    expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
    const devTypo = await t.client().request('{ schol { name } }');
    expect(devTypo.errors?.[0].message).toMatch(/Did you mean/);
  });
});

/** Everything written to stdout, stderr or the console while `run` runs, at log level debug. */
async function captureOutput(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args) => void lines.push(format(...args))),
    ),
  ];
  const before = setLogLevel('debug');
  try {
    await run();
  } finally {
    setLogLevel(before);
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('\n');
}

interface ErrorAnswer {
  status: number;
  type: string | null;
  text: string;
  error: { message: string; extensions: Record<string, unknown> };
}

async function post(url: string, body: string, contentType = 'application/json') {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  const parsed = JSON.parse(text) as { errors: ErrorAnswer['error'][] };
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text,
    error: parsed.errors[0],
  };
}

const SECRET = 'Secret-Pa55';
const PHONE = '+79990001122';
// A sign-in with a trailing comma, as the attacker sent it; and one that Node's JSON.parse quotes.
const TRAILING_COMMA = `{"query":"mutation{login(login:\\"x\\",password:\\"${SECRET}\\")}","variables":{"phone":"${PHONE}"},}`;
const QUOTED_BY_PARSE = `{"query":"mutation{me}","password":${SECRET}}`;
const TOO_LARGE = `{"query":"mutation{login(login:\\"x\\",password:\\"${SECRET}\\")}","pad":"${'a'.repeat(1_100_000)}"}`;

describe('bodies that never reach GraphQL', () => {
  for (const mode of ['development', 'production'] as const) {
    it(`answers malformed, oversized and mis-encoded bodies with JSON codes and logs none of them (${mode})`, async () => {
      const app = mode === 'production' ? prod : dev;
      const answers: ErrorAnswer[] = [];
      const output = await captureOutput(async () => {
        answers.push(await post(app.url, TRAILING_COMMA));
        answers.push(await post(app.url, QUOTED_BY_PARSE));
        answers.push(await post(app.url, TOO_LARGE));
        answers.push(await post(app.url, '{}', 'application/json; charset=latin1'));
      });
      expect(answers.map((a) => [a.status, a.error.extensions.code])).toEqual([
        [400, 'BAD_REQUEST'],
        [400, 'BAD_REQUEST'],
        [413, 'PAYLOAD_TOO_LARGE'],
        [415, 'UNSUPPORTED_MEDIA_TYPE'],
      ]);
      expect(answers[2].error.extensions.limitBytes).toBe(1024 * 1024);
      for (const a of answers) {
        expect(a.type).toMatch(/^application\/json/);
        expect(a.text).not.toMatch(/stack|node_modules|\.js\b|\/work\/|at JSON|Secret-Pa|7999/i);
        // The log has a line for each, under the id the answer gives, and nothing of the body.
        expect(output).toContain(`"requestId":"${String(a.error.extensions.requestId)}"`);
      }
      expect(output).toContain('"msg":"request refused"');
      expect(output).not.toMatch(/Secret-Pa|7999000|login\(|JSON at position|body-parser/);
    });
  }

  it('answers an error thrown outside GraphQL with JSON and no stack, logging only its status', async () => {
    const app = express();
    app.get('/boom', () => {
      throw new Error(`failed for ${PHONE} at /work/secret/path.js`);
    });
    app.use(jsonErrors('app'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      let res: Response | undefined;
      const output = await captureOutput(async () => {
        res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`);
      });
      expect(res!.status).toBe(500);
      const body = (await res!.json()) as { errors: ErrorAnswer['error'][] };
      expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(body)).not.toMatch(/7999|\/work\/|stack/);
      expect(output).toContain('"status":500');
      expect(output).not.toMatch(/7999|\/work\/secret/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
