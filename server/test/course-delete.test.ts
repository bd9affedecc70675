import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, DEMO_TODAY, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory } from './factory.js';

/** Deleting a course (issue 19): a journal with anything in it is kept, an empty one goes. */
let t: TestApp;
let sysadmin: GqlClient;
let teacher: GqlClient;
let f: Factory;
let ids: {
  algebra7: string;
  class7: string;
  teacher: string;
  pupil: string;
  answer: string;
  q1: string;
  q4: string;
};
const DELETE = 'mutation($id:ID!){deleteCourse(id:$id)}';

/** Everything a course's journal holds, counted. */
const journalOf = async (courseId: string) =>
  (
    await t.sql(
      `select (select count(*) from lesson where course_id = ?)::int lessons,
              (select count(*) from mark m join lesson l on l.id = m.lesson_id where l.course_id = ?)::int marks,
              (select count(*) from attendance a join lesson l on l.id = a.lesson_id where l.course_id = ?)::int attendance,
              (select count(*) from period_mark where course_id = ?)::int "periodMarks",
              (select count(*) from course where id = ?)::int course`,
      [courseId, courseId, courseId, courseId, courseId],
    )
  )[0];

const courseAudit = (courseId: string) =>
  t.sql<{ action: string; before: Record<string, unknown> }>(
    `select action, before from audit_event where entity = 'course' and entity_id = ?`,
    [courseId],
  );

let subjects = 0;
/** A new course in 7А of a new subject, taught by `teacher`, with lessons on these dates. */
async function freshCourse(dates: string[]): Promise<{ course: string; lessons: string[] }> {
  const subject = await sysadmin.request<{ createSubject: { id: string } }>(
    'mutation($i:SubjectInput!){createSubject(input:$i){id}}',
    { i: { name: `Астрономия ${++subjects}` } },
  );
  const created = await sysadmin.request<{ createCourse: { id: string } }>(
    'mutation($i:CreateCourseInput!){createCourse(input:$i){id}}',
    {
      i: {
        classGroupId: ids.class7,
        subjectId: subject.data!.createSubject.id,
        teacherId: ids.teacher,
        hoursPerWeek: 1,
      },
    },
  );
  expect(created.errors).toBeUndefined();
  const course = created.data!.createCourse.id;
  const lessons: string[] = [];
  for (const date of dates) {
    const r = await teacher.request<{ createLesson: { id: string } }>(
      'mutation($i:NewLessonInput!){createLesson(input:$i){id}}',
      { i: { courseId: course, date, number: 7 } },
    );
    expect(r.errors).toBeUndefined();
    lessons.push(r.data!.createLesson.id);
  }
  return { course, lessons };
}

/** 7А's algebra on Mondays by `teacher`: a mark on each lesson so far, an absence, I quarter marks. */
async function algebra7(class7: { id: string }, teacher: { id: string }, pupils: { id: string }[]) {
  const [q1] = f.school.periods;
  const course = await f.newCourse({ classGroup: class7, subject: 'Алгебра', teacher });
  const { lessons } = await f.newSlot({ course, weekday: 1 });
  const held = lessons.filter((l) => l.date <= DEMO_TODAY);
  for (const [i, lesson] of held.entries()) {
    await f.newMark({ lesson, pupil: pupils[i % pupils.length], value: String(3 + (i % 3)) });
  }
  await f.newAbsence({ lesson: held[0], pupil: pupils[1] });
  for (const pupil of pupils) await f.newPeriodMark({ course, pupil, period: q1, value: '4' });
  return course;
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  const school = await f.newSchool();
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  await f.newStaff({ roles: [Role.DEPUTY, Role.TEACHER], login: 'deputy' });
  const algebraTeacher = await f.newTeacher({ login: 'teacher' });
  const class7 = await f.newClass({
    grade: 7,
    classTeacher: await f.newTeacher({ login: 'classteacher' }),
  });
  const pupil = await f.newPupil({ classGroup: class7, login: 'pupil' });
  await f.newParent({ children: [pupil], login: 'parent' });
  const classmate = await f.newPupil({ classGroup: class7 });
  const course = await algebra7(class7, algebraTeacher, [pupil, classmate]);
  sysadmin = await f.as('sysadmin');
  teacher = await f.as('teacher');
  ids = {
    algebra7: course.id,
    class7: class7.id,
    teacher: algebraTeacher.id,
    pupil: pupil.id,
    answer: school.workTypes['Ответ на уроке'],
    q1: school.periods[0].id,
    q4: school.periods[3].id,
  };
});
afterAll(() => t.close());

