import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, DEMO_TODAY, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory, type MadeCourse, type MadePerson } from './factory.js';
import { compileReport } from '../src/modules/reports/report.compiler.js';
import type { ReportSpec } from '../src/modules/reports/report.inputs.js';
import { DomainError } from '../src/errors.js';

/**
 * Reports (issue 18): every measure against numbers worked out by hand on the fixture below, the
 * compiler's refusals, and each role's rows against the director's, filtered by hand.
 *
 * The fixture, II quarter (today is 2026-11-28):
 * 7А (class teacher `ct`): p1…p6; p4 left on 2026-11-20; p5 has no marks at all.
 *   Algebra (teacher `t`): L1 11-10, L2 11-17 (held, with homework), L6 11-24 cancelled,
 *   L7 11-26 held, no topic and no homework, L8 12-05 (future).
 *     L1: p1 5 (answer, w2), p2 3 (answer, w2), p3 «зч» (answer), p4 4 (answer, w2)
 *     L2: p1 4 (test КР, w5), p2 2 (homework, w1), p3 5 (answer, w2)
 *     attendance: L1 p5 Н, L2 p2 Б, L7 p1 О (late)
 *   Russian (teacher `u`): L3 11-10: p1 5, p2 4.
 * 7Б: q1, q2. Algebra (`t`): L4 11-12: q1 3, q2 5. Russian (`ct`): L5 11-12: q1 4.
 * Period marks, II quarter:
 *   p1 alg 5 rus 5 (excellent)  p2 alg 2 rus 3 (failing)  p3 alg 5 rus «зч» (excellent: «зч» left out)
 *   p4 alg 4 rus 3 (single «3»; left, marks kept)  p6 alg 4 rus 5 (good)  p5 none (not counted)
 *   q1 alg 3 rus 4 (single «3»)  q2 alg 5 (excellent)
 *   plus, outside the II quarter: p2 alg «5» in the I quarter, p1 alg «5» for the year.
 */
let t: TestApp;
let f: Factory;
let director: GqlClient;
const c: Record<string, MadeCourse> = {};
const staff: Record<string, MadePerson> = {};
const cls: Record<string, string> = {};
let q2: string;

const REPORT = `query ($spec: ReportSpec!) { report(spec: $spec) {
  rowDimensions columnDimension measures rowCount generatedAt
  columns { dimension key label }
  rows { values { dimension key label } cells { measure column value } }
  total { cells { measure column value } } } }`;

interface Cell {
  measure: string;
  column: string | null;
  value: number | null;
}
interface Row {
  values: { dimension: string; key: string | null; label: string | null }[];
  cells: Cell[];
}
interface Result {
  rowCount: number;
  columns: { key: string | null; label: string | null }[];
  rows: Row[];
  total: { cells: Cell[] };
}

async function report(as: GqlClient, spec: Record<string, unknown>) {
  return as.request<{ report: Result }>(REPORT, { spec });
}
async function ok(as: GqlClient, spec: Record<string, unknown>): Promise<Result> {
  const r = await report(as, spec);
  expect(r.errors).toBeUndefined();
  return r.data!.report;
}
/** Measure values of a row (or the total) by measure, for the column `column` (null: all). */
const values = (cells: Cell[], column: string | null = null) =>
  Object.fromEntries(cells.filter((x) => x.column === column).map((x) => [x.measure, x.value]));
