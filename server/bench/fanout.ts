/**
 * npm run bench -- fanout
 *
 * N authenticated graphql-ws clients (the pupils and parents of 25 classes), each subscribed to
 * its diary. Teachers update lesson topics as fast as the server takes them; each update reaches
 * one class's pupils and parents. Baseline in the same run: a bare `ws` server sending the same
 * payload bytes to the same number of sockets in the same order, as fast as it can.
 */
import { randomBytes, createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import WebSocket, { WebSocketServer } from 'ws';
import type { MikroORM } from '@mikro-orm/postgresql';

interface Audience {
  classId: number;
  lessonId: number;
  heldLessonId: number;
  workTypeId: number;
  teacherToken: string;
  sockets: { token: string; pupilId: number }[];
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** Sessions for the pupils and both parents of 25 classes, and for each class's teacher. */
async function audiences(orm: MikroORM): Promise<Audience[]> {
  const em = orm.em.fork();
  const classes = await em.execute<
    {
      id: number;
      course_id: number;
      teacher_id: number;
      lesson_id: number;
      held_id: number;
      work_type_id: number;
    }[]
  >(
    `select c.id, co.id as course_id, co.teacher_id,
            (select l.id from lesson l where l.course_id = co.id order by l.date desc limit 1) as lesson_id,
            (select l.id from lesson l where l.course_id = co.id and l.date <= current_date and not l.cancelled
              and not exists(select 1 from study_period p where l.date between p.starts_on and p.ends_on and p.locked_at is not null)
              order by l.date desc limit 1) as held_id,
            (select w.id from work_type w where w.school_id = c.school_id order by w.sort limit 1) as work_type_id
       from class_group c join school s on s.id = c.school_id and s.name like 'Бенчмарк%'
       join lateral (select co.* from course co where co.class_group_id = c.id and co.subgroup_id is null order by co.id limit 1) co on true
      order by c.grade desc, c.letter limit 25`,
  );
  const tokenFor = async (personId: number) => {
    const token = randomBytes(24).toString('base64url');
    await em.execute(
      `with a as (insert into user_account (school_id, person_id, login, password_hash, active, created_at)
                  select school_id, id, 'bench.p' || id, 'x', true, now() from person where id = ?
                  on conflict (person_id) do update set active = true returning id, school_id)
       insert into session (school_id, account_id, token_hash, created_at, last_seen_at, expires_at)
       select school_id, id, ?, now(), now(), now() + interval '1 day' from a`,
      [personId, createHash('sha256').update(token).digest('hex')],
    );
    return token;
  };
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
      lessonId: c.lesson_id,
      heldLessonId: c.held_id,
      workTypeId: c.work_type_id,
      teacherToken: await tokenFor(c.teacher_id),
      sockets,
    });
  }
  return out;
}

