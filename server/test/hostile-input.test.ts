import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isRequiredArgument,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { buildAppSchema } from '../src/graphql/schema.js';
import { codeOf, createTestApp, DEMO_TODAY, type GqlClient, type GqlResult } from './helpers.js';
import type { TestApp } from './helpers.js';

/**
 * What an attacker types instead of what the forms send: malformed ids anywhere in the input,
 * text with control characters or broken UTF-16, absurd dates, and every operation called without
 * signing in. Each is refused with a typed error before any service runs, nothing is written, and
 * the server goes on answering.
 */
let t: TestApp;
let teacher: GqlClient;
let admin: GqlClient;
let ids: { lesson: string; pupil: string; answer: string; year: string };

const one = async (sql: string, params: unknown[] = []) =>
  String((await t.sql<{ id: number }>(sql, params))[0].id);
const count = async (table: string) =>
  Number((await t.sql<{ n: string }>(`select count(*) n from ${table}`))[0].n);

beforeAll(async () => {
  t = await createTestApp();
  teacher = await t.as('teacher');
  admin = await t.as('sysadmin');
  const course =
    await one(`select co.id from course co join subject s on s.id = co.subject_id join class_group c on c.id = co.class_group_id
    where s.name = 'Алгебра' and c.grade = 7`);
  ids = {
    lesson: await one(
      `select id from lesson where course_id = ? and date between '2026-11-05' and ? and not cancelled order by date desc limit 1`,
      [course, DEMO_TODAY],
    ),
    pupil: await one(`select person_id as id from user_account where login = 'pupil'`),
    answer: await one(`select id from work_type where name = 'Ответ на уроке'`),
    year: await one(`select id from academic_year`),
  };
});
afterAll(() => t.close());

const problem = (r: GqlResult) => {
  const e = r.errors?.[0]?.extensions ?? {};
  return { code: e.code, reason: e.reason, field: e.field };
};

/** The server still answers a signed-in teacher normally after the hostile request. */
async function stillAnswers() {
  const r = await teacher.request<{ me: { login: string } }>('{me{login}}');
  expect(r.errors).toBeUndefined();
  expect(r.data?.me.login).toBe('teacher');
}

const SAVE_MARKS = `mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id} removedIds}}`;

