/**
 * npm run bench -- load
 *
 * A realistic mix on the benchmark school against one server process of ours, at rising rates
 * until saturation, then a soak at 70 % of it (issue 19).
 *
 * Sessions are made up front: parents of BENCH_LOAD_PARENTS pupils (default 600) spread over all
 * 36 classes, the teachers of all 420 courses, the director and the deputy. BENCH_LOAD_SOCKETS
 * (default 500) of the parents keep a graphql-ws diary subscription open throughout; the events
 * they receive are counted. The load is OPEN-loop: request k of a step is due at k / rate seconds
 * whatever the answers, so saturation shows as latency and queueing (a closed loop would hide it);
 * latency counts from the time a request was due, not from when the bench got round to sending it.
 *
 * The mix, drawn per request from a seeded generator:
 * - 60 % a parent opens a week of their child's diary (`diaryWeek`, a week of the school year);
 * - 20 % a teacher opens a journal page of their own course (`journalPage`, one of the 4 periods);
 * - 10 % a teacher saves 5–30 marks on lessons of their own course (`setMarks`): edits of
 *   existing marks of held lessons in an open period, with the versions the bench keeps in step,
 *   values 2–5, so that every batch is valid; a batch reaches its pupils' diary subscriptions;
 * - 5 % the administration's course list of the year (director or deputy, `courses`);
 * - 5 % the administration's roster of a class (`classRoster`, 30 pupils and their parents).
 *
 * Steps (BENCH_LOAD_RATES, default 10,25,50,75,100,150,200,300,400,500,600,800,1000 requests a
 * second, BENCH_STEP_SECONDS each, default 20) rise until one saturates: achieved throughput
 * < 90 % of the target, or p99 > 1 s, or errors > 1 %. `saturation_rps` is the highest step
 * below that. Each step waits for its answers (at most 30 s each) before the next starts. Achieved
 * throughput: the successful answers received after the step's first fifth (at most 2 s) until its
 * end, per second; latency counts every answer of the step, the backlog's too. Errors: HTTP other than 200, GraphQL errors (by `extensions.code`), network errors and time-outs.
 *
 * Then a soak at 70 % of saturation for BENCH_SOAK_SECONDS (default 600), the server process's
 * resident memory (VmRSS from /proc) sampled every 10 s: `soak_rss_growth` = (the mean of the
 * samples in the soak's last minute − the mean of those in the minute from BENCH_SOAK_REF_SECONDS)
 * ÷ the latter. Means, because one sample swings ±20 % with the moment the heap was last collected
 * (356–619 MB in a flat 10-minute run): two single samples measure the collector, not a leak. The
 * reference is at 60 s for the full soak; for a shorter soak it defaults to a sixth of it in whole
 * 10 s (10 s for a 60 s soak), at least 10 s, and the windows shrink to that length.
 *
 * Last line: BENCH {"name":"load","saturation_rps":…,"p99_ms_at_70":…,"errors_below_saturation":…,
 * "soak_rss_growth":…,…}. A short run: BENCH_STEP_SECONDS=5 BENCH_SOAK_SECONDS=60.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import { startServer, stopServer } from './processes.js';
import { benchSession } from './setup.js';
import { closeConnections, postJsonStatus } from './http.js';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}=${process.env[name]}?`);
  return v;
};
const STEP_SECONDS = num('BENCH_STEP_SECONDS', 20);
const SOAK_SECONDS = num('BENCH_SOAK_SECONDS', 600);
const SOAK_REF_SECONDS = num(
  'BENCH_SOAK_REF_SECONDS',
  Math.max(10, Math.min(60, Math.floor(SOAK_SECONDS / 60) * 10)),
);
const WARMUP_SECONDS = num('BENCH_WARMUP_SECONDS', 5);
const RATES = (process.env.BENCH_LOAD_RATES ?? '10,25,50,75,100,150,200,300,400,500,600,800,1000')
  .split(',')
  .map(Number);
if (RATES.some((r) => !(r > 0))) throw new Error(`BENCH_LOAD_RATES=${RATES.join(',')}?`);
const PARENTS = num('BENCH_LOAD_PARENTS', 600);
const SOCKETS = Math.min(PARENTS, num('BENCH_LOAD_SOCKETS', 500));
/** A request unanswered after this long counts as an error (TIMEOUT) and is given up. */
const TIMEOUT_MS = 30_000;
const SAMPLE_SECONDS = 10;