const byLabel = (r: Result) =>
  Object.fromEntries(r.rows.map((row) => [row.values[0].label, values(row.cells)]));

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  await f.newSchool();
  q2 = f.school.periods[1].id;
  staff.director = await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  staff.deputy = await f.newStaff({ roles: [Role.DEPUTY], login: 'deputy' });
  staff.sysadmin = await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  staff.t = await f.newTeacher({ login: 'teacher' });
  staff.u = await f.newTeacher({ login: 'teacher-u' });
  staff.ct = await f.newTeacher({ login: 'classteacher' });
  staff.idle = await f.newTeacher({ login: 'idle' });
  const a = await f.newClass({ grade: 7, classTeacher: staff.ct });
  const b = await f.newClass({ grade: 7 });
  Object.assign(cls, { a: a.id, b: b.id });
  const p = [];
  for (let i = 1; i <= 6; i++) {
    p.push(
      await f.newPupil({
        classGroup: a,
        login: i === 1 ? 'pupil' : null,
        leftOn: i === 4 ? '2026-11-20' : undefined,
      }),
    );
  }
  const [p1, p2, p3, p4, p5, p6] = p;
  const qq1 = await f.newPupil({ classGroup: b, login: null });
  const qq2 = await f.newPupil({ classGroup: b, login: null });
  await f.newParent({ children: [p1], login: 'parent' });
  c.aAlg = await f.newCourse({ classGroup: a, subject: 'Алгебра', teacher: staff.t });
  c.aRus = await f.newCourse({ classGroup: a, subject: 'Русский язык', teacher: staff.u });
  c.bAlg = await f.newCourse({ classGroup: b, subject: 'Алгебра', teacher: staff.t });
  c.bRus = await f.newCourse({ classGroup: b, subject: 'Русский язык', teacher: staff.ct });

  const hw = 'Упр. 1';
  const L1 = await f.newLesson({ course: c.aAlg, date: '2026-11-10', homework: hw });
  const L2 = await f.newLesson({ course: c.aAlg, date: '2026-11-17', homework: hw });
  await f.newLesson({ course: c.aAlg, date: '2026-11-24', cancelled: true, homework: hw });
  const L7 = await f.newLesson({ course: c.aAlg, date: '2026-11-26', topic: null });
  await f.newLesson({ course: c.aAlg, date: '2026-12-05', topic: null });
  const L3 = await f.newLesson({ course: c.aRus, date: '2026-11-10', homework: hw });
  const L4 = await f.newLesson({ course: c.bAlg, date: '2026-11-12', homework: hw });
  const L5 = await f.newLesson({ course: c.bRus, date: '2026-11-12', homework: hw });

  const answer = 'Ответ на уроке';
  const late = await f.newMark({
    lesson: L2,
    pupil: p1,
    value: '4',
    workType: 'Контрольная работа',
  });
  const nextDay = await f.newMark({ lesson: L1, pupil: p1, value: '5', workType: answer });
  for (const [lesson, pupil, value, workType] of [
    [L1, p2, '3', answer],
    [L1, p3, 'зч', answer],
    [L1, p4, '4', answer],
    [L2, p2, '2', 'Домашняя работа'],
    [L2, p3, '5', answer],
    [L3, p1, '5', answer],
    [L3, p2, '4', answer],
    [L4, qq1, '3', answer],
    [L4, qq2, '5', answer],
    [L5, qq1, '4', answer],
  ] as const) {
    await f.newMark({ lesson, pupil, value, workType });
  }
  // A removed mark counts nowhere.
  const removed = await f.newMark({ lesson: L2, pupil: p6, value: '2' });
  await t.sql(`update mark set removed_at = now() where id = ?`, [removed.id]);
  // Entered on the lesson's day, but for two: the next day (in time) and four days later (late).
  await t.sql(
    `update mark m set created_at = (l.date + time '15:00') at time zone 'Europe/Moscow' from lesson l where l.id = m.lesson_id`,
  );
  await t.sql(`update mark set created_at = '2026-11-11T20:00:00+03:00' where id = ?`, [
    nextDay.id,
  ]);
  await t.sql(`update mark set created_at = '2026-11-21T09:00:00+03:00' where id = ?`, [late.id]);

  for (const [lesson, pupil, code] of [
    [L1, p5, 'Н'],
    [L2, p2, 'Б'],
    [L7, p1, 'О'],
  ] as const) {
    await t.sql(
      `insert into attendance (school_id, lesson_id, pupil_id, code_id) values (?, ?, ?, ?)`,
      [f.school.id, lesson.id, pupil.id, f.school.codes[code]],
    );
  }

  for (const [course, pupil, value] of [
    [c.aAlg, p1, '5'],
    [c.aRus, p1, '5'],
    [c.aAlg, p2, '2'],
    [c.aRus, p2, '3'],
    [c.aAlg, p3, '5'],
    [c.aRus, p3, 'зч'],
    [c.aAlg, p4, '4'],
    [c.aRus, p4, '3'],
    [c.aAlg, p6, '4'],
    [c.aRus, p6, '5'],
    [c.bAlg, qq1, '3'],
    [c.bRus, qq1, '4'],
    [c.bAlg, qq2, '5'],
  ] as const) {
    await f.newPeriodMark({ course, pupil, period: q2, value });
  }
  await f.newPeriodMark({ course: c.aAlg, pupil: p2, period: f.school.periods[0].id, value: '5' });
  await f.newPeriodMark({ course: c.aAlg, pupil: p1, period: null, value: '5' });
  void p5;
  director = await f.as('director');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('measures over lesson marks', () => {
  it('counts, averages, the distribution, the mark-based rates and late entries, by course', async () => {
    const r = await ok(director, {
      rows: ['COURSE'],
      measures: [
        'MARK_COUNT',
        'AVERAGE',
        'WEIGHTED_AVERAGE',
        'MARKS_5',
        'MARKS_4',
        'MARKS_3',
        'MARKS_2',
        'SUCCESS_RATE_MARKS',
        'QUALITY_RATE_MARKS',
        'LATE_MARK_ENTRIES',
      ],
    });
    expect(r.rowCount).toBe(4);
    const rows = byLabel(r);
    // 7А algebra: 5 4 3 2 5 4 and «зч»; weights 2 5 2 1 2 2: 56 / 14.
    expect(rows['7А Алгебра']).toEqual({
      MARK_COUNT: 7,
      AVERAGE: 3.83,
      WEIGHTED_AVERAGE: 4,
      MARKS_5: 2,
      MARKS_4: 2,
      MARKS_3: 1,
      MARKS_2: 1,
      SUCCESS_RATE_MARKS: 83.3,
      QUALITY_RATE_MARKS: 66.7,
      LATE_MARK_ENTRIES: 1,
    });
    expect(rows['7Б Алгебра']).toMatchObject({
      MARK_COUNT: 2,
      AVERAGE: 4,
      SUCCESS_RATE_MARKS: 100,
      QUALITY_RATE_MARKS: 50,
    });
    // The school: 12 marks, 11 numeric: 5 4 3 2 5 4 | 5 4 | 3 5 | 4 = 44.
    expect(values(r.total.cells)).toMatchObject({
      MARK_COUNT: 12,
      AVERAGE: 4,
      MARKS_5: 4,
      MARKS_4: 4,
      MARKS_3: 2,
      MARKS_2: 1,
      SUCCESS_RATE_MARKS: 90.9,
      QUALITY_RATE_MARKS: 72.7,
      LATE_MARK_ENTRIES: 1,
    });
  });

  it('keeps the marks of a pupil who left and shows no row for a pupil without marks', async () => {
    const r = await ok(director, {
      rows: ['PUPIL'],
      measures: ['MARK_COUNT', 'AVERAGE'],
      filters: [{ dimension: 'CLASS_GROUP', equals: cls.a }],
    });
    expect(r.rows.map((row) => values(row.cells))).toEqual(
      expect.arrayContaining([{ MARK_COUNT: 1, AVERAGE: 4 }]),
    );
    // p1 p2 p3 p4: p5 has none; p6's only mark was removed.
    expect(r.rowCount).toBe(4);
  });

  it('spreads over a column dimension with totals per row, per column and overall', async () => {
    const r = await ok(director, {
      rows: ['CLASS_GROUP'],
      columns: 'SUBJECT',
      measures: ['MARK_COUNT'],
      sort: [{ measure: 'MARK_COUNT', descending: true }],
    });
    expect(r.columns.map((x) => x.label)).toEqual(['Алгебра', 'Русский язык']);
    const [alg, rus] = r.columns.map((x) => x.key);
    expect(r.rows.map((row) => row.values[0].label)).toEqual(['7А', '7Б']);
    expect(values(r.rows[0].cells, alg)).toEqual({ MARK_COUNT: 7 });
    expect(values(r.rows[0].cells, rus)).toEqual({ MARK_COUNT: 2 });
    expect(values(r.rows[0].cells)).toEqual({ MARK_COUNT: 9 });
    expect(values(r.rows[1].cells)).toEqual({ MARK_COUNT: 3 });
    expect(values(r.total.cells, alg)).toEqual({ MARK_COUNT: 9 });
    expect(values(r.total.cells, rus)).toEqual({ MARK_COUNT: 3 });
    expect(values(r.total.cells)).toEqual({ MARK_COUNT: 12 });
  });
});

