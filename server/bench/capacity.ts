/**
 * npm run bench -- capacity
 *
 * How many live subscribers one server process holds: authenticated graphql-ws subscriptions to
 * the diary (a pupil's own, or a parent's of each child), one socket each, opened against ONE
 * server process in steps (BENCH_CAPACITY_STEPS, default 5000,10000,19000; each step adds to the
 * sockets of the last). The clients run in processes of their own (at most CLIENTS_PER_PROCESS
 * sockets each, each from its own loopback address: `servers/capacity-clients.ts`). Each step
 * reports the server's RSS and KB per connection, the time to open the step's sockets (until each
 * has received a probe event, i.e. its subscription is live), p95 from commit to arrival of
 * class-wide events (one class's pupils and parents), and the time until every socket got one
 * school-wide event (a cancelled day for the whole school).
 *
 * Its own database (`otmetka_capacity_v1`, made once): one generated school of 231 classes of
 * 30 pupils, without lessons or marks; sessions are inserted by SQL, one statement per step.
 * Every process here may hold at most 20,000 open files (a hard limit), hence 19,000 at most.
 */
import 'reflect-metadata';
import fs from 'node:fs/promises';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../src/config.js';
import { openDatabaseServer } from '../src/db/database.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { generateSchool } from '../src/seed/generate.js';
import { schoolYearStart } from '../src/seed/demo.js';
import { setLogLevel } from '../src/log.js';
import { publish } from '../src/events/outbox.js';
import { cpuMeter, rssKb, startServer, stopServer } from './processes.js';

const DB = 'otmetka_capacity_v1';
const SCHOOL = 'Ёмкость: школьный округ';
const LETTERS = 'АБВГДЕЖЗИКЛМНОПРСТУФХ'.split('');
const STEPS = (process.env.BENCH_CAPACITY_STEPS ?? '5000,10000,19000').split(',').map(Number);
const CLIENTS_PER_PROCESS = 5000;
/** Class-wide events per step, one class each, spaced CLASS_GAP_MS apart. */
const CLASS_EVENTS = 60;
const CLASS_GAP_MS = 50;
const t0 = Date.now();
const note = (msg: string) =>
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Subscriber {
  personId: number;
  pupilId: number;
  classId: number;
}

async function openCapacityData() {
  setLogLevel('warn');
  const dataDir = path.resolve(import.meta.dirname, '../../.data-bench');
  await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir });
  const server = await openDatabaseServer(config);
  if (!(await server.databaseExists(DB))) await server.createDatabase(DB);
  const url = server.urlFor(DB);
  const orm = await openOrm(url);
  await migrate(orm);
  const [{ n }] = await orm.em.execute<{ n: string }[]>(
    `select count(*) n from school where name = ?`,
    [SCHOOL],
  );
  if (Number(n) === 0) {
    note('generating the capacity school (once; kept for later runs)…');
    await orm.em.fork().transactional(async (em) => {
      await generateSchool(em, {
        seed: 1900,
        schoolName: SCHOOL,
        startYear: schoolYearStart(),
        grades: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        letters: LETTERS,
        pupilsPerClass: [30, 30],
        passwordHash: 'x',
        loginPrefix: 'cap.',
      });
    });
    note('generated');
  }
  return { server, orm, url };
}

/** Pupils and their parents, class by class: each subscribes to the pupil's diary. */
async function subscribers(orm: MikroORM): Promise<{ schoolId: number; subs: Subscriber[] }> {
  const rows = await orm.em
    .fork()
    .execute<{ school_id: number; person_id: number; pupil_id: number; class_id: number }[]>(
      `select c.school_id, x.person_id, e.pupil_id, c.id as class_id
       from class_group c join school s on s.id = c.school_id and s.name = ?
       join enrollment e on e.class_group_id = c.id
       cross join lateral (select e.pupil_id as person_id, 0 as k
                           union all select g.guardian_id, g.id from guardianship g where g.pupil_id = e.pupil_id) x
      order by c.grade, c.letter, e.pupil_id, x.k`,
      [SCHOOL],
    );
  return {
    schoolId: rows[0].school_id,
    subs: rows.map((r) => ({ personId: r.person_id, pupilId: r.pupil_id, classId: r.class_id })),
  };
}

