/**
 * The bare writer, shared by the writes baseline (`baseline-writes.ts`) and the fan-out's
 * same-work baseline (`fanout-bare.ts`).
 */
import type pg from 'pg';
import { LESSON_WRITE_SQL } from '../../src/modules/journal/journal-write.service.js';

/** What the bare writer knows of each lesson it may update. */
export type BareLessons = Record<string, { schoolId: number; teacherId: number; courseId: number }>;

/**
 * A topic update made with the very statement `updateLesson` ends with (update if the version
 * matches, audit row, outbox event and NOTIFY), as a prepared statement through `pg`. No session,
 * no GraphQL, no read of the lesson, no policy. Body: { "id": lessonId, "topic": text, "version": n }.
 */
export function bareLessonWrite(pool: pg.Pool, lessons: BareLessons) {
  let i = 0;
  const text = LESSON_WRITE_SQL.replace(/\?/g, () => `$${++i}`);
  return async (body: string) => {
    const { id, topic, version } = JSON.parse(body) as {
      id: number;
      topic: string;
      version: number;
    };
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
  };
}
