import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory, type MadeLesson, type MadePerson } from './factory.js';

/**
 * Remote study in the reports (issue 15, "afterwards", decision 72): the remote lessons' material
 * and tasks as measures of the lessons, and the tasks' completion (fact REMOTE_TASKS), against
 * figures worked out by hand; each role's rows; a lesson not on a cancelled day never counts.
 *
 * The fixture (today is 2026-11-28). Cancelled days: 11-24 for 9А and 9Б, 11-26 for 9А, 12-02
 * (to come) for 9А.
 * 9А (class teacher `ct`): a1, a2 from the year's start; a3 from 11-25. An English subgroup «Гр. 1»
 * of a1 only.
 *   A1 algebra (`t`) 11-24, remote: material (a text); tasks T1, T2 (list a1, a2).
 *      Ticks: a1 T1, a1 T2, a2 T1; and a3 T1, written straight in the table (a3 was not yet in
 *      the class that day: counts nowhere).
 *   A2 English, the subgroup (`u`) 11-24, remote: no material; task T3 (list a1). No tick.
 *   A3 algebra 11-26, remote: nothing posted (a lesson without work).
 *   A4 algebra 11-25, not a cancelled day: a task T4 with a1's tick, written straight in the
 *      table: never counts.
 *   A5 algebra 12-02 (cancelled, to come): task T5; A6 algebra 11-26 (a cancelled lesson on the
 *      remote day): task T6. Neither counts.
 * 9Б: b1, b2. B1 Russian (`x`) 11-24, remote: material (a link); task T7 (list b1, b2); b1 ticks.
 *
 * So: remote lessons A1 A2 A3 B1 = 4; with material A1 B1 = 2; without work A3 = 1; tasks set
 * T1 T2 T3 T7 = 4. Tasks × pupils: T1 2 + T2 2 + T3 1 + T7 2 = 7; done 4 (a1 T1, a1 T2, a2 T1,
 * b1 T7); 57.1%; pupils with a task not done: a1 (T3), a2 (T2), b2 (T7) = 3.
 */
let t: TestApp;
let f: Factory;
const who: Record<string, MadePerson> = {};
const as: Record<string, GqlClient> = {};
const pupil: Record<string, MadePerson> = {};
const cls: Record<string, string> = {};

const REPORT = `query ($spec: ReportSpec!) { report(spec: $spec) {
  rowCount rows { values { dimension key label } cells { measure column value } }
  total { cells { measure column value } } } }`;

interface Cell {
  measure: string;
  column: string | null;
  value: number | null;
}
interface Result {
  rowCount: number;
  rows: { values: { key: string | null; label: string | null }[]; cells: Cell[] }[];
  total: { cells: Cell[] };
}

const report = (client: GqlClient, spec: Record<string, unknown>) =>
  client.request<{ report: Result }>(REPORT, { spec });
async function ok(client: GqlClient, spec: Record<string, unknown>): Promise<Result> {
  const r = await report(client, spec);
  expect(r.errors).toBeUndefined();
  return r.data!.report;
}
const values = (cells: Cell[]) => Object.fromEntries(cells.map((x) => [x.measure, x.value]));
const byLabel = (r: Result) =>
  Object.fromEntries(r.rows.map((row) => [row.values[0].label, values(row.cells)]));
const byKey = (r: Result) =>
  Object.fromEntries(r.rows.map((row) => [row.values[0].key, values(row.cells)]));

const TASKS = [
  'REMOTE_TASKS_ASSIGNED',
  'REMOTE_TASKS_DONE',
  'REMOTE_TASKS_DONE_SHARE',
  'REMOTE_PUPILS_OWING',
];
const WORK = [
  'LESSONS_REMOTE',
  'REMOTE_LESSONS_WITH_MATERIAL',
  'REMOTE_LESSONS_WITHOUT_WORK',
  'REMOTE_TASKS_SET',
];

