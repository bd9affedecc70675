import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, codeOf, waitFor, type GqlClient, type TestApp } from './helpers.js';
import { factory, type MadeClass, type MadePerson } from './factory.js';
import { Role } from '../src/auth/role.js';
import { personalFeed } from './live-person.js';

let t: TestApp;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
let c7: MadeClass;
let c8: MadeClass;

const POST = `mutation($i:PostAnnouncementInput!){createAnnouncement(input:$i){id title recipients
  ackRequired repliesAllowed mine}}`;
const LIST = `query($f:Int,$a:ID){announcements(first:$f,after:$a){unread nextCursor
  items{id title mine readAt acknowledgedAt readCount ackCount}}}`;
const ONE = `query($id:ID!){announcement(id:$id){id readCount ackCount
  readers{personId readAt acknowledgedAt}}}`;
const ACK = 'mutation($id:ID!){acknowledgeAnnouncement(id:$id){id acknowledgedAt readAt}}';
const READ = 'mutation($id:ID!){markAnnouncementRead(id:$id){id readAt}}';
const REMIND = 'mutation($id:ID!){remindAnnouncement(id:$id){id remindedAt}}';
const REPLY = 'mutation($id:ID!,$t:String!){replyToAnnouncement(id:$id,text:$t){conversationId}}';
const TARGETS = '{announcementTargets{audience classGroupId grade className}}';

const post = (who: string, i: Record<string, unknown>) =>
  c[who].request<{ createAnnouncement: { id: string; recipients: number } }>(POST, {
    i: { title: 'Собрание', body: 'В пятницу в 18:00', ...i },
  });
const count = async (table: string) =>
  Number((await t.sql<{ n: string }>(`select count(*)::text as n from ${table}`))[0].n);

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const f = factory(t);
  await f.newSchool({ name: 'Школа А' });
  p.classTeacher = await f.newTeacher();
  p.maths = await f.newTeacher();
  p.otherTeacher = await f.newTeacher();
  p.director = await f.newStaff({ roles: [Role.DIRECTOR] });
  p.deputy = await f.newStaff({ roles: [Role.DEPUTY] });
  c7 = await f.newClass({ grade: 7, classTeacher: p.classTeacher });
  c8 = await f.newClass({ grade: 8, classTeacher: p.otherTeacher });
  await f.newCourse({ classGroup: c7, subject: 'Алгебра', teacher: p.maths });
  p.pupil = await f.newPupil({ classGroup: c7 });
  p.classmate = await f.newPupil({ classGroup: c7 });
  p.older = await f.newPupil({ classGroup: c8 });
  p.parent = await f.newParent({ children: [p.pupil] });
  p.otherParent = await f.newParent({ children: [p.classmate] });
  p.parent8 = await f.newParent({ children: [p.older] });
  await f.newSchool({ name: 'Школа Б' });
  p.foreignDirector = await f.newStaff({ roles: [Role.DIRECTOR] });
  for (const [k, v] of Object.entries(p)) c[k] = await v.client();
});

afterAll(async () => {
  await t?.close();
});

