/**
 * npm run bench -- messages
 *
 * On the benchmark school, through a server in its own process:
 * (a) one message to a group of the whole school: parents, pupils and staff (the benchmark
 *     school has 1,973 parents, under the 2,000; 3,121 people in all, each a socket
 *     subscribed to `messagingEvents`): from the event's time (just before its commit) to each socket, the
 *     last socket and the p95 over sockets;
 * (b) BENCH_RATE (50) messages a second from teachers to parents, each in its own conversation,
 *     for BENCH_SECONDS (10): p95 from the event's time to the recipient's socket. The pairs are
 *     spread over the teachers (each parent once) so nobody sends more than the 30 a minute
 *     the server allows; any refused send fails the bench;
 * (c) a teacher with 300 conversations and 20,000 messages reads the inbox with unread counts
 *     through the API, against the same statement through `pg` (`inbox()` on an ORM fork), in
 *     the same run, one at a time: `inbox_ratio` = SQL time / API time, `inbox_sql` in ms.
 * The data of (a)–(c) is made once, in conversations titled «bench…», and kept.
 */
import WebSocket from 'ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import { benchSession } from './setup.js';
import { postJson } from './http.js';
import { startServer, stopServer } from './processes.js';
import { inbox } from '../src/modules/messaging/messaging.queries.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const INBOX_RUNS = 200;
const t0 = Date.now();
const note = (msg: string) =>
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}\n`);
const p = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((q / 100) * s.length))] ?? 0;
};
const SEND = 'mutation($c:ID!,$t:String!){sendMessage(conversationId:$c,text:$t){id}}';
const INBOX_QUERY = `{conversations(first:30){unreadTotal nextCursor items{id kind title closed unread
  members{personId lastName firstName lastReadMessageId} lastMessage{id text at}}}}`;

interface Data {
  schoolId: number;
  directorId: number;
  groupId: number;
  /** (a): everyone in the group but its sender. */
  audience: number[];
  parents: number[];
  /** (b): teacher → parent conversations. */
  pairs: { conversationId: number; teacherId: number; parentId: number }[];
  /** (c): the teacher with 300 conversations. */
  busyTeacherId: number;
}

/** At least this many sockets in (a), as the issue asks. */
const AUDIENCE_MIN = 2000;
/** The server's limit of messages a minute per person (messaging.writes.ts). */
const PER_MINUTE = 30;

/** The group of the whole school, the pairs and the busy teacher's conversations, made once. */
async function prepare(orm: MikroORM): Promise<Data> {
  const em = orm.em.fork();
  const [s] = await em.execute<{ schoolId: number; directorId: number }[]>(
    `select s.id as "schoolId", (select g.person_id from role_grant g where g.school_id = s.id
              and g.role::text = 'DIRECTOR' limit 1) as "directorId"
       from school s where s.name like 'Бенчмарк%' limit 1`,
  );
  const parents = (
    await em.execute<{ id: number }[]>(
      `select distinct guardian_id as id from guardianship where school_id = ? order by 1`,
      [s.schoolId],
    )
  ).map((r) => r.id);
  // Pupils and staff: everyone else with a role in the school.
  const others = (
    await em.execute<{ id: number }[]>(
      `select distinct person_id as id from role_grant
        where school_id = ? and role::text <> 'PARENT' and person_id <> ? order by 1`,
      [s.schoolId, s.directorId],
    )
  ).map((r) => r.id);
  const audience = [...new Set([...parents, ...others])].filter((id) => id !== s.directorId);
  if (audience.length < AUDIENCE_MIN) {
    throw new Error(`only ${audience.length} people for (a), fewer than ${AUDIENCE_MIN}`);
  }
  // Every (teacher of a child, parent) pair, then taken round-robin over the teachers, each
  // parent once: the sends are spread so that nobody passes the limit.
  const candidates = await em.execute<{ teacherId: number; parentId: number }[]>(
    `select distinct cg.class_teacher_id as "teacherId", g.guardian_id as "parentId"
       from guardianship g join enrollment e on e.pupil_id = g.pupil_id
       join class_group cg on cg.id = e.class_group_id
      where g.school_id = ? and cg.class_teacher_id is not null
      order by 1, 2`,
    [s.schoolId],
  );
  const byTeacher = new Map<number, number[]>();
  for (const c of candidates) {
    byTeacher.set(c.teacherId, [...(byTeacher.get(c.teacherId) ?? []), c.parentId]);
  }
  const total = RATE * SECONDS;
  const perTeacher = Math.min(PER_MINUTE - 5, Math.ceil(total / Math.max(1, byTeacher.size)));
  if (perTeacher * byTeacher.size < total) {
    throw new Error(`${byTeacher.size} teachers cannot send ${total} messages within the limit`);
  }
  const usedParents = new Set<number>();
  const teachers: { teacherId: number; parentId: number }[] = [];
  const sent = new Map<number, number>();
  for (let round = 0; teachers.length < total && round < perTeacher; round++) {
    for (const [teacherId, list] of byTeacher) {
      if (teachers.length >= total) break;
      const parentId = list.find((id) => !usedParents.has(id));
      if (parentId === undefined || (sent.get(teacherId) ?? 0) >= perTeacher) continue;
      usedParents.add(parentId);
      sent.set(teacherId, (sent.get(teacherId) ?? 0) + 1);
      teachers.push({ teacherId, parentId });
    }
  }
  if (teachers.length < total) throw new Error(`only ${teachers.length} pairs for ${total} sends`);
  const made = async (title: string, members: number[]) => {
    const [old] = await em.execute<{ id: number }[]>(
      `select id from conversation where school_id = ? and title = ?`,
      [s.schoolId, title],
    );
    if (old) return old.id;
    const [c] = await em.execute<{ id: number }[]>(
      `insert into conversation (school_id, kind, title, created_by_id) values (?, 'GROUP', ?, ?) returning id`,
      [s.schoolId, title, members[0]],
    );
    await em.execute(
      `insert into conversation_member (school_id, conversation_id, person_id)
       select ?, ?, unnest(?::int[])`,
      [s.schoolId, c.id, `{${members.join(',')}}`],
    );
    return c.id;
  };
  const groupId = await made(`bench all ${audience.length}`, [s.directorId, ...audience]);
  const pairs = [];
  for (const t of teachers) {
    const cid = await made(`bench spread ${t.teacherId}-${t.parentId}`, [t.teacherId, t.parentId]);
    pairs.push({ conversationId: cid, ...t });
  }
  const busyTeacherId = teachers[0].teacherId;
  await busyInbox(orm, s.schoolId, busyTeacherId, parents);
  return { ...s, groupId, audience, parents, pairs, busyTeacherId };
}

/** 300 conversations of one teacher with 20,000 messages between them, half unread. */
async function busyInbox(orm: MikroORM, schoolId: number, teacherId: number, parents: number[]) {
  const em = orm.em.fork();
  const [{ n }] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from conversation where school_id = ? and title like 'bench busy %'`,
    [schoolId],
  );
  if (n >= 300) return;
  note('making the busy teacher’s 300 conversations and 20,000 messages');
  await em.execute(
    `with c as (
       insert into conversation (school_id, kind, title, created_by_id)
       select ?, 'GROUP', 'bench busy ' || i, ? from generate_series(1, 300) i returning id),
     n as (select id, row_number() over (order by id) as i from c),
     m as (insert into conversation_member (school_id, conversation_id, person_id)
           select ?, n.id, unnest(array[?::int, (?::int[])[1 + (n.i % ?)]]) from n)
     insert into message (school_id, conversation_id, author_id, body, created_at)
     select ?, n.id, case when k % 2 = 0 then ? else (?::int[])[1 + (n.i % ?)] end,
            'Сообщение ' || k, now() - make_interval(mins => 20000 - k)
       from n, generate_series(1, 67) k where (n.i - 1) * 67 + k <= 20000`,
    [
      schoolId,
      teacherId,
      schoolId,
      teacherId,
      `{${parents.join(',')}}`,
      parents.length,
      schoolId,
      teacherId,
      `{${parents.join(',')}}`,
      parents.length,
    ],
  );
  await em.execute(
    `update conversation c set last_message_id = (select max(id) from message m where m.conversation_id = c.id)
      where c.school_id = ? and c.title like 'bench busy %'`,
    [schoolId],
  );
  await em.execute(
    `update conversation_member cm set last_read_message_id = (
       select percentile_disc(0.5) within group (order by id) from message m where m.conversation_id = cm.conversation_id)
      from conversation c where c.id = cm.conversation_id and c.title like 'bench busy %' and cm.person_id = ?`,
    [teacherId],
  );
}