/**
 * The many users' connections: more than one agent's usual 64, as many browsers would open. An
 * idle one is closed after 4 s, before the server's keep-alive time-out (5 s): Node 20's agent
 * heeds the server's `Keep-Alive: timeout=5` only when it has a time-out of its own, and without
 * one a request sent on a connection the server is closing fails with ECONNRESET (seen in the
 * soak, where connections idle for seconds). The time-out does not end a slow answer.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 });

const t0 = Date.now();
const note = (msg: string) =>
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** A seeded generator (mulberry32), so that runs draw the same mix. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = random(1919);
const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)];

const DIARY_QUERY = `query Week($p:ID!,$d:LocalDate!){diaryWeek(pupilId:$p,date:$d){pupil{id fullName className} weekStart
  days{date holiday lessons{lessonId number subjectName teacherName topic homework cancelled
  marks{id value workType weight comment date} absence{code name reason}}}}}`;
const JOURNAL_QUERY = `query Journal($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){courseId className subjectName teacherName
  periodId periodName startsOn endsOn locked canWrite
  pupils{id lastName firstName middleName enrolled{from to}}
  lessons{id date number topic homework cancelled substituteId version}
  marks{id lessonId pupilId value score workTypeId comment version}
  attendance{id lessonId pupilId codeId reason version}
  results{pupilId average suggested periodMark periodMarkVersion}
  workTypes{id name shortName weight sort active} attendanceCodes{id code name kind active}}}`;
const SAVE_MARKS = `mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id lessonId pupilId value workTypeId version} removedIds}}`;
const COURSES_QUERY =
  '{ courses { id hoursPerWeek subject { name } classGroup { name } teacher { fullName } } }';
const PERSON =
  'id fullName lastName firstName middleName phone needsConfirmation canEdit access { state login codeIssuedAt codeExpiresAt activatedAt openCodeId }';
const ROSTER_QUERY = `query($c:ID!){ classRoster(classGroupId:$c) { manageable pupils { ${PERSON} consentMissing birthDate
  guardians { kind person { ${PERSON} } } } former { id fullName } } }`;

type Kind = 'diary' | 'journal' | 'marks' | 'courses' | 'roster';
const MIX: [Kind, number][] = [
  ['diary', 60],
  ['journal', 20],
  ['marks', 10],
  ['courses', 5],
  ['roster', 5],
];

interface MarkCourse {
  token: string;
  marks: { id: number; version: number; busy: boolean }[];
}

interface Pools {
  parents: { token: string; pupilId: number }[];
  teaching: { token: string; courseId: number }[];
  periods: number[];
  mondays: string[];
  admins: string[];
  classes: number[];
  markCourses: MarkCourse[];
}

/** What happened to one request: when it was due and answered (performance.now()), and its error. */
interface Outcome {
  kind: Kind;
  due: number;
  done: number;
  lag: number;
  code?: string;
}

