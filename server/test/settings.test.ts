import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeOf,
  createTestApp,
  DEMO_TODAY,
  type GqlClient,
  type GqlResult,
  type TestApp,
} from './helpers.js';

/** The school's journal settings: work types and weights, attendance codes, non-numeric marks. */
let t: TestApp;
let admin: GqlClient;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('sysadmin');
});
afterAll(() => t.close());

const problem = (r: GqlResult) => {
  const e = r.errors?.[0]?.extensions ?? {};
  return { code: e.code, reason: e.reason, field: e.field };
};
const WT =
  'mutation($id:ID,$i:WorkTypeInput!){saveWorkType(id:$id,input:$i){id name weight active}}';
const AC =
  'mutation($id:ID,$i:AttendanceCodeInput!){saveAttendanceCode(id:$id,input:$i){id code kind}}';
const MS = 'mutation($s:[MarkSymbolInput!]!){saveMarkSymbols(symbols:$s){code name}}';

describe('journal settings', () => {
  it('lets the SYSADMIN add and change work types, refusing bad weights and taken names', async () => {
    const r = await admin.request<{ saveWorkType: { id: string } }>(WT, {
      i: { name: 'Зачёт по нормативам', shortName: 'Норм', weight: 2.5 },
    });
    expect(r.data).toMatchObject({
      saveWorkType: { name: 'Зачёт по нормативам', weight: 2.5, active: true },
    });
    const id = r.data!.saveWorkType.id;
    expect(
      (
        await admin.request(WT, {
          id,
          i: { name: 'Зачёт по нормативам', shortName: 'Норм', weight: 3, active: false },
        })
      ).data,
    ).toMatchObject({
      saveWorkType: { weight: 3, active: false },
    });
    expect(
      problem(await admin.request(WT, { i: { name: 'X', shortName: 'X', weight: 20 } })),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'OUT_OF_RANGE', field: 'weight' });
    expect(
      problem(
        await admin.request(WT, { i: { name: 'контрольная работа', shortName: 'КР', weight: 5 } }),
      ),
    ).toEqual({ code: 'CONFLICT', reason: 'NAME_TAKEN', field: 'name' });
    const teacher = await t.as('teacher');
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
    const [l] = await t.sql<{ id: number; pupil: number }>(
      `select l.id, e.pupil_id as pupil from lesson l join course co on co.id = l.course_id join enrollment e on e.class_group_id = co.class_group_id
        join user_account a on a.person_id = co.teacher_id and a.login = 'teacher'
       where l.date between '2026-11-05' and ? and not l.cancelled limit 1`,
      [DEMO_TODAY],
    );
    const r = await (
      await t.as('teacher')
    ).request('mutation($c:[MarkChangeInput!]!){saveMarks(changes:$c){saved{id}}}', {
      c: [
        { lessonId: String(l.id), pupilId: String(l.pupil), value: '5', workTypeId: String(wt.id) },
      ],
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
      saveAttendanceCode: { code: 'УВ', kind: 'EXCUSED' },
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
      saveMarkSymbols: [
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
