/**
 * npm run bench -- cancelled-day   (also `cancelled-days`, its first name)
 *
 * Every pupil's and parent's socket of the benchmark school (36 classes of 30 pupils) is connected
 * and subscribed to its notifications, the feed the app shell's cancelled-day banner listens to.
 * The sockets are held by client processes of their own (`servers/feed-clients.ts`,
 * BENCH_CLIENT_PROCESSES, default 2), so the clients' parsing does not queue in one event loop.
 * The director then declares today cancelled for the whole school (grades 1–9), and each socket
 * notes when the event reaches it. Measured from the declaration's commit (the event's `at`, taken
 * in the transaction just before the commit, on the same machine's clock) until each socket has
 * it: the first, p50, p95 and the last, with the load average of the machine at the end (the
 * figures of a loaded machine say little). The declaration is withdrawn afterwards, so that runs
 * repeat. BENCH_CPU_PROF=<dir> writes the server's CPU profile (bench/processes.ts).
 * Goal (issue 15): every socket within 1 s.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import os from 'node:os';
import { startFeedClients, startServer, stopServer } from './processes.js';
import { benchSession } from './setup.js';
import { postGraphQL } from './http.js';

/** Client processes holding the sockets (BENCH_CLIENT_PROCESSES, default 2: the machine's cores). */
const CLIENT_PROCESSES = Math.max(1, Number(process.env.BENCH_CLIENT_PROCESSES ?? 2));
/** From the last socket open to the declaration: every subscription reaches the bus first. */
const SETTLE_MS = 5000;
const DECLARE = `mutation($i:DeclareCancelledDayInput!){declareCancelledDay(input:$i){id date}}`;
/** The banner's feed, and the frames timed: the declaration (not its withdrawal at the end). */
const FEED = 'subscription{notifications{id type payload at}}';
const MEASURE = '"type":"CANCELLED_DAY".*DECLARED';

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

type Clients = Awaited<ReturnType<typeof startFeedClients>>;

async function collect(clients: Clients[]): Promise<number[]> {
  const answers = await Promise.all(
    clients.map((c) => c.ask<{ delays: number[] }>({ cmd: 'report' })),
  );
  return answers.flatMap((a) => a.delays);
}

export async function cancelledDays(orm: MikroORM, url: string): Promise<void> {
  const { director, tokens } = await people(orm);
  const ours = await startServer(url);
  const clients: Clients[] = [];
  try {
    for (let i = 0; i < CLIENT_PROCESSES; i++) clients.push(await startFeedClients(url));
    note(
      `server up; ${tokens.length} pupils' and parents' sockets connecting from ${CLIENT_PROCESSES} processes`,
    );
    const shares = clients.map((_, k) => tokens.filter((_t, i) => i % CLIENT_PROCESSES === k));
    const opened = await Promise.all(
      clients.map((c, k) =>
        c.ask<{ opened: number; failed: number }>({
          cmd: 'open',
          port: ours.port,
          tokens: shares[k],
          feeds: [FEED],
          measure: MEASURE,
        }),
      ),
    );
    const sockets = opened.reduce((n, o) => n + o.opened, 0);
    // Let every subscription reach the bus before the declaration.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Moscow' });
    note(`${sockets} connected; declaring ${today} for grades 1–9`);
    const sent = Date.now();
    const answer = (await postGraphQL(ours.port, director, DECLARE, {
      i: { date: today, grades: [1, 2, 3, 4, 5, 6, 7, 8, 9], reason: 'FROST', temperature: -31 },
    })) as { errors?: unknown; data?: { declareCancelledDay: { id: string } } };
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    const answered = Date.now() - sent;
    let latencies: number[] = [];
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      latencies = await collect(clients);
      if (latencies.length >= sockets) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await postGraphQL(ours.port, director, `mutation($id:ID!){withdrawCancelledDay(id:$id)}`, {
      id: answer.data!.declareCancelledDay.id,
    });
    report(sockets, latencies, answered, sockets - latencies.length);
  } finally {
    for (const c of clients) await stopServer(c.proc.child);
    await stopServer(ours.child);
  }
}

function report(clients: number, latencies: number[], answeredMs: number, missing: number): void {
  const result = {
    name: 'cancelled-day',
    clients,
    last_ms: Math.max(0, ...latencies),
    p95_ms: percentile(latencies, 95),
    p50_ms: percentile(latencies, 50),
    first_ms: latencies.length > 0 ? Math.min(...latencies) : 0,
    received: latencies.length,
    missing,
    mutation_ms: answeredMs,
    load_avg: Number(os.loadavg()[0].toFixed(2)),
  };
  console.table({ 'from commit to socket': result });
  console.log(`BENCH ${JSON.stringify(result)}`);
}
