import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, type GqlClient, type GqlResult, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory } from './factory.js';

/** The school's journal settings: work types and weights, attendance codes, non-numeric marks. */
let t: TestApp;
let f: Factory;
let admin: GqlClient;
/** A held lesson of the II quarter, taught by `teacher`, and a pupil of its class. */
let held: { lesson: string; pupil: string };
beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  await f.newSchool();
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  const cls = await f.newClass({ grade: 7 });
  const pupil = await f.newPupil({ classGroup: cls });
  const course = await f.newCourse({
    classGroup: cls,
    teacher: await f.newTeacher({ login: 'teacher' }),
  });
  const lesson = await f.newLesson({ course, date: '2026-11-27' });
  held = { lesson: lesson.id, pupil: pupil.id };
  admin = await f.as('sysadmin');
});
afterAll(() => t.close());

const problem = (r: GqlResult) => {
  const e = r.errors?.[0]?.extensions ?? {};
  return { code: e.code, reason: e.reason, field: e.field };
};
const WT_FIELDS = '{id name weight active}';
const WT = `mutation($i:WorkTypeInput!){createWorkType(input:$i)${WT_FIELDS}}`;
const WT_UPDATE = `mutation($id:ID!,$i:WorkTypeInput!){updateWorkType(id:$id,input:$i)${WT_FIELDS}}`;
const AC = 'mutation($i:AttendanceCodeInput!){createAttendanceCode(input:$i){id code kind}}';
const MS = 'mutation($s:[MarkSymbolInput!]!){setMarkSymbols(symbols:$s){code name}}';

describe('journal settings', () => {
  it('lets the SYSADMIN add and change work types, refusing bad weights and taken names', async () => {
    const r = await admin.request<{ createWorkType: { id: string } }>(WT, {
      i: { name: 'Зачёт по нормативам', shortName: 'Норм', weight: 2.5 },
    });
    expect(r.data).toMatchObject({
      createWorkType: { name: 'Зачёт по нормативам', weight: 2.5, active: true },
    });
    const id = r.data!.createWorkType.id;
    expect(
      (
        await admin.request(WT_UPDATE, {
          id,
          i: { name: 'Зачёт по нормативам', shortName: 'Норм', weight: 3, active: false },
        })
      ).data,
    ).toMatchObject({
      updateWorkType: { weight: 3, active: false },
    });
    expect(
      problem(await admin.request(WT, { i: { name: 'X', shortName: 'X', weight: 20 } })),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'OUT_OF_RANGE', field: 'weight' });
    expect(
      problem(
        await admin.request(WT, { i: { name: 'контрольная работа', shortName: 'КР', weight: 5 } }),
      ),
    ).toEqual({ code: 'CONFLICT', reason: 'NAME_TAKEN', field: 'name' });
    const teacher = await f.as('teacher');
    expect(codeOf(await teacher.request(WT, { i: { name: 'Y', shortName: 'Y', weight: 1 } }))).toBe(
      'FORBIDDEN',
    );
    const list = await teacher.request<{ workTypes: { name: string }[] }>('{ workTypes { name } }');
    expect(list.data!.workTypes.map((w) => w.name)).toContain('Контрольная работа');
  });

  it('refuses an inactive work type for new marks', async () => {
    const [wt] = await t.sql<{ id: number }>(
      `select id from work_type where name = 'Зачёт по нормативам'`,
    );
    const r = await (
      await f.as('teacher')
    ).request('mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}', {
      c: [{ lessonId: held.lesson, pupilId: held.pupil, value: '5', workTypeId: String(wt.id) }],
    });
    expect(
      (r.errors?.[0].extensions?.entries as { reason: string }[]).map((e) => e.reason),
    ).toEqual(['UNKNOWN_WORK_TYPE']);
  });

  it('keeps attendance codes unique', async () => {
    expect(
      (
        await admin.request(AC, {
          i: { code: 'ув', name: 'Уважительная (справка)', kind: 'EXCUSED' },
        })
      ).data,
    ).toMatchObject({
      createAttendanceCode: { code: 'УВ', kind: 'EXCUSED' },
    });
    expect(
      problem(await admin.request(AC, { i: { code: 'н', name: 'Дубль', kind: 'ABSENT' } })),
    ).toEqual({ code: 'CONFLICT', reason: 'CODE_TAKEN', field: 'code' });
  });

  it('replaces the non-numeric marks, and marks follow the new list', async () => {
    expect(
      problem(await admin.request(MS, { s: [{ code: '5+', name: 'Пять с плюсом' }] })),
    ).toMatchObject({ reason: 'INVALID_SYMBOL' });
    expect(
      problem(
        await admin.request(MS, {
          s: [
            { code: 'зч', name: 'a' },
            { code: 'ЗЧ', name: 'b' },
          ],
        }),
      ),
    ).toMatchObject({ reason: 'CODE_TAKEN' });
    const ok = await admin.request(MS, {
      s: [
        { code: 'зч', name: 'зачёт' },
        { code: 'ув', name: 'уважительно' },
      ],
    });
    expect(ok.data).toEqual({
      setMarkSymbols: [
        { code: 'зч', name: 'зачёт' },
        { code: 'ув', name: 'уважительно' },
      ],
    });
    const school = await admin.request<{
      school: { grading: { markSymbols: { code: string }[] } };
    }>('{ school { grading { markSymbols { code } } } }');
    expect(school.data!.school.grading.markSymbols.map((s) => s.code)).toEqual(['зч', 'ув']);
  });
});