describe('who may post to whom', () => {
  it('offers a teacher the classes they teach or lead, the administration the school', async () => {
    const targets = async (who: string) =>
      (
        (
          await c[who].request<{ announcementTargets: { audience: string; className: string }[] }>(
            TARGETS,
          )
        ).data?.announcementTargets ?? []
      ).map((x) => `${x.audience}:${x.className ?? ''}`);
    expect(await targets('maths')).toEqual(['CLASS_PARENTS:7А', 'CLASS_PUPILS:7А']);
    expect(await targets('classTeacher')).toEqual(['CLASS_PARENTS:7А', 'CLASS_PUPILS:7А']);
    expect(await targets('director')).toEqual([
      'ALL_PARENTS:',
      'ALL_STAFF:',
      'GRADE_PARENTS:',
      'GRADE_PARENTS:',
      'CLASS_PARENTS:7А',
      'CLASS_PUPILS:7А',
      'CLASS_PARENTS:8А',
      'CLASS_PUPILS:8А',
    ]);
    for (const who of ['parent', 'pupil']) {
      expect(codeOf(await c[who].request(TARGETS)), who).toBe('FORBIDDEN');
    }
  });

  it('resolves the audience from today’s facts and records it', async () => {
    expect(
      (await post('maths', { audience: 'CLASS_PARENTS', classGroupId: c7.id })).data
        ?.createAnnouncement.recipients,
    ).toBe(2);
    expect(
      (await post('classTeacher', { audience: 'CLASS_PUPILS', classGroupId: c7.id })).data
        ?.createAnnouncement.recipients,
    ).toBe(2);
    expect(
      (await post('director', { audience: 'GRADE_PARENTS', grade: 8 })).data?.createAnnouncement
        .recipients,
    ).toBe(1);
    expect(
      (await post('deputy', { audience: 'ALL_PARENTS' })).data?.createAnnouncement.recipients,
    ).toBe(3);
    // Staff: the other five, not the author.
    expect(
      (await post('director', { audience: 'ALL_STAFF' })).data?.createAnnouncement.recipients,
    ).toBe(4);
  });

  it('refuses audiences beyond the viewer’s reach, writing nothing', async () => {
    const before = [await count('announcement'), await count('domain_event')];
    const refused: [string, Record<string, unknown>, string][] = [
      ['maths', { audience: 'CLASS_PARENTS', classGroupId: c8.id }, 'FORBIDDEN'],
      ['otherTeacher', { audience: 'CLASS_PUPILS', classGroupId: c7.id }, 'FORBIDDEN'],
      ['classTeacher', { audience: 'ALL_PARENTS' }, 'FORBIDDEN'],
      ['maths', { audience: 'GRADE_PARENTS', grade: 7 }, 'FORBIDDEN'],
      ['maths', { audience: 'ALL_STAFF' }, 'FORBIDDEN'],
      ['parent', { audience: 'CLASS_PARENTS', classGroupId: c7.id }, 'FORBIDDEN'],
      ['pupil', { audience: 'CLASS_PUPILS', classGroupId: c7.id }, 'FORBIDDEN'],
      ['foreignDirector', { audience: 'CLASS_PARENTS', classGroupId: c7.id }, 'FORBIDDEN'],
      ['maths', { audience: 'CLASS_PARENTS' }, 'BAD_USER_INPUT'],
      ['maths', { audience: 'CLASS_PARENTS', classGroupId: c7.id, title: ' ' }, 'BAD_USER_INPUT'],
      [
        'maths',
        { audience: 'CLASS_PARENTS', classGroupId: c7.id, body: 'x'.repeat(4001) },
        'BAD_USER_INPUT',
      ],
    ];
    for (const [who, i, code] of refused) {
      const r = await post(who, i);
      expect(codeOf(r), `${who} ${JSON.stringify(i).slice(0, 60)}`).toBe(code);
    }
    const r = await post('maths', { audience: 'CLASS_PARENTS', classGroupId: c8.id });
    expect(r.errors?.[0].extensions).toMatchObject({
      field: 'audience',
      reason: 'AUDIENCE_NOT_ALLOWED',
    });
    expect([await count('announcement'), await count('domain_event')]).toEqual(before);
  });
});

