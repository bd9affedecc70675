import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory } from './factory.js';

/**
 * Every SYSADMIN operation, tried by every role: only the SYSADMIN
 * may; everybody else is refused with FORBIDDEN and nothing changes; anonymous gets UNAUTHENTICATED.
 */
let t: TestApp;
const clients: Record<string, GqlClient> = {};
const ROLES = [
  'sysadmin',
  'director',
  'deputy',
  'teacher',
  'classteacher',
  'parent',
  'pupil',
] as const;
let ids: {
  year: string;
  period: string;
  holiday: string;
  cls: string;
  subject: string;
  course: string;
  teacher: string;
  staff: string;
};

/** Staff logins the register must list, and how many classes have a class teacher. */
let staffLogins: string[];
let ledClasses: number;

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const f = factory(t);
  const school = await f.newSchool();
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  await f.newStaff({ roles: [Role.DEPUTY, Role.TEACHER], login: 'deputy' });
  const teacher = await f.newTeacher({ login: 'teacher' });
  const sport = await f.newTeacher({ login: 'sport' });
  const class3 = await f.newClass({ grade: 3, classTeacher: await f.newTeacher() });
  const classteacher = await f.newTeacher({ login: 'classteacher' });
  const class7 = await f.newClass({ grade: 7, classTeacher: classteacher });
  const class9 = await f.newClass({ grade: 9, classTeacher: await f.newTeacher() });
  const pupil = await f.newPupil({ classGroup: class7, login: 'pupil' });
  await f.newParent({ children: [pupil], login: 'parent' });
  await f.newCourse({ classGroup: class3, subject: 'Математика', teacher });
  await f.newCourse({ classGroup: class7, subject: 'Алгебра', teacher });
  // 9А's chemistry has a journal: the SYSADMIN's test empties it before deleting the course.
  const chemistry = await f.newCourse({ classGroup: class9, subject: 'Химия', teacher });
  await f.newSlot({ course: chemistry, weekday: 2 });
  const ninth = await f.newPupil({ classGroup: class9 });
  await f.newPeriodMark({ course: chemistry, pupil: ninth, period: school.periods[0], value: '4' });
  for (const r of ROLES) clients[r] = await f.as(r);
  staffLogins = ['sysadmin', 'director', 'deputy', 'teacher', 'sport', 'classteacher'];
  ledClasses = [class3, class7, class9].length;
  ids = {
    year: school.yearId,
    period: school.periods[3].id,
    holiday: school.holidays['День Победы'],
    cls: class9.id,
    subject: chemistry.subjectId,
    course: chemistry.id,
    teacher: teacher.id,
    staff: sport.id,
  };
});
afterAll(() => t.close());

