import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { factory, type MadeLesson, type MadePerson } from './factory.js';

let t: TestApp;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
const l: Record<string, MadeLesson> = {};
let workType: string;

const SET = `mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id version} removedIds}}`;
const LIST = `query{notificationList(first:20){unread items{id kind unread pupilId subject date value
  count refId}}}`;
const READ = `mutation($u:String!){markNotificationsRead(upTo:$u){unread items{unread}}}`;

interface Item {
  id: string;
  kind: string;
  unread: boolean;
  pupilId: string | null;
  subject: string | null;
  date: string | null;
  value: string | null;
  count: number;
  refId: string | null;
}
const list = async (who: string) =>
  (await c[who].request<{ notificationList: { unread: number; items: Item[] } }>(LIST)).data!
    .notificationList;
async function mark(lesson: MadeLesson, pupil: MadePerson, value: string) {
  const r = await c.maths.request<{ setMarks: { saved: { id: string; version: number }[] } }>(SET, {
    c: [{ lessonId: lesson.id, pupilId: pupil.id, value, workTypeId: workType }],
  });
  if (r.errors) throw new Error(r.errors[0].message);
  return r.data!.setMarks.saved[0];
}
const change = (m: { id: string; version: number }, value: string | null) =>
  c.maths.request<{ setMarks: { saved: { id: string; version: number }[] } }>(SET, {
    c: [
      value === null
        ? { id: m.id, version: m.version, remove: true }
        : { id: m.id, version: m.version, value },
    ],
  });

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const f = factory(t);
  const school = await f.newSchool({ name: 'Школа А' });
  workType = school.workTypes['Ответ на уроке'];
  p.classTeacher = await f.newTeacher();
  p.maths = await f.newTeacher();
  const c7 = await f.newClass({ grade: 7, classTeacher: p.classTeacher });
  const algebra = await f.newCourse({ classGroup: c7, subject: 'Алгебра', teacher: p.maths });
  p.pupil = await f.newPupil({ classGroup: c7 });
  p.classmate = await f.newPupil({ classGroup: c7 });
  p.parent = await f.newParent({ children: [p.pupil] });
  p.otherParent = await f.newParent({ children: [p.classmate] });
  for (const d of ['2026-11-20', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']) {
    l[d] = await f.newLesson({ course: algebra, date: d });
  }
  for (const [k, v] of Object.entries(p)) c[k] = await v.client();
});

afterAll(async () => {
  await t?.close();
});