describe('reading, acknowledging, reminding', () => {
  let id: string;

  it('reaches the audience live, and nobody else', async () => {
    const before = t.app.services.bus.listeners;
    const parent = personalFeed(t, c.parent);
    const outsider = personalFeed(t, c.parent8);
    expect(await waitFor(() => t.app.services.bus.listeners >= before + 2)).toBe(true);
    const r = await post('classTeacher', {
      audience: 'CLASS_PARENTS',
      classGroupId: c7.id,
      title: 'Экскурсия',
      ackRequired: true,
      repliesAllowed: true,
    });
    id = r.data!.createAnnouncement.id;
    // A control the outsider must receive, sent after the announcement.
    await post('director', { audience: 'GRADE_PARENTS', grade: 8, title: 'Контроль' });
    expect(await waitFor(() => parent.events.length >= 1 && outsider.events.length >= 1)).toBe(
      true,
    );
    expect(parent.events.map((e) => [e.type, JSON.parse(e.payload).announcementId])).toEqual([
      ['ANNOUNCEMENT_POSTED', id],
    ]);
    expect(outsider.events.map((e) => JSON.parse(e.payload).announcementId)).not.toContain(id);
    await parent.close();
    await outsider.close();
  });

  it('lists it for its recipients and author, paged, and hides it from others', async () => {
    const mine = await c.parent.request<{
      announcements: { unread: number; items: { id: string }[] };
    }>(LIST, {});
    expect(mine.data!.announcements.items.map((x) => x.id)).toContain(id);
    expect(mine.data!.announcements.unread).toBeGreaterThan(0);
    const page1 = await c.parent.request<{
      announcements: { nextCursor: string; items: { id: string }[] };
    }>(LIST, { f: 1 });
    const page2 = await c.parent.request<{ announcements: { items: { id: string }[] } }>(LIST, {
      f: 1,
      a: page1.data!.announcements.nextCursor,
    });
    expect(page2.data!.announcements.items[0].id).not.toBe(page1.data!.announcements.items[0].id);
    for (const who of ['parent8', 'maths', 'pupil', 'foreignDirector']) {
      expect(codeOf(await c[who].request(ONE, { id })), who).toBe('NOT_FOUND');
    }
  });

  it('acknowledges only for those it was addressed to', async () => {
    for (const who of ['parent8', 'pupil', 'maths', 'foreignDirector']) {
      const r = await c[who].request(ACK, { id });
      expect(codeOf(r), who).toBe('NOT_FOUND');
    }
    const r = await c.parent.request<{
      acknowledgeAnnouncement: { acknowledgedAt: string; readAt: string };
    }>(ACK, { id });
    expect(r.data!.acknowledgeAnnouncement.acknowledgedAt).not.toBeNull();
    expect(r.data!.acknowledgeAnnouncement.readAt).not.toBeNull();
  });

  it('shows the author who has read and acknowledged and who has not', async () => {
    await c.otherParent.request(READ, { id });
    const r = await c.classTeacher.request<{
      announcement: {
        readCount: number;
        ackCount: number;
        readers: { personId: string; readAt: string | null; acknowledgedAt: string | null }[];
      };
    }>(ONE, { id });
    const a = r.data!.announcement;
    expect([a.readCount, a.ackCount]).toEqual([2, 1]);
    const byId = Object.fromEntries(a.readers.map((x) => [x.personId, x]));
    expect(byId[p.parent.id].acknowledgedAt).not.toBeNull();
    expect(byId[p.otherParent.id]).toMatchObject({ acknowledgedAt: null });
    expect(byId[p.otherParent.id].readAt).not.toBeNull();
    // A recipient does not see the list.
    const seen = await c.parent.request<{ announcement: { readers: unknown } }>(ONE, { id });
    expect(seen.data!.announcement.readers).toBeNull();
  });

  it('reminds those who have not acknowledged, once an hour, by the author only', async () => {
    const before = t.app.services.bus.listeners;
    const parent = personalFeed(t, c.parent);
    const other = personalFeed(t, c.otherParent);
    expect(await waitFor(() => t.app.services.bus.listeners >= before + 2)).toBe(true);
    expect(codeOf(await c.maths.request(REMIND, { id }))).toBe('NOT_FOUND');
    const r = await c.classTeacher.request(REMIND, { id });
    expect(r.errors).toBeUndefined();
    expect(await waitFor(() => other.events.length >= 1)).toBe(true);
    expect(other.events[0].type).toBe('ANNOUNCEMENT_REMINDER');
    const again = await c.classTeacher.request(REMIND, { id });
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'REMINDED_RECENTLY',
    });
    expect(parent.events.filter((e) => e.type === 'ANNOUNCEMENT_REMINDER')).toEqual([]);
    await parent.close();
    await other.close();
  });

  it('takes a reply to the author alone, as a direct conversation, when replies are on', async () => {
    const r = await c.parent.request<{ replyToAnnouncement: { conversationId: string } }>(REPLY, {
      id,
      t: 'Спасибо!',
    });
    expect(r.errors).toBeUndefined();
    const members = await t.sql<{ person_id: number }>(
      `select person_id from conversation_member where conversation_id = ? order by person_id`,
      [r.data!.replyToAnnouncement.conversationId],
    );
    expect(members.map((m) => String(m.person_id)).sort()).toEqual(
      [p.classTeacher.id, p.parent.id].sort(),
    );
    const off = (await post('classTeacher', { audience: 'CLASS_PARENTS', classGroupId: c7.id }))
      .data!.createAnnouncement.id;
    const refused = await c.parent.request(REPLY, { id: off, t: 'Вопрос' });
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'REPLIES_OFF',
    });
    expect(codeOf(await c.parent8.request(REPLY, { id, t: 'Чужое' }))).toBe('NOT_FOUND');
    const noAck = await c.parent.request(ACK, { id: off });
    expect(noAck.errors?.[0].extensions).toMatchObject({ reason: 'ACK_NOT_REQUESTED' });
  });
});
