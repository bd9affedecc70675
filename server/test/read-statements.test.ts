import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { factory, type Factory, type MadeClass, type MadePerson } from './factory.js';
import { Role } from '../src/auth/role.js';

/**
 * Issue 16: `me`, the course list and a class roster cost the same number of SQL statements for
 * one row as for a hundred (decision 50: read models in SQL, batched loaders without entities).
 * Two schools made by the factory: a small one (one course, one pupil with a parent) and a big one
 * (a teacher of 100 courses who leads a class of 100 pupils, each with a parent, and a parent of
 * all 100). Statements are counted on the ORM's connection, those sent while serving an HTTP
 * request only (background work on the same pool, the event bus's or another area's, left out).
 */
let t: TestApp;
let f: Factory;
/** Set for everything a request to the test app starts, from its first listener on. */
const inRequest = new AsyncLocalStorage<boolean>();

interface Side {
  admin: GqlClient;
  teacher: GqlClient;
  parent: GqlClient;
  cls: MadeClass;
}
let small: Side;
let big: Side;

const SUBJECTS = ['Математика', 'Русский язык', 'Литература', 'История', 'Биология'];
const SUBJECTS2 = ['География', 'Физика', 'Химия', 'Музыка', 'Технология'];

/** A school whose teacher teaches `classes` × 10 courses and leads a class of `pupils`. */
async function school(name: string, classes: number, pupils: number): Promise<Side> {
  await f.newSchool({ name });
  const admin = await f.newStaff({ roles: [Role.SYSADMIN] });
  const teacher = await f.newTeacher();
  const led = await f.newClass({ grade: 5, classTeacher: teacher });
  const all = [led, ...(await Promise.all(range(classes - 1).map(() => f.newClass({ grade: 6 }))))];
  const subjects = classes === 1 ? ['Математика'] : [...SUBJECTS, ...SUBJECTS2];
  for (const cls of all) {
    await Promise.all(subjects.map((s) => f.newCourse({ classGroup: cls, subject: s, teacher })));
  }
  const kids: MadePerson[] = [];
  for (let i = 0; i < pupils; i += 10) {
    const batch = await Promise.all(
      range(Math.min(10, pupils - i)).map(() =>
        f.newPupil({ classGroup: led, phone: '+79990000000' }),
      ),
    );
    await Promise.all(batch.map((p) => f.newParent({ children: [p], phone: '+79990000001' })));
    kids.push(...batch);
  }
  const parent = await f.newParent({ children: kids, kind: 'father' });
  return {
    admin: await admin.client(),
    teacher: await teacher.client(),
    parent: await parent.client(),
    cls: led,
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  t.app.server.prependListener('request', () => inRequest.enterWith(true));
  f = factory(t);
  small = await school('Малая школа', 1, 1);
  big = await school('Большая школа', 10, 100);
}, 300_000);
afterAll(() => t.close());

/** The statements one request sends, after one to let the session note its activity. */
async function statements(c: GqlClient, query: string, variables = {}): Promise<string[]> {
  const first = await c.request(query, variables);
  expect(first.errors).toBeUndefined();
  const knex = t.orm.em.getConnection().getKnex();
  const seen: string[] = [];
  const onQuery = (q: { sql?: string }) => {
    if (inRequest.getStore()) seen.push(q.sql ?? '');
  };
  knex.on('query', onQuery);
  try {
    const r = await c.request(query, variables);
    expect(r.errors).toBeUndefined();
  } finally {
    knex.off('query', onQuery);
  }
  // The session's lookup and the read's own statement at least: the count is the request's.
  expect(seen.length).toBeGreaterThanOrEqual(2);
  return seen;
}

const ME = `{ me { fullName roles school { name } children { id fullName classGroup { name } }
  ledClasses { id name } courses { id subject { name } classGroup { name } } } }`;
const COURSES = `{ courses { id hoursPerWeek subgroupName subject { name } classGroup { name }
  teacher { fullName } } }`;
const PERSON = `id fullName lastName firstName middleName phone needsConfirmation canEdit
  access { state login codeIssuedAt codeExpiresAt activatedAt openCodeId }`;
const ROSTER = `query($c: ID!) { classRoster(classGroupId: $c) { manageable
  pupils { ${PERSON} consentMissing birthDate guardians { kind person { ${PERSON} } } }
  former { id fullName } } }`;

describe('reads cost the same statements for 1 row as for 100', () => {
  it('me: a teacher of 1 course and of 100, a parent of 1 child and of 100', async () => {
    const one = await statements(small.teacher, ME);
    const hundred = await statements(big.teacher, ME);
    expect(hundred, hundred.join('\n---\n')).toHaveLength(one.length);
    expect(one.length).toBeLessThanOrEqual(3);
    const parentOne = await statements(small.parent, ME);
    expect(await statements(big.parent, ME)).toHaveLength(parentOne.length);
  });

  it("the year's course list: 1 course and 100", async () => {
    const r = await big.admin.request<{ courses: unknown[] }>(COURSES);
    expect(r.data!.courses).toHaveLength(100);
    const one = await statements(small.admin, COURSES);
    const hundred = await statements(big.admin, COURSES);
    expect(hundred, hundred.join('\n---\n')).toHaveLength(one.length);
    expect(one.length).toBeLessThanOrEqual(3);
  });

  it('a class roster: 1 pupil and 100, each with parents', async () => {
    const r = await big.teacher.request<{ classRoster: { pupils: unknown[] } }>(ROSTER, {
      c: big.cls.id,
    });
    expect(r.data!.classRoster.pupils).toHaveLength(100);
    const one = await statements(small.teacher, ROSTER, { c: small.cls.id });
    const hundred = await statements(big.teacher, ROSTER, { c: big.cls.id });
    expect(hundred, hundred.join('\n---\n')).toHaveLength(one.length);
    expect(one.length).toBeLessThanOrEqual(10);
  });
});
