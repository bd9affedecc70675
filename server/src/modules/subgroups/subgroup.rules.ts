import type { ErrorReason } from '../../error-reason.js';
import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, DomainError, type EntryProblem } from '../../errors.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { Viewer } from '../../auth/viewer.js';

/** The rules of a split that need no database: who may manage it, what a valid split is, what a change moves. */

export interface ClassFacts {
  class_id: number;
  year_id: number;
  starts_on: string;
  ends_on: string;
  course_id: number | null;
  course_teacher_id: number | null;
  hours: number | null;
}

export interface SplitFacts extends ClassFacts {
  split_id: number;
  subject_id: number;
  period_id: number;
}

/** A group of a split as stored: its course and members. */
export interface StoredGroup {
  id: number;
  name: string;
  course_id: number;
  teacher_id: number;
  pupil_ids: number[];
}

export interface GroupPlan {
  name: string;
  teacherId: number;
  pupilIds: number[];
}

/** A stored group, what it becomes, and who leaves and joins it. */
export interface GroupChange {
  old: StoredGroup;
  plan: GroupPlan;
  leaving: number[];
  joining: number[];
}

/** By course, the pupils who have something in its journal. */
export type JournalEntries = Map<number, Set<number>>;

/** The class teacher, the subject's teacher or whoever manages the school's structure. */
export function mayManage(
  viewer: Viewer,
  facts: Pick<ClassFacts, 'class_id' | 'course_teacher_id'>,
): boolean {
  return (
    policy.can(viewer, Permission.StructureManage) ||
    viewer.ledClassIds.includes(facts.class_id) ||
    (policy.can(viewer, Permission.JournalWrite) && facts.course_teacher_id === viewer.personId)
  );
}

export const describeStored = (g: StoredGroup) => ({
  id: g.id,
  name: g.name,
  teacherId: g.teacher_id,
  pupilIds: g.pupil_ids,
});

/** A change as the audit keeps it: the groups as planned, and the journal entries left behind. */
export const describeChange = (changes: GroupChange[], leftBehind: number[][]) => ({
  groups: changes.map(({ old, plan }) => ({ id: old.id, ...plan })),
  ...(leftBehind.some((pupils) => pupils.length > 0)
    ? {
        entriesLeftBehind: changes.flatMap(({ old }, i) =>
          leftBehind[i].length > 0 ? [{ groupId: old.id, pupilIds: leftBehind[i] }] : [],
        ),
      }
    : {}),
});

/** At least two groups, each with its own name (case does not matter); the names trimmed. */
export function checkGroupNames(input: readonly { name: string }[]): string[] {
  if (input.length < 2) {
    throw badInput('groups', 'TOO_FEW_GROUPS', 'A split has at least two groups');
  }
  const names = input.map((g, i) => requiredText(`groups.${i}.name`, g.name, 50));
  if (new Set(names.map((n) => n.toLowerCase())).size !== names.length) {
    throw conflict('groups', 'NAME_TAKEN', 'Each group needs its own name');
  }
  return names;
}

const pupilProblem = (index: number, reason: ErrorReason, message: string, pupilIds: number[]) => ({
  index,
  reason,
  message,
  field: 'pupilIds',
  pupilIds: pupilIds.map(String),
});

/**
 * Every pupil of the class (`enrolled`) in exactly one group, and no one else: SPLIT_INVALID with
 * a problem per pupil otherwise.
 */
export function checkMembership(enrolled: Set<number>, groups: readonly number[][]): void {
  const seen = new Map<number, number>();
  const problems: EntryProblem[] = [];
  for (const [i, pupilIds] of groups.entries()) {
    for (const p of pupilIds) {
      if (!enrolled.has(p)) {
        problems.push(pupilProblem(i, 'NOT_ENROLLED', `Pupil ${p} is not in the class`, [p]));
      } else if (seen.has(p)) {
        problems.push(pupilProblem(i, 'PUPIL_IN_TWO_GROUPS', `Pupil ${p} is in two groups`, [p]));
      }
      seen.set(p, i);
    }
  }
  const left = [...enrolled].filter((p) => !seen.has(p));
  if (left.length > 0) {
    problems.push(
      pupilProblem(-1, 'PUPIL_LEFT_OUT', `${left.length} pupils are in no group`, left),
    );
  }
  if (problems.length > 0) {
    throw new DomainError(
      'BAD_USER_INPUT',
      'The split must put every pupil of the class in exactly one group',
      { reason: 'SPLIT_INVALID', field: 'groups', entries: problems },
    );
  }
}

/** The ids of a change's groups, in its order: each stored group once, no other (GROUPS_CHANGED). */
export function changedGroupIds(stored: StoredGroup[], input: readonly { id: string }[]): number[] {
  const inputIds = input.map((g, i) => parseId(`groups.${i}.id`, g.id));
  const storedIds = new Set(stored.map((g) => g.id));
  if (
    new Set(inputIds).size !== inputIds.length ||
    inputIds.length !== stored.length ||
    inputIds.some((g) => !storedIds.has(g))
  ) {
    throw badInput(
      'groups',
      'GROUPS_CHANGED',
      'List each group of the split once: groups are not added or removed by a change',
    );
  }
  return inputIds;
}

/** Each stored group beside its plan (`inputIds[i]` is planned by `plans[i]`), with who leaves and joins. */
export function diffGroups(
  stored: StoredGroup[],
  inputIds: number[],
  plans: GroupPlan[],
): GroupChange[] {
  const byId = new Map(stored.map((g) => [g.id, g]));
  return inputIds.map((gid, i) => {
    const old = byId.get(gid)!;
    const plan = plans[i];
    const staying = new Set(plan.pupilIds);
    const was = new Set(old.pupil_ids);
    return {
      old,
      plan,
      leaving: old.pupil_ids.filter((p) => !staying.has(p)),
      joining: plan.pupilIds.filter((p) => !was.has(p)),
    };
  });
}

/** Per change, the leaving pupils who have something in the group's journal. */
export const leavingWithEntries = (changes: GroupChange[], entries: JournalEntries) =>
  changes.map(({ old, leaving }) => leaving.filter((p) => entries.get(old.course_id)?.has(p)));

/** A HAS_JOURNAL_ENTRIES problem for each group (by index) with such pupils. */
export function journalProblems(pupilsByGroup: number[][], message: string): EntryProblem[] {
  return pupilsByGroup.flatMap((pupils, index) =>
    pupils.length === 0
      ? []
      : [pupilProblem(index, 'HAS_JOURNAL_ENTRIES', `${pupils.length} ${message}`, pupils)],
  );
}