describe('measures over period marks (II quarter)', () => {
  const PUPIL_MEASURES = [
    'PERIOD_MARK_COUNT',
    'PUPILS_ASSESSED',
    'EXCELLENT_PUPILS',
    'GOOD_PUPILS',
    'SINGLE_THREE_PUPILS',
    'FAILING_PUPILS',
    'SUCCESS_RATE_PUPILS',
    'QUALITY_RATE_PUPILS',
    'DEGREE_OF_LEARNING',
  ];

  it('counts excellent, good, single-«3» and failing pupils, success, quality and СОУ per class', async () => {
    const r = await ok(director, {
      rows: ['CLASS_GROUP'],
      measures: PUPIL_MEASURES,
      filters: [{ dimension: 'STUDY_PERIOD', equals: q2 }],
    });
    const rows = byLabel(r);
    // 7А: p1 (5 5), p3 (5, «зч» left out) excellent; p6 (4 5) good; p4 (4 3) one «3»; p2 (2 3)
    // failing; p5 has nothing and is not counted. СОУ: n5 4, n4 2, n3 2, n2 1: 6.16 / 9.
    expect(rows['7А']).toEqual({
      PERIOD_MARK_COUNT: 10,
      PUPILS_ASSESSED: 5,
      EXCELLENT_PUPILS: 2,
      GOOD_PUPILS: 1,
      SINGLE_THREE_PUPILS: 1,
      FAILING_PUPILS: 1,
      SUCCESS_RATE_PUPILS: 80,
      QUALITY_RATE_PUPILS: 60,
      DEGREE_OF_LEARNING: 68.4,
    });
    // 7Б: q1 (3 4) one «3», q2 (5) excellent. СОУ: (1 + 0.64 + 0.36) / 3.
    expect(rows['7Б']).toEqual({
      PERIOD_MARK_COUNT: 3,
      PUPILS_ASSESSED: 2,
      EXCELLENT_PUPILS: 1,
      GOOD_PUPILS: 0,
      SINGLE_THREE_PUPILS: 1,
      FAILING_PUPILS: 0,
      SUCCESS_RATE_PUPILS: 100,
      QUALITY_RATE_PUPILS: 50,
      DEGREE_OF_LEARNING: 66.7,
    });
    // The school counts each pupil once: 7 pupils. СОУ: (5 + 0.64·3 + 0.36·3 + 0.16) / 12.
    expect(values(r.total.cells)).toEqual({
      PERIOD_MARK_COUNT: 13,
      PUPILS_ASSESSED: 7,
      EXCELLENT_PUPILS: 3,
      GOOD_PUPILS: 1,
      SINGLE_THREE_PUPILS: 2,
      FAILING_PUPILS: 1,
      SUCCESS_RATE_PUPILS: 85.7,
      QUALITY_RATE_PUPILS: 57.1,
      DEGREE_OF_LEARNING: 68.0,
    });
  });

  it('judges a pupil per subject when split by subject', async () => {
    const r = await ok(director, {
      rows: ['SUBJECT'],
      measures: ['PUPILS_ASSESSED', 'EXCELLENT_PUPILS', 'FAILING_PUPILS'],
      filters: [
        { dimension: 'STUDY_PERIOD', equals: q2 },
        { dimension: 'CLASS_GROUP', equals: cls.a },
      ],
    });
    // Algebra: 5 2 5 4 4; Russian: 5 3 (зч) 3 5, p3 has no numeric mark there.
    expect(byLabel(r)).toEqual({
      Алгебра: { PUPILS_ASSESSED: 5, EXCELLENT_PUPILS: 2, FAILING_PUPILS: 1 },
      'Русский язык': { PUPILS_ASSESSED: 4, EXCELLENT_PUPILS: 2, FAILING_PUPILS: 0 },
    });
  });

  it('shows year marks as the row without a study period', async () => {
    const r = await ok(director, {
      rows: ['STUDY_PERIOD'],
      measures: ['PERIOD_MARK_COUNT'],
    });
    expect(byLabel(r)).toEqual({
      'I четверть': { PERIOD_MARK_COUNT: 1 },
      'II четверть': { PERIOD_MARK_COUNT: 13 },
      null: { PERIOD_MARK_COUNT: 1 },
    });
  });
});

