import { notFound } from '../../errors.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Scope } from '../../scope.js';
import { pgIntArray } from '../people/people.loaders.js';
import {
  mayManage,
  type ClassFacts,
  type JournalEntries,
  type SplitFacts,
  type StoredGroup,
} from './subgroup.rules.js';
import type { SubgroupSplitInfo } from './subgroup.types.js';

type Em = Scope['em'];

/** What reading and changing splits asks the database: one statement each. */

/** The class, the period and the class's whole-class course of the subject; null when none is the school's. */
export async function classFacts(
  em: Em,
  schoolId: number,
  ids: { classId: number; subjectId: number; periodId: number },
): Promise<ClassFacts | undefined> {
  const [facts] = await em.execute<ClassFacts[]>(
    `select c.id as class_id, c.academic_year_id as year_id, p.starts_on::text, p.ends_on::text,
                co.id as course_id, co.teacher_id as course_teacher_id, co.hours_per_week as hours
           from class_group c join study_period p on p.academic_year_id = c.academic_year_id and p.id = ?
           left join course co on co.class_group_id = c.id and co.subject_id = ? and co.subgroup_id is null
          where c.id = ? and c.school_id = ?`,
    [ids.periodId, ids.subjectId, ids.classId, schoolId],
  );
  return facts;
}

/** The split's class and period, its row locked for this transaction; NOT_FOUND unless the viewer may manage it. */
export async function lockSplit(em: Em, viewer: Viewer, splitId: number): Promise<SplitFacts> {
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

export async function storedGroups(em: Em, splitId: number): Promise<StoredGroup[]> {
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
export async function journalEntries(em: Em, courseIds: number[]): Promise<JournalEntries> {
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
  const byCourse: JournalEntries = new Map();
  for (const r of rows) {
    if (!byCourse.has(r.course_id)) byCourse.set(r.course_id, new Set());
    byCourse.get(r.course_id)!.add(r.pupil_id);
  }
  return byCourse;
}

/** The pupils in the class at any time during the period. */
export async function enrolledPupils(em: Em, facts: ClassFacts): Promise<Set<number>> {
  const rows = await em.execute<{ pupil_id: number }[]>(
    `select distinct pupil_id from enrollment where class_group_id = ? and starts_on <= ?::date and (ends_on is null or ends_on >= ?::date)`,
    [facts.class_id, facts.ends_on, facts.starts_on],
  );
  return new Set(rows.map((r) => r.pupil_id));
}

/** A class's splits with their groups, teachers and pupils, and whether the viewer may edit each. */
export async function loadSplits(
  em: Em,
  viewer: Viewer,
  classId: number,
): Promise<SubgroupSplitInfo[]> {
  const rows = await em.execute<{ split: SubgroupSplitInfo; subject_teacher_id: number | null }[]>(
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
