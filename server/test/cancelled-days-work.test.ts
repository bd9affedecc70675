import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  uploadFile,
  createTestApp,
  codeOf,
  DEMO_TODAY,
  type GqlClient,
  type GqlResult,
  type TestApp,
} from './helpers.js';
import { factory, type Factory, type MadeLesson, type MadePerson } from './factory.js';
import { Role } from '../src/auth/role.js';

/**
 * Issue 15's "everyone can see who has done the work" (decisions 62, 63): a family's work attached
 * to a tick, the class teacher's table across subjects, and what a pupil still owes.
 */
let t: TestApp;
let f: Factory;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
const l: Record<string, MadeLesson> = {};
const tasks: Record<string, string> = {};
let classA = '';
let classB = '';
const YESTERDAY = '2026-11-27';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);
const FILE = `id name contentType size`;
const DONE = `mutation($t:ID!,$p:ID!,$d:Boolean!,$a:[ID!]){setRemoteTaskDone(taskId:$t,pupilId:$p,done:$d,attachmentIds:$a){id pupilId done attachments{${FILE}}}}`;
const LESSON = `query($l:ID!){remoteLesson(lessonId:$l){completion{pupilId doneTaskIds files{taskId ${FILE}}}}}`;
const DAY = `query($p:ID!,$d:LocalDate!){remoteDay(pupilId:$p,date:$d){lessonId tasks{id pupilId done attachments{${FILE}}}}}`;
const TABLE = `query($c:ID!,$f:LocalDate!,$t:LocalDate){remoteClassTable(classGroupId:$c,from:$f,to:$t){
  classGroupId className from to
  lessons{lessonId courseId date number subjectName tasks{id text dueOn doneCount pupilCount}}
  pupils{pupilId pupilName taskIds doneTaskIds}}}`;
const OWED = `query($p:ID!){remoteOwed(pupilId:$p){taskId text dueOn overdue lessonId date subjectName}}`;

type Done = {
  setRemoteTaskDone: {
    pupilId: string;
    done: boolean;
    attachments: { id: string; name: string }[];
  };
};
type Owed = { remoteOwed: { taskId: string; overdue: boolean; subjectName: string }[] };
type Table = {
  remoteClassTable: {
    className: string;
    lessons: {
      lessonId: string;
      courseId: string;
      date: string;
      subjectName: string;
      tasks: { id: string; doneCount: number; pupilCount: number }[];
    }[];
    pupils: { pupilId: string; taskIds: string[]; doneTaskIds: string[] }[];
  };
};

const ext = (r: GqlResult) => r.errors?.[0]?.extensions;
const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.sql<{ n: string }>(`select count(*)::text as n from ${sql}`, params))[0].n);

const upload = (who: string, name = 'работа.png') => uploadFile(t, c[who].cookie, name, PNG);

const status = async (who: string, id: string) =>
  (await fetch(`${t.origin}/files/${id}`, { headers: { cookie: c[who].cookie } })).status;

const done = (who: string, task: string, pupil: string, d: boolean, a?: string[] | null) =>
  c[who].request<Done>(DONE, { t: task, p: pupil, d, a });

const owed = async (who: string, pupil: string) =>
  (await c[who].request<Owed>(OWED, { p: pupil })).data!.remoteOwed.map((o) => o.taskId);

