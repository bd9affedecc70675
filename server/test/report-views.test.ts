import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { codeOf, createTestApp, waitFor, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import {
  factory,
  TEST_PASSWORD,
  type Factory,
  type MadeCourse,
  type MadeLesson,
  type MadePerson,
} from './factory.js';

/**
 * Saved report views (issue 18): saving and its refusals naming the field, owner-only edits,
 * copies keeping their origin, whom each role may share with, a shared view answered under each
 * viewer's own row filter, and the live `reportView` subscription.
 *
 * Fixture: 7А (class teacher `ct`) with Algebra by `t`, 7Б with Russian by `u`; a lesson in each
 * with marks; a second school with its own teacher and lesson, for writes that must not count.
 */
let t: TestApp;
let f: Factory;
let other: Factory;
const who: Record<string, MadePerson> = {};
const as: Record<string, GqlClient> = {};
const c: Record<string, MadeCourse> = {};
const L: Record<string, MadeLesson> = {};
const pupils: Record<string, string> = {};

const VIEW = `id name description mine pinned version copiedFromId chartType
  owner { id name } audience { roles staff { id name } }
  spec { rows columns measures filters { dimension equals in from to } sort { dimension measure descending } limit }`;
const RESULT = `result { rowCount rows { values { key label } cells { measure value } } total { cells { measure value } } }`;
const CREATE = `mutation($i: ReportViewInput!) { createReportView(input: $i) { ${VIEW} } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $i: ReportViewInput!) { updateReportView(id: $id, version: $v, input: $i) { ${VIEW} } }`;
const DELETE = `mutation($id: ID!, $v: Int!) { deleteReportView(id: $id, version: $v) }`;
const COPY = `mutation($id: ID!, $n: String) { copyReportView(id: $id, name: $n) { ${VIEW} } }`;
const GET = `query($id: ID!) { reportView(id: $id) { ${VIEW} ${RESULT} } }`;
const LIST = `query($f: ReportViewFilter, $first: Int, $after: ID) { reportViews(filter: $f, first: $first, after: $after) { items { id name mine } nextCursor } }`;

interface View {
  id: string;
  name: string;
  mine: boolean;
  version: number;
  copiedFromId: string | null;
  owner: { id: string; name: string };
  audience: { roles: string[]; staff: { id: string; name: string }[] };
  result?: {
    rowCount: number;
    rows: {
      values: { key: string; label: string }[];
      cells: { measure: string; value: number }[];
    }[];
    total: { cells: { measure: string; value: number }[] };
  };
}

const byCourse = {
  rows: ['COURSE'],
  measures: ['MARK_COUNT'],
};
const input = (o: Record<string, unknown> = {}) => ({
  name: 'Отметки по курсам',
  description: 'Сколько отметок',
  spec: byCourse,
  chartType: 'BAR',
  ...o,
});

async function create(client: GqlClient, i: Record<string, unknown>) {
  return client.request<{ createReportView: View }>(CREATE, { i });
}
async function created(client: GqlClient, i: Record<string, unknown>): Promise<View> {
  const r = await create(client, i);
  expect(r.errors).toBeUndefined();
  return r.data!.createReportView;
}
const viewCount = async () =>
  Number((await t.sql<{ n: string }>(`select count(*) as n from report_view`))[0].n);
const fieldOf = (r: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  r.errors?.[0]?.extensions?.field;
const reasonOf = (r: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  r.errors?.[0]?.extensions?.reason;

/** Writes a mark as a teacher through the API (so the outbox announces it). */
async function mark(client: GqlClient, lesson: MadeLesson, pupil: string, value = '5', school = f) {
  const workTypeId = school.school.workTypes['Ответ на уроке'];
  const change = { lessonId: lesson.id, pupilId: pupil, value, workTypeId };
  for (const name of ['setMarks', 'saveMarks']) {
    const r = await client.request(
      `mutation($c: [MarkChangeInput!]!) { ${name}(changes: $c) { saved { id } } }`,
      { c: [change] },
    );
    if (codeOf(r) === 'GRAPHQL_VALIDATION_FAILED') continue;
    expect(r.errors).toBeUndefined();
    return;
  }
  throw new Error('no mark mutation');
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  t.app.services.reportViewLive.debounceMs = 300;
  t.app.services.reportViewLive.settleMs = 50;
  f = factory(t);
  await f.newSchool();
  who.director = await f.newStaff({ roles: [Role.DIRECTOR], login: 'rv-director' });
  who.deputy = await f.newStaff({ roles: [Role.DEPUTY], login: 'rv-deputy' });
  who.sysadmin = await f.newStaff({ roles: [Role.SYSADMIN], login: 'rv-sysadmin' });
  who.t = await f.newTeacher({ login: 'rv-t' });
  who.u = await f.newTeacher({ login: 'rv-u' });
  who.ct = await f.newTeacher({ login: 'rv-ct' });
  const a = await f.newClass({ grade: 7, classTeacher: who.ct });
  const b = await f.newClass({ grade: 7 });
  const p1 = await f.newPupil({ classGroup: a, login: 'rv-pupil' });
  const p2 = await f.newPupil({ classGroup: a, login: null });
  const q1 = await f.newPupil({ classGroup: b, login: null });
  Object.assign(pupils, { p1: p1.id, p2: p2.id, q1: q1.id });
  who.parent = await f.newParent({ children: [p1], login: 'rv-parent' });
  who.pupil = { ...p1, login: 'rv-pupil' } as MadePerson;
  c.aAlg = await f.newCourse({ classGroup: a, subject: 'Алгебра', teacher: who.t });
  c.bRus = await f.newCourse({ classGroup: b, subject: 'Русский язык', teacher: who.u });
  L.a = await f.newLesson({ course: c.aAlg, date: '2026-11-24' });
  L.b = await f.newLesson({ course: c.bRus, date: '2026-11-24' });
  await f.newMark({ lesson: L.a, pupil: p1, value: '5' });
  await f.newMark({ lesson: L.b, pupil: q1, value: '4' });
  await f.newMark({ lesson: L.b, pupil: q1, value: '3', workType: 'Домашняя работа' });

  other = factory(t);
  await other.newSchool({ name: 'Другая школа' });
  who.far = await other.newTeacher({ login: 'rv-far' });
  const fc = await other.newClass({ grade: 5 });
  const fp = await other.newPupil({ classGroup: fc, login: null });
  pupils.far = fp.id;
  c.far = await other.newCourse({ classGroup: fc, teacher: who.far });
  L.far = await other.newLesson({ course: c.far, date: '2026-11-24' });

  for (const [k, p] of Object.entries(who)) as[k] = await f.as(p.login);
});

afterAll(async () => {
  await t?.close();
});

describe('saving', () => {
  it('saves a view owned by the viewer, audited, in the owner’s list', async () => {
    const v = await created(as.director, input({ pinned: true }));
    expect(v).toMatchObject({
      name: 'Отметки по курсам',
      mine: true,
      version: 1,
      pinned: true,
      copiedFromId: null,
      owner: { id: who.director.id },
      audience: { roles: [], staff: [] },
      spec: { rows: ['COURSE'], measures: ['MARK_COUNT'], columns: null, filters: [], limit: null },
    });
    const audit = await t.sql(
      `select action from audit_event where entity = 'report_view' and entity_id = ?`,
      [v.id],
    );
    expect(audit).toEqual([{ action: 'create' }]);
    const mine = await as.director.request<{ reportViews: { items: View[] } }>(LIST, { f: 'MINE' });
    expect(mine.data!.reportViews.items.map((x) => x.id)).toContain(v.id);
    const theirs = await as.deputy.request<{ reportViews: { items: View[] } }>(LIST, {});
    expect(theirs.data!.reportViews.items.map((x) => x.id)).not.toContain(v.id);
  });

  it('refuses bad input naming the field, and saves nothing', async () => {
    const before = await viewCount();
    const cases: [Record<string, unknown>, string, string][] = [
      [input({ name: '  ' }), 'name', 'REQUIRED'],
      [input({ name: 'x'.repeat(121) }), 'name', 'TOO_LONG'],
      [input({ description: 'x'.repeat(1001) }), 'description', 'TOO_LONG'],
      [input({ spec: { rows: ['COURSE'], measures: [] } }), 'spec.measures', ''],
      [
        input({
          spec: {
            ...byCourse,
            filters: [{ dimension: 'DATE', from: '2026-12-01', to: '2026-11-01' }],
          },
        }),
        'spec.filters',
        '',
      ],
      [input({ audience: { staffIds: ['999999'] } }), 'audience.staffIds', 'AUDIENCE_NOT_ALLOWED'],
    ];
    for (const [i, field, reason] of cases) {
      const r = await create(as.director, i);
      expect(codeOf(r), field).toBe('BAD_USER_INPUT');
      expect(String(fieldOf(r))).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}`));
      if (reason) expect(reasonOf(r)).toBe(reason);
    }
    expect(await viewCount()).toBe(before);
  });

  it('refuses the administration-only TEACHER dimension in a teacher’s view', async () => {
    const r = await create(as.t, input({ spec: { rows: ['TEACHER'], measures: ['MARK_COUNT'] } }));
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(String(fieldOf(r))).toMatch(/^spec\.rows/);
  });

  it('lets only those who run reports save views', async () => {
    for (const k of ['parent', 'pupil', 'sysadmin']) {
      const r = await create(as[k], input());
      expect(codeOf(r), k).toBe('FORBIDDEN');
      const l = await as[k].request(LIST, {});
      expect(codeOf(l), k).toBe('FORBIDDEN');
    }
  });
});

describe('audience', () => {
  it('lets the administration share with roles and staff, never parents or pupils', async () => {
    const ok = await created(
      as.director,
      input({
        audience: { roles: ['DEPUTY', 'TEACHER'], staffIds: [who.ct.id] },
      }),
    );
    expect(ok.audience.roles).toEqual(['DEPUTY', 'TEACHER']);
    expect(ok.audience.staff.map((s) => s.id)).toEqual([who.ct.id]);
    for (const role of ['PARENT', 'STUDENT', 'SYSADMIN']) {
      const r = await create(as.deputy, input({ audience: { roles: [role] } }));
      expect(codeOf(r), role).toBe('BAD_USER_INPUT');
      expect(fieldOf(r)).toBe('audience.roles');
      expect(reasonOf(r)).toBe('AUDIENCE_NOT_ALLOWED');
    }
    for (const k of ['parent', 'pupil', 'sysadmin', 'far']) {
      const r = await create(as.director, input({ audience: { staffIds: [who[k].id] } }));
      expect(codeOf(r), k).toBe('BAD_USER_INPUT');
      expect(fieldOf(r)).toBe('audience.staffIds');
    }
  });

  it('lets a teacher share with staff by name, not with a whole role', async () => {
    const ok = await created(as.t, input({ audience: { staffIds: [who.deputy.id, who.u.id] } }));
    expect(ok.audience.staff.map((s) => s.id).sort()).toEqual([who.deputy.id, who.u.id].sort());
    for (const role of ['TEACHER', 'DEPUTY', 'DIRECTOR']) {
      const r = await create(as.t, input({ audience: { roles: [role] } }));
      expect(codeOf(r), role).toBe('BAD_USER_INPUT');
      expect(fieldOf(r)).toBe('audience.roles');
    }
    const r = await create(as.t, input({ audience: { staffIds: [who.parent.id] } }));
    expect(fieldOf(r)).toBe('audience.staffIds');
  });

  it('answers NOT_FOUND to anyone outside the audience, and lists shared views apart', async () => {
    const v = await created(as.director, input({ audience: { staffIds: [who.deputy.id] } }));
    for (const k of ['t', 'u', 'ct']) {
      expect(codeOf(await as[k].request(GET, { id: v.id })), k).toBe('NOT_FOUND');
    }
    const r = await as.deputy.request<{ reportView: View }>(GET, { id: v.id });
    expect(r.errors).toBeUndefined();
    expect(r.data!.reportView.mine).toBe(false);
    const shared = await as.deputy.request<{ reportViews: { items: View[] } }>(LIST, {
      f: 'SHARED',
    });
    expect(shared.data!.reportViews.items.map((x) => x.id)).toContain(v.id);
    const mine = await as.deputy.request<{ reportViews: { items: View[] } }>(LIST, { f: 'MINE' });
    expect(mine.data!.reportViews.items.map((x) => x.id)).not.toContain(v.id);
    expect(codeOf(await as.parent.request(GET, { id: v.id }))).toBe('FORBIDDEN');
  });

  it('pages by an opaque cursor and refuses one it did not give', async () => {
    const p1 = await as.director.request<{ reportViews: { items: View[]; nextCursor: string } }>(
      LIST,
      { first: 1 },
    );
    expect(p1.errors).toBeUndefined();
    expect(p1.data!.reportViews.items).toHaveLength(1);
    const p2 = await as.director.request<{ reportViews: { items: View[] } }>(LIST, {
      first: 1,
      after: p1.data!.reportViews.nextCursor,
    });
    expect(p2.data!.reportViews.items[0].id).not.toBe(p1.data!.reportViews.items[0].id);
    const bad = await as.director.request(LIST, { after: 'nonsense' });
    expect(reasonOf(bad)).toBe('INVALID_ID');
  });
});

describe('editing and copying', () => {
  it('lets only the owner edit or delete, at the version seen', async () => {
    const v = await created(as.director, input({ audience: { roles: ['DEPUTY'] } }));
    const change = input({ name: 'Новое имя', audience: { roles: ['DEPUTY'] } });
    expect(codeOf(await as.deputy.request(UPDATE, { id: v.id, v: 1, i: change }))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await as.deputy.request(DELETE, { id: v.id, v: 1 }))).toBe('FORBIDDEN');
    expect(codeOf(await as.t.request(UPDATE, { id: v.id, v: 1, i: change }))).toBe('NOT_FOUND');
    expect(codeOf(await as.t.request(DELETE, { id: v.id, v: 1 }))).toBe('NOT_FOUND');
    const ok = await as.director.request<{ updateReportView: View }>(UPDATE, {
      id: v.id,
      v: 1,
      i: change,
    });
    expect(ok.data!.updateReportView).toMatchObject({ name: 'Новое имя', version: 2 });
    expect(codeOf(await as.director.request(UPDATE, { id: v.id, v: 1, i: change }))).toBe(
      'CONFLICT',
    );
    const del = await as.director.request<{ deleteReportView: string }>(DELETE, { id: v.id, v: 2 });
    expect(del.data!.deleteReportView).toBe(v.id);
    expect(codeOf(await as.deputy.request(GET, { id: v.id }))).toBe('NOT_FOUND');
    const actions = await t.sql<{ action: string }>(
      `select action from audit_event where entity = 'report_view' and entity_id = ? order by id`,
      [v.id],
    );
    expect(actions.map((a) => a.action)).toEqual(['create', 'update', 'remove']);
  });

  it('copies a shared view into the viewer’s own, keeping its origin after it is deleted', async () => {
    const v = await created(as.director, input({ audience: { roles: ['DEPUTY'] }, pinned: true }));
    const r = await as.deputy.request<{ copyReportView: View }>(COPY, { id: v.id, n: 'Моя копия' });
    expect(r.errors).toBeUndefined();
    const copy = r.data!.copyReportView;
    expect(copy).toMatchObject({
      name: 'Моя копия',
      mine: true,
      pinned: false,
      copiedFromId: v.id,
      owner: { id: who.deputy.id },
      audience: { roles: [], staff: [] },
      spec: { rows: ['COURSE'], measures: ['MARK_COUNT'] },
    });
    await as.director.request(DELETE, { id: v.id, v: 1 });
    const again = await as.deputy.request<{ reportView: View }>(GET, { id: copy.id });
    expect(again.data!.reportView.copiedFromId).toBe(v.id);
    expect(codeOf(await as.t.request(COPY, { id: copy.id }))).toBe('NOT_FOUND');
  });
});

describe('a shared view is answered under each viewer’s own row filter', () => {
  it('gives the director the school and each teacher only own (or own class’s) courses', async () => {
    const v = await created(as.director, input({ audience: { roles: ['TEACHER'] } }));
    const rows = async (k: string) => {
      const r = await as[k].request<{ reportView: View }>(GET, { id: v.id });
      expect(r.errors, k).toBeUndefined();
      const res = r.data!.reportView.result!;
      return Object.fromEntries(res.rows.map((x) => [x.values[0].key, x.cells[0].value]));
    };
    expect(await rows('director')).toEqual({ [c.aAlg.id]: 1, [c.bRus.id]: 2 });
    expect(await rows('t')).toEqual({ [c.aAlg.id]: 1 });
    expect(await rows('u')).toEqual({ [c.bRus.id]: 2 });
    // The class teacher of 7А sees the courses of 7А.
    expect(await rows('ct')).toEqual({ [c.aAlg.id]: 1 });
  });
});

describe('late entries', () => {
  it('counts a mark as late by its entry in the journal’s history, not by the row', async () => {
    const v = await created(
      as.director,
      input({ spec: { rows: [], measures: ['LATE_MARK_ENTRIES', 'MARK_COUNT'] } }),
    );
    const totals = async () => {
      const r = await as.director.request<{ reportView: View }>(GET, { id: v.id });
      expect(r.errors).toBeUndefined();
      return Object.fromEntries(
        r.data!.reportView.result!.total.cells.map((cell) => [cell.measure, cell.value]),
      );
    };
    // The factory's marks have no history and were made today, weeks after their lessons; put
    // them on their lessons' days, so none is late.
    await t.sql(
      `update mark m set created_at = l.date + time '15:00' from lesson l where l.id = m.lesson_id`,
    );
    const before = await totals();
    expect(before.LATE_MARK_ENTRIES).toBe(0);
    // Written through the journal on 2026-11-23 (its history says so) for a lesson of 2026-11-20; the row
    // is then dated on the lesson's day, as an import would: the history still counts it late.
    const lesson = await f.newLesson({ course: c.aAlg, date: '2026-11-20' });
    await mark(as.t, lesson, pupils.p2, '3');
    await t.sql(
      `update mark m set created_at = l.date + time '15:00' from lesson l where l.id = m.lesson_id`,
    );
    await t.sql(
      `update audit_event set at = '2026-11-23T10:00:00+03:00'
        where entity = 'mark' and entity_id = (select max(id) from mark)`,
    );
    const after = await totals();
    expect(after.MARK_COUNT).toBe(before.MARK_COUNT + 1);
    expect(after.LATE_MARK_ENTRIES).toBe(1);
  });
});

/** A graphql-ws client signed in as `login`. */
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

/** Collects a `reportView` subscription's values (mark counts) and errors. */
function watch(client: Client, id: string) {
  const totals: number[] = [];
  const errors: unknown[] = [];
  let completed = false;
  const dispose = client.subscribe<{ reportView: View }>(
    {
      query: `subscription($id: ID!) { reportView(id: $id) { id name ${RESULT} } }`,
      variables: { id },
    },
    {
      next: (r) => {
        if (r.errors) errors.push(...r.errors);
        if (r.data?.reportView) totals.push(r.data.reportView.result!.total.cells[0].value);
      },
      error: (e) => errors.push(e),
      complete: () => (completed = true),
    },
  );
  return {
    totals,
    errors,
    dispose,
    get completed() {
      return completed;
    },
  };
}

describe('live', () => {
  it('re-evaluates on a relevant write, not on unrelated ones, and only when the result changed', async () => {
    const v = await created(
      as.director,
      input({
        spec: { rows: [], measures: ['MARK_COUNT'] },
        audience: { staffIds: [who.deputy.id] },
      }),
    );
    const socket = await socketAs(who.deputy.login);
    const live = watch(socket, v.id);
    try {
      expect(await waitFor(() => live.totals.length === 1)).toBe(true);
      const start = live.totals[0];
      const size = t.app.services.reportViewLive.size;
      expect(size).toBeGreaterThan(0);

      await mark(as.t, L.a, pupils.p2, '4');
      expect(await waitFor(() => live.totals.length === 2)).toBe(true);
      expect(live.totals[1]).toBe(start + 1);

      // Unrelated: another school's mark; attendance (a fact the view does not read); a lesson's
      // topic (re-evaluated, as marks hang on lessons, but the count is the same: nothing sent).
      await mark(await other.as(who.far), L.far, pupils.far, '5', other);
      const absent = await as.t.request(
        `mutation($c: [AttendanceChangeInput!]!) { saveAttendance(changes: $c) { id } }`,
        { c: [{ lessonId: L.a.id, pupilId: pupils.p1, codeId: f.school.codes['Н'] }] },
      );
      if (codeOf(absent) === 'GRAPHQL_VALIDATION_FAILED') {
        const set = await as.t.request(
          `mutation($c: [AttendanceChangeInput!]!) { setAttendance(changes: $c) { id } }`,
          { c: [{ lessonId: L.a.id, pupilId: pupils.p1, codeId: f.school.codes['Н'] }] },
        );
        expect(set.errors).toBeUndefined();
      } else expect(absent.errors).toBeUndefined();
      await new Promise((r) => setTimeout(r, 800));
      // The control: a relevant write arrives, and is the next value after the first change.
      await mark(as.u, L.b, pupils.q1, '5');
      expect(await waitFor(() => live.totals.length === 3)).toBe(true);
      expect(live.totals).toEqual([start, start + 1, start + 2]);
      expect(live.errors).toEqual([]);
    } finally {
      live.dispose();
      await socket.dispose();
    }
  });

  it('follows attendance in a view of lessons without it (a journal-health measure)', async () => {
    const v = await created(
      as.director,
      input({ spec: { rows: [], measures: ['LESSONS_WITHOUT_ATTENDANCE'] } }),
    );
    const socket = await socketAs(who.director.login);
    const live = watch(socket, v.id);
    try {
      expect(await waitFor(() => live.totals.length === 1)).toBe(true);
      const start = live.totals[0];
      expect(start).toBeGreaterThan(0);
      const r = await as.u.request(
        `mutation($c: [AttendanceChangeInput!]!) { setAttendance(changes: $c) { id } }`,
        { c: [{ lessonId: L.b.id, pupilId: pupils.q1, codeId: f.school.codes['Н'] }] },
      );
      expect(r.errors).toBeUndefined();
      expect(await waitFor(() => live.totals.length === 2)).toBe(true);
      expect(live.totals[1]).toBe(start - 1);
    } finally {
      live.dispose();
      await socket.dispose();
    }
  });

  it("follows the control settings in a view of late entries by the control rule (the school's days)", async () => {
    // An entry 3 days after its lesson: not late after 7 days (the default), late after 2.
    const lesson = await f.newLesson({ course: c.aAlg, date: '2026-11-20' });
    const made = await f.newMark({ lesson, pupil: pupils.p2, value: '4' });
    await t.sql(`update mark set created_at = '2026-11-23T10:00:00+03:00' where id = ?`, [made.id]);
    const v = await created(
      as.director,
      input({ spec: { rows: [], measures: ['CONTROL_LATE_ENTRIES'] } }),
    );
    const socket = await socketAs(who.director.login);
    const live = watch(socket, v.id);
    try {
      expect(await waitFor(() => live.totals.length === 1)).toBe(true);
      const start = live.totals[0];
      const r = await as.director.request(
        `mutation($i: ControlSettingsInput!) { setControlSettings(input: $i) { lateAfterDays } }`,
        { i: { lateAfterDays: 2, homeworkRequired: true, minMarks: [] } },
      );
      expect(r.errors).toBeUndefined();
      expect(await waitFor(() => live.totals.length === 2)).toBe(true);
      expect(live.totals[1]).toBe(start + 1);
    } finally {
      live.dispose();
      await socket.dispose();
      await t.sql(`delete from control_setting where school_id = ?`, [f.school.id]);
    }
  });

  it('evaluates a burst of writes once (debounced)', async () => {
    const v = await created(as.director, input({ spec: { rows: [], measures: ['MARK_COUNT'] } }));
    const socket = await socketAs(who.director.login);
    const live = watch(socket, v.id);
    const svc = t.app.services.reportViewLive;
    svc.settleMs = 600;
    try {
      expect(await waitFor(() => live.totals.length === 1)).toBe(true);
      await mark(as.t, L.a, pupils.p1, '3');
      await mark(as.u, L.b, pupils.q1, '2');
      expect(await waitFor(() => live.totals.length === 2)).toBe(true);
      await new Promise((r) => setTimeout(r, 700));
      expect(live.totals).toHaveLength(2);
      expect(live.totals[1]).toBe(live.totals[0] + 2);
    } finally {
      svc.settleMs = 50;
      live.dispose();
      await socket.dispose();
    }
  });

  it('evaluates a view once per refresh for all viewers with the same row filter', async () => {
    const svc = t.app.services.reportViewLive;
    expect(await waitFor(() => svc.size === 0)).toBe(true);
    const v = await created(
      as.director,
      input({
        spec: { rows: [], measures: ['MARK_COUNT'] },
        audience: { staffIds: [who.deputy.id, who.ct.id] },
      }),
    );
    const sockets = await Promise.all(
      [who.director, who.deputy, who.ct].map((p) => socketAs(p.login)),
    );
    const lives = sockets.map((s) => watch(s, v.id));
    try {
      expect(await waitFor(() => lives.every((l) => l.totals.length === 1))).toBe(true);
      expect(svc.size).toBe(3);
      const before = svc.evaluations;
      // A mark in 7А: the school's count and the class teacher's (own class) both change.
      await mark(as.t, L.a, pupils.p2, '5');
      expect(await waitFor(() => lives.every((l) => l.totals.length === 2))).toBe(true);
      // One evaluation for the director and the deputy (the school), one for the class teacher.
      expect(svc.evaluations - before).toBe(2);
      expect(lives[1].totals).toEqual(lives[0].totals);
      expect(lives[2].totals[1]).toBe(lives[2].totals[0] + 1);
      expect(lives[2].totals[1]).toBeLessThan(lives[0].totals[1]);
    } finally {
      for (const l of lives) l.dispose();
      await Promise.all(sockets.map((s) => s.dispose()));
    }
  });

  it('ends with NOT_FOUND for a viewer taken out of the audience', async () => {
    const v = await created(as.director, input({ audience: { staffIds: [who.deputy.id] } }));
    const socket = await socketAs(who.deputy.login);
    const live = watch(socket, v.id);
    try {
      expect(await waitFor(() => live.totals.length === 1)).toBe(true);
      const r = await as.director.request(UPDATE, { id: v.id, v: 1, i: input() });
      expect(r.errors).toBeUndefined();
      expect(await waitFor(() => live.errors.length > 0)).toBe(true);
      expect(JSON.stringify(live.errors)).toContain('NOT_FOUND');
      expect(await waitFor(() => live.completed)).toBe(true);
    } finally {
      live.dispose();
      await socket.dispose();
    }
  });

  it('follows remote study: the teacher posts a task, a parent ticks it done (issue 15)', async () => {
    // A remote lesson of 7А's algebra: its class's cancelled day (the 25th, nothing else that day).
    const lesson = await f.newLesson({ course: c.aAlg, date: '2026-11-25' });
    await t.sql(
      `insert into cancelled_day (school_id, date, class_ids, reason, declared_by_id)
       select ?, '2026-11-25', array[co.class_group_id], 'FROST', ? from course co where co.id = ?`,
      [f.school.id, who.director.id, c.aAlg.id],
    );
    const v = await created(
      as.director,
      input({
        spec: { rows: [], measures: ['REMOTE_TASKS_ASSIGNED', 'REMOTE_TASKS_DONE'] },
        audience: { staffIds: [who.t.id] },
      }),
    );
    const sockets = await Promise.all([who.director, who.t].map((p) => socketAs(p.login)));
    const seen = sockets.map(() => [] as string[]);
    const errors: unknown[] = [];
    const disposers = sockets.map((s, i) =>
      s.subscribe<{ reportView: View }>(
        {
          query: `subscription($id: ID!) { reportView(id: $id) { id ${RESULT} } }`,
          variables: { id: v.id },
        },
        {
          next: (r) => {
            if (r.errors) errors.push(...r.errors);
            const cells = r.data?.reportView.result?.total.cells;
            if (cells) seen[i].push(cells.map((x) => x.value ?? 0).join('/'));
          },
          error: (e) => errors.push(e),
          complete: () => {},
        },
      ),
    );
    try {
      expect(await waitFor(() => seen.every((s) => s.length === 1))).toBe(true);
      // The course's teacher (the director's and own row filter alike) posts one task: p1, p2 owe it.
      const posted = await as.t.request<{ setRemoteWork: { tasks: { id: string }[] } }>(
        `mutation($i:SetRemoteWorkInput!){setRemoteWork(input:$i){tasks{id}}}`,
        {
          i: {
            lessonId: lesson.id,
            material: 'Параграф 5',
            tasks: [{ text: 'Задачи 1–3', dueOn: '2026-11-26' }],
          },
        },
      );
      expect(posted.errors).toBeUndefined();
      expect(await waitFor(() => seen.every((s) => s.length === 2))).toBe(true);
      const taskId = posted.data!.setRemoteWork.tasks[0].id;
      const ticked = await as.parent.request(
        `mutation($t:ID!,$p:ID!){setRemoteTaskDone(taskId:$t,pupilId:$p,done:true){done}}`,
        { t: taskId, p: pupils.p1 },
      );
      expect(ticked.errors).toBeUndefined();
      expect(await waitFor(() => seen.every((s) => s.length === 3))).toBe(true);
      expect(seen[0]).toEqual(['0/0', '2/0', '2/1']);
      expect(seen[1]).toEqual(seen[0]);
      expect(errors).toEqual([]);
    } finally {
      for (const d of disposers) d();
      await Promise.all(sockets.map((s) => s.dispose()));
      await t.sql(`delete from cancelled_day where school_id = ? and date = '2026-11-25'`, [
        f.school.id,
      ]);
      await t.sql(`delete from lesson where id = ?`, [lesson.id]);
    }
  });

  it('refuses to open for someone outside the audience', async () => {
    const v = await created(as.director, input());
    const socket = await socketAs(who.t.login);
    const live = watch(socket, v.id);
    try {
      expect(await waitFor(() => live.errors.length > 0)).toBe(true);
      expect(JSON.stringify(live.errors)).toContain('NOT_FOUND');
      expect(live.totals).toEqual([]);
    } finally {
      live.dispose();
      await socket.dispose();
    }
  });
});