describe('attendance and lessons', () => {
  it('counts entries by code, the share of lessons missed (a left pupil has no place after leaving) and lessons', async () => {
    const seats = await ok(director, {
      rows: ['COURSE'],
      measures: ['ATTENDANCE_ENTRIES', 'MISSED_SHARE'],
      filters: [{ dimension: 'COURSE', equals: c.aAlg.id }],
    });
    // Places: L1 6, L2 6, L7 5 (p4 left on 11-20) = 17; absent: Н and Б (О is lateness).
    expect(values(seats.rows[0].cells)).toEqual({ ATTENDANCE_ENTRIES: 3, MISSED_SHARE: 11.8 });
    const byCode = await ok(director, {
      rows: ['ATTENDANCE_CODE'],
      measures: ['ATTENDANCE_ENTRIES'],
      filters: [{ dimension: 'ATTENDANCE_CODE', in: [f.school.codes['Н'], f.school.codes['О']] }],
    });
    expect(byLabel(byCode)).toEqual({ Н: { ATTENDANCE_ENTRIES: 1 }, О: { ATTENDANCE_ENTRIES: 1 } });
    const lessons = await ok(director, {
      rows: ['COURSE'],
      measures: [
        'LESSONS_HELD',
        'LESSONS_CANCELLED',
        'LESSONS_WITHOUT_TOPIC',
        'LESSONS_WITHOUT_HOMEWORK',
      ],
    });
    // 7А algebra: L1 L2 L7 held (L8 is future), L6 cancelled; L7 has neither topic nor homework.
    expect(byLabel(lessons)['7А Алгебра']).toEqual({
      LESSONS_HELD: 3,
      LESSONS_CANCELLED: 1,
      LESSONS_WITHOUT_TOPIC: 1,
      LESSONS_WITHOUT_HOMEWORK: 1,
    });
    expect(values(lessons.total.cells)).toMatchObject({ LESSONS_HELD: 6 });
  });

  it('filters by a range of dates, months and weeks', async () => {
    const spec = (filter: Record<string, unknown>) => ({
      rows: ['DATE'],
      measures: ['MARK_COUNT'],
      filters: [filter],
    });
    const days = await ok(
      director,
      spec({ dimension: 'DATE', from: '2026-11-11', to: '2026-11-17' }),
    );
    expect(byLabel(days)).toEqual({
      '2026-11-12': { MARK_COUNT: 3 },
      '2026-11-17': { MARK_COUNT: 3 },
    });
    const month = await ok(director, spec({ dimension: 'MONTH', equals: '2026-11' }));
    expect(values(month.total.cells)).toEqual({ MARK_COUNT: 12 });
    const week = await ok(director, spec({ dimension: 'ISO_WEEK', equals: '2026-W46' }));
    expect(byLabel(week)).toEqual({
      '2026-11-10': { MARK_COUNT: 6 },
      '2026-11-12': { MARK_COUNT: 3 },
    });
  });
});

