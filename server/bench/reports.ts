/**
 * npm run bench -- reports
 *
 * Two report views asked by the benchmark school's director (36 classes, 1,080 pupils, a year of
 * lessons, marks and absences): (a) the school's year by class with the administration report's
 * measures (study periods as columns), (b) teacher × month: marks, lessons without a topic, late
 * entries. Each through the real GraphQL endpoint with a real session (`ours`), against the same
 * compiled SQL run through `pg` in the same run (`baseline`), the two alternately, BENCH_RUNS
 * times each (default 5) after two warm-ups; the medians are reported. Then the same views in a database of
 * 20 such schools (a template copy of the benchmark database, the school's rows copied 19 times
 * with SQL, kept for later runs), asked by the first school's director.
 * Last line: BENCH {"name":"reports","ours_ms":…,"baseline_ms":…,"ratio":…,"ours_ms_20_schools":…}.
 */
import pg from 'pg';
import type { AdminServer } from '../src/db/database.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { compileReport } from '../src/modules/reports/report.compiler.js';
import type { ReportSpec } from '../src/modules/reports/report.inputs.js';
import { ReportDimension as D, ReportMeasure as M } from '../src/modules/reports/report.model.js';
import { todayIn } from '../src/time.js';
import { closeConnections, postJson } from './http.js';
import { startServer, stopServer } from './processes.js';
import { BENCH_DB, benchSession } from './setup.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TWENTY_DB = `${BENCH_DB}_reports20`;
const COPIES = 19;
/** Added to every id of a copy (k × OFFSET): more than any id of the benchmark school. */
const OFFSET = 1_000_000;
/** The tables report facts and labels read, copied for each extra school. */
const TABLES = [
  'school',
  'academic_year',
  'study_period',
  'class_group',
  'subject',
  'subgroup',
  'subgroup_member',
  'course',
  'lesson',
  'mark',
  'work_type',
  'attendance',
  'attendance_code',
  'period_mark',
  'enrollment',
  'person',
  'role_grant',
];

const VIEWS: Record<string, ReportSpec> = {
  'school year by class': {
    rows: [D.CLASS_GROUP],
    columns: D.STUDY_PERIOD,
    measures: [
      M.PUPILS_ASSESSED,
      M.EXCELLENT_PUPILS,
      M.GOOD_PUPILS,
      M.SINGLE_THREE_PUPILS,
      M.FAILING_PUPILS,
      M.SUCCESS_RATE_PUPILS,
      M.QUALITY_RATE_PUPILS,
      M.DEGREE_OF_LEARNING,
      M.MISSED_SHARE,
    ],
  },
  'teacher × month': {
    rows: [D.TEACHER],
    columns: D.MONTH,
    measures: [M.MARK_COUNT, M.LESSONS_WITHOUT_TOPIC, M.LATE_MARK_ENTRIES],
  },
};

const QUERY = `query ($spec: ReportSpec!) { report(spec: $spec) { rowCount columns { key label }
  rows { values { key label } cells { measure column value } } total { cells { measure column value } } } }`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(((s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2) * 10) / 10;
};

/**
 * Both ways of one view, alternately (two warm-ups each, then RUNS pairs), so that a change of
 * the machine's load in the meantime falls on both; the medians of each.
 */
async function timedPair(
  a: () => Promise<void>,
  b: () => Promise<void>,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < RUNS + 2; i++) {
    for (const [k, run] of [a, b].entries()) {
      const started = performance.now();
      await run();
      if (i >= 2) times[k].push(performance.now() - started);
    }
  }
  return [median(times[0]), median(times[1])];
}

/** knex's `?` placeholders as pg's `$n` (the compiled SQL has no `?` inside literals). */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

interface Figures {
  ours: Record<string, number>;
  baseline: Record<string, number>;
  rows: Record<string, number>;
}

/** Both views on one database, ours and the baseline, for the benchmark school's director. */
async function measure(url: string): Promise<Figures> {
  const orm = await openOrm(url);
  const em = orm.em.fork();
  const [director] = await em.execute<{ id: number; school_id: number; time_zone: string }[]>(
    `select r.person_id as id, r.school_id, s.time_zone from role_grant r join school s on s.id = r.school_id
      where s.name like 'Бенчмарк%' and r.role = 'DIRECTOR' order by s.id limit 1`,
  );
  const cookie = `otmetka_session=${await benchSession(em, director.id)}`;
  await orm.close(true);
  const today = todayIn(director.time_zone);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The planner needs statistics, and autovacuum may be off (as on the test server).
  await client.query('analyze');
  const server = await startServer(url);
  const figures: Figures = { ours: {}, baseline: {}, rows: {} };
  try {
    for (const [name, spec] of Object.entries(VIEWS)) {
      const compiled = compileReport(spec, {
        schoolId: director.school_id,
        today,
        scope: { sql: 'true', params: [] },
        wholeSchool: true,
      });
      const sql = numbered(compiled.sql);
      [figures.baseline[name], figures.ours[name]] = await timedPair(
        async () => {
          await client.query(sql, compiled.params);
        },
        async () => {
          const r = await postJson<{ errors?: unknown; data?: { report: { rowCount: number } } }>(
            server.port,
            '/graphql',
            { query: QUERY, variables: { spec } },
            cookie,
          );
          if (r.errors) throw new Error(`report answered ${JSON.stringify(r.errors)}`);
          figures.rows[name] = r.data!.report.rowCount;
        },
      );
    }
  } finally {
    await stopServer(server.child);
    closeConnections();
    await client.end();
  }
  return figures;
}

