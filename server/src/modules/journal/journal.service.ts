import { notFound } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import {
  canWriteCourse,
  canWritePage,
  requireReadableCourse,
  writableLessonIds,
} from './journal.access.js';
import { suggestedMark, weightedAverage } from './grading.js';
import type { JournalPage } from './journal.types.js';
import { prepared } from '../../db/prepared.js';

interface PageRow {
  period: { id: number; name: string; startsOn: string; endsOn: string; locked: boolean } | null;
  school: { scaleMin: number; thresholds: number[] };
  lessons: JournalPage['lessons'];
  pupils: JournalPage['pupils'];
  marks: JournalPage['marks'];
  attendance: JournalPage['attendance'];
  periodMarks: { pupilId: number; value: string | null; version: number }[];
  workTypes: JournalPage['workTypes'];
  codes: JournalPage['attendanceCodes'];
}

/**
 * Everything on a journal page comes from one SQL statement that builds the JSON lists in
 * PostgreSQL; the server only computes averages. With the session and the course check, a page
 * costs three statements whatever its size.
 */
export const PAGE_SQL = `
with p as (select id, name, starts_on, ends_on, locked_at from study_period where id = ? and school_id = ? and academic_year_id = ?),
     les as (select l.* from lesson l, p where l.course_id = ? and l.date between p.starts_on and p.ends_on)
select
  (select json_build_object('id', p.id, 'name', p.name, 'startsOn', p.starts_on, 'endsOn', p.ends_on, 'locked', p.locked_at is not null) from p) as period,
  (select json_build_object('scaleMin', s.scale_min, 'thresholds', s.thresholds) from school s where s.id = ?) as school,
  (select coalesce(json_agg(json_build_object('id', l.id, 'date', l.date, 'number', l.number, 'topic', l.topic,
          'homework', l.homework, 'note', l.note, 'cancelled', l.cancelled, 'substituteId', l.substitute_id, 'version', l.version)
          order by l.date, l.number), '[]') from les l) as lessons,
  (select coalesce(json_agg(json_build_object('id', x.id, 'lastName', x.last_name, 'firstName', x.first_name,
          'middleName', x.middle_name, 'enrolled', x.spans) order by x.last_name, x.first_name, x.id), '[]')
     from (select pe.id, pe.last_name, pe.first_name, pe.middle_name,
                  json_agg(json_build_object('from', e.starts_on, 'to', e.ends_on) order by e.starts_on) as spans
             from enrollment e join person pe on pe.id = e.pupil_id, p
            where e.class_group_id = ? and e.starts_on <= p.ends_on and (e.ends_on is null or e.ends_on >= p.starts_on)
              and (select co.subgroup_id is null or exists(select 1 from subgroup_member sm where sm.subgroup_id = co.subgroup_id and sm.pupil_id = e.pupil_id)
                     from course co where co.id = ?)
            group by pe.id) x) as pupils,
  (select coalesce(json_agg(json_build_object('id', m.id, 'lessonId', m.lesson_id, 'pupilId', m.pupil_id, 'value', m.value,
          'score', m.score, 'workTypeId', m.work_type_id, 'comment', m.comment, 'version', m.version) order by m.id), '[]')
     from mark m join les l on l.id = m.lesson_id where m.removed_at is null) as marks,
  (select coalesce(json_agg(json_build_object('id', a.id, 'lessonId', a.lesson_id, 'pupilId', a.pupil_id, 'codeId', a.code_id,
          'reason', a.reason, 'version', a.version) order by a.id), '[]')
     from attendance a join les l on l.id = a.lesson_id where a.code_id is not null) as attendance,
  (select coalesce(json_agg(json_build_object('pupilId', pm.pupil_id, 'value', pm.value, 'version', pm.version)), '[]')
     from period_mark pm, p where pm.course_id = ? and pm.period_id = p.id) as "periodMarks",
  (select coalesce(json_agg(json_build_object('id', w.id, 'name', w.name, 'shortName', w.short_name, 'weight', w.weight,
          'sort', w.sort, 'active', w.active) order by w.sort, w.id), '[]') from work_type w where w.school_id = ?) as "workTypes",
  (select coalesce(json_agg(json_build_object('id', c.id, 'code', c.code, 'name', c.name, 'kind', c.kind, 'active', c.active)
          order by c.id), '[]') from attendance_code c where c.school_id = ?) as codes`;

export class JournalService {
  async page({ em, viewer }: Scope, courseId: string, periodId: string): Promise<JournalPage> {
    const course = await requireReadableCourse(em, viewer, courseId);
    const v = viewer!;
    const pid = parseId('periodId', periodId);
    // Prepared (decision 22): the page's statement took longer to plan (~1.5 ms) than to run.
    const [row] = await prepared<PageRow>(em, PAGE_SQL, [
      pid,
      v.schoolId,
      course.academicYearId,
      course.id,
      v.schoolId,
      course.classGroupId,
      course.id,
      course.id,
      v.schoolId,
      v.schoolId,
    ]);
    if (!row.period) throw notFound();
    return {
      courseId: course.id,
      className: course.className,
      subjectName: course.subjectName,
      teacherName: course.teacherName,
      periodId: row.period.id,
      periodName: row.period.name,
      startsOn: row.period.startsOn,
      endsOn: row.period.endsOn,
      locked: row.period.locked,
      canWrite: canWritePage(v, course, row.lessons),
      canWriteCourse: canWriteCourse(v, course),
      writableLessonIds: writableLessonIds(v, course, row.lessons),
      pupils: row.pupils,
      lessons: row.lessons,
      marks: row.marks,
      attendance: row.attendance,
      results: results(row),
      workTypes: row.workTypes.map((w) => ({
        ...w,
        weight: Number(w.weight),
      })) as JournalPage['workTypes'],
      attendanceCodes: row.codes,
    };
  }
}

function results(row: PageRow): JournalPage['results'] {
  const weights = new Map(row.workTypes.map((w) => [w.id, Number(w.weight)]));
  const byPupil = new Map<number, { score: number | null; weight: number }[]>();
  for (const m of row.marks) {
    const list = byPupil.get(m.pupilId) ?? [];
    list.push({ score: m.score, weight: weights.get(m.workTypeId) ?? 1 });
    byPupil.set(m.pupilId, list);
  }
  const finals = new Map(row.periodMarks.map((p) => [p.pupilId, p]));
  return row.pupils.map((p) => {
    const average = weightedAverage(byPupil.get(p.id) ?? []);
    const final = finals.get(p.id);
    return {
      pupilId: p.id,
      average,
      suggested: suggestedMark(average, row.school.scaleMin, row.school.thresholds),
      periodMark: final?.value ?? null,
      periodMarkVersion: final?.version ?? null,
    };
  });
}