describe('the compiler refuses what is not in the model', () => {
  const ctx = {
    schoolId: 1,
    today: DEMO_TODAY,
    scope: { sql: 'true', params: [] },
    wholeSchool: false,
  };
  const refusal = (spec: Partial<ReportSpec>) => {
    try {
      compileReport({ rows: [], measures: ['MARK_COUNT'], ...spec } as ReportSpec, ctx);
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      const d = e as DomainError;
      return { code: d.code, field: d.details.field, reason: d.details.reason };
    }
    throw new Error('not refused');
  };
  const INJECTION = '1); drop table mark; --';

  it.each([
    [{ rows: ['NAME; drop table mark'] }, 'spec.rows.0', 'UNKNOWN_DIMENSION'],
    [{ rows: ['SUBJECT', 'SUBJECT'] }, 'spec.rows.1', 'DUPLICATE'],
    [{ rows: ['SUBJECT'], columns: 'nope' }, 'spec.columns', 'UNKNOWN_DIMENSION'],
    [{ columns: 'SUBJECT' }, 'spec.rows', 'REQUIRED'],
    [{ measures: ['sum(score)'] }, 'spec.measures.0', 'UNKNOWN_MEASURE'],
    [{ measures: [] }, 'spec.measures', 'REQUIRED'],
    [{ filters: [{ dimension: 'x' }] }, 'spec.filters.0.dimension', 'UNKNOWN_DIMENSION'],
    [
      { filters: [{ dimension: 'PUPIL', equals: INJECTION }] },
      'spec.filters.0.equals',
      'INVALID_VALUE',
    ],
    [
      { filters: [{ dimension: 'PUPIL', in: ['1', INJECTION] }] },
      'spec.filters.0.in.1',
      'INVALID_VALUE',
    ],
    [
      { filters: [{ dimension: 'DATE', from: '2026-11-30', to: '2026-11-01' }] },
      'spec.filters.0.to',
      'RANGE_REVERSED',
    ],
    [{ filters: [{ dimension: 'GRADE', from: '9', to: '10' }] }, null, null],
    [
      { filters: [{ dimension: 'PUPIL', from: '1', to: '9' }] },
      'spec.filters.0.dimension',
      'RANGE_NOT_ALLOWED',
    ],
    [
      { filters: [{ dimension: 'DATE', equals: '2026-11-01', from: '2026-11-01' }] },
      'spec.filters.0',
      'ONE_OF',
    ],
    [
      { filters: [{ dimension: 'TEACHER', equals: '1' }] },
      'spec.filters.0.dimension',
      'DIMENSION_NOT_ALLOWED',
    ],
    [
      { rows: ['WORK_TYPE'], measures: ['MARK_COUNT', 'ATTENDANCE_ENTRIES'] },
      'spec.measures.1',
      'DIMENSION_NOT_APPLICABLE',
    ],
    [{ measures: ['EXCELLENT_PUPILS'] }, 'spec.measures.0', 'STUDY_PERIOD_REQUIRED'],
    [{ rows: ['SUBJECT'], sort: [{ dimension: 'PUPIL' }] }, 'spec.sort.0.dimension', 'NOT_IN_ROWS'],
    [
      { rows: ['SUBJECT'], sort: [{ measure: 'AVERAGE' }] },
      'spec.sort.0.measure',
      'NOT_IN_MEASURES',
    ],
    [{ limit: 0 }, 'spec.limit', 'OUT_OF_RANGE'],
    [{ limit: 1001 }, 'spec.limit', 'OUT_OF_RANGE'],
  ])('%j is refused at %s with %s', (spec, field, reason) => {
    if (field === null) {
      expect(() =>
        compileReport({ rows: [], measures: ['MARK_COUNT'], ...spec } as ReportSpec, ctx),
      ).not.toThrow();
      return;
    }
    expect(refusal(spec as Partial<ReportSpec>)).toEqual({ code: 'BAD_USER_INPUT', field, reason });
  });

  it('puts no text of the spec into the SQL, only parameters', () => {
    const q = compileReport(
      {
        rows: ['PUPIL', 'MONTH'],
        columns: 'SUBJECT',
        measures: ['MARK_COUNT'],
        filters: [
          { dimension: 'MONTH', in: ['2026-11', '2026-12'] },
          { dimension: 'PUPIL', equals: '4242' },
        ],
      } as ReportSpec,
      ctx,
    );
    expect(q.sql).not.toContain('4242');
    expect(q.sql).not.toContain('2026-11');
    expect(q.params).toEqual(expect.arrayContaining(['{2026-11,2026-12}', '4242']));
  });

  it('refuses an unknown dimension in GraphQL validation, and a range the wrong way round by name', async () => {
    const r = await report(director, { rows: ['NOPE'], measures: ['MARK_COUNT'] });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    const reversed = await report(director, {
      rows: ['DATE'],
      measures: ['MARK_COUNT'],
      filters: [{ dimension: 'DATE', from: '2026-11-30', to: '2026-11-01' }],
    });
    expect(reversed.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'spec.filters.0.to',
      reason: 'RANGE_REVERSED',
    });
  });
});

describe('who sees which rows', () => {
  const SPEC = {
    rows: ['COURSE', 'STUDY_PERIOD'],
    measures: [
      'MARK_COUNT',
      'WEIGHTED_AVERAGE',
      'ATTENDANCE_ENTRIES',
      'LESSONS_HELD',
      'PERIOD_MARK_COUNT',
    ],
  };
  const PUPILS = { rows: ['PUPIL'], measures: ['MARK_COUNT', 'ATTENDANCE_ENTRIES'] };
  const key = (row: Row) => row.values.map((v) => v.key).join('/');
  /** The director's rows whose course is one of these. */
  const allowed = (all: Result, courses: MadeCourse[]) =>
    all.rows.filter((row) => courses.some((x) => x.id === row.values[0].key));

  it('gives a teacher own courses, a class teacher also own class, deputy the school', async () => {
    const all = await ok(director, SPEC);
    expect(all.rows.length).toBeGreaterThan(4);
    for (const [login, courses] of [
      ['teacher', [c.aAlg, c.bAlg]],
      ['classteacher', [c.aAlg, c.aRus, c.bRus]],
      ['deputy', Object.values(c)],
    ] as const) {
      const mine = await ok(await f.as(login), SPEC);
      const expected = allowed(all, [...courses]);
      expect(mine.rows.map(key).sort(), login).toEqual(expected.map(key).sort());
      expect(mine.rows.sort((x, y) => key(x).localeCompare(key(y)))).toEqual(
        expected.sort((x, y) => key(x).localeCompare(key(y))),
      );
    }
  });

  it('counts in totals only the rows a teacher may see', async () => {
    const mine = await ok(await f.as('teacher'), PUPILS);
    // Algebra in 7А and 7Б: 7 + 2 marks, 3 attendance entries.
    expect(values(mine.total.cells)).toEqual({ MARK_COUNT: 9, ATTENDANCE_ENTRIES: 3 });
    const byCourse = await ok(director, {
      rows: ['PUPIL'],
      measures: ['MARK_COUNT', 'ATTENDANCE_ENTRIES'],
      filters: [{ dimension: 'COURSE', in: [c.aAlg.id, c.bAlg.id] }],
    });
    expect(mine.rows).toEqual(byCourse.rows);
  });

  it('gives a teacher without courses or class zero rows, never everything', async () => {
    const r = await ok(await f.as('idle'), PUPILS);
    expect(r.rows).toEqual([]);
    expect(r.rowCount).toBe(0);
    expect(values(r.total.cells)).toEqual({ MARK_COUNT: null, ATTENDANCE_ENTRIES: null });
  });

  it('refuses teachers the teacher dimension, and parents, pupils and the sysadmin any report', async () => {
    const teacher = await f.as('teacher');
    const r = await report(teacher, { rows: ['TEACHER'], measures: ['MARK_COUNT'] });
    expect(r.errors?.[0].extensions).toMatchObject({
      field: 'spec.rows.0',
      reason: 'DIMENSION_NOT_ALLOWED',
    });
    expect((await ok(director, { rows: ['TEACHER'], measures: ['MARK_COUNT'] })).rowCount).toBe(3);
    for (const login of ['parent', 'pupil', 'sysadmin']) {
      const as = await f.as(login);
      expect(codeOf(await report(as, PUPILS)), login).toBe('FORBIDDEN');
      expect(codeOf(await as.request(`{ reportModel { measures { id } } }`)), login).toBe(
        'FORBIDDEN',
      );
    }
  });
});

