import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { createTestApp, codeOf, waitFor, type GqlClient, type TestApp } from './helpers.js';
import { factory, type MadePerson } from './factory.js';
import { Role } from '../src/auth/role.js';

let t: TestApp;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};

const START = `mutation($i:StartConversationInput!){startConversation(input:$i){id kind unread
  members{personId lastReadMessageId} lastMessage{id text}}}`;
const SEND = 'mutation($c:ID!,$t:String!){sendMessage(conversationId:$c,text:$t){id text}}';
const EDIT = 'mutation($id:ID!,$t:String!){editMessage(id:$id,text:$t){id text editedAt}}';
const DELETE = 'mutation($id:ID!){deleteMessage(id:$id){id text deletedAt}}';
const READ =
  'mutation($c:ID!,$m:ID!){markConversationRead(conversationId:$c,messageId:$m){lastReadMessageId unread}}';
const INBOX = `query($f:Int,$a:ID){conversations(first:$f,after:$a){unreadTotal nextCursor
  items{id kind unread members{personId lastReadMessageId} lastMessage{id text}}}}`;
const THREAD = `query($id:ID!,$l:Int,$b:ID){conversation(id:$id){id kind
  messages(last:$l,before:$b){hasEarlier messages{id text authorId}}}}`;

interface Started {
  id: string;
  kind: string;
  lastMessage: { id: string };
}
async function start(who: string, to: string[], text = 'Здравствуйте', title?: string) {
  return c[who].request<{ startConversation: Started }>(START, {
    i: { memberIds: to.map((x) => p[x].id), text, title },
  });
}
const count = async (table: string) =>
  Number((await t.sql<{ n: string }>(`select count(*)::text as n from ${table}`))[0].n);

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const f = factory(t);
  await f.newSchool({ name: 'Школа А' });
  p.classTeacher = await f.newTeacher();
  p.classTeacher3 = await f.newTeacher();
  p.maths = await f.newTeacher();
  p.otherTeacher = await f.newTeacher();
  p.director = await f.newStaff({ roles: [Role.DIRECTOR] });
  const c7 = await f.newClass({ grade: 7, classTeacher: p.classTeacher });
  const c3 = await f.newClass({ grade: 3, classTeacher: p.classTeacher3 });
  await f.newCourse({ classGroup: c7, subject: 'Алгебра', teacher: p.maths });
  // The class teacher of 7А also teaches 3А.
  await f.newCourse({ classGroup: c3, subject: 'Русский язык', teacher: p.classTeacher });
  p.pupil = await f.newPupil({ classGroup: c7 });
  p.younger = await f.newPupil({ classGroup: c3 });
  p.classmate = await f.newPupil({ classGroup: c7 });
  // A parent of two children in different classes.
  p.parent = await f.newParent({ children: [p.pupil, p.younger] });
  p.otherParent = await f.newParent({ children: [p.classmate] });
  // A parent who is also a teacher: teaches nobody's class, has a child in 3А.
  p.teacherParent = await f.newPerson({ roles: [Role.TEACHER, Role.PARENT] });
  const child = await f.newPupil({ classGroup: c3 });
  await t.sql(
    `insert into guardianship (school_id, guardian_id, pupil_id, kind) values (?, ?, ?, 'mother')`,
    [f.school.id, p.teacherParent.id, child.id],
  );
  await f.newSchool({ name: 'Школа Б' });
  p.foreignDirector = await f.newStaff({ roles: [Role.DIRECTOR] });
  p.foreignTeacher = await f.newTeacher();
  for (const [k, v] of Object.entries(p)) c[k] = await v.client();
});

afterAll(async () => {
  await t?.close();
});

