/**
 * npm run bench -- writes
 *
 * The journal's hot writes through the API, 25 teachers each with one request in flight, against
 * a server process of ours alone on the benchmark database: topic updates (`updateLesson`), then
 * single-mark `setMarks`. Baseline in the same run: a bare node:http server making each topic
 * update with the very statement `updateLesson` ends with (`bench/servers/baseline-writes.ts`), so
 * the ratio is what the session, GraphQL, the read of the lesson and the policy cost. Also CPU per
 * request of the server process and of PostgreSQL (all its processes, from /proc: run it on a quiet
 * machine). Last line: BENCH {...}.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { closedLoops, startBareWriter, startServer, stopServer } from './processes.js';
import { closeConnections, postJson } from './http.js';
import { benchSession } from './setup.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

interface Teacher {
  token: string;
  teacherId: number;
  schoolId: number;
  courseId: number;
  lessonId: number;
  heldLessonId: number;
  pupilId: number;
  workTypeId: number;
}

async function teachers(orm: MikroORM): Promise<Teacher[]> {
  const em = orm.em.fork();
  const rows = await em.execute<Omit<Teacher, 'token'>[]>(
    `select co.teacher_id as "teacherId", c.school_id as "schoolId", co.id as "courseId",
            (select l.id from lesson l where l.course_id = co.id order by l.date desc limit 1) as "lessonId",
            (select l.id from lesson l where l.course_id = co.id and l.date <= current_date and not l.cancelled
              and not exists(select 1 from study_period p where l.date between p.starts_on and p.ends_on and p.locked_at is not null)
              order by l.date desc limit 1) as "heldLessonId",
            (select e.pupil_id from enrollment e where e.class_group_id = c.id order by e.pupil_id limit 1) as "pupilId",
            (select w.id from work_type w where w.school_id = c.school_id and w.active order by w.sort limit 1) as "workTypeId"
       from class_group c join school s on s.id = c.school_id and s.name like 'Бенчмарк%'
       join lateral (select co.* from course co where co.class_group_id = c.id and co.subgroup_id is null order by co.id limit 1) co on true
      order by c.grade desc, c.letter limit 25`,
  );
  const out: Teacher[] = [];
  for (const r of rows) {
    const token = await benchSession(em, r.teacherId);
    out.push({ ...r, token });
  }
  return out;
}

/** 25 closed loops for SECONDS, one per teacher, after one request each to warm up. */
async function drive(
  pid: number,
  send: (t: Teacher, n: number) => Promise<void>,
  all: Teacher[],
): Promise<{ rps: number; serverMs: number; databaseMs: number; failed: number }> {
  let n = 0;
  for (const t of all) await send(t, n++);
  return closedLoops(
    pid,
    all.map((t) => () => send(t, n++)),
    SECONDS,
  );
}

export async function writes(orm: MikroORM, url: string): Promise<void> {
  const all = await teachers(orm);
  const versions = new Map<number, number>();
  const readVersions = async () => {
    for (const t of all) {
      const [row] = await orm.em
        .fork()
        .execute<{ version: number }[]>(`select version from lesson where id = ?`, [t.lessonId]);
      versions.set(t.lessonId, row.version);
    }
  };
  const post = async (port: number, body: unknown, cookie?: string) => {
    const answer = await postJson<{ errors?: unknown }>(port, '/graphql', body, cookie);
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  };
  const nextVersion = (t: Teacher) => {
    const v = versions.get(t.lessonId)!;
    versions.set(t.lessonId, v + 1);
    return v;
  };

  const ours = await startServer(url);
  const base = await startBareWriter(url, all);
  try {
    await readVersions();
    const lessons = await drive(
      ours.child.pid!,
      (t, n) =>
        post(
          ours.port,
          {
            query:
              'mutation($id:ID!,$t:String,$v:Int!){updateLesson(id:$id,input:{topic:$t,version:$v}){id}}',
            variables: { id: String(t.lessonId), t: `Тема ${n}`, v: nextVersion(t) },
          },
          `otmetka_session=${t.token}`,
        ),
      all,
    );
    const marks = await drive(
      ours.child.pid!,
      (t, n) =>
        post(
          ours.port,
          {
            query: 'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}',
            variables: {
              c: [
                {
                  lessonId: String(t.heldLessonId),
                  pupilId: String(t.pupilId),
                  value: String(2 + (n % 4)),
                  workTypeId: String(t.workTypeId),
                },
              ],
            },
          },
          `otmetka_session=${t.token}`,
        ),
      all,
    );
    await readVersions();
    const baseline = await drive(
      base.child.pid!,
      (t, n) => post(base.port, { id: t.lessonId, topic: `Тема ${n}`, version: nextVersion(t) }),
      all,
    );
    console.table({
      'ours: updateLesson': lessons,
      'ours: setMarks (1 mark)': marks,
      'baseline: the same update statement': baseline,
    });
    console.log(
      `25 teachers, one request each in flight, ${SECONDS} s each; ratio = ours / baseline (topic updates per second); CPU ms per request`,
    );
    console.log(
      `BENCH ${JSON.stringify({
        name: 'writes',
        ours_rps: lessons.rps,
        baseline_rps: baseline.rps,
        ratio: Math.round((lessons.rps / baseline.rps) * 1000) / 1000,
        ours_cpu_ms: lessons.serverMs,
        ours_db_cpu_ms: lessons.databaseMs,
        baseline_cpu_ms: baseline.serverMs,
        baseline_db_cpu_ms: baseline.databaseMs,
        marks_rps: marks.rps,
        marks_cpu_ms: marks.serverMs,
        marks_db_cpu_ms: marks.databaseMs,
        failed: lessons.failed + marks.failed + baseline.failed,
      })}`,
    );
  } finally {
    await Promise.all([stopServer(ours.child), stopServer(base.child)]);
    closeConnections();
  }
}
