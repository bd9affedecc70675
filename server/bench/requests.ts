/**
 * npm run bench -- requests
 *
 * What ordinary reads through the unit of work cost, per request: the signed-in person's own view
 * (`me`, as a teacher with courses and as a parent with children) and the administration's course
 * list with each course's class, subject and teacher. Baseline in the same run and process: the
 * least an authenticated request costs, `{ __typename }` (HTTP, the session lookup, Apollo).
 * Several requests in flight (BENCH_CONNECTIONS, default 10) for BENCH_SECONDS each (default 10);
 * CPU per request of the server process and of PostgreSQL, read from /proc (a quiet machine).
 * Last line: BENCH {...}.
 */
import http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { cpuMeter, startServer, stopServer } from './processes.js';
import { benchSession } from './setup.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function post(port: number, token: string, query: string): Promise<void> {
  const body = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          cookie: `otmetka_session=${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString()) as { errors?: unknown };
          if (answer.errors) reject(new Error(JSON.stringify(answer.errors)));
          else resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(
  pid: number,
  send: () => Promise<void>,
): Promise<{ rps: number; serverMs: number; databaseMs: number }> {
  for (let i = 0; i < 50; i++) await send(); // warm-up
  const cpu = cpuMeter({ server: pid });
  const start = Date.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() - start < SECONDS * 1000) {
        await send();
        done++;
      }
    }),
  );
  const seconds = (Date.now() - start) / 1000;
  const used = cpu();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    rps: Math.round(done / seconds),
    serverMs: round(used.server / done),
    databaseMs: round(used.postgres / done),
  };
}

export async function requests(orm: MikroORM, url: string): Promise<void> {
  const em = orm.em.fork();
  const person = async (sql: string) => (await em.execute<{ id: number }[]>(sql))[0].id;
  const bench = `join school s on s.id = r.school_id and s.name like 'Бенчмарк%'`;
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
  };
  const ME =
    '{ me { fullName roles school { name } children { id fullName classGroup { name } } ledClasses { id name } courses { id subject { name } classGroup { name } } } }';
  const server = await startServer(url);
  try {
    const pid = server.child.pid!;
    const run = (token: string, query: string) =>
      measure(pid, () => post(server.port, token, query));
    const baseline = await run(tokens.teacher, '{ __typename }');
    const meTeacher = await run(tokens.teacher, ME);
    const meParent = await run(tokens.parent, ME);
    const courses = await run(
      tokens.admin,
      '{ courses { id hoursPerWeek subject { name } classGroup { name } teacher { fullName } } }',
    );
    console.table({
      'baseline: { __typename }': baseline,
      'me (teacher)': meTeacher,
      'me (parent)': meParent,
      'courses (administration)': courses,
    });
    console.log(
      `${CONNECTIONS} requests in flight, ${SECONDS} s each; ratio = requests per second ÷ the baseline's; CPU ms per request`,
    );
    const ratio = (x: { rps: number }) => Math.round((x.rps / baseline.rps) * 1000) / 1000;
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
      })}`,
    );
  } finally {
    await stopServer(server.child);
    agent.destroy();
  }
}
