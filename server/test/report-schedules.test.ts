import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/role.js';
import { Clock } from '../src/clock.js';
import { ReportScheduleFrequency } from '../src/modules/reports/report-view.entity.js';
import {
  checkSchedule,
  dueOccurrence,
  occurrenceIn,
  type Schedule,
} from '../src/modules/reports/report-schedule.js';
import { ReportScheduleService } from '../src/modules/reports/report-schedule.service.js';
import { codeOf, type GqlClient, type TestApp, createTestApp } from './helpers.js';
import { factory, type Factory, type MadeCourse, type MadePerson } from './factory.js';

/**
 * Scheduled report views (issue 18, decision 64): the schedule's checks naming the field, owner
 * only, audited; when an occurrence is due on a school's own wall clock (Asia/Yakutsk around its
 * midnight); each member of the audience getting a message with an XLSX of their own rows only;
 * sent once under two concurrent timers and a restart; a member who left gets nothing.
 *
 * Fixture: a school in Asia/Yakutsk (UTC+9). 7А with Algebra by `t` (class teacher `ct`), 7Б with
 * Russian by `u`; a mark in each. The timer runs with a clock of its own (not the tests' pinned
 * TODAY), at instants in January 2027, after the schedules were set.
 */
let t: TestApp;
let f: Factory;
const who: Record<string, MadePerson> = {};
const as: Record<string, GqlClient> = {};
const c: Record<string, MadeCourse> = {};

const VIEW = `id version mine schedule { frequency day hour }`;
const CREATE = `mutation($i: ReportViewInput!) { createReportView(input: $i) { ${VIEW} } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $i: ReportViewInput!) { updateReportView(id: $id, version: $v, input: $i) { ${VIEW} } }`;
const LIST = `query { reportViews(filter: MINE) { items { ${VIEW} } } }`;

interface View {
  id: string;
  version: number;
  schedule: { frequency: string; day: number | null; hour: number | null };
}

const spec = { rows: ['COURSE'], measures: ['MARK_COUNT'] };
const input = (o: Record<string, unknown> = {}) => ({ name: 'Отметки по курсам', spec, ...o });
const weeklyMonday0 = { frequency: 'WEEKLY', day: 1, hour: 0 };

async function created(client: GqlClient, i: Record<string, unknown>): Promise<View> {
  const r = await client.request<{ createReportView: View }>(CREATE, { i });
  expect(r.errors).toBeUndefined();
  return r.data!.createReportView;
}

/** A timer as another server process would run it: its own services, an unpinned clock. */
const timer = () =>
  new ReportScheduleService(t.app.services.reportExports, t.app.services.messaging, new Clock());
const tick = (at: string, s = timer()) => s.tick(t.orm.em.fork(), new Date(at));

/** Each recipient's delivered XLSX for a view: the first sheet's cell texts. */
async function delivered(viewId: string): Promise<Map<string, string[]>> {
  const rows = await t.sql<{ person_id: number; data: Buffer; author_id: number; name: string }>(
    `select d.person_id, a.data, m.author_id, a.name
       from report_view_delivery d join message m on m.id = d.message_id
       join message_attachment ma on ma.message_id = m.id join attachment a on a.id = ma.attachment_id
      where d.view_id = ? order by d.person_id`,
    [viewId],
  );
  const out = new Map<string, string[]>();
  for (const r of rows) {
    expect(String(r.author_id)).toBe(who.director.id);
    expect(r.name).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.data as unknown as ArrayBuffer);
    const texts: string[] = [];
    wb.worksheets[0].eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value ?? ''))));
    out.set(String(r.person_id), texts);
  }
  return out;
}
const deliveries = async (viewId: string) =>
  (
    await t.sql<{ person_id: number }>(
      `select person_id from report_view_delivery where view_id = ? order by person_id`,
      [viewId],
    )
  ).map((r) => String(r.person_id));

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  await f.newSchool({ timeZone: 'Asia/Yakutsk' });
  who.director = await f.newStaff({ roles: [Role.DIRECTOR], login: 'rs-director' });
  who.deputy = await f.newStaff({ roles: [Role.DEPUTY], login: 'rs-deputy' });
  who.t = await f.newTeacher({ login: 'rs-t' });
  who.u = await f.newTeacher({ login: 'rs-u' });
  who.ct = await f.newTeacher({ login: 'rs-ct' });
  who.gone = await f.newTeacher({ login: 'rs-gone' });
  const a = await f.newClass({ grade: 7, classTeacher: who.ct });
  const b = await f.newClass({ grade: 7 });
  const p1 = await f.newPupil({ classGroup: a, login: null });
  const q1 = await f.newPupil({ classGroup: b, login: null });
  c.aAlg = await f.newCourse({ classGroup: a, subject: 'Алгебра', teacher: who.t });
  c.bRus = await f.newCourse({ classGroup: b, subject: 'Русский язык', teacher: who.u });
  const la = await f.newLesson({ course: c.aAlg, date: '2026-11-24' });
  const lb = await f.newLesson({ course: c.bRus, date: '2026-11-24' });
  await f.newMark({ lesson: la, pupil: p1, value: '5' });
  await f.newMark({ lesson: lb, pupil: q1, value: '4' });
  for (const k of ['director', 'deputy', 't', 'u']) as[k] = await f.as(who[k].login);
});

