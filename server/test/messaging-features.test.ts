import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { createTestApp, codeOf, type GqlClient, type TestApp } from './helpers.js';
import { factory, type MadeClass, type MadePerson } from './factory.js';
import { Role } from '../src/auth/role.js';
import { ATTACHMENT_MAX_BYTES } from '../src/modules/messaging/attachments.js';

/**
 * Messaging's attachments, class channels, search, reports and closing, quiet hours and limits.
 * The clock is pinned to Friday 27 November 2026, 10:00 in Moscow.
 */
const NOW = '2026-11-27T07:00:00Z';
let t: TestApp;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
const cls: Record<string, MadeClass> = {};
let schoolId: string;

const START = `mutation($i:StartConversationInput!){startConversation(input:$i){id
  lastMessage{id attachments{id name contentType size}}}}`;
const SEND = `mutation($c:ID!,$t:String!,$a:[ID!]){sendMessage(conversationId:$c,text:$t,attachmentIds:$a){
  id text attachments{id name contentType}}}`;
const INBOX = `{conversations(first:50){unreadTotal items{id channel title unread announcementOnly
  members{personId availableFrom}}}}`;
const THREAD = `query($id:ID!){conversation(id:$id){id closed isMember channel
  members{personId availableFrom} messages{messages{id text}}}}`;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);

async function upload(
  who: string | null,
  body: Buffer | ReadableStream,
  o: { name?: string; type?: string; origin?: string } = {},
) {
  const headers: Record<string, string> = {
    'content-type': o.type ?? 'application/octet-stream',
    origin: o.origin ?? t.origin,
    'x-file-name': encodeURIComponent(o.name ?? 'фото класса.png'),
  };
  if (who) headers.cookie = c[who].cookie;
  const res = await fetch(`${t.origin}/files`, {
    method: 'POST',
    headers,
    body,
    duplex: 'half',
  } as RequestInit);
  const json = (await res.json()) as {
    id?: string;
    contentType?: string;
    errors?: { extensions: Record<string, unknown> }[];
  };
  return { status: res.status, json, ext: json.errors?.[0]?.extensions };
}

const download = (who: string | null, id: string) =>
  fetch(`${t.origin}/files/${id}`, { headers: who ? { cookie: c[who].cookie } : {} });

async function channelOf(who: string, channel: 'CLASS' | 'STAFF', title?: string) {
  const r = await c[who].request<{
    conversations: { items: { id: string; channel: string; title: string | null }[] };
  }>(INBOX);
  return r.data!.conversations.items.find(
    (i) => i.channel === channel && (title === undefined || i.title === title),
  );
}

async function direct(from: string, to: string, text = 'Здравствуйте') {
  const r = await c[from].request<{ startConversation: { id: string } }>(START, {
    i: { memberIds: [p[to].id], text },
  });
  expect(r.errors).toBeUndefined();
  return r.data!.startConversation.id;
}

const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.sql<{ n: string }>(`select count(*)::text as n from ${sql}`, params))[0].n);

beforeAll(async () => {
  t = await createTestApp({ demo: false, env: { TODAY: '', NOW } });
  const f = factory(t);
  const school = await f.newSchool({ name: 'Школа А' });
  schoolId = school.id;
  p.classTeacher = await f.newTeacher();
  p.classTeacherB = await f.newTeacher();
  p.maths = await f.newTeacher();
  p.director = await f.newStaff({ roles: [Role.DIRECTOR] });
  cls.a = await f.newClass({ grade: 7, classTeacher: p.classTeacher });
  cls.b = await f.newClass({ grade: 7, classTeacher: p.classTeacherB });
  await f.newCourse({ classGroup: cls.a, subject: 'Алгебра', teacher: p.maths });
  p.pupil = await f.newPupil({ classGroup: cls.a });
  p.pupilB = await f.newPupil({ classGroup: cls.b });
  p.parent = await f.newParent({ children: [p.pupil] });
  p.parentB = await f.newParent({ children: [p.pupilB] });
  p.otherParent = await f.newParent({ children: [await f.newPupil({ classGroup: cls.a })] });
  await f.newSchool({ name: 'Школа Б' });
  p.foreignDirector = await f.newStaff({ roles: [Role.DIRECTOR] });
  for (const [k, v] of Object.entries(p)) c[k] = await v.client();
});

afterAll(async () => {
  await t?.close();
});