describe('ids inside inputs are checked before any service (defect 3)', () => {
  it('refuses setMarks with non-numeric ids, naming the entry and field', async () => {
    const before = await count('mark');
    const r = await teacher.request(SAVE_MARKS, {
      c: [{ lessonId: 'abc', pupilId: '1e309', workTypeId: '-1', value: '5' }],
    });
    expect(problem(r)).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ID',
      field: 'changes.0.lessonId',
    });
    expect(await count('mark')).toBe(before);
    await stillAnswers();
  });

  it('names a bad id in a later entry and a later field of a batch', async () => {
    const good = { lessonId: ids.lesson, pupilId: ids.pupil, workTypeId: ids.answer, value: '5' };
    const before = await count('mark');
    const r = await teacher.request(SAVE_MARKS, {
      c: [good, { ...good, workTypeId: '-1' }],
    });
    expect(problem(r)).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ID',
      field: 'changes.1.workTypeId',
    });
    expect(await count('mark')).toBe(before);
  });

  it.each(['abc', '-1', '+1', '0', '1e3', '0x10', ' 1', '1 ', '', '1.0'])(
    'refuses %j as an argument id',
    async (bad) => {
      const r = await teacher.request(
        'query($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){locked}}',
        {
          c: bad,
          p: '1',
        },
      );
      expect(problem(r)).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'INVALID_ID',
        field: 'courseId',
      });
    },
  );

  it('refuses a bad id in a list argument, naming its position', async () => {
    const r = await admin.request('mutation($i:[ID!]!){confirmPersonRecords(ids:$i)}', {
      i: [ids.pupil, '2147483648'],
    });
    expect(problem(r)).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_ID', field: 'ids.1' });
  });

  it('refuses a bad id in a list inside a list of input objects', async () => {
    const before = await count('subgroup');
    const r = await admin.request(
      'mutation($i:SubgroupSplitInput!){createSubgroupSplit(input:$i){id}}',
      {
        i: {
          classGroupId: '1',
          subjectId: '1',
          periodId: '1',
          groups: [
            { name: 'А', teacherId: '1', pupilIds: ['1'] },
            { name: 'Б', teacherId: '1', pupilIds: ['2', '1.5'] },
          ],
        },
      },
    );
    expect(problem(r)).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ID',
      field: 'groups.1.pupilIds.1',
    });
    expect(await count('subgroup')).toBe(before);
  });

  it('accepts the largest int4 id as an id (not found, not malformed)', async () => {
    const r = await teacher.request(
      'query($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){locked}}',
      {
        c: '2147483647',
        p: '2147483647',
      },
    );
    expect(codeOf(r)).not.toBe('BAD_USER_INPUT');
    expect(codeOf(r)).not.toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('text, ids and dates that answered INTERNAL_SERVER_ERROR (defect 10)', () => {
  const sessions = () => count('session');

  it('refuses a NUL in login’s login', async () => {
    const before = await sessions();
    const r = await t.client().login('teacher\u0000', 'demo');
    expect(problem(r)).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_TEXT', field: 'login' });
    expect(await sessions()).toBe(before);
    await stillAnswers();
  });

  it('refuses a NUL in activateAccount’s login', async () => {
    const before = await sessions();
    const r = await t
      .client()
      .request(
        'mutation($l:String!,$c:String!,$p:String!){activateAccount(login:$l,code:$c,password:$p){userId}}',
        { l: 'new\u0000user', c: 'ABCD-EFGH', p: 'a long enough password 42' },
      );
    expect(problem(r)).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_TEXT', field: 'login' });
    expect(await sessions()).toBe(before);
    await stillAnswers();
  });

  it('refuses a NUL in a mark’s comment', async () => {
    const before = await count('mark');
    const r = await teacher.request(SAVE_MARKS, {
      c: [
        {
          lessonId: ids.lesson,
          pupilId: ids.pupil,
          workTypeId: ids.answer,
          value: '5',
          comment: 'Молодец\u0000',
        },
      ],
    });
    expect(problem(r)).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_TEXT',
      field: 'changes.0.comment',
    });
    expect(await count('mark')).toBe(before);
    await stillAnswers();
  });

  const lesson = async () =>
    (await t.sql(`select topic, homework, version from lesson where id = ?`, [ids.lesson]))[0];
  const UPDATE_LESSON = 'mutation($id:ID!,$i:LessonInput!){updateLesson(id:$id,input:$i){topic}}';

  it('refuses a NUL in a lesson’s topic', async () => {
    const before = await lesson();
    const r = await teacher.request(UPDATE_LESSON, {
      id: ids.lesson,
      i: { topic: 'Дроби\u0000', version: before.version },
    });
    expect(problem(r)).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_TEXT', field: 'topic' });
    expect(await lesson()).toEqual(before);
    await stillAnswers();
  });

  it('refuses another C0 control character (BEL) in homework', async () => {
    const before = await lesson();
    const r = await teacher.request(UPDATE_LESSON, {
      id: ids.lesson,
      i: { homework: '№ 5\u0007', version: before.version },
    });
    expect(problem(r)).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_TEXT',
      field: 'homework',
    });
    expect(await lesson()).toEqual(before);
  });

  it('refuses a lone surrogate', async () => {
    const before = await count('subject');
    const r = await admin.request('mutation($i:SubjectInput!){createSubject(input:$i){id}}', {
      i: { name: 'Астрономия\uD800' },
    });
    expect(problem(r)).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_TEXT', field: 'name' });
    expect(await count('subject')).toBe(before);
    await stillAnswers();
  });

  it('keeps tabs, line breaks and paired surrogates (emoji)', async () => {
    const before = await lesson();
    const homework = '№ 5,\tстр. 12\r\n№ 6 🙂';
    const r = await teacher.request<{ updateLesson: { topic: string } }>(
      'mutation($id:ID!,$i:LessonInput!){updateLesson(id:$id,input:$i){homework}}',
      { id: ids.lesson, i: { topic: before.topic, homework, version: before.version } },
    );
    expect(r.errors).toBeUndefined();
    expect((await lesson()).homework).toBe(homework);
  });

  it.each([
    ['1.5', '1.5'],
    ['2147483648', '2147483648'],
    ['23 digits', '12345678901234567890123'],
  ])('refuses the id %s and writes nothing', async (_name, bad) => {
    const before = await count('mark');
    const r = await teacher.request(SAVE_MARKS, {
      c: [{ lessonId: ids.lesson, pupilId: bad, workTypeId: ids.answer, value: '5' }],
    });
    expect(problem(r)).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ID',
      field: 'changes.0.pupilId',
    });
    expect(await count('mark')).toBe(before);
    await stillAnswers();
  });

  it.each(['0000-01-01', '9999-12-31', '1899-12-31', '2201-01-01'])(
    'refuses the date %s and writes nothing',
    async (date) => {
      const before = await count('holiday');
      const r = await admin.request(
        'mutation($i:CreateHolidayInput!){createHoliday(input:$i){id}}',
        {
          i: { academicYearId: ids.year, name: 'Каникулы', startsOn: date, endsOn: '2026-12-31' },
        },
      );
      expect(problem(r)).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'DATE_OUT_OF_RANGE',
        field: 'startsOn',
      });
      expect(await count('holiday')).toBe(before);
      await stillAnswers();
    },
  );

  it('refuses an absurd date in a query argument too', async () => {
    const r = await teacher.request(
      'query($d:LocalDate!,$p:ID!){diaryWeek(date:$d,pupilId:$p){weekStart}}',
      {
        d: '9999-12-31',
        p: ids.pupil,
      },
    );
    expect(problem(r)).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'DATE_OUT_OF_RANGE',
      field: 'date',
    });
  });

  it('answers an anonymous scheduleLesson with UNAUTHENTICATED and moves nothing', async () => {
    const before = await t.sql(`select date, number, cancelled, version from lesson where id = ?`, [
      ids.lesson,
    ]);
    const r = await t
      .client()
      .request(
        'mutation($id:ID!,$i:LessonScheduleInput!){scheduleLesson(id:$id,input:$i){version}}',
        { id: ids.lesson, i: { date: '2026-12-01', number: 1, cancelled: true, version: 1 } },
      );
    expect(codeOf(r)).toBe('UNAUTHENTICATED');
    expect(
      await t.sql(`select date, number, cancelled, version from lesson where id = ?`, [ids.lesson]),
    ).toEqual(before);
    await stillAnswers();
  });
});