/**
 * Journal health as measures (issue 14) and remote lessons, on a class of their own (8А, physics,
 * one hour a week: the quarter's minimum is 3 marks). Span 2026-09-01..2026-11-27.
 *   r1, r2 from the year's start; r3 joined on 2026-11-05 (the II quarter's first day).
 *   M1 09-10: attendance (r2 Н), marks r1 5, r2 4.      M2 09-17: no topic, no attendance, r1 4.
 *   M3 10-01: on a cancelled day of 8А (remote), an entry r1 Н there, r1 5.
 *   M4 10-08 cancelled.  M5 11-10: no homework, no attendance, r3 5.  M6 11-26: no attendance.
 *   Period marks, I quarter: r1 5; r2 none (missing; r3 was not on the list on 10-24).
 * Short: I quarter whole (need 3): r2 has 1. II quarter 11-05..11-27 is 23 of 55 days: need
 * ⌊3 × 23 / 55⌋ = 1; r1 and r2 have none, r3 has 1. So 2 pupils (r2 in I; r1, r2 in II).
 * Entered on the lesson's day but: M1 r1's mark 10 days later, M2 r1's 3 days later; M1 r2's
 * attendance first entered (history) 9 days later; M1's topic filled in 9 days later, M3's on
 * its day. Late by the control rule (7 days): M1's mark, entry and topic = 3; by a day: 2 marks.
 */