describe('who may start a conversation with whom', () => {
  const allowed: [string, string][] = [
    ['parent', 'maths'], // teaches the older child
    ['parent', 'classTeacher'], // class teacher of one child, teacher of the other
    ['parent', 'classTeacher3'], // class teacher of the child in the other class
    ['parent', 'director'],
    ['pupil', 'maths'],
    ['pupil', 'classTeacher'],
    ['pupil', 'director'],
    ['maths', 'pupil'],
    ['maths', 'parent'],
    ['maths', 'otherTeacher'],
    ['classTeacher', 'younger'], // taught in 3А
    ['classTeacher', 'otherParent'], // a parent of the led class
    ['teacherParent', 'classTeacher3'], // as a parent: own child's class teacher
    ['teacherParent', 'otherTeacher'], // as staff
    ['director', 'classmate'],
    ['director', 'otherParent'],
    ['otherTeacher', 'director'],
  ];
  const refused: [string, string][] = [
    ['parent', 'otherParent'],
    ['parent', 'classmate'], // another family's pupil
    ['parent', 'pupil'], // not even one's own child
    ['parent', 'otherTeacher'], // teaches neither child
    ['pupil', 'parent'],
    ['pupil', 'otherParent'],
    ['pupil', 'classmate'],
    ['pupil', 'otherTeacher'],
    ['otherTeacher', 'pupil'], // teaches nobody there
    ['otherTeacher', 'parent'],
    ['teacherParent', 'otherParent'],
    ['teacherParent', 'pupil'],
    ['classTeacher3', 'classmate'],
    ['director', 'foreignDirector'], // another school
    ['foreignDirector', 'director'],
    ['foreignTeacher', 'maths'],
  ];

  it.each(allowed)('%s may write to %s', async (from, to) => {
    const r = await start(from, [to]);
    expect(r.errors).toBeUndefined();
    expect(r.data?.startConversation.kind).toBe('DIRECT');
  });

  it.each(refused)('%s may not write to %s, and nothing is written', async (from, to) => {
    const before = await count('message');
    const r = await start(from, [to]);
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(r.errors?.[0].extensions).toMatchObject({
      field: 'memberIds',
      reason: 'RECIPIENT_NOT_ALLOWED',
    });
    expect(await count('message')).toBe(before);
  });

  it('refuses a group with one forbidden member whole', async () => {
    const before = await count('conversation');
    const r = await start('parent', ['maths', 'otherParent'], 'Вопрос', 'Родители и учитель');
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(await count('conversation')).toBe(before);
  });

  it('lists the recipients by class and role, and no one unreachable', async () => {
    const q = 'query($s:String,$r:Role){messageRecipients(search:$s,role:$r){id classes}}';
    const all = await c.parent.request<{ messageRecipients: { id: string }[] }>(q, {});
    const ids = all.data!.messageRecipients.map((r) => r.id).sort();
    expect(ids).toEqual(
      [p.classTeacher, p.classTeacher3, p.maths, p.director].map((x) => x.id).sort(),
    );
    const byClass = await c.director.request<{ messageRecipients: { id: string }[] }>(q, {
      s: '7а',
      r: 'STUDENT',
    });
    expect(byClass.data!.messageRecipients.map((r) => r.id).sort()).toEqual(
      [p.pupil.id, p.classmate.id].sort(),
    );
  });

  it('continues the DIRECT conversation two people already have', async () => {
    const a = await start('otherTeacher', ['maths']);
    const b = await start('maths', ['otherTeacher']);
    expect(b.data!.startConversation.id).toBe(a.data!.startConversation.id);
  });
});

