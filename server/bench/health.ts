/**
 * npm run bench -- health
 *
 * The deputy's dashboard (issue 14) for the whole benchmark school (every course, the school year
 * from its first day to today): `journalHealth` through the real GraphQL endpoint with a real
 * session (`ours`), against the same SQL (control.queries.ts' HEALTH_SQL over the
 * `journal_health_by_course` function) through `pg` in the same run (`baseline`), sequentially,
 * BENCH_RUNS times (default 5) after two warm-ups; the medians are reported. Then, with the
 * dashboard subscribed (`journalHealthLive`) on a socket, a teacher's topic write (clearing and
 * writing it back in turn) BENCH_WRITES times (default 20), 1.2 s apart so the dashboard's
 * one-second debounce does not wait: the time from the write's request to the board showing the
 * changed figure; its p95.
 * Last line: BENCH {"name":"health","ours_ms":…,"baseline_ms":…,"ratio":…,"update_p95_ms":…}.
 */
import pg from 'pg';
import WebSocket from 'ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import { HEALTH_SQL } from '../src/modules/control/control.queries.js';
import { todayIn } from '../src/time.js';
import { closeConnections, postJson } from './http.js';
import { startServer, stopServer } from './processes.js';
import { benchSession } from './setup.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WRITES = Number(process.env.BENCH_WRITES ?? 20);
const QUERY = `query($f: HealthFilterInput) { journalHealth(filter: $f) { from to items { courseId courseName
  className grade subjectName teacherName lessonsHeld withoutTopic withoutHomework withoutAttendance pupilsShort
  lateEntries periodMarksMissing gaps lastCheckedAt lastCheckedBy overdue } } }`;
const LIVE = `subscription($f: HealthFilterInput) { journalHealthLive(filter: $f) { items { courseId withoutTopic } } }`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1];
const round = (x: number) => Math.round(x * 10) / 10;
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

async function timed(run: () => Promise<void>): Promise<number> {
  await run();
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return round(median(times));
}

interface Setting {
  schoolId: number;
  from: string;
  today: string;
  deputy: string;
  teacher: string;
  lesson: { id: number; courseId: number };
}

async function setting(orm: MikroORM): Promise<Setting> {
  const em = orm.em.fork();
  const [s] = await em.execute<
    { school_id: number; person_id: number; tz: string; from: string }[]
  >(
    `select r.school_id, r.person_id, s.time_zone as tz,
            (select min(y.starts_on)::text from academic_year y where y.school_id = s.id and y.starts_on <= current_date) as from
       from role_grant r join school s on s.id = r.school_id
      where s.name like 'Бенчмарк%' and r.role in ('DEPUTY', 'DIRECTOR') order by s.id, r.role desc limit 1`,
  );
  const today = todayIn(s.tz);
  const [l] = await em.execute<{ id: number; course_id: number; teacher_id: number }[]>(
    `select l.id, l.course_id, co.teacher_id from lesson l join course co on co.id = l.course_id
      where l.school_id = ? and l.date < ?::date and l.date >= ?::date - 7 and not l.cancelled order by l.id limit 1`,
    [s.school_id, today, today],
  );
  return {
    schoolId: s.school_id,
    from: s.from,
    today,
    deputy: await benchSession(em, s.person_id),
    teacher: await benchSession(em, l.teacher_id),
    lesson: { id: l.id, courseId: l.course_id },
  };
}

/** The dashboard subscribed on a socket: `onBoard` gets the watched course's topic gaps. */
function subscribe(
  port: number,
  token: string,
  f: object,
  courseId: number,
  onBoard: (n: number) => void,
) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', {
    headers: { cookie: `otmetka_session=${token}`, origin: `http://127.0.0.1:${port}` },
  });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString()) as {
      type: string;
      payload?: {
        data?: { journalHealthLive: { items: { courseId: string; withoutTopic: number }[] } };
      };
    };
    if (msg.type === 'connection_ack') {
      ws.send(
        JSON.stringify({ id: '1', type: 'subscribe', payload: { query: LIVE, variables: { f } } }),
      );
    } else if (msg.type === 'next') {
      const items = msg.payload?.data?.journalHealthLive.items ?? [];
      const mine = items.find((i) => i.courseId === String(courseId));
      if (mine) onBoard(mine.withoutTopic);
    }
  });
  return ws;
}

async function until(check: () => boolean, timeout: number): Promise<boolean> {
  for (const end = Date.now() + timeout; Date.now() < end;) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return check();
}

/** The write → dashboard times, ms. */
async function updates(port: number, s: Setting, db: pg.Client): Promise<number[]> {
  const f = { from: s.from, to: s.today };
  let seen: number | null = null;
  const ws = subscribe(port, s.deputy, f, s.lesson.courseId, (n) => (seen = n));
  if (!(await until(() => seen !== null, 60_000))) throw new Error('the dashboard never came');
  const times: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const { rows } = await db.query<{ version: number; topic: string | null }>(
      `select version, topic from lesson where id = $1`,
      [s.lesson.id],
    );
    const before = seen as number | null;
    const topic = rows[0].topic ? '' : `Тема ${i}`;
    const started = performance.now();
    const r = await postJson<{ errors?: unknown }>(
      port,
      '/graphql',
      {
        query: `mutation($id: ID!, $t: String, $v: Int!) { updateLesson(id: $id, input: { topic: $t, version: $v }) { id } }`,
        variables: { id: String(s.lesson.id), t: topic, v: rows[0].version },
      },
      `otmetka_session=${s.teacher}`,
    );
    if (r.errors) throw new Error(`updateLesson answered ${JSON.stringify(r.errors)}`);
    if (!(await until(() => seen !== before, 30_000))) {
      throw new Error('no update on the dashboard');
    }
    times.push(performance.now() - started);
    await new Promise((res) => setTimeout(res, 1200));
  }
  ws.close();
  return times;
}

export async function health(orm: MikroORM, url: string): Promise<void> {
  const s = await setting(orm);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query('analyze');
  const server = await startServer(url);
  try {
    const nulls = [null, null];
    const params = [
      s.today,
      s.schoolId,
      s.from,
      s.today,
      s.schoolId,
      ...nulls,
      ...nulls,
      ...nulls,
      ...nulls,
      ...nulls,
    ];
    let rows = 0;
    const baseline = await timed(async () => {
      rows = (await db.query(numbered(HEALTH_SQL), params)).rowCount ?? 0;
    });
    const ours = await timed(async () => {
      const r = await postJson<{ errors?: unknown }>(
        server.port,
        '/graphql',
        { query: QUERY, variables: { f: { from: s.from, to: s.today } } },
        `otmetka_session=${s.deputy}`,
      );
      if (r.errors) throw new Error(`journalHealth answered ${JSON.stringify(r.errors)}`);
    });
    const times = await updates(server.port, s, db);
    console.table({
      dashboard: {
        courses: rows,
        span: `${s.from}…${s.today}`,
        ours_ms: ours,
        baseline_ms: baseline,
      },
    });
    console.log(
      `write → dashboard (${WRITES} writes): median ${round(median(times))} ms, p95 ${round(p95(times))} ms`,
    );
    console.log(
      `BENCH ${JSON.stringify({
        name: 'health',
        ours_ms: ours,
        baseline_ms: baseline,
        ratio: Math.round((baseline / ours) * 1000) / 1000,
        update_p95_ms: round(p95(times)),
      })}`,
    );
  } finally {
    await stopServer(server.child);
    closeConnections();
    await db.end();
  }
}
