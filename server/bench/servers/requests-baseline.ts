/**
 * The `requests` benchmark's baseline (issue 16): a bare node:http server that answers `me`, the
 * year's course list and a class roster with ONE hand-written SQL statement each, through `pg`,
 * building the very JSON our GraphQL answer has (same fields, same order, ids as text). Each
 * statement finds the session by the cookie's token and checks the viewer's right as ours does
 * (the course list: a role that reads the school's structure; the roster: the class's own class
 * teacher), and the roster's statement writes the personal-data read log that 152-FZ asks of any
 * implementation (decision 17), as ours does before its answer leaves.
 * The path picks the read: /me, /courses, /roster/<classId>. argv: databaseUrl.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

const [url] = process.argv.slice(2);
// JIT off, as on our own connections (decision 32): a stock PostgreSQL would compile these plans.
const pool = new pg.Pool({ connectionString: url, max: 10, options: '-c jit=off' });

const NAME = `concat_ws(' ', %.last_name, %.first_name, %.middle_name)`;
const fullName = (alias: string) => NAME.replaceAll('%', alias);
const STAFF = `array['SYSADMIN','DIRECTOR','DEPUTY','TEACHER']::role[]`;

/** The session's person and school, and the school's today: what every statement starts with. */
const VIEWER = `v as (
  select a.person_id, s.school_id, (now() at time zone sc.time_zone)::date as today
    from session s join user_account a on a.id = s.account_id join school sc on sc.id = s.school_id
   where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now() and a.active)`;

const ME = `with ${VIEWER}
select json_build_object('data', json_build_object('me', json_build_object(
  'fullName', ${fullName('p')},
  'roles', array(select g.role::text from role_grant g where g.person_id = v.person_id),
  'school', json_build_object('name', sc.name),
  'children', coalesce((select json_agg(json_build_object('id', c.id::text, 'fullName', ${fullName('c')},
      'classGroup', (select json_build_object('name', cg.grade || cg.letter) from enrollment e
                       join class_group cg on cg.id = e.class_group_id
                      where e.pupil_id = c.id and e.starts_on <= v.today and (e.ends_on is null or e.ends_on >= v.today) limit 1))
      order by c.first_name)
    from guardianship gs join person c on c.id = gs.pupil_id where gs.guardian_id = v.person_id), '[]'),
  'ledClasses', coalesce((select json_agg(json_build_object('id', c.id::text, 'name', c.grade || c.letter) order by c.grade)
    from class_group c where c.class_teacher_id = v.person_id), '[]'),
  'courses', coalesce((select json_agg(json_build_object('id', co.id::text, 'subject', json_build_object('name', su.name),
      'classGroup', json_build_object('name', cg.grade || cg.letter)) order by cg.grade, cg.letter, su.name)
    from course co join class_group cg on cg.id = co.class_group_id join subject su on su.id = co.subject_id
   where co.teacher_id = v.person_id), '[]')))) as body
from v join person p on p.id = v.person_id join school sc on sc.id = v.school_id`;

const COURSES = `with ${VIEWER},
y as (select y.id from academic_year y join v on y.school_id = v.school_id
       where exists (select 1 from role_grant g where g.person_id = v.person_id and g.role <> 'PARENT' and g.role <> 'STUDENT')
       order by (v.today between y.starts_on and y.ends_on) desc, y.starts_on desc limit 1)
select json_build_object('data', json_build_object('courses', coalesce(json_agg(json_build_object(
  'id', co.id::text, 'hoursPerWeek', co.hours_per_week, 'subject', json_build_object('name', su.name),
  'classGroup', json_build_object('name', cg.grade || cg.letter), 'teacher', json_build_object('fullName', ${fullName('t')}))
  order by cg.grade, cg.letter, su.name), '[]'))) as body
from y join course co on co.academic_year_id = y.id join class_group cg on cg.id = co.class_group_id
join subject su on su.id = co.subject_id join person t on t.id = co.teacher_id`;

const PERSON_JSON = `json_build_object('id', p.id::text, 'fullName', ${fullName('p')}, 'lastName', p.last_name,
  'firstName', p.first_name, 'middleName', p.middle_name, 'phone', p.phone,
  'needsConfirmation', case when x.staff then false
    else p.record_confirmed_at is null or p.record_confirmed_at < now() - interval '30 days' end,
  'canEdit', not x.staff,
  'access', case when x.staff then null else json_build_object(
    'state', case when a.id is null then 'NONE'
      when k.issued_at is not null and k.activated_at is null and k.revoked_at is null and k.expires_at > now() then 'CODE_ISSUED'
      when a.password_hash is not null then 'ACTIVE'
      when k.issued_at is not null and k.activated_at is null and k.revoked_at is null then 'CODE_EXPIRED' else 'NONE' end,
    'login', a.login, 'codeIssuedAt', ${iso('k.issued_at')}, 'codeExpiresAt', ${iso('k.expires_at')},
    'activatedAt', ${iso('k.activated_at')},
    'openCodeId', case when k.issued_at is not null and k.activated_at is null and k.revoked_at is null
      and k.expires_at > now() then k.id::text end) end)`;

