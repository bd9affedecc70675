import { Permission, policy } from '../../auth/policy.js';
import { canReadClassJournal } from '../../auth/records.js';
import { notFound } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { weightedAverage } from '../journal/grading.js';
import type { ClassSummary } from './class-summary.types.js';

interface Row {
  class_name: string | null;
  period: { id: number; name: string; startsOn: string; endsOn: string } | null;
  subjects: ClassSummary['subjects'];
  marks: { pupilId: number; courseId: number; score: number | null; weight: number }[];
  finals: { pupilId: number; courseId: number; value: string | null }[];
}

const SQL = `
with p as (select id, name, starts_on, ends_on from study_period where id = ? and school_id = ?),
     c as (select id, grade || letter as name from class_group where id = ? and school_id = ?)
select (select name from c) as class_name,
  (select json_build_object('id', p.id, 'name', p.name, 'startsOn', p.starts_on, 'endsOn', p.ends_on) from p) as period,
  (select coalesce(json_agg(json_build_object('courseId', co.id, 'subjectName', s.name,
          'teacherName', concat_ws(' ', t.last_name, t.first_name, t.middle_name)) order by s.name), '[]')
     from course co join subject s on s.id = co.subject_id join person t on t.id = co.teacher_id, c where co.class_group_id = c.id) as subjects,
  (select coalesce(json_agg(json_build_object('pupilId', m.pupil_id, 'courseId', l.course_id, 'score', m.score, 'weight', w.weight)), '[]')
     from mark m join lesson l on l.id = m.lesson_id join course co on co.id = l.course_id join work_type w on w.id = m.work_type_id, p, c
    where co.class_group_id = c.id and l.date between p.starts_on and p.ends_on and m.removed_at is null) as marks,
  (select coalesce(json_agg(json_build_object('pupilId', pm.pupil_id, 'courseId', pm.course_id, 'value', pm.value)), '[]')
     from period_mark pm join course co on co.id = pm.course_id, p, c where co.class_group_id = c.id and pm.period_id = p.id) as finals`;

const PUPILS_SQL = `
select pe.id, concat_ws(' ', pe.last_name, pe.first_name, pe.middle_name) as "fullName",
       count(*) filter (where ac.kind = 'ABSENT')::int as absent,
       count(*) filter (where ac.kind = 'SICK')::int as sick,
       count(*) filter (where ac.kind = 'EXCUSED')::int as excused,
       count(*) filter (where ac.kind = 'LATE')::int as late
  from person pe
  left join attendance a on a.pupil_id = pe.id and a.code_id is not null
   and a.lesson_id in (select l.id from lesson l join course co on co.id = l.course_id
                        where co.class_group_id = ? and l.date between ?::date and ?::date)
  left join attendance_code ac on ac.id = a.code_id
 where pe.id in (select e.pupil_id from enrollment e where e.class_group_id = ? and e.starts_on <= ?::date
                   and (e.ends_on is null or e.ends_on >= ?::date))
 group by pe.id order by pe.last_name, pe.first_name, pe.id`;

export class ClassSummaryService {
  /** The class teacher of the class and the administration may read it. */
  async summary(
    { em, viewer }: Scope,
    classGroupId: string,
    periodId: string,
  ): Promise<ClassSummary> {
    policy.require(viewer, Permission.SchoolRead);
    const classId = parseId('classGroupId', classGroupId);
    if (!canReadClassJournal(viewer, classId)) throw notFound();
    const [row] = await em.execute<Row[]>(SQL, [
      parseId('periodId', periodId),
      viewer.schoolId,
      classId,
      viewer.schoolId,
    ]);
    if (!row.class_name || !row.period) throw notFound();
    const { startsOn, endsOn } = row.period;
    const pupils = await em.execute<ClassSummary['pupils']>(PUPILS_SQL, [
      classId,
      startsOn,
      endsOn,
      classId,
      endsOn,
      startsOn,
    ]);
    const cells: ClassSummary['cells'] = [];
    for (const pupil of pupils) {
      for (const subject of row.subjects) {
        const marks = row.marks
          .filter((m) => m.pupilId === pupil.id && m.courseId === subject.courseId)
          .map((m) => ({ score: m.score, weight: Number(m.weight) }));
        const final = row.finals.find(
          (f) => f.pupilId === pupil.id && f.courseId === subject.courseId,
        );
        cells.push({
          pupilId: pupil.id,
          courseId: subject.courseId,
          average: weightedAverage(marks),
          marks: marks.length,
          periodMark: final?.value ?? null,
        });
      }
    }
    return {
      classGroupId: classId,
      className: row.class_name,
      periodId: row.period.id,
      periodName: row.period.name,
      subjects: row.subjects,
      pupils,
      cells,
    };
  }
}
