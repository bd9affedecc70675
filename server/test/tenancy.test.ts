import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory, type MadeClass, type MadeCourse } from './factory.js';

/** Two schools in one database: nobody of one reaches the other's data (DESIGN.md, "Tenancy"). */
let t: TestApp;
let f: Factory;
let a: GqlClient;
let b: GqlClient;
let bParent: GqlClient;
let aIds: { cls: string; subject: string; teacher: string; year: string; course: string };
let aClasses: MadeClass[];
let bIds: { school: string; year: string; course: MadeCourse };

/** A class of each grade in the school made last, with a course taught by `teacher` and two pupils. */
async function classes(grades: number[], teacher: { id: string }) {
  const made: { cls: MadeClass; course: MadeCourse; pupils: { id: string }[] }[] = [];
  for (const grade of grades) {
    const cls = await f.newClass({ grade });
    const course = await f.newCourse({ classGroup: cls, teacher });
    const pupils = [await f.newPupil({ classGroup: cls }), await f.newPupil({ classGroup: cls })];
    made.push({ cls, course, pupils });
  }
  return made;
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  // School A, then school B: the factory writes into the school made last.
  const schoolA = await f.newSchool({ name: 'Первая школа' });
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  // A name no one of school B has: the test looks for it in B's answers.
  const teacherA = await f.newTeacher({
    login: 'teacher',
    lastName: 'Первошкольная',
    firstName: 'Анна',
  });
  const inA = await classes([5, 7, 9], teacherA);
  aClasses = inA.map((x) => x.cls);
  aIds = {
    cls: inA[0].cls.id,
    subject: inA[0].course.subjectId,
    teacher: teacherA.id,
    year: schoolA.yearId,
    course: inA[0].course.id,
  };
  const schoolB = await f.newSchool({ name: 'Вторая школа' });
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'b.sysadmin' });
  const inB = await classes([1, 2, 7], await f.newTeacher({ login: 'b.teacher' }));
  await f.newParent({ children: [inB[0].pupils[0], inB[2].pupils[0]], login: 'b.parent' });
  bIds = { school: schoolB.id, year: schoolB.yearId, course: inB[0].course };
  a = await f.as('sysadmin');
  b = await f.as('b.sysadmin');
  bParent = await f.as('b.parent');
});
afterAll(() => t.close());