const writes = () =>
  [
    [
      'updateSchool',
      'mutation($i:UpdateSchoolInput!){updateSchool(input:$i){id}}',
      {
        i: {
          name: 'X',
          timeZone: 'Europe/Moscow',
          scaleMin: 1,
          scaleMax: 5,
          thresholds: [1.5, 2.5, 3.5, 4.5],
        },
      },
    ],
    [
      'createAcademicYear',
      'mutation($i:AcademicYearInput!){createAcademicYear(input:$i){id}}',
      { i: { name: '2030/2031', startsOn: '2030-09-01', endsOn: '2031-05-31' } },
    ],
    [
      'updateAcademicYear',
      'mutation($id:ID!,$i:AcademicYearInput!){updateAcademicYear(id:$id,input:$i){id}}',
      { id: ids.year, i: { name: 'Y', startsOn: '2026-09-01', endsOn: '2027-05-31' } },
    ],
    ['deleteAcademicYear', 'mutation($id:ID!){deleteAcademicYear(id:$id)}', { id: ids.year }],
    [
      'createStudyPeriod',
      'mutation($i:CreateStudyPeriodInput!){createStudyPeriod(input:$i){id}}',
      {
        i: {
          academicYearId: ids.year,
          name: 'Лето',
          kind: 'QUARTER',
          startsOn: '2027-05-27',
          endsOn: '2027-05-30',
        },
      },
    ],
    [
      'updateStudyPeriod',
      'mutation($id:ID!,$i:StudyPeriodInput!){updateStudyPeriod(id:$id,input:$i){id}}',
      {
        id: ids.period,
        i: { name: 'IV', kind: 'QUARTER', startsOn: '2027-04-06', endsOn: '2027-05-26' },
      },
    ],
    ['deleteStudyPeriod', 'mutation($id:ID!){deleteStudyPeriod(id:$id)}', { id: ids.period }],
    [
      'createHoliday',
      'mutation($i:CreateHolidayInput!){createHoliday(input:$i){id}}',
      {
        i: {
          academicYearId: ids.year,
          name: 'День учителя',
          startsOn: '2026-10-05',
          endsOn: '2026-10-05',
        },
      },
    ],
    [
      'updateHoliday',
      'mutation($id:ID!,$i:HolidayInput!){updateHoliday(id:$id,input:$i){id}}',
      { id: ids.holiday, i: { name: 'День Победы', startsOn: '2027-05-10', endsOn: '2027-05-10' } },
    ],
    ['deleteHoliday', 'mutation($id:ID!){deleteHoliday(id:$id)}', { id: ids.holiday }],
    [
      'createClassGroup',
      'mutation($i:CreateClassGroupInput!){createClassGroup(input:$i){id}}',
      { i: { academicYearId: ids.year, grade: 5, letter: 'Б' } },
    ],
    [
      'updateClassGroup',
      'mutation($id:ID!,$i:ClassGroupInput!){updateClassGroup(id:$id,input:$i){id}}',
      { id: ids.cls, i: { grade: 9, letter: 'В' } },
    ],
    ['deleteClassGroup', 'mutation($id:ID!){deleteClassGroup(id:$id)}', { id: ids.cls }],
    [
      'createSubject',
      'mutation($i:SubjectInput!){createSubject(input:$i){id}}',
      { i: { name: 'Астрономия' } },
    ],
    [
      'updateSubject',
      'mutation($id:ID!,$i:SubjectInput!){updateSubject(id:$id,input:$i){id}}',
      { id: ids.subject, i: { name: 'Химия!' } },
    ],
    ['deleteSubject', 'mutation($id:ID!){deleteSubject(id:$id)}', { id: ids.subject }],
    [
      'createCourse',
      'mutation($i:CreateCourseInput!){createCourse(input:$i){id}}',
      {
        i: {
          classGroupId: ids.cls,
          subjectId: ids.subject,
          teacherId: ids.teacher,
          hoursPerWeek: 1,
        },
      },
    ],
    [
      'updateCourse',
      'mutation($id:ID!,$i:CourseInput!){updateCourse(id:$id,input:$i){id}}',
      { id: ids.course, i: { teacherId: ids.teacher, hoursPerWeek: 2 } },
    ],
    ['deleteCourse', 'mutation($id:ID!){deleteCourse(id:$id)}', { id: ids.course }],
    [
      'registerStaff',
      'mutation($i:RegisterStaffInput!){registerStaff(input:$i){login}}',
      { i: { lastName: 'А', firstName: 'Б', login: 'newbie', roles: ['TEACHER'] } },
    ],
    [
      'updateStaff',
      'mutation($id:ID!,$i:StaffInput!){updateStaff(id:$id,input:$i){id}}',
      { id: ids.staff, i: { lastName: 'А', firstName: 'Б', roles: ['TEACHER', 'DEPUTY'] } },
    ],
    [
      'resetStaffPassword',
      'mutation($id:ID!){resetStaffPassword(id:$id){login}}',
      { id: ids.staff },
    ],
  ] as const;

const snapshot = () =>
  t.sql(`select (select count(*) from academic_year) y, (select count(*) from study_period) p, (select count(*) from class_group) c,
                (select count(*) from subject) s, (select string_agg(starts_on::text, ',' order by id) from holiday) ho, (select count(*) from course) co, (select count(*) from person) pe,
                (select string_agg(name, ',') from school) n, (select string_agg(password_hash, ',' order by id) from user_account) h`);