async function post(who: string, lesson: MadeLesson, list: { text: string; dueOn: string }[]) {
  const r = await c[who].request<{ setRemoteWork: { tasks: { id: string }[] } }>(
    `mutation($i:SetRemoteWorkInput!){setRemoteWork(input:$i){tasks{id}}}`,
    { i: { lessonId: lesson.id, material: 'Прочитать', tasks: list } },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.setRemoteWork.tasks.map((x) => x.id);
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  await f.newSchool({ name: 'Школа А' });
  for (const [k, roles] of [
    ['sysadmin', [Role.SYSADMIN]],
    ['director', [Role.DIRECTOR]],
    ['deputy', [Role.DEPUTY]],
  ] as const) {
    p[k] = await f.newStaff({ roles: [...roles] });
  }
  for (const k of ['math', 'russian', 'teacherB', 'classTeacher', 'classTeacherB']) {
    p[k] = await f.newTeacher();
  }
  const a = await f.newClass({ grade: 3, letter: 'А', classTeacher: p.classTeacher });
  const b = await f.newClass({ grade: 3, letter: 'Б', classTeacher: p.classTeacherB });
  classA = a.id;
  classB = b.id;
  const math = await f.newCourse({ classGroup: a, teacher: p.math, subject: 'Математика' });
  const russian = await f.newCourse({ classGroup: a, teacher: p.russian, subject: 'Русский язык' });
  const mathB = await f.newCourse({ classGroup: b, teacher: p.teacherB, subject: 'Математика' });
  l.math = await f.newLesson({ course: math, date: DEMO_TODAY, number: 1 });
  l.russian = await f.newLesson({ course: russian, date: DEMO_TODAY, number: 2 });
  l.mathB = await f.newLesson({ course: mathB, date: DEMO_TODAY, number: 1 });
  l.mathYesterday = await f.newLesson({ course: math, date: YESTERDAY, number: 1 });
  p.pupil = await f.newPupil({ classGroup: a, lastName: 'Антонова' });
  p.pupil2 = await f.newPupil({ classGroup: a, lastName: 'Борисов' });
  p.pupilB = await f.newPupil({ classGroup: b });
  p.parent = await f.newParent({ children: [p.pupil] });
  p.parentB = await f.newParent({ children: [p.pupilB] });
  for (const k of Object.keys(p)) c[k] = await f.as(p[k]);
  const declared = await c.deputy.request(
    `mutation($i:DeclareCancelledDayInput!){declareCancelledDay(input:$i){id}}`,
    { i: { date: DEMO_TODAY, classIds: [a.id, b.id], reason: 'QUARANTINE' } },
  );
  expect(declared.errors).toBeUndefined();
  [tasks.math1, tasks.math2] = await post('math', l.math, [
    { text: 'Задачи 1–5', dueOn: '2026-12-01' },
    { text: 'Задачи 6–9', dueOn: '2026-11-30' },
  ]);
  [tasks.russian] = await post('russian', l.russian, [
    { text: 'Упражнение 12', dueOn: DEMO_TODAY },
  ]);
  [tasks.mathB] = await post('teacherB', l.mathB, [{ text: 'Задачи Б', dueOn: DEMO_TODAY }]);
  // Yesterday was cancelled too, and its task is overdue (a day that has passed cannot be
  // declared through the API any more).
  await t.sql(
    `insert into cancelled_day (school_id, date, class_ids, reason, declared_by_id)
     select school_id, ?::date, array[?::int], 'QUARANTINE', ? from class_group where id = ?`,
    [YESTERDAY, a.id, p.deputy.id, a.id],
  );
  const [{ id }] = await t.sql<{ id: number }>(
    `insert into remote_task (school_id, lesson_id, text, due_on, author_id)
     select school_id, id, 'Вчерашнее', date, ? from lesson where id = ? returning id`,
    [p.math.id, l.mathYesterday.id],
  );
  tasks.yesterday = String(id);
});
afterAll(() => t?.close());

