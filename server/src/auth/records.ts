import { Role } from './role.js';
import { Permission, policy } from './policy.js';
import type { Viewer } from './viewer.js';

/**
 * Per-record rules (issue 20, decision 36): whether this viewer may read this pupil's diary, this
 * course's journal, this class's roster. The policy (`policy.ts`) answers role questions; these
 * answer record questions, one function per rule, from the facts of the record that the area
 * reads in its own SQL and passes in (auth/ knows no area). Each comes with a bulk form that
 * answers the set of ids a viewer may read among records read together. The list of rules, with
 * where each is used, is in docs/architecture.md, "Per-record rules".
 */

/** What the diary rule needs of a pupil: the classes they were ever enrolled in. */
export interface PupilFacts {
  id: number;
  classIds: readonly number[];
}

/** What the journal's read rule needs of a course. */
export interface CourseFacts {
  id: number;
  teacherId: number;
  classGroupId: number;
}

/** The pupils the viewer follows as family: their children, and themselves if a pupil. */
export function ownPupilIds(viewer: Viewer): number[] {
  return [...viewer.childIds, ...(viewer.roles.has(Role.STUDENT) ? [viewer.personId] : [])];
}

/**
 * A pupil's diary: the pupil, their guardians, the class teacher of a class the pupil was
 * ever in, and whoever reads every journal (the administration). Nobody else, not even another
 * teacher of the pupil: a subject teacher reads the pupil's marks in their course's journal.
 */
export function canReadDiary(viewer: Viewer, pupil: PupilFacts): boolean {
  return (
    policy.isSelfOrGuardian(viewer, pupil.id) ||
    policy.can(viewer, Permission.JournalReadAll) ||
    pupil.classIds.some((c) => viewer.ledClassIds.includes(c))
  );
}

/** `canReadDiary` in bulk: the ids of the pupils given whose diary the viewer may read. */
export function readablePupilIds(viewer: Viewer, pupils: readonly PupilFacts[]): Set<number> {
  return new Set(pupils.filter((p) => canReadDiary(viewer, p)).map((p) => p.id));
}

/**
 * A course's journal: whoever reads every journal, the course's teacher, and the class
 * teacher of its class. A substitute reads it too, through the journal's write rule
 * (`writesIn` in modules/journal/journal.access.ts), which is theirs to write in.
 */
export function canReadCourse(viewer: Viewer, course: Omit<CourseFacts, 'id'>): boolean {
  return (
    policy.can(viewer, Permission.JournalReadAll) ||
    course.teacherId === viewer.personId ||
    viewer.ledClassIds.includes(course.classGroupId)
  );
}

/** `canReadCourse` in bulk: the ids of the courses given whose journal the viewer may read. */
export function readableCourseIds(viewer: Viewer, courses: readonly CourseFacts[]): Set<number> {
  return new Set(courses.filter((c) => canReadCourse(viewer, c)).map((c) => c.id));
}

/** A class's marks and absences across its courses (the class summary): its class teacher and the administration. */
export function canReadClassJournal(viewer: Viewer, classId: number): boolean {
  return policy.can(viewer, Permission.JournalReadAll) || viewer.ledClassIds.includes(classId);
}

/** A class's roster with its pupils' and parents' records: its class teacher and whoever reads all personal data. */
export function canReadRoster(viewer: Viewer, classId: number): boolean {
  return policy.can(viewer, Permission.PersonalDataReadAll) || viewer.ledClassIds.includes(classId);
}

/**
 * The register of issued access codes, for a class (`classId`) and/or the staff: the whole
 * register with AccessRegisterReadAll; otherwise a class teacher reads their own classes' codes,
 * and whoever manages the staff reads the staff's. A request that names neither needs the whole.
 */
export function canReadAccessRegister(
  viewer: Viewer,
  scope: { classId: number | null; staff: boolean },
): boolean {
  if (policy.can(viewer, Permission.AccessRegisterReadAll)) return true;
  if (scope.classId && !viewer.ledClassIds.includes(scope.classId)) return false;
  if (scope.staff && !policy.can(viewer, Permission.StaffManage)) return false;
  return !!scope.classId || scope.staff;
}
