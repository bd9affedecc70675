/**
 * npm run bench -- cancelled-days
 *
 * Every pupil's and parent's socket of the benchmark school (36 classes of 30 pupils) is connected
 * and subscribed to its notifications, the feed the app shell's cancelled-day banner listens to.
 * The director then declares today cancelled for the whole school (grades 1–9), and each socket
 * notes when the event reaches it. Measured from the declaration's commit (the event's `at`, taken
 * in the transaction just before the commit, on the same machine's clock) until each socket has
 * it: p50, p95 and the last. The declaration is withdrawn afterwards, so that runs repeat.
 * Goal (issue 15): every socket within 1 s.
 */
import WebSocket from 'ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import { startServer, stopServer } from './processes.js';
import { benchSession } from './setup.js';
import { postGraphQL } from './http.js';

const DECLARE = `mutation($i:DeclareCancelledDayInput!){declareCancelledDay(input:$i){id date}}`;

const t0 = Date.now();
const note = (msg: string) =>
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}\n`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Sessions for every pupil and parent of the benchmark school, and for its director. */
async function people(orm: MikroORM) {
  const em = orm.em.fork();
  const [school] = await em.execute<{ id: number; director: number }[]>(
    `select s.id, (select g.person_id from role_grant g where g.school_id = s.id and g.role = 'DIRECTOR' limit 1) as director
       from school s where s.name like 'Бенчмарк%' limit 1`,
  );
  await em.execute(`delete from cancelled_day where school_id = ?`, [school.id]);
  const rows = await em.execute<{ person_id: number }[]>(
    `select distinct e.pupil_id as person_id from enrollment e where e.school_id = ? and e.ends_on is null
     union select distinct g.guardian_id from guardianship g join enrollment e on e.pupil_id = g.pupil_id
      where e.school_id = ? and e.ends_on is null`,
    [school.id, school.id],
  );
  const tokens: string[] = [];
  for (const r of rows) tokens.push(await benchSession(em, r.person_id));
  return { schoolId: school.id, director: await benchSession(em, school.director), tokens };
}

/** One socket subscribed to `notifications`; `onEvent` gets each CANCELLED_DAY event's `at`. */
function connect(port: number, token: string, onEvent: (at: number) => void): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', {
    headers: { cookie: `otmetka_session=${token}`, origin: `http://127.0.0.1:${port}` },
  });
  return new Promise((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as {
        type: string;
        payload?: { data?: { notifications: { type: string; at: string; payload: string } } };
      };
      if (msg.type === 'connection_ack') {
        ws.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: 'subscription{notifications{id type payload at}}' },
          }),
        );
        setTimeout(() => resolve(ws), 0);
      } else if (msg.type === 'next') {
        const e = msg.payload!.data!.notifications;
        // The declaration only: the withdrawal that ends the run comes after the measurement.
        const declared = e.type === 'CANCELLED_DAY' && e.payload.includes('"DECLARED"');
        if (declared) onEvent(Date.parse(e.at));
      }
    });
    ws.on('error', reject);
  });
}

export async function cancelledDays(orm: MikroORM, url: string): Promise<void> {
  const { director, tokens } = await people(orm);
  const ours = await startServer(url);
  try {
    note(`server up; ${tokens.length} pupils' and parents' sockets connecting`);
    const latencies: number[] = [];
    const sockets: WebSocket[] = [];
    for (let i = 0; i < tokens.length; i += 200) {
      const batch = tokens.slice(i, i + 200);
      sockets.push(
        ...(await Promise.all(
          batch.map((tk) => connect(ours.port, tk, (at) => latencies.push(Date.now() - at))),
        )),
      );
    }
    // Let every subscription reach the bus before the declaration.
    await new Promise((r) => setTimeout(r, 3000));
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Moscow' });
    note(`connected; declaring ${today} for grades 1–9`);
    const sent = Date.now();
    const answer = (await postGraphQL(ours.port, director, DECLARE, {
      i: { date: today, grades: [1, 2, 3, 4, 5, 6, 7, 8, 9], reason: 'FROST', temperature: -31 },
    })) as { errors?: unknown; data?: { declareCancelledDay: { id: string } } };
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    const answered = Date.now() - sent;
    const all = await waitAll(() => latencies.length >= sockets.length, 15_000);
    const missing = sockets.length - latencies.length;
    await postGraphQL(ours.port, director, `mutation($id:ID!){withdrawCancelledDay(id:$id)}`, {
      id: answer.data!.declareCancelledDay.id,
    });
    for (const ws of sockets) ws.close();
    report(sockets.length, latencies, answered, all ? 0 : missing);
  } finally {
    await stopServer(ours.child);
  }
}

function waitAll(check: () => boolean, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    const end = Date.now() + timeout;
    const tick = () => {
      if (check()) resolve(true);
      else if (Date.now() > end) resolve(false);
      else setTimeout(tick, 5);
    };
    tick();
  });
}

function report(clients: number, latencies: number[], answeredMs: number, missing: number): void {
  const result = {
    name: 'cancelled-days',
    clients,
    received: latencies.length,
    missing,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    last_ms: Math.max(0, ...latencies),
    mutation_ms: answeredMs,
  };
  console.table({ 'from commit to socket': result });
  console.log(`BENCH ${JSON.stringify(result)}`);
}