afterAll(async () => {
  await t?.close();
});

describe('the schedule', () => {
  it('is refused out of range, naming the field, and nothing is saved', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ frequency: 'WEEKLY', day: 0, hour: 8 }, 'schedule.day', 'OUT_OF_RANGE'],
      [{ frequency: 'WEEKLY', day: 8, hour: 8 }, 'schedule.day', 'OUT_OF_RANGE'],
      [{ frequency: 'MONTHLY', day: 32, hour: 8 }, 'schedule.day', 'OUT_OF_RANGE'],
      [{ frequency: 'MONTHLY', day: 0, hour: 8 }, 'schedule.day', 'OUT_OF_RANGE'],
      [{ frequency: 'WEEKLY', day: 3, hour: 25 }, 'schedule.hour', 'OUT_OF_RANGE'],
      [{ frequency: 'WEEKLY', day: 3, hour: -1 }, 'schedule.hour', 'OUT_OF_RANGE'],
      [{ frequency: 'WEEKLY', hour: 8 }, 'schedule.day', 'REQUIRED'],
      [{ frequency: 'MONTHLY', day: 5 }, 'schedule.hour', 'REQUIRED'],
    ];
    const before = await t.sql(`select count(*)::int as n from report_view`);
    for (const [schedule, field, reason] of cases) {
      const r = await as.director.request(CREATE, { i: input({ schedule }) });
      expect(codeOf(r), JSON.stringify(schedule)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].extensions!.field).toBe(field);
      expect(r.errors![0].extensions!.reason).toBe(reason);
    }
    const r = await as.director.request(CREATE, {
      i: input({ schedule: { frequency: 'FORTNIGHTLY', day: 1, hour: 1 } }),
    });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await t.sql(`select count(*)::int as n from report_view`)).toEqual(before);
  });

  it('is off by default, kept when a save leaves it out, audited, listed', async () => {
    const v = await created(as.director, input());
    expect(v.schedule).toEqual({ frequency: 'OFF', day: null, hour: null });
    const set = await as.director.request<{ updateReportView: View }>(UPDATE, {
      id: v.id,
      v: v.version,
      i: input({ schedule: { frequency: 'MONTHLY', day: 31, hour: 7 } }),
    });
    expect(set.errors).toBeUndefined();
    const after = set.data!.updateReportView;
    expect(after.schedule).toEqual({ frequency: 'MONTHLY', day: 31, hour: 7 });
    const kept = await as.director.request<{ updateReportView: View }>(UPDATE, {
      id: v.id,
      v: after.version,
      i: input({ name: 'Новое имя' }),
    });
    expect(kept.data!.updateReportView.schedule).toEqual(after.schedule);
    const off = await as.director.request<{ updateReportView: View }>(UPDATE, {
      id: v.id,
      v: kept.data!.updateReportView.version,
      i: input({ schedule: { frequency: 'OFF', day: 3, hour: 3 } }),
    });
    expect(off.data!.updateReportView.schedule).toEqual({
      frequency: 'OFF',
      day: null,
      hour: null,
    });
    const audit = await t.sql<{ before: { schedule: Schedule }; after: { schedule: Schedule } }>(
      `select before, after from audit_event
        where entity = 'report_view' and entity_id = ? and action = 'update' order by id`,
      [v.id],
    );
    expect(audit.map((a) => a.after.schedule.frequency)).toEqual(['MONTHLY', 'MONTHLY', 'OFF']);
    expect(audit[0].before.schedule.frequency).toBe('OFF');
    const list = await as.director.request<{ reportViews: { items: View[] } }>(LIST);
    expect(list.data!.reportViews.items.find((x) => x.id === v.id)?.schedule.frequency).toBe('OFF');
  });

  it('is set by the owner only', async () => {
    const v = await created(as.director, input({ audience: { staffIds: [who.deputy.id] } }));
    const r = await as.deputy.request(UPDATE, {
      id: v.id,
      v: v.version,
      i: input({ schedule: weeklyMonday0 }),
    });
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(codeOf(await as.t.request(UPDATE, { id: v.id, v: v.version, i: input() }))).toBe(
      'NOT_FOUND',
    );
    const [row] = await t.sql<{ schedule_frequency: string }>(
      `select schedule_frequency from report_view where id = ?`,
      [v.id],
    );
    expect(row.schedule_frequency).toBe('OFF');
    // A teacher schedules a view of their own.
    const own = await created(as.t, input({ schedule: weeklyMonday0 }));
    expect(own.schedule).toEqual({ frequency: 'WEEKLY', day: 1, hour: 0 });
  });

  it('checks the input with the same rules the API uses', () => {
    expect(checkSchedule(null).frequency).toBe('OFF');
    expect(checkSchedule({ frequency: ReportScheduleFrequency.WEEKLY, day: 7, hour: 23 })).toEqual({
      frequency: 'WEEKLY',
      day: 7,
      hour: 23,
    });
  });
});