async function pools(orm: MikroORM): Promise<Pools> {
  const em = orm.em.fork();
  const [{ school }] = await em.execute<{ school: number }[]>(
    `select id as school from school where name like 'Бенчмарк%' order by id limit 1`,
  );
  const parents = await em.execute<{ guardian: number; pupil: number }[]>(
    `select guardian, pupil from (
       select distinct on (e.pupil_id) g.guardian_id as guardian, e.pupil_id as pupil
         from enrollment e join guardianship g on g.pupil_id = e.pupil_id
        where e.school_id = ? and e.ends_on is null order by e.pupil_id, g.id) p
      order by md5(pupil::text) limit ?`,
    [school, PARENTS],
  );
  const courses = await em.execute<{ course: number; teacher: number }[]>(
    `select id as course, teacher_id as teacher from course where school_id = ? and teacher_id is not null order by id`,
    [school],
  );
  const periods = await em.execute<{ id: number }[]>(
    `select sp.id from study_period sp join academic_year y on y.id = sp.academic_year_id
      where y.school_id = ? order by sp.starts_on`,
    [school],
  );
  const mondays = await em.execute<{ d: string }[]>(
    `select d::date::text as d from generate_series(
        (select date_trunc('week', min(sp.starts_on)) from study_period sp join academic_year y on y.id = sp.academic_year_id where y.school_id = ?),
        (select max(sp.ends_on) from study_period sp join academic_year y on y.id = sp.academic_year_id where y.school_id = ?),
        interval '7 days') d`,
    [school, school],
  );
  const admins = await em.execute<{ person: number }[]>(
    `select person_id as person from role_grant where school_id = ? and role in ('DIRECTOR', 'DEPUTY') order by person_id`,
    [school],
  );
  const classes = await em.execute<{ id: number }[]>(
    `select id from class_group where school_id = ? order by grade, letter`,
    [school],
  );
  // Marks a teacher may change now: of held lessons (before today), not cancelled, in an open
  // period, of an active work type; up to 80 a course.
  const marks = await em.execute<{ id: number; version: number; course: number }[]>(
    `select id, version, course from (
       select m.id, m.version, co.id as course,
              row_number() over (partition by co.id order by l.date desc, m.id) as n
         from mark m join lesson l on l.id = m.lesson_id join course co on co.id = l.course_id
         join study_period sp on sp.academic_year_id = co.academic_year_id and l.date between sp.starts_on and sp.ends_on
         join work_type w on w.id = m.work_type_id and w.active
        where m.school_id = ? and m.removed_at is null and not l.cancelled and l.substitute_id is null
          and sp.locked_at is null and l.date < current_date) x
      where n <= 80 order by course, id`,
    [school],
  );

  note(`signing in ${parents.length} parents, teachers and the administration`);
  const tokens = new Map<number, string>();
  const tokenFor = async (person: number) => {
    if (!tokens.has(person)) tokens.set(person, await benchSession(em, person));
    return tokens.get(person)!;
  };
  const out: Pools = {
    parents: [],
    teaching: [],
    periods: periods.map((p) => p.id),
    mondays: mondays.map((m) => m.d),
    admins: [],
    classes: classes.map((c) => c.id),
    markCourses: [],
  };
  for (const p of parents) {
    out.parents.push({ token: await tokenFor(p.guardian), pupilId: p.pupil });
  }
  for (const c of courses) {
    out.teaching.push({ token: await tokenFor(c.teacher), courseId: c.course });
  }
  for (const a of admins) out.admins.push(await tokenFor(a.person));
  const teacherOf = new Map(courses.map((c) => [c.course, c.teacher]));
  const byCourse = new Map<number, MarkCourse>();
  for (const m of marks) {
    let c = byCourse.get(m.course);
    if (!c) {
      c = { token: await tokenFor(teacherOf.get(m.course)!), marks: [] };
      byCourse.set(m.course, c);
    }
    c.marks.push({ id: m.id, version: m.version, busy: false });
  }
  out.markCourses = [...byCourse.values()].filter((c) => c.marks.length >= 30);
  for (const [what, n] of [
    ['parents', out.parents.length],
    ['courses', out.teaching.length],
    ['periods', out.periods.length],
    ['weeks', out.mondays.length],
    ['administrators', out.admins.length],
    ['classes', out.classes.length],
    ['courses with 30+ marks to change', out.markCourses.length],
  ] as const) {
    if (n === 0) throw new Error(`the benchmark school has no ${what} for the load`);
  }
  return out;
}

