import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/role.js';
import { codeOf, createTestApp, DEMO_TODAY, type GqlClient, type TestApp } from './helpers.js';
import { factory, type MadeCourse } from './factory.js';

/**
 * The school's rules of journal health through the API (issue 14): who reads and sets them, a
 * typed error naming the field, nothing changed; the dashboard follows them. And the control
 * remarks in the bell: the teacher's new remark, the checker's answer, the teacher's acceptance.
 */
let t: TestApp;
let director: GqlClient;
let deputy: GqlClient;
let teacher: GqlClient;
let course: MadeCourse;
let f: ReturnType<typeof factory>;
let from: string;

const SETTINGS = `{ controlSettings { lateAfterDays homeworkRequired minMarks { periodKind hoursPerWeek marks } } }`;
const SET = `mutation($i: ControlSettingsInput!) { setControlSettings(input: $i) {
  lateAfterDays homeworkRequired minMarks { periodKind hoursPerWeek marks } } }`;
type Settings = {
  lateAfterDays: number;
  homeworkRequired: boolean;
  minMarks: { periodKind: string; hoursPerWeek: number; marks: number }[];
};
const withoutHomework = async () => {
  const r = await deputy.request<{ journalHealth: { items: { withoutHomework: number }[] } }>(
    `query($f: HealthFilterInput) { journalHealth(filter: $f) { items { withoutHomework } } }`,
    { f: { from } },
  );
  return r.data!.journalHealth.items[0].withoutHomework;
};
const BELL = `{ notificationList(first: 10) { items { kind } } }`;
const kinds = async (c: GqlClient) =>
  (
    await c.request<{ notificationList: { items: { kind: string }[] } }>(BELL)
  ).data!.notificationList.items.map((i) => i.kind);

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  const school = await f.newSchool();
  from = school.periods[0].startsOn;
  const teacherPerson = await f.newTeacher({ login: 'teacher' });
  await f.newStaff({ roles: [Role.DEPUTY], login: 'deputy' });
  await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'admin' });
  const cls = await f.newClass({ grade: 5 });
  course = await f.newCourse({ classGroup: cls, subject: 'Музыка', teacher: teacherPerson });
  await f.newLesson({ course, date: from, topic: 'Тема', homework: null });
  director = await f.as('director');
  deputy = await f.as('deputy');
  teacher = await teacherPerson.client();
}, 60_000);
afterAll(() => t?.close());