describe('work attached to a task marked done', () => {
  it('refuses another person’s upload, another class’s task, files without done: nothing changes', async () => {
    const parents = await upload('parent', 'родителя.png');
    const material = await t.sql<{ n: string }>(`select count(*)::text as n from attachment`);
    const refused = await done('pupil', tasks.math1, p.pupil.id, true, [parents]);
    expect(ext(refused)).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'ATTACHMENT_NOT_AVAILABLE',
      field: 'attachmentIds',
    });
    expect(ext(await done('pupil', tasks.mathB, p.pupil.id, true))).toMatchObject({
      reason: 'NOT_PUPILS_TASK',
      field: 'taskId',
    });
    expect(ext(await done('pupil', tasks.math1, p.pupil.id, false, [parents]))).toMatchObject({
      reason: 'WORK_WITHOUT_DONE',
      field: 'attachmentIds',
    });
    const six = Array.from({ length: 6 }, (_, i) => String(i + 1));
    expect(ext(await done('pupil', tasks.math1, p.pupil.id, true, six))).toMatchObject({
      reason: 'TOO_MANY',
      field: 'attachmentIds',
    });
    expect(codeOf(await done('parentB', tasks.math1, p.pupil.id, true))).toBe('NOT_FOUND');
    expect(codeOf(await done('math', tasks.math1, p.pupil.id, true))).toBe('FORBIDDEN');
    expect(await count('remote_task_check')).toBe(0);
    expect(await count('remote_work_attachment')).toBe(0);
    expect(await count('attachment where attached_at is null')).toBe(1);
    expect(await count('attachment')).toBe(Number(material[0].n));
  });

  it('attaches the pupil’s files to the tick; the family and the teacher see them', async () => {
    const first = await upload('pupil', 'решение.png');
    const second = await upload('pupil', 'черновик.png');
    const r = await done('pupil', tasks.math1, p.pupil.id, true, [first, second]);
    expect(r.errors).toBeUndefined();
    expect(r.data!.setRemoteTaskDone.attachments.map((x) => x.name)).toEqual([
      'решение.png',
      'черновик.png',
    ]);
    const day = await c.parent.request<{
      remoteDay: {
        lessonId: string;
        tasks: { id: string; pupilId: string; attachments: { id: string }[] }[];
      }[];
    }>(DAY, { p: p.pupil.id, d: DEMO_TODAY });
    const mathDay = day.data!.remoteDay.find((x) => x.lessonId === l.math.id)!;
    expect(mathDay.tasks.map((x) => x.attachments.map((a) => a.id))).toEqual([[first, second], []]);
    // A task's state is the pupil's: the client's cache keys it by the task and the pupil.
    expect(mathDay.tasks.map((x) => x.pupilId)).toEqual([p.pupil.id, p.pupil.id]);
    expect(r.data!.setRemoteTaskDone.pupilId).toBe(p.pupil.id);
    const seen = await c.math.request<{
      remoteLesson: {
        completion: { pupilId: string; files: { taskId: string; name: string }[] }[];
      };
    }>(LESSON, { l: l.math.id });
    const row = seen.data!.remoteLesson.completion.find((x) => x.pupilId === p.pupil.id)!;
    expect(row.files.map((x) => [x.taskId, x.name])).toEqual([
      [tasks.math1, 'решение.png'],
      [tasks.math1, 'черновик.png'],
    ]);
    const audit = await t.sql<{ after: { attachmentIds: number[] } }>(
      `select after from audit_event where entity = 'remote_task_check' order by id desc limit 1`,
    );
    expect(audit[0].after.attachmentIds).toEqual([Number(first), Number(second)]);
  });

  it('is downloaded by the pupil, the parents, the lesson’s teacher and the administration only', async () => {
    const [{ id }] = await t.sql<{ id: string }>(
      `select attachment_id::text as id from remote_work_attachment order by position limit 1`,
    );
    for (const who of ['pupil', 'parent', 'math', 'director', 'deputy']) {
      expect(await status(who, id), who).toBe(200);
    }
    for (const who of [
      'pupil2',
      'pupilB',
      'parentB',
      'russian',
      'teacherB',
      'classTeacher',
      'sysadmin',
    ]) {
      expect(await status(who, id), who).toBe(404);
    }
    const other = factory(t);
    await other.newSchool({ name: 'Школа Б' });
    c.stranger = await other.as(await other.newStaff({ roles: [Role.DIRECTOR] }));
    expect(await status('stranger', id)).toBe(404);
  });

  it('keeps the files when ticked again without a list, replaces them with one, deletes them when unticked', async () => {
    const before = await t.sql<{ id: string }>(
      `select attachment_id::text as id from remote_work_attachment order by position`,
    );
    const again = await done('parent', tasks.math1, p.pupil.id, true);
    expect(again.data!.setRemoteTaskDone.attachments.map((x) => x.id)).toEqual(
      before.map((x) => x.id),
    );
    // The pupil's own upload cannot be claimed by the parent; the parent's own can.
    const parents = await upload('parent', 'фото.png');
    const replaced = await done('parent', tasks.math1, p.pupil.id, true, [before[1].id, parents]);
    expect(replaced.errors).toBeUndefined();
    expect(replaced.data!.setRemoteTaskDone.attachments.map((x) => x.id)).toEqual([
      before[1].id,
      parents,
    ]);
    expect(await count('attachment where id = ?', [before[0].id])).toBe(0);
    const undone = await done('pupil', tasks.math1, p.pupil.id, false);
    expect(undone.data!.setRemoteTaskDone).toMatchObject({ done: false, attachments: [] });
    expect(await count('remote_work_attachment')).toBe(0);
    expect(
      await count('attachment where id = any(?::int[])', [`{${before[1].id},${parents}}`]),
    ).toBe(0);
  });

  it('goes with its task when the teacher removes the task', async () => {
    const file = await upload('pupil', 'задача2.png');
    expect((await done('pupil', tasks.math2, p.pupil.id, true, [file])).errors).toBeUndefined();
    // Task 2 is left out of the posting: its tick and the work's file go with it.
    const kept = await c.math.request(
      `mutation($i:SetRemoteWorkInput!){setRemoteWork(input:$i){tasks{id}}}`,
      {
        i: {
          lessonId: l.math.id,
          material: 'Прочитать',
          tasks: [{ id: tasks.math1, text: 'Задачи 1–5', dueOn: '2026-12-01' }],
        },
      },
    );
    expect(kept.errors).toBeUndefined();
    expect(await count('attachment where id = ?', [file])).toBe(0);
    [tasks.math2] = (
      await post('math', l.math, [
        { text: 'Задачи 1–5', dueOn: '2026-12-01' },
        { text: 'Задачи 6–9', dueOn: '2026-11-30' },
      ])
    ).slice(1);
    tasks.math1 = (
      await t.sql<{ id: string }>(
        `select id::text from remote_task where lesson_id = ? order by id limit 1`,
        [l.math.id],
      )
    )[0].id;
  });
});