/** The error code of an answer, or undefined for a good one. */
function errorOf(answer: { status: number; body: unknown }): string | undefined {
  const body = answer.body as { errors?: { extensions?: { code?: string } }[]; data?: unknown };
  if (body?.errors?.length) return body.errors[0].extensions?.code ?? 'GRAPHQL_ERROR';
  if (answer.status !== 200) return `HTTP_${answer.status}`;
  if (!body?.data) return 'NO_DATA';
  return undefined;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Summary {
  target: number;
  sent: number;
  achieved: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  codes: Record<string, number>;
  skipped: number;
  lagP99: number;
}

/** Figures of the outcomes of requests due from `start` for `seconds` at `target` a second. */
function summarize(outcomes: Outcome[], start: number, seconds: number, target: number): Summary {
  const skip = Math.min(2, seconds / 5);
  const from = start + skip * 1000;
  const to = start + seconds * 1000;
  const sent = outcomes.filter((o) => o.code !== 'SKIPPED');
  const good = sent.filter((o) => !o.code && o.done >= from && o.done <= to).length;
  const latencies = sent.map((o) => o.done - o.due).sort((a, b) => a - b);
  const lags = sent.map((o) => o.lag).sort((a, b) => a - b);
  const codes: Record<string, number> = {};
  for (const o of sent) if (o.code) codes[o.code] = (codes[o.code] ?? 0) + 1;
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    target,
    sent: sent.length,
    achieved: r(good / (seconds - skip)),
    p50: Math.round(percentile(latencies, 50)),
    p95: Math.round(percentile(latencies, 95)),
    p99: Math.round(percentile(latencies, 99)),
    errors: Object.values(codes).reduce((a, b) => a + b, 0),
    codes,
    skipped: outcomes.length - sent.length,
    lagP99: Math.round(percentile(lags, 99)),
  };
}

