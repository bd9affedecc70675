import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, DomainError, notFound, type EntryProblem } from '../../errors.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Scope } from '../../scope.js';
import { audit } from '../audit/audit.js';
import { Course } from '../school/course.entity.js';
import { pgIntArray } from '../people/people.loaders.js';
import { requireTeacher } from '../people/staff.lookup.js';
import { Subgroup, SubgroupMember, SubgroupSplit } from './subgroup.entity.js';

@InputType()
export class SubgroupInput {
  @Field() name!: string;
  @Field(() => ID) teacherId!: string;
  @Field(() => [ID]) pupilIds!: string[];
}

@InputType({
  description:
    'A split of a class for one subject and study period; every pupil in exactly one group',
})
export class SubgroupSplitInput {
  @Field(() => ID) classGroupId!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => ID) periodId!: string;
  @Field(() => [SubgroupInput]) groups!: SubgroupInput[];
}

@InputType()
export class SubgroupChangeInput {
  @Field(() => ID, {
    description: 'A group of the split: groups are changed, not added or removed',
  })
  id!: string;
  @Field() name!: string;
  @Field(() => ID) teacherId!: string;
  @Field(() => [ID]) pupilIds!: string[];
}

@InputType({
  description:
    "A split's groups renamed, given other teachers or other pupils; every pupil still in exactly one group",
})
export class SubgroupSplitChangeInput {
  @Field(() => [SubgroupChangeInput], { description: 'Each group of the split, once' })
  groups!: SubgroupChangeInput[];

  @Field({
    defaultValue: false,
    description:
      "Move pupils who have marks or attendance in their group's journal anyway: those entries stay where they are, in the old group's journal",
  })
  force!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class SubgroupPupil {
  @Field(() => ID) id!: number;
  @Field() fullName!: string;
}

@ObjectType({ simpleResolvers: true })
export class SubgroupInfo {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => ID, { description: "The subgroup's journal page" }) courseId!: number;
  @Field(() => ID) teacherId!: number;
  @Field() teacherName!: string;
  @Field(() => [SubgroupPupil]) pupils!: SubgroupPupil[];
}

@ObjectType({ simpleResolvers: true })
export class SubgroupSplitInfo {
  @Field(() => ID) id!: number;
  @Field(() => ID) subjectId!: number;
  @Field() subjectName!: string;
  @Field(() => ID) periodId!: number;
  @Field() periodName!: string;
  @Field(() => [SubgroupInfo]) groups!: SubgroupInfo[];
  @Field({ description: 'Whether the viewer may change or delete the split' })
  canEdit!: boolean;
}

interface ClassFacts {
  class_id: number;
  year_id: number;
  starts_on: string;
  ends_on: string;
  course_id: number | null;
  course_teacher_id: number | null;
  hours: number | null;
}

interface SplitFacts extends ClassFacts {
  split_id: number;
  subject_id: number;
  period_id: number;
}

/** A group of a split as stored: its course and members. */
interface StoredGroup {
  id: number;
  name: string;
  course_id: number;
  teacher_id: number;
  pupil_ids: number[];
}

interface GroupPlan {
  name: string;
  teacherId: number;
  pupilIds: number[];
}

/**
 * Splitting a class into subgroups, changing and deleting a split: by the class teacher,
 * the subject's teacher or the SYSADMIN.
 */
export class SubgroupService {
  async splits({ em, viewer }: Scope, classGroupId: string): Promise<SubgroupSplitInfo[]> {
    policy.require(viewer, Permission.SchoolRead);
    const classId = parseId('classGroupId', classGroupId);
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
    if (!row.ok || !allowed) throw notFound();
    return this.load(em, viewer, classId);
  }

