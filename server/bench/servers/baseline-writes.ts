/**
 * The writes baseline: a bare node:http server that makes each topic update with the very
 * statement `updateLesson` ends with (update if the version matches, audit row, outbox event),
 * as a prepared statement through `pg`. No session, no GraphQL, no read of the lesson, no policy.
 * argv: databaseUrl, JSON { [lessonId]: { schoolId, teacherId, courseId } }.
 * Body: { "id": lessonId, "topic": text, "version": n }.
 */
import pg from 'pg';
import { serveBare } from './bare.js';
import { LESSON_WRITE_SQL } from '../../src/modules/journal/journal-write.service.js';

const [url, lessonsJson] = process.argv.slice(2);
const lessons = JSON.parse(lessonsJson) as Record<
  string,
  { schoolId: number; teacherId: number; courseId: number }
>;
let i = 0;
const text = LESSON_WRITE_SQL.replace(/\?/g, () => `$${++i}`);
const pool = new pg.Pool({ connectionString: url, max: 10 });

serveBare(pool, async (body) => {
  const { id, topic, version } = JSON.parse(body) as { id: number; topic: string; version: number };
  const l = lessons[id];
  const payload = { id: String(id), topic, homework: null, version: version + 1 };
  const r = await pool.query({
    name: 'write',
    text,
    values: [
      topic,
      null,
      id,
      l.schoolId,
      version,
      l.schoolId,
      l.teacherId,
      JSON.stringify({ topic: null, homework: null }),
      JSON.stringify({ topic, homework: null }),
      l.schoolId,
      JSON.stringify([
        { type: 'LESSON_UPDATED', pupilsOfLesson: id, courseId: l.courseId, payload },
      ]),
    ],
  });
  return r.rowCount ? { data: { updateLesson: { id: String(id) } } } : { errors: [{}] };
});