describe('journal health and remote lessons as measures', () => {
  let phys: MadeCourse;
  const span = { dimension: 'DATE', from: '2026-09-01', to: '2026-11-27' };
  beforeAll(async () => {
    const cls8 = await f.newClass({ grade: 8 });
    phys = await f.newCourse({
      classGroup: cls8,
      subject: 'Физика',
      teacher: staff.t,
      hoursPerWeek: 1,
    });
    const r1 = await f.newPupil({ classGroup: cls8, login: null });
    const r2 = await f.newPupil({ classGroup: cls8, login: null });
    const r3 = await f.newPupil({ classGroup: cls8, login: null, enrolledFrom: '2026-11-05' });
    const hw = 'Упр. 2';
    const M1 = await f.newLesson({ course: phys, date: '2026-09-10', homework: hw });
    const M2 = await f.newLesson({ course: phys, date: '2026-09-17', topic: null, homework: hw });
    const M3 = await f.newLesson({ course: phys, date: '2026-10-01', homework: hw });
    await f.newLesson({ course: phys, date: '2026-10-08', homework: hw, cancelled: true });
    const M5 = await f.newLesson({ course: phys, date: '2026-11-10' });
    await f.newLesson({ course: phys, date: '2026-11-26', homework: hw });
    await t.sql(
      `insert into cancelled_day (school_id, date, class_ids, reason, declared_by_id)
       values (?, '2026-10-01', ?::int[], 'FROST', ?)`,
      [f.school.id, `{${cls8.id}}`, staff.director.id],
    );
    const lateEntry = await f.newAbsence({ lesson: M1, pupil: r2, code: 'Н' });
    await f.newAbsence({ lesson: M3, pupil: r1, code: 'Н' });
    for (const [lesson, pupil, value] of [
      [M1, r1, '5'],
      [M1, r2, '4'],
      [M2, r1, '4'],
      [M3, r1, '5'],
      [M5, r3, '5'],
    ] as const) {
      await f.newMark({ lesson, pupil, value });
    }
    await t.sql(
      `update mark m set created_at = (l.date + time '15:00') at time zone 'Europe/Moscow'
         from lesson l where l.id = m.lesson_id and l.course_id = ?`,
      [phys.id],
    );
    for (const [lesson, at] of [
      [M1, '2026-09-20T10:00:00+03:00'],
      [M2, '2026-09-20T10:00:00+03:00'],
    ] as const) {
      await t.sql(
        `update mark set created_at = ?::timestamptz where lesson_id = ? and pupil_id = ?`,
        [at, lesson.id, r1.id],
      );
    }
    await t.sql(
      `insert into audit_event (school_id, actor_id, at, entity, entity_id, action, before, after)
       values (?, ?, '2026-09-19T12:00:00+03:00', 'attendance', ?, 'create', null, '{}'),
              (?, ?, '2026-09-19T12:00:00+03:00', 'lesson', ?, 'update', '{"topic": null}', '{"topic": "Тема"}'),
              (?, ?, '2026-10-01T12:00:00+03:00', 'lesson', ?, 'update', '{"topic": ""}', '{"topic": "Тема"}')`,
      [
        ...[f.school.id, staff.t.id, lateEntry.id],
        ...[f.school.id, staff.t.id, M1.id],
        ...[f.school.id, staff.t.id, M3.id],
      ],
    );
    await f.newPeriodMark({ course: phys, pupil: r1, period: f.school.periods[0].id, value: '5' });
  }, 60_000);

  const HEALTH = [
    'LESSONS_HELD',
    'LESSONS_WITHOUT_TOPIC',
    'LESSONS_WITHOUT_HOMEWORK',
    'LESSONS_WITHOUT_ATTENDANCE',
    'PUPILS_SHORT_OF_MARKS',
    'PERIOD_MARKS_MISSING',
    'CONTROL_LATE_ENTRIES',
  ];

  it('counts lessons without attendance (remote ones not), remote lessons, pupils short and period marks missing', async () => {
    const only = { dimension: 'COURSE', equals: phys.id };
    const r = await ok(director, {
      rows: ['COURSE'],
      measures: [...HEALTH, 'LESSONS_REMOTE', 'LESSONS_CANCELLED', 'LATE_MARK_ENTRIES'],
      filters: [only, span],
    });
    expect(values(r.rows[0].cells)).toEqual({
      LESSONS_HELD: 5,
      LESSONS_WITHOUT_TOPIC: 1,
      LESSONS_WITHOUT_HOMEWORK: 1,
      LESSONS_WITHOUT_ATTENDANCE: 3,
      PUPILS_SHORT_OF_MARKS: 2,
      PERIOD_MARKS_MISSING: 1,
      CONTROL_LATE_ENTRIES: 3,
      LESSONS_REMOTE: 1,
      LESSONS_CANCELLED: 1,
      LATE_MARK_ENTRIES: 2,
    });
    // Late entries by pupil: r1's mark, r2's attendance entry; the topic has no pupil.
    const late = await ok(director, {
      rows: ['PUPIL'],
      measures: ['CONTROL_LATE_ENTRIES'],
      filters: [only, span],
    });
    expect(late.rows.map((row) => values(row.cells).CONTROL_LATE_ENTRIES).sort()).toEqual([
      1, 1, 1,
    ]);
    expect(late.rows.filter((row) => row.values[0].key == null)).toHaveLength(1);
    // Per quarter: r2 short in I, r1 and r2 in II; the total counts each pupil once.
    const byPeriod = await ok(director, {
      rows: ['STUDY_PERIOD'],
      measures: ['PUPILS_SHORT_OF_MARKS', 'PERIOD_MARKS_MISSING'],
      filters: [only, span],
    });
    expect(byLabel(byPeriod)).toEqual({
      'I четверть': { PUPILS_SHORT_OF_MARKS: 1, PERIOD_MARKS_MISSING: 1 },
      'II четверть': { PUPILS_SHORT_OF_MARKS: 2, PERIOD_MARKS_MISSING: 0 },
    });
    expect(values(byPeriod.total.cells)).toEqual({
      PUPILS_SHORT_OF_MARKS: 2,
      PERIOD_MARKS_MISSING: 1,
    });
    // The span ends on 10-24, the I quarter's last day: its marks are not yet missing, and the
    // II quarter is not in the span.
    const q1 = await ok(director, {
      rows: ['COURSE'],
      measures: ['PUPILS_SHORT_OF_MARKS', 'PERIOD_MARKS_MISSING'],
      filters: [only, { dimension: 'DATE', from: '2026-09-01', to: '2026-10-24' }],
    });
    expect(values(q1.rows[0].cells)).toEqual({ PUPILS_SHORT_OF_MARKS: 1, PERIOD_MARKS_MISSING: 0 });
    // Attendance: places M1 2, M2 2, M5 3, M6 3 = 10 (not M3's 2, remote); the entry on M3 left out.
    const seats = await ok(director, {
      rows: ['COURSE'],
      measures: ['ATTENDANCE_ENTRIES', 'MISSED_SHARE'],
      filters: [only],
    });
    expect(values(seats.rows[0].cells)).toEqual({ ATTENDANCE_ENTRIES: 1, MISSED_SHARE: 10 });
    const byCode = await ok(director, {
      rows: ['ATTENDANCE_CODE'],
      measures: ['ATTENDANCE_ENTRIES'],
      filters: [only],
    });
    expect(values(byCode.total.cells)).toEqual({ ATTENDANCE_ENTRIES: 1 });
    const byPupil = await ok(director, {
      rows: ['PUPIL'],
      measures: ['ATTENDANCE_ENTRIES', 'MISSED_SHARE'],
      filters: [only],
    });
    expect(values(byPupil.total.cells)).toEqual({ ATTENDANCE_ENTRIES: 1, MISSED_SHARE: 10 });
  });

  it('takes the span from the DATE filter only: no split by date, week or month, no list of dates', async () => {
    const refused = async (spec: Record<string, unknown>, field: string) => {
      const r = await report(director, spec);
      expect(r.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'DIMENSION_NOT_APPLICABLE',
        field,
      });
    };
    const m = { measures: ['LESSONS_HELD', 'PUPILS_SHORT_OF_MARKS'] };
    await refused({ ...m, rows: ['MONTH'] }, 'spec.measures.1');
    await refused({ ...m, rows: ['COURSE'], columns: 'ISO_WEEK' }, 'spec.measures.1');
    await refused({ ...m, rows: ['DATE'] }, 'spec.measures.1');
    await refused(
      { ...m, rows: ['COURSE'], filters: [{ dimension: 'DATE', in: ['2026-11-10'] }] },
      'spec.measures.1',
    );
    await refused(
      {
        measures: ['PERIOD_MARKS_MISSING'],
        rows: ['COURSE'],
        filters: [{ dimension: 'MONTH', equals: '2026-11' }],
      },
      'spec.measures.0',
    );
    // The model says so: no date among the dimensions to split by.
    const model = await director.request<{
      reportModel: { measures: { id: string; dimensions: string[] }[] };
    }>(`{ reportModel { measures { id dimensions } } }`);
    for (const id of ['PUPILS_SHORT_OF_MARKS', 'CONTROL_LATE_ENTRIES']) {
      const m = model.data!.reportModel.measures.find((x) => x.id === id)!;
      expect(m.dimensions).toEqual(expect.arrayContaining(['STUDY_PERIOD', 'COURSE', 'PUPIL']));
      for (const d of ['DATE', 'MONTH', 'ISO_WEEK']) expect(m.dimensions).not.toContain(d);
    }
    await refused({ measures: ['CONTROL_LATE_ENTRIES'], rows: ['MONTH'] }, 'spec.measures.0');
  });

  it("gives a custom view the control dashboard's figures for every course and the same span", async () => {
    const deputy = await f.as('deputy');
    const compare = async () => {
      const board = await deputy.request<{
        journalHealth: { items: Record<string, number | string>[] };
      }>(
        `query($f: HealthFilterInput) { journalHealth(filter: $f) { items { courseId lessonsHeld
          withoutTopic withoutHomework withoutAttendance pupilsShort periodMarksMissing lateEntries } } }`,
        { f: { from: span.from, to: span.to } },
      );
      expect(board.errors).toBeUndefined();
      const view = await ok(deputy, { rows: ['COURSE'], measures: HEALTH, filters: [span] });
      const byCourse = Object.fromEntries(view.rows.map((row) => [row.values[0].key, row.cells]));
      const items = board.data!.journalHealth.items;
      expect(items.length).toBeGreaterThanOrEqual(5);
      for (const item of items) {
        const v = values(byCourse[item.courseId as string] ?? []);
        expect([
          v.LESSONS_HELD ?? 0,
          v.LESSONS_WITHOUT_TOPIC ?? 0,
          v.LESSONS_WITHOUT_HOMEWORK ?? 0,
          v.LESSONS_WITHOUT_ATTENDANCE ?? 0,
          v.PUPILS_SHORT_OF_MARKS ?? 0,
          v.PERIOD_MARKS_MISSING ?? 0,
          v.CONTROL_LATE_ENTRIES ?? 0,
        ]).toEqual([
          item.lessonsHeld,
          item.withoutTopic,
          item.withoutHomework,
          item.withoutAttendance,
          item.pupilsShort,
          item.periodMarksMissing,
          item.lateEntries,
        ]);
      }
      return items.find((i) => i.courseId === phys.id)!;
    };
    expect(await compare()).toMatchObject({
      withoutAttendance: 3,
      pupilsShort: 2,
      periodMarksMissing: 1,
      lateEntries: 3,
    });
    // The school's own threshold: late after 2 days, M2 r1's mark (3 days) is late too.
    await t.sql(`insert into control_setting (school_id, late_after_days) values (?, 2)`, [
      f.school.id,
    ]);
    try {
      expect(await compare()).toMatchObject({ lateEntries: 4 });
    } finally {
      await t.sql(`delete from control_setting where school_id = ?`, [f.school.id]);
    }
  });
});