async function task(lesson: MadeLesson, text: string): Promise<string> {
  const [row] = await t.sql<{ id: number }>(
    `insert into remote_task (school_id, lesson_id, text, due_on, author_id)
     select ?, ?, ?, l.date + 1, co.teacher_id from lesson l join course co on co.id = l.course_id
      where l.id = ? returning id`,
    [f.school.id, lesson.id, text, lesson.id],
  );
  return String(row.id);
}
async function tick(taskId: string, p: MadePerson): Promise<void> {
  await t.sql(
    `insert into remote_task_check (school_id, task_id, pupil_id, checked_by_id) values (?, ?, ?, ?)`,
    [f.school.id, taskId, p.id, p.id],
  );
}
async function material(lesson: MadeLesson, body: string, links: string[] = []): Promise<void> {
  await t.sql(
    `insert into remote_material (school_id, lesson_id, body, links, author_id)
     select ?, ?, ?, ?::text[], co.teacher_id from lesson l join course co on co.id = l.course_id where l.id = ?`,
    [f.school.id, lesson.id, body, `{${links.join(',')}}`, lesson.id],
  );
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  await f.newSchool();
  who.director = await f.newStaff({ roles: [Role.DIRECTOR], login: 'rr-director' });
  who.sysadmin = await f.newStaff({ roles: [Role.SYSADMIN], login: 'rr-sysadmin' });
  for (const k of ['t', 'u', 'x', 'ct', 'idle']) who[k] = await f.newTeacher({ login: `rr-${k}` });
  const a = await f.newClass({ grade: 9, classTeacher: who.ct });
  const b = await f.newClass({ grade: 9 });
  Object.assign(cls, { a: a.id, b: b.id });
  pupil.a1 = await f.newPupil({ classGroup: a, login: 'rr-pupil' });
  pupil.a2 = await f.newPupil({ classGroup: a, login: null });
  pupil.a3 = await f.newPupil({ classGroup: a, login: null, enrolledFrom: '2026-11-25' });
  pupil.b1 = await f.newPupil({ classGroup: b, login: null });
  pupil.b2 = await f.newPupil({ classGroup: b, login: null });
  who.parent = await f.newParent({ children: [pupil.a1], login: 'rr-parent' });
  who.parentB = await f.newParent({ children: [pupil.b1], login: 'rr-parent-b' });
  who.pupil = pupil.a1;

  const alg = await f.newCourse({ classGroup: a, subject: 'Алгебра', teacher: who.t });
  const eng = await f.newCourse({ classGroup: a, subject: 'Английский язык', teacher: who.u });
  const rus = await f.newCourse({ classGroup: b, subject: 'Русский язык', teacher: who.x });
  // The English course is the subgroup «Гр. 1»'s (a1 only).
  const [split] = await t.sql<{ id: number }>(
    `insert into subgroup_split (school_id, class_group_id, subject_id, period_id)
     select ?, ?, co.subject_id, ? from course co where co.id = ? returning id`,
    [f.school.id, a.id, f.school.periods[1].id, eng.id],
  );
  const [group] = await t.sql<{ id: number }>(
    `insert into subgroup (school_id, split_id, name) values (?, ?, 'Гр. 1') returning id`,
    [f.school.id, split.id],
  );
  await t.sql(`insert into subgroup_member (school_id, subgroup_id, pupil_id) values (?, ?, ?)`, [
    f.school.id,
    group.id,
    pupil.a1.id,
  ]);
  await t.sql(`update course set subgroup_id = ? where id = ?`, [group.id, eng.id]);

  for (const [date, ids] of [
    ['2026-11-24', [a.id, b.id]],
    ['2026-11-26', [a.id]],
    ['2026-12-02', [a.id]],
  ] as const) {
    await t.sql(
      `insert into cancelled_day (school_id, date, class_ids, reason, declared_by_id)
       values (?, ?, ?::int[], 'FROST', ?)`,
      [f.school.id, date, `{${ids.join(',')}}`, who.director.id],
    );
  }
  const A1 = await f.newLesson({ course: alg, date: '2026-11-24' });
  const A2 = await f.newLesson({ course: eng, date: '2026-11-24' });
  await f.newLesson({ course: alg, date: '2026-11-26' });
  const A4 = await f.newLesson({ course: alg, date: '2026-11-25' });
  const A5 = await f.newLesson({ course: alg, date: '2026-12-02' });
  const A6 = await f.newLesson({ course: alg, date: '2026-11-26', cancelled: true });
  const B1 = await f.newLesson({ course: rus, date: '2026-11-24' });

  await material(A1, 'Параграф 12');
  await material(A2, '  ');
  await material(B1, '', ['https://example.org/rus']);
  const T1 = await task(A1, 'Т1');
  const T2 = await task(A1, 'Т2');
  await task(A2, 'Т3');
  const T4 = await task(A4, 'Т4');
  await task(A5, 'Т5');
  await task(A6, 'Т6');
  const T7 = await task(B1, 'Т7');
  await tick(T1, pupil.a1);
  await tick(T2, pupil.a1);
  await tick(T1, pupil.a2);
  await tick(T1, pupil.a3);
  await tick(T4, pupil.a1);
  await tick(T7, pupil.b1);

  for (const [k, p] of Object.entries(who)) as[k] = await f.as(p.login);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('remote study as measures', () => {
  it('counts the remote lessons, their material and tasks, and the tasks done, for the school', async () => {
    const r = await ok(as.director, { rows: [], measures: [...WORK, ...TASKS] });
    expect(values(r.total.cells)).toEqual({
      LESSONS_REMOTE: 4,
      REMOTE_LESSONS_WITH_MATERIAL: 2,
      REMOTE_LESSONS_WITHOUT_WORK: 1,
      REMOTE_TASKS_SET: 4,
      REMOTE_TASKS_ASSIGNED: 7,
      REMOTE_TASKS_DONE: 4,
      REMOTE_TASKS_DONE_SHARE: 57.1,
      REMOTE_PUPILS_OWING: 3,
    });
  });

  it('splits by class, subject, teacher, date, week and pupil', async () => {
    const byClass = await ok(as.director, { rows: ['CLASS_GROUP'], measures: [...WORK, ...TASKS] });
    expect(byLabel(byClass)).toEqual({
      '9А': {
        LESSONS_REMOTE: 3,
        REMOTE_LESSONS_WITH_MATERIAL: 1,
        REMOTE_LESSONS_WITHOUT_WORK: 1,
        REMOTE_TASKS_SET: 3,
        REMOTE_TASKS_ASSIGNED: 5,
        REMOTE_TASKS_DONE: 3,
        REMOTE_TASKS_DONE_SHARE: 60,
        REMOTE_PUPILS_OWING: 2,
      },
      '9Б': {
        LESSONS_REMOTE: 1,
        REMOTE_LESSONS_WITH_MATERIAL: 1,
        REMOTE_LESSONS_WITHOUT_WORK: 0,
        REMOTE_TASKS_SET: 1,
        REMOTE_TASKS_ASSIGNED: 2,
        REMOTE_TASKS_DONE: 1,
        REMOTE_TASKS_DONE_SHARE: 50,
        REMOTE_PUPILS_OWING: 1,
      },
    });
    expect(values(byClass.total.cells).REMOTE_PUPILS_OWING).toBe(3);

    const bySubject = await ok(as.director, { rows: ['SUBJECT'], measures: TASKS });
    expect(byLabel(bySubject)).toEqual({
      Алгебра: {
        REMOTE_TASKS_ASSIGNED: 4,
        REMOTE_TASKS_DONE: 3,
        REMOTE_TASKS_DONE_SHARE: 75,
        REMOTE_PUPILS_OWING: 1,
      },
      'Английский язык': {
        REMOTE_TASKS_ASSIGNED: 1,
        REMOTE_TASKS_DONE: 0,
        REMOTE_TASKS_DONE_SHARE: 0,
        REMOTE_PUPILS_OWING: 1,
      },
      'Русский язык': {
        REMOTE_TASKS_ASSIGNED: 2,
        REMOTE_TASKS_DONE: 1,
        REMOTE_TASKS_DONE_SHARE: 50,
        REMOTE_PUPILS_OWING: 1,
      },
    });
    // a1 owes in English, a2 in algebra: counted once each in 9А's total.
    const classBySubject = await ok(as.director, {
      rows: ['CLASS_GROUP'],
      columns: 'SUBJECT',
      measures: ['REMOTE_PUPILS_OWING'],
    });
    const a9 = classBySubject.rows.find((row) => row.values[0].label === '9А')!;
    expect(a9.cells.find((x) => x.column === null)?.value).toBe(2);

    const byTeacher = await ok(as.director, {
      rows: ['TEACHER'],
      measures: ['REMOTE_TASKS_SET', 'REMOTE_TASKS_DONE'],
    });
    expect(byKey(byTeacher)).toEqual({
      [who.t.id]: { REMOTE_TASKS_SET: 2, REMOTE_TASKS_DONE: 3 },
      [who.u.id]: { REMOTE_TASKS_SET: 1, REMOTE_TASKS_DONE: 0 },
      [who.x.id]: { REMOTE_TASKS_SET: 1, REMOTE_TASKS_DONE: 1 },
    });

    const byDate = await ok(as.director, {
      rows: ['DATE'],
      measures: ['LESSONS_REMOTE', 'REMOTE_TASKS_ASSIGNED', 'REMOTE_TASKS_DONE'],
    });
    expect(byKey(byDate)['2026-11-24']).toEqual({
      LESSONS_REMOTE: 3,
      REMOTE_TASKS_ASSIGNED: 7,
      REMOTE_TASKS_DONE: 4,
    });
    expect(byKey(byDate)['2026-11-26']).toEqual({
      LESSONS_REMOTE: 1,
      REMOTE_TASKS_ASSIGNED: 0,
      REMOTE_TASKS_DONE: 0,
    });
    const byWeek = await ok(as.director, {
      rows: ['ISO_WEEK'],
      measures: ['REMOTE_TASKS_DONE_SHARE'],
    });
    expect(byKey(byWeek)).toEqual({ '2026-W48': { REMOTE_TASKS_DONE_SHARE: 57.1 } });

    const byPupil = await ok(as.director, {
      rows: ['PUPIL'],
      measures: TASKS,
      filters: [{ dimension: 'CLASS_GROUP', equals: cls.a }],
    });
    expect(byKey(byPupil)).toEqual({
      [pupil.a1.id]: {
        REMOTE_TASKS_ASSIGNED: 3,
        REMOTE_TASKS_DONE: 2,
        REMOTE_TASKS_DONE_SHARE: 66.7,
        REMOTE_PUPILS_OWING: 1,
      },
      [pupil.a2.id]: {
        REMOTE_TASKS_ASSIGNED: 2,
        REMOTE_TASKS_DONE: 1,
        REMOTE_TASKS_DONE_SHARE: 50,
        REMOTE_PUPILS_OWING: 1,
      },
    });
  });

  it('agrees with the class teacher’s remote table', async () => {
    const r = await as.ct.request<{
      remoteClassTable: { lessons: { tasks: { doneCount: number; pupilCount: number }[] }[] };
    }>(
      `query($c:ID!,$f:LocalDate!,$t:LocalDate){remoteClassTable(classGroupId:$c,from:$f,to:$t){
        lessons{tasks{doneCount pupilCount}}}}`,
      { c: cls.a, f: '2026-11-23', t: '2026-11-28' },
    );
    expect(r.errors).toBeUndefined();
    const tasks = r.data!.remoteClassTable.lessons.flatMap((l) => l.tasks);
    const mine = await ok(as.ct, {
      rows: ['CLASS_GROUP'],
      measures: ['REMOTE_TASKS_SET', 'REMOTE_TASKS_ASSIGNED', 'REMOTE_TASKS_DONE'],
      filters: [{ dimension: 'DATE', from: '2026-11-23', to: '2026-11-28' }],
    });
    expect(byLabel(mine)['9А']).toEqual({
      REMOTE_TASKS_SET: tasks.length,
      REMOTE_TASKS_ASSIGNED: tasks.reduce((n, x) => n + x.pupilCount, 0),
      REMOTE_TASKS_DONE: tasks.reduce((n, x) => n + x.doneCount, 0),
    });
  });

  it('never counts a lesson not on a cancelled day, nor one withdrawn', async () => {
    const only25 = await ok(as.director, {
      rows: [],
      measures: [...WORK, ...TASKS],
      filters: [{ dimension: 'DATE', equals: '2026-11-25' }],
    });
    for (const c of only25.total.cells) expect(c.value ?? 0).toBe(0);
    // Withdrawn: the 24th's lessons and their ticks count nowhere; back as they were after.
    await t.sql(`update cancelled_day set class_ids = '{}' where school_id = ? and date = ?`, [
      f.school.id,
      '2026-11-24',
    ]);
    try {
      const r = await ok(as.director, { rows: [], measures: [...WORK, ...TASKS] });
      expect(values(r.total.cells)).toMatchObject({
        LESSONS_REMOTE: 1,
        REMOTE_TASKS_SET: 0,
        REMOTE_LESSONS_WITHOUT_WORK: 1,
      });
      expect(values(r.total.cells).REMOTE_TASKS_ASSIGNED ?? 0).toBe(0);
    } finally {
      await t.sql(
        `update cancelled_day set class_ids = ?::int[] where school_id = ? and date = ?`,
        [`{${cls.a},${cls.b}}`, f.school.id, '2026-11-24'],
      );
    }
  });

  it('answers each role under its row filter: own courses, own class; families and the SYSADMIN none', async () => {
    const spec = { rows: ['PUPIL'], measures: TASKS };
    // The algebra teacher: algebra's tasks only, 9А's pupils (not another teacher's course).
    const mineT = await ok(as.t, spec);
    expect(Object.keys(byKey(mineT)).sort()).toEqual([pupil.a1.id, pupil.a2.id].sort());
    expect(values(mineT.total.cells)).toEqual({
      REMOTE_TASKS_ASSIGNED: 4,
      REMOTE_TASKS_DONE: 3,
      REMOTE_TASKS_DONE_SHARE: 75,
      REMOTE_PUPILS_OWING: 1,
    });
    // Another teacher's course (9Б's Russian): the teacher there sees b1 and b2, nothing of 9А.
    const mineX = await ok(as.x, spec);
    expect(Object.keys(byKey(mineX)).sort()).toEqual([pupil.b1.id, pupil.b2.id].sort());
    // The class teacher: the whole class, every subject, nothing of 9Б.
    const mineCt = await ok(as.ct, { rows: [], measures: [...WORK, ...TASKS] });
    expect(values(mineCt.total.cells)).toEqual({
      LESSONS_REMOTE: 3,
      REMOTE_LESSONS_WITH_MATERIAL: 1,
      REMOTE_LESSONS_WITHOUT_WORK: 1,
      REMOTE_TASKS_SET: 3,
      REMOTE_TASKS_ASSIGNED: 5,
      REMOTE_TASKS_DONE: 3,
      REMOTE_TASKS_DONE_SHARE: 60,
      REMOTE_PUPILS_OWING: 2,
    });
    // A teacher of nothing here: no rows.
    const idle = await ok(as.idle, spec);
    expect(idle.rows).toEqual([]);
    // Families (another family's child or their own) and the SYSADMIN run no reports.
    for (const k of ['parent', 'parentB', 'pupil', 'sysadmin']) {
      const r = await report(as[k], spec);
      expect(codeOf(r), k).toBe('FORBIDDEN');
      expect(r.data?.report ?? null).toBeNull();
    }
  });

  it('lists the new measures in the model with their fact and dimensions', async () => {
    const r = await as.director.request<{
      reportModel: { measures: { id: string; over: string; dimensions: string[] }[] };
    }>(`{ reportModel { measures { id over dimensions } } }`);
    expect(r.errors).toBeUndefined();
    const m = Object.fromEntries(r.data!.reportModel.measures.map((x) => [x.id, x]));
    expect(m.REMOTE_TASKS_DONE.over).toBe('REMOTE_TASKS');
    expect(m.REMOTE_TASKS_DONE.dimensions).toEqual(
      expect.arrayContaining(['PUPIL', 'CLASS_GROUP', 'SUBJECT', 'TEACHER', 'COURSE', 'DATE']),
    );
    expect(m.REMOTE_TASKS_DONE.dimensions).not.toContain('ATTENDANCE_CODE');
    // Tasks set are counted per lesson: a task is not a pupil's.
    expect(m.REMOTE_TASKS_SET.over).toBe('LESSONS');
    expect(m.REMOTE_TASKS_SET.dimensions).not.toContain('PUPIL');
  });
});
