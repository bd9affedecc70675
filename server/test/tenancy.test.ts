import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { generateSchool } from '../src/seed/generate.js';
import { hashPassword } from '../src/auth/password.js';

/** Two schools in one database: nobody of one reaches the other's data (DESIGN.md, "Tenancy"). */
let t: TestApp;
let a: GqlClient;
let b: GqlClient;
let bParent: GqlClient;
let aIds: { cls: string; subject: string; teacher: string; year: string; course: string };

beforeAll(async () => {
  t = await createTestApp();
  const em = t.orm.em.fork();
  const passwordHash = await hashPassword('demo');
  await em.transactional((tem) =>
    generateSchool(tem, {
      seed: 99,
      schoolName: 'Вторая школа',
      startYear: 2026,
      grades: [1, 2, 7],
      letters: ['А'],
      pupilsPerClass: [3, 4],
      passwordHash,
      loginPrefix: 'b.',
    }),
  );
  const [row] = await t.sql<{
    id: number;
  }>(`select p.id from person p join guardianship g on g.guardian_id = p.id
      join school s on s.id = p.school_id where s.name = 'Вторая школа' limit 1`);
  await t.sql(
    `insert into user_account (school_id, person_id, login, password_hash, active, created_at)
      select school_id, id, 'b.parent', (select password_hash from user_account where login = 'b.sysadmin'), true, now() from person where id = ?`,
    [row.id],
  );
  a = await t.as('sysadmin');
  b = await t.as('b.sysadmin');
  bParent = await t.as('b.parent');
  const one = async (sql: string) => String((await t.sql<{ id: number }>(sql))[0].id);
  const schoolA = `(select school_id from user_account where login = 'sysadmin')`;
  aIds = {
    cls: await one(`select id from class_group where school_id = ${schoolA} limit 1`),
    subject: await one(`select id from subject where school_id = ${schoolA} limit 1`),
    teacher: await one(`select person_id id from user_account where login = 'teacher'`),
    year: await one(`select id from academic_year where school_id = ${schoolA}`),
    course: await one(`select id from course where school_id = ${schoolA} limit 1`),
  };
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
    expect(ra.data?.classGroups).toHaveLength(9);
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
    const [bYear] = await t.sql<{ id: number }>(
      `select id from academic_year where school_id = (select school_id from user_account where login = 'b.sysadmin')`,
    );
    const cls = await b.request(
      'mutation($i:CreateClassGroupInput!){createClassGroup(input:$i){id}}',
      {
        i: {
          academicYearId: String(bYear.id),
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
      `select count(*) n from person where school_id = (select school_id from user_account where login = 'b.parent') and id in (${r.data!.me.children.map(() => '?').join(',')})`,
      r.data!.me.children.map((c) => Number(c.id)),
    );
    expect(Number(n)).toBe(r.data!.me.children.length);
    expect(r.data!.me.children.length).toBeGreaterThan(0);
  });

  it("never shows another school's row through a reference, even one that points across schools", async () => {
    // Data that should not exist (writes check the school of every id they are given): one of
    // school B's courses made to point at school A's teacher. References are not joined only to
    // re-check their school (decision 24); the row is read, with the filter, where it is shown.
    const [course] = await t.sql<{ id: number; teacher_id: number }>(
      `select c.id, c.teacher_id from course c join school s on s.id = c.school_id where s.name = 'Вторая школа' order by c.id limit 1`,
    );
    const [teacherA] = await t.sql<{ full_name: string }>(
      `select last_name || ' ' || first_name as full_name from person where id = ?`,
      [Number(aIds.teacher)],
    );
    await t.sql(`update course set teacher_id = ? where id = ?`, [Number(aIds.teacher), course.id]);
    try {
      const r = await b.request<{ courses: { id: string; teacher: { fullName: string } }[] }>(
        '{ courses { id teacher { fullName } } }',
      );
      expect(JSON.stringify(r)).not.toContain(teacherA.full_name);
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
