import 'reflect-metadata';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../src/config.js';
import { openDatabaseServer, type AdminServer } from '../src/db/database.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { hashPassword } from '../src/auth/password.js';
import { generateSchool } from '../src/seed/generate.js';
import { fillJournal } from '../src/seed/journal.js';
import { schoolYearStart } from '../src/seed/demo.js';
import { setLogLevel } from '../src/log.js';

export const BENCH_DB = 'otmetka_bench_v1';
export const BENCH_PASSWORD = 'bench';
const SCHOOL = 'Бенчмарк: большая школа';

/**
 * The benchmarks' data set: 36 classes (grades 1–9, letters А–Г) of 30 pupils with a whole year
 * of lessons, marks and absences, made once by the same generator as the demo school and kept
 * between runs (PostgreSQL at DATABASE_URL, or an embedded one in `.data-bench/`).
 */
export async function openBenchData(): Promise<{
  server: AdminServer;
  orm: MikroORM;
  url: string;
}> {
  setLogLevel('warn');
  const dataDir = path.resolve(import.meta.dirname, '../../.data-bench');
  await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
  await fs.chmod(dataDir, 0o755);
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir });
  const server = await openDatabaseServer(config);
  if (!(await server.databaseExists(BENCH_DB))) await server.createDatabase(BENCH_DB);
  const url = server.urlFor(BENCH_DB);
  const orm = await openOrm(url);
  await migrate(orm);
  const [{ n }] = await orm.em.execute<{ n: string }[]>(
    `select count(*) n from school where name = ?`,
    [SCHOOL],
  );
  if (Number(n) === 0) {
    const started = Date.now();
    console.log('Generating the benchmark school (once; kept for later runs)…');
    const start = schoolYearStart();
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    await orm.em.fork().transactional(async (em) => {
      const g = await generateSchool(em, {
        seed: 4242,
        schoolName: SCHOOL,
        startYear: start,
        grades: [1, 2, 3, 4, 5, 6, 7, 8, 9],
        letters: ['А', 'Б', 'В', 'Г'],
        pupilsPerClass: [30, 30],
        passwordHash,
        loginPrefix: 'bench.',
      });
      await em.flush();
      await fillJournal(em, g, { seed: 4243, today: `${start + 1}-05-31`, closeFirstPeriod: true });
      // One parent signs in for the diary benchmark.
      const [pupil] = await em.execute<{ guardian_id: number; school_id: number }[]>(
        `select g.guardian_id, g.school_id from guardianship g join enrollment e on e.pupil_id = g.pupil_id
          join class_group c on c.id = e.class_group_id where c.school_id = ? and c.grade = 6 order by g.id limit 1`,
        [g.school.id],
      );
      await em.execute(
        `insert into user_account (school_id, person_id, login, password_hash, active, created_at) values (?, ?, 'bench.parent', ?, true, now())`,
        [pupil.school_id, pupil.guardian_id, passwordHash],
      );
    });
    // The planner's statistics now, not when autovacuum gets round to it: a run straight after
    // the generation otherwise measures plans made without them (both sides ~10 times slower).
    await orm.em.execute('analyze');
    console.log(`Generated in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  }
  return { server, orm, url };
}

/**
 * A session for a person of the benchmark school (an account is made or switched on first):
 * answers the token for the `otmetka_session` cookie, without a password hash per sign-in.
 */
export async function benchSession(em: EntityManager, personId: number): Promise<string> {
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
}
