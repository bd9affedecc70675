import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import {
  createTestApp,
  codeOf,
  DEMO_TODAY,
  waitFor,
  type GqlClient,
  type GqlResult,
  type TestApp,
} from './helpers.js';
import { factory, type Factory, type MadeLesson, type MadePerson } from './factory.js';
import { Role } from '../src/auth/role.js';

let t: TestApp;
let f: Factory;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
const l: Record<string, MadeLesson> = {};
let classes: Record<string, string> = {};

const DAY = `id date reason temperature windMs note version classes{id name grade} pupils{id firstName}`;
const DECLARE = `mutation($i:DeclareCancelledDayInput!){declareCancelledDay(input:$i){${DAY}}}`;
const UPDATE = `mutation($i:UpdateCancelledDayInput!){updateCancelledDay(input:$i){${DAY}}}`;
const WITHDRAW = `mutation($id:ID!){withdrawCancelledDay(id:$id)}`;
const NOTICES = `{myCancelledDays{${DAY}}}`;
const THRESHOLDS = `{cancellationThresholds{gradeFrom gradeTo calmCelsius windyCelsius windMs}}`;
const SET_THRESHOLDS = `mutation($r:[ThresholdInput!]!){setCancellationThresholds(rules:$r){gradeFrom gradeTo calmCelsius}}`;
const SUGGEST = `query($t:Float!,$w:Float){suggestCancelledGrades(temperature:$t,windMs:$w)}`;
const WORK = `lessonId date material links canWrite tasks{id text dueOn done} completion{pupilId doneTaskIds}`;
const SET_WORK = `mutation($i:SetRemoteWorkInput!){setRemoteWork(input:$i){${WORK}}}`;
const REMOTE_LESSON = `query($l:ID!){remoteLesson(lessonId:$l){${WORK}}}`;
const REMOTE_DAY = `query($p:ID!,$d:LocalDate!){remoteDay(pupilId:$p,date:$d){${WORK}}}`;
const DONE = `mutation($t:ID!,$p:ID!,$d:Boolean!){setRemoteTaskDone(taskId:$t,pupilId:$p,done:$d){id done}}`;

const frost = (date: string, grades: number[], extra: Record<string, unknown> = {}) => ({
  i: { date, grades, reason: 'FROST', temperature: -29, windMs: 2, ...extra },
});
const ext = (r: GqlResult) => r.errors?.[0]?.extensions;
const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.sql<{ n: string }>(`select count(*)::text as n from ${sql}`, params))[0].n);

/** The journal's attendance write, under either of its names (decision 33 renames it). */
async function attendance(who: GqlClient, changes: Record<string, unknown>[]): Promise<GqlResult> {
  for (const name of ['saveAttendance', 'setAttendance']) {
    const r = await who.request(`mutation($c:[AttendanceChangeInput!]!){${name}(changes:$c){id}}`, {
      c: changes,
    });
    if (codeOf(r) !== 'GRAPHQL_VALIDATION_FAILED') return r;
  }
  throw new Error('no attendance mutation');
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
  p.teacher3 = await f.newTeacher();
  p.teacher7 = await f.newTeacher();
  p.classTeacher3 = await f.newTeacher();
  const c3 = await f.newClass({ grade: 3, classTeacher: p.classTeacher3 });
  const c7 = await f.newClass({ grade: 7 });
  classes = { c3: c3.id, c7: c7.id };
  const course3 = await f.newCourse({ classGroup: c3, teacher: p.teacher3 });
  const course7 = await f.newCourse({ classGroup: c7, teacher: p.teacher7 });
  l.today3 = await f.newLesson({ course: course3, date: DEMO_TODAY });
  l.today7 = await f.newLesson({ course: course7, date: DEMO_TODAY });
  l.monday3 = await f.newLesson({ course: course3, date: '2026-11-30' });
  p.pupil3 = await f.newPupil({ classGroup: c3 });
  p.pupil7 = await f.newPupil({ classGroup: c7 });
  p.parent3 = await f.newParent({ children: [p.pupil3] });
  p.parent7 = await f.newParent({ children: [p.pupil7] });
  for (const k of Object.keys(p)) c[k] = await f.as(p[k]);
});
afterAll(() => t?.close());