describe('the class teacher’s table across subjects', () => {
  it('shows pupils × the day’s remote lessons of every subject, with totals', async () => {
    expect((await done('pupil', tasks.russian, p.pupil.id, true)).errors).toBeUndefined();
    expect((await done('pupil2', tasks.russian, p.pupil2.id, true)).errors).toBeUndefined();
    expect((await done('parent', tasks.math2, p.pupil.id, true)).errors).toBeUndefined();
    const r = await c.classTeacher.request<Table>(TABLE, { c: classA, f: DEMO_TODAY });
    expect(r.errors).toBeUndefined();
    const table = r.data!.remoteClassTable;
    expect(table.className).toBe('3А');
    expect(table.lessons.map((x) => [x.subjectName, x.tasks.length])).toEqual([
      ['Математика', 2],
      ['Русский язык', 1],
    ]);
    const [math, russian] = table.lessons;
    // Each lesson names its course: the class teacher's page listens on those journal feeds.
    const courses = await t.sql<{ id: string }>(
      `select course_id::text as id from lesson where id = any(?::int[]) order by number`,
      [`{${l.math.id},${l.russian.id}}`],
    );
    expect([math.courseId, russian.courseId]).toEqual(courses.map((x) => x.id));
    expect(math.tasks.map((x) => [x.doneCount, x.pupilCount])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(russian.tasks[0]).toMatchObject({ id: tasks.russian, doneCount: 2, pupilCount: 2 });
    expect(table.pupils.map((x) => [x.pupilId, x.taskIds.length, x.doneTaskIds])).toEqual([
      [p.pupil.id, 3, [tasks.math2, tasks.russian].sort((x, y) => Number(x) - Number(y))],
      [p.pupil2.id, 3, [tasks.russian]],
    ]);
  });

  it('reads a span of days, the administration any class', async () => {
    const span = await c.classTeacher.request<Table>(TABLE, {
      c: classA,
      f: YESTERDAY,
      t: DEMO_TODAY,
    });
    expect(span.data!.remoteClassTable.lessons.map((x) => x.date)).toEqual([
      YESTERDAY,
      DEMO_TODAY,
      DEMO_TODAY,
    ]);
    for (const who of ['director', 'deputy']) {
      const other = await c[who].request<Table>(TABLE, { c: classB, f: DEMO_TODAY });
      expect(other.data!.remoteClassTable.lessons[0].tasks[0].id, who).toBe(tasks.mathB);
    }
    const plain = await c.classTeacher.request<Table>(TABLE, { c: classA, f: '2026-11-30' });
    expect(plain.data!.remoteClassTable).toMatchObject({ lessons: [] });
  });

  it('is refused to other teachers, families and other schools; bad spans are named', async () => {
    for (const who of ['math', 'classTeacherB', 'sysadmin', 'stranger']) {
      expect(codeOf(await c[who].request(TABLE, { c: classA, f: DEMO_TODAY })), who).toBe(
        'NOT_FOUND',
      );
    }
    for (const who of ['parent', 'pupil']) {
      expect(codeOf(await c[who].request(TABLE, { c: classA, f: DEMO_TODAY })), who).toBe(
        'FORBIDDEN',
      );
    }
    expect(
      ext(await c.classTeacher.request(TABLE, { c: classA, f: DEMO_TODAY, t: YESTERDAY })),
    ).toMatchObject({ reason: 'INVALID_DATE_RANGE', field: 'to' });
    expect(
      ext(await c.classTeacher.request(TABLE, { c: classA, f: '2026-11-01', t: DEMO_TODAY })),
    ).toMatchObject({ reason: 'DATE_OUT_OF_RANGE', field: 'to' });
  });
});

describe('what a pupil still owes', () => {
  it('lists the tasks not done, overdue first, for the pupil and the parents', async () => {
    const list = await c.parent.request<Owed>(OWED, { p: p.pupil.id });
    expect(list.errors).toBeUndefined();
    expect(list.data!.remoteOwed).toEqual([
      {
        taskId: tasks.yesterday,
        text: 'Вчерашнее',
        dueOn: YESTERDAY,
        overdue: true,
        lessonId: l.mathYesterday.id,
        date: YESTERDAY,
        subjectName: 'Математика',
      },
      {
        taskId: tasks.math1,
        text: 'Задачи 1–5',
        dueOn: '2026-12-01',
        overdue: false,
        lessonId: l.math.id,
        date: DEMO_TODAY,
        subjectName: 'Математика',
      },
    ]);
    expect(await owed('pupil', p.pupil.id)).toEqual([tasks.yesterday, tasks.math1]);
    expect(await owed('pupil2', p.pupil2.id)).toEqual([tasks.yesterday, tasks.math2, tasks.math1]);
  });

  it('shrinks when a task is marked done', async () => {
    expect((await done('pupil', tasks.yesterday, p.pupil.id, true)).errors).toBeUndefined();
    expect(await owed('parent', p.pupil.id)).toEqual([tasks.math1]);
  });

  it('is refused for another family’s child and to staff', async () => {
    expect(codeOf(await c.parentB.request(OWED, { p: p.pupil.id }))).toBe('NOT_FOUND');
    expect(codeOf(await c.pupil2.request(OWED, { p: p.pupil.id }))).toBe('NOT_FOUND');
    expect(codeOf(await c.stranger.request(OWED, { p: p.pupil.id }))).toBe('FORBIDDEN');
    expect(codeOf(await c.classTeacher.request(OWED, { p: p.pupil.id }))).toBe('FORBIDDEN');
  });
});
