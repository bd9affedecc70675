import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, DomainError, notFound } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Scope } from '../../scope.js';
import { audit } from '../audit/audit.js';
import { Course } from '../school/course.entity.js';
import { pgIntArray } from '../people/people.loaders.js';
import { requireTeacher } from '../people/staff.lookup.js';
import { Subgroup, SubgroupMember, SubgroupSplit } from './subgroup.entity.js';
import type { SubgroupSplitChangeInput, SubgroupSplitInput } from './subgroup.inputs.js';
import {
  classFacts,
  enrolledPupils,
  journalEntries,
  loadSplits,
  lockSplit,
  storedGroups,
} from './subgroup.queries.js';
import {
  changedGroupIds,
  checkGroupNames,
  checkMembership,
  describeChange,
  describeStored,
  diffGroups,
  journalProblems,
  leavingWithEntries,
  mayManage,
  type ClassFacts,
  type GroupChange,
  type GroupPlan,
  type StoredGroup,
} from './subgroup.rules.js';
import type { SubgroupSplitInfo } from './subgroup.types.js';

type Em = Scope['em'];

/**
 * Splitting a class into subgroups, changing and deleting a split: by the class teacher,
 * the subject's teacher or the SYSADMIN. The rules that need no database are in subgroup.rules.ts,
 * the reads in subgroup.queries.ts.
 */
export class SubgroupService {
  async splits({ em, viewer }: Scope, classGroupId: string): Promise<SubgroupSplitInfo[]> {
    policy.require(viewer, Permission.SchoolRead);
    const classId = parseId('classGroupId', classGroupId);
    if (!(await this.maySeeSplits(em, viewer, classId))) throw notFound();
    return loadSplits(em, viewer, classId);
  }

  async create({ em, viewer }: Scope, input: SubgroupSplitInput): Promise<SubgroupSplitInfo> {
    policy.require(viewer, Permission.SchoolRead);
    const ids = {
      classId: parseId('classGroupId', input.classGroupId),
      subjectId: parseId('subjectId', input.subjectId),
      periodId: parseId('periodId', input.periodId),
    };
    return em.transactional(async (tem) => {
      const facts = await classFacts(tem, viewer.schoolId, ids);
      if (!facts) throw notFound();
      if (!mayManage(viewer, facts)) throw notFound();
      if (!facts.course_id) {
        throw badInput('subjectId', 'NO_COURSE', 'The class has no course of this subject');
      }
      await this.refuseSecondSplit(tem, ids);
      const groups = await this.checkGroups(tem, viewer, facts, input.groups);
      const split = this.createSplit(tem, viewer, facts, ids, groups);
      await tem.flush();
      audit(tem, viewer, 'subgroup_split', split.id, 'create', null, {
        groups: groups.map((g) => ({ name: g.name, teacherId: g.teacherId, pupilIds: g.pupilIds })),
      });
      await tem.flush();
      return (await loadSplits(tem, viewer, ids.classId)).find((s) => s.id === split.id)!;
    });
  }

  /**
   * Renames groups, gives them other teachers and moves pupils between them, under the rules of
   * creation. A pupil who leaves a group with marks, attendance or a period mark in its journal is
   * refused (CONFLICT `HAS_JOURNAL_ENTRIES`, naming them) unless `force`: then those entries stay
   * untouched in the old group's journal, and the audit record names them.
   */
  async update(
    { em, viewer }: Scope,
    id: string,
    input: SubgroupSplitChangeInput,
  ): Promise<SubgroupSplitInfo> {
    policy.require(viewer, Permission.SchoolRead);
    const splitId = parseId('id', id);
    return em.transactional(async (tem) => {
      const facts = await lockSplit(tem, viewer, splitId);
      const stored = await storedGroups(tem, splitId);
      const inputIds = changedGroupIds(stored, input.groups);
      const plans = await this.checkGroups(tem, viewer, facts, input.groups);
      const changes = diffGroups(stored, inputIds, plans);
      const entries = await journalEntries(
        tem,
        stored.map((g) => g.course_id),
      );
      const leftBehind = leavingWithEntries(changes, entries);
      this.refuseEntriesLeftBehind(leftBehind, input.force);
      await this.renameGroups(tem, changes);
      await this.changeTeachers(tem, changes);
      await this.moveMembers(tem, viewer, stored, changes);
      const before = { groups: stored.map(describeStored) };
      const after = describeChange(changes, leftBehind);
      audit(tem, viewer, 'subgroup_split', splitId, 'update', before, after);
      await tem.flush();
      return (await loadSplits(tem, viewer, facts.class_id)).find((s) => s.id === splitId)!;
    });
  }