describe('attachments', () => {
  it('accepts images and office documents by their content and sends them with a message', async () => {
    const png = await upload('parent', PNG);
    expect(png.status).toBe(201);
    expect(png.json.contentType).toBe('image/png');
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Лист').addRow(['Оценки']);
    const xlsx = await upload('parent', Buffer.from(await book.xlsx.writeBuffer()), {
      name: 'оценки.xlsx',
    });
    expect(xlsx.json.contentType).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const pdf = await upload('parent', Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n'), {
      name: 'справка.pdf',
    });
    expect(pdf.json.contentType).toBe('application/pdf');

    const cid = await direct('parent', 'classTeacher');
    const sent = await c.parent.request<{ sendMessage: { attachments: { id: string }[] } }>(SEND, {
      c: cid,
      t: '',
      a: [png.json.id, xlsx.json.id, pdf.json.id],
    });
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendMessage.attachments.map((a) => a.id)).toEqual([
      png.json.id,
      xlsx.json.id,
      pdf.json.id,
    ]);

    const res = await download('classTeacher', png.json.id!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="____ ______.png"; filename*=UTF-8''${encodeURIComponent('фото класса.png')}`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('refuses a renamed executable, a simple form post, another site and no session', async () => {
    const before = await count('attachment');
    const exe = await upload('parent', readFileSync(process.execPath).subarray(0, 65536), {
      name: 'report.pdf',
    });
    expect(exe.status).toBe(415);
    expect(exe.ext).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_TYPE' });
    const text = await upload('parent', Buffer.from('hello'), { name: 'a.txt' });
    expect(text.ext?.reason).toBe('UNSUPPORTED_TYPE');
    expect((await upload('parent', PNG, { type: 'text/plain' })).status).toBe(403);
    expect((await upload('parent', PNG, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await upload(null, PNG)).status).toBe(401);
    expect(await count('attachment')).toBe(before);
  });

  it('stops reading at the limit and answers 413 with it', async () => {
    const before = await count('attachment');
    const big = await upload('parent', Buffer.alloc(ATTACHMENT_MAX_BYTES + 1, 1));
    expect(big.status).toBe(413);
    expect(big.ext).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: ATTACHMENT_MAX_BYTES });
    // Without a length: chunks until the limit is passed.
    let sent = 0;
    const stream = new ReadableStream({
      pull(ctrl) {
        if (sent > ATTACHMENT_MAX_BYTES * 2) return ctrl.close();
        sent += 1 << 20;
        ctrl.enqueue(new Uint8Array(1 << 20));
      },
    });
    const chunked = await upload('parent', stream).catch(() => ({ status: 413 }));
    expect(chunked.status).toBe(413);
    expect(await count('attachment')).toBe(before);
  });

  it('lets only members of a conversation holding the file read it', async () => {
    const png = await upload('parent', PNG);
    // Before it is sent: its uploader only.
    expect((await download('parent', png.json.id!)).status).toBe(200);
    expect((await download('classTeacher', png.json.id!)).status).toBe(404);
    const cid = await direct('parent', 'maths');
    await c.parent.request(SEND, { c: cid, t: 'Вот', a: [png.json.id] });
    expect((await download('maths', png.json.id!)).status).toBe(200);
    for (const who of ['classTeacher', 'otherParent', 'foreignDirector']) {
      const res = await download(who, png.json.id!);
      expect(res.status).toBe(404);
      expect(
        ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions
          .code,
      ).toBe('NOT_FOUND');
    }
    // The administration reads it as it reads the conversation: written in the access log.
    const logged = (after: number) =>
      t.sql<{ id: number; subject_id: number }>(
        `select id::int, subject_id from personal_data_access
          where reader_id = ? and fields = '{messages}' and id > ? order by subject_id`,
        [p.director.id, after],
      );
    const [{ last }] = await t.sql<{ last: number }>(
      `select coalesce(max(id), 0)::int as last from personal_data_access`,
    );
    expect((await download('director', png.json.id!)).status).toBe(200);
    expect((await logged(last)).map((r) => String(r.subject_id))).toEqual(
      [p.parent.id, p.maths.id].sort((a, b) => Number(a) - Number(b)),
    );
    expect((await download(null, png.json.id!)).status).toBe(401);
    expect((await download('maths', '99999999')).status).toBe(404);
  });

  it('stores a message with its attachments whole or not at all', async () => {
    const cid = await direct('parent', 'classTeacher');
    const mine = await upload('parent', PNG);
    const theirs = await upload('otherParent', PNG);
    const before = await count('message');
    const r = await c.parent.request(SEND, {
      c: cid,
      t: 'Два файла',
      a: [mine.json.id, theirs.json.id],
    });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'attachmentIds',
      reason: 'ATTACHMENT_NOT_AVAILABLE',
    });
    expect(await count('message')).toBe(before);
    expect(await count('attachment where id = ? and attached_at is null', [mine.json.id])).toBe(1);
    // Used once, then not again.
    expect(
      (await c.parent.request(SEND, { c: cid, t: 'Один', a: [mine.json.id] })).errors,
    ).toBeUndefined();
    const again = await c.parent.request(SEND, { c: cid, t: 'Снова', a: [mine.json.id] });
    expect(again.errors?.[0].extensions?.field).toBe('attachmentIds');
    expect(await count('message')).toBe(before + 1);
  });

  it('removes uploads left unattached for a day', async () => {
    const old = await upload('parent', PNG);
    await t.sql(`update attachment set created_at = now() - interval '25 hours' where id = ?`, [
      old.json.id,
    ]);
    await upload('parent', PNG);
    expect(await count('attachment where id = ?', [old.json.id])).toBe(0);
  });
});

describe('limits', () => {
  it('refuses too many uploads in ten minutes, too many waiting, too many per message', async () => {
    await t.sql(
      `insert into attachment (school_id, owner_id, name, content_type, size, data, attached_at)
       select ?, ?, 'x', 'image/png', 1, '\\x00', now() from generate_series(1, 60)`,
      [schoolId, p.parentB.id],
    );
    const rate = await upload('parentB', PNG);
    expect(rate.status).toBe(429);
    expect(rate.ext).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(rate.ext?.retryAfterSeconds)).toBeGreaterThan(0);
    await t.sql(`delete from attachment where owner_id = ?`, [p.parentB.id]);
    await t.sql(
      `insert into attachment (school_id, owner_id, name, content_type, size, data, created_at)
       select ?, ?, 'x', 'image/png', 1, '\\x00', now() - interval '1 hour' from generate_series(1, 20)`,
      [schoolId, p.parentB.id],
    );
    const pending = await upload('parentB', PNG);
    expect(pending.ext).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'TOO_MANY',
      field: 'file',
    });
    const cid = await direct('parentB', 'classTeacherB');
    const many = await c.parentB.request(SEND, {
      c: cid,
      t: 'x',
      a: Array.from({ length: 11 }, (_, i) => String(i + 1)),
    });
    expect(many.errors?.[0].extensions).toMatchObject({
      field: 'attachmentIds',
      reason: 'TOO_MANY',
    });
  });
});

describe('class channels', () => {
  it('has the parents and the class teacher of each class, and a staff room of the staff', async () => {
    const a = await channelOf('classTeacher', 'CLASS', cls.a.name);
    expect(a).toBeDefined();
    expect(await channelOf('parent', 'CLASS', cls.a.name)).toMatchObject({ id: a!.id });
    expect(await channelOf('otherParent', 'CLASS', cls.a.name)).toMatchObject({ id: a!.id });
    expect(await channelOf('parentB', 'CLASS', cls.a.name)).toBeUndefined();
    expect(await channelOf('maths', 'CLASS', cls.a.name)).toBeUndefined();
    expect(await channelOf('pupil', 'CLASS')).toBeUndefined();
    const staff = await channelOf('maths', 'STAFF');
    expect(staff).toBeDefined();
    expect(await channelOf('director', 'STAFF')).toMatchObject({ id: staff!.id });
    expect(await channelOf('parent', 'STAFF')).toBeUndefined();
    expect(await channelOf('foreignDirector', 'STAFF')).not.toMatchObject({ id: staff!.id });
    const r = await c.parentB.request(THREAD, { id: a!.id });
    expect(codeOf(r)).toBe('NOT_FOUND');
  });

  it('moves the parents with a pupil who changes class, and lets an unlinked parent go', async () => {
    const a = (await channelOf('classTeacher', 'CLASS', cls.a.name))!;
    const b = (await channelOf('classTeacherB', 'CLASS', cls.b.name))!;
    const sent = await c.parent.request(SEND, { c: a.id, t: 'Родительское собрание во вторник?' });
    expect(sent.errors).toBeUndefined();
    await t.sql(
      `update enrollment set ends_on = '2026-11-26', leave_reason = 'LEFT_SCHOOL' where pupil_id = ?`,
      [p.pupil.id],
    );
    await t.sql(
      `insert into enrollment (school_id, pupil_id, class_group_id, starts_on) values (?, ?, ?, '2026-11-27')`,
      [schoolId, p.pupil.id, cls.b.id],
    );
    expect(await channelOf('parent', 'CLASS', cls.a.name)).toBeUndefined();
    expect(await channelOf('parent', 'CLASS', cls.b.name)).toMatchObject({ id: b.id });
    expect(codeOf(await c.parent.request(SEND, { c: a.id, t: 'Ещё' }))).toBe('NOT_FOUND');
    await t.sql(`delete from guardianship where guardian_id = ?`, [p.parentB.id]);
    expect(await channelOf('parentB', 'CLASS')).toBeUndefined();
    expect(codeOf(await c.parentB.request(SEND, { c: b.id, t: 'Я тут?' }))).toBe('NOT_FOUND');
  });

  it('becomes announcement-only by its class teacher: members read, staff write', async () => {
    const a = (await channelOf('classTeacher', 'CLASS', cls.a.name))!;
    const SET = `mutation($c:ID!,$on:Boolean!){setChannelAnnouncementOnly(conversationId:$c,announcementOnly:$on){announcementOnly}}`;
    expect(codeOf(await c.classTeacherB.request(SET, { c: a.id, on: true }))).toBe('NOT_FOUND');
    expect(codeOf(await c.otherParent.request(SET, { c: a.id, on: true }))).toBe('FORBIDDEN');
    const staff = (await channelOf('maths', 'STAFF'))!;
    const notClass = await c.director.request(SET, { c: staff.id, on: true });
    expect(notClass.errors?.[0].extensions).toMatchObject({ reason: 'INVALID_KIND' });
    const on = await c.classTeacher.request(SET, { c: a.id, on: true });
    expect(on.data).toEqual({ setChannelAnnouncementOnly: { announcementOnly: true } });
    const refused = await c.otherParent.request(SEND, { c: a.id, t: 'Можно вопрос?' });
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ANNOUNCEMENT_ONLY',
    });
    expect(
      (await c.classTeacher.request(SEND, { c: a.id, t: 'Собрание в 18:00' })).errors,
    ).toBeUndefined();
    await c.classTeacher.request(SET, { c: a.id, on: false });
    expect((await c.otherParent.request(SEND, { c: a.id, t: 'Спасибо' })).errors).toBeUndefined();
  });
});

describe('search', () => {
  const SEARCH = 'query($q:String!){searchMessages(query:$q){id text conversationId}}';
  it('finds words in any form, in own conversations only', async () => {
    const mine = await direct('maths', 'otherParent', 'Завтра контрольная работа по алгебре');
    await direct('maths', 'director', 'Контрольные работы проверены');
    const r = await c.otherParent.request<{
      searchMessages: { text: string; conversationId: string }[];
    }>(SEARCH, { q: 'контрольной' });
    expect(r.data!.searchMessages.map((m) => m.conversationId)).toEqual([mine]);
    const teacher = await c.maths.request<{ searchMessages: unknown[] }>(SEARCH, {
      q: 'контрольные',
    });
    expect(teacher.data!.searchMessages).toHaveLength(2);
    expect(
      (await c.foreignDirector.request<{ searchMessages: unknown[] }>(SEARCH, { q: 'контрольная' }))
        .data!.searchMessages,
    ).toEqual([]);
    expect((await c.otherParent.request(SEARCH, { q: '  ' })).errors?.[0].extensions).toMatchObject(
      {
        field: 'query',
        reason: 'REQUIRED',
      },
    );
  });
});

describe('reports and closing', () => {
  const REPORT =
    'mutation($m:ID!,$r:String!){reportMessage(messageId:$m,reason:$r){id reason reporterId message{id}}}';
  const REPORTS = '{messageReports{id reason message{id conversationId} conversationClosed}}';
  const CLOSE = 'mutation($c:ID!){closeConversation(conversationId:$c){closed}}';

  it('lets a member report, the administration see, read (logged) and close', async () => {
    const cid = await direct('maths', 'otherParent', 'Грубое сообщение');
    const thread = await c.otherParent.request<{
      conversation: { messages: { messages: { id: string }[] } };
    }>(THREAD, { id: cid });
    const mid = thread.data!.conversation.messages.messages[0].id;
    expect(codeOf(await c.parentB.request(REPORT, { m: mid, r: 'Грубость' }))).toBe('NOT_FOUND');
    const r = await c.otherParent.request(REPORT, { m: mid, r: 'Грубость' });
    expect(r.errors).toBeUndefined();
    const twice = await c.otherParent.request(REPORT, { m: mid, r: 'Ещё' });
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE' });
    for (const who of ['maths', 'otherParent', 'classTeacher']) {
      expect(codeOf(await c[who].request(REPORTS))).toBe('FORBIDDEN');
      expect(codeOf(await c[who].request(CLOSE, { c: cid }))).toBe('FORBIDDEN');
    }
    expect(codeOf(await c.foreignDirector.request(CLOSE, { c: cid }))).toBe('NOT_FOUND');
    expect(codeOf(await c.foreignDirector.request(THREAD, { id: cid }))).toBe('NOT_FOUND');
    const list = await c.director.request<{ messageReports: { message: { id: string } }[] }>(
      REPORTS,
    );
    expect(list.data!.messageReports.map((x) => x.message.id)).toContain(mid);

    const logged = () =>
      count(`personal_data_access where reader_id = ? and 'messages' = any(fields)`, [
        p.director.id,
      ]);
    const before = await logged();
    const read = await c.director.request<{ conversation: { isMember: boolean } }>(THREAD, {
      id: cid,
    });
    expect(read.data!.conversation.isMember).toBe(false);
    expect(await logged()).toBe(before + 2);

    expect((await c.director.request(CLOSE, { c: cid })).data).toEqual({
      closeConversation: { closed: true },
    });
    const after = await c.otherParent.request(SEND, { c: cid, t: 'Ответ' });
    expect(after.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'CONVERSATION_CLOSED',
    });
  });
});

describe('quiet hours', () => {
  const SET = `mutation($h:WorkingHoursInput){setWorkingHours(hours:$h){days from to}}`;
  it('holds a message back from staff outside their hours until they start', async () => {
    // Monday to Thursday, 08:00–16:00: Friday is outside them.
    const set = await c.classTeacherB.request(SET, {
      h: { days: [4, 1, 2, 3], from: '08:00', to: '16:00' },
    });
    expect(set.data).toEqual({
      setWorkingHours: { days: [1, 2, 3, 4], from: '08:00', to: '16:00' },
    });
    expect(
      codeOf(await c.parent.request(SET, { h: { days: [1], from: '08:00', to: '16:00' } })),
    ).toBe('FORBIDDEN');
    const bad = await c.classTeacherB.request(SET, {
      h: { days: [1], from: '16:00', to: '08:00' },
    });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });

    const unreadOf = async (who: string) =>
      (await c[who].request<{ conversations: { unreadTotal: number } }>(INBOX)).data!.conversations
        .unreadTotal;
    const before = await unreadOf('classTeacherB');
    const cid = await direct('parent', 'classTeacherB', 'Можно перенести пересдачу?');
    expect(await unreadOf('classTeacherB')).toBe(before);
    // The sender sees when to expect an answer: Monday 08:00 in Moscow.
    const seen = await c.parent.request<{
      conversation: { members: { personId: string; availableFrom: string | null }[] };
    }>(THREAD, { id: cid });
    const teacher = seen.data!.conversation.members.find((m) => m.personId === p.classTeacherB.id);
    expect(teacher?.availableFrom).toBe('2026-11-30T05:00:00.000Z');
    // The message is there if the teacher opens the conversation.
    const opened = await c.classTeacherB.request<{
      conversation: { messages: { messages: unknown[] } };
    }>(THREAD, { id: cid });
    expect(opened.data!.conversation.messages.messages).toHaveLength(1);

    const events = await t.sql<{ n: string }>(
      `select count(*)::text as n from domain_event where type = 'MESSAGE_SENT' and ? = any(person_ids)`,
      [p.classTeacherB.id],
    );
    expect(
      await t.app.services.messaging.releaseDue(t.orm.em.fork(), new Date('2026-11-30T04:59:00Z')),
    ).toBe(0);
    expect(
      await t.app.services.messaging.releaseDue(t.orm.em.fork(), new Date('2026-11-30T05:00:00Z')),
    ).toBe(1);
    expect(await unreadOf('classTeacherB')).toBe(before + 1);
    const later = await t.sql<{ n: string }>(
      `select count(*)::text as n from domain_event where type = 'MESSAGE_SENT' and ? = any(person_ids)`,
      [p.classTeacherB.id],
    );
    expect(Number(later[0].n)).toBe(Number(events[0].n) + 1);
    // Within the hours (or with none set) nothing is held.
    expect((await c.classTeacherB.request(SET, { h: null })).data).toEqual({
      setWorkingHours: null,
    });
    await c.parent.request(SEND, { c: cid, t: 'Спасибо' });
    expect(await unreadOf('classTeacherB')).toBe(before + 2);
  });
});
