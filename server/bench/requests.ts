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
import type { MikroORM } from '@mikro-orm/postgresql';
import { closedLoops, startServer, stopServer } from './processes.js';
import { benchSession } from './setup.js';
import { closeConnections, graphQLOk } from './http.js';

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

export async function requests(orm: MikroORM, url: string): Promise<void> {
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
  const server = await startServer(url);
  try {
    const pid = server.child.pid!;
    const run = (token: string, query: string) =>
      measure(pid, () => graphQLOk(server.port, token, query));
    const baseline = await run(tokens.teacher, '{ __typename }');
    const meTeacher = await run(tokens.teacher, ME);
    const meParent = await run(tokens.parent, ME);
    const courses = await run(
      tokens.admin,
      '{ courses { id hoursPerWeek subject { name } classGroup { name } teacher { fullName } } }',
    );
    const roster = await run(
      tokens.classTeacher,
      `{ classRoster(classGroupId: ${classTeacher.classId}) { manageable pupils { ${PERSON} consentMissing birthDate
        guardians { kind person { ${PERSON} } } } former { id fullName } } }`,
    );
    console.table({
      'baseline: { __typename }': baseline,
      'me (teacher)': meTeacher,
      'me (parent)': meParent,
      'courses (administration)': courses,
      'classRoster (class teacher, 30 pupils)': roster,
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
        roster_rps: roster.rps,
        roster_ratio: ratio(roster),
        roster_db_cpu_ms: roster.databaseMs,
        failed:
          baseline.failed + meTeacher.failed + meParent.failed + courses.failed + roster.failed,
      })}`,
    );
  } finally {
    await stopServer(server.child);
    closeConnections();
  }
}
