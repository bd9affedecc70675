import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeOf,
  createTestApp,
  DEMO_TODAY,
  type GqlClient,
  type GqlResult,
  type TestApp,
} from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory } from './factory.js';

/** Timetable, lesson generation, moved and cancelled lessons, substitutes, final marks, history. */
let t: TestApp;
let f: Factory;
let admin: GqlClient;
let teacher: GqlClient;
let ids: {
  course: string; // algebra 7А by `teacher`: Mondays, lesson 1, the whole year
  algebra8: string; // algebra 8А by `teacher` too
  otherCourse: string; // chemistry 9А by another teacher
  q2: string;
  q3: string;
  q1: string; // closed
  pupil: string;
  outsider: string; // a pupil of 8А
  teacherId: string;
  english: string;
  parent: string;
};

const problem = (r: GqlResult) => {
  const e = r.errors?.[0]?.extensions ?? {};
  return { code: e.code, reason: e.reason, field: e.field };
};

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  const school = await f.newSchool();
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  await f.newStaff({ roles: [Role.DEPUTY, Role.TEACHER], login: 'deputy' });
  const algebraTeacher = await f.newTeacher({ login: 'teacher' });
  const english = await f.newTeacher({ login: 'english' });
  const class7 = await f.newClass({
    grade: 7,
    classTeacher: await f.newTeacher({ login: 'classteacher' }),
  });
  const class8 = await f.newClass({ grade: 8 });
  const pupil = await f.newPupil({ classGroup: class7, login: 'pupil' });
  const parent = await f.newParent({ children: [pupil], login: 'parent' });
  const outsider = await f.newPupil({ classGroup: class8 });
  const course = await f.newCourse({
    classGroup: class7,
    subject: 'Алгебра',
    teacher: algebraTeacher,
  });
  const { lessons } = await f.newSlot({ course, weekday: 1, number: 1 });
  const [q1, q2, q3] = school.periods;
  // A mark in the II quarter, which keeps its lesson where it is.
  await f.newMark({ lesson: lessons.find((l) => l.date >= q2.startsOn)!, pupil });
  await f.lockPeriod(q1);
  admin = await f.as('sysadmin');
  teacher = await f.as('teacher');
  ids = {
    course: course.id,
    algebra8: (
      await f.newCourse({ classGroup: class8, subject: 'Алгебра', teacher: algebraTeacher })
    ).id,
    otherCourse: (
      await f.newCourse({ classGroup: await f.newClass({ grade: 9 }), subject: 'Химия' })
    ).id,
    q1: q1.id,
    q2: q2.id,
    q3: q3.id,
    pupil: pupil.id,
    outsider: outsider.id,
    teacherId: algebraTeacher.id,
    english: english.id,
    parent: parent.id,
  };
});
afterAll(() => t.close());

const SLOT =
  'mutation($i:TimetableSlotInput!){createTimetableSlot(input:$i){id weekday lessonNumber}}';

describe('the timetable', () => {
  it('refuses a slot where the class or the teacher is busy, and accepts a free one', async () => {
    const [busy] = await t.sql<{ weekday: number; lesson_number: number }>(
      `select weekday, lesson_number from timetable_slot where course_id = ? limit 1`,
      [ids.course],
    );
    const base = { courseId: ids.course, validFrom: '2026-09-01', validTo: '2027-05-31' };
    expect(
      problem(
        await admin.request(SLOT, {
          i: { ...base, weekday: busy.weekday, lessonNumber: busy.lesson_number },
        }),
      ),
    ).toEqual({
      code: 'CONFLICT',
      reason: 'TIMETABLE_OVERLAP',
      field: 'lessonNumber',
    });
    expect(
      problem(await admin.request(SLOT, { i: { ...base, weekday: 8, lessonNumber: 1 } })),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'weekday' });
    const ok = await admin.request(SLOT, { i: { ...base, weekday: 6, lessonNumber: 1 } });
    expect(ok.data).toMatchObject({ createTimetableSlot: { weekday: 6, lessonNumber: 1 } });
    // The same teacher's algebra in 8А cannot take that Saturday lesson too.
    const algebra8 = ids.algebra8;
    const busyTeacher = await admin.request(SLOT, {
      i: { ...base, courseId: algebra8, weekday: 6, lessonNumber: 1 },
    });
    expect(problem(busyTeacher)).toEqual({
      code: 'CONFLICT',
      reason: 'TEACHER_BUSY',
      field: 'lessonNumber',
    });
    expect(
      codeOf(await teacher.request(SLOT, { i: { ...base, weekday: 6, lessonNumber: 2 } })),
    ).toBe('FORBIDDEN');
  });

  it("makes a period's lessons from the slots, skipping holidays and keeping what exists", async () => {
    const q = 'mutation($c:ID!,$p:ID!){generateLessons(courseId:$c,periodId:$p)}';
    const before = await t.sql<{ n: string }>(`select count(*) n from lesson where course_id = ?`, [
      ids.course,
    ]);
    const r = await teacher.request<{ generateLessons: number }>(q, { c: ids.course, p: ids.q3 });
    // Only the Saturday slot added above makes new lessons: one each Saturday of the III quarter.
    const saturdays = await t.sql<{ n: string }>(
      `select count(*) n from generate_series('2027-01-12'::date, '2027-03-27'::date, '1 day') d where extract(isodow from d) = 6`,
    );
    expect(r.data!.generateLessons).toBe(Number(saturdays[0].n));
    const again = await teacher.request<{ generateLessons: number }>(q, {
      c: ids.course,
      p: ids.q3,
    });
    expect(again.data!.generateLessons).toBe(0);
    const after = await t.sql<{ n: string }>(`select count(*) n from lesson where course_id = ?`, [
      ids.course,
    ]);
    expect(Number(after[0].n) - Number(before[0].n)).toBe(Number(saturdays[0].n));
    expect(codeOf(await teacher.request(q, { c: ids.otherCourse, p: ids.q3 }))).toBe('FORBIDDEN');
  });
});