  async create({ em, viewer }: Scope, input: SubgroupSplitInput): Promise<SubgroupSplitInfo> {
    policy.require(viewer, Permission.SchoolRead);
    const classId = parseId('classGroupId', input.classGroupId);
    const subjectId = parseId('subjectId', input.subjectId);
    const periodId = parseId('periodId', input.periodId);
    return em.transactional(async (tem) => {
      const [facts] = await tem.execute<ClassFacts[]>(
        `select c.id as class_id, c.academic_year_id as year_id, p.starts_on::text, p.ends_on::text,
                co.id as course_id, co.teacher_id as course_teacher_id, co.hours_per_week as hours
           from class_group c join study_period p on p.academic_year_id = c.academic_year_id and p.id = ?
           left join course co on co.class_group_id = c.id and co.subject_id = ? and co.subgroup_id is null
          where c.id = ? and c.school_id = ?`,
        [periodId, subjectId, classId, viewer.schoolId],
      );
      if (!facts) throw notFound();
      if (!mayManage(viewer, facts)) throw notFound();
      if (!facts.course_id) {
        throw badInput('subjectId', 'NO_COURSE', 'The class has no course of this subject');
      }
      if (
        await tem.findOne(SubgroupSplit, {
          classGroup: classId,
          subject: subjectId,
          period: periodId,
        })
      ) {
        throw conflict(
          'periodId',
          'SPLIT_EXISTS',
          'The class is already split for this subject and period',
        );
      }
      const groups = await this.checkGroups(tem, viewer, facts, input.groups);
      const split = tem.create(SubgroupSplit, {
        school: viewer.schoolId,
        classGroup: classId,
        subject: subjectId,
        period: periodId,
      });
      for (const g of groups) {
        const subgroup = tem.create(Subgroup, { school: viewer.schoolId, split, name: g.name });
        tem.create(Course, {
          school: viewer.schoolId,
          academicYear: facts.year_id,
          classGroup: classId,
          subject: subjectId,
          teacher: g.teacherId,
          hoursPerWeek: facts.hours ?? 1,
          subgroup,
        });
        for (const pupil of g.pupilIds) {
          tem.create(SubgroupMember, { school: viewer.schoolId, subgroup, pupil });
        }
      }
      await tem.flush();
      audit(tem, viewer, 'subgroup_split', split.id, 'create', null, {
        groups: groups.map((g) => ({ name: g.name, teacherId: g.teacherId, pupilIds: g.pupilIds })),
      });
      await tem.flush();
      return (await this.load(tem, viewer, classId)).find((s) => s.id === split.id)!;
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
      const facts = await this.lockSplit(tem, viewer, splitId);
      const stored = await this.storedGroups(tem, splitId);
      const byId = new Map(stored.map((g) => [g.id, g]));
      const inputIds = input.groups.map((g, i) => parseId(`groups.${i}.id`, g.id));
      if (
        new Set(inputIds).size !== inputIds.length ||
        inputIds.length !== stored.length ||
        inputIds.some((g) => !byId.has(g))
      ) {
        throw badInput(
          'groups',
          'GROUPS_CHANGED',
          'List each group of the split once: groups are not added or removed by a change',
        );
      }
      const plans = await this.checkGroups(tem, viewer, facts, input.groups);
      const targets = inputIds.map((gid, i) => ({ old: byId.get(gid)!, plan: plans[i] }));

      // Who leaves which group, and which of them leave journal entries behind.
      const leaving = targets.map(({ old, plan }) => {
        const staying = new Set(plan.pupilIds);
        return old.pupil_ids.filter((p) => !staying.has(p));
      });
      const entries = await this.journalEntries(
        tem,
        stored.map((g) => g.course_id),
      );
      const leavingWithEntries = targets.map(({ old }, i) =>
        leaving[i].filter((p) => entries.get(old.course_id)?.has(p)),
      );
      const problems: EntryProblem[] = leavingWithEntries.flatMap((pupils, index) =>
        pupils.length === 0
          ? []
          : [
              {
                index,
                reason: 'HAS_JOURNAL_ENTRIES',
                message: `${pupils.length} pupils to move have marks or attendance in this group's journal`,
                field: 'pupilIds',
                pupilIds: pupils.map(String),
              },
            ],
      );
      if (problems.length > 0 && !input.force) {
        throw new DomainError(
          'CONFLICT',
          "Pupils to move have marks or attendance in their group's journal; move them with force to leave those entries there",
          { reason: 'HAS_JOURNAL_ENTRIES', field: 'groups', entries: problems },
        );
      }

      // Names: changed ones first to a name no trimmed name can be, so that groups may swap names.
      const renamed = targets.filter(({ old, plan }) => old.name !== plan.name);
      if (renamed.length > 0) {
        await tem.execute(`update subgroup set name = chr(10) || id where id = any(?::int[])`, [
          pgIntArray(renamed.map((t) => t.old.id)),
        ]);
        for (const { old, plan } of renamed) {
          await tem.execute(`update subgroup set name = ? where id = ?`, [plan.name, old.id]);
        }
      }
      for (const { old, plan } of targets) {
        if (old.teacher_id !== plan.teacherId) {
          await tem.execute(`update course set teacher_id = ? where id = ?`, [
            plan.teacherId,
            old.course_id,
          ]);
        }
      }
      const joining = targets.flatMap(({ old, plan }) => {
        const was = new Set(old.pupil_ids);
        return plan.pupilIds.filter((p) => !was.has(p)).map((p) => [old.id, p] as const);
      });
      const moved = leaving.flat();
      if (moved.length > 0) {
        await tem.execute(
          `delete from subgroup_member where subgroup_id = any(?::int[]) and pupil_id = any(?::int[])`,
          [pgIntArray(stored.map((g) => g.id)), pgIntArray(moved)],
        );
      }
      if (joining.length > 0) {
        await tem.execute(
          `insert into subgroup_member (school_id, subgroup_id, pupil_id)
           select ?, x.g, x.p from unnest(?::int[], ?::int[]) as x(g, p)`,
          [
            viewer.schoolId,
            pgIntArray(joining.map(([g]) => g)),
            pgIntArray(joining.map(([, p]) => p)),
          ],
        );
      }
      audit(
        tem,
        viewer,
        'subgroup_split',
        splitId,
        'update',
        { groups: stored.map(describeStored) },
        {
          groups: targets.map(({ old, plan }) => ({ id: old.id, ...plan })),
          ...(problems.length > 0
            ? {
                entriesLeftBehind: targets.flatMap(({ old }, i) =>
                  leavingWithEntries[i].length > 0
                    ? [{ groupId: old.id, pupilIds: leavingWithEntries[i] }]
                    : [],
                ),
              }
            : {}),
        },
      );
      await tem.flush();
      return (await this.load(tem, viewer, facts.class_id)).find((s) => s.id === splitId)!;
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
      const facts = await this.lockSplit(tem, viewer, splitId);
      const stored = await this.storedGroups(tem, splitId);
      const courseIds = pgIntArray(stored.map((g) => g.course_id));
      // A mark or absence written meanwhile waits for this transaction, or is seen below.
      await tem.execute(`select id from course where id = any(?::int[]) for update`, [courseIds]);
      await tem.execute(`select id from lesson where course_id = any(?::int[]) for update`, [
        courseIds,
      ]);
      const entries = await this.journalEntries(
        tem,
        stored.map((g) => g.course_id),
      );
      const problems: EntryProblem[] = stored.flatMap((g, index) => {
        const pupils = [...(entries.get(g.course_id) ?? [])];
        return pupils.length === 0
          ? []
          : [
              {
                index,
                reason: 'HAS_JOURNAL_ENTRIES',
                message: `${pupils.length} pupils have marks or attendance in this group's journal`,
                field: 'pupilIds',
                pupilIds: pupils.map(String),
              },
            ];
      });
      if (problems.length > 0) {
        throw new DomainError(
          'CONFLICT',
          "The groups' journals have marks or attendance: the split cannot be deleted",
          { reason: 'HAS_JOURNAL_ENTRIES', entries: problems },
        );
      }
      await tem.execute(`delete from timetable_slot where course_id = any(?::int[])`, [courseIds]);
      // Removed marks and cleared attendance go with their lessons; their history is in the audit.
      await tem.execute(`delete from lesson where course_id = any(?::int[])`, [courseIds]);
      await tem.execute(`delete from period_mark where course_id = any(?::int[])`, [courseIds]);
      await tem.execute(`delete from course where id = any(?::int[])`, [courseIds]);
      await tem.execute(`delete from subgroup_split where id = ? and school_id = ?`, [
        splitId,
        viewer.schoolId,
      ]);
      audit(
        tem,
        viewer,
        'subgroup_split',
        splitId,
        'remove',
        {
          classGroupId: facts.class_id,
          subjectId: facts.subject_id,
          periodId: facts.period_id,
          groups: stored.map(describeStored),
        },
        null,
      );
      await tem.flush();
      return true;
    });
  }

