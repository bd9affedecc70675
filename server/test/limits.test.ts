import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers.js';

let t: TestApp;
let prod: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  prod = await createTestApp({ env: { NODE_ENV: 'production' }, demo: true });
});
afterAll(async () => {
  await t.close();
  await prod.close();
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