type OnEvent = (personId: number, at: number, payload: { messageId: string }) => void;

/** One socket per person, subscribed to messagingEvents; resolves when all are acknowledged. */
async function connect(port: number, people: { id: number; token: string }[], on: OnEvent) {
  const sockets: WebSocket[] = [];
  const ready: Promise<void>[] = [];
  for (const person of people) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', {
      headers: { cookie: `otmetka_session=${person.token}`, origin: `http://127.0.0.1:${port}` },
    });
    sockets.push(ws);
    ready.push(
      new Promise((resolve, reject) => {
        ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
        ws.on('message', (raw) => {
          const msg = JSON.parse(raw.toString()) as {
            type: string;
            payload?: { data?: { messagingEvents: { at: string; payload: string } } };
          };
          if (msg.type === 'connection_ack') {
            ws.send(
              JSON.stringify({
                id: '1',
                type: 'subscribe',
                payload: { query: 'subscription{messagingEvents{id type payload at}}' },
              }),
            );
            setTimeout(resolve, 50);
          } else if (msg.type === 'next') {
            const e = msg.payload!.data!.messagingEvents;
            on(person.id, Date.parse(e.at), JSON.parse(e.payload) as { messageId: string });
          }
        });
        ws.on('error', reject);
      }),
    );
    if (sockets.length % 200 === 0) await Promise.all(ready.slice(-200));
  }
  await Promise.all(ready);
  return sockets;
}