/** Sessions for these people in one statement (accounts made or switched on): their tokens. */
async function sessions(orm: MikroORM, schoolId: number, people: number[]): Promise<string[]> {
  const tokens = people.map(() => randomBytes(24).toString('base64url'));
  const hashes = tokens.map((t) => createHash('sha256').update(t).digest('hex'));
  await orm.em.fork().execute(
    `with a as (insert into user_account (school_id, person_id, login, password_hash, active, created_at)
                select school_id, id, 'cap.p' || id, 'x', true, now() from person where id = any(?::int[])
                on conflict (person_id) do update set active = true returning id, person_id)
     insert into session (school_id, account_id, token_hash, created_at, last_seen_at, expires_at)
     select ?, a.id, t.hash, now(), now(), now() + interval '1 day'
       from unnest(?::int[], ?::text[]) t(person_id, hash) join a on a.person_id = t.person_id`,
    // Arrays as PostgreSQL's text (the ORM's driver would spread a JS array into a list).
    [`{${people.join(',')}}`, schoolId, `{${people.join(',')}}`, `{${hashes.join(',')}}`],
  );
  return tokens;
}

/**
 * Our server as deployed (README: `node dist/main.js`), compiled by tsc into `.data-bench/dist`:
 * under the benchmarks' on-the-fly compiler (`@swc-node/register`) a server process starts at
 * ~410 MB of RSS instead of ~210 MB, which would count against the sockets.
 * BENCH_CAPACITY_SWC=1 runs `servers/ours.ts` under that compiler instead.
 */