describe('SYSADMIN operations', () => {
  for (const role of ROLES.filter((r) => r !== 'sysadmin')) {
    it(`refuses every one of them to ${role}, changing nothing`, async () => {
      const before = await snapshot();
      for (const [name, query, vars] of writes()) {
        const r = await clients[role].request(query, vars);
        expect({ name, code: codeOf(r) }).toEqual({ name, code: 'FORBIDDEN' });
      }
      expect(await snapshot()).toEqual(before);
    });
  }

  it('refuses every one of them to an anonymous caller', async () => {
    for (const [name, query, vars] of writes()) {
      const r = await t.client().request(query, vars);
      expect({ name, code: codeOf(r) }).toEqual({ name, code: 'UNAUTHENTICATED' });
    }
  });

  it('allows every one of them to the SYSADMIN', async () => {
    // Order matters: creations first, then the edits, then deletions of things without dependents.
    const ok = [
      'updateSchool',
      'createAcademicYear',
      'createStudyPeriod',
      'updateStudyPeriod',
      'createHoliday',
      'updateHoliday',
      'deleteHoliday',
      'createSubject',
      'updateSubject',
      'updateCourse',
      'registerStaff',
      'updateStaff',
      'resetStaffPassword',
      'createClassGroup',
      'deleteStudyPeriod',
      'deleteCourse',
      'createCourse',
    ];
    const all = Object.fromEntries(writes().map(([n, q, v]) => [n, { q, v }]));
    // A course is deleted only with an empty journal (course-delete.test.ts): empty this one.
    await t.sql(`delete from period_mark where course_id = ?`, [ids.course]);
    await t.sql(`delete from lesson where course_id = ?`, [ids.course]);
    for (const name of ok) {
      const r = await clients.sysadmin.request(all[name].q, all[name].v);
      expect({ name, errors: r.errors }).toEqual({ name, errors: undefined });
    }
  });
});

describe('reads', () => {
  const STAFF = '{ staff { id fullName login } }';
  const CLASSES = '{ classGroups { name classTeacher { fullName login } } }';

  it('shows the staff register to the administration only', async () => {
    for (const role of ['sysadmin', 'director', 'deputy']) {
      const r = await clients[role].request<{ staff: { login: string }[] }>(STAFF);
      expect(r.errors).toBeUndefined();
      expect(r.data?.staff.map((s) => s.login)).toEqual(expect.arrayContaining(staffLogins));
    }
    for (const role of ['teacher', 'classteacher', 'parent', 'pupil']) {
      expect(codeOf(await clients[role].request(STAFF))).toBe('FORBIDDEN');
    }
  });

  it('shows classes to staff, hides logins of nested teachers from teachers, and refuses families', async () => {
    const admin = await clients.director.request<{
      classGroups: { classTeacher: { login: string | null } }[];
    }>(CLASSES);
    expect(admin.data?.classGroups[0].classTeacher.login).toMatch(/\w+/);
    const teacher = await clients.teacher.request<{
      classGroups: { classTeacher: { login: string | null } | null }[];
    }>(CLASSES);
    const led = teacher.data?.classGroups.filter((c) => c.classTeacher) ?? [];
    expect(led.length).toBe(ledClasses);
    expect(led.every((c) => c.classTeacher?.login === null)).toBe(true);
    for (const role of ['parent', 'pupil']) {
      expect(codeOf(await clients[role].request(CLASSES))).toBe('FORBIDDEN');
      expect(codeOf(await clients[role].request('{ courses { id } }'))).toBe('FORBIDDEN');
      expect(codeOf(await clients[role].request('{ subjects { id } }'))).toBe('FORBIDDEN');
    }
  });

  it('lets everyone signed in read the school and its calendar', async () => {
    for (const role of ROLES) {
      const r = await clients[role].request<{ school: { name: string }; academicYears: unknown[] }>(
        '{ school { name } academicYears { name periods { name } } }',
      );
      expect(r.errors).toBeUndefined();
      expect(r.data?.academicYears.length).toBeGreaterThan(0);
    }
    for (const q of [
      '{ school { name } }',
      '{ classGroups { id } }',
      '{ courses { id } }',
      '{ currentAcademicYear { id } }',
      '{ staff { id } }',
    ]) {
      expect({ q, code: codeOf(await t.client().request(q)) }).toEqual({
        q,
        code: 'UNAUTHENTICATED',
      });
    }
  });
});