  /** The split's class and period, its row locked for this transaction; NOT_FOUND unless the viewer may manage it. */
  private async lockSplit(em: Scope['em'], viewer: Viewer, splitId: number): Promise<SplitFacts> {
    const [facts] = await em.execute<SplitFacts[]>(
      `select sp.id as split_id, sp.subject_id, sp.period_id, c.id as class_id, c.academic_year_id as year_id,
              p.starts_on::text, p.ends_on::text,
              co.id as course_id, co.teacher_id as course_teacher_id, co.hours_per_week as hours
         from subgroup_split sp join class_group c on c.id = sp.class_group_id
         join study_period p on p.id = sp.period_id
         left join course co on co.class_group_id = c.id and co.subject_id = sp.subject_id and co.subgroup_id is null
        where sp.id = ? and sp.school_id = ?
          for update of sp`,
      [splitId, viewer.schoolId],
    );
    if (!facts || !mayManage(viewer, facts)) throw notFound();
    return facts;
  }

  private async storedGroups(em: Scope['em'], splitId: number): Promise<StoredGroup[]> {
    return em.execute<StoredGroup[]>(
      `select g.id, g.name, co.id as course_id, co.teacher_id,
              coalesce((select array_agg(m.pupil_id order by m.pupil_id) from subgroup_member m where m.subgroup_id = g.id), '{}') as pupil_ids
         from subgroup g join course co on co.subgroup_id = g.id
        where g.split_id = ? order by g.name, g.id`,
      [splitId],
    );
  }