describe('when it is due', () => {
  const weekly = (day: number, hour: number): Schedule => ({
    frequency: ReportScheduleFrequency.WEEKLY,
    day,
    hour,
  });
  const monthly = (day: number, hour: number): Schedule => ({
    frequency: ReportScheduleFrequency.MONTHLY,
    day,
    hour,
  });

  it('reads the school’s own wall clock: Yakutsk’s Monday begins on Moscow’s Sunday evening', () => {
    const clock = new Clock();
    const before = new Date('2027-01-03T14:59:00Z');
    const midnight = new Date('2027-01-03T15:00:00Z');
    expect(clock.wallClock('Asia/Yakutsk', before)).toEqual({ date: '2027-01-03', hour: 23 });
    expect(clock.wallClock('Asia/Yakutsk', midnight)).toEqual({ date: '2027-01-04', hour: 0 });
    const from = '2027-01-01T00';
    const s = weekly(1, 0);
    expect(dueOccurrence(s, clock.wallClock('Asia/Yakutsk', before), from, null)).toBeNull();
    expect(dueOccurrence(s, clock.wallClock('Asia/Yakutsk', midnight), from, null)).toBe(
      '2027-01-04',
    );
    // In Moscow it is still Sunday 18:00: not due there.
    expect(dueOccurrence(s, clock.wallClock('Europe/Moscow', midnight), from, null)).toBeNull();
    // Sent to everyone: not again that week, due again the next Monday.
    const later = clock.wallClock('Asia/Yakutsk', new Date('2027-01-06T03:00:00Z'));
    expect(dueOccurrence(s, later, from, '2027-01-04')).toBeNull();
    expect(dueOccurrence(s, { date: '2027-01-11', hour: 0 }, from, '2027-01-04')).toBe(
      '2027-01-11',
    );
  });

  it('honours a pinned TODAY (the date) with the hour of the instant', () => {
    const pinned = new Clock({ today: '2027-02-28' });
    expect(pinned.wallClock('Asia/Yakutsk', new Date('2027-01-03T15:00:00Z'))).toEqual({
      date: '2027-02-28',
      hour: 0,
    });
  });

  it('does not send an occurrence that passed before the schedule was set', () => {
    const s = weekly(3, 8);
    const now = { date: '2027-01-08', hour: 12 };
    expect(dueOccurrence(s, now, '2027-01-07T10', null)).toBeNull();
    expect(dueOccurrence(s, now, '2027-01-06T08', null)).toBe('2027-01-06');
    expect(dueOccurrence(s, { date: '2027-01-06', hour: 7 }, '2027-01-01T00', null)).toBeNull();
  });

  it('puts a monthly day past the month’s end on its last day', () => {
    expect(occurrenceIn(monthly(31, 9), '2027-02-10')).toBe('2027-02-28');
    expect(occurrenceIn(monthly(31, 9), '2028-02-10')).toBe('2028-02-29');
    expect(occurrenceIn(monthly(31, 9), '2027-03-01')).toBe('2027-03-31');
    expect(occurrenceIn(monthly(1, 0), '2027-03-31')).toBe('2027-03-01');
    expect(occurrenceIn(weekly(7, 0), '2027-01-04')).toBe('2027-01-10');
    expect(dueOccurrence(monthly(1, 0), { date: '2027-03-01', hour: 0 }, null, null)).toBe(
      '2027-03-01',
    );
    expect(dueOccurrence(monthly(31, 23), { date: '2027-02-28', hour: 22 }, null, null)).toBeNull();
  });
});

