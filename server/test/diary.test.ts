import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, DEMO_TODAY, type GqlClient, type TestApp } from './helpers.js';

/** The pupil's and parent's diary and who may read it. */
let t: TestApp;
let parent: GqlClient;
let ids: {
  child7: string;
  child3: string;
  stranger: string;
  q2: string;
  class7: string;
  class3: string;
};

const WEEK = `query($p:ID!,$d:LocalDate!){diaryWeek(pupilId:$p,date:$d){pupil{fullName className} weekStart
  days{date holiday lessons{subjectName topic homework marks{value workType weight} absence{code}}}}}`;
const PERIOD = `query($p:ID!,$q:ID!){diaryPeriod(pupilId:$p,periodId:$q){periodName subjects{subjectName average classAverage periodMark absences marks{id value}}}}`;
const YEAR = `query($p:ID!){diaryYear(pupilId:$p){periodNames subjects{subjectName periodMarks yearMark}}}`;
const SUMMARY = `query($c:ID!,$q:ID!){classSummary(classGroupId:$c,periodId:$q){className pupils{id fullName absent sick} cells{pupilId average periodMark}}}`;

const one = async (sql: string) => String((await t.sql<{ id: number }>(sql))[0].id);

beforeAll(async () => {
  t = await createTestApp();
  parent = await t.as('parent');
  const children = await t.sql<{ id: number; grade: number }>(
    `select g.pupil_id id, c.grade from guardianship g join user_account a on a.person_id = g.guardian_id and a.login = 'parent'
       join enrollment e on e.pupil_id = g.pupil_id join class_group c on c.id = e.class_group_id order by c.grade`,
  );
  ids = {
    child3: String(children[0].id),
    child7: String(children[1].id),
    stranger:
      await one(`select e.pupil_id id from enrollment e join class_group c on c.id = e.class_group_id
      where c.grade = 7 and e.pupil_id not in (select pupil_id from guardianship g join user_account a on a.person_id = g.guardian_id and a.login = 'parent') limit 1`),
    q2: await one(`select id from study_period where name = 'II четверть'`),
    class7: await one(`select id from class_group where grade = 7`),
    class3: await one(`select id from class_group where grade = 3`),
  };
});
afterAll(() => t.close());

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
    const [course] = await t.sql<{ id: number; school_id: number }>(
      `select co.id, co.school_id from course co where co.class_group_id = ? and co.subgroup_id is null order by co.id limit 1`,
      [ids.class7],
    );
    const [lesson] = await t.sql<{ id: number }>(
      `insert into lesson (school_id, course_id, date, number, topic) values (?, ?, '2026-11-29', 1, 'Олимпиада') returning id`,
      [course.school_id, course.id],
    );
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
    const pupil = await t.as('pupil');
    expect((await pupil.request(WEEK, { p: ids.child7, d: DEMO_TODAY })).errors).toBeUndefined();
    expect(codeOf(await pupil.request(WEEK, { p: ids.child3, d: DEMO_TODAY }))).toBe('NOT_FOUND');
    expect(codeOf(await pupil.request(PERIOD, { p: ids.stranger, q: ids.q2 }))).toBe('NOT_FOUND');
  });

  it("lets the class teacher read their class's pupils, the administration everyone, and refuses other teachers", async () => {
    const classteacher = await t.as('classteacher');
    expect(
      (await classteacher.request(WEEK, { p: ids.stranger, d: DEMO_TODAY })).errors,
    ).toBeUndefined();
    expect(codeOf(await classteacher.request(WEEK, { p: ids.child3, d: DEMO_TODAY }))).toBe(
      'NOT_FOUND',
    );
    for (const login of ['director', 'deputy']) {
      expect(
        (await (await t.as(login)).request(WEEK, { p: ids.child3, d: DEMO_TODAY })).errors,
      ).toBeUndefined();
    }
    expect(
      codeOf(await (await t.as('teacher')).request(WEEK, { p: ids.child7, d: DEMO_TODAY })),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(await (await t.as('sysadmin')).request(WEEK, { p: ids.child7, d: DEMO_TODAY })),
    ).toBe('NOT_FOUND');
    expect(codeOf(await t.client().request(WEEK, { p: ids.child7, d: DEMO_TODAY }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses a parent the pupils of a class through the class summary', async () => {
    expect(codeOf(await parent.request(SUMMARY, { c: ids.class7, q: ids.q2 }))).toBe('NOT_FOUND');
    expect(codeOf(await (await t.as('pupil')).request(SUMMARY, { c: ids.class7, q: ids.q2 }))).toBe(
      'NOT_FOUND',
    );
    expect(
      codeOf(await (await t.as('teacher')).request(SUMMARY, { c: ids.class7, q: ids.q2 })),
    ).toBe('NOT_FOUND');
  });
});

describe('the class summary', () => {
  it('gives the class teacher every pupil × subject of their class, and not another class', async () => {
    const c = await t.as('classteacher');
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
    expect(s.pupils.length).toBeGreaterThanOrEqual(5);
    expect(s.cells.length).toBeGreaterThan(s.pupils.length * 10);
    expect(s.cells.some((x) => x.average !== null)).toBe(true);
    expect(codeOf(await c.request(SUMMARY, { c: ids.class3, q: ids.q2 }))).toBe('NOT_FOUND');
  });
});
