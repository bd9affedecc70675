/**
 * The writes baseline: a bare node:http server that makes each topic update with the very
 * statement `updateLesson` ends with (update if the version matches, audit row, outbox event),
 * as a prepared statement through `pg`. No session, no GraphQL, no read of the lesson, no policy.
 * argv: databaseUrl, JSON { [lessonId]: { schoolId, teacherId, courseId } }.
 * Body: { "id": lessonId, "topic": text, "version": n }.
 */
import pg from 'pg';
import { serveBare } from './bare.js';
import { bareLessonWrite, type BareLessons } from './fanout-bare-writer.js';

const [url, lessonsJson] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 10 });
serveBare(pool, bareLessonWrite(pool, JSON.parse(lessonsJson) as BareLessons));