  /**
   * Who has something in each of these journals: a mark not removed, an attendance entry not
   * cleared, or a period mark. By course, the pupils.
   */
  private async journalEntries(
    em: Scope['em'],
    courseIds: number[],
  ): Promise<Map<number, Set<number>>> {
    const ids = pgIntArray(courseIds);
    const rows = await em.execute<{ course_id: number; pupil_id: number }[]>(
      `select l.course_id, m.pupil_id from mark m join lesson l on l.id = m.lesson_id
        where l.course_id = any(?::int[]) and m.removed_at is null
       union
       select l.course_id, a.pupil_id from attendance a join lesson l on l.id = a.lesson_id
        where l.course_id = any(?::int[]) and a.code_id is not null
       union
       select pm.course_id, pm.pupil_id from period_mark pm
        where pm.course_id = any(?::int[]) and pm.value is not null
       order by 1, 2`,
      [ids, ids, ids],
    );
    const byCourse = new Map<number, Set<number>>();
    for (const r of rows) {
      if (!byCourse.has(r.course_id)) byCourse.set(r.course_id, new Set());
      byCourse.get(r.course_id)!.add(r.pupil_id);
    }
    return byCourse;
  }

  /** Names unique, teachers real, and the class's pupils of the period each in exactly one group. */
  private async checkGroups(
    em: Scope['em'],
    viewer: Viewer,
    facts: ClassFacts,
    input: readonly { name: string; teacherId: string; pupilIds: string[] }[],
  ): Promise<GroupPlan[]> {
    if (input.length < 2) {
      throw badInput('groups', 'TOO_FEW_GROUPS', 'A split has at least two groups');
    }
    const names = input.map((g, i) => requiredText(`groups.${i}.name`, g.name, 50));
    if (new Set(names.map((n) => n.toLowerCase())).size !== names.length) {
      throw conflict('groups', 'NAME_TAKEN', 'Each group needs its own name');
    }
    const enrolled = new Set(
      (
        await em.execute<{ pupil_id: number }[]>(
          `select distinct pupil_id from enrollment where class_group_id = ? and starts_on <= ?::date and (ends_on is null or ends_on >= ?::date)`,
          [facts.class_id, facts.ends_on, facts.starts_on],
        )
      ).map((r) => r.pupil_id),
    );
    const seen = new Map<number, number>();
    const problems: EntryProblem[] = [];
    const groups: GroupPlan[] = [];
    for (const [i, g] of input.entries()) {
      const teacherId = await requireTeacher(
        em,
        viewer.schoolId,
        `groups.${i}.teacherId`,
        g.teacherId,
      );
      const pupilIds = g.pupilIds.map((p) => parseId(`groups.${i}.pupilIds`, p));
      for (const p of pupilIds) {
        if (!enrolled.has(p)) {
          problems.push({
            index: i,
            reason: 'NOT_ENROLLED',
            message: `Pupil ${p} is not in the class`,
            field: 'pupilIds',
            pupilIds: [String(p)],
          });
        } else if (seen.has(p)) {
          problems.push({
            index: i,
            reason: 'PUPIL_IN_TWO_GROUPS',
            message: `Pupil ${p} is in two groups`,
            field: 'pupilIds',
            pupilIds: [String(p)],
          });
        }
        seen.set(p, i);
      }
      groups.push({ name: names[i], teacherId, pupilIds: [...new Set(pupilIds)] });
    }
    const left = [...enrolled].filter((p) => !seen.has(p));
    if (left.length > 0) {
      problems.push({
        index: -1,
        reason: 'PUPIL_LEFT_OUT',
        message: `${left.length} pupils are in no group`,
        field: 'pupilIds',
        pupilIds: left.map(String),
      });
    }
    if (problems.length > 0) {
      throw new DomainError(
        'BAD_USER_INPUT',
        'The split must put every pupil of the class in exactly one group',
        {
          reason: 'SPLIT_INVALID',
          field: 'groups',
          entries: problems,
        },
      );
    }
    return groups;
  }