export async function messages(orm: MikroORM, url: string): Promise<void> {
  const data = await prepare(orm);
  const em = orm.em.fork();
  const tokens = new Map<number, string>();
  const session = async (id: number) => {
    if (!tokens.has(id)) tokens.set(id, await benchSession(em, id));
    return tokens.get(id)!;
  };
  note(`${data.audience.length} people in the group (${data.parents.length} parents); sessions`);
  const people = [];
  for (const id of data.audience) people.push({ id, token: await session(id) });
  const ours = await startServer(url);
  let sockets: WebSocket[] = [];
  try {
    // Every arrival by message, with whose socket it reached: an event may come before the
    // send's answer, and in (b) the teacher's own socket gets it too (not counted).
    const arrivals = new Map<string, { person: number; ms: number }[]>();
    sockets = await connect(ours.port, people, (person, at, payload) => {
      const list = arrivals.get(payload.messageId) ?? [];
      list.push({ person, ms: Date.now() - at });
      arrivals.set(payload.messageId, list);
    });
    note(`${sockets.length} sockets connected`);
    await new Promise((r) => setTimeout(r, 2000));

    // (a) One message to the whole school: parents, pupils and staff.
    const director = `otmetka_session=${await session(data.directorId)}`;
    const sent = await postJson<{ data: { sendMessage: { id: string } } }>(
      ours.port,
      '/graphql',
      { query: SEND, variables: { c: String(data.groupId), t: 'Собрание для всех родителей' } },
      director,
    );
    const aid = sent.data.sendMessage.id;
    const deadline = Date.now() + 30_000;
    while ((arrivals.get(aid)?.length ?? 0) < data.audience.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const a = (arrivals.get(aid) ?? []).map((x) => x.ms);
    note(`(a) ${a.length}/${data.audience.length} sockets; last ${Math.max(...a)} ms`);

    // (b) RATE messages a second, teacher → parent, each pair its own conversation, once.
    const latencies: number[] = [];
    const refused = new Map<string, number>();
    const watching = new Map<string, number>();
    const pending: Promise<void>[] = [];
    const total = RATE * SECONDS;
    for (let i = 0; i < total; i++) {
      const pair = data.pairs[i % data.pairs.length];
      const cookie = `otmetka_session=${await session(pair.teacherId)}`;
      pending.push(
        postJson<{
          data?: { sendMessage: { id: string } } | null;
          errors?: { extensions?: { code?: string } }[];
        }>(
          ours.port,
          '/graphql',
          { query: SEND, variables: { c: String(pair.conversationId), t: `Вопрос ${i}` } },
          cookie,
        ).then((r) => {
          if (r.data?.sendMessage) watching.set(r.data.sendMessage.id, pair.parentId);
          else {
            const code = r.errors?.[0]?.extensions?.code ?? 'UNKNOWN';
            refused.set(code, (refused.get(code) ?? 0) + 1);
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 1000 / RATE));
    }
    await Promise.all(pending);
    await new Promise((r) => setTimeout(r, 2000));
    for (const [id, parentId] of watching) {
      for (const x of arrivals.get(id) ?? []) if (x.person === parentId) latencies.push(x.ms);
    }
    note(`(b) ${latencies.length}/${total} delivered; p95 ${p(latencies, 95)} ms`);
    if (refused.size > 0) {
      throw new Error(`(b) sends refused: ${JSON.stringify(Object.fromEntries(refused))}`);
    }

    // (c) The busy teacher's inbox: API against the same statement through pg.
    const teacher = `otmetka_session=${await session(data.busyTeacherId)}`;
    const me = { personId: data.busyTeacherId, schoolId: data.schoolId };
    const at = { today: new Date().toISOString().slice(0, 10), now: new Date() };
    for (let i = 0; i < 20; i++) {
      await postJson(ours.port, '/graphql', { query: INBOX_QUERY }, teacher);
      await inbox(orm.em.fork(), me, at, { first: 30, after: null });
    }
    let started = performance.now();
    for (let i = 0; i < INBOX_RUNS; i++) {
      await postJson(ours.port, '/graphql', { query: INBOX_QUERY }, teacher);
    }
    const api = (performance.now() - started) / INBOX_RUNS;
    started = performance.now();
    for (let i = 0; i < INBOX_RUNS; i++) {
      await inbox(orm.em.fork(), me, at, { first: 30, after: null });
    }
    const sql = (performance.now() - started) / INBOX_RUNS;
    note(`(c) inbox: API ${api.toFixed(1)} ms, SQL ${sql.toFixed(1)} ms`);

    console.log(
      `BENCH ${JSON.stringify({
        name: 'messages',
        announce_last_ms: a.length ? Math.max(...a) : null,
        announce_p95_ms: p(a, 95),
        announce_sockets: a.length,
        announce_audience: data.audience.length,
        message_p95_ms: p(latencies, 95),
        messages_delivered: latencies.length,
        messages_sent: total,
        inbox_api_ms: Math.round(api * 10) / 10,
        inbox_ratio: Math.round((sql / api) * 100) / 100,
        inbox_sql: Math.round(sql * 10) / 10,
      })}`,
    );
  } finally {
    for (const ws of sockets) ws.terminate();
    await stopServer(ours.child);
  }
}