describe('two schools', () => {
  it('shows each SYSADMIN only their own school, classes, subjects, courses and staff', async () => {
    const q =
      '{ school { name } classGroups { name } subjects { id } courses { id } staff { login } academicYears { id } }';
    const ra = await a.request<Record<string, { login?: string; name?: string; id?: string }[]>>(q);
    const rb = await b.request<Record<string, { login?: string; name?: string; id?: string }[]>>(q);
    expect(rb.data?.school).toEqual({ name: 'Вторая школа' });
    expect(rb.data?.classGroups.map((c) => c.name)).toEqual(['1А', '2А', '7А']);
    expect(ra.data?.classGroups).toHaveLength(aClasses.length);
    expect(rb.data?.staff.every((s) => s.login?.startsWith('b.'))).toBe(true);
    expect(ra.data?.staff.filter((s) => s.login?.startsWith('b.'))).toEqual([]);
    for (const key of ['subjects', 'courses', 'academicYears']) {
      const idsA = new Set(ra.data![key].map((x) => x.id));
      expect(rb.data![key].length).toBeGreaterThan(0);
      expect(rb.data![key].filter((x) => idsA.has(x.id))).toEqual([]);
    }
  });

  it("answers NOT_FOUND when one school's SYSADMIN names another school's records", async () => {
    const tries = [
      [
        'mutation($id:ID!){updateClassGroup(id:$id,input:{grade:5,letter:"Я"}){id}}',
        { id: aIds.cls },
      ],
      ['mutation($id:ID!){deleteClassGroup(id:$id)}', { id: aIds.cls }],
      ['mutation($id:ID!){updateSubject(id:$id,input:{name:"Взлом"}){id}}', { id: aIds.subject }],
      ['mutation($id:ID!){deleteSubject(id:$id)}', { id: aIds.subject }],
      ['mutation($id:ID!){deleteCourse(id:$id)}', { id: aIds.course }],
      ['mutation($id:ID!){resetStaffPassword(id:$id){initialPassword}}', { id: aIds.teacher }],
      ['mutation($id:ID!){deleteAcademicYear(id:$id)}', { id: aIds.year }],
      ['query($id:ID!){classGroups(academicYearId:$id){id}}', { id: aIds.year }],
      ['query($id:ID!){courses(classGroupId:$id){id}}', { id: aIds.cls }],
    ] as const;
    for (const [q, v] of tries) {
      const r = await b.request(q, v);
      if (q.startsWith('query($id:ID!){courses')) {
        expect(r.data).toEqual({ courses: [] });
      } else {
        expect({ q, code: codeOf(r) }).toEqual({ q, code: 'NOT_FOUND' });
      }
    }
  });

  it("refuses another school's class, subject or teacher inside an input", async () => {
    const cls = await b.request(
      'mutation($i:CreateClassGroupInput!){createClassGroup(input:$i){id}}',
      {
        i: {
          academicYearId: bIds.year,
          grade: 9,
          letter: 'А',
          classTeacherId: aIds.teacher,
        },
      },
    );
    expect(cls.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'NOT_A_TEACHER',
    });
    const course = await b.request('mutation($i:CreateCourseInput!){createCourse(input:$i){id}}', {
      i: {
        classGroupId: aIds.cls,
        subjectId: aIds.subject,
        teacherId: aIds.teacher,
        hoursPerWeek: 1,
      },
    });
    expect(course.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'classGroupId',
    });
    const year = await b.request(
      'mutation($i:CreateStudyPeriodInput!){createStudyPeriod(input:$i){id}}',
      {
        i: {
          academicYearId: aIds.year,
          name: 'X',
          kind: 'QUARTER',
          startsOn: '2026-09-01',
          endsOn: '2026-09-02',
        },
      },
    );
    expect(codeOf(year)).toBe('NOT_FOUND');
  });

  it("gives a parent of one school only their own school's children", async () => {
    const r = await bParent.request<{
      me: { school: { name: string }; children: { id: string }[] };
    }>('{ me { school { name } children { id fullName } } }');
    expect(r.data?.me.school.name).toBe('Вторая школа');
    const [{ n }] = await t.sql<{ n: string }>(
      `select count(*) n from person where school_id = ? and id in (${r.data!.me.children.map(() => '?').join(',')})`,
      [Number(bIds.school), ...r.data!.me.children.map((c) => Number(c.id))],
    );
    expect(Number(n)).toBe(r.data!.me.children.length);
    expect(r.data!.me.children.length).toBeGreaterThan(0);
  });

  it("never shows another school's row through a reference, even one that points across schools", async () => {
    // Data that should not exist (writes check the school of every id they are given): one of
    // school B's courses made to point at school A's teacher. References are not joined only to
    // re-check their school (decision 24); the row is read, with the filter, where it is shown.
    const course = { id: Number(bIds.course.id), teacher_id: Number(bIds.course.teacherId) };
    await t.sql(`update course set teacher_id = ? where id = ?`, [Number(aIds.teacher), course.id]);
    try {
      const r = await b.request<{ courses: { id: string; teacher: { fullName: string } }[] }>(
        '{ courses { id teacher { fullName } } }',
      );
      expect(JSON.stringify(r)).not.toContain('Первошкольная Анна');
      // The teacher is not found in school B; the field cannot be null, so the answer fails there.
      expect(r.errors?.map((e) => e.path)).toEqual([['courses', expect.any(Number), 'teacher']]);
    } finally {
      await t.sql(`update course set teacher_id = ? where id = ?`, [course.teacher_id, course.id]);
    }
  });

  it('throws instead of reading across schools when a query forgets the school', async () => {
    const { ClassGroup } = await import('../src/modules/school/class-group.entity.js');
    await expect(t.orm.em.fork().find(ClassGroup, {})).rejects.toThrow();
  });
});
