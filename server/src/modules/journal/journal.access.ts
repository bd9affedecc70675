import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import { Role } from '../../auth/role.js';
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

/** The administration, the course's teacher, and the class teacher of its class may read it. */
export function canReadCourse(viewer: Viewer, course: CourseInfo): boolean {
  return (
    policy.can(viewer, Permission.JournalReadAll) ||
    course.teacherId === viewer.personId ||
    viewer.ledClassIds.includes(course.classGroupId)
  );
}

/** Only the course's own teacher writes in it; a substitute writes in the lessons substituted. */
export function canWriteCourse(viewer: Viewer, course: CourseInfo): boolean {
  return policy.can(viewer, Permission.JournalWrite) && course.teacherId === viewer.personId;
}

export function canWriteLesson(
  viewer: Viewer,
  course: CourseInfo,
  substituteId: number | null,
): boolean {
  return (
    canWriteCourse(viewer, course) ||
    (viewer.roles.has(Role.TEACHER) && substituteId === viewer.personId)
  );
}

/** A refusal that does not reveal whether the course exists. */
export async function requireReadableCourse(
  em: EntityManager,
  viewer: Viewer | null,
  id: string | number,
): Promise<CourseInfo> {
  const course = await loadCourse(em, viewer, id);
  if (!canReadCourse(viewer!, course)) throw notFound();
  return course;
}