/** Copies the benchmark school's rows 19 times into the 20-school database, ids shifted. */
async function copySchools(url: string): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ table_name: string; cols: string[]; types: string[] }>(
      `select table_name, array_agg(column_name::text order by ordinal_position) as cols,
              array_agg(data_type::text order by ordinal_position) as types
         from information_schema.columns where table_schema = 'public' and table_name = any($1)
        group by table_name`,
      [TABLES],
    );
    const [{ id: school }] = (
      await db.query<{ id: number }>(
        `select id from school where name like 'Бенчмарк%' order by id limit 1`,
      )
    ).rows;
    await db.query('begin');
    // Foreign keys are not checked while copying: every id of a copy moves by the same offset.
    await db.query('set local session_replication_role = replica');
    for (let k = 1; k <= COPIES; k++) {
      for (const t of rows) {
        const shift = k * OFFSET;
        const exprs = t.cols.map((c, i) =>
          t.types[i] === 'integer' && (c === 'id' || c.endsWith('_id'))
            ? `${c} + ${shift}`
            : t.table_name === 'school' && c === 'name'
              ? `name || ' · копия ${k}'`
              : c,
        );
        const own = t.table_name === 'school' ? 'id' : 'school_id';
        await db.query(
          `insert into ${t.table_name} (${t.cols.join(', ')}) select ${exprs.join(', ')} from ${t.table_name} where ${own} = $1`,
          [school],
        );
      }
    }
    await db.query('commit');
    await db.query('analyze');
  } finally {
    await db.end();
  }
}

/** The 20-school database: a template copy of the benchmark database, then the copies. */
async function twentySchools(server: AdminServer): Promise<string> {
  const url = server.urlFor(TWENTY_DB);
  if (await server.databaseExists(TWENTY_DB)) {
    // Kept from an earlier run: it takes the migrations (indexes) made since.
    const orm = await openOrm(url);
    await migrate(orm);
    await orm.close(true);
    return url;
  }
  console.log('Making the 20-school database (once; kept for later runs)…');
  const started = Date.now();
  const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${TWENTY_DB}_partial"`);
    await admin.query(`create database "${TWENTY_DB}_partial" template "${BENCH_DB}"`);
  } finally {
    await admin.end();
  }
  await copySchools(server.urlFor(`${TWENTY_DB}_partial`));
  const rename = new pg.Client({ connectionString: server.urlFor('postgres') });
  await rename.connect();
  await rename.query(`alter database "${TWENTY_DB}_partial" rename to "${TWENTY_DB}"`);
  await rename.end();
  console.log(`Made in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  return url;
}

export async function reports(server: AdminServer, url: string): Promise<void> {
  const one = await measure(url);
  const twenty = await measure(await twentySchools(server));
  const table: Record<string, Record<string, number>> = {};
  for (const name of Object.keys(VIEWS)) {
    table[name] = {
      rows: one.rows[name],
      ours_ms: one.ours[name],
      baseline_ms: one.baseline[name],
      ours_ms_20_schools: twenty.ours[name],
      baseline_ms_20_schools: twenty.baseline[name],
    };
  }
  console.table(table);
  console.log(
    `medians of ${RUNS} runs each, ours and baseline alternating; ratio = baseline / ours (sums of both views)`,
  );
  const sum = (x: Record<string, number>) =>
    Math.round(Object.values(x).reduce((a, b) => a + b, 0) * 10) / 10;
  const ours = sum(one.ours);
  const baseline = sum(one.baseline);
  console.log(
    `BENCH ${JSON.stringify({
      name: 'reports',
      ours_ms: ours,
      baseline_ms: baseline,
      ratio: Math.round((baseline / ours) * 1000) / 1000,
      ours_ms_20_schools: sum(twenty.ours),
      baseline_ms_20_schools: sum(twenty.baseline),
    })}`,
  );
}