describe('messages', () => {
  it('refuses bad input with the field named, writing nothing', async () => {
    const conv = (await start('parent', ['classTeacher3'])).data!.startConversation.id;
    const before = await count('message');
    const cases: [string, Record<string, unknown>, string, string][] = [
      [SEND, { c: conv, t: '   ' }, 'text', 'EMPTY'],
      [SEND, { c: conv, t: 'я'.repeat(4001) }, 'text', 'TOO_LONG'],
      [START, { i: { memberIds: [], text: 'x' } }, 'memberIds', 'EMPTY'],
      [START, { i: { memberIds: [p.maths.id], text: '' } }, 'text', 'EMPTY'],
    ];
    for (const [q, vars, field, reason] of cases) {
      const r = await c.parent.request(q, vars);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0].extensions).toMatchObject({ field, reason });
    }
    const foreign = await c.otherParent.request(SEND, { c: conv, t: 'чужое' });
    expect(codeOf(foreign)).toBe('NOT_FOUND');
    expect(foreign.errors?.[0].extensions?.field).toBe('conversationId');
    const elsewhere = await c.foreignDirector.request(SEND, { c: conv, t: 'чужое' });
    expect(codeOf(elsewhere)).toBe('NOT_FOUND');
    expect(await count('message')).toBe(before);
  });

  it('counts unread by cursor, marks read with one write, shows receipts in DIRECT only', async () => {
    const conv = (await start('pupil', ['maths'], 'Первое')).data!.startConversation.id;
    const m2 = (
      await c.pupil.request<{ sendMessage: { id: string } }>(SEND, { c: conv, t: 'Второе' })
    ).data!.sendMessage.id;
    const inbox = async (who: string) =>
      (
        await c[who].request<{
          conversations: {
            unreadTotal: number;
            items: {
              id: string;
              unread: number;
              members: { personId: string; lastReadMessageId: string | null }[];
            }[];
          };
        }>(INBOX, { f: 50 })
      ).data!.conversations;
    const mine = (await inbox('maths')).items.find((i) => i.id === conv)!;
    expect(mine.unread).toBe(2);
    const read = await c.maths.request<{ markConversationRead: { unread: number } }>(READ, {
      c: conv,
      m: m2,
    });
    expect(read.data!.markConversationRead.unread).toBe(0);
    expect((await inbox('maths')).items.find((i) => i.id === conv)!.unread).toBe(0);
    // The pupil sees the teacher's cursor: a read receipt.
    const seen = (await inbox('pupil')).items.find((i) => i.id === conv)!;
    expect(seen.members.find((m) => m.personId === p.maths.id)!.lastReadMessageId).toBe(m2);
    // A message of another conversation is refused as the cursor.
    const other = (await start('pupil', ['director'])).data!.startConversation.lastMessage.id;
    const wrong = await c.maths.request(READ, { c: conv, m: other });
    expect(wrong.errors?.[0].extensions).toMatchObject({ field: 'messageId' });
  });

  it('hides the read cursors of a group, pages the inbox and the history by cursor', async () => {
    const g = await start('director', ['maths', 'otherTeacher'], 'Раз', 'Методобъединение');
    const id = g.data!.startConversation.id;
    expect(g.data!.startConversation.kind).toBe('GROUP');
    for (let i = 0; i < 4; i++) await c.maths.request(SEND, { c: id, t: `Сообщение ${i}` });
    const view = await c.otherTeacher.request<{
      conversations: {
        items: { id: string; members: { personId: string; lastReadMessageId: string | null }[] }[];
      };
    }>(INBOX, { f: 50 });
    const members = view.data!.conversations.items.find((i) => i.id === id)!.members;
    expect(members.find((m) => m.personId === p.maths.id)!.lastReadMessageId).toBeNull();
    const page1 = await c.maths.request<{
      conversations: { items: { id: string }[]; nextCursor: string };
    }>(INBOX, { f: 1 });
    expect(page1.data!.conversations.items[0].id).toBe(id);
    const page2 = await c.maths.request<{ conversations: { items: { id: string }[] } }>(INBOX, {
      f: 50,
      a: page1.data!.conversations.nextCursor,
    });
    expect(page2.data!.conversations.items.map((i) => i.id)).not.toContain(id);
    type Thread = {
      conversation: { messages: { hasEarlier: boolean; messages: { id: string; text: string }[] } };
    };
    const last = await c.otherTeacher.request<Thread>(THREAD, { id, l: 2 });
    expect(last.data!.conversation.messages.messages.map((m) => m.text)).toEqual([
      'Сообщение 2',
      'Сообщение 3',
    ]);
    expect(last.data!.conversation.messages.hasEarlier).toBe(true);
    const earlier = await c.otherTeacher.request<Thread>(THREAD, {
      id,
      l: 10,
      b: last.data!.conversation.messages.messages[0].id,
    });
    expect(earlier.data!.conversation.messages.messages.map((m) => m.text)).toEqual([
      'Раз',
      'Сообщение 0',
      'Сообщение 1',
    ]);
    expect(codeOf(await c.parent.request(THREAD, { id }))).toBe('NOT_FOUND');
  });

  it('edits and deletes within 15 minutes, keeping the original for the administration', async () => {
    const s = await start('otherParent', ['classTeacher'], 'Исходный текст');
    const mid = s.data!.startConversation.lastMessage.id;
    const edited = await c.otherParent.request<{ editMessage: { text: string } }>(EDIT, {
      id: mid,
      t: 'Исправленный текст',
    });
    expect(edited.data!.editMessage.text).toBe('Исправленный текст');
    expect(codeOf(await c.classTeacher.request(EDIT, { id: mid, t: 'не моё' }))).toBe('NOT_FOUND');
    const deleted = await c.otherParent.request<{ deleteMessage: { text: string | null } }>(
      DELETE,
      { id: mid },
    );
    expect(deleted.data!.deleteMessage.text).toBeNull();
    const history = 'query($m:ID!){messageRevisions(messageId:$m){text}}';
    const h = await c.director.request<{ messageRevisions: { text: string }[] }>(history, {
      m: mid,
    });
    expect(h.data!.messageRevisions.map((r) => r.text)).toEqual([
      'Исходный текст',
      'Исправленный текст',
    ]);
    expect(codeOf(await c.classTeacher.request(history, { m: mid }))).toBe('FORBIDDEN');

    const late = (
      await c.otherParent.request<{ sendMessage: { id: string } }>(SEND, {
        c: s.data!.startConversation.id,
        t: 'Поздно',
      })
    ).data!.sendMessage.id;
    await t.sql(`update message set created_at = now() - interval '16 minutes' where id = ?`, [
      late,
    ]);
    for (const [q, vars] of [
      [EDIT, { id: late, t: 'Поздно исправлять' }],
      [DELETE, { id: late }],
    ] as const) {
      const r = await c.otherParent.request(q, vars);
      expect(codeOf(r)).toBe('CONFLICT');
      expect(r.errors?.[0].extensions).toMatchObject({ field: 'id', reason: 'EDIT_WINDOW_CLOSED' });
    }
    const [row] = await t.sql<{ body: string }>(`select body from message where id = ?`, [late]);
    expect(row.body).toBe('Поздно');
  });
});