export async function load(orm: MikroORM, url: string): Promise<void> {
  // JIT compilation costs PostgreSQL 15 (Debian's, with LLVM) ~85 ms per diary week against ~8
  // without it: say which the run had, since the figures depend on it.
  const [pg] = await orm.em
    .fork()
    .execute<{ version: string; jit: boolean }[]>(
      `select current_setting('server_version') as version, current_setting('jit') = 'on' and pg_jit_available() as jit`,
    );
  note(`PostgreSQL ${pg.version}, JIT ${pg.jit ? 'on' : 'off'}`);
  const p = await pools(orm);
  const server = await startServer(url);
  const pid = server.child.pid!;
  const port = server.port;
  // Bounded in time whatever happens: every step with its answers' time-out, the soak, set-up.
  const limit =
    (RATES.length * (STEP_SECONDS + TIMEOUT_MS / 1000 + 10) + SOAK_SECONDS + 600) * 1000;
  const watchdog = setTimeout(() => {
    note(`over the time limit (${limit / 1000} s): stopping`);
    server.child.kill('SIGKILL');
    process.exit(1);
  }, limit);
  watchdog.unref();
  const sockets: WebSocket[] = [];
  let events = 0;
  let socketProblems = 0;
  try {
    // Parents' diary subscriptions, open throughout.
    note(`server up (pid ${pid}); opening ${SOCKETS} diary subscriptions`);
    let stopping = false;
    for (let i = 0; i < SOCKETS; i += 100) {
      await Promise.all(
        p.parents.slice(i, Math.min(SOCKETS, i + 100)).map(
          (parent) =>
            new Promise<void>((resolve, reject) => {
              const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', {
                headers: {
                  cookie: `otmetka_session=${parent.token}`,
                  origin: `http://127.0.0.1:${port}`,
                },
              });
              sockets.push(ws);
              ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
              ws.on('message', (raw) => {
                const msg = JSON.parse(raw.toString()) as { type: string };
                if (msg.type === 'connection_ack') {
                  ws.send(
                    JSON.stringify({
                      id: '1',
                      type: 'subscribe',
                      payload: {
                        query: `subscription($p:ID!){diaryEvents(pupilId:$p){id type payload at}}`,
                        variables: { p: String(parent.pupilId) },
                      },
                    }),
                  );
                  resolve();
                } else if (msg.type === 'next') {
                  events++;
                } else if (msg.type === 'error' || msg.type === 'complete') {
                  socketProblems++;
                }
              });
              ws.on('close', () => {
                if (!stopping) socketProblems++;
              });
              ws.on('error', reject);
            }),
        ),
      );
    }

    const refresh = async (marks: MarkCourse['marks']) => {
      const rows = await orm.em.fork().execute<{ id: number; version: number }[]>(
        `select id, version from mark where id in (${marks.map(() => '?').join(',')})`,
        marks.map((m) => m.id),
      );
      const now = new Map(rows.map((r) => [r.id, r.version]));
      for (const m of marks) m.version = now.get(m.id) ?? m.version;
    };
    const gql = async (token: string, query: string, variables: Record<string, unknown> = {}) =>
      errorOf(
        await postJsonStatus(port, '/graphql', { query, variables }, `otmetka_session=${token}`, {
          agent,
          timeoutMs: TIMEOUT_MS,
        }),
      );
    const setMarks = async (): Promise<string | undefined> => {
      const size = 5 + Math.floor(rng() * 26);
      let course: MarkCourse | undefined;
      let free: MarkCourse['marks'] = [];
      for (let tries = 0; tries < 20 && !course; tries++) {
        const c = pick(p.markCourses);
        free = c.marks.filter((m) => !m.busy);
        if (free.length >= size) course = c;
      }
      // Every course's marks are in flight: a backlog far past saturation.
      if (!course) return 'SKIPPED';
      const first = Math.floor(rng() * (free.length - size + 1));
      const batch = free.slice(first, first + size);
      for (const m of batch) m.busy = true;
      try {
        const answer = await postJsonStatus(
          port,
          '/graphql',
          {
            query: SAVE_MARKS,
            variables: {
              c: batch.map((m, k) => ({
                id: String(m.id),
                version: m.version,
                value: String(2 + ((m.version + k) % 4)),
              })),
            },
          },
          `otmetka_session=${course.token}`,
          { agent, timeoutMs: TIMEOUT_MS },
        ).catch((e: Error) => e);
        if (answer instanceof Error) {
          await refresh(batch);
          throw answer;
        }
        const code = errorOf(answer);
        if (code) {
          await refresh(batch);
          return code;
        }
        const saved = (
          answer.body as { data: { setMarks: { saved: { id: string; version: number }[] } } }
        ).data.setMarks.saved;
        const versions = new Map(saved.map((s) => [Number(s.id), s.version]));
        for (const m of batch) m.version = versions.get(m.id) ?? m.version;
        return undefined;
      } finally {
        for (const m of batch) m.busy = false;
      }
    };
    const send: Record<Kind, () => Promise<string | undefined>> = {
      diary: () => {
        const parent = pick(p.parents);
        return gql(parent.token, DIARY_QUERY, { p: String(parent.pupilId), d: pick(p.mondays) });
      },
      journal: () => {
        const t = pick(p.teaching);
        return gql(t.token, JOURNAL_QUERY, { c: String(t.courseId), p: String(pick(p.periods)) });
      },
      marks: setMarks,
      courses: () => gql(pick(p.admins), COURSES_QUERY),
      roster: () => gql(pick(p.admins), ROSTER_QUERY, { c: String(pick(p.classes)) }),
    };
    const total = MIX.reduce((n, [, w]) => n + w, 0);
    const draw = (): Kind => {
      let x = rng() * total;
      for (const [kind, w] of MIX) if ((x -= w) < 0) return kind;
      return MIX[0][0];
    };

    /** Open loop: request k is due at start + k / rate s; waits for every answer (or time-out). */
    const drive = async (rate: number, seconds: number, sink: Outcome[]) => {
      const start = performance.now();
      const count = Math.round(rate * seconds);
      const interval = 1000 / rate;
      const pending = new Set<Promise<void>>();
      const fire = (due: number) => {
        const kind = draw();
        const lag = performance.now() - due;
        const done = send[kind]().then(
          (code) => {
            sink.push({ kind, due, done: performance.now(), lag, code });
          },
          (e: NodeJS.ErrnoException) => {
            const code = e.message === 'TIMEOUT' ? 'TIMEOUT' : (e.code ?? 'NETWORK');
            sink.push({ kind, due, done: performance.now(), lag, code });
          },
        );
        pending.add(done);
        void done.finally(() => pending.delete(done));
      };
      let k = 0;
      while (k < count) {
        const now = performance.now();
        while (k < count && start + k * interval <= now) fire(start + k++ * interval);
        if (k < count) await sleep(Math.min(5, start + k * interval - performance.now()));
      }
      await Promise.all(pending);
      return start;
    };

    const row = (s: Summary, eventsIn: number) => ({
      target_rps: s.target,
      achieved_rps: s.achieved,
      p50_ms: s.p50,
      p95_ms: s.p95,
      p99_ms: s.p99,
      errors: s.errors,
      by_code: Object.entries(s.codes)
        .map(([c, n]) => `${c}:${n}`)
        .join(' '),
      events: eventsIn,
      bench_lag_p99_ms: s.lagP99,
    });

    const warmupRate = Math.max(1, Math.round(RATES[0] / 2));
    note(`warming up: ${WARMUP_SECONDS} s at ${warmupRate} rps`);
    await drive(warmupRate, WARMUP_SECONDS, []);

    const steps: ReturnType<typeof row>[] = [];
    let saturation = 0;
    let saturatedAt: number | undefined;
    let why = '';
    let errorsBelow = 0;
    let firstAchieved = 0;
    for (const rate of RATES) {
      const sink: Outcome[] = [];
      const before = events;
      note(`step: ${rate} rps for ${STEP_SECONDS} s`);
      const start = await drive(rate, STEP_SECONDS, sink);
      const s = summarize(sink, start, STEP_SECONDS, rate);
      if (rate === RATES[0]) firstAchieved = s.achieved;
      steps.push(row(s, events - before));
      note(
        `  achieved ${s.achieved} rps, p50/p95/p99 ${s.p50}/${s.p95}/${s.p99} ms, ${s.errors} errors` +
          `${s.errors ? ` (${steps.at(-1)!.by_code})` : ''}, ${events - before} events`,
      );
      const reasons = [
        s.achieved < 0.9 * rate && `achieved ${s.achieved} < 90 % of ${rate}`,
        s.p99 > 1000 && `p99 ${s.p99} ms > 1 s`,
        s.errors > 0.01 * s.sent && `errors ${s.errors} > 1 % of ${s.sent}`,
      ].filter(Boolean);
      if (reasons.length > 0) {
        saturatedAt = rate;
        why = reasons.join(', ');
        break;
      }
      saturation = rate;
      errorsBelow += s.errors;
      await sleep(2000);
    }
    console.table(steps);
    console.log(
      saturatedAt === undefined
        ? `not saturated up to ${saturation} rps (BENCH_LOAD_RATES)`
        : `saturated at ${saturatedAt} rps: ${why}; saturation_rps = ${saturation}`,
    );

    // The soak, after the saturated step's backlog has gone.
    await sleep(5000);
    const soakRate = Math.max(1, Math.round(0.7 * (saturation || firstAchieved)));
    note(
      `soak: ${soakRate} rps for ${SOAK_SECONDS} s, memory every ${SAMPLE_SECONDS} s (reference at ${SOAK_REF_SECONDS} s)`,
    );
    const rss = () =>
      Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    const samples: { t: number; rssKb: number }[] = [{ t: 0, rssKb: rss() }];
    const soak: Outcome[] = [];
    const soakEventsBefore = events;
    const soakStart = performance.now();
    const sampling = (async () => {
      for (let t = SAMPLE_SECONDS; t <= SOAK_SECONDS; t += SAMPLE_SECONDS) {
        await sleep(soakStart + t * 1000 - performance.now());
        const window = soak.filter((o) => o.done > soakStart + (t - SAMPLE_SECONDS) * 1000);
        const w = summarize(window, soakStart + (t - SAMPLE_SECONDS) * 1000, SAMPLE_SECONDS, 0);
        samples.push({ t, rssKb: rss() });
        note(
          `  soak ${t} s: RSS ${(samples.at(-1)!.rssKb / 1024).toFixed(1)} MB, ${w.sent} answers, ` +
            `p99 ${w.p99} ms, ${w.errors} errors`,
        );
      }
    })();
    await drive(soakRate, SOAK_SECONDS, soak);
    await sampling;
    const soakSummary = summarize(soak, soakStart, SOAK_SECONDS, soakRate);
    const ref = samples.find((x) => x.t >= SOAK_REF_SECONDS) ?? samples[0];
    const last = samples.at(-1)!;
    const { growth, refMb, lastMb } = rssGrowth(samples, ref.t, Math.min(60, SOAK_REF_SECONDS));
    const singleGrowth = Math.round(((last.rssKb - ref.rssKb) / ref.rssKb) * 1000) / 1000;

    const kindRow = (s: Summary) => ({
      answers: s.sent,
      p50_ms: s.p50,
      p95_ms: s.p95,
      p99_ms: s.p99,
      errors: s.errors,
      by_code: Object.entries(s.codes)
        .map(([c, n]) => `${c}:${n}`)
        .join(' '),
    });
    const byKind = Object.fromEntries(
      MIX.map(([kind]) => [
        kind,
        kindRow(
          summarize(
            soak.filter((o) => o.kind === kind),
            soakStart,
            SOAK_SECONDS,
            0,
          ),
        ),
      ]),
    );
    console.table({ ...byKind, 'soak, all': kindRow(soakSummary) });
    console.log(
      `soak at ${soakRate} rps (70 % of ${saturation || `the first step's ${firstAchieved}`}) for ${SOAK_SECONDS} s: ` +
        `RSS mean ${refMb} MB in the minute from ${ref.t} s → ${lastMb} MB in the last ` +
        `(${(growth * 100).toFixed(1)} %, limit 10 %; single samples ${(ref.rssKb / 1024).toFixed(1)} → ` +
        `${(last.rssKb / 1024).toFixed(1)} MB); achieved ${soakSummary.achieved} rps; ` +
        `${SOCKETS} subscriptions open, ${events - soakEventsBefore} events received in the soak (${events} in all), ` +
        `${socketProblems} closed or failed`,
    );
    console.log(
      `mix: 60 % diary weeks, 20 % journal pages, 10 % setMarks (5–30 marks), 5 % course list, 5 % class roster; ` +
        `open loop; steps of ${STEP_SECONDS} s`,
    );
    stopping = true;
    console.log(
      `BENCH ${JSON.stringify({
        name: 'load',
        saturation_rps: saturation,
        p99_ms_at_70: soakSummary.p99,
        errors_below_saturation: errorsBelow,
        soak_rss_growth: growth,
        soak_rss_growth_single_samples: singleGrowth,
        saturated_at_rps: saturatedAt ?? null,
        soak_rps: soakSummary.achieved,
        soak_errors: soakSummary.errors,
        subscriptions: SOCKETS,
        events,
        socket_problems: socketProblems,
        postgres: pg.version,
        jit: pg.jit,
        step_seconds: STEP_SECONDS,
        soak_seconds: SOAK_SECONDS,
      })}`,
    );
  } finally {
    for (const s of sockets) s.terminate();
    await stopServer(server.child);
    agent.destroy();
    closeConnections();
    clearTimeout(watchdog);
  }
}

/**
 * Memory growth over the soak: the mean RSS of the last `window` seconds against the mean of the
 * `window` seconds from `refT`, so that one sample taken just before a collection decides nothing.
 */
export function rssGrowth(
  samples: { t: number; rssKb: number }[],
  refT: number,
  window: number,
): { growth: number; refMb: string; lastMb: string } {
  const lastT = samples.at(-1)!.t;
  const mean = (xs: { rssKb: number }[]) => xs.reduce((a, x) => a + x.rssKb, 0) / xs.length;
  const first = mean(samples.filter((x) => x.t >= refT && x.t < refT + window));
  const end = mean(samples.filter((x) => x.t > lastT - window));
  return {
    growth: Math.round(((end - first) / first) * 1000) / 1000,
    refMb: (first / 1024).toFixed(1),
    lastMb: (end / 1024).toFixed(1),
  };
}
