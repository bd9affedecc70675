import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type GqlClient, type GqlResult, type TestApp } from './helpers.js';

let t: TestApp;
let admin: GqlClient;
let yearId: string;
let teacherId: string;
let otherTeacherId: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('sysadmin');
  yearId = String((await t.sql<{ id: number }>('select id from academic_year'))[0].id);
  teacherId = String(
    (
      await t.sql<{ id: number }>(`select person_id id from user_account where login = 'teacher'`)
    )[0].id,
  );
  otherTeacherId = String(
    (
      await t.sql<{ id: number }>(
        `select person_id id from user_account where login = 'classteacher'`,
      )
    )[0].id,
  );
});
afterAll(() => t.close());

const problem = (r: GqlResult) => {
  const e = r.errors?.[0]?.extensions ?? {};
  return { code: e.code, reason: e.reason, field: e.field };
};

describe('the school year', () => {
  const create = (i: object) =>
    admin.request('mutation($i:AcademicYearInput!){createAcademicYear(input:$i){id}}', { i });
  const period = (i: object) =>
    admin.request('mutation($i:CreateStudyPeriodInput!){createStudyPeriod(input:$i){id}}', {
      i: { academicYearId: yearId, kind: 'QUARTER', ...i },
    });

  it('refuses a year that ends before it starts, overlaps another, or repeats a name', async () => {
    expect(
      problem(await create({ name: '2040', startsOn: '2040-09-01', endsOn: '2040-08-01' })),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_DATE_RANGE', field: 'endsOn' });
    expect(
      problem(await create({ name: 'Другой', startsOn: '2027-01-01', endsOn: '2027-08-01' })),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'YEAR_OVERLAP', field: 'startsOn' });
    expect(
      problem(await create({ name: '2026/2027', startsOn: '2030-09-01', endsOn: '2031-05-31' })),
    ).toEqual({ code: 'CONFLICT', reason: 'NAME_TAKEN', field: 'name' });
    expect(
      problem(await create({ name: '  ', startsOn: '2030-09-01', endsOn: '2031-05-31' })),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'REQUIRED', field: 'name' });
  });

  it('refuses a malformed date before any resolver runs', async () => {
    const r = await create({ name: 'X', startsOn: '2030-13-45', endsOn: '2031-05-31' });
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps periods inside their year and apart from each other', async () => {
    expect(
      problem(await period({ name: 'Лишняя', startsOn: '2026-08-20', endsOn: '2026-08-30' })),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'PERIOD_OUTSIDE_YEAR', field: 'startsOn' });
    expect(
      problem(await period({ name: 'Лишняя', startsOn: '2027-05-27', endsOn: '2027-06-30' })),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'PERIOD_OUTSIDE_YEAR', field: 'endsOn' });
    expect(
      problem(await period({ name: 'Лишняя', startsOn: '2026-10-20', endsOn: '2026-11-01' })),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'PERIOD_OVERLAP', field: 'startsOn' });
    expect(
      problem(await period({ name: 'i ЧЕТВЕРТЬ', startsOn: '2026-10-26', endsOn: '2026-10-30' })),
    ).toEqual({ code: 'CONFLICT', reason: 'NAME_TAKEN', field: 'name' });
    const ok = await period({
      name: 'Осенняя сессия',
      startsOn: '2026-10-26',
      endsOn: '2026-10-30',
    });
    expect(ok.errors).toBeUndefined();
  });

  it('refuses to shrink a year so that a period falls outside it', async () => {
    const r = await admin.request(
      'mutation($id:ID!,$i:AcademicYearInput!){updateAcademicYear(id:$id,input:$i){id}}',
      {
        id: yearId,
        i: { name: '2026/2027', startsOn: '2026-09-01', endsOn: '2027-03-01' },
      },
    );
    expect(problem(r)).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'PERIOD_OUTSIDE_YEAR',
      field: 'startsOn',
    });
  });

  it('keeps holidays inside their year, with valid grades, and saves a first-graders-only week', async () => {
    const holiday = (i: object) =>
      admin.request<{ createHoliday: { grades: number[] | null } }>(
        'mutation($i:CreateHolidayInput!){createHoliday(input:$i){grades}}',
        {
          i: {
            academicYearId: yearId,
            name: 'Каникулы',
            startsOn: '2026-10-05',
            endsOn: '2026-10-06',
            ...i,
          },
        },
      );
    expect(problem(await holiday({ startsOn: '2027-07-01', endsOn: '2027-07-02' }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'PERIOD_OUTSIDE_YEAR',
      field: 'startsOn',
    });
    expect(problem(await holiday({ endsOn: '2026-10-01' }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_DATE_RANGE',
      field: 'endsOn',
    });
    expect(problem(await holiday({ grades: [0, 3] }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'OUT_OF_RANGE',
      field: 'grades',
    });
    expect((await holiday({ grades: [2, 1, 2] })).data).toEqual({
      createHoliday: { grades: [1, 2] },
    });
    expect((await holiday({ grades: [] })).data).toEqual({ createHoliday: { grades: null } });
  });

  it('refuses to delete a year that has classes', async () => {
    const r = await admin.request('mutation($id:ID!){deleteAcademicYear(id:$id)}', { id: yearId });
    expect(problem(r)).toEqual({ code: 'CONFLICT', reason: 'HAS_DEPENDENTS', field: undefined });
  });
});

describe('classes, subjects and courses', () => {
  const createClass = (i: object) =>
    admin.request(
      'mutation($i:CreateClassGroupInput!){createClassGroup(input:$i){id name classTeacher{id}}}',
      { i: { academicYearId: yearId, ...i } },
    );

  it('refuses a duplicate class, a grade outside 1–11, a non-teacher and a teacher who leads another class', async () => {
    expect(problem(await createClass({ grade: 7, letter: 'а' }))).toEqual({
      code: 'CONFLICT',
      reason: 'NAME_TAKEN',
      field: 'letter',
    });
    expect(problem(await createClass({ grade: 12, letter: 'А' }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'OUT_OF_RANGE',
      field: 'grade',
    });
    expect(problem(await createClass({ grade: 5, letter: '5!' }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_LETTER',
      field: 'letter',
    });
    const director = String(
      (
        await t.sql<{ id: number }>(
          `select person_id id from user_account where login = 'director'`,
        )
      )[0].id,
    );
    expect(problem(await createClass({ grade: 5, letter: 'Б', classTeacherId: director }))).toEqual(
      { code: 'BAD_USER_INPUT', reason: 'NOT_A_TEACHER', field: 'classTeacherId' },
    );
    expect(
      problem(await createClass({ grade: 5, letter: 'Б', classTeacherId: otherTeacherId })),
    ).toEqual({ code: 'CONFLICT', reason: 'CLASS_TEACHER_TAKEN', field: 'classTeacherId' });
    const ok = await createClass({ grade: 5, letter: 'б', classTeacherId: teacherId });
    expect(ok.data).toMatchObject({
      createClassGroup: { name: '5Б', classTeacher: { id: teacherId } },
    });
  });

  it('refuses a subject name that exists in any letter case', async () => {
    const r = await admin.request('mutation{createSubject(input:{name:"  химия "}){id}}');
    expect(problem(r)).toEqual({ code: 'CONFLICT', reason: 'NAME_TAKEN', field: 'name' });
  });

  it('refuses a second course of one subject in one class, and bad hours', async () => {
    const [row] = await t.sql<{ c: number; s: number }>(
      `select class_group_id c, subject_id s from course limit 1`,
    );
    const create = (h: number) =>
      admin.request('mutation($i:CreateCourseInput!){createCourse(input:$i){id}}', {
        i: { classGroupId: String(row.c), subjectId: String(row.s), teacherId, hoursPerWeek: h },
      });
    expect(problem(await create(2))).toEqual({
      code: 'CONFLICT',
      reason: 'COURSE_EXISTS',
      field: 'subjectId',
    });
    expect(problem(await create(0))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'OUT_OF_RANGE',
      field: 'hoursPerWeek',
    });
  });

  it('refuses to delete a subject that is taught', async () => {
    const [s] = await t.sql<{ id: number }>(`select id from subject where name = 'Химия'`);
    expect(
      problem(
        await admin.request('mutation($id:ID!){deleteSubject(id:$id)}', { id: String(s.id) }),
      ),
    ).toEqual({ code: 'CONFLICT', reason: 'HAS_DEPENDENTS', field: undefined });
  });

  it('answers NOT_FOUND for an id that does not exist', async () => {
    const r = await admin.request('mutation{updateSubject(id:"999999",input:{name:"X"}){id}}');
    expect(problem(r).code).toBe('NOT_FOUND');
  });
});

describe('the school profile', () => {
  const update = (i: object) =>
    admin.request(
      'mutation($i:UpdateSchoolInput!){updateSchool(input:$i){name timeZone grading{thresholds}}}',
      {
        i: {
          name: 'Школа',
          timeZone: 'Europe/Moscow',
          scaleMin: 1,
          scaleMax: 5,
          thresholds: [1.5, 2.5, 3.5, 4.5],
          ...i,
        },
      },
    );

  it('refuses an unknown time zone and thresholds that do not fit the scale', async () => {
    expect(problem(await update({ timeZone: 'Mars/Olympus' }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_TIME_ZONE',
      field: 'timeZone',
    });
    expect(problem(await update({ thresholds: [2.5, 3.5, 4.5] }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_THRESHOLDS',
      field: 'thresholds',
    });
    expect(problem(await update({ thresholds: [1.5, 3.5, 2.5, 4.5] }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_THRESHOLDS',
      field: 'thresholds',
    });
    expect(problem(await update({ scaleMin: 5, scaleMax: 5 }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'OUT_OF_RANGE',
      field: 'scaleMax',
    });
  });

  it('saves a valid profile', async () => {
    const r = await update({
      thresholds: [1.65, 2.65, 3.65, 4.65],
      timeZone: 'Asia/Yekaterinburg',
    });
    expect(r.data).toEqual({
      updateSchool: {
        name: 'Школа',
        timeZone: 'Asia/Yekaterinburg',
        grading: { thresholds: [1.65, 2.65, 3.65, 4.65] },
      },
    });
  });
});

describe('staff', () => {
  const register = (i: object) =>
    admin.request<{ registerStaff: { login: string; initialPassword: string } }>(
      'mutation($i:RegisterStaffInput!){registerStaff(input:$i){login initialPassword staff{fullName roles login}}}',
      {
        i: {
          lastName: 'Орлова',
          firstName: 'Вера',
          middleName: 'Павловна',
          roles: ['TEACHER'],
          ...i,
        },
      },
    );

  it('registers a teacher whose one-time password signs in', async () => {
    const r = await register({ login: 'V.Orlova' });
    expect(r.errors).toBeUndefined();
    expect(r.data?.registerStaff.login).toBe('v.orlova');
    const c = t.client();
    expect(
      (await c.login('v.orlova', r.data!.registerStaff.initialPassword)).errors,
    ).toBeUndefined();
    const [acc] = await t.sql<{ password_hash: string }>(
      `select password_hash from user_account where login = 'v.orlova'`,
    );
    expect(acc.password_hash).not.toContain(r.data!.registerStaff.initialPassword);
  });

  it('refuses a taken login without writing half a person', async () => {
    const before = await t.sql<{ n: string }>('select count(*) n from person');
    expect(problem(await register({ login: 'teacher' }))).toEqual({
      code: 'CONFLICT',
      reason: 'LOGIN_TAKEN',
      field: 'login',
    });
    expect(await t.sql('select count(*) n from person')).toEqual(before);
  });

  it('refuses bad logins and non-staff roles', async () => {
    expect(problem(await register({ login: 'ab' }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_LOGIN',
      field: 'login',
    });
    expect(problem(await register({ login: 'кириллица' }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_LOGIN',
      field: 'login',
    });
    expect(problem(await register({ login: 'fine.login', roles: ['PARENT'] }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ROLES',
      field: 'roles',
    });
    expect(problem(await register({ login: 'fine.login', roles: [] }))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ROLES',
      field: 'roles',
    });
  });

  it('will not take TEACHER from someone who teaches, nor SYSADMIN from oneself', async () => {
    const upd = (id: string, roles: string[]) =>
      admin.request('mutation($id:ID!,$i:StaffInput!){updateStaff(id:$id,input:$i){roles}}', {
        id,
        i: { lastName: 'Х', firstName: 'Y', roles },
      });
    expect(problem(await upd(teacherId, ['DEPUTY']))).toEqual({
      code: 'CONFLICT',
      reason: 'HAS_DEPENDENTS',
      field: 'roles',
    });
    const me = String(
      (
        await t.sql<{ id: number }>(
          `select person_id id from user_account where login = 'sysadmin'`,
        )
      )[0].id,
    );
    expect(problem(await upd(me, ['DIRECTOR']))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'CANNOT_DEMOTE_SELF',
      field: 'roles',
    });
  });

  it('resets a password: the old one and the old sessions stop working', async () => {
    const victim = await t.as('deputy');
    const id = String(
      (
        await t.sql<{ id: number }>(`select person_id id from user_account where login = 'deputy'`)
      )[0].id,
    );
    const r = await admin.request<{ resetStaffPassword: { initialPassword: string } }>(
      'mutation($id:ID!){resetStaffPassword(id:$id){initialPassword}}',
      { id },
    );
    expect((await victim.request('{ me { login } }')).data).toEqual({ me: null });
    expect((await t.client().login('deputy', 'demo')).errors?.[0].extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      (await t.client().login('deputy', r.data!.resetStaffPassword.initialPassword)).errors,
    ).toBeUndefined();
  });
});
