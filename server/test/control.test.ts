import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { Role } from '../src/auth/role.js';
import {
  codeOf,
  createTestApp,
  DEMO_TODAY,
  waitFor,
  type GqlClient,
  type TestApp,
} from './helpers.js';
import {
  factory,
  TEST_PASSWORD,
  type MadeCourse,
  type MadeLesson,
  type MadePerson,
} from './factory.js';

/**
 * Journal health (issue 14): every figure against a fixture with known gaps, the drill-down, a
 * check's snapshot after a fix, the remark's life, the month flag at its boundary, refusals.
 */
let t: TestApp;
let deputy: GqlClient;
let teacher: MadePerson;
let course: MadeCourse;
let from: string;
let to: string;
const L: Record<string, MadeLesson> = {};
const P: Record<string, { id: string }> = {};
const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** An instant in Moscow (the school's time zone) as SQL text. */
const msk = (date: string, time: string) => `${date} ${time} Europe/Moscow`;

const HEALTH = `query($f: HealthFilterInput) { journalHealth(filter: $f) { from to items {
  courseId courseName teacherName lessonsHeld withoutTopic withoutHomework withoutAttendance pupilsShort
  lateEntries periodMarksMissing gaps lastCheckedAt lastCheckedBy overdue } } }`;
type Health = Record<string, number | string | boolean | null>;
const health = async (c: GqlClient, f: Record<string, unknown> = { from, to }) => {
  const r = await c.request<{ journalHealth: { items: Health[] } }>(HEALTH, { f });
  return r.data ? r.data.journalHealth.items : r;
};
const CHECK = `mutation($i: CreateControlCheckInput!) { createControlCheck(input: $i) { id targetName
  snapshot { courseId withoutTopic lateEntries gaps } remarks { id status teacherId version text dueOn } } }`;
const ANSWER = `mutation($i: AnswerControlRemarkInput!) { answerControlRemark(input: $i) { id status answer version } }`;

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const f = factory(t);
  const school = await f.newSchool();
  const q1 = school.periods[0];
  from = q1.startsOn;
  to = addDays(q1.endsOn, 1); // Q1 has ended by `to`: its period marks are due
  teacher = await f.newTeacher({ login: 'teacher' });
  await f.newTeacher({ login: 'other' });
  await f.newStaff({ roles: [Role.DEPUTY], login: 'deputy' });
  await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'admin' });
  const cls = await f.newClass({ grade: 7 });
  course = await f.newCourse({ classGroup: cls, subject: 'Музыка', teacher, hoursPerWeek: 1 });
  const half = addDays(
    q1.startsOn,
    Math.floor((Date.parse(q1.endsOn) - Date.parse(q1.startsOn)) / 86_400_000 / 2) + 1,
  );
  P.full = await f.newPupil({ classGroup: cls, enrolledFrom: q1.startsOn, login: 'pupil' });
  P.joiner = await f.newPupil({ classGroup: cls, enrolledFrom: half });
  P.short = await f.newPupil({ classGroup: cls, enrolledFrom: q1.startsOn });
  await f.newParent({ children: [P.full], login: 'parent' });
  L.one = await f.newLesson({ course, date: addDays(from, 7), homework: 'упр. 1' });
  L.two = await f.newLesson({ course, date: addDays(from, 14), topic: null, homework: 'упр. 2' });
  L.three = await f.newLesson({ course, date: addDays(q1.endsOn, -7), homework: null });
  await f.newLesson({ course, date: addDays(from, 21), topic: null, cancelled: true });
  await f.newAbsence({ lesson: L.one, pupil: P.short, code: 'О' });
  await f.newAbsence({ lesson: L.two, pupil: P.short, code: 'О' });
  for (const [l, p] of [
    ['one', 'full'],
    ['two', 'full'],
    ['three', 'full'],
    ['three', 'joiner'],
    ['one', 'short'],
    ['two', 'short'],
  ]) {
    await f.newMark({ lesson: L[l], pupil: P[p], value: '5' });
  }
  // Every entry on its lesson's day, but: one at the last minute of day 7 (on time), one at the
  // first of day 8 (late), and a topic first written on day 10 (late, from the history).
  await t.sql(
    `update mark m set created_at = (l.date + time '12:00') at time zone 'Europe/Moscow' from lesson l where l.id = m.lesson_id`,
  );
  await t.sql(`update mark set created_at = ?::timestamptz where lesson_id = ? and pupil_id = ?`, [
    msk(addDays(L.one.date, 7), '23:59:59'),
    L.one.id,
    P.full.id,
  ]);
  await t.sql(`update mark set created_at = ?::timestamptz where lesson_id = ? and pupil_id = ?`, [
    msk(addDays(L.two.date, 8), '00:00:00'),
    L.two.id,
    P.short.id,
  ]);
  await t.sql(
    `insert into audit_event (school_id, actor_id, at, entity, entity_id, action, before, after)
     values (?, ?, ?::timestamptz, 'lesson', ?, 'update', '{"topic": null}', '{"topic": "Тема"}'),
            (?, ?, ?::timestamptz, 'attendance', (select id from attendance where lesson_id = ? limit 1), 'create', null, '{}')`,
    [
      school.id,
      teacher.id,
      msk(addDays(L.one.date, 10), '10:00:00'),
      L.one.id,
      school.id,
      teacher.id,
      msk(addDays(L.one.date, 7), '23:59:59'),
      L.one.id,
    ],
  );
  await f.newPeriodMark({ course, pupil: P.full, period: q1.id, value: '5' });
  deputy = await f.as('deputy');
}, 60_000);
afterAll(() => t?.close());

