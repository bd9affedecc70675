import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, DEMO_TODAY, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory, type MadeCourse, type MadePerson } from './factory.js';

/** The pupil's and parent's diary and who may read it. */
let t: TestApp;
let f: Factory;
let parent: GqlClient;
let ids: {
  child7: string;
  child3: string;
  stranger: string;
  q2: string;
  class7: string;
  class3: string;
  course7: string;
};
/** 7А's subjects, each with one lesson on Mondays. */
const SUBJECTS_7 = ['Алгебра', 'Русский язык', 'Литература', 'История', 'Биология'];

/** 7А: five pupils (the `pupil` among them), a course a lesson each Monday, marks in the II quarter. */
async function class7(classTeacher: MadePerson, teacher: MadePerson) {
  const cls = await f.newClass({ grade: 7, classTeacher });
  const pupils = [await f.newPupil({ classGroup: cls, login: 'pupil' })];
  for (let i = 0; i < 4; i++) pupils.push(await f.newPupil({ classGroup: cls }));
  const [q1, q2] = f.school.periods;
  let course: MadeCourse | undefined;
  for (const [i, subject] of SUBJECTS_7.entries()) {
    // Algebra by `teacher`, Russian and literature by the class teacher, the rest by teachers of their own.
    const by = i === 0 ? teacher : i < 3 ? classTeacher : undefined;
    const c = await f.newCourse({ classGroup: cls, subject, teacher: by });
    course ??= c;
    const { lessons } = await f.newSlot({ course: c, weekday: 1, number: i + 1 });
    const held = lessons.filter((l) => l.date >= q2.startsOn && l.date <= DEMO_TODAY);
    for (const [k, pupil] of pupils.entries()) {
      await f.newMark({ lesson: held[k % held.length], pupil, value: String(3 + (k % 3)) });
    }
    await f.newPeriodMark({ course: c, pupil: pupils[0], period: q1, value: '5' });
  }
  return { cls, pupils, course: course! };
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  const school = await f.newSchool();
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  await f.newStaff({ roles: [Role.DEPUTY, Role.TEACHER], login: 'deputy' });
  const teacher = await f.newTeacher({ login: 'teacher' });
  const seventh = await class7(await f.newTeacher({ login: 'classteacher' }), teacher);
  const class3 = await f.newClass({ grade: 3, classTeacher: await f.newTeacher() });
  const child3 = await f.newPupil({ classGroup: class3 });
  await f.newSlot({
    course: await f.newCourse({ classGroup: class3, subject: 'Математика' }),
    weekday: 1,
  });
  const [child7, stranger] = seventh.pupils;
  await f.newParent({ children: [child7, child3], login: 'parent' });
  parent = await f.as('parent');
  ids = {
    child3: child3.id,
    child7: child7.id,
    stranger: stranger.id,
    q2: school.periods[1].id,
    class7: seventh.cls.id,
    class3: class3.id,
    course7: seventh.course.id,
  };
});
afterAll(() => t.close());

const WEEK = `query($p:ID!,$d:LocalDate!){diaryWeek(pupilId:$p,date:$d){pupil{fullName className} weekStart
  days{date holiday lessons{subjectName topic homework marks{value workType weight} absence{code}}}}}`;
const PERIOD = `query($p:ID!,$q:ID!){diaryPeriod(pupilId:$p,periodId:$q){periodName subjects{subjectName average classAverage periodMark absences marks{id value}}}}`;
const YEAR = `query($p:ID!){diaryYear(pupilId:$p){periodNames subjects{subjectName periodMarks yearMark}}}`;
const SUMMARY = `query($c:ID!,$q:ID!){classSummary(classGroupId:$c,periodId:$q){className pupils{id fullName absent sick} cells{pupilId average periodMark}}}`;

type Week = {
  diaryWeek: {
    weekStart: string;
    pupil: { className: string };
    days: { date: string; lessons: { topic: string; marks: unknown[] }[] }[];
  };
};
type Period = {
  diaryPeriod: {
    subjects: {
      subjectName: string;
      average: number | null;
      classAverage: number | null;
      marks: { id: string }[];
    }[];
  };
};