/**
 * The operations meant for callers who have not signed in. Everything else in the schema must
 * answer UNAUTHENTICATED to them. Subscriptions are not here: an anonymous socket is refused at
 * the upgrade already (websocket.test.ts).
 */
const PUBLIC = ['me', 'login', 'logout', 'activateAccount', 'passwordStrength'];

/** A literal of the given input type, with every required part filled with a dummy value. */
function dummy(type: GraphQLInputType): string {
  if (isNonNullType(type)) return dummy(type.ofType);
  if (isListType(type)) return `[${dummy(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter(
      (f) => isNonNullType(f.type) && f.defaultValue === undefined,
    );
    return `{${fields.map((f) => `${f.name}:${dummy(f.type)}`).join(',')}}`;
  }
  const values: Record<string, string> = {
    ID: '"1"',
    String: '"x"',
    Int: '1',
    Float: '1',
    Boolean: 'false',
    LocalDate: `"${DEMO_TODAY}"`,
    DateTimeISO: `"${DEMO_TODAY}T09:00:00Z"`,
  };
  const value = values[type.name];
  if (!value) throw new Error(`no dummy value for scalar ${type.name}`);
  return value;
}

/** A minimal document for a root field: its required arguments and `__typename` if composite. */
function documentFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const args = field.args
    .filter((a: GraphQLArgument) => isRequiredArgument(a))
    .map((a) => `${a.name}:${dummy(a.type)}`);
  const call = args.length ? `${field.name}(${args.join(',')})` : field.name;
  const selection = isLeafType(getNamedType(field.type)) ? '' : '{__typename}';
  return `${kind}{${call}${selection}}`;
}

function operations(schema: GraphQLSchema) {
  const roots = [
    ['query', schema.getQueryType()!],
    ['mutation', schema.getMutationType()!],
  ] as const;
  return roots.flatMap(([kind, type]) =>
    Object.values(type.getFields()).map((f) => ({ name: f.name, document: documentFor(kind, f) })),
  );
}

describe('every operation refuses anonymous callers, generated from the schema (defect 10)', () => {
  let ops: { name: string; document: string }[];
  beforeAll(async () => {
    ops = operations(await buildAppSchema());
  });

  it('finds the public operations in the schema', () => {
    expect(PUBLIC.filter((name) => !ops.some((o) => o.name === name))).toEqual([]);
  });

  it('answers UNAUTHENTICATED to every other query and mutation', async () => {
    const answers = [];
    for (const op of ops.filter((o) => !PUBLIC.includes(o.name))) {
      const r = await t.client().request(op.document);
      answers.push({ name: op.name, code: codeOf(r), valid: r.status !== 400 });
    }
    expect(answers.length).toBeGreaterThan(60);
    expect(answers.filter((a) => a.code !== 'UNAUTHENTICATED' || !a.valid)).toEqual([]);
    await stillAnswers();
  });

  it('answers the public ones without an internal error', async () => {
    for (const op of ops.filter((o) => PUBLIC.includes(o.name))) {
      const r = await t.client().request(op.document);
      expect({ name: op.name, status: r.status }).toEqual({ name: op.name, status: 200 });
      expect({ name: op.name, code: codeOf(r) }).not.toEqual({
        name: op.name,
        code: 'INTERNAL_SERVER_ERROR',
      });
    }
    await stillAnswers();
  });
});
