import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeOf,
  createTestApp,
  DEMO_TODAY,
  type GqlClient,
  type GqlResult,
  type TestApp,
} from './helpers.js';

/** Timetable, lesson generation, moved and cancelled lessons, substitutes, final marks, history. */
let t: TestApp;
let admin: GqlClient;
let teacher: GqlClient;
let ids: {
  course: string;
  otherCourse: string;
  q2: string;
  q3: string;
  q1: string;
  pupil: string;
  teacherId: string;
  english: string;
};

const one = async (sql: string, params: unknown[] = []) =>
  String((await t.sql<{ id: number }>(sql, params))[0].id);
const problem = (r: GqlResult) => {
  const e = r.errors?.[0]?.extensions ?? {};
  return { code: e.code, reason: e.reason, field: e.field };
};

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('sysadmin');
  teacher = await t.as('teacher');
  ids = {
    course: await one(
      `select co.id from course co join subject s on s.id = co.subject_id join class_group c on c.id = co.class_group_id where s.name = 'Алгебра' and c.grade = 7`,
    ),
    otherCourse: await one(
      `select co.id from course co join subject s on s.id = co.subject_id join class_group c on c.id = co.class_group_id where s.name = 'Химия' and c.grade = 9`,
    ),
    q1: await one(`select id from study_period where name = 'I четверть'`),
    q2: await one(`select id from study_period where name = 'II четверть'`),
    q3: await one(`select id from study_period where name = 'III четверть'`),
    pupil: await one(`select person_id id from user_account where login = 'pupil'`),
    teacherId: await one(`select person_id id from user_account where login = 'teacher'`),
    english: await one(`select person_id id from user_account where login = 'english'`),
  };
});
afterAll(() => t.close());

const SLOT =
  'mutation($i:TimetableSlotInput!){addTimetableSlot(input:$i){id weekday lessonNumber}}';

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
    expect(ok.data).toMatchObject({ addTimetableSlot: { weekday: 6, lessonNumber: 1 } });
    // The same teacher's algebra in 8А cannot take that Saturday lesson too.
    const algebra8 = await one(`select co.id from course co join subject s on s.id = co.subject_id
      join class_group c on c.id = co.class_group_id where s.name = 'Алгебра' and c.grade = 8`);
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
  const ADD = 'mutation($i:NewLessonInput!){addLesson(input:$i){id date number version}}';
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
    const added = await teacher.request<{ addLesson: { id: string; version: number } }>(ADD, {
      i: { courseId: ids.course, date: '2026-12-05', number: 8 },
    });
    expect(added.errors).toBeUndefined();
    const { id, version } = added.data!.addLesson;
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
          await t.as('classteacher')
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
      const c = await t.as(login);
      expect({
        login,
        code: codeOf(await c.request(SUB, { l: String(l.id), t: ids.english })),
      }).toEqual({ login, code: 'FORBIDDEN' });
    }
    expect((await teacher.request(SUB, { l: String(l.id), t: null })).data).toEqual({
      setSubstitute: { substituteId: null },
    });
    const parentPerson = await one(`select person_id id from user_account where login = 'parent'`);
    expect(
      problem(await (await t.as('deputy')).request(SUB, { l: String(l.id), t: parentPerson })),
    ).toMatchObject({ reason: 'NOT_A_TEACHER' });
    const ok = await (await t.as('deputy')).request(SUB, { l: String(l.id), t: ids.english });
    expect(ok.data).toEqual({ setSubstitute: { substituteId: ids.english } });
    const english = await t.as('english');
    const answer = await one(`select id from work_type where name = 'Ответ на уроке'`);
    const w = await english.request(
      'mutation($c:[MarkChangeInput!]!){saveMarks(changes:$c){saved{id}}}',
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
    const outsider = await one(
      `select e.pupil_id id from enrollment e join class_group c on c.id = e.class_group_id where c.grade = 8 limit 1`,
    );
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
          await t.as('director')
        ).request(SET, {
          i: { courseId: ids.course, pupilId: ids.pupil, periodId: ids.q2, value: '3', version: 2 },
        }),
      ),
    ).toBe('FORBIDDEN');
  });

  it("shows a mark's history to its teacher and the child's parent, and to nobody else", async () => {
    const answer = await one(`select id from work_type where name = 'Ответ на уроке'`);
    const [l] = await t.sql<{ id: number }>(
      `select id from lesson where course_id = ? and date <= ? and not cancelled and substitute_id is null order by date desc limit 1`,
      [ids.course, DEMO_TODAY],
    );
    const created = await teacher.request<{ saveMarks: { saved: { id: string }[] } }>(
      'mutation($c:[MarkChangeInput!]!){saveMarks(changes:$c){saved{id}}}',
      {
        c: [{ lessonId: String(l.id), pupilId: ids.pupil, value: '3', workTypeId: answer }],
      },
    );
    const markId = created.data!.saveMarks.saved[0].id;
    await teacher.request('mutation($c:[MarkChangeInput!]!){saveMarks(changes:$c){saved{id}}}', {
      c: [{ id: markId, version: 1, value: '4' }],
    });
    const H = 'query($m:ID!){markHistory(markId:$m){at actorName action before after}}';
    for (const login of ['teacher', 'parent', 'pupil', 'classteacher', 'director']) {
      const r = await (
        await t.as(login)
      ).request<{ markHistory: { action: string; after: string }[] }>(H, { m: markId });
      expect({ login, actions: r.data?.markHistory.map((h) => h.action) }).toEqual({
        login,
        actions: ['create', 'update'],
      });
    }
    expect(
      JSON.parse(
        (await teacher.request<{ markHistory: { after: string }[] }>(H, { m: markId })).data!
          .markHistory[1].after,
      ),
    ).toMatchObject({ value: '4' });
    // A parent of another family, signing in with their own account.
    await t.sql(
      `insert into user_account (school_id, person_id, login, password_hash, active, created_at)
       select g.school_id, g.guardian_id, 'other.parent', a.password_hash, true, now() from guardianship g, user_account a
        where a.login = 'parent' and g.pupil_id <> ? and g.guardian_id not in (select person_id from user_account) limit 1`,
      [ids.pupil],
    );
    expect(codeOf(await (await t.as('other.parent')).request(H, { m: markId }))).toBe('NOT_FOUND');
    for (const login of ['english', 'sysadmin']) {
      expect({ login, code: codeOf(await (await t.as(login)).request(H, { m: markId })) }).toEqual({
        login,
        code: 'NOT_FOUND',
      });
    }
  });
});