describe('thresholds', () => {
  it('are the common set until the SYSADMIN sets the municipality’s own', async () => {
    const r = await c.director.request<{ cancellationThresholds: unknown[] }>(THRESHOLDS);
    expect(r.data!.cancellationThresholds[0]).toEqual({
      gradeFrom: 1,
      gradeTo: 4,
      calmCelsius: -28,
      windyCelsius: -25,
      windMs: 4,
    });
    expect(r.data!.cancellationThresholds[1]).toMatchObject({
      gradeFrom: 5,
      calmCelsius: -30,
      windyCelsius: -28,
    });
    const suggest = async (temp: number, wind: number) =>
      (await c.deputy.request<{ suggestCancelledGrades: number[] }>(SUGGEST, { t: temp, w: wind }))
        .data!.suggestCancelledGrades;
    expect(await suggest(-29, 0)).toEqual([1, 2, 3, 4]);
    expect(await suggest(-26, 5)).toEqual([1, 2, 3, 4]);
    expect(await suggest(-26, 3)).toEqual([]);
    expect(await suggest(-29, 5)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('only the SYSADMIN sets them; a bad set is refused naming the field and nothing changes', async () => {
    const rules = [
      { gradeFrom: 1, gradeTo: 5, calmCelsius: -25, windyCelsius: -22, windMs: 5 },
      { gradeFrom: 6, gradeTo: 11, calmCelsius: -27 },
    ];
    for (const who of ['director', 'deputy', 'teacher3', 'parent3', 'pupil3']) {
      expect(codeOf(await c[who].request(SET_THRESHOLDS, { r: rules })), who).toBe('FORBIDDEN');
    }
    const overlap = await c.sysadmin.request(SET_THRESHOLDS, {
      r: [rules[0], { ...rules[1], gradeFrom: 5 }],
    });
    expect(ext(overlap)).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'BANDS_OVERLAP',
      field: 'rules.1.gradeFrom',
    });
    const wind = await c.sysadmin.request(SET_THRESHOLDS, { r: [{ ...rules[0], windMs: null }] });
    expect(ext(wind)).toMatchObject({ reason: 'WIND_INCOMPLETE', field: 'rules.0.windMs' });
    expect(await count('cancellation_rule')).toBe(0);
    const ok = await c.sysadmin.request(SET_THRESHOLDS, { r: rules });
    expect(ok.errors).toBeUndefined();
    const suggest = await c.director.request<{ suggestCancelledGrades: number[] }>(SUGGEST, {
      t: -25,
      w: 0,
    });
    expect(suggest.data!.suggestCancelledGrades).toEqual([1, 2, 3, 4, 5]);
    expect(await count(`audit_event where entity = 'cancellation_rule'`)).toBe(1);
    await t.sql(`delete from cancellation_rule`);
  });
});

describe('declaring', () => {
  it('refuses every role but the DIRECTOR and DEPUTY, and bad days, naming the field', async () => {
    for (const who of ['sysadmin', 'teacher3', 'classTeacher3', 'parent3', 'pupil3']) {
      expect(codeOf(await c[who].request(DECLARE, frost(DEMO_TODAY, [3]))), who).toBe('FORBIDDEN');
    }
    const [holiday] = await t.sql<{ d: string }>(
      `select starts_on::text as d from holiday where grades is null and starts_on > ?::date order by starts_on limit 1`,
      [DEMO_TODAY],
    );
    const cases: [Record<string, unknown>, string, string][] = [
      [frost('2026-11-27', [3]).i, 'DAY_PASSED', 'date'],
      [frost('2030-01-15', [3]).i, 'OUTSIDE_SCHOOL_YEAR', 'date'],
      [frost(holiday.d, [3]).i, 'HOLIDAY', 'date'],
      [frost(DEMO_TODAY, [3], { temperature: null }).i, 'REQUIRED', 'temperature'],
      [frost(DEMO_TODAY, [12]).i, 'OUT_OF_RANGE', 'grades.0'],
      [
        { date: DEMO_TODAY, classIds: ['999999'], reason: 'QUARANTINE' },
        'INVALID_ID',
        'classIds.0',
      ],
      [{ date: DEMO_TODAY, grades: [3], reason: 'OTHER' }, 'REQUIRED', 'note'],
      [{ date: DEMO_TODAY, grades: [10], reason: 'EMERGENCY' }, 'REQUIRED', 'grades'],
    ];
    for (const [input, reason, field] of cases) {
      const r = await c.director.request(DECLARE, { i: input });
      expect(ext(r), reason).toMatchObject({ code: 'BAD_USER_INPUT', reason, field });
    }
    expect(await count('cancelled_day')).toBe(0);
    expect(await count('domain_event')).toBe(0);
  });

  it('refuses the classes of another school', async () => {
    const other = factory(t);
    await other.newSchool({ name: 'Школа Б' });
    const foreign = await other.newClass({ grade: 3 });
    const r = await c.director.request(DECLARE, {
      i: { date: DEMO_TODAY, classIds: [foreign.id], reason: 'QUARANTINE' },
    });
    expect(ext(r)).toMatchObject({ reason: 'INVALID_ID', field: 'classIds.0' });
  });
});

describe('a frost day, live', () => {
  function socketOf(client: GqlClient): Client {
    const { cookie, origin } = client;
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
  function collect(client: Client, field: 'notifications' | 'messagingEvents', after?: string) {
    const events: { id: string; type: string; payload: string }[] = [];
    client.subscribe<Record<string, (typeof events)[number]>>(
      {
        query: `subscription($a:ID){${field}(after:$a){id type payload}}`,
        variables: { a: after },
      },
      { next: (r) => r.data && events.push(r.data[field]), error: () => {}, complete: () => {} },
    );
    return events;
  }
  const listeners = () => t.app.services.bus.listeners;

  it('turns exactly the affected lessons remote, tells their families and teachers, nobody else', async () => {
    const sockets = ['parent3', 'parent7', 'pupil3', 'teacher3', 'teacher7'].map((k) =>
      socketOf(c[k]),
    );
    const before = listeners();
    const [par3, par7, pup3] = sockets.slice(0, 3).map((s) => collect(s, 'notifications'));
    const [tea3, tea7] = sockets.slice(3).map((s) => collect(s, 'messagingEvents'));
    expect(await waitFor(() => listeners() >= before + 5)).toBe(true);

    const r = await c.deputy.request<{
      declareCancelledDay: { id: string; classes: { name: string }[] };
    }>(DECLARE, frost(DEMO_TODAY, [1, 2, 3, 4]));
    expect(r.errors).toBeUndefined();
    expect(r.data!.declareCancelledDay.classes.map((x) => x.name)).toEqual(['3А']);
    expect(await waitFor(() => par3.length > 0 && pup3.length > 0 && tea3.length > 0)).toBe(true);
    expect(par3[0].type).toBe('CANCELLED_DAY');
    expect(JSON.parse(par3[0].payload)).toMatchObject({ change: 'DECLARED', date: DEMO_TODAY });
    // A control event that the 7th grade's family and teacher must get, after the declaration.
    await c.deputy.request(UPDATE, {
      i: {
        id: r.data!.declareCancelledDay.id,
        version: 1,
        grades: [3, 7],
        reason: 'FROST',
        temperature: -31,
      },
    });
    expect(await waitFor(() => par7.length > 0 && tea7.length > 0)).toBe(true);
    expect(par7.map((e) => JSON.parse(e.payload).change)).toEqual(['CHANGED']);
    expect(tea7.map((e) => JSON.parse(e.payload).change)).toEqual(['CHANGED']);
    expect(par3.map((e) => JSON.parse(e.payload).change)).toEqual(['DECLARED', 'CHANGED']);
    for (const s of sockets) await s.dispose();
  });

  it('shows the banner to the families concerned only, and a resumed feed misses nothing', async () => {
    const [day] = await t.sql<{ id: number; version: number }>(
      `select id, version from cancelled_day`,
    );
    const banner = async (who: string) =>
      (
        await c[who].request<{
          myCancelledDays: { pupils: { id: string }[]; classes: { name: string }[] }[];
        }>(NOTICES)
      ).data!.myCancelledDays;
    expect((await banner('parent3'))[0].pupils.map((x) => x.id)).toEqual([p.pupil3.id]);
    expect((await banner('pupil7'))[0].classes.map((x) => x.name)).toEqual(['3А', '7А']);
    // Narrowed back to the 3rd grade: the 7th grade's family no longer has the banner.
    const narrowed = await c.director.request(UPDATE, {
      i: {
        id: String(day.id),
        version: day.version,
        grades: [3],
        reason: 'FROST',
        temperature: -31,
      },
    });
    expect(narrowed.errors).toBeUndefined();
    expect(await banner('parent7')).toEqual([]);
    // The list that waits (modules/notifications) has it for the 3rd grade's family only.
    const waiting = async (who: string) =>
      (
        await c[who].request<{ notificationList: { items: { kind: string }[] } }>(
          '{notificationList{items{kind}}}',
        )
      ).data!.notificationList.items.map((i) => i.kind);
    expect(await waiting('parent3')).toContain('CANCELLED_DAY');
    expect(await waiting('teacher7')).not.toContain('CANCELLED_DAY');
    expect(await banner('parent3')).toHaveLength(1);
    expect(await banner('teacher3')).toHaveLength(1);
    expect(await banner('teacher7')).toEqual([]);
    const stale = await c.director.request(UPDATE, {
      i: { id: String(day.id), version: day.version, grades: [3], reason: 'QUARANTINE' },
    });
    expect(ext(stale)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    // A parent whose socket dropped resumes after the first event and gets the rest, in order.
    const [first] = await t.sql<{ id: string }>(`select min(id)::text as id from domain_event`);
    const s = socketOf(c.parent7);
    const resumed = collect(s, 'notifications', first.id);
    expect(await waitFor(() => resumed.length >= 2)).toBe(true);
    expect(resumed.map((e) => JSON.parse(e.payload).change)).toEqual(['CHANGED', 'CHANGED']);
    await s.dispose();
    const history = await t.sql<{ action: string }>(
      `select action from audit_event where entity = 'cancelled_day' order by id`,
    );
    expect(history.map((h) => h.action)).toEqual(['create', 'update', 'update']);
  });

  it('refuses an absence on a remote lesson naming the field; presence and other classes go on', async () => {
    const absent = { lessonId: l.today3.id, pupilId: p.pupil3.id, codeId: f.school.codes['Н'] };
    const refused = await attendance(c.teacher3, [absent]);
    expect(ext(refused)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'BATCH_INVALID' });
    expect((ext(refused)!.entries as unknown[])[0]).toMatchObject({
      reason: 'REMOTE_STUDY_DAY',
      field: 'codeId',
    });
    // Present (a cleared entry) may be recorded: the pupil who still came to school.
    const present = await attendance(c.teacher3, [{ ...absent, codeId: null }]);
    expect(present.errors).toBeUndefined();
    expect(await count(`attendance where code_id is not null`)).toBe(0);
    await t.sql(`update cancelled_day set class_ids = array[?::int]`, [classes.c3]);
    const other = await attendance(c.teacher7, [
      { lessonId: l.today7.id, pupilId: p.pupil7.id, codeId: f.school.codes['Н'] },
    ]);
    expect(other.errors).toBeUndefined();
  });
});

describe('material and tasks', () => {
  const work = (lessonId: string, dueOn = '2026-11-30') => ({
    i: {
      lessonId,
      material: 'Прочитать § 12',
      links: ['https://resh.edu.ru/subject/lesson/1'],
      tasks: [
        { text: 'Упр. 45', dueOn },
        { text: 'Упр. 46', dueOn },
      ],
    },
  });

  it('the lesson’s teacher posts; another teacher, a non-remote lesson, an early due date are refused', async () => {
    expect(codeOf(await c.teacher7.request(SET_WORK, work(l.today3.id)))).toBe('NOT_FOUND');
    expect(codeOf(await c.parent3.request(SET_WORK, work(l.today3.id)))).toBe('FORBIDDEN');
    expect(ext(await c.teacher3.request(SET_WORK, work(l.monday3.id)))).toMatchObject({
      reason: 'NOT_REMOTE_LESSON',
      field: 'lessonId',
    });
    expect(ext(await c.teacher3.request(SET_WORK, work(l.today3.id, '2026-11-27')))).toMatchObject({
      reason: 'DUE_BEFORE_LESSON',
      field: 'tasks.0.dueOn',
    });
    expect(
      ext(
        await c.teacher3.request(SET_WORK, {
          i: { ...work(l.today3.id).i, links: ['javascript:alert(1)'] },
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_FORMAT', field: 'links.0' });
    expect(await count('remote_task')).toBe(0);
    const ok = await c.teacher3.request<{ setRemoteWork: { tasks: { id: string }[] } }>(
      SET_WORK,
      work(l.today3.id),
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.setRemoteWork.tasks).toHaveLength(2);
  });

  it('families see the day’s work and tick tasks for their own child only; the teacher sees who has', async () => {
    const day = await c.parent3.request<{
      remoteDay: { tasks: { id: string; done: boolean }[] }[];
    }>(REMOTE_DAY, {
      p: p.pupil3.id,
      d: DEMO_TODAY,
    });
    expect(day.data!.remoteDay).toHaveLength(1);
    const [task1, task2] = day.data!.remoteDay[0].tasks;
    expect(codeOf(await c.parent7.request(REMOTE_DAY, { p: p.pupil3.id, d: DEMO_TODAY }))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await c.parent7.request(DONE, { t: task1.id, p: p.pupil3.id, d: true }))).toBe(
      'NOT_FOUND',
    );
    // Another class's task for one's own child: named, not hidden (the pupil is the viewer's).
    expect(
      ext(await c.pupil7.request(DONE, { t: task1.id, p: p.pupil7.id, d: true })),
    ).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOT_PUPILS_TASK', field: 'taskId' });
    expect(codeOf(await c.teacher3.request(DONE, { t: task1.id, p: p.pupil3.id, d: true }))).toBe(
      'FORBIDDEN',
    );
    expect(await count('remote_task_check')).toBe(0);
    expect(
      (await c.parent3.request(DONE, { t: task1.id, p: p.pupil3.id, d: true })).errors,
    ).toBeUndefined();
    expect(
      (await c.pupil3.request(DONE, { t: task2.id, p: p.pupil3.id, d: true })).errors,
    ).toBeUndefined();
    expect(
      (await c.pupil3.request(DONE, { t: task2.id, p: p.pupil3.id, d: false })).errors,
    ).toBeUndefined();
    const seen = await c.teacher3.request<{
      remoteLesson: { completion: { pupilId: string; doneTaskIds: string[] }[] };
    }>(REMOTE_LESSON, { l: l.today3.id });
    expect(seen.data!.remoteLesson.completion).toEqual([
      { pupilId: p.pupil3.id, doneTaskIds: [task1.id] },
    ]);
    const led = await c.classTeacher3.request(REMOTE_LESSON, { l: l.today3.id });
    expect(led.errors).toBeUndefined();
    for (const who of ['teacher7', 'parent3', 'pupil3']) {
      expect(codeOf(await c[who].request(REMOTE_LESSON, { l: l.today3.id })), who).toBe(
        'NOT_FOUND',
      );
    }
  });

  it('withdrawing makes the day ordinary again', async () => {
    const [day] = await t.sql<{ id: number }>(`select id from cancelled_day`);
    for (const who of ['teacher3', 'parent3', 'sysadmin']) {
      expect(codeOf(await c[who].request(WITHDRAW, { id: String(day.id) })), who).toBe('FORBIDDEN');
    }
    const r = await c.director.request<{ withdrawCancelledDay: string }>(WITHDRAW, {
      id: String(day.id),
    });
    expect(r.data!.withdrawCancelledDay).toBe(String(day.id));
    expect(
      (await c.parent3.request<{ myCancelledDays: unknown[] }>(NOTICES)).data!.myCancelledDays,
    ).toEqual([]);
    const absent = {
      lessonId: l.today3.id,
      pupilId: p.pupil3.id,
      codeId: f.school.codes['Н'],
      version: 1,
    };
    const again = await attendance(c.teacher3, [absent]);
    expect(again.errors?.[0]?.extensions?.entries ?? []).not.toContainEqual(
      expect.objectContaining({ reason: 'REMOTE_STUDY_DAY' }),
    );
  });
});