  private async load(
    em: Scope['em'],
    viewer: Viewer,
    classId: number,
  ): Promise<SubgroupSplitInfo[]> {
    const rows = await em.execute<
      { split: SubgroupSplitInfo; subject_teacher_id: number | null }[]
    >(
      `select json_build_object('id', sp.id, 'subjectId', s.id, 'subjectName', s.name, 'periodId', p.id, 'periodName', p.name,
              'groups', (select json_agg(json_build_object('id', g.id, 'name', g.name, 'courseId', co.id,
                  'teacherId', t.id, 'teacherName', concat_ws(' ', t.last_name, t.first_name, t.middle_name),
                  'pupils', coalesce((select json_agg(json_build_object('id', pe.id, 'fullName', concat_ws(' ', pe.last_name, pe.first_name, pe.middle_name))
                             order by pe.last_name, pe.first_name) from subgroup_member m join person pe on pe.id = m.pupil_id where m.subgroup_id = g.id), '[]'))
                  order by g.name)
                from subgroup g join course co on co.subgroup_id = g.id join person t on t.id = co.teacher_id where g.split_id = sp.id)) as split,
              (select wc.teacher_id from course wc
                where wc.class_group_id = sp.class_group_id and wc.subject_id = sp.subject_id and wc.subgroup_id is null) as subject_teacher_id
         from subgroup_split sp join subject s on s.id = sp.subject_id join study_period p on p.id = sp.period_id
        where sp.class_group_id = ? and sp.school_id = ? order by p.starts_on, s.name`,
      [classId, viewer.schoolId],
    );
    return rows.map((r) => ({
      ...r.split,
      canEdit: mayManage(viewer, { class_id: classId, course_teacher_id: r.subject_teacher_id }),
    }));
  }
}

const describeStored = (g: StoredGroup) => ({
  id: g.id,
  name: g.name,
  teacherId: g.teacher_id,
  pupilIds: g.pupil_ids,
});

function mayManage(
  viewer: Viewer,
  facts: Pick<ClassFacts, 'class_id' | 'course_teacher_id'>,
): boolean {
  return (
    policy.can(viewer, Permission.StructureManage) ||
    viewer.ledClassIds.includes(facts.class_id) ||
    (policy.can(viewer, Permission.JournalWrite) && facts.course_teacher_id === viewer.personId)
  );
}