describe('the model and the cap', () => {
  it('describes every measure with what it is over and its formula in Russian and English', async () => {
    const r = await director.request<{
      reportModel: {
        measures: { id: string; over: string; formulaRu: string; formulaEn: string }[];
      };
    }>(
      `{ reportModel { dimensions { id labelRu labelEn } measures { id over formulaRu formulaEn } } }`,
    );
    expect(r.errors).toBeUndefined();
    const m = Object.fromEntries(r.data!.reportModel.measures.map((x) => [x.id, x]));
    expect(m.SUCCESS_RATE_PUPILS.over).toBe('PERIOD_MARKS');
    expect(m.SUCCESS_RATE_MARKS.over).toBe('LESSON_MARKS');
    expect(m.DEGREE_OF_LEARNING.formulaRu).toContain('0,64');
    for (const x of r.data!.reportModel.measures) expect(x.formulaEn.length).toBeGreaterThan(10);
  });

  it('refuses a view over the row cap with the count that would have come, and truncates to a limit', async () => {
    await f.newSchool({ name: 'Большая школа' });
    await f.newStaff({ roles: [Role.DIRECTOR], login: 'director2' });
    const big = await f.newClass({ grade: 5 });
    const course = await f.newCourse({ classGroup: big });
    await t.sql(
      `insert into lesson (school_id, course_id, date, number)
       select ?, ?, date '2026-11-28' - n, 1 from generate_series(0, 1004) n`,
      [f.school.id, course.id],
    );
    const as = await f.as('director2');
    const spec = { rows: ['DATE'], measures: ['LESSONS_HELD'] };
    const r = await report(as, spec);
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'spec.limit',
      reason: 'TOO_MANY_ROWS',
      count: 1005,
    });
    const limited = await ok(as, {
      ...spec,
      limit: 3,
      sort: [{ dimension: 'DATE', descending: true }],
    });
    expect(limited.rowCount).toBe(1005);
    expect(limited.rows.map((x) => x.values[0].key)).toEqual([
      '2026-11-28',
      '2026-11-27',
      '2026-11-26',
    ]);
    expect(values(limited.total.cells)).toEqual({ LESSONS_HELD: 1005 });
  });
});