describe('deleteCourse', () => {
  it('refuses a course with a journal and keeps every lesson, mark, absence and period mark', async () => {
    const before = await journalOf(ids.algebra7);
    expect(before).toMatchObject({ course: 1 });
    expect(before.lessons).toBeGreaterThan(0);
    expect(before.marks).toBeGreaterThan(0);
    expect(before.attendance).toBeGreaterThan(0);
    expect(before.periodMarks).toBeGreaterThan(0);
    const r = await sysadmin.request(DELETE, { id: ids.algebra7 });
    expect(r.data).toBeNull();
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'HAS_JOURNAL_ENTRIES',
    });
    expect(r.errors?.[0].message).toContain(`${before.marks as number} marks`);
    expect(await journalOf(ids.algebra7)).toEqual(before);
    expect(await courseAudit(ids.algebra7)).toEqual([]);
  });

  it('deletes a course whose lessons are empty, with those lessons, and audits it', async () => {
    const { course, lessons } = await freshCourse(['2026-11-23', '2026-11-24']);
    const r = await sysadmin.request(DELETE, { id: course });
    expect([r.errors, r.data]).toEqual([undefined, { deleteCourse: course }]);
    expect(await journalOf(course)).toMatchObject({ lessons: 0, course: 0 });
    expect(await t.sql(`select 1 from lesson where id in (?, ?)`, lessons)).toEqual([]);
    const [row] = await courseAudit(course);
    expect(row.action).toBe('remove');
    expect(row.before).toMatchObject({
      classGroupId: Number(ids.class7),
      teacherId: Number(ids.teacher),
      emptyLessonsDeleted: 2,
    });
  });

  it('counts a removed mark, and a topic, as journal entries', async () => {
    const withTombstone = await freshCourse(['2026-11-23']);
    const saved = await teacher.request<{ setMarks: { saved: { id: string }[] } }>(
      'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id version}}}',
      {
        c: [
          {
            lessonId: withTombstone.lessons[0],
            pupilId: ids.pupil,
            value: '5',
            workTypeId: ids.answer,
          },
        ],
      },
    );
    expect(saved.errors).toBeUndefined();
    const removed = await teacher.request(
      'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}',
      { c: [{ id: saved.data!.setMarks.saved[0].id, version: 1, remove: true }] },
    );
    expect(removed.errors).toBeUndefined();
    const withTopic = await freshCourse(['2026-11-23']);
    await t.sql(`update lesson set topic = 'Звёзды' where id = ?`, [withTopic.lessons[0]]);
    for (const { course } of [withTombstone, withTopic]) {
      const before = await journalOf(course);
      const r = await sysadmin.request(DELETE, { id: course });
      expect(r.errors?.[0].extensions).toMatchObject({ reason: 'HAS_JOURNAL_ENTRIES' });
      expect(await journalOf(course)).toEqual(before);
    }
  });

  it('is refused to every other role, with nothing deleted', async () => {
    const before = await journalOf(ids.algebra7);
    for (const login of ['director', 'deputy', 'teacher', 'classteacher', 'parent', 'pupil']) {
      const r = await (await f.as(login)).request(DELETE, { id: ids.algebra7 });
      expect({ login, code: codeOf(r) }).toEqual({ login, code: 'FORBIDDEN' });
    }
    expect(await journalOf(ids.algebra7)).toEqual(before);
  });

  it('is refused by the database itself while a course has lessons or period marks', async () => {
    const { course } = await freshCourse(['2026-11-23']);
    await expect(t.sql(`delete from course where id = ?`, [course])).rejects.toThrow(
      /lesson_course_id_foreign/,
    );
    expect(await journalOf(course)).toMatchObject({ lessons: 1, course: 1 });
  });
});

/** A study period's period marks and subgroup splits would cascade with it: a used one is kept. */
describe('deleteStudyPeriod', () => {
  const DELETE_PERIOD = 'mutation($id:ID!){deleteStudyPeriod(id:$id)}';
  const periodMarks = async (periodId: string) =>
    (
      await t.sql<{ n: number }>(`select count(*)::int n from period_mark where period_id = ?`, [
        periodId,
      ])
    )[0].n;

  it('is refused while the period holds period marks, which all stay', async () => {
    const periodId = ids.q1;
    const before = await periodMarks(periodId);
    expect(before).toBeGreaterThan(0);
    const r = await sysadmin.request(DELETE_PERIOD, { id: periodId });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors?.[0].extensions).toMatchObject({ reason: 'HAS_DEPENDENTS' });
    expect(await periodMarks(periodId)).toBe(before);
  });

  it('deletes a period that holds nothing', async () => {
    // The IV quarter: no period marks, no subgroup splits.
    const periodId = ids.q4;
    const r = await sysadmin.request(DELETE_PERIOD, { id: periodId });
    expect(r.data).toEqual({ deleteStudyPeriod: periodId });
    expect(await t.sql(`select 1 from study_period where id = ?`, [periodId])).toEqual([]);
  });
});
