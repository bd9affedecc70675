/**
 * npm run bench -- fanout
 *
 * N authenticated graphql-ws clients (the pupils and parents of 25 classes), each subscribed to
 * its diary. Teachers update lesson topics as fast as the server takes them; each update reaches
 * one class's pupils and parents. Baseline in the same run: a bare `ws` server in its own process
 * (`servers/baseline-fanout.ts`) sending the bytes of our server's first message to the same
 * number of sockets in the same order, as fast as it can (decision 23).
 *
 * The teachers write through the API of the process that holds the sockets, so that process pays
 * for the writes (HTTP, GraphQL, transaction, audit, outbox) as well as for the delivery. With
 * BENCH_WRITER=separate they write through a second server process on the same database instead,
 * as behind a load balancer, and the events cross through PostgreSQL (NOTIFY, then a read of the
 * outbox): the measured process then only delivers, though both still share the machine's cores
 * with PostgreSQL and with this process's clients. BENCH_WRITER=bare: they write through the writes
 * baseline instead (`servers/baseline-writes.ts`: the update's own statement, no session, GraphQL
 * or policy), the ceiling that an API costing nothing would reach on this machine.
 *
 * Marks: 200 a second (8 from each of 25 teachers), collected by each teacher's page for
 * BENCH_MARK_BATCH_MS (300, as the journal page does) and sent as one setMarks; 0 sends one
 * request per mark.
 *
 * Then, "delivery alone": the same topic updates written straight into the outbox as fast as the
 * sockets' process hands them out, to measure delivery without the API's write path. Every
 * request is answered before the baselines run, so that they have the machine to themselves.
 *
 * Then the same-work baseline (`servers/fanout-bare.ts`): the same saturation done bare, a bare
 * writer (the update's statement with its event row and NOTIFY in one transaction, through `pg`)
 * and a bare process that LISTENs, reads the new rows and sends each to its class's sockets with
 * `ws`; `same_work_ratio` = our messages per second ÷ its. The bare-`ws` baseline above (sending
 * only) stays the measure of delivery alone.
 */
import WebSocket from 'ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import { publish } from '../src/events/outbox.js';
import { cpuMeter, rssKb, startBareWriter, startServer, stopServer } from './processes.js';
import { benchSession } from './setup.js';
import { postGraphQL, postJson } from './http.js';

