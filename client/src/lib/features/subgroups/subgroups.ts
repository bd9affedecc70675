/** Splitting a class into subgroups for a subject and a study period. */
import { batchFailure, describeError, type UiMessage } from '../../graphql/errors';
import { byText } from '../../format';

/** `/class/7/subgroups`. */
export function subgroupsPath(classGroupId: string): `/class/${string}/subgroups` {
  return `/class/${encodeURIComponent(classGroupId)}/subgroups`;
}

/** Each pupil's group, by index into the groups; a pupil missing here is in none yet. */
export type Assignment = Record<string, number>;

export interface GroupDraft {
  name: string;
  teacherId: string;
}

/** A split has two or three groups. */
export const GROUP_COUNTS = [2, 3] as const;

const inGroup = (assignment: Assignment, pupilId: string, groupCount: number) => {
  const group = assignment[pupilId];
  return Number.isInteger(group) && group >= 0 && group < groupCount;
};

/** Pupils not in any of the first `groupCount` groups, in list order. */
export function unassignedPupils<P extends { id: string }>(
  pupils: readonly P[],
  assignment: Assignment,
  groupCount: number,
): P[] {
  return pupils.filter((pupil) => !inGroup(assignment, pupil.id, groupCount));
}

/** Every pupil in order, cut into `groupCount` runs that differ in size by one at most. */
export function distributeEvenly(
  pupils: readonly { id: string }[],
  groupCount: number,
): Assignment {
  const assignment: Assignment = {};
  const base = Math.floor(pupils.length / groupCount);
  const bigger = pupils.length % groupCount;
  let next = 0;
  for (let group = 0; group < groupCount; group++) {
    const size = base + (group < bigger ? 1 : 0);
    for (let i = 0; i < size; i++) assignment[pupils[next++].id] = group;
  }
  return assignment;
}

/** How many pupils each of the groups holds. */
export function groupSizes(
  pupils: readonly { id: string }[],
  assignment: Assignment,
  groupCount: number,
): number[] {
  const sizes = Array.from({ length: groupCount }, () => 0);
  for (const pupil of pupils) {
    if (inGroup(assignment, pupil.id, groupCount)) sizes[assignment[pupil.id]]++;
  }
  return sizes;
}

/** The groups as the server takes them: names trimmed, each with its pupils in list order. */
export function splitGroups(
  groups: readonly GroupDraft[],
  groupCount: number,
  pupils: readonly { id: string }[],
  assignment: Assignment,
): { name: string; teacherId: string; pupilIds: string[] }[] {
  return groups.slice(0, groupCount).map((group, index) => ({
    name: group.name.trim(),
    teacherId: group.teacherId,
    pupilIds: pupils.filter((pupil) => assignment[pupil.id] === index).map((pupil) => pupil.id),
  }));
}

interface CourseLike<
  T extends { id: string; fullName: string } = { id: string; fullName: string },
> {
  subject: { id: string; name: string };
  teacher: T;
}

/** The class's subjects, once each (a split's groups are courses of the same subject). */
export function subjectsOf(courses: readonly CourseLike[]): { id: string; name: string }[] {
  const byId = new Map(courses.map((course) => [course.subject.id, course.subject]));
  return [...byId.values()].sort((a, b) => byText(a.name, b.name));
}

/** Those who teach the class, once each: the teachers a class teacher may give groups to. */
export function teachersOf<T extends { id: string; fullName: string }>(
  courses: readonly CourseLike<T>[],
): T[] {
  const byId = new Map(courses.map((course) => [course.teacher.id, course.teacher]));
  return [...byId.values()].sort((a, b) => byText(a.fullName, b.fullName));
}

/** The teacher of the class's course of a subject (the first, should groups teach it too). */
export function subjectTeacher(
  courses: readonly CourseLike[],
  subjectId: string,
): string | undefined {
  return courses.find((course) => course.subject.id === subjectId)?.teacher.id;
}

/** True when the class is already split for the subject in the period. */
export function isSplit(
  splits: readonly { subjectName: string; periodId: string }[],
  subjectName: string | undefined,
  periodId: string | undefined,
): boolean {
  return splits.some((split) => split.subjectName === subjectName && split.periodId === periodId);
}

/** Where each message of a refused split goes in the form. */
export interface SplitErrors {
  subjectId?: UiMessage;
  periodId?: UiMessage;
  /** About the groups as a whole: too few, names repeated, pupils not one to a group. */
  groups?: UiMessage;
  /** Next to a group's name or teacher, by the group's index. */
  group: Record<number, { name?: UiMessage; teacherId?: UiMessage }>;
  /** The pupils' problems the server listed (`group` absent: the split as a whole). */
  entries: { group?: number; message: UiMessage }[];
  general?: UiMessage;
}

/** Reasons whose general wording says less than the split's own. */
const SPLIT_WORDING: Record<string, string> = {
  'errors.reason.NAME_TAKEN': 'subgroups.errors.sameNames',
  'errors.reason.NOT_ENROLLED': 'subgroups.errors.notInClass',
};

const reword = (message: UiMessage): UiMessage =>
  'key' in message && SPLIT_WORDING[message.key] ? { key: SPLIT_WORDING[message.key] } : message;

/** Sorts what the server said about a split into the places the form shows it. */
export function splitErrors(error: unknown): SplitErrors {
  const described = describeError(error);
  const result: SplitErrors = { group: {}, entries: [], general: described.general };
  for (const [path, message] of Object.entries(described.fields)) {
    const inGroupField = /^groups[.[](\d+)\]?\.(name|teacherId)$/.exec(path);
    if (inGroupField) {
      const index = Number(inGroupField[1]);
      const field = inGroupField[2] as 'name' | 'teacherId';
      result.group[index] = { ...result.group[index], [field]: message };
    } else if (path === 'subjectId' || path === 'periodId') {
      result[path] = message;
    } else if (path === 'groups' || path.startsWith('groups.') || path.startsWith('groups[')) {
      result.groups ??= reword(message);
    } else {
      result.general ??= message;
    }
  }
  const failure = batchFailure(error);
  if (failure.kind === 'entries') {
    result.entries = failure.entries.map((entry) => ({
      group: entry.index >= 0 ? entry.index : undefined,
      message: reword(entry.message),
    }));
  }
  return result;
}