describe('notifications that wait', () => {
  it('keeps the marks given while the parent was away, a quick correction as one change', async () => {
    const first = await mark(l['2026-11-26'], p.pupil, '4');
    expect((await change(first, '5')).errors).toBeUndefined();
    await mark(l['2026-11-25'], p.pupil, '3');
    await mark(l['2026-11-25'], p.classmate, '2');
    const gone = await mark(l['2026-11-24'], p.pupil, '2');
    expect((await change(gone, null)).errors).toBeUndefined();

    const mine = await list('parent');
    expect(mine.items.map((i) => [i.kind, i.date, i.value, i.count, i.subject])).toEqual([
      ['MARK_CHANGED', '2026-11-24', null, 2, 'Алгебра'],
      ['MARK_NEW', '2026-11-25', '3', 1, 'Алгебра'],
      ['MARK_CHANGED', '2026-11-26', '5', 2, 'Алгебра'],
    ]);
    expect(mine.unread).toBe(3);
    expect(mine.items.every((i) => i.pupilId === p.pupil.id && i.unread)).toBe(true);
    // The pupil sees their own; another family only theirs; the teacher not their own writes.
    expect((await list('pupil')).items).toHaveLength(3);
    expect((await list('otherParent')).items.map((i) => [i.kind, i.pupilId])).toEqual([
      ['MARK_NEW', p.classmate.id],
    ]);
    expect((await list('maths')).items).toEqual([]);
  });

  it('keeps changes further apart than the window as two entries', async () => {
    const m = await mark(l['2026-11-23'], p.pupil, '4');
    await t.sql(
      `update domain_event set created_at = created_at - interval '10 minutes'
        where type = 'MARK_SAVED' and payload->>'id' = ?`,
      [m.id],
    );
    await change(m, '5');
    const kinds = (await list('parent')).items
      .filter((i) => i.date === '2026-11-23')
      .map((i) => [i.kind, i.value]);
    expect(kinds).toEqual([
      ['MARK_CHANGED', '5'],
      ['MARK_NEW', '4'],
    ]);
  });

  it('keeps two marks given in one lesson as two entries, not one change', async () => {
    await mark(l['2026-11-20'], p.pupil, '5');
    await mark(l['2026-11-20'], p.pupil, '4');
    const entries = (await list('parent')).items
      .filter((i) => i.date === '2026-11-20')
      .map((i) => [i.kind, i.value]);
    expect(entries).toEqual([
      ['MARK_NEW', '4'],
      ['MARK_NEW', '5'],
    ]);
  });

  it('lists announcements for their audience, not their author, and reads up to a cursor', async () => {
    const r = await c.classTeacher.request<{ createAnnouncement: { id: string } }>(
      `mutation($i:PostAnnouncementInput!){createAnnouncement(input:$i){id}}`,
      {
        i: { audience: 'CLASS_PARENTS', classGroupId: null, title: 'Собрание', body: 'В пятницу' },
      },
    );
    // classGroupId is required for a class audience: the refusal names the field.
    expect(r.errors?.[0].extensions).toMatchObject({ field: 'classGroupId' });
    const [cls] = await t.sql<{ id: number }>(`select id from class_group limit 1`);
    const ok = await c.classTeacher.request<{ createAnnouncement: { id: string } }>(
      `mutation($i:PostAnnouncementInput!){createAnnouncement(input:$i){id}}`,
      {
        i: {
          audience: 'CLASS_PARENTS',
          classGroupId: String(cls.id),
          title: 'Собрание',
          body: 'В пятницу',
        },
      },
    );
    const id = ok.data!.createAnnouncement.id;
    const mine = await list('parent');
    expect(mine.items[0]).toMatchObject({ kind: 'ANNOUNCEMENT', refId: id, unread: true });
    expect((await list('classTeacher')).items).toEqual([]);

    const read = await c.parent.request<{
      markNotificationsRead: { unread: number; items: { unread: boolean }[] };
    }>(READ, { u: mine.items[0].id });
    expect(read.data!.markNotificationsRead.unread).toBe(0);
    expect(read.data!.markNotificationsRead.items.some((i) => i.unread)).toBe(false);
    // Never backwards.
    await c.parent.request(READ, { u: '1' });
    expect((await list('parent')).unread).toBe(0);
    // Another person's cursor is their own.
    expect((await list('otherParent')).unread).toBeGreaterThan(0);
  });
  it('pages back by cursor: every entry once, in order, the unread count of the whole list', async () => {
    const PAGE = `query($a:String){notificationList(first:1,after:$a){unread nextCursor items{id unread}}}`;
    type Page = { unread: number; nextCursor: string | null; items: { id: string }[] };
    const whole = await list('otherParent');
    expect(whole.items.length).toBeGreaterThan(1);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const r: { data?: { notificationList: Page } | null } = await c.otherParent.request<{
        notificationList: Page;
      }>(PAGE, { a: after });
      expect(r.data!.notificationList.unread).toBe(whole.unread);
      seen.push(...r.data!.notificationList.items.map((x) => x.id));
      after = r.data!.notificationList.nextCursor;
      if (!after) break;
    }
    expect(seen).toEqual(whole.items.map((x) => x.id));
    const bad = await c.otherParent.request(PAGE, { a: 'abc' });
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_CURSOR',
      field: 'after',
    });
  });
});
