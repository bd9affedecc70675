/**
 * npm run bench -- push
 *
 * 2,000 subscribed devices (BENCH_PUSH_DEVICES), one per parent of the benchmark school (36
 * classes of 30 pupils; a parent has a second device when there are fewer parents), whose push
 * service is a local HTTP endpoint in this process answering 201 (it does not decrypt: the
 * server encrypts and signs every push as for a real service). Some families' sockets are
 * connected meanwhile (BENCH_PUSH_SOCKETS, default 300: the marked class's pupils and parents
 * first), from a client process of their own (`servers/feed-clients.ts`), subscribed to the
 * feeds the app listens to.
 *
 * The burst: a teacher saves a mark for each pupil of one class (one `setMarks`, 30 events),
 * then the director posts an announcement to all parents. Measured:
 * - `last_ms`: from the announcement's commit (its outbox event's `at`) to the last push the
 *   endpoint accepted;
 * - `cpu_ms_per_push`: the server process's CPU from the first mutation to the last push, per
 *   push (PostgreSQL's separately, `db_ms_per_push`);
 * - `socket_p95_ms`: the 95th percentile, over every socket and every mark and announcement it
 *   got during the burst, from the event's `at` to its arrival;
 * with the load average of the machine at the end (the figures of a loaded machine say little).
 * The marks and devices are removed afterwards, so that runs repeat.
 * Goal (issue 17): the announcement to 2,000 devices in under 10 s, socket p95 under 250 ms.
 */
