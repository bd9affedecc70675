import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import { canReadCourse } from '../../auth/records.js';
import { notFound, unauthenticated } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { Viewer } from '../../auth/viewer.js';

/** What the policy needs to know of a course, read in one query. */
export interface CourseInfo {
  id: number;
  classGroupId: number;
  subjectId: number;
  teacherId: number;
  academicYearId: number;
  grade: number;
  className: string;
  subjectName: string;
  teacherName: string;
  subgroupId: number | null;
}

export async function loadCourse(
  em: EntityManager,
  viewer: Viewer | null,
  id: string | number,
): Promise<CourseInfo> {
  if (!viewer) throw unauthenticated();
  const [row] = await em.execute<CourseInfo[]>(
    `select co.id, co.class_group_id as "classGroupId", co.subject_id as "subjectId", co.teacher_id as "teacherId", co.subgroup_id as "subgroupId",
            co.academic_year_id as "academicYearId", c.grade, c.grade || c.letter as "className", s.name as "subjectName",
            concat_ws(' ', t.last_name, t.first_name, t.middle_name) as "teacherName"
       from course co join class_group c on c.id = co.class_group_id join subject s on s.id = co.subject_id
       join person t on t.id = co.teacher_id
      where co.id = ? and co.school_id = ?`,
    [parseId('courseId', id), viewer.schoolId],
  );
  if (!row) throw notFound();
  return row;
}

/**
 * The journal's write rule (issue 20), in one place: who writes in a lesson. The viewer must hold
 * `JournalWrite` (granted with the TEACHER role, so a DEPUTY writes only if they also teach) and
 * be the course's own teacher or the substitute recorded for that lesson. Every path that writes
 * in a lesson or says whether one may (`lessonWriteRefusals`, `canWriteCourse`, the journal
 * page's `canWrite`, the page read of a substitute) asks this and nothing else.
 */
export function writesIn(
  viewer: Viewer,
  lesson: { teacherId: number; substituteId: number | null },
): boolean {
  return (
    policy.can(viewer, Permission.JournalWrite) &&
    (lesson.teacherId === viewer.personId || lesson.substituteId === viewer.personId)
  );
}

/** Course-wide writes (new lessons, moves, final marks, the timetable) are the own teacher's. */
export function canWriteCourse(viewer: Viewer, course: CourseInfo): boolean {
  return writesIn(viewer, { teacherId: course.teacherId, substituteId: null });
}

/**
 * The write rule in bulk over a course's lessons: the ids of those the viewer writes in (all of
 * them for the course's teacher, the substituted ones for a substitute). The journal page's
 * `writableLessonIds`, which the grid reads to open only those cells.
 */
export function writableLessonIds(
  viewer: Viewer,
  course: Pick<CourseInfo, 'teacherId'>,
  lessons: readonly { id: number; substituteId: number | null }[],
): number[] {
  return lessons
    .filter((l) => writesIn(viewer, { teacherId: course.teacherId, substituteId: l.substituteId }))
    .map((l) => l.id);
}

/** The journal page's `canWrite`: the viewer writes in the course, or in a lesson on the page. */
export function canWritePage(
  viewer: Viewer,
  course: CourseInfo,
  lessons: readonly { id: number; substituteId: number | null }[],
): boolean {
  return canWriteCourse(viewer, course) || writableLessonIds(viewer, course, lessons).length > 0;
}

/** What the write rule needs of a lesson (one query reads it for a whole batch). */
export interface LessonWriteFacts {
  id: number;
  date: string;
  cancelled: boolean;
  substituteId: number | null;
  teacherId: number;
  /** The lesson lies in a closed study period. */
  locked: boolean;
}

export type WriteRefusalReason =
  'NOT_FOUND' | 'PERIOD_LOCKED' | 'LESSON_CANCELLED' | 'LESSON_IN_FUTURE';
export interface WriteRefusal {
  reason: WriteRefusalReason;
  message: string;
}

const refusal = (reason: WriteRefusalReason, message: string): WriteRefusal => ({
  reason,
  message,
});

/**
 * The write rule in bulk: for each lesson id asked, null when the viewer may write in it now, or
 * why not. A lesson not in `lessons` (unknown, or of another school) and one the viewer does not
 * write in are refused alike, `NOT_FOUND`; then a closed period, a cancelled lesson, and one after
 * `today` (pass a far date where the future does not matter, as for topic and homework).
 */
export function lessonWriteRefusals(
  viewer: Viewer,
  ids: Iterable<number>,
  lessons: ReadonlyMap<number, LessonWriteFacts>,
  today: string,
): Map<number, WriteRefusal | null> {
  const answer = new Map<number, WriteRefusal | null>();
  for (const id of ids) {
    const lesson = lessons.get(id);
    if (!lesson || !writesIn(viewer, lesson)) {
      answer.set(id, refusal('NOT_FOUND', 'No such lesson'));
    } else if (lesson.locked) {
      answer.set(id, refusal('PERIOD_LOCKED', 'The study period is closed'));
    } else if (lesson.cancelled) {
      answer.set(id, refusal('LESSON_CANCELLED', 'The lesson was cancelled'));
    } else if (lesson.date > today) {
      answer.set(id, refusal('LESSON_IN_FUTURE', 'The lesson has not taken place yet'));
    } else {
      answer.set(id, null);
    }
  }
  return answer;
}

/**
 * Whether the viewer writes, as a substitute, in some lesson of the course: the lessons they are
 * recorded for, put to the same write rule (`writableLessonIds`) as the page and the writes.
 */
async function substitutesIn(
  em: EntityManager,
  viewer: Viewer,
  course: CourseInfo,
): Promise<boolean> {
  const lessons = await em.execute<{ id: number; substituteId: number | null }[]>(
    `select id, substitute_id as "substituteId" from lesson
      where course_id = ? and school_id = ? and substitute_id = ? limit 1`,
    [course.id, viewer.schoolId, viewer.personId],
  );
  return writableLessonIds(viewer, course, lessons).length > 0;
}

/**
 * The course, if the viewer may read it: `canReadCourse` (auth/records.ts), or (unless `substitutes` is false) a
 * substitute in one of its lessons, who needs the page and its live feed to write there. A
 * refusal that does not reveal whether the course exists.
 */
export async function requireReadableCourse(
  em: EntityManager,
  viewer: Viewer | null,
  id: string | number,
  { substitutes = true }: { substitutes?: boolean } = {},
): Promise<CourseInfo> {
  const course = await loadCourse(em, viewer, id);
  if (canReadCourse(viewer!, course)) return course;
  if (substitutes && (await substitutesIn(em, viewer!, course))) return course;
  throw notFound();
}