describe('journal health', () => {
  it('counts every figure of the fixture', async () => {
    const [h] = (await health(deputy)) as Health[];
    expect(h).toMatchObject({
      courseId: course.id,
      lessonsHeld: 3,
      withoutTopic: 1,
      withoutHomework: 1,
      withoutAttendance: 1,
      pupilsShort: 1,
      lateEntries: 2,
      periodMarksMissing: 2,
      gaps: 8,
      lastCheckedAt: null,
      overdue: true,
    });
  });

  it('opens the lessons and pupils behind each figure', async () => {
    const r = await deputy.request<{ journalHealthGaps: Record<string, unknown>[] }>(
      `query($c: ID!, $f: LocalDate!, $t: LocalDate!) { journalHealthGaps(courseId: $c, from: $f, to: $t) {
         kind date lessonId pupilId have need } }`,
      { c: course.id, f: from, t: to },
    );
    const gaps = r.data!.journalHealthGaps.map(
      (g) => `${g.kind}:${g.lessonId ?? ''}:${g.pupilId ?? ''}`,
    );
    expect(gaps.sort()).toEqual(
      [
        `NO_TOPIC:${L.two.id}:`,
        `NO_HOMEWORK:${L.three.id}:`,
        `NO_ATTENDANCE:${L.three.id}:`,
        `LATE_MARK:${L.two.id}:${P.short.id}`,
        `LATE_TOPIC:${L.one.id}:`,
        `PUPIL_SHORT::${P.short.id}`,
        `PERIOD_MARK_MISSING::${P.joiner.id}`,
        `PERIOD_MARK_MISSING::${P.short.id}`,
      ].sort(),
    );
    const short = r.data!.journalHealthGaps.find((g) => g.kind === 'PUPIL_SHORT')!;
    expect(short).toMatchObject({ have: 2, need: 3 });
  });

  it('shows a teacher own courses only, and refuses other roles', async () => {
    const own = (await health(await teacher.client())) as Health[];
    expect(own.map((h) => h.courseId)).toEqual([course.id]);
    const other = (await health(await factory(t).as('other'))) as Health[];
    expect(other).toEqual([]);
    const gaps = await (
      await factory(t).as('other')
    ).request(
      `query($c: ID!) { journalHealthGaps(courseId: $c, from: "${from}", to: "${to}") { kind } }`,
      { c: course.id },
    );
    expect(codeOf(gaps)).toBe('NOT_FOUND');
    for (const login of ['pupil', 'parent', 'admin']) {
      const r = (await health(await factory(t).as(login))) as { errors?: unknown[] };
      expect(codeOf(r as never)).toBe('FORBIDDEN');
    }
  });
});