interface Audience {
  classId: number;
  schoolId: number;
  courseId: number;
  teacherId: number;
  lessonId: number;
  heldLessonId: number;
  workTypeId: number;
  teacherToken: string;
  sockets: { token: string; pupilId: number }[];
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** BENCH_WRITER: `same` process as the sockets (default), a `separate` server process, or `bare` SQL. */
const WRITER = (process.env.BENCH_WRITER ?? 'same') as 'same' | 'separate' | 'bare';
if (!['same', 'separate', 'bare'].includes(WRITER)) throw new Error(`BENCH_WRITER=${WRITER}?`);
/** BENCH_MARK_BATCH_MS: how long a teacher's page collects marks before it sends them (0: one request per mark). */
const MARK_BATCH_MS = Number(process.env.BENCH_MARK_BATCH_MS ?? 300);
/**
 * BENCH_ROUNDS: how many rounds of 25 events "delivery alone" keeps in flight. 8: with 4 the
 * sockets' process waited for the next round ~40 % of the time (6.2 s of CPU in a 10 s phase on
 * 2026-12-07), so the phase measured the harness's round trip, not delivery; bare `ws` sends as
 * fast as it can.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const t0 = Date.now();
const note = (msg: string) =>
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}\n`);

/** Sessions for the pupils and both parents of 25 classes, and for each class's teacher. */
async function audiences(orm: MikroORM): Promise<Audience[]> {
  const em = orm.em.fork();
  const classes = await em.execute<
    {
      id: number;
      school_id: number;
      course_id: number;
      teacher_id: number;
      lesson_id: number;
      held_id: number;
      work_type_id: number;
    }[]
  >(
    `select c.id, c.school_id, co.id as course_id, co.teacher_id,
            (select l.id from lesson l where l.course_id = co.id order by l.date desc limit 1) as lesson_id,
            (select l.id from lesson l where l.course_id = co.id and l.date <= current_date and not l.cancelled
              and not exists(select 1 from study_period p where l.date between p.starts_on and p.ends_on and p.locked_at is not null)
              order by l.date desc limit 1) as held_id,
            (select w.id from work_type w where w.school_id = c.school_id order by w.sort limit 1) as work_type_id
       from class_group c join school s on s.id = c.school_id and s.name like 'Бенчмарк%'
       join lateral (select co.* from course co where co.class_group_id = c.id and co.subgroup_id is null order by co.id limit 1) co on true
      order by c.grade desc, c.letter limit 25`,
  );
  const tokenFor = (personId: number) => benchSession(em, personId);
  const out: Audience[] = [];
  for (const c of classes) {
    const people = await em.execute<{ person_id: number; pupil_id: number }[]>(
      `select e.pupil_id as person_id, e.pupil_id from enrollment e where e.class_group_id = ?
       union all
       select g.guardian_id, g.pupil_id from guardianship g join enrollment e on e.pupil_id = g.pupil_id where e.class_group_id = ?`,
      [c.id, c.id],
    );
    const sockets = [];
    for (const p of people) {
      sockets.push({ token: await tokenFor(p.person_id), pupilId: p.pupil_id });
    }
    out.push({
      classId: c.id,
      schoolId: c.school_id,
      courseId: c.course_id,
      teacherId: c.teacher_id,
      lessonId: c.lesson_id,
      heldLessonId: c.held_id,
      workTypeId: c.work_type_id,
      teacherToken: await tokenFor(c.teacher_id),
      sockets,
    });
  }
  return out;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** The first `next` message a client received from our server, byte for byte: the baseline sends it. */
let firstFrame: string | undefined;

/** A graphql-ws message as the clients read it. */
interface NextMessage {
  type: string;
  payload?: { data?: { diaryEvents: { at: string } } };
}

/** One topic update by a class's teacher: through our API, or through the bare writer. */
type Write = (a: Audience, topic: string, version: number) => Promise<{ errors?: unknown }>;

const apiWrite =
  (port: number): Write =>
  (a, t, v) =>
    postGraphQL(
      port,
      a.teacherToken,
      'mutation($id:ID!,$t:String,$v:Int!){updateLesson(id:$id,input:{topic:$t,version:$v}){id}}',
      { id: String(a.lessonId), t, v },
    );

const bareWrite =
  (port: number): Write =>
  (a, topic, version) =>
    postJson(port, '/', { id: a.lessonId, topic, version });

/**
 * Topic updates for SECONDS, one in flight per class's teacher, each answered before the next.
 * Versions advance with each update: read the current one first, then keep it in step (and read
 * it again after a refusal).
 */
async function saturate(
  orm: MikroORM,
  aud: Audience[],
  write: Write,
): Promise<{ writes: number; failed: number }> {
  const versions = new Map<number, number>();
  const readVersion = async (a: Audience) => {
    const [row] = await orm.em
      .fork()
      .execute<{ version: number }[]>(`select version from lesson where id = ?`, [a.lessonId]);
    versions.set(a.lessonId, row.version);
  };
  for (const a of aud) await readVersion(a);
  let writes = 0;
  let failed = 0;
  let n = 0;
  const start = Date.now();
  const update = async (a: Audience) => {
    const v = versions.get(a.lessonId)!;
    versions.set(a.lessonId, v + 1);
    writes++;
    const body = await write(a, `Тема ${n++}`, v);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  await Promise.all(
    aud.map(async (a) => {
      while (Date.now() - start < SECONDS * 1000) {
        await update(a).catch(async (e: Error) => {
          if (failed++ < 3) note(`a write failed: ${e.message}`);
          await readVersion(a);
        });
      }
    }),
  );
  return { writes, failed };
}

/** Opens one graphql-ws subscription per socket; resolves when all are acknowledged. */
async function connectAll(
  port: number,
  audience: Audience[],
  onNext: (a: Audience, at: number) => void,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const ready: Promise<void>[] = [];
  for (const a of audience) {
    for (const s of a.sockets) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', {
        headers: { cookie: `otmetka_session=${s.token}`, origin: `http://127.0.0.1:${port}` },
      });
      sockets.push(ws);
      ready.push(
        new Promise((resolve, reject) => {
          ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
          ws.on('message', (raw) => {
            const msg = JSON.parse(raw.toString()) as NextMessage;
            if (msg.type === 'connection_ack') {
              ws.send(
                JSON.stringify({
                  id: '1',
                  type: 'subscribe',
                  payload: {
                    query: `subscription($p:ID!){diaryEvents(pupilId:$p){id type payload at}}`,
                    variables: { p: String(s.pupilId) },
                  },
                }),
              );
              setTimeout(resolve, 0);
            } else if (msg.type === 'next') {
              firstFrame ??= raw.toString();
              onNext(a, Date.parse(msg.payload!.data!.diaryEvents.at));
            }
          });
          ws.on('error', reject);
        }),
      );
      if (sockets.length % 200 === 0) await Promise.all(ready.slice(-200));
    }
  }
  await Promise.all(ready);
  return sockets;
}