function rssKb(pid: number): number {
  return Number(
    execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
      .toString()
      .trim(),
  );
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
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
            const msg = JSON.parse(raw.toString()) as {
              type: string;
              payload?: { data?: { diaryEvents: { at: string } } };
            };
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

export async function fanout(orm: MikroORM, url: string): Promise<void> {
  const aud = await audiences(orm);
  const clients = aud.reduce((n, a) => n + a.sockets.length, 0);
  const child = spawn(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', 'bench/servers/ours.ts', url],
    {
      cwd: path.resolve(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve) =>
    readline
      .createInterface({ input: child.stdout! })
      .once('line', (l) => resolve((JSON.parse(l) as { port: number }).port)),
  );
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssKb(child.pid!);
    let received = 0;
    const latencies: number[] = [];
    let measuring = false;
    const sockets = await connectAll(port, aud, (_a, at) => {
      received++;
      if (measuring) latencies.push(Date.now() - at);
    });
    await new Promise((r) => setTimeout(r, 2000));
    const kbPerConn = Math.round((rssKb(child.pid!) - before) / clients);

    // Saturation: topic updates, a few in flight at a time, round-robin over the classes.
    // Versions advance with each update: read the current one first, then keep it in step.
    const versions = new Map<number, number>();
    for (const a of aud) {
      const [row] = await orm.em
        .fork()
        .execute<{ version: number }[]>(`select version from lesson where id = ?`, [a.lessonId]);
      versions.set(a.lessonId, row.version);
    }
    const updateVersioned = async (a: Audience, n: number) => {
      const v = versions.get(a.lessonId)!;
      versions.set(a.lessonId, v + 1);
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: `otmetka_session=${a.teacherToken}`,
        },
        body: JSON.stringify({
          query:
            'mutation($id:ID!,$t:String,$v:Int!){updateLesson(id:$id,input:{topic:$t,version:$v}){id}}',
          variables: { id: String(a.lessonId), t: `Тема ${n}`, v },
        }),
      });
      await res.text();
    };
    received = 0;
    measuring = true;
    const start = Date.now();
    let n = 0;
    const workers = Array.from({ length: aud.length }, (_, w) =>
      (async () => {
        while (Date.now() - start < SECONDS * 1000) await updateVersioned(aud[w], n++);
      })(),
    );
    await Promise.all(workers);
    await new Promise((r) => setTimeout(r, 1000));
    const oursMsgs = received / ((Date.now() - start) / 1000);
    const p = (q: number) => percentile(latencies, q);
    const ours = { p50: p(50), p95: p(95), p99: p(99) };
    measuring = false;

    // Marks at a steady 200 per second (8 a second from each of 25 teachers), each reaching the
    // pupil and the pupil's parents: p95 from commit to arrival.
    latencies.length = 0;
    measuring = true;
    const mstart = Date.now();
    let sent = 0;
    const markWorkers = aud.map((a, w) =>
      (async () => {
        const pupils = [...new Set(a.sockets.map((s) => s.pupilId))];
        for (let k = 0; Date.now() - mstart < SECONDS * 1000; k++) {
          const due = mstart + k * 125 + w * 5;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
          sent++;
          void fetch(`http://127.0.0.1:${port}/graphql`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              cookie: `otmetka_session=${a.teacherToken}`,
            },
            body: JSON.stringify({
              query: 'mutation($c:[MarkChangeInput!]!){saveMarks(changes:$c){saved{id}}}',
              variables: {
                c: [
                  {
                    lessonId: String(a.heldLessonId),
                    pupilId: String(pupils[k % pupils.length]),
                    value: '5',
                    workTypeId: String(a.workTypeId),
                  },
                ],
              },
            }),
          }).then((r) => r.text());
        }
      })(),
    );
    await Promise.all(markWorkers);
    await new Promise((r) => setTimeout(r, 1500));
    measuring = false;
    const marksP95 = percentile(latencies, 95);
    const marksRate = Math.round(sent / SECONDS);
    for (const s of sockets) s.terminate();

    // Baseline: the same number of sockets, the same payload bytes, class by class, as fast as it can.
    const sample = JSON.stringify({
      id: '1',
      type: 'next',
      payload: {
        data: {
          diaryEvents: {
            id: '1',
            type: 'LESSON_UPDATED',
            payload: '{"topic":"Тема 1"}',
            at: new Date().toISOString(),
          },
        },
      },
    });
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    const basePort = (wss.address() as import('node:net').AddressInfo).port;
    let baseReceived = 0;
    const baseSockets: WebSocket[] = [];
    const groups: WebSocket[][] = aud.map(() => []);
    const serverSide: WebSocket[] = [];
    wss.on('connection', (ws) => serverSide.push(ws));
    for (const [i, a] of aud.entries()) {
      for (let k = 0; k < a.sockets.length; k++) {
        const ws = new WebSocket(`ws://127.0.0.1:${basePort}`);
        ws.on('message', () => baseReceived++);
        await new Promise((r) => ws.once('open', r));
        baseSockets.push(ws);
        groups[i].push(ws);
      }
    }
    while (serverSide.length < baseSockets.length) await new Promise((r) => setTimeout(r, 10));
    const serverGroups: WebSocket[][] = [];
    let offset = 0;
    for (const g of groups) {
      serverGroups.push(serverSide.slice(offset, offset + g.length));
      offset += g.length;
    }
    const bstart = Date.now();
    let i = 0;
    while (Date.now() - bstart < SECONDS * 1000) {
      for (const ws of serverGroups[i++ % serverGroups.length]) ws.send(sample);
      if (i % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const baseMsgs = baseReceived / ((Date.now() - bstart) / 1000);
    for (const s of baseSockets) s.terminate();
    wss.close();

    console.table({
      ours: {
        msgs_s: Math.round(oursMsgs),
        p50_ms: ours.p50,
        p95_ms: ours.p95,
        p99_ms: ours.p99,
        kb_per_conn: kbPerConn,
        marks_per_s: marksRate,
        marks_p95_ms: marksP95,
      },
      baseline: { msgs_s: Math.round(baseMsgs) },
    });
    console.log(
      `${clients} clients in ${aud.length} classes; ${SECONDS} s each; ratio = ours / baseline (messages per second)`,
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
        kb_per_conn: kbPerConn,
      })}`,
    );
  } finally {
    // Let our server close its connections before the database goes away.
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}