describe('checks and remarks', () => {
  let remarkId = '';
  let checkId = '';

  it('refuses a check by a teacher, of another school, with bad input; nothing written', async () => {
    const i = { courseId: course.id, from, to, remarks: [] };
    expect(codeOf(await (await teacher.client()).request(CHECK, { i }))).toBe('FORBIDDEN');
    const f2 = factory(t);
    await f2.newSchool();
    const foreign = await f2.newCourse({ classGroup: await f2.newClass() });
    const r = await deputy.request(CHECK, { i: { ...i, courseId: foreign.id } });
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ID',
      field: 'courseId',
    });
    const late = await deputy.request(CHECK, {
      i: { ...i, remarks: [{ text: 'x', dueOn: '2020-01-01' }] },
    });
    expect(late.errors?.[0]?.extensions).toMatchObject({
      reason: 'DATE_OUT_OF_RANGE',
      field: 'remarks.0.dueOn',
    });
    const empty = await deputy.request(CHECK, {
      i: { ...i, remarks: [{ text: ' ', dueOn: '2026-12-10' }] },
    });
    expect(empty.errors?.[0]?.extensions).toMatchObject({
      reason: 'REQUIRED',
      field: 'remarks.0.text',
    });
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from control_check`);
    expect(n).toBe(0);
  });

  it('records a check with its snapshot; the teacher is told live; a later fix leaves the snapshot', async () => {
    const ws = await socketAs(teacher.login);
    const base0 = t.app.services.bus.listeners;
    const heard: { type: string; payload: Record<string, unknown> }[] = [];
    const dispose = ws.subscribe<{
      messagingEvents: { type: string; payload: Record<string, unknown> };
    }>(
      { query: 'subscription { messagingEvents { type payload } }' },
      {
        next: (r) => r.data && heard.push(r.data.messagingEvents),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    expect(await waitFor(() => t.app.services.bus.listeners > base0, 5000)).toBe(true);
    const r = await deputy.request<{
      createControlCheck: { id: string; snapshot: Health[]; remarks: Health[] };
    }>(CHECK, {
      i: {
        courseId: course.id,
        from,
        to,
        findings: 'Темы не везде',
        remarks: [{ text: 'Заполните тему урока', dueOn: '2026-12-05' }],
      },
    });
    expect(r.errors).toBeUndefined();
    const check = r.data!.createControlCheck;
    checkId = check.id;
    expect(check.snapshot[0]).toMatchObject({
      courseId: course.id,
      withoutTopic: 1,
      lateEntries: 2,
      gaps: 8,
    });
    expect(check.remarks[0]).toMatchObject({ status: 'OPEN', teacherId: teacher.id });
    remarkId = String(check.remarks[0].id);
    expect(await waitFor(() => heard.some((e) => e.type === 'CONTROL_REMARK'), 5000)).toBe(true);
    dispose();
    await ws.dispose();
    // The teacher writes the missing topic: the dashboard's figure falls, the snapshot stays.
    const tc = await teacher.client();
    const fix = await tc.request(
      `mutation($id: ID!) { updateLesson(id: $id, input: { topic: "Музыка барокко", homework: "упр. 2", version: 1 }) { id } }`,
      { id: L.two.id },
    );
    expect(fix.errors).toBeUndefined();
    const [now] = (await health(deputy)) as Health[];
    expect(now.withoutTopic).toBe(0);
    expect(now.lateEntries).toBe(3); // the topic written today, long after the lesson
    expect(now.lastCheckedAt).not.toBeNull();
    expect(now.overdue).toBe(false);
    const again = await deputy.request<{ controlCheck: { snapshot: Health[] } }>(
      `query($id: ID!) { controlCheck(id: $id) { snapshot { withoutTopic lateEntries } } }`,
      { id: checkId },
    );
    expect(again.data!.controlCheck.snapshot[0]).toEqual({ withoutTopic: 1, lateEntries: 2 });
  });

  it('the addressed teacher answers, nobody else; the checker accepts or reopens', async () => {
    const other = await factory(t).as('other');
    const wrong = await other.request(ANSWER, {
      i: { id: remarkId, answer: 'Не моё', fixed: true, version: 1 },
    });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'NOT_ADDRESSEE',
      field: 'id',
    });
    const tc = await teacher.client();
    const mine = await tc.request<{ myControlRemarks: { id: string }[] }>(
      `{ myControlRemarks(open: true) { id } }`,
    );
    expect(mine.data!.myControlRemarks.map((m) => m.id)).toEqual([remarkId]);
    const early = await deputy.request(
      `mutation($id: ID!) { acceptControlRemark(id: $id) { id } }`,
      { id: remarkId },
    );
    expect(early.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'NOT_ANSWERED',
    });
    const answered = await tc.request<{ answerControlRemark: Health }>(ANSWER, {
      i: { id: remarkId, answer: 'Тема записана', fixed: true, version: 1 },
    });
    expect(answered.data!.answerControlRemark).toMatchObject({
      status: 'FIXED',
      answer: 'Тема записана',
    });
    const byTeacher = await tc.request(
      `mutation($id: ID!) { acceptControlRemark(id: $id) { id } }`,
      { id: remarkId },
    );
    expect(codeOf(byTeacher)).toBe('FORBIDDEN');
    const ok = await deputy.request<{ acceptControlRemark: Health }>(
      `mutation($id: ID!) { acceptControlRemark(id: $id) { status decidedAt } }`,
      { id: remarkId },
    );
    expect(ok.data!.acceptControlRemark.status).toBe('ACCEPTED');
    const closed = await tc.request(ANSWER, {
      i: { id: remarkId, answer: 'Ещё', fixed: false, version: 3 },
    });
    expect(closed.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'REMARK_CLOSED',
    });
    const reopened = await deputy.request<{ reopenControlRemark: Health }>(
      `mutation($id: ID!) { reopenControlRemark(id: $id) { status } }`,
      { id: remarkId },
    );
    expect(reopened.data!.reopenControlRemark.status).toBe('REOPENED');
    const open = await tc.request<{ myControlRemarks: { id: string }[] }>(
      `{ myControlRemarks(open: true) { id } }`,
    );
    expect(open.data!.myControlRemarks).toHaveLength(1);
  });

  it('flags a journal unchecked for more than a month, not one checked a month ago to the day', async () => {
    // The tests' today is 2026-11-28: a check on 2026-10-28 (school time) is a month old.
    await t.sql(`update control_check set created_at = ?::timestamptz`, [
      msk('2026-10-28', '00:00:01'),
    ]);
    let [h] = (await health(deputy)) as Health[];
    expect(h.overdue).toBe(false);
    await t.sql(`update control_check set created_at = ?::timestamptz`, [
      msk('2026-10-27', '23:59:59'),
    ]);
    [h] = (await health(deputy)) as Health[];
    expect(h.overdue).toBe(true);
  });
});

describe('the live dashboard', () => {
  it("follows a teacher's write; refuses a pupil's subscription", async () => {
    const { ws, boards, dispose } = await board('withoutHomework', { from, to });
    expect(await waitFor(() => boards.length === 1, 5000)).toBe(true);
    expect(boards[0][0].withoutHomework).toBe(1);
    const tc = await teacher.client();
    const w = await tc.request(
      `mutation($id: ID!) { updateLesson(id: $id, input: { topic: "Тема", homework: "стр. 5", version: 1 }) { id } }`,
      { id: L.three.id },
    );
    expect(w.errors).toBeUndefined();
    expect(await waitFor(() => boards.length === 2, 8000)).toBe(true);
    expect(boards[1][0].withoutHomework).toBe(0);
    dispose();
    await ws.dispose();

    const pupil = await socketAs('pupil');
    const errors: unknown[] = [];
    pupil.subscribe(
      { query: `subscription { journalHealthLive { items { gaps } } }` },
      {
        next: (r) => r.errors && errors.push(...r.errors),
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    expect(await waitFor(() => errors.length > 0, 5000)).toBe(true);
    expect(JSON.stringify(errors)).toContain('FORBIDDEN');
    await pupil.dispose();
  });

  it('follows a change of the control settings without a journal write', async () => {
    const { ws, boards, dispose } = await board('pupilsShort', { from, to });
    expect(await waitFor(() => boards.length === 1, 5000)).toBe(true);
    expect(boards[0][0].pupilsShort).not.toBe(3);
    const director = t.client();
    await director.login('director', TEST_PASSWORD);
    const SET = `mutation($i: ControlSettingsInput!) { setControlSettings(input: $i) { lateAfterDays } }`;
    const set = (marks: number) =>
      director.request(SET, {
        i: {
          lateAfterDays: 7,
          homeworkRequired: true,
          minMarks: [{ periodKind: 'QUARTER', hoursPerWeek: 1, marks }],
        },
      });
    expect((await set(50)).errors).toBeUndefined();
    expect(await waitFor(() => boards.length === 2, 8000)).toBe(true);
    expect(boards[1][0].pupilsShort).toBe(3);
    const [event] = await t.sql<{ n: number }>(
      `select count(*)::int as n from domain_event where type = 'CONTROL_SETTINGS_CHANGED'`,
    );
    expect(event.n).toBe(1);
    expect((await set(3)).errors).toBeUndefined();
    expect(await waitFor(() => boards.length === 3, 8000)).toBe(true);
    expect(boards[2][0].pupilsShort).toBe(boards[0][0].pupilsShort);
    dispose();
    await ws.dispose();
  });

  it('follows a cancelled-class day: its lessons are no longer without attendance', async () => {
    const [co] = await t.sql<{ school_id: number; class_group_id: number }>(
      `select school_id, class_group_id from course where id = ?`,
      [course.id],
    );
    await t.sql(`insert into lesson (school_id, course_id, date, number) values (?, ?, ?, 3)`, [
      co.school_id,
      course.id,
      DEMO_TODAY,
    ]);
    const { ws, boards, dispose } = await board('withoutAttendance', { from, to: DEMO_TODAY });
    expect(await waitFor(() => boards.length === 1, 5000)).toBe(true);
    const before = boards[0][0].withoutAttendance as number;
    expect(before).toBeGreaterThan(0);
    const r = await deputy.request(
      `mutation($i: DeclareCancelledDayInput!) { declareCancelledDay(input: $i) { id } }`,
      { i: { date: DEMO_TODAY, reason: 'QUARANTINE', classIds: [String(co.class_group_id)] } },
    );
    expect(r.errors).toBeUndefined();
    expect(await waitFor(() => boards.length === 2, 8000)).toBe(true);
    expect(boards[1][0].withoutAttendance).toBe(before - 1);
    dispose();
    await ws.dispose();
  });
});

/** The deputy's live dashboard with one figure: each board as it comes. */
async function board(figure: string, f: Record<string, string>) {
  const ws = await socketAs('deputy');
  const boards: Health[][] = [];
  const dispose = ws.subscribe<{ journalHealthLive: { items: Health[] } }>(
    {
      query: `subscription($f: HealthFilterInput) { journalHealthLive(filter: $f) { items { ${figure} } } }`,
      variables: { f },
    },
    {
      next: (r) => r.data && boards.push(r.data.journalHealthLive.items),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return { ws, boards, dispose };
}

async function socketAs(login: string): Promise<Client> {
  const http = t.client();
  await http.login(login, TEST_PASSWORD);
  const cookie = http.cookie;
  const origin = t.origin;
  class Authed extends WebSocket {
    constructor(u: string, protocols?: string | string[]) {
      super(u, protocols, { headers: { cookie, origin } });
    }
  }
  return createClient({
    url: t.url.replace('http', 'ws'),
    webSocketImpl: Authed,
    retryAttempts: 0,
  });
}