describe('the diary', () => {
  it("shows a parent each child's week, Monday to Saturday, with topics and homework", async () => {
    const r = await parent.request<Week>(WEEK, { p: ids.child7, d: DEMO_TODAY });
    expect(r.errors).toBeUndefined();
    const week = r.data!.diaryWeek;
    expect(week.weekStart).toBe('2026-11-23');
    expect(week.days.map((d) => d.date)).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
    ]);
    expect(week.pupil.className).toBe('7А');
    const monday = week.days[0].lessons;
    expect(monday.length).toBeGreaterThanOrEqual(5);
    expect(monday.every((l) => l.topic)).toBe(true);
    const other = await parent.request<Week>(WEEK, { p: ids.child3, d: DEMO_TODAY });
    expect(other.data!.diaryWeek.pupil.className).toBe('3А');
  });

  it('adds the Sunday when a lesson falls on it', async () => {
    const lesson = await f.newLesson({
      course: ids.course7,
      date: '2026-11-29',
      number: 1,
      topic: 'Олимпиада',
    });
    try {
      const r = await parent.request<Week>(WEEK, { p: ids.child7, d: '2026-11-29' });
      const days = r.data!.diaryWeek.days;
      expect(days.map((d) => d.date).slice(-2)).toEqual(['2026-11-28', '2026-11-29']);
      expect(days[6].lessons.map((l) => l.topic)).toEqual(['Олимпиада']);
      // Not the child of another class.
      const other = await parent.request<Week>(WEEK, { p: ids.child3, d: '2026-11-29' });
      expect(other.data!.diaryWeek.days).toHaveLength(6);
    } finally {
      await t.sql(`delete from lesson where id = ?`, [lesson.id]);
    }
  });

  it('names the holiday on a day off', async () => {
    const r = await parent.request<{
      diaryWeek: { days: { date: string; holiday: string | null; lessons: unknown[] }[] };
    }>(WEEK, {
      p: ids.child7,
      d: '2026-11-02',
    });
    const day = r.data!.diaryWeek.days.find((d) => d.date === '2026-11-02')!;
    expect(day.holiday).toBe('Осенние каникулы');
    expect(day.lessons).toEqual([]);
  });

  it("gives the period's subjects with the child's own marks, average and the class average", async () => {
    const r = await parent.request<Period>(PERIOD, { p: ids.child7, q: ids.q2 });
    const subjects = r.data!.diaryPeriod.subjects;
    expect(subjects.map((s) => s.subjectName)).toContain('Алгебра');
    const own = await t.sql<{ id: number }>(
      `select m.id from mark m where m.pupil_id = ? and m.removed_at is null`,
      [ids.child7],
    );
    const ownIds = new Set(own.map((m) => String(m.id)));
    for (const s of subjects) for (const m of s.marks) expect(ownIds.has(m.id)).toBe(true);
    expect(subjects.some((s) => s.classAverage !== null)).toBe(true);
  });

  it('shows the closed first quarter in the year view', async () => {
    const r = await parent.request<{
      diaryYear: { periodNames: string[]; subjects: { periodMarks: (string | null)[] }[] };
    }>(YEAR, { p: ids.child7 });
    expect(r.data!.diaryYear.periodNames).toHaveLength(4);
    expect(r.data!.diaryYear.subjects.some((s) => s.periodMarks[0] !== null)).toBe(true);
  });
});

describe('who may read a diary (R-3.7)', () => {
  it("refuses a parent another family's child, through every diary query", async () => {
    for (const [q, v] of [
      [WEEK, { p: ids.stranger, d: DEMO_TODAY }],
      [PERIOD, { p: ids.stranger, q: ids.q2 }],
      [YEAR, { p: ids.stranger }],
    ] as const) {
      expect(codeOf(await parent.request(q, v))).toBe('NOT_FOUND');
    }
  });

  it('lets a pupil read only their own diary', async () => {
    const pupil = await f.as('pupil');
    expect((await pupil.request(WEEK, { p: ids.child7, d: DEMO_TODAY })).errors).toBeUndefined();
    expect(codeOf(await pupil.request(WEEK, { p: ids.child3, d: DEMO_TODAY }))).toBe('NOT_FOUND');
    expect(codeOf(await pupil.request(PERIOD, { p: ids.stranger, q: ids.q2 }))).toBe('NOT_FOUND');
  });

  it("lets the class teacher read their class's pupils, the administration everyone, and refuses other teachers", async () => {
    const classteacher = await f.as('classteacher');
    expect(
      (await classteacher.request(WEEK, { p: ids.stranger, d: DEMO_TODAY })).errors,
    ).toBeUndefined();
    expect(codeOf(await classteacher.request(WEEK, { p: ids.child3, d: DEMO_TODAY }))).toBe(
      'NOT_FOUND',
    );
    for (const login of ['director', 'deputy']) {
      expect(
        (await (await f.as(login)).request(WEEK, { p: ids.child3, d: DEMO_TODAY })).errors,
      ).toBeUndefined();
    }
    expect(
      codeOf(await (await f.as('teacher')).request(WEEK, { p: ids.child7, d: DEMO_TODAY })),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(await (await f.as('sysadmin')).request(WEEK, { p: ids.child7, d: DEMO_TODAY })),
    ).toBe('NOT_FOUND');
    expect(codeOf(await t.client().request(WEEK, { p: ids.child7, d: DEMO_TODAY }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses a parent the pupils of a class through the class summary', async () => {
    expect(codeOf(await parent.request(SUMMARY, { c: ids.class7, q: ids.q2 }))).toBe('NOT_FOUND');
    expect(codeOf(await (await f.as('pupil')).request(SUMMARY, { c: ids.class7, q: ids.q2 }))).toBe(
      'NOT_FOUND',
    );
    expect(
      codeOf(await (await f.as('teacher')).request(SUMMARY, { c: ids.class7, q: ids.q2 })),
    ).toBe('NOT_FOUND');
  });
});

describe('the class summary', () => {
  it('gives the class teacher every pupil × subject of their class, and not another class', async () => {
    const c = await f.as('classteacher');
    const r = await c.request<{
      classSummary: {
        className: string;
        pupils: { id: string }[];
        cells: { average: number | null }[];
      };
    }>(SUMMARY, {
      c: ids.class7,
      q: ids.q2,
    });
    const s = r.data!.classSummary;
    expect(s.className).toBe('7А');
    expect(s.pupils.length).toBe(5);
    expect(s.cells.length).toBe(s.pupils.length * SUBJECTS_7.length);
    expect(s.cells.some((x) => x.average !== null)).toBe(true);
    expect(codeOf(await c.request(SUMMARY, { c: ids.class3, q: ids.q2 }))).toBe('NOT_FOUND');
  });
});