describe('lessons', () => {
  const ADD = 'mutation($i:NewLessonInput!){createLesson(input:$i){id date number version}}';
  const SCHEDULE =
    'mutation($id:ID!,$i:LessonScheduleInput!){scheduleLesson(id:$id,input:$i){date number cancelled version}}';

  it('adds, moves and cancels a lesson, refusing a locked period, a taken time and a stale version', async () => {
    expect(
      problem(
        await teacher.request(ADD, { i: { courseId: ids.course, date: '2026-10-01', number: 8 } }),
      ),
    ).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'PERIOD_LOCKED',
      field: 'date',
    });
    const added = await teacher.request<{ createLesson: { id: string; version: number } }>(ADD, {
      i: { courseId: ids.course, date: '2026-12-05', number: 8 },
    });
    expect(added.errors).toBeUndefined();
    const { id, version } = added.data!.createLesson;
    expect(
      problem(
        await teacher.request(ADD, { i: { courseId: ids.course, date: '2026-12-05', number: 8 } }),
      ),
    ).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_EXISTS' });
    const moved = await teacher.request(SCHEDULE, {
      id,
      i: { date: '2026-12-12', number: 7, cancelled: false, version },
    });
    expect(moved.data).toEqual({
      scheduleLesson: { date: '2026-12-12', number: 7, cancelled: false, version: version + 1 },
    });
    expect(
      codeOf(
        await teacher.request(SCHEDULE, {
          id,
          i: { date: '2026-12-12', number: 7, cancelled: true, version },
        }),
      ),
    ).toBe('CONFLICT');
    const cancelled = await teacher.request(SCHEDULE, {
      id,
      i: {
        date: '2026-12-12',
        number: 7,
        cancelled: true,
        note: 'Параграф 12 самостоятельно',
        version: version + 1,
      },
    });
    expect(cancelled.data).toMatchObject({ scheduleLesson: { cancelled: true } });
    const audit = await t.sql(
      `select action from audit_event where entity = 'lesson' and entity_id = ?`,
      [id],
    );
    expect(audit).toHaveLength(3);
    expect(
      codeOf(
        await (
          await f.as('classteacher')
        ).request(ADD, { i: { courseId: ids.course, date: '2026-12-05', number: 6 } }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('refuses to move a lesson that already has marks', async () => {
    const [l] = await t.sql<{ id: number; version: number; date: string; number: number }>(
      `select l.id, l.version, l.date::text, l.number from lesson l where l.course_id = ? and l.date between '2026-11-05' and ?
          and exists(select 1 from mark m where m.lesson_id = l.id and m.removed_at is null) limit 1`,
      [ids.course, DEMO_TODAY],
    );
    const r = await teacher.request(SCHEDULE, {
      id: String(l.id),
      i: { date: '2026-12-19', number: l.number, cancelled: false, version: l.version },
    });
    expect(problem(r)).toMatchObject({ code: 'CONFLICT', reason: 'HAS_DEPENDENTS' });
  });

  it('lets the administration record a substitute, who may then write in that lesson only', async () => {
    const [l] = await t.sql<{ id: number }>(
      `select id from lesson where course_id = ? and date <= ? and not cancelled order by date desc limit 1`,
      [ids.course, DEMO_TODAY],
    );
    const SUB = 'mutation($l:ID!,$t:ID){setSubstitute(lessonId:$l,teacherId:$t){substituteId}}';
    // Another teacher may not; the course's own teacher and the administration may.
    for (const login of ['classteacher', 'parent']) {
      const c = await f.as(login);
      expect({
        login,
        code: codeOf(await c.request(SUB, { l: String(l.id), t: ids.english })),
      }).toEqual({ login, code: 'FORBIDDEN' });
    }
    expect((await teacher.request(SUB, { l: String(l.id), t: null })).data).toEqual({
      setSubstitute: { substituteId: null },
    });
    const parentPerson = ids.parent;
    expect(
      problem(await (await f.as('deputy')).request(SUB, { l: String(l.id), t: parentPerson })),
    ).toMatchObject({ reason: 'NOT_A_TEACHER' });
    const ok = await (await f.as('deputy')).request(SUB, { l: String(l.id), t: ids.english });
    expect(ok.data).toEqual({ setSubstitute: { substituteId: ids.english } });
    const english = await f.as('english');
    const answer = f.school.workTypes['Ответ на уроке'];
    const w = await english.request(
      'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}',
      {
        c: [{ lessonId: String(l.id), pupilId: ids.pupil, value: '5', workTypeId: answer }],
      },
    );
    expect(w.errors).toBeUndefined();
  });
});

describe('final marks and history', () => {
  const SET = 'mutation($i:PeriodMarkInput!){setPeriodMark(input:$i){value version periodId}}';

  it('sets a period mark and a year mark with versions, refusing a closed period and bad values', async () => {
    const r = await teacher.request<{ setPeriodMark: { version: number } }>(SET, {
      i: { courseId: ids.course, pupilId: ids.pupil, periodId: ids.q2, value: '5', version: null },
    });
    expect(r.data).toEqual({ setPeriodMark: { value: '5', version: 1, periodId: ids.q2 } });
    expect(
      codeOf(
        await teacher.request(SET, {
          i: {
            courseId: ids.course,
            pupilId: ids.pupil,
            periodId: ids.q2,
            value: '4',
            version: null,
          },
        }),
      ),
    ).toBe('CONFLICT');
    expect(
      (
        await teacher.request(SET, {
          i: { courseId: ids.course, pupilId: ids.pupil, periodId: ids.q2, value: '4', version: 1 },
        })
      ).data,
    ).toEqual({
      setPeriodMark: { value: '4', version: 2, periodId: ids.q2 },
    });
    expect(
      problem(
        await teacher.request(SET, {
          i: { courseId: ids.course, pupilId: ids.pupil, periodId: ids.q1, value: '4', version: 1 },
        }),
      ),
    ).toMatchObject({ reason: 'PERIOD_LOCKED' });
    expect(
      problem(
        await teacher.request(SET, {
          i: { courseId: ids.course, pupilId: ids.pupil, periodId: ids.q2, value: '6', version: 2 },
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_MARK' });
    const outsider = ids.outsider;
    expect(
      problem(
        await teacher.request(SET, {
          i: { courseId: ids.course, pupilId: outsider, periodId: ids.q2, value: '4' },
        }),
      ),
    ).toMatchObject({ reason: 'NOT_ENROLLED' });
    const year = await teacher.request(SET, {
      i: { courseId: ids.course, pupilId: ids.pupil, periodId: null, value: '5', version: null },
    });
    expect(year.data).toEqual({ setPeriodMark: { value: '5', version: 1, periodId: null } });
    expect(
      codeOf(
        await (
          await f.as('director')
        ).request(SET, {
          i: { courseId: ids.course, pupilId: ids.pupil, periodId: ids.q2, value: '3', version: 2 },
        }),
      ),
    ).toBe('FORBIDDEN');
  });

  it("shows a mark's history to its teacher and the child's parent, and to nobody else", async () => {
    const answer = f.school.workTypes['Ответ на уроке'];
    const [l] = await t.sql<{ id: number }>(
      `select id from lesson where course_id = ? and date <= ? and not cancelled and substitute_id is null order by date desc limit 1`,
      [ids.course, DEMO_TODAY],
    );
    const created = await teacher.request<{ setMarks: { saved: { id: string }[] } }>(
      'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}',
      {
        c: [{ lessonId: String(l.id), pupilId: ids.pupil, value: '3', workTypeId: answer }],
      },
    );
    const markId = created.data!.setMarks.saved[0].id;
    await teacher.request('mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}', {
      c: [{ id: markId, version: 1, value: '4' }],
    });
    const H = 'query($m:ID!){markHistory(markId:$m){at actorName action before after}}';
    for (const login of ['teacher', 'parent', 'pupil', 'classteacher', 'director']) {
      const r = await (
        await f.as(login)
      ).request<{ markHistory: { action: string; after: string }[] }>(H, { m: markId });
      expect({ login, actions: r.data?.markHistory.map((h) => h.action) }).toEqual({
        login,
        actions: ['CREATE', 'UPDATE'],
      });
    }
    expect(
      JSON.parse(
        (await teacher.request<{ markHistory: { after: string }[] }>(H, { m: markId })).data!
          .markHistory[1].after,
      ),
    ).toMatchObject({ value: '4' });
    // A parent of another family, signing in with their own account.
    await f.newParent({ children: [ids.outsider], login: 'other.parent' });
    expect(codeOf(await (await f.as('other.parent')).request(H, { m: markId }))).toBe('NOT_FOUND');
    for (const login of ['english', 'sysadmin']) {
      expect({ login, code: codeOf(await (await f.as(login)).request(H, { m: markId })) }).toEqual({
        login,
        code: 'NOT_FOUND',
      });
    }
  });
});
