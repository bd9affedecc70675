import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, DomainError, notFound, type EntryProblem } from '../../errors.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Scope } from '../../scope.js';
import { audit } from '../audit/audit.js';
import { Course } from '../school/course.entity.js';
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
  @Field() teacherName!: string;
  @Field(() => [SubgroupPupil]) pupils!: SubgroupPupil[];
}

@ObjectType({ simpleResolvers: true })
export class SubgroupSplitInfo {
  @Field(() => ID) id!: number;
  @Field() subjectName!: string;
  @Field(() => ID) periodId!: number;
  @Field() periodName!: string;
  @Field(() => [SubgroupInfo]) groups!: SubgroupInfo[];
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

/** Splitting a class into subgroups: by the class teacher, the subject's teacher or the SYSADMIN. */
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
    return this.load(em, classId);
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
      const groups = await this.checkGroups(tem, viewer, facts, input);
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
      return (await this.load(tem, classId)).find((s) => s.id === split.id)!;
    });
  }

  /** Names unique, teachers real, and the class's pupils of the period each in exactly one group. */
  private async checkGroups(
    em: Scope['em'],
    viewer: Viewer,
    facts: ClassFacts,
    input: SubgroupSplitInput,
  ) {
    if (input.groups.length < 2) {
      throw badInput('groups', 'TOO_FEW_GROUPS', 'A split has at least two groups');
    }
    const names = input.groups.map((g, i) => requiredText(`groups.${i}.name`, g.name, 50));
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
    const groups = [];
    for (const [i, g] of input.groups.entries()) {
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

  private async load(em: Scope['em'], classId: number): Promise<SubgroupSplitInfo[]> {
    const rows = await em.execute<{ split: SubgroupSplitInfo }[]>(
      `select json_build_object('id', sp.id, 'subjectName', s.name, 'periodId', p.id, 'periodName', p.name,
              'groups', (select json_agg(json_build_object('id', g.id, 'name', g.name, 'courseId', co.id,
                  'teacherName', concat_ws(' ', t.last_name, t.first_name, t.middle_name),
                  'pupils', coalesce((select json_agg(json_build_object('id', pe.id, 'fullName', concat_ws(' ', pe.last_name, pe.first_name, pe.middle_name))
                             order by pe.last_name, pe.first_name) from subgroup_member m join person pe on pe.id = m.pupil_id where m.subgroup_id = g.id), '[]'))
                  order by g.name)
                from subgroup g join course co on co.subgroup_id = g.id join person t on t.id = co.teacher_id where g.split_id = sp.id)) as split
         from subgroup_split sp join subject s on s.id = sp.subject_id join study_period p on p.id = sp.period_id
        where sp.class_group_id = ? order by p.starts_on, s.name`,
      [classId],
    );
    return rows.map((r) => r.split);
  }
}

function mayManage(viewer: Viewer, facts: ClassFacts): boolean {
  return (
    policy.can(viewer, Permission.StructureManage) ||
    viewer.ledClassIds.includes(facts.class_id) ||
    (policy.can(viewer, Permission.JournalWrite) && facts.course_teacher_id === viewer.personId)
  );
}