describe('sending', () => {
  let view: View;

  beforeAll(async () => {
    view = await created(
      as.director,
      input({
        name: 'Неделя по курсам',
        audience: { roles: ['TEACHER'], staffIds: [who.deputy.id] },
        schedule: weeklyMonday0,
      }),
    );
    // Set on Friday 1 January 2027 (the app's clock is pinned to the tests' TODAY).
    await t.sql(`update report_view set schedule_from = '2027-01-01T00' where id = ?`, [view.id]);
    // `u` reads the app in English and saved the mail settings so (decision 67); `t` never did.
    const r = await as.u.request(
      `mutation { setMailSettings(input: { digest: OFF, weeklyReport: false, lang: EN }) { lang } }`,
    );
    expect(r.errors).toBeUndefined();
  });

  it('sends nothing before the school’s Monday midnight', async () => {
    expect(await tick('2027-01-03T14:59:00Z')).toBe(0);
    expect(await deliveries(view.id)).toEqual([]);
  });

  it('sends once to each member, under two timers at once, and never again', async () => {
    // The deputy left the audience and a teacher left the school before it was due.
    const r = await as.director.request(UPDATE, {
      id: view.id,
      v: view.version,
      i: input({ name: 'Неделя по курсам', audience: { roles: ['TEACHER'], staffIds: [] } }),
    });
    expect(r.errors).toBeUndefined();
    await t.sql(`update user_account set active = false where login = 'rs-gone'`);

    const sent = await Promise.all([tick('2027-01-03T15:00:30Z'), tick('2027-01-03T15:00:30Z')]);
    const members = [who.t.id, who.u.id, who.ct.id].sort((a, b) => Number(a) - Number(b));
    expect(sent[0] + sent[1]).toBe(members.length);
    expect(await deliveries(view.id)).toEqual(members);
    const messages = await t.sql<{ n: number }>(
      `select count(*)::int as n from message m join report_view_delivery d on d.message_id = m.id
        where d.view_id = ?`,
      [view.id],
    );
    expect(messages[0].n).toBe(members.length);
    // A restart a minute later, and later that week: nothing more.
    expect(await tick('2027-01-03T15:01:00Z')).toBe(0);
    expect(await tick('2027-01-06T03:00:00Z')).toBe(0);
    const [done] = await t.sql<{ d: string }>(
      `select schedule_done::text as d from report_view where id = ?`,
      [view.id],
    );
    expect(done.d).toBe('2027-01-04');
  });

  it('gives each member an XLSX of their own rows only', async () => {
    const files = await delivered(view.id);
    const has = (id: string, s: string) => files.get(id)!.some((x) => x.includes(s));
    expect(has(who.t.id, 'Алгебра')).toBe(true);
    expect(has(who.t.id, 'Русский')).toBe(false);
    expect(has(who.u.id, 'Русский')).toBe(true);
    expect(has(who.u.id, 'Алгебра')).toBe(false);
    // The class teacher of 7А: the class's courses.
    expect(has(who.ct.id, 'Алгебра')).toBe(true);
    expect(has(who.ct.id, 'Русский')).toBe(false);
    expect(files.has(who.deputy.id)).toBe(false);
    expect(files.has(who.gone.id)).toBe(false);
  });

  async function lastMessage(client: GqlClient) {
    const r = await client.request<{
      conversations: {
        items: { lastMessage: { text: string; attachments: { name: string }[] } }[];
      };
    }>(
      `query { conversations(first: 10) { items { lastMessage { text attachments { name } } } } }`,
    );
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.conversations.items[0].lastMessage;
  }

  it('reaches the member as a message from the owner in their inbox', async () => {
    const last = await lastMessage(as.t);
    expect(last.text).toBe(
      'Отчёт «Неделя по курсам» на 04.01.2027 (по расписанию, еженедельно). ' +
        'В таблице только то, что вам доступно в отчётах.',
    );
    expect(last.attachments[0].name).toMatch(/\.xlsx$/);
  });

  it('writes the message and the file in the language of the member’s mails', async () => {
    const last = await lastMessage(as.u);
    expect(last.text).toBe(
      'Report “Неделя по курсам” for 4 Jan 2027 (scheduled, weekly). ' +
        'The table holds only what reports show you.',
    );
    const files = await delivered(view.id);
    const has = (id: string, s: string) => files.get(id)!.some((x) => x.startsWith(s));
    expect(has(who.u.id, 'Data as of')).toBe(true);
    expect(has(who.u.id, 'Данные на')).toBe(false);
    expect(has(who.t.id, 'Данные на')).toBe(true);
  });

  it('sends nothing for a view whose owner left', async () => {
    const v = await created(
      as.deputy,
      input({ audience: { roles: ['TEACHER'] }, schedule: weeklyMonday0 }),
    );
    await t.sql(`update report_view set schedule_from = '2027-01-01T00' where id = ?`, [v.id]);
    await t.sql(`update user_account set active = false where login = 'rs-deputy'`);
    await tick('2027-01-04T01:00:00Z');
    expect(await deliveries(v.id)).toEqual([]);
  });
});
