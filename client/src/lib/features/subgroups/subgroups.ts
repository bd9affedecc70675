/** Splitting a class into subgroups for a subject and a study period. */
import { CombinedGraphQLErrors } from '@apollo/client/errors';
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

/** A split as the server lists it: its groups with their teachers and pupils. */
export interface StoredSplit {
  id: string;
  groups: readonly {
    id: string;
    name: string;
    teacherId: string;
    pupils: readonly { id: string }[];
  }[];
}

/** Each pupil's group in a stored split, by the group's index. */
export function assignmentOf(split: StoredSplit): Assignment {
  const assignment: Assignment = {};
  split.groups.forEach((group, index) => {
    for (const pupil of group.pupils) assignment[pupil.id] = index;
  });
  return assignment;
}

/** The form's group drafts (three at least, as for a new split), the stored groups first. */
export function draftsOf(split: StoredSplit, fallback: (number: number) => string): GroupDraft[] {
  const count = Math.max(3, split.groups.length);
  return Array.from({ length: count }, (_, index) => {
    const group = split.groups[index];
    const number = index + 1;
    return group
      ? { name: group.name, teacherId: group.teacherId }
      : { name: fallback(number), teacherId: '' };
  });
}

/** The change to send for a stored split: each of its groups by id, in the stored order. */
export function changedGroups(
  split: StoredSplit,
  groups: readonly GroupDraft[],
  pupils: readonly { id: string }[],
  assignment: Assignment,
): { id: string; name: string; teacherId: string; pupilIds: string[] }[] {
  return splitGroups(groups, split.groups.length, pupils, assignment).map((group, index) => ({
    id: split.groups[index].id,
    ...group,
  }));
}

/** The group a pupil was in before the edit, when the edit puts them elsewhere. */
export function movedFrom(
  original: Assignment,
  assignment: Assignment,
  pupilId: string,
): number | undefined {
  const was = original[pupilId];
  return was !== undefined && assignment[pupilId] !== was ? was : undefined;
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
  /**
   * Pupils who would leave a group whose journal has their marks or attendance, by the index of
   * that group: moved only when the person confirms (`force`).
   */
  journal?: { group: number; pupilIds: string[] }[];
  general?: UiMessage;
}

/** Reasons of the split's own, which the general dictionary does not know. */
const SPLIT_REASONS: Record<string, string> = {
  GROUPS_CHANGED: 'subgroups.errors.groupsChanged',
  HAS_JOURNAL_ENTRIES: 'subgroups.errors.hasEntries',
};

/** The first error's extensions, as the server sent them. */
function extensionsOf(error: unknown): Record<string, unknown> | undefined {
  return CombinedGraphQLErrors.is(error) ? error.errors[0]?.extensions : undefined;
}

/** The pupils a HAS_JOURNAL_ENTRIES refusal names, by group; undefined for any other error. */
export function journalConflict(
  error: unknown,
): { group: number; pupilIds: string[] }[] | undefined {
  const extensions = extensionsOf(error);
  if (extensions?.reason !== 'HAS_JOURNAL_ENTRIES' || !Array.isArray(extensions.entries)) {
    return undefined;
  }
  return extensions.entries.flatMap((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return [];
    const { index, pupilIds } = entry as Record<string, unknown>;
    if (typeof index !== 'number' || !Array.isArray(pupilIds)) return [];
    return [{ group: index, pupilIds: pupilIds.map(String) }];
  });
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
  const journal = journalConflict(error);
  if (journal) return { group: {}, entries: [], journal };
  const reason = extensionsOf(error)?.reason;
  if (typeof reason === 'string' && SPLIT_REASONS[reason]) {
    return { group: {}, entries: [], groups: { key: SPLIT_REASONS[reason] } };
  }
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

/** Why a split was not deleted: its journals hold entries, or the general reason. */
export function deleteSplitError(error: unknown): UiMessage {
  if (extensionsOf(error)?.reason === 'HAS_JOURNAL_ENTRIES') {
    return { key: 'subgroups.errors.cannotDelete' };
  }
  const described = describeError(error);
  return described.general ?? Object.values(described.fields)[0] ?? { key: 'errors.code.CONFLICT' };
}
