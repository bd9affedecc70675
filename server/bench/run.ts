/**
 * npm run bench -- <journal|diary|fanout|capacity|writes|requests|profile|load|cancelled-day|reports|messages|health|push>
 *
 * Measures one read through the real HTTP endpoint with a real session, against a baseline in the
 * same run: the same data read by one hand-written SQL statement through `pg` and sent as JSON by
 * a bare node:http server. Both servers run in their own processes; the load comes from this one.
 * BENCH_SECONDS (default 10) sets the length of each measurement; BENCH_CONNECTIONS (default 10)
 * the concurrency. The last line is `BENCH {...}`.
 */
import 'reflect-metadata';
import os from 'node:os';
import autocannon from 'autocannon';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../src/config.js';
import { createApp } from '../src/app.js';
import { BENCH_PASSWORD, openBenchData } from './setup.js';
import { fanout } from './fanout.js';
import { capacity } from './capacity.js';
import { messages } from './messages.js';
import { cpuMeter, startServer, stopServer } from './processes.js';
import { writes } from './writes.js';
import { requests } from './requests.js';
import { profile } from './profile.js';
import { load as loadMix } from './load.js';
import { cancelledDays } from './cancelled-days.js';
import { reports } from './reports.js';
import { health } from './health.js';
import { push } from './push.js';
import { diaryScenario, journalScenario, type Scenario } from './pages.js';

async function signIn(port: number, login: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
    body: JSON.stringify({
      query: 'mutation($l:String!,$p:String!){login(login:$l,password:$p){userId}}',
      variables: { l: login, p: BENCH_PASSWORD },
    }),
  });
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  if (!cookie) throw new Error(`cannot sign in as ${login}: ${await res.text()}`);
  return cookie;
}

function load(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** SQL statements per request, counted on the ORM's connection of an in-process server. */
async function sqlPerRequest(orm: MikroORM, s: Scenario): Promise<number> {
  const app = await createApp(
    loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://unused/x',
      LOG_LEVEL: 'warn',
    }),
    orm,
  );
  const port = await app.listen(0, '127.0.0.1');
  const cookie = await signIn(port, s.login);
  let count = 0;
  const knex = orm.em.getConnection().getKnex();
  const onQuery = () => count++;
  knex.on('query', onQuery);
  const body = JSON.stringify({ query: s.query, variables: s.variables });
  const n = 20;
  for (let i = 0; i < n; i++) {
    await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body,
    });
  }
  knex.off('query', onQuery);
  await app.close();
  return Math.round((count / n) * 100) / 100;
}

