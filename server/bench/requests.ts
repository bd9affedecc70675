/**
 * npm run bench -- requests
 *
 * What ordinary reads through the unit of work cost, per request: the signed-in person's own view
 * (`me`, as a teacher with courses and as a parent with children) and the administration's course
 * list with each course's class, subject and teacher, and a class teacher's roster. Two baselines in
 * the same run: the least an authenticated request costs, `{ __typename }` (HTTP, the session
 * lookup, Apollo), in our server; and, for `me` (as the teacher), the course list and the roster,
 * a bare node:http server in its own process (`servers/requests-baseline.ts`) that answers the
 * same JSON with one hand-written statement each through `pg` (`…_sql_ratio`, issue 16). The SQL
 * statements each of our reads sends are counted on an in-process server (`…_sql_per_request`).
 * Several requests in flight (BENCH_CONNECTIONS, default 10) for BENCH_SECONDS each (default 10);
 * CPU per request of the server process and of PostgreSQL, read from /proc (a quiet machine).
 * Last line: BENCH {...}.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import os from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { closedLoops, startServer, stopServer } from './processes.js';
import { benchSession } from './setup.js';
import { closeConnections, graphQLOk, postGraphQL, postJson } from './http.js';
import { loadConfig } from '../src/config.js';
import { createApp } from '../src/app.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

/** CONNECTIONS closed loops of one request, after 50 of them to warm up. */
async function measure(pid: number, send: () => Promise<void>) {
  for (let i = 0; i < 50; i++) await send();
  return closedLoops(
    pid,
    Array.from({ length: CONNECTIONS }, () => send),
    SECONDS,
  );
}

/** The reads measured, each with the session that makes it and the bare server's path for it. */
export async function benchReads(orm: MikroORM) {
  const em = orm.em.fork();
  const person = async (sql: string) => (await em.execute<{ id: number }[]>(sql))[0].id;
  const bench = `join school s on s.id = r.school_id and s.name like 'Бенчмарк%'`;
  const [classTeacher] = await em.execute<{ id: number; classId: number }[]>(
    `select c.class_teacher_id as id, c.id as "classId" from class_group c join school s on s.id = c.school_id
      and s.name like 'Бенчмарк%' where c.class_teacher_id is not null order by c.grade desc, c.letter limit 1`,
  );
  const [teacher, parent, admin] = await Promise.all([
    person(
      `select r.person_id id from role_grant r ${bench} where r.role = 'TEACHER'
        order by (select count(*) from course c where c.teacher_id = r.person_id) desc, r.person_id limit 1`,
    ),
    person(
      `select r.person_id id from role_grant r ${bench} where r.role = 'PARENT' order by r.person_id limit 1`,
    ),
    person(
      `select r.person_id id from role_grant r ${bench} where r.role = 'SYSADMIN' order by r.person_id limit 1`,
    ),
  ]);
  const tokens = {
    teacher: await benchSession(em, teacher),
    parent: await benchSession(em, parent),
    admin: await benchSession(em, admin),
    classTeacher: await benchSession(em, classTeacher.id),
  };
  const ME =
    '{ me { fullName roles school { name } children { id fullName classGroup { name } } ledClasses { id name } courses { id subject { name } classGroup { name } } } }';
  const PERSON =
    'id fullName lastName firstName middleName phone needsConfirmation canEdit access { state login codeIssuedAt codeExpiresAt activatedAt openCodeId }';
  const COURSES =
    '{ courses { id hoursPerWeek subject { name } classGroup { name } teacher { fullName } } }';
  const ROSTER = `{ classRoster(classGroupId: ${classTeacher.classId}) { manageable pupils { ${PERSON} consentMissing birthDate
        guardians { kind person { ${PERSON} } } } former { id fullName } } }`;
  const reads = {
    me: { token: tokens.teacher, query: ME, path: '/me' },
    courses: { token: tokens.admin, query: COURSES, path: '/courses' },
    roster: { token: tokens.classTeacher, query: ROSTER, path: `/roster/${classTeacher.classId}` },
  };
  return { tokens, reads };
}

