import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeOf,
  createTestApp,
  DEMO_TODAY,
  type GqlClient,
  type GqlResult,
  type TestApp,
} from './helpers.js';
import { suggestedMark, weightedAverage } from '../src/modules/journal/grading.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory, type MadeCourse, type MadeLesson } from './factory.js';

/** The class journal: marks, attendance, topics, locks, versions, batches, history. */
let t: TestApp;
let f: Factory;
let teacher: GqlClient;
let ids: {
  course: string; // algebra 7А, taught by `teacher`, three lessons a week
  otherCourse: string; // Russian 7А, taught by `classteacher`, five lessons a week
  class7: string;
  q1: string; // closed, with period marks
  q2: string;
  pastLesson: string; // a held Q2 algebra lesson
  futureLesson: string;
  q1Lesson: string;
  pupil: string; // `pupil`, in 7А
  outsider: string; // a pupil of another class
  teacher: string;
  classteacher: string;
  answer: string; // work type «Ответ на уроке»
  test: string; // work type «Контрольная работа»
  absent: string; // attendance code Н
};

/** Slots for these weekdays, each at its own lesson number; the course's lessons, by date. */
async function timetable(course: MadeCourse, weekdays: number[], first: number) {
  const slots = await Promise.all(
    weekdays.map((weekday, i) => f.newSlot({ course, weekday, number: first + i })),
  );
  return slots.flatMap((s) => s.lessons).sort((a, b) => a.date.localeCompare(b.date));
}

/** Marks in the first lessons of the I quarter, then its period marks, and the quarter closed. */
async function closedFirstQuarter(course: MadeCourse, lessons: MadeLesson[], pupils: string[]) {
  const q1 = f.school.periods[0];
  const held = lessons.filter((l) => l.date <= q1.endsOn).slice(0, 3);
  for (const [i, pupil] of pupils.entries()) {
    const values = held.map((_, k) => String(3 + ((i + k) % 3)));
    for (const [k, lesson] of held.entries()) {
      await f.newMark({ lesson, pupil, value: values[k], workType: k === 2 ? 'Тест' : undefined });
    }
    const avg = weightedAverage(
      values.map((v, k) => ({ score: Number(v), weight: k === 2 ? 3 : 2 })),
    );
    await f.newPeriodMark({
      course,
      pupil,
      period: q1,
      value: String(suggestedMark(avg, 1, [1.6, 2.6, 3.6, 4.6])),
    });
  }
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  const school = await f.newSchool();
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  await f.newStaff({ roles: [Role.DEPUTY, Role.TEACHER], login: 'deputy' });
  const algebraTeacher = await f.newTeacher({ login: 'teacher' });
  const classteacher = await f.newTeacher({ login: 'classteacher' });
  const class7 = await f.newClass({ grade: 7, classTeacher: classteacher });
  const pupil = await f.newPupil({ classGroup: class7, login: 'pupil' });
  const classmates = [];
  for (let i = 0; i < 4; i++) classmates.push(await f.newPupil({ classGroup: class7 }));
  await f.newParent({ children: [pupil], login: 'parent' });
  const outsider = await f.newPupil({ classGroup: await f.newClass({ grade: 8 }) });
  const course = await f.newCourse({
    classGroup: class7,
    subject: 'Алгебра',
    teacher: algebraTeacher,
  });
  const russian = await f.newCourse({
    classGroup: class7,
    subject: 'Русский язык',
    teacher: classteacher,
  });
  const lessons = await timetable(course, [1, 3, 5], 1);
  const pupils = [pupil, ...classmates].map((p) => p.id);
  await closedFirstQuarter(course, lessons, pupils);
  await closedFirstQuarter(russian, await timetable(russian, [1, 2, 3, 4, 5], 4), pupils);
  const [q1, q2] = school.periods;
  await f.lockPeriod(q1, new Date('2026-10-27T12:00:00Z'));
  teacher = await f.as('teacher');
  ids = {
    course: course.id,
    otherCourse: russian.id,
    class7: class7.id,
    q1: q1.id,
    q2: q2.id,
    pastLesson: lessons.filter((l) => l.date >= q2.startsOn && l.date <= DEMO_TODAY).at(-1)!.id,
    futureLesson: lessons.find((l) => l.date > DEMO_TODAY)!.id,
    q1Lesson: lessons[0].id,
    pupil: pupil.id,
    outsider: outsider.id,
    teacher: algebraTeacher.id,
    classteacher: classteacher.id,
    answer: school.workTypes['Ответ на уроке'],
    test: school.workTypes['Контрольная работа'],
    absent: school.codes['Н'],
  };
});
afterAll(() => t.close());