import http from 'node:http';
import os from 'node:os';
import { createECDH, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { cpuMeter, startFeedClients, startServer, stopServer } from './processes.js';
import { benchSession } from './setup.js';
import { graphQLOk, postGraphQL } from './http.js';

const DEVICES = Number(process.env.BENCH_PUSH_DEVICES ?? 2000);
const SOCKETS = Number(process.env.BENCH_PUSH_SOCKETS ?? 300);
/** The bench's devices and marks are found by these, and removed at the end. */
const LABEL = 'bench-push';
const COMMENT = 'бенчмарк push';
const SETTLE_MS = 3000;
const TIMEOUT_MS = 60_000;
const MARKS = `mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}`;
const ANNOUNCE = `mutation($i:PostAnnouncementInput!){createAnnouncement(input:$i){id}}`;
/** The feeds the app listens to: marks come on `notifications`, announcements on the other. */
const FEEDS = [
  'subscription{notifications{id type at}}',
  'subscription{messagingEvents{id type at}}',
];

const t0 = Date.now();
const note = (msg: string) =>
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}\n`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** The push service: accepts every POST with 201 and notes when the last one came. */
function startPushService() {
  const seen = { count: 0, last: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.count++;
      seen.last = Date.now();
      res.writeHead(201).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise<{ seen: typeof seen; port: number; close: () => Promise<void> }>((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({
        seen,
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

/** The class, course, lesson and people of the burst; the devices subscribed. */
async function prepare(em: EntityManager, pushPort: number) {
  const [s] = await em.execute<
    {
      school: number;
      director: number;
      course: number;
      teacher: number;
      cls: number;
      workType: number;
    }[]
  >(
    `select s.id as school,
            (select g.person_id from role_grant g where g.school_id = s.id and g.role = 'DIRECTOR' limit 1) as director,
            co.id as course, co.teacher_id as teacher, co.class_group_id as cls,
            (select w.id from work_type w where w.school_id = s.id and w.active order by w.sort, w.id limit 1) as "workType"
       from school s join class_group cg on cg.school_id = s.id and cg.grade = 7
       join course co on co.class_group_id = cg.id
      where s.name like 'Бенчмарк%' order by cg.letter, co.id limit 1`,
  );
  // The course's last lesson up to today (the first period is closed).
  const [lesson] = await em.execute<{ id: number }[]>(
    `select id from lesson where course_id = ? and date <= current_date and not cancelled
      order by date desc, number desc limit 1`,
    [s.course],
  );
  const pupils = await em.execute<{ id: number }[]>(
    `select pupil_id as id from enrollment where class_group_id = ? and ends_on is null order by pupil_id`,
    [s.cls],
  );
  await cleanUp(em, lesson.id);
  // Every parent of the school, with an account (the planner skips people without one); the
  // marked class's first, so that their sockets are among those connected.
  const parents = await em.execute<{ id: number }[]>(
    `select g.guardian_id as id from guardianship g join enrollment e on e.pupil_id = g.pupil_id
      where e.school_id = ? and e.ends_on is null
      group by g.guardian_id order by bool_or(e.class_group_id = ?) desc, g.guardian_id`,
    [s.school, s.cls],
  );
  await em.execute(
    `insert into user_account (school_id, person_id, login, password_hash, active, created_at)
     select ?, p, 'bench.p' || p, 'x', true, now() from unnest(?::int[]) p
     on conflict (person_id) do update set active = true`,
    [s.school, `{${parents.map((p) => p.id).join(',')}}`],
  );
  // Every device has the same keys: each push is still encrypted on its own (a fresh key pair
  // and salt per message, RFC 8291), so the server's work is that of distinct devices.
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  await em.execute(
    `insert into push_device (school_id, person_id, endpoint, p256dh, auth, label, lang, after_event_id)
     select ?, (?::int[])[1 + i % ?], 'http://127.0.0.1:' || ? || '/d/' || i, ?, ?, ?, 'ru',
            (select coalesce(max(id), 0) from domain_event)
       from generate_series(0, ? - 1) i`,
    [
      s.school,
      `{${parents.map((p) => p.id).join(',')}}`,
      parents.length,
      pushPort,
      ecdh.getPublicKey().toString('base64url'),
      randomBytes(16).toString('base64url'),
      LABEL,
      DEVICES,
    ],
  );
  // The push worker starts from here: the outbox before is not this run's.
  await em.execute(
    `update push_cursor set last_event_id = (select coalesce(max(id), 0) from domain_event)`,
  );
  const socketPeople = [...pupils.map((p) => p.id), ...parents.map((p) => p.id)].slice(0, SOCKETS);
  const tokens: string[] = [];
  for (const id of socketPeople) tokens.push(await benchSession(em, id));
  return {
    ...s,
    lesson: lesson.id,
    pupils: pupils.map((p) => p.id),
    parents: parents.length,
    director: await benchSession(em, s.director),
    teacherToken: await benchSession(em, s.teacher),
    tokens,
  };
}

async function cleanUp(em: EntityManager, lesson: number) {
  await em.execute(`delete from push_device where label = ?`, [LABEL]);
  await em.execute(`delete from mark where lesson_id = ? and comment = ?`, [lesson, COMMENT]);
}

export async function push(orm: MikroORM, url: string): Promise<void> {
  const em = orm.em.fork();
  const service = await startPushService();
  const b = await prepare(em, service.port);
  note(`${DEVICES} devices of ${b.parents} parents; ${b.tokens.length} sockets to connect`);
  const ours = await startServer(url);
  const clients = await startFeedClients(url);
  try {
    const opened = await clients.ask<{ opened: number; failed: number }>({
      cmd: 'open',
      port: ours.port,
      tokens: b.tokens,
      feeds: FEEDS,
      measure: '"type":"(MARK_SAVED|ANNOUNCEMENT_POSTED)"',
    });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    note(`${opened.opened} sockets connected; the burst`);
    const cpu = cpuMeter({ server: ours.child.pid });
    await graphQLOk(ours.port, b.teacherToken, MARKS, {
      c: b.pupils.map((p, i) => ({
        lessonId: String(b.lesson),
        pupilId: String(p),
        value: String(2 + (i % 4)),
        workTypeId: String(b.workType),
        comment: COMMENT,
      })),
    });
    const posted = (await postGraphQL(ours.port, b.director, ANNOUNCE, {
      i: { audience: 'ALL_PARENTS', title: 'Собрание', body: 'Общешкольное собрание в пятницу' },
    })) as { errors?: unknown; data?: { createAnnouncement: { id: string } } };
    if (!posted.data) throw new Error(JSON.stringify(posted.errors));
    // The announcement's outbox event may commit after the answer: wait for it by its id.
    let event: { id: string; at: Date } | undefined;
    while (!event && Date.now() < t0 + 10 * TIMEOUT_MS) {
      [event] = await em.execute<{ id: string; at: Date }[]>(
        `select id::text, created_at as at from domain_event
          where school_id = ? and type = 'ANNOUNCEMENT_POSTED' and payload->>'announcementId' = ?`,
        [b.school, posted.data.createAnnouncement.id],
      );
      if (!event) await new Promise((r) => setTimeout(r, 20));
    }
    if (!event) throw new Error('the announcement made no outbox event');
    const committed = new Date(event.at).getTime();
    // Done when the planner has read past the announcement and every delivery was accepted.
    let expected = 0;
    const end = Date.now() + TIMEOUT_MS;
    while (Date.now() < end) {
      const [row] = await em.execute<{ past: boolean; total: number; unsent: number }[]>(
        `select (select last_event_id from push_cursor) >= ?::bigint as past,
                count(*)::int as total, count(*) filter (where pd.sent_at is null)::int as unsent
           from push_delivery pd join push_device d on d.id = pd.device_id where d.label = ?`,
        [event.id, LABEL],
      );
      expected = row.total;
      if (row.past && row.unsent === 0 && service.seen.count >= row.total) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const used = cpu();
    await new Promise((r) => setTimeout(r, 500)); // the last socket frames
    const { delays } = await clients.ask<{ delays: number[] }>({ cmd: 'report' });
    const pushes = service.seen.count;
    const result = {
      name: 'push',
      devices: DEVICES,
      pushes,
      missing: Math.max(0, expected - pushes),
      last_ms: pushes > 0 ? service.seen.last - committed : 0,
      cpu_ms_per_push: Math.round((used.server / Math.max(1, pushes)) * 100) / 100,
      db_ms_per_push: Math.round((used.postgres / Math.max(1, pushes)) * 100) / 100,
      sockets: opened.opened,
      socket_events: delays.length,
      socket_p95_ms: percentile(delays, 95),
      socket_p50_ms: percentile(delays, 50),
      load_avg: Number(os.loadavg()[0].toFixed(2)),
    };
    console.table({ push: result });
    console.log(`BENCH ${JSON.stringify(result)}`);
  } finally {
    await stopServer(clients.proc.child);
    await stopServer(ours.child);
    await service.close();
    await cleanUp(em, b.lesson);
  }
}