  /**
   * Deletes a split with its groups' courses, their timetable slots and lessons, while none of
   * those journals holds a mark, an attendance entry or a period mark (CONFLICT
   * `HAS_JOURNAL_ENTRIES` otherwise). The whole-class course is untouched.
   */
  async delete({ em, viewer }: Scope, id: string): Promise<boolean> {
    policy.require(viewer, Permission.SchoolRead);
    const splitId = parseId('id', id);
    return em.transactional(async (tem) => {
      const facts = await lockSplit(tem, viewer, splitId);
      const stored = await storedGroups(tem, splitId);
      const courseIds = pgIntArray(stored.map((g) => g.course_id));
      await this.lockJournals(tem, courseIds);
      await this.refuseJournalEntries(tem, stored);
      await this.deleteSplitRows(tem, viewer, splitId, courseIds);
      const before = {
        classGroupId: facts.class_id,
        subjectId: facts.subject_id,
        periodId: facts.period_id,
        groups: stored.map(describeStored),
      };
      audit(tem, viewer, 'subgroup_split', splitId, 'remove', before, null);
      await tem.flush();
      return true;
    });
  }

  /** Whoever may read all journals or manage the structure, the class teacher, a teacher of the class. */
  private async maySeeSplits(em: Em, viewer: Viewer, classId: number): Promise<boolean> {
    const [row] = await em.execute<{ ok: boolean }[]>(
      `select exists(select 1 from class_group where id = ? and school_id = ?) as ok`,
      [classId, viewer.schoolId],
    );
    const teachesThere = await em.execute(
      `select 1 from course where class_group_id = ? and teacher_id = ? limit 1`,
      [classId, viewer.personId],
    );
    const allowed =
      policy.can(viewer, Permission.JournalReadAll) ||
      policy.can(viewer, Permission.StructureManage) ||
      viewer.ledClassIds.includes(classId) ||
      teachesThere.length > 0;
    return row.ok && allowed;
  }

  private async refuseSecondSplit(
    em: Em,
    ids: { classId: number; subjectId: number; periodId: number },
  ): Promise<void> {
    const existing = await em.findOne(SubgroupSplit, {
      classGroup: ids.classId,
      subject: ids.subjectId,
      period: ids.periodId,
    });
    if (existing) {
      throw conflict(
        'periodId',
        'SPLIT_EXISTS',
        'The class is already split for this subject and period',
      );
    }
  }

  /** The split, and per group a subgroup, its own course (a journal page) and its members. */
  private createSplit(
    em: Em,
    viewer: Viewer,
    facts: ClassFacts,
    ids: { classId: number; subjectId: number; periodId: number },
    groups: GroupPlan[],
  ): SubgroupSplit {
    const school = viewer.schoolId;
    const split = em.create(SubgroupSplit, {
      school,
      classGroup: ids.classId,
      subject: ids.subjectId,
      period: ids.periodId,
    });
    for (const g of groups) {
      const subgroup = em.create(Subgroup, { school, split, name: g.name });
      em.create(Course, {
        school,
        academicYear: facts.year_id,
        classGroup: ids.classId,
        subject: ids.subjectId,
        teacher: g.teacherId,
        hoursPerWeek: facts.hours ?? 1,
        subgroup,
      });
      for (const pupil of g.pupilIds) {
        em.create(SubgroupMember, { school, subgroup, pupil });
      }
    }
    return split;
  }

  /** Names unique, teachers real, and the class's pupils of the period each in exactly one group. */
  private async checkGroups(
    em: Em,
    viewer: Viewer,
    facts: ClassFacts,
    input: readonly { name: string; teacherId: string; pupilIds: string[] }[],
  ): Promise<GroupPlan[]> {
    const names = checkGroupNames(input);
    const enrolled = await enrolledPupils(em, facts);
    const teacherIds: number[] = [];
    const pupilIds: number[][] = [];
    for (const [i, g] of input.entries()) {
      const field = `groups.${i}.teacherId`;
      teacherIds.push(await requireTeacher(em, viewer.schoolId, field, g.teacherId));
      pupilIds.push(g.pupilIds.map((p) => parseId(`groups.${i}.pupilIds`, p)));
    }
    checkMembership(enrolled, pupilIds);
    return names.map((name, i) => ({
      name,
      teacherId: teacherIds[i],
      pupilIds: [...new Set(pupilIds[i])],
    }));
  }