async function startOurs(url: string) {
  if (process.env.BENCH_CAPACITY_SWC) return startServer(url);
  const root = path.resolve(import.meta.dirname, '../..');
  const outDir = path.join(root, '.data-bench/dist');
  note('compiling the server (tsc) into .data-bench/dist…');
  try {
    execFileSync(
      process.execPath,
      [
        path.join(root, 'node_modules/typescript/bin/tsc'),
        '-p',
        path.join(root, 'server/tsconfig.build.json'),
        '--outDir',
        outDir,
      ],
      { stdio: 'ignore' },
    );
  } catch {
    // Type errors (someone's work in progress) still emit JavaScript: main.js is checked below.
  }
  await fs.access(path.join(outDir, 'main.js'));
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  // BENCH_CAPACITY_HEAP=<dir>: a heap snapshot of the server before the sockets and after each step.
  const heap = process.env.BENCH_CAPACITY_HEAP
    ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${process.env.BENCH_CAPACITY_HEAP}`]
    : [];
  const child = spawn(process.execPath, [...heap, path.join(outDir, 'main.js')], {
    cwd: path.join(root, 'server'),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, port, lines };
    if (child.exitCode !== null) break;
    await sleep(250);
  }
  throw new Error('the compiled server did not start');
}

/** With BENCH_CAPACITY_HEAP, asks the server for a heap snapshot and waits for it to be written. */
async function heapSnapshot(child: ChildProcess) {
  const dir = process.env.BENCH_CAPACITY_HEAP;
  if (!dir) return;
  const count = async () => (await fs.readdir(dir)).filter((f) => f.endsWith('.heapsnapshot'));
  const before = (await count()).length;
  child.kill('SIGUSR2');
  while ((await count()).length === before) await sleep(500);
  // Written in place: done when its size stops growing.
  const file = path.join(dir, (await count()).sort().at(-1)!);
  let size = -1;
  while (size !== (size = (await fs.stat(file)).size)) await sleep(1000);
  note(`heap snapshot written to ${dir}`);
}

type Clients = Awaited<ReturnType<typeof startClients>>;

/** A client process: sends one command, waits for its one-line answer. */
async function startClients(url: string, index: number) {
  const proc = await startServer(url, 'bench/servers/capacity-clients.ts', [
    `127.0.0.${2 + index}`,
  ]);
  const ask = <T>(command: unknown): Promise<T> =>
    new Promise((resolve) => {
      proc.lines.once('line', (l) => resolve(JSON.parse(l) as T));
      proc.child.stdin!.write(JSON.stringify(command) + '\n');
    });
  return { proc, ask, held: 0 };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function report(clients: Clients[]) {
  const all = await Promise.all(
    clients.map((c) =>
      c.ask<{ byType: Record<string, number[]>; last: Record<string, number> }>({
        cmd: 'report',
      }),
    ),
  );
  const byType = (t: string) => all.flatMap((r) => r.byType[t] ?? []);
  const last = (t: string) => Math.max(0, ...all.map((r) => r.last[t] ?? 0));
  return { byType, last };
}

/**
 * Publishes PROBE events until every socket has received one: a socket acknowledged a moment ago
 * may not be subscribed yet. Each probe names only the pupils of the sockets still waiting, and
 * the next waits longer (1, 2, 4 … 16 s) while none arrives: a loaded server is not sent more.
 */
async function probeAll(orm: MikroORM, schoolId: number, clients: Clients[], server: ChildProcess) {
  const [{ id }] = await orm.em
    .fork()
    .execute<{ id: string }[]>(`select coalesce(max(id), 0)::text as id from domain_event`);
  const since = String(BigInt(id) + 1n);
  let best = Infinity;
  let progressAt = Date.now();
  let probeAt = 0;
  let wait = 1000;
  for (;;) {
    const answers = await Promise.all(
      clients.map((c) =>
        c.ask<{ missing: number; pupils: number[]; refused: number; closed: number }>({
          cmd: 'probed',
          id: since,
        }),
      ),
    );
    const sum = (k: 'missing' | 'refused' | 'closed') => answers.reduce((n, a) => n + a[k], 0);
    const missing = sum('missing');
    if (missing === 0) return;
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    if (missing < best) [best, progressAt] = [missing, Date.now()];
    if (Date.now() - progressAt > 120_000) {
      throw new Error(`${missing} sockets never received a probe`);
    }
    if (Date.now() - probeAt >= wait && Date.now() - progressAt >= 1000) {
      if (probeAt > 0) {
        note(
          `${missing} sockets wait for a probe; ${sum('refused')} refusals, ${sum('closed')} closed`,
        );
        wait = Math.min(16_000, wait * 2);
      }
      probeAt = Date.now();
      const pupils = [...new Set(answers.flatMap((a) => a.pupils))];
      await publish(orm.em.fork(), schoolId, [{ type: 'PROBE', pupilIds: pupils, payload: {} }]);
    }
    await sleep(250);
  }
}

export async function capacity(): Promise<void> {
  const { server, orm, url } = await openCapacityData();
  const { schoolId, subs } = await subscribers(orm);
  const max = STEPS[STEPS.length - 1];
  if (subs.length < max) throw new Error(`only ${subs.length} subscribers for ${max}`);
  note(
    `ulimit -n: ${execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()}; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await orm.em.execute(`delete from session where school_id = ?`, [schoolId]);
  const ours = await startOurs(url);
  const clients: Clients[] = [];
  const results: Record<string, number>[] = [];
  try {
    await sleep(1000);
    const rssBefore = rssKb(ours.child.pid!);
    await heapSnapshot(ours.child);
    let open = 0;
    for (const step of STEPS) {
      const batch = subs.slice(open, step);
      const tokens = await sessions(
        orm,
        schoolId,
        batch.map((s) => s.personId),
      );
      const cpu = cpuMeter({ ours: ours.child.pid });
      const started = Date.now();
      // Fill the client processes in turn, CLIENTS_PER_PROCESS each.
      const opening: Promise<{ opened: number; failed: number }>[] = [];
      for (let i = 0; i < batch.length;) {
        let c = clients.find((x) => x.held < CLIENTS_PER_PROCESS);
        if (!c) clients.push((c = await startClients(url, clients.length)));
        const n = Math.min(CLIENTS_PER_PROCESS - c.held, batch.length - i);
        c.held += n;
        const part = batch.slice(i, i + n).map((s, k) => [tokens[i + k], s.pupilId]);
        opening.push(c.ask({ cmd: 'open', port: ours.port, subs: part }));
        i += n;
      }
      const opened = await Promise.all(opening);
      const ackMs = Date.now() - started;
      const failed = opened.reduce((n, o) => n + o.failed, 0);
      if (failed > 0) throw new Error(`${failed} sockets failed to open`);
      open = step;
      const pupils = [...new Set(subs.slice(0, open).map((s) => s.pupilId))];
      await probeAll(orm, schoolId, clients, ours.child);
      const connectMs = Date.now() - started;
      const connectCpu = cpu().ours;
      await report(clients); // the probes' deliveries are not measured
      await sleep(2000);
      const rss = rssKb(ours.child.pid!);
      await heapSnapshot(ours.child);
      note(
        `${open} subscriptions live in ${(connectMs / 1000).toFixed(1)} s (server CPU ${connectCpu} ms); RSS ${Math.round(rss / 1024)} MB`,
      );

      // Class-wide: one class's pupils and parents, a class after another.
      const classes = [...new Set(subs.slice(0, open).map((s) => s.classId))];
      const pupilsOf = (classId: number) => [
        ...new Set(
          subs
            .slice(0, open)
            .filter((s) => s.classId === classId)
            .map((s) => s.pupilId),
        ),
      ];
      let expected = 0;
      for (let k = 0; k < CLASS_EVENTS; k++) {
        const classId = classes[(k * 7) % classes.length];
        expected += subs.slice(0, open).filter((s) => s.classId === classId).length;
        await publish(orm.em.fork(), schoolId, [
          {
            type: 'LESSON_UPDATED',
            pupilIds: pupilsOf(classId),
            classGroupId: classId,
            payload: { id: String(k), topic: `Тема ${k}`, homework: null, version: k },
          },
        ]);
        await sleep(CLASS_GAP_MS);
      }
      await sleep(1000);
      const cls = await report(clients);
      const classDelays = cls.byType('LESSON_UPDATED');
      if (classDelays.length < expected) {
        note(`class-wide: ${classDelays.length} of ${expected} arrived`);
      }

      // School-wide: one event to every socket (a cancelled day for the whole school).
      const allCpu = cpuMeter({ ours: ours.child.pid });
      await publish(orm.em.fork(), schoolId, [
        {
          type: 'CANCELLED_DAY',
          pupilIds: pupils,
          payload: { date: '2027-01-20', reason: 'Мороз', classIds: [] },
        },
      ]);
      const deadline = Date.now() + 30_000;
      let everyone = await report(clients);
      let got = everyone.byType('CANCELLED_DAY');
      let lastMs = everyone.last('CANCELLED_DAY');
      while (got.length < open && Date.now() < deadline) {
        await sleep(250);
        everyone = await report(clients);
        got = got.concat(everyone.byType('CANCELLED_DAY'));
        lastMs = Math.max(lastMs, everyone.last('CANCELLED_DAY'));
      }
      if (got.length < open) note(`school-wide: ${got.length} of ${open} arrived`);
      const row = {
        connections: open,
        rss_mb: Math.round(rss / 1024),
        kb_per_conn: Math.round((rss - rssBefore) / open),
        connect_s: Math.round(ackMs / 100) / 10,
        live_s: Math.round(connectMs / 100) / 10,
        connect_cpu_ms_per_conn: Math.round((connectCpu / batch.length) * 100) / 100,
        class_events: CLASS_EVENTS,
        class_deliveries: classDelays.length,
        class_p50_ms: percentile(classDelays, 50),
        class_p95_ms: percentile(classDelays, 95),
        all_delivered: got.length,
        all_p50_ms: percentile(got, 50),
        all_last_ms: lastMs,
        all_cpu_ms: allCpu().ours,
      };
      results.push(row);
      note(JSON.stringify(row));
    }
  } finally {
    await Promise.all(clients.map((c) => stopServer(c.proc.child)));
    await stopServer(ours.child);
    await orm.close(true);
    await server.stop();
  }
  console.table(results);
  const last = results[results.length - 1];
  console.log(
    `one server process; clients in ${Math.ceil(last.connections / CLIENTS_PER_PROCESS)} processes; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `BENCH ${JSON.stringify({
      name: 'capacity',
      connections: last.connections,
      rss_mb: last.rss_mb,
      kb_per_conn: last.kb_per_conn,
      connect_s: last.connect_s,
      live_s: last.live_s,
      class_p95_ms: last.class_p95_ms,
      all_last_ms: last.all_last_ms,
    })}`,
  );
}