function iso(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

const ROSTER = `with ${VIEWER},
cls as (select c.id from class_group c join v on c.school_id = v.school_id and c.class_teacher_id = v.person_id where c.id = $2),
roll as (select e.pupil_id, bool_or(e.starts_on <= v.today and (e.ends_on is null or e.ends_on >= v.today)) as current
           from enrollment e join cls on e.class_group_id = cls.id cross join v group by e.pupil_id),
fam as (select g.pupil_id, g.guardian_id, g.kind from guardianship g join roll r on r.pupil_id = g.pupil_id and r.current),
ids as (select pupil_id as id from roll where current union select guardian_id from fam),
pj as (
  select p.id, p.last_name, p.first_name, p.middle_name, ${PERSON_JSON} as j, p.birth_date, x.student,
         not exists (select 1 from consent c where c.subject_id = p.id and c.revoked_on is null) as no_consent
    from ids join person p on p.id = ids.id
   cross join lateral (select coalesce(bool_or(g.role = any(${STAFF})), false) as staff,
                              coalesce(bool_or(g.role = 'STUDENT'), false) as student
                         from role_grant g where g.person_id = p.id) x
    left join user_account a on a.person_id = p.id
    left join lateral (select * from access_code k where k.account_id = a.id order by k.issued_at desc, k.id desc limit 1) k on true),
log as (insert into personal_data_access (school_id, reader_id, subject_id, fields)
        select v.school_id, v.person_id, ids.id,
               case when exists (select 1 from roll where roll.pupil_id = ids.id and roll.current)
                    then array['birthDate','guardians','phone'] else array['phone'] end
          from ids cross join v returning 1)
select json_build_object('data', json_build_object('classRoster', json_build_object(
  'manageable', true,
  'pupils', coalesce((select json_agg((left(pj.j::text, -1)
      || ', "consentMissing" : ' || to_json(pj.student and pj.no_consent)::text
      || ', "birthDate" : ' || coalesce(to_json(pj.birth_date::text)::text, 'null')
      || ', "guardians" : ' || coalesce((select json_agg(json_build_object('kind', f.kind, 'person', g.j)
                                                  order by f.kind desc, f.guardian_id)::text
                               from fam f join pj g on g.id = f.guardian_id where f.pupil_id = pj.id), '[]') || '}')::json
      order by pj.last_name, pj.first_name, pj.middle_name)
    from pj join roll r on r.pupil_id = pj.id and r.current), '[]'),
  'former', coalesce((select json_agg(json_build_object('id', p.id::text, 'fullName', ${fullName('p')})
      order by p.last_name, p.first_name, p.middle_name)
    from roll r join person p on p.id = r.pupil_id where not r.current), '[]')))) as body,
  (select count(*) from log) as logged
from v join cls on true`;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const tokenOf = (cookie = '') => /otmetka_session=([^;]+)/.exec(cookie)?.[1] ?? '';

async function answer(path: string, cookie: string | undefined): Promise<string | null> {
  const token = hash(tokenOf(cookie));
  const roster = /^\/roster\/(\d+)$/.exec(path);
  const query = roster
    ? { name: 'roster', text: ROSTER, values: [token, Number(roster[1])] }
    : path === '/me'
      ? { name: 'me', text: ME, values: [token] }
      : path === '/courses'
        ? { name: 'courses', text: COURSES, values: [token] }
        : null;
  if (!query) return null;
  const { rows } = await pool.query<{ body: unknown }>(query);
  return rows[0] ? JSON.stringify(rows[0].body) : null;
}

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    answer(req.url ?? '', req.headers.cookie).then(
      (body) => {
        if (body === null) {
          res.writeHead(404);
          res.end();
          return;
        }
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      },
      (e: Error) => {
        process.stderr.write(`requests baseline: ${e.message}\n`);
        res.writeHead(500);
        res.end();
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as import('node:net').AddressInfo;
  process.stdout.write(JSON.stringify({ port }) + '\n');
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