const PAGE = `query($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){className subjectName locked canWrite
  pupils{id enrolled{from to}} lessons{id date version topic homework}
  marks{id lessonId pupilId value score workTypeId version} attendance{id lessonId pupilId codeId version}
  results{pupilId average suggested periodMark} workTypes{id weight}}}`;
const SAVE = `mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id lessonId pupilId value score workTypeId comment version} removedIds}}`;
const ATTEND = `mutation($c:[AttendanceChangeInput!]!){setAttendance(changes:$c){id codeId reason version}}`;

type Page = {
  journalPage: {
    locked: boolean;
    canWrite: boolean;
    pupils: { id: string }[];
    lessons: { id: string; date: string; version: number }[];
    marks: { id: string; lessonId: string; pupilId: string; value: string; version: number }[];
    results: {
      pupilId: string;
      average: number | null;
      suggested: number | null;
      periodMark: string | null;
    }[];
  };
};
type Saved = {
  setMarks: {
    saved: {
      id: string;
      value: string;
      version: number;
      comment: string | null;
      workTypeId: string;
    }[];
    removedIds: string[];
  };
};
const entries = (r: GqlResult) =>
  (r.errors?.[0]?.extensions?.entries ?? []) as {
    index: number;
    reason: string;
    current?: unknown;
  }[];
const markCount = async () =>
  Number((await t.sql<{ n: string }>(`select count(*) n from mark`))[0].n);

describe('grading', () => {
  it('weighs marks and suggests the period mark from the thresholds', () => {
    const avg = weightedAverage([
      { score: 5, weight: 5 },
      { score: 3, weight: 2 },
      { score: 4, weight: 1 },
      { score: null, weight: 3 },
    ]);
    expect(avg).toBe(4.38); // (25 + 6 + 4) / 8
    expect(suggestedMark(avg, 1, [1.6, 2.6, 3.6, 4.6])).toBe(4);
    expect(suggestedMark(4.6, 1, [1.6, 2.6, 3.6, 4.6])).toBe(5);
    expect(suggestedMark(4.59, 1, [1.65, 2.65, 3.65, 4.65])).toBe(4);
    expect(suggestedMark(1.2, 1, [1.6, 2.6, 3.6, 4.6])).toBe(1);
    expect(weightedAverage([])).toBeNull();
  });
});

describe('the journal page', () => {
  it('gives the teacher the whole page with averages that match the marks', async () => {
    const r = await teacher.request<Page>(PAGE, { c: ids.course, p: ids.q1 });
    const page = r.data!.journalPage;
    expect(page.locked).toBe(true);
    expect(page.canWrite).toBe(true);
    expect(page.lessons.length).toBeGreaterThan(20);
    expect(page.marks.length).toBeGreaterThan(10);
    expect(page.results.every((x) => x.periodMark !== null || x.average === null)).toBe(true);
    const [pupilResult] = page.results.filter((x) => x.average !== null);
    const dbAvg = await t.sql<{ avg: string }>(
      `select round(sum(m.score * w.weight) / sum(w.weight), 2) avg from mark m join work_type w on w.id = m.work_type_id
         join lesson l on l.id = m.lesson_id join study_period p on p.id = ? where l.course_id = ? and m.pupil_id = ?
          and l.date between p.starts_on and p.ends_on and m.removed_at is null and m.score is not null`,
      [ids.q1, ids.course, pupilResult.pupilId],
    );
    expect(pupilResult.average).toBe(Number(dbAvg[0].avg));
  });

  it('answers in a constant number of SQL statements, whatever the page size', async () => {
    const statements: string[] = [];
    const conn = t.orm.em.getConnection();
    const original = conn.execute.bind(conn);
    // Counts the statements the page resolver itself sends through the ORM connection.
    (conn as unknown as { execute: typeof conn.execute }).execute = ((
      q: string,
      ...rest: unknown[]
    ) => {
      // The event bus polls on the same connection once a second: not the page's statements.
      if (!/from domain_event/.test(String(q))) statements.push(String(q));
      return (original as (...a: unknown[]) => unknown)(q, ...rest);
    }) as typeof conn.execute;
    try {
      const director = await f.as('director');
      // A session notes its activity at most once a minute; take that write out of the count.
      await t.sql(`update session set last_seen_at = now()`);
      statements.length = 0;
      await teacher.request(PAGE, { c: ids.course, p: ids.q1 });
      const small = statements.length;
      statements.length = 0;
      await director.request(PAGE, { c: ids.otherCourse, p: ids.q1 }); // Russian: 5 hours a week
      expect(small).toBeLessThanOrEqual(5);
      expect(statements.length, statements.join('\n---\n')).toBe(small);
    } finally {
      (conn as unknown as { execute: typeof conn.execute }).execute = original;
    }
  });
});