async function main() {
  const name = process.argv[2];
  const separate = {
    fanout,
    writes,
    requests,
    load: loadMix,
    'cancelled-day': cancelledDays,
    'cancelled-days': cancelledDays,
    health,
    push,
    messages,
    profile,
  } as const;
  if (
    name !== 'journal' &&
    name !== 'diary' &&
    name !== 'reports' &&
    name !== 'capacity' &&
    !(name in separate)
  ) {
    console.error(
      'Usage: npm run bench -- <journal|diary|fanout|capacity|writes|requests|profile|load|cancelled-day|reports|messages|health|push>',
    );
    process.exit(2);
  }
  if (name === 'capacity') {
    // Its own database and its own server and client processes (bench/capacity.ts).
    await capacity();
    return;
  }
  if (name === 'reports') {
    // The 20-school database is a template copy of the benchmark one: no connection may stay open.
    const { server, orm, url } = await openBenchData();
    await orm.close(true);
    try {
      await reports(server, url);
    } finally {
      await server.stop();
    }
    return;
  }
  if (name in separate) {
    const { server, orm, url } = await openBenchData();
    try {
      await separate[name as keyof typeof separate](orm, url);
    } finally {
      await orm.close(true);
      await server.stop();
    }
    return;
  }
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const { server, orm, url } = await openBenchData();
  const scenario = name === 'journal' ? await journalScenario(orm) : await diaryScenario(orm);
  const ours = await startServer(url);
  const base = await startServer(url, 'bench/servers/baseline.ts', [
    name,
    JSON.stringify(scenario.sqlParams),
  ]);
  try {
    const cookie = await signIn(ours.port, scenario.login);
    const body = JSON.stringify({ query: scenario.query, variables: scenario.variables });
    const oursReq = {
      url: `http://127.0.0.1:${ours.port}/graphql`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', cookie },
      body,
    };
    const baseReq = { url: `http://127.0.0.1:${base.port}/`, method: 'GET' as const };
    const check = await fetch(oursReq.url, { method: 'POST', headers: oursReq.headers, body });
    const sample = (await check.json()) as { errors?: unknown; data?: unknown };
    if (sample.errors) {
      throw new Error(`our server answered with errors: ${JSON.stringify(sample.errors)}`);
    }
    const baseCheck = await fetch(baseReq.url);
    const baseBytes = (await baseCheck.text()).length;
    if (baseCheck.status !== 200 || baseBytes < 100) {
      throw new Error(`the baseline answered ${baseCheck.status}`);
    }
    const oursBytes = JSON.stringify(sample).length;

    // Warm both up, then measure each in turn.
    await load({ ...oursReq, connections, duration: 2 });
    await load({ ...baseReq, connections, duration: 2 });
    // CPU per answered request of each server process and of PostgreSQL (/proc), same run.
    const measured = async (pid: number, opts: autocannon.Options) => {
      const cpu = cpuMeter({ server: pid });
      const r = await load(opts);
      const used = cpu();
      const n = r.requests.total || 1;
      const ms = (x: number) => Math.round((x / n) * 100) / 100;
      return { r, serverMs: ms(used.server), databaseMs: ms(used.postgres) };
    };
    const bm = await measured(base.child.pid!, { ...baseReq, connections, duration: seconds });
    const om = await measured(ours.child.pid!, { ...oursReq, connections, duration: seconds });
    const [b, o] = [bm.r, om.r];
    const perRequest = await sqlPerRequest(orm, scenario);
    for (const [who, r] of [
      ['our server', o],
      ['the baseline', b],
    ] as const) {
      if (r.non2xx > 0 || r.errors > 0) {
        throw new Error(`${who} failed ${r.non2xx + r.errors} requests`);
      }
    }

    const ratio = Math.round((o.requests.average / b.requests.average) * 1000) / 1000;
    console.table({
      ours: {
        rps: o.requests.average,
        p50_ms: o.latency.p50,
        p99_ms: o.latency.p99,
        bytes: oursBytes,
        sql_per_request: perRequest,
        server_cpu_ms: om.serverMs,
        db_cpu_ms: om.databaseMs,
      },
      baseline: {
        rps: b.requests.average,
        p50_ms: b.latency.p50,
        p99_ms: b.latency.p99,
        bytes: baseBytes,
        sql_per_request: 1,
        server_cpu_ms: bm.serverMs,
        db_cpu_ms: bm.databaseMs,
      },
    });
    console.log(
      `${scenario.describe}; ${connections} connections, ${seconds} s each; ratio = ours / baseline; CPU ms per request (/proc); load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `BENCH ${JSON.stringify({
        name,
        ours_rps: o.requests.average,
        baseline_rps: b.requests.average,
        ratio,
        p99_ms: o.latency.p99,
        sql_per_request: perRequest,
        ours_cpu_ms: om.serverMs,
        baseline_cpu_ms: bm.serverMs,
        ours_db_cpu_ms: om.databaseMs,
        baseline_db_cpu_ms: bm.databaseMs,
        load_average: Number(os.loadavg()[0].toFixed(2)),
      })}`,
    );
  } finally {
    await Promise.all([stopServer(ours.child), stopServer(base.child)]);
    await orm.close(true);
    await server.stop();
  }
}

await main();