describe('control settings', () => {
  it('reads the defaults of DOMAIN-DATA §6 until set', async () => {
    const r = await deputy.request<{ controlSettings: Settings }>(SETTINGS);
    expect(r.data!.controlSettings).toMatchObject({ lateAfterDays: 7, homeworkRequired: true });
    expect(r.data!.controlSettings.minMarks).toHaveLength(9);
    expect(r.data!.controlSettings.minMarks).toContainEqual({
      periodKind: 'QUARTER',
      hoursPerWeek: 2,
      marks: 5,
    });
  });

  it('refuses a teacher, a pupil and a deputy setting them; nothing written', async () => {
    expect(codeOf(await teacher.request(SETTINGS))).toBe('FORBIDDEN');
    const i = { lateAfterDays: 3, homeworkRequired: false, minMarks: [] };
    expect(codeOf(await deputy.request(SET, { i }))).toBe('FORBIDDEN');
    expect(codeOf(await teacher.request(SET, { i }))).toBe('FORBIDDEN');
    const pupil = await f.newPupil({ classGroup: course.classGroupId, login: 'pupil' });
    expect(codeOf(await (await pupil.client()).request(SETTINGS))).toBe('FORBIDDEN');
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from control_setting`);
    expect(n).toBe(0);
  });

  it('answers a typed error naming the field for bad values; nothing written', async () => {
    const base = { lateAfterDays: 7, homeworkRequired: true, minMarks: [] };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ lateAfterDays: 61 }, 'lateAfterDays', 'OUT_OF_RANGE'],
      [{ lateAfterDays: -1 }, 'lateAfterDays', 'OUT_OF_RANGE'],
      [
        { minMarks: [{ periodKind: 'YEAR', hoursPerWeek: 1, marks: 3 }] },
        'minMarks.0.periodKind',
        'INVALID_KIND',
      ],
      [
        { minMarks: [{ periodKind: 'QUARTER', hoursPerWeek: 4, marks: 3 }] },
        'minMarks.0.hoursPerWeek',
        'OUT_OF_RANGE',
      ],
      [
        { minMarks: [{ periodKind: 'QUARTER', hoursPerWeek: 1, marks: 51 }] },
        'minMarks.0.marks',
        'OUT_OF_RANGE',
      ],
      [
        {
          minMarks: [
            { periodKind: 'QUARTER', hoursPerWeek: 1, marks: 2 },
            { periodKind: 'QUARTER', hoursPerWeek: 1, marks: 4 },
          ],
        },
        'minMarks.1',
        'DUPLICATE',
      ],
    ];
    for (const [change, field, reason] of cases) {
      const r = await director.request(SET, { i: { ...base, ...change } });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, reason });
    }
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from control_setting`);
    expect(n).toBe(0);
  });

  it('the director sets them, audited; the dashboard follows', async () => {
    expect(await withoutHomework()).toBe(1);
    const r = await director.request<{ setControlSettings: Settings }>(SET, {
      i: {
        lateAfterDays: 3,
        homeworkRequired: false,
        minMarks: [{ periodKind: 'QUARTER', hoursPerWeek: 1, marks: 4 }],
      },
    });
    expect(r.data!.setControlSettings).toMatchObject({ lateAfterDays: 3, homeworkRequired: false });
    expect(r.data!.setControlSettings.minMarks).toContainEqual({
      periodKind: 'QUARTER',
      hoursPerWeek: 1,
      marks: 4,
    });
    expect(r.data!.setControlSettings.minMarks).toContainEqual({
      periodKind: 'HALF_YEAR',
      hoursPerWeek: 3,
      marks: 14,
    });
    expect(await withoutHomework()).toBe(0);
    const [audit] = await t.sql<{ n: number }>(
      `select count(*)::int as n from audit_event where entity = 'control_setting'`,
    );
    expect(audit.n).toBe(1);
    const admin = await f.as('admin');
    const again = await admin.request<{ setControlSettings: Settings }>(SET, {
      i: { lateAfterDays: 7, homeworkRequired: true, minMarks: [] },
    });
    expect(again.data!.setControlSettings.lateAfterDays).toBe(7);
  });
});

describe('control remarks in the bell', () => {
  it('tells the teacher of a remark, the checker of the answer, the teacher of the acceptance', async () => {
    const made = await deputy.request<{
      createControlCheck: { remarks: { id: string; version: number }[] };
    }>(
      `mutation($i: CreateControlCheckInput!) { createControlCheck(input: $i) { remarks { id version } } }`,
      {
        i: {
          courseId: course.id,
          from,
          to: from,
          remarks: [{ text: 'Нет д/з', dueOn: DEMO_TODAY }],
        },
      },
    );
    const [remark] = made.data!.createControlCheck.remarks;
    expect(await kinds(teacher)).toContain('CONTROL_REMARK');
    await teacher.request(
      `mutation($i: AnswerControlRemarkInput!) { answerControlRemark(input: $i) { id } }`,
      { i: { id: remark.id, answer: 'Записал', fixed: true, version: remark.version } },
    );
    expect(await kinds(deputy)).toContain('CONTROL_REMARK_ANSWERED');
    await director.request(`mutation($id: ID!) { acceptControlRemark(id: $id) { id } }`, {
      id: remark.id,
    });
    expect(await kinds(teacher)).toContain('CONTROL_REMARK_ACCEPTED');
    expect(await kinds(director)).not.toContain('CONTROL_REMARK_ANSWERED');
  });
});