describe('live', () => {
  async function socketOf(client: GqlClient): Promise<Client> {
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
  function collect(client: Client, after?: string) {
    const events: { id: string; type: string; payload: string }[] = [];
    const dispose = client.subscribe<{ messagingEvents: (typeof events)[number] }>(
      {
        query: 'subscription($a:ID){messagingEvents(after:$a){id type payload}}',
        variables: { a: after },
      },
      {
        next: (r) => r.data && events.push(r.data.messagingEvents),
        error: () => {},
        complete: () => {},
      },
    );
    return { events, dispose };
  }
  const listeners = () => t.app.services.bus.listeners;
  /** Waits until `n` more subscriptions listen on the bus than `before`: they are live. */
  const live = async (before: number, n: number) =>
    expect(await waitFor(() => listeners() >= before + n)).toBe(true);

  it('delivers to the members only, and resumes after a drop without gaps or repeats', async () => {
    const conv = (await start('parent', ['maths'], 'Начало')).data!.startConversation.id;
    const [member, outsider] = [await socketOf(c.maths), await socketOf(c.otherTeacher)];
    const before = listeners();
    const a = collect(member);
    const b = collect(outsider);
    await live(before, 2);
    const sent = (
      await c.parent.request<{ sendMessage: { id: string } }>(SEND, { c: conv, t: 'Живое' })
    ).data!.sendMessage.id;
    await c.maths.request(READ, { c: conv, m: sent });
    // Both reach the member; the outsider listened to the same bus while they were handed out.
    expect(await waitFor(() => a.events.length >= 2)).toBe(true);
    expect(a.events.map((e) => e.type)).toEqual(['MESSAGE_SENT', 'CONVERSATION_READ']);
    expect(JSON.parse(a.events[0].payload)).toMatchObject({
      conversationId: conv,
      messageId: sent,
    });
    expect(a.events[0].payload).not.toContain('Живое');
    expect(b.events).toEqual([]);

    const cursor = a.events[1].id;
    a.dispose();
    const missed = (
      await c.parent.request<{ sendMessage: { id: string } }>(SEND, {
        c: conv,
        t: 'Пока не было',
      })
    ).data!.sendMessage.id;
    const again = collect(member, cursor);
    expect(await waitFor(() => again.events.length >= 1)).toBe(true);
    // A control after the replay: once it has come, a repeat of the missed message would have too.
    await c.maths.request(READ, { c: conv, m: missed });
    expect(await waitFor(() => again.events.length >= 2)).toBe(true);
    expect(again.events.map((e) => e.type)).toEqual(['MESSAGE_SENT', 'CONVERSATION_READ']);
    again.dispose();
    b.dispose();
    await Promise.all([member.dispose(), outsider.dispose()]);
  });

  it('sends the read receipt of a DIRECT conversation to the other person', async () => {
    const s = (await start('classTeacher3', ['younger'], 'Домашнее задание')).data!
      .startConversation;
    const socket = await socketOf(c.classTeacher3);
    const before = listeners();
    const feed = collect(socket);
    await live(before, 1);
    await c.younger.request(READ, { c: s.id, m: s.lastMessage.id });
    expect(await waitFor(() => feed.events.length >= 1)).toBe(true);
    expect(feed.events.map((e) => e.type)).toEqual(['READ_RECEIPT']);
    expect(JSON.parse(feed.events[0].payload)).toMatchObject({
      personId: p.younger.id,
      lastReadMessageId: s.lastMessage.id,
    });
    feed.dispose();
    await socket.dispose();
  });
});