/**
 * The same work, bare (`servers/fanout-bare.ts`): the same teachers' topic updates, made by the
 * bare writer (the update's statement, its event row and NOTIFY in one transaction) in the
 * process that holds the sockets, or in a process of its own when ours writes through another
 * (`BENCH_WRITER=separate` or `bare`); the sockets' process LISTENs, reads the new rows and sends
 * each event's frame to its pupils' sockets with `ws`. Its clients do what ours do with a message.
 */
async function sameWorkBaseline(orm: MikroORM, url: string, aud: Audience[]) {
  const meta = Object.fromEntries(
    aud.map((a) => [
      a.lessonId,
      { schoolId: a.schoolId, teacherId: a.teacherId, courseId: a.courseId },
    ]),
  );
  const [bare, writer] = await Promise.all([
    startServer(url, 'bench/servers/fanout-bare.ts', [JSON.stringify(meta)]),
    WRITER === 'same' ? undefined : startBareWriter(url, aud),
  ]);
  let received = 0;
  const latencies: number[] = [];
  const sockets: WebSocket[] = [];
  try {
    for (const a of aud) {
      for (const s of a.sockets) {
        const ws = new WebSocket(`ws://127.0.0.1:${bare.port}/${s.pupilId}`);
        ws.on('message', (raw) => {
          const msg = JSON.parse(raw.toString()) as NextMessage;
          if (msg.type !== 'next') return;
          received++;
          latencies.push(Date.now() - Date.parse(msg.payload!.data!.diaryEvents.at));
        });
        await new Promise((r) => ws.once('open', r));
        sockets.push(ws);
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    const cpu = cpuMeter({ bare: bare.child.pid, writer: writer?.child.pid });
    received = 0;
    latencies.length = 0;
    const start = Date.now();
    const { writes, failed } = await saturate(orm, aud, bareWrite(writer?.port ?? bare.port));
    await new Promise((r) => setTimeout(r, 1000));
    const msgs = received / ((Date.now() - start) / 1000);
    const used = cpu();
    note(
      `same-work baseline done: ${Math.round(writes / SECONDS)} writes/s, ${Math.round(msgs)} msgs/s` +
        `${failed ? ` (${failed} writes refused)` : ''}; CPU ms: sockets' process ${used.bare}, ` +
        `writer ${used.writer}, PostgreSQL ${used.postgres}, this process ${used.self}`,
    );
    return { msgs, p95: percentile(latencies, 95), writesPerS: Math.round(writes / SECONDS) };
  } finally {
    for (const s of sockets) s.terminate();
    await Promise.all([stopServer(bare.child), writer && stopServer(writer.child)]);
  }
}

export async function fanout(orm: MikroORM, url: string): Promise<void> {
  const aud = await audiences(orm);
  const clients = aud.reduce((n, a) => n + a.sockets.length, 0);
  // The process that holds the sockets, and the one the teachers write through unless it is the
  // same: a second process of one deployment (`separate`) or the bare writer (`bare`), either way
  // sharing events through PostgreSQL.
  const writers = {
    same: () => undefined,
    separate: () => startServer(url),
    bare: () => startBareWriter(url, aud),
  };
  const [ours, writer] = await Promise.all([startServer(url), writers[WRITER]()]);
  const child = ours.child;
  const port = ours.port;
  const writePort = writer?.port ?? port;
  // Marks go through the API whatever the topic updates do: the bare writer makes only those.
  const markPort = WRITER === 'bare' ? port : writePort;
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssKb(child.pid!);
    let received = 0;
    const latencies: number[] = [];
    let measuring = false;
    note(`server up; ${clients} clients connecting`);
    const sockets = await connectAll(port, aud, (_a, at) => {
      received++;
      if (measuring) latencies.push(Date.now() - at);
    });
    await new Promise((r) => setTimeout(r, 2000));
    const kbPerConn = Math.round((rssKb(child.pid!) - before) / clients);
    note(`connected; ${kbPerConn} KB per connection; saturation`);

    // Saturation: topic updates, one in flight per class, round-robin over the classes.
    const saturationCpu = cpuMeter({ ours: child.pid, writer: writer?.child.pid });
    received = 0;
    measuring = true;
    const start = Date.now();
    const saturation = await saturate(
      orm,
      aud,
      WRITER === 'bare' ? bareWrite(writePort) : apiWrite(writePort),
    );
    const writes = saturation.writes;
    let failed = saturation.failed;
    await new Promise((r) => setTimeout(r, 1000));
    const oursMsgs = received / ((Date.now() - start) / 1000);
    const p = (q: number) => percentile(latencies, q);
    const ours = { p50: p(50), p95: p(95), p99: p(99) };
    measuring = false;

    // Marks at a steady 200 per second (8 a second from each of 25 teachers), each reaching the
    // pupil and the pupil's parents: p95 from commit to arrival.
    const writesPerS = Math.round(writes / SECONDS);
    const used = saturationCpu();
    note(
      `saturation done: ${writesPerS} writes/s, ${Math.round(oursMsgs)} msgs/s; CPU ms: sockets' process ${used.ours}, ` +
        `writer ${used.writer}, PostgreSQL ${used.postgres}, this process ${used.self}; marks`,
    );
    latencies.length = 0;
    measuring = true;
    const mstart = Date.now();
    let sent = 0;
    const pending = new Set<Promise<unknown>>();
    const answerTimes: number[] = [];
    let requests = 0;
    const markWorkers = aud.map((a, w) =>
      (async () => {
        const pupils = [...new Set(a.sockets.map((s) => s.pupilId))];
        // As the journal page does (client/src/lib/features/journal/sync.ts): edits are collected
        // for MARK_BATCH_MS from the first one and go out as one setMarks.
        let batch: Record<string, string>[] = [];
        let timer: ReturnType<typeof setTimeout> | undefined;
        const send = () => {
          clearTimeout(timer);
          timer = undefined;
          const c = batch;
          batch = [];
          if (c.length === 0) return;
          requests++;
          const asked = Date.now();
          const answered = postGraphQL(
            markPort,
            a.teacherToken,
            'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}',
            { c },
          )
            .then((body) => {
              if (body.errors) throw new Error(JSON.stringify(body.errors));
              answerTimes.push(Date.now() - asked);
            })
            .catch((e: Error) => {
              if (failed++ < 3) note(`a mark failed: ${e.message}`);
            });
          pending.add(answered);
          void answered.finally(() => pending.delete(answered));
        };
        for (let k = 0; Date.now() - mstart < SECONDS * 1000; k++) {
          const due = mstart + k * 125 + w * 5;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
          sent++;
          batch.push({
            lessonId: String(a.heldLessonId),
            pupilId: String(pupils[k % pupils.length]),
            value: '5',
            workTypeId: String(a.workTypeId),
          });
          if (MARK_BATCH_MS === 0) send();
          else timer ??= setTimeout(send, MARK_BATCH_MS);
        }
        send();
      })(),
    );
    await Promise.all(markWorkers);
    // Every mark is answered before the figures are taken, and before the baseline, which must
    // not share the machine with our servers still at work.
    const backlog = pending.size;
    const waitStart = Date.now();
    while (pending.size > 0 && Date.now() - waitStart < 120_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (backlog > 0) {
      note(`${backlog} marks were still unanswered; waited ${Date.now() - waitStart} ms for them`);
    }
    await new Promise((r) => setTimeout(r, 1500));
    measuring = false;
    const marksP95 = percentile(latencies, 95);
    const marksAnswerP95 = percentile(answerTimes, 95);
    const marksRate = Math.round(sent / SECONDS);
    const markRequestsRate = Math.round(requests / SECONDS);

    // Delivery alone: the same topic updates, written straight into the outbox (one statement per
    // round of 25, with its NOTIFY) as fast as the sockets' process hands them out, so that the
    // API's write path is left out. Copies of the saturation's own events: same audiences, same
    // payload shape. At most ROUNDS rounds are in flight.
    note(`marks done; delivery alone`);
    const templates = await orm.em.fork().execute<
      {
        school_id: number;
        pupil_ids: number[];
        course_id: number;
        payload: Record<string, unknown>;
      }[]
    >(
      `select distinct on (e.course_id) e.school_id, e.pupil_ids, e.course_id, e.payload
         from domain_event e where e.type = 'LESSON_UPDATED'
          and e.course_id in (select course_id from lesson where id in (${aud.map(() => '?').join(',')}))
        order by e.course_id, e.id desc`,
      aud.map((a) => a.lessonId),
    );
    const perRound = aud.reduce((n, a) => n + a.sockets.length, 0);
    latencies.length = 0;
    received = 0;
    measuring = true;
    let expected = 0;
    let rounds = 0;
    const deliveryCpu = cpuMeter({ ours: child.pid });
    const dstart = Date.now();
    const em = orm.em.fork();
    while (Date.now() - dstart < SECONDS * 1000 && templates.length === aud.length) {
      if (expected - received > perRound * (ROUNDS - 1)) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      rounds++;
      expected += perRound;
      // Written as the API writes them (`publish`: the outbox lock, the rows and NOTIFY).
      await publish(
        em,
        templates[0].school_id,
        templates.map((t) => ({
          type: 'LESSON_UPDATED',
          pupilIds: t.pupil_ids,
          courseId: t.course_id,
          payload: { ...t.payload, topic: `Тема ${rounds}` },
        })),
      );
    }
    const ddeadline = Date.now() + 5000;
    while (received < expected && Date.now() < ddeadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const deliveryMsgs = received / ((Date.now() - dstart) / 1000);
    const deliveryP95 = percentile(latencies, 95);
    measuring = false;
    if (templates.length !== aud.length) note('delivery alone: no events to copy');
    for (const s of sockets) s.terminate();

    let baseMsgs = NaN;
    const dused = deliveryCpu();
    note(
      `delivery alone done: ${Math.round(deliveryMsgs)} msgs/s; CPU ms: sockets' process ${dused.ours}, ` +
        `PostgreSQL ${dused.postgres}, this process ${dused.self}; same-work baseline`,
    );
    const same = await sameWorkBaseline(orm, url, aud);
    note('bare ws baseline');
    // Baseline: a bare `ws` server in its own process, as ours is, sending the same bytes (the
    // first message our server sent in the saturation, as it came) to the same number of sockets,
    // class by class, as fast as it can. Its clients here do what ours do with each message
    // (parse it, read `at`).
    const sample =
      firstFrame ??
      JSON.stringify({
        id: '1',
        type: 'next',
        payload: {
          data: { diaryEvents: { id: '1', type: 'LESSON_UPDATED', payload: '{}', at: '' } },
        },
      });
    const base = await startServer(url, 'bench/servers/baseline-fanout.ts', [sample]);
    let baseReceived = 0;
    const baseSockets: WebSocket[] = [];
    try {
      for (const [i, a] of aud.entries()) {
        for (let k = 0; k < a.sockets.length; k++) {
          const ws = new WebSocket(`ws://127.0.0.1:${base.port}/${i}`);
          ws.on('message', (raw) => {
            const msg = JSON.parse(raw.toString()) as NextMessage;
            if (msg.type === 'next' && Date.parse(msg.payload!.data!.diaryEvents.at) > 0) {
              baseReceived++;
            }
          });
          await new Promise((r) => ws.once('open', r));
          baseSockets.push(ws);
        }
      }
      await new Promise((r) => setTimeout(r, 500));
      const done = new Promise((r) => base.lines.once('line', r));
      const baselineCpu = cpuMeter({ base: base.child.pid });
      const bstart = Date.now();
      base.child.stdin!.write(`go ${SECONDS}\n`);
      await done;
      await new Promise((r) => setTimeout(r, 1000));
      baseMsgs = baseReceived / ((Date.now() - bstart) / 1000);
      const bused = baselineCpu();
      note(
        `baseline done: ${Math.round(baseMsgs)} msgs/s of ${Buffer.byteLength(sample)} bytes; ` +
          `CPU ms: its process ${bused.base}, this process ${bused.self}`,
      );
    } finally {
      for (const s of baseSockets) s.terminate();
      await stopServer(base.child);
    }

    console.table({
      ours: {
        msgs_s: Math.round(oursMsgs),
        p50_ms: ours.p50,
        p95_ms: ours.p95,
        p99_ms: ours.p99,
        kb_per_conn: kbPerConn,
        writes_per_s: writesPerS,
        marks_per_s: marksRate,
        mark_requests_per_s: markRequestsRate,
        marks_p95_ms: marksP95,
        marks_answer_p95_ms: marksAnswerP95,
        failed,
        delivery_msgs_s: Math.round(deliveryMsgs),
        delivery_p95_ms: deliveryP95,
      },
      same_work_baseline: {
        msgs_s: Math.round(same.msgs),
        p95_ms: same.p95,
        writes_per_s: same.writesPerS,
      },
      baseline: { msgs_s: Math.round(baseMsgs) },
    });
    console.log(
      `${clients} clients in ${aud.length} classes; ${SECONDS} s each; ratio = ours / bare ws (messages per second), same_work_ratio = ours / the same work done bare; ` +
        {
          same: 'writes through the process that holds the sockets',
          separate: 'writes through a second process, events through PostgreSQL',
          bare: 'writes through the bare SQL writer (no API), events through PostgreSQL',
        }[WRITER],
    );
    console.log(
      `BENCH ${JSON.stringify({
        name: 'fanout',
        clients,
        ours_msgs_s: Math.round(oursMsgs),
        baseline_msgs_s: Math.round(baseMsgs),
        ratio: Math.round((oursMsgs / baseMsgs) * 1000) / 1000,
        p95_ms: ours.p95,
        marks_p95_ms: marksP95,
        marks_answer_p95_ms: marksAnswerP95,
        marks_s: marksRate,
        mark_requests_s: markRequestsRate,
        kb_per_conn: kbPerConn,
        delivery_msgs_s: Math.round(deliveryMsgs),
        delivery_ratio: Math.round((deliveryMsgs / baseMsgs) * 1000) / 1000,
        delivery_p95_ms: deliveryP95,
        writer: WRITER,
        writes_s: writesPerS,
        failed,
        same_work_baseline_msgs_s: Math.round(same.msgs),
        same_work_ratio: Math.round((oursMsgs / same.msgs) * 1000) / 1000,
        same_work_baseline_p95_ms: same.p95,
        same_work_baseline_writes_s: same.writesPerS,
      })}`,
    );
  } finally {
    // Let our servers close their connections before the database goes away.
    await Promise.all([stopServer(child), writer && stopServer(writer.child)]);
  }
}