export async function requests(orm: MikroORM, url: string): Promise<void> {
  const { tokens, reads } = await benchReads(orm);
  const perRequest = await statementsPerRequest(orm, reads);
  const server = await startServer(url);
  const bare = await startServer(url, 'bench/servers/requests-baseline.ts');
  try {
    const pid = server.child.pid!;
    const run = (token: string, query: string) =>
      measure(pid, () => graphQLOk(server.port, token, query));
    const runBare = (token: string, path: string) =>
      measure(bare.child.pid!, () =>
        postJson(bare.port, path, {}, `otmetka_session=${token}`).then(() => undefined),
      );
    for (const [name, r] of Object.entries(reads)) {
      await sameAnswer(
        name,
        await postGraphQL(server.port, r.token, r.query),
        await postJson(bare.port, r.path, {}, `otmetka_session=${r.token}`),
      );
    }
    const baseline = await run(tokens.teacher, '{ __typename }');
    const meTeacher = await run(tokens.teacher, reads.me.query);
    const meSql = await runBare(tokens.teacher, reads.me.path);
    const meParent = await run(tokens.parent, reads.me.query);
    const courses = await run(tokens.admin, reads.courses.query);
    const coursesSql = await runBare(tokens.admin, reads.courses.path);
    const roster = await run(tokens.classTeacher, reads.roster.query);
    const rosterSql = await runBare(tokens.classTeacher, reads.roster.path);
    console.table({
      'baseline: { __typename }': baseline,
      'me (teacher)': meTeacher,
      'me (teacher), bare SQL': meSql,
      'me (parent)': meParent,
      'courses (administration)': courses,
      'courses, bare SQL': coursesSql,
      'classRoster (class teacher, 30 pupils)': roster,
      'classRoster, bare SQL': rosterSql,
    });
    const load = os.loadavg().map((x) => x.toFixed(2));
    console.log(
      `${CONNECTIONS} requests in flight, ${SECONDS} s each; ratio = requests per second ÷ the baseline's; CPU ms per request; load average ${load.join(' ')}`,
    );
    console.log(`SQL statements per request (ours): ${JSON.stringify(perRequest)}; bare: 1 each`);
    const ratio = (x: { rps: number }, of = baseline) => Math.round((x.rps / of.rps) * 1000) / 1000;
    console.log(
      `BENCH ${JSON.stringify({
        name: 'requests',
        baseline_rps: baseline.rps,
        me_teacher_rps: meTeacher.rps,
        me_teacher_ratio: ratio(meTeacher),
        me_parent_rps: meParent.rps,
        me_parent_ratio: ratio(meParent),
        courses_rps: courses.rps,
        courses_ratio: ratio(courses),
        baseline_db_cpu_ms: baseline.databaseMs,
        me_teacher_db_cpu_ms: meTeacher.databaseMs,
        courses_db_cpu_ms: courses.databaseMs,
        roster_rps: roster.rps,
        roster_ratio: ratio(roster),
        roster_db_cpu_ms: roster.databaseMs,
        me_sql_rps: meSql.rps,
        me_sql_ratio: ratio(meTeacher, meSql),
        me_sql_per_request: perRequest.me,
        courses_sql_rps: coursesSql.rps,
        courses_sql_ratio: ratio(courses, coursesSql),
        courses_sql_per_request: perRequest.courses,
        roster_sql_rps: rosterSql.rps,
        roster_sql_ratio: ratio(roster, rosterSql),
        roster_sql_per_request: perRequest.roster,
        load_average: Number(load[0]),
        failed:
          baseline.failed +
          meTeacher.failed +
          meParent.failed +
          courses.failed +
          roster.failed +
          meSql.failed +
          coursesSql.failed +
          rosterSql.failed,
      })}`,
    );
  } finally {
    await Promise.all([stopServer(server.child), stopServer(bare.child)]);
    closeConnections();
  }
}

/**
 * SQL statements per request of each read, counted on the ORM's connection of a server in this
 * process (only those a request sends), over 20 requests each.
 */
async function statementsPerRequest<K extends string>(
  orm: MikroORM,
  reads: Record<K, { token: string; query: string }>,
): Promise<Record<K, number>> {
  const app = await createApp(
    loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://unused/x',
      LOG_LEVEL: 'warn',
    }),
    orm,
  );
  const port = await app.listen(0, '127.0.0.1');
  // Only what a request starts: background work on the same pool (the event bus, other areas'
  // workers) is left out. The first 'request' listener marks the rest of the request's work.
  const inRequest = new AsyncLocalStorage<boolean>();
  app.server.prependListener('request', () => inRequest.enterWith(true));
  const knex = orm.em.getConnection().getKnex();
  let count = 0;
  const onQuery = () => {
    if (inRequest.getStore()) count++;
  };
  const out = {} as Record<K, number>;
  try {
    for (const [name, r] of Object.entries(reads) as [K, { token: string; query: string }][]) {
      await graphQLOk(port, r.token, r.query); // the session's once-a-minute touch, out of the count
      knex.on('query', onQuery);
      count = 0;
      const n = 20;
      for (let i = 0; i < n; i++) await graphQLOk(port, r.token, r.query);
      knex.off('query', onQuery);
      out[name] = Math.round((count / n) * 100) / 100;
    }
  } finally {
    await app.close();
  }
  return out;
}

/** Warns when the bare server's answer is not ours (the ratio would compare different work). */
async function sameAnswer(name: string, ours: unknown, bare: unknown): Promise<void> {
  const a = JSON.stringify(ours);
  const b = JSON.stringify(bare);
  if (a === b) return;
  let i = 0;
  while (a[i] === b[i]) i++;
  console.warn(
    `${name}: the bare answer differs from ours (${a.length} / ${b.length} bytes) at ${i}:\n  ours ${a.slice(i - 80, i + 120)}\n  bare ${b.slice(i - 80, i + 120)}`,
  );
}