describe('writing marks', () => {
  it('creates, changes and removes a mark, keeping a tombstone and the history', async () => {
    const created = await teacher.request<Saved>(SAVE, {
      c: [
        {
          lessonId: ids.pastLesson,
          pupilId: ids.pupil,
          value: '5',
          workTypeId: ids.answer,
          comment: 'Молодец',
        },
      ],
    });
    expect(created.errors).toBeUndefined();
    const mark = created.data!.setMarks.saved[0];
    expect(mark).toMatchObject({ value: '5', version: 1, comment: 'Молодец' });
    const changed = await teacher.request<Saved>(SAVE, {
      c: [{ id: mark.id, version: 1, value: '4' }],
    });
    expect(changed.data!.setMarks.saved[0]).toMatchObject({
      value: '4',
      version: 2,
      comment: 'Молодец',
    });
    const removed = await teacher.request<Saved>(SAVE, {
      c: [{ id: mark.id, version: 2, remove: true }],
    });
    expect(removed.data!.setMarks.removedIds).toEqual([mark.id]);
    const [row] = await t.sql<{ removed_at: Date | null }>(
      `select removed_at from mark where id = ?`,
      [mark.id],
    );
    expect(row.removed_at).not.toBeNull();
    const history = await t.sql<{
      action: string;
      before: unknown;
      after: unknown;
      actor_id: number;
    }>(
      `select action, before, after, actor_id from audit_event where entity = 'mark' and entity_id = ? order by id`,
      [mark.id],
    );
    expect(history.map((h) => h.action)).toEqual(['create', 'update', 'remove']);
    expect(history[1]).toMatchObject({ before: { value: '5' }, after: { value: '4' } });
    const page = await teacher.request<Page>(PAGE, { c: ids.course, p: ids.q2 });
    expect(page.data!.journalPage.marks.some((m) => m.id === mark.id)).toBe(false);
  });

  it('keeps several marks for one pupil in one lesson, and «зч» outside the average', async () => {
    const r = await teacher.request<Saved>(SAVE, {
      c: [
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: '3', workTypeId: ids.answer },
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: '5', workTypeId: ids.test },
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: 'зч', workTypeId: ids.answer },
      ],
    });
    expect(r.data!.setMarks.saved.map((m) => m.value)).toEqual(['3', '5', 'зч']);
    const [zc] = await t.sql<{ score: number | null }>(`select score from mark where id = ?`, [
      r.data!.setMarks.saved[2].id,
    ]);
    expect(zc.score).toBeNull();
  });

  it('refuses a whole batch when one entry is wrong, naming each wrong entry', async () => {
    const before = await markCount();
    const r = await teacher.request(SAVE, {
      c: [
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: '4', workTypeId: ids.answer },
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: '7', workTypeId: ids.answer },
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: '4', workTypeId: '999999' },
        { lessonId: ids.pastLesson, pupilId: ids.outsider, value: '4', workTypeId: ids.answer },
        { lessonId: ids.futureLesson, pupilId: ids.pupil, value: '4', workTypeId: ids.answer },
        { lessonId: ids.q1Lesson, pupilId: ids.pupil, value: '4', workTypeId: ids.answer },
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: 'А+', workTypeId: ids.answer },
      ],
    });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(entries(r).map((e) => [e.index, e.reason])).toEqual([
      [1, 'INVALID_MARK'],
      [2, 'UNKNOWN_WORK_TYPE'],
      [3, 'NOT_ENROLLED'],
      [4, 'LESSON_IN_FUTURE'],
      [5, 'PERIOD_LOCKED'],
      [6, 'INVALID_MARK'],
    ]);
    expect(await markCount()).toBe(before);
  });

  it('refuses a mark in a cancelled lesson', async () => {
    const [l] = await t.sql<{ id: number }>(
      `select id from lesson where course_id = ? and date <= ? order by date desc limit 1`,
      [ids.course, DEMO_TODAY],
    );
    await t.sql(`update lesson set cancelled = true where id = ?`, [l.id]);
    try {
      const r = await teacher.request(SAVE, {
        c: [{ lessonId: String(l.id), pupilId: ids.pupil, value: '4', workTypeId: ids.answer }],
      });
      expect(entries(r).map((e) => e.reason)).toEqual(['LESSON_CANCELLED']);
    } finally {
      await t.sql(`update lesson set cancelled = false where id = ?`, [l.id]);
    }
  });

  it('refuses an edit made against an old version and returns the current value', async () => {
    const created = await teacher.request<Saved>(SAVE, {
      c: [{ lessonId: ids.pastLesson, pupilId: ids.pupil, value: '4', workTypeId: ids.answer }],
    });
    const mark = created.data!.setMarks.saved[0];
    await teacher.request(SAVE, { c: [{ id: mark.id, version: 1, value: '5' }] });
    const stale = await teacher.request(SAVE, { c: [{ id: mark.id, version: 1, value: '2' }] });
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(entries(stale)[0]).toMatchObject({
      index: 0,
      reason: 'VERSION_CONFLICT',
      current: { value: '5', version: 2 },
    });
    const [row] = await t.sql<{ value: string }>(`select value from mark where id = ?`, [mark.id]);
    expect(row.value).toBe('5');
  });

  it('refuses the whole batch when a mark changes between its read and its write', async () => {
    const created = await teacher.request<Saved>(SAVE, {
      c: [{ lessonId: ids.pastLesson, pupilId: ids.pupil, value: '3', workTypeId: ids.answer }],
    });
    const mark = created.data!.setMarks.saved[0];
    const [marksBefore] = await t.sql(`select count(*) n from mark`);
    // Another writer has changed the mark and not yet committed: the batch reads version 1,
    // passes its checks, and its write waits for the row.
    const other = t.orm.em.fork();
    await other.begin();
    await other.execute(`update mark set value = '2', version = version + 1 where id = ?`, [
      mark.id,
    ]);
    const pending = teacher.request<Saved>(SAVE, {
      c: [
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: '5', workTypeId: ids.test },
        { id: mark.id, version: 1, value: '4' },
      ],
    });
    const waiting = async () =>
      (
        await t.sql<{ n: string }>(
          `select count(*) n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
        )
      )[0].n === '1';
    const deadline = Date.now() + 5000;
    while (!(await waiting()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await other.commit();
    const r = await pending;
    expect(codeOf(r)).toBe('CONFLICT');
    expect(entries(r).map((e) => [e.index, e.reason])).toEqual([[1, 'VERSION_CONFLICT']]);
    expect(entries(r)[0]).toMatchObject({ current: { id: mark.id, value: '2', version: 2 } });
    const [row] = await t.sql<{ value: string; version: number }>(
      `select value, version from mark where id = ?`,
      [mark.id],
    );
    expect(row).toEqual({ value: '2', version: 2 });
    expect((await t.sql(`select count(*) n from mark`))[0]).toEqual(marksBefore);
    const history = await t.sql<{ action: string }>(
      `select action from audit_event where entity = 'mark' and entity_id = ?`,
      [mark.id],
    );
    expect(history.map((h) => h.action)).toEqual(['create']);
  });

  it('answers a mixed batch in its own order, and refuses a mark named twice', async () => {
    const first = await teacher.request<Saved>(SAVE, {
      c: [{ lessonId: ids.pastLesson, pupilId: ids.pupil, value: '3', workTypeId: ids.answer }],
    });
    const old = first.data!.setMarks.saved[0];
    const r = await teacher.request<Saved>(SAVE, {
      c: [
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: '5', workTypeId: ids.test },
        { id: old.id, version: 1, value: '4', comment: 'Исправил' },
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: '5', workTypeId: ids.test },
        { lessonId: ids.pastLesson, pupilId: ids.pupil, value: '2', workTypeId: ids.answer },
      ],
    });
    const saved = r.data!.setMarks.saved;
    expect(saved.map((m) => [m.value, m.version, m.comment])).toEqual([
      ['5', 1, null],
      ['4', 2, 'Исправил'],
      ['5', 1, null],
      ['2', 1, null],
    ]);
    expect(saved[1].id).toBe(old.id);
    expect(new Set(saved.map((m) => m.id)).size).toBe(4);
    for (const m of saved) {
      const [row] = await t.sql<{ value: string; work_type_id: number }>(
        `select value, work_type_id from mark where id = ?`,
        [m.id],
      );
      expect(row).toEqual({ value: m.value, work_type_id: Number(m.workTypeId) });
    }
    const before = await t.sql(`select count(*) n from audit_event`);
    const twice = await teacher.request(SAVE, {
      c: [
        { id: old.id, version: 2, value: '5' },
        { id: old.id, version: 2, remove: true },
        { remove: true, version: 1 },
      ],
    });
    expect(entries(twice).map((e) => [e.index, e.reason])).toEqual([
      [1, 'DUPLICATE'],
      [2, 'NOT_FOUND'],
    ]);
    expect(await t.sql(`select count(*) n from audit_event`)).toEqual(before);
  });

  it('lets only the DIRECTOR or DEPUTY reopen a closed period, with a reason, and close it again', async () => {
    const mark = { lessonId: ids.q1Lesson, pupilId: ids.pupil, value: '5', workTypeId: ids.answer };
    const UNLOCK = 'mutation($p:ID!,$r:String!){unlockPeriod(periodId:$p,reason:$r){lockedAt}}';
    const LOCK = 'mutation($p:ID!){lockPeriod(periodId:$p){lockedAt}}';
    for (const login of ['teacher', 'classteacher', 'sysadmin', 'parent']) {
      const c = await f.as(login);
      expect({
        login,
        code: codeOf(await c.request(UNLOCK, { p: ids.q1, r: 'Исправление' })),
      }).toEqual({ login, code: 'FORBIDDEN' });
    }
    const director = await f.as('director');
    expect(
      (await director.request(UNLOCK, { p: ids.q1, r: '  ' })).errors?.[0].extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const open = await director.request(UNLOCK, { p: ids.q1, r: 'Исправление ошибки в отметке' });
    expect(open.data).toEqual({ unlockPeriod: { lockedAt: null } });
    expect((await teacher.request(SAVE, { c: [mark] })).errors).toBeUndefined();
    const closed = await (
      await f.as('deputy')
    ).request<{ lockPeriod: { lockedAt: string } }>(LOCK, { p: ids.q1 });
    expect(closed.data!.lockPeriod.lockedAt).toBeTruthy();
    expect(entries(await teacher.request(SAVE, { c: [mark] })).map((e) => e.reason)).toEqual([
      'PERIOD_LOCKED',
    ]);
    const audit = await t.sql<{ action: string; reason: string | null }>(
      `select action, reason from audit_event where entity = 'study_period' order by id`,
    );
    expect(audit).toEqual([
      { action: 'unlock', reason: 'Исправление ошибки в отметке' },
      { action: 'lock', reason: null },
    ]);
  });
});

describe('pupils who join or leave mid-year', () => {
  it('shows a pupil only for the dates enrolled, and refuses marks outside them', async () => {
    // One pupil leaves 7А on 15 November; another moves from 6А into it on 16 November.
    const leaver = (await f.newPupil({ classGroup: ids.class7, leftOn: '2026-11-15' })).id;
    const class6 = await f.newClass({ grade: 6 });
    const newcomer = (await f.newPupil({ classGroup: class6, leftOn: '2026-11-15' })).id;
    await f.enrol({ pupil: newcomer, classGroup: ids.class7, from: '2026-11-16' });
    const page = await teacher.request<{
      journalPage: { pupils: { id: string; enrolled: { from: string; to: string | null }[] }[] };
    }>(PAGE, { c: ids.course, p: ids.q2 });
    const byId = new Map(page.data!.journalPage.pupils.map((p) => [p.id, p.enrolled]));
    expect(byId.get(leaver)).toEqual([{ from: '2026-09-01', to: '2026-11-15' }]);
    expect(byId.get(newcomer)).toEqual([{ from: '2026-11-16', to: null }]);
    const [before] = await t.sql<{ id: number }>(
      `select id from lesson where course_id = ? and date between '2026-11-05' and '2026-11-13' and not cancelled limit 1`,
      [ids.course],
    );
    const [after] = await t.sql<{ id: number }>(
      `select id from lesson where course_id = ? and date between '2026-11-16' and ? and not cancelled limit 1`,
      [ids.course, DEMO_TODAY],
    );
    const r = await teacher.request(SAVE, {
      c: [
        { lessonId: String(after.id), pupilId: leaver, value: '4', workTypeId: ids.answer },
        { lessonId: String(before.id), pupilId: newcomer, value: '4', workTypeId: ids.answer },
      ],
    });
    expect(entries(r).map((e) => e.reason)).toEqual(['NOT_ENROLLED', 'NOT_ENROLLED']);
    const ok = await teacher.request(SAVE, {
      c: [
        { lessonId: String(before.id), pupilId: leaver, value: '4', workTypeId: ids.answer },
        { lessonId: String(after.id), pupilId: newcomer, value: '4', workTypeId: ids.answer },
      ],
    });
    expect(ok.errors).toBeUndefined();
  });
});

describe('attendance and lessons', () => {
  it('sets, changes and clears an absence with versions and history', async () => {
    const set = await teacher.request<{
      setAttendance: { id: string; codeId: string; version: number }[];
    }>(ATTEND, {
      c: [
        {
          lessonId: ids.pastLesson,
          pupilId: ids.pupil,
          codeId: ids.absent,
          reason: null,
          version: null,
        },
      ],
    });
    expect(set.errors).toBeUndefined();
    const entry = set.data!.setAttendance[0];
    const again = await teacher.request(ATTEND, {
      c: [{ lessonId: ids.pastLesson, pupilId: ids.pupil, codeId: ids.absent, version: null }],
    });
    expect(codeOf(again)).toBe('CONFLICT');
    const cleared = await teacher.request<{
      setAttendance: { codeId: string | null; version: number }[];
    }>(ATTEND, {
      c: [{ lessonId: ids.pastLesson, pupilId: ids.pupil, codeId: null, version: entry.version }],
    });
    expect(cleared.data!.setAttendance[0]).toMatchObject({
      codeId: null,
      version: entry.version + 1,
    });
    // Set again after clearing: the cleared entry counts as none, so version null is right.
    const reset = await teacher.request(ATTEND, {
      c: [{ lessonId: ids.pastLesson, pupilId: ids.pupil, codeId: ids.absent, version: null }],
    });
    expect(reset.errors).toBeUndefined();
    const audit = await t.sql(
      `select action from audit_event where entity = 'attendance' and entity_id = ?`,
      [entry.id],
    );
    expect(audit).toHaveLength(3);
  });

  it('refuses an unknown code and a pupil of another class, writing nothing', async () => {
    const before = await t.sql(`select count(*) n from attendance`);
    const r = await teacher.request(ATTEND, {
      c: [
        { lessonId: ids.pastLesson, pupilId: ids.pupil, codeId: '999999', version: null },
        { lessonId: ids.pastLesson, pupilId: ids.outsider, codeId: ids.absent, version: null },
      ],
    });
    expect(entries(r).map((e) => e.reason)).toEqual(['UNKNOWN_ATTENDANCE_CODE', 'NOT_ENROLLED']);
    expect(await t.sql(`select count(*) n from attendance`)).toEqual(before);
  });
});

describe("a lesson's topic and homework (R-3.5)", () => {
  const UPDATE =
    'mutation($id:ID!,$i:LessonInput!){updateLesson(id:$id,input:$i){id topic homework version}}';
  type Updated = {
    updateLesson: { id: string; topic: string | null; homework: string | null; version: number };
  };
  const versionOf = async (id: string) =>
    (await t.sql<{ version: number }>(`select version from lesson where id = ?`, [id]))[0].version;
  const written = async (id: string) => ({
    audit: (
      await t.sql<{ n: string }>(
        `select count(*) n from audit_event where entity = 'lesson' and entity_id = ?`,
        [id],
      )
    )[0].n,
    events: (
      await t.sql<{ n: string }>(
        `select count(*) n from domain_event where type = 'LESSON_UPDATED' and payload->>'id' = ?`,
        [id],
      )
    )[0].n,
  });

  it('sets them, with the history and an event for the pupils of the lesson and its page', async () => {
    const v = await versionOf(ids.pastLesson);
    const ok = await teacher.request<Updated>(UPDATE, {
      id: ids.pastLesson,
      i: { topic: '  Системы уравнений ', homework: '№ 1–5', version: v },
    });
    expect(ok.data).toEqual({
      updateLesson: {
        id: ids.pastLesson,
        topic: 'Системы уравнений',
        homework: '№ 1–5',
        version: v + 1,
      },
    });
    // Only the homework: the topic stays.
    const hw = await teacher.request<Updated>(UPDATE, {
      id: ids.pastLesson,
      i: { homework: '№ 6', version: v + 1 },
    });
    expect(hw.data!.updateLesson).toMatchObject({ topic: 'Системы уравнений', homework: '№ 6' });
    const [row] = await t.sql<{ topic: string; homework: string; version: number }>(
      `select topic, homework, version from lesson where id = ?`,
      [ids.pastLesson],
    );
    expect(row).toEqual({ topic: 'Системы уравнений', homework: '№ 6', version: v + 2 });
    const history = await t.sql<{
      action: string;
      before: unknown;
      after: unknown;
      actor_id: number;
    }>(
      `select action, before, after, actor_id from audit_event where entity = 'lesson' and entity_id = ? order by id desc limit 2`,
      [ids.pastLesson],
    );
    const teacherId = ids.teacher;
    expect(history.reverse()).toEqual([
      {
        action: 'update',
        before: expect.any(Object),
        after: { topic: 'Системы уравнений', homework: '№ 1–5' },
        actor_id: Number(teacherId),
      },
      {
        action: 'update',
        before: { topic: 'Системы уравнений', homework: '№ 1–5' },
        after: { topic: 'Системы уравнений', homework: '№ 6' },
        actor_id: Number(teacherId),
      },
    ]);
    const [event] = await t.sql<{
      course_id: number;
      pupil_ids: number[];
      payload: Record<string, unknown>;
    }>(
      `select course_id, pupil_ids, payload from domain_event where type = 'LESSON_UPDATED' and payload->>'id' = ? order by id desc limit 1`,
      [ids.pastLesson],
    );
    expect(event.course_id).toBe(Number(ids.course));
    expect(event.pupil_ids).toContain(Number(ids.pupil));
    expect(event.pupil_ids).not.toContain(Number(ids.outsider));
    expect(event.payload).toMatchObject({
      id: ids.pastLesson,
      topic: 'Системы уравнений',
      homework: '№ 6',
      version: v + 2,
    });
  });

  it('refuses a stale version with the current lesson, writing nothing', async () => {
    const v = await versionOf(ids.pastLesson);
    const before = await written(ids.pastLesson);
    const stale = await teacher.request(UPDATE, {
      id: ids.pastLesson,
      i: { topic: 'X', version: v - 1 },
    });
    expect(codeOf(stale)).toBe('CONFLICT');
    const entries = stale.errors![0].extensions!.entries as {
      current: { id: string; version: number };
    }[];
    expect(entries[0].current).toMatchObject({ id: ids.pastLesson, version: v });
    expect(await versionOf(ids.pastLesson)).toBe(v);
    expect(await written(ids.pastLesson)).toEqual(before);
  });

  it('lets only one of two writers of the same version through', async () => {
    const v = await versionOf(ids.pastLesson);
    const before = await written(ids.pastLesson);
    const other = await f.as('teacher');
    const results = await Promise.all(
      [teacher, other, teacher, other].map((c, k) =>
        c.request<Updated>(UPDATE, { id: ids.pastLesson, i: { topic: `Тема ${k}`, version: v } }),
      ),
    );
    const codes = results.map((r) => codeOf(r) ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
    const winner = results.find((r) => !r.errors)!.data!.updateLesson;
    expect(await versionOf(ids.pastLesson)).toBe(v + 1);
    const [row] = await t.sql<{ topic: string }>(`select topic from lesson where id = ?`, [
      ids.pastLesson,
    ]);
    expect(row.topic).toBe(winner.topic);
    const after = await written(ids.pastLesson);
    expect([
      Number(after.audit) - Number(before.audit),
      Number(after.events) - Number(before.events),
    ]).toEqual([1, 1]);
  });

  it('refuses others, closed periods, unknown lessons and overlong text, writing nothing', async () => {
    const v = await versionOf(ids.pastLesson);
    const before = await written(ids.pastLesson);
    const ask = async (login: string | GqlClient, id: string, i: Record<string, unknown>) =>
      codeOf(
        await (typeof login === 'string' ? await f.as(login) : login).request(UPDATE, { id, i }),
      );
    for (const login of ['classteacher', 'director', 'parent', 'pupil', 'sysadmin']) {
      expect({ login, code: await ask(login, ids.pastLesson, { topic: 'X', version: v }) }).toEqual(
        {
          login,
          code: login === 'classteacher' ? 'NOT_FOUND' : 'FORBIDDEN',
        },
      );
    }
    expect(await ask(teacher, ids.pastLesson, { topic: 'x'.repeat(501), version: v })).toBe(
      'BAD_USER_INPUT',
    );
    expect(await ask(teacher, '999999999', { topic: 'X', version: 1 })).toBe('NOT_FOUND');
    expect(await versionOf(ids.pastLesson)).toBe(v);
    expect(await written(ids.pastLesson)).toEqual(before);
    const q1 = await teacher.request(UPDATE, {
      id: ids.q1Lesson,
      i: { topic: 'X', version: await versionOf(ids.q1Lesson) },
    });
    expect(q1.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'PERIOD_LOCKED',
    });
  });
});

describe('who may read and write a journal (R-3.7)', () => {
  it('lets the administration and the class teacher read, but not write', async () => {
    for (const login of ['director', 'deputy', 'classteacher']) {
      const c = await f.as(login);
      const r = await c.request<Page>(PAGE, { c: ids.course, p: ids.q2 });
      expect({ login, canWrite: r.data?.journalPage.canWrite }).toEqual({ login, canWrite: false });
      const w = await c.request(SAVE, {
        c: [{ lessonId: ids.pastLesson, pupilId: ids.pupil, value: '5', workTypeId: ids.answer }],
      });
      expect({ login, code: codeOf(w) }).toEqual({
        login,
        code: login === 'director' ? 'FORBIDDEN' : 'BAD_USER_INPUT', // the deputy and the class teacher teach too
      });
    }
  });

  it("refuses another teacher's course, and families and the sysadmin altogether", async () => {
    expect(codeOf(await teacher.request(PAGE, { c: ids.otherCourse, p: ids.q2 }))).toBe(
      'NOT_FOUND',
    );
    for (const login of ['parent', 'pupil', 'sysadmin']) {
      const c = await f.as(login);
      expect({ login, code: codeOf(await c.request(PAGE, { c: ids.course, p: ids.q2 })) }).toEqual({
        login,
        code: 'NOT_FOUND',
      });
      expect({ login, code: codeOf(await c.request(SAVE, { c: [] })) }).toEqual({
        login,
        code: 'FORBIDDEN',
      });
    }
    expect(codeOf(await t.client().request(PAGE, { c: ids.course, p: ids.q2 }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('lets a substitute write in the lessons substituted only', async () => {
    const sub = ids.classteacher;
    await t.sql(`update lesson set substitute_id = ? where id = ?`, [sub, ids.pastLesson]);
    const c = await f.as('classteacher');
    const ok = await c.request(SAVE, {
      c: [{ lessonId: ids.pastLesson, pupilId: ids.pupil, value: '4', workTypeId: ids.answer }],
    });
    expect(ok.errors).toBeUndefined();
    const [other] = await t.sql<{ id: number }>(
      `select id from lesson where course_id = ? and date < ? and id <> ? and not cancelled order by date desc limit 1`,
      [ids.course, DEMO_TODAY, ids.pastLesson],
    );
    const no = await c.request(SAVE, {
      c: [{ lessonId: String(other.id), pupilId: ids.pupil, value: '4', workTypeId: ids.answer }],
    });
    expect(entries(no).map((e) => e.reason)).toEqual(['NOT_FOUND']);
  });
});