  private refuseEntriesLeftBehind(leftBehind: number[][], force: boolean): void {
    const problems = journalProblems(
      leftBehind,
      "pupils to move have marks or attendance in this group's journal",
    );
    if (problems.length > 0 && !force) {
      throw new DomainError(
        'CONFLICT',
        "Pupils to move have marks or attendance in their group's journal; move them with force to leave those entries there",
        { reason: 'HAS_JOURNAL_ENTRIES', field: 'groups', entries: problems },
      );
    }
  }

  /** Changed names go first to a name no trimmed name can be, so that groups may swap names. */
  private async renameGroups(em: Em, changes: GroupChange[]): Promise<void> {
    const renamed = changes.filter(({ old, plan }) => old.name !== plan.name);
    if (renamed.length === 0) return;
    await em.execute(`update subgroup set name = chr(10) || id where id = any(?::int[])`, [
      pgIntArray(renamed.map((t) => t.old.id)),
    ]);
    for (const { old, plan } of renamed) {
      await em.execute(`update subgroup set name = ? where id = ?`, [plan.name, old.id]);
    }
  }

  private async changeTeachers(em: Em, changes: GroupChange[]): Promise<void> {
    for (const { old, plan } of changes) {
      if (old.teacher_id !== plan.teacherId) {
        await em.execute(`update course set teacher_id = ? where id = ?`, [
          plan.teacherId,
          old.course_id,
        ]);
      }
    }
  }

  /** Those who leave a group come out of every group of the split, then each joins the new one. */
  private async moveMembers(
    em: Em,
    viewer: Viewer,
    stored: StoredGroup[],
    changes: GroupChange[],
  ): Promise<void> {
    const moved = changes.flatMap((c) => c.leaving);
    const joining = changes.flatMap(({ old, joining }) => joining.map((p) => [old.id, p] as const));
    if (moved.length > 0) {
      await em.execute(
        `delete from subgroup_member where subgroup_id = any(?::int[]) and pupil_id = any(?::int[])`,
        [pgIntArray(stored.map((g) => g.id)), pgIntArray(moved)],
      );
    }
    if (joining.length > 0) {
      await em.execute(
        `insert into subgroup_member (school_id, subgroup_id, pupil_id)
           select ?, x.g, x.p from unnest(?::int[], ?::int[]) as x(g, p)`,
        [
          viewer.schoolId,
          pgIntArray(joining.map(([g]) => g)),
          pgIntArray(joining.map(([, p]) => p)),
        ],
      );
    }
  }

  /** A mark or absence written meanwhile waits for this transaction, or is seen after. */
  private async lockJournals(em: Em, courseIds: string): Promise<void> {
    await em.execute(`select id from course where id = any(?::int[]) for update`, [courseIds]);
    await em.execute(`select id from lesson where course_id = any(?::int[]) for update`, [
      courseIds,
    ]);
  }

  private async refuseJournalEntries(em: Em, stored: StoredGroup[]): Promise<void> {
    const entries = await journalEntries(
      em,
      stored.map((g) => g.course_id),
    );
    const problems = journalProblems(
      stored.map((g) => [...(entries.get(g.course_id) ?? [])]),
      "pupils have marks or attendance in this group's journal",
    );
    if (problems.length > 0) {
      throw new DomainError(
        'CONFLICT',
        "The groups' journals have marks or attendance: the split cannot be deleted",
        { reason: 'HAS_JOURNAL_ENTRIES', entries: problems },
      );
    }
  }

  private async deleteSplitRows(
    em: Em,
    viewer: Viewer,
    splitId: number,
    courseIds: string,
  ): Promise<void> {
    await em.execute(`delete from timetable_slot where course_id = any(?::int[])`, [courseIds]);
    // Removed marks and cleared attendance go with their lessons; their history is in the audit.
    await em.execute(`delete from lesson where course_id = any(?::int[])`, [courseIds]);
    await em.execute(`delete from period_mark where course_id = any(?::int[])`, [courseIds]);
    await em.execute(`delete from course where id = any(?::int[])`, [courseIds]);
    await em.execute(`delete from subgroup_split where id = ? and school_id = ?`, [
      splitId,
      viewer.schoolId,
    ]);
  }
}
