import type { EntityManager } from '@mikro-orm/postgresql';
import type { AttendanceReviewWeek } from './duties.types.js';

/**
 * A class's week for the weekly attendance review, one statement: every absence (an
 * attendance entry with a code) of a pupil enrolled in the class on the lesson's day, in any
 * course of the school (a subgroup's, too), with its code; the codes a correction may set; and the
 * review if the week was confirmed. Parameters: week (any day), class, school, today.
 */
const REVIEW_WEEK = `
with w as (
  select cg.id as cls, cg.grade || cg.letter as class_name, cg.school_id as school,
         date_trunc('week', ?::date)::date as ws, coalesce(ds.review_days, 1) as review_days,
         ?::date as today
    from class_group cg left join duty_setting ds on ds.school_id = cg.school_id
   where cg.id = ? and cg.school_id = ?),
r as (select ar.*, p.last_name || ' ' || p.first_name || coalesce(' ' || p.middle_name, '') as reviewer
        from attendance_review ar join w on ar.class_group_id = w.cls and ar.week_start = w.ws
        join person p on p.id = ar.reviewed_by_id)
select json_build_object(
  'classGroupId', w.cls::text, 'className', w.class_name, 'weekStart', w.ws, 'weekEnd', w.ws + 6,
  'ended', w.ws + 6 < w.today, 'dueOn', w.ws + 6 + w.review_days,
  'reviewedAt', (select reviewed_at from r), 'reviewerName', (select reviewer from r),
  'onTime', (select (r.reviewed_at at time zone s.time_zone)::date <= w.ws + 6 + w.review_days
               from r join school s on s.id = r.school_id),
  'absences', coalesce((select json_agg(json_build_object(
      'id', a.id::text, 'pupilId', p.id::text, 'pupilName', p.last_name || ' ' || p.first_name,
      'lessonId', l.id::text, 'date', l.date, 'lessonNumber', l.number, 'subject', sj.name,
      'codeId', ac.id::text, 'code', ac.code, 'codeName', ac.name, 'reason', a.reason,
      'version', a.version,
      'locked', exists(select 1 from study_period sp where sp.academic_year_id = co.academic_year_id
                        and l.date between sp.starts_on and sp.ends_on and sp.locked_at is not null))
      order by p.last_name, p.first_name, p.id, l.date, l.number)
    from attendance a join attendance_code ac on ac.id = a.code_id
    join lesson l on l.id = a.lesson_id join course co on co.id = l.course_id
    join subject sj on sj.id = co.subject_id join person p on p.id = a.pupil_id
   where a.school_id = w.school and l.date between w.ws and w.ws + 6 and not l.cancelled
     and exists (select 1 from enrollment en where en.pupil_id = a.pupil_id
                  and en.class_group_id = w.cls and en.starts_on <= l.date
                  and (en.ends_on is null or en.ends_on >= l.date))), '[]'),
  'codes', coalesce((select json_agg(json_build_object('id', c.id::text, 'code', c.code,
                       'name', c.name) order by c.id)
    from attendance_code c where c.school_id = w.school and c.active), '[]')) as week
  from w`;

type Raw = Omit<AttendanceReviewWeek, 'reviewedAt'> & { reviewedAt: string | null };

/** The class's week for review, or null when the class is not the school's. */
export async function reviewWeek(
  em: EntityManager,
  schoolId: number,
  classGroupId: number,
  week: string,
  today: string,
): Promise<AttendanceReviewWeek | null> {
  const [row] = await em.execute<{ week: Raw }[]>(REVIEW_WEEK, [
    week,
    today,
    classGroupId,
    schoolId,
  ]);
  if (!row) return null;
  const w = row.week;
  return { ...w, reviewedAt: w.reviewedAt ? new Date(w.reviewedAt) : null };
}

/** What a correction needs of an absence: its class's week, lesson, lock and current entry. */
export interface AbsenceFacts {
  id: number;
  lessonId: number;
  pupilId: number;
  courseId: number;
  date: string;
  codeId: number | null;
  reason: string | null;
  version: number;
  locked: boolean;
  classIds: number[];
}

export async function absenceFacts(
  em: EntityManager,
  schoolId: number,
  id: number,
): Promise<AbsenceFacts | null> {
  const [row] = await em.execute<AbsenceFacts[]>(
    `select a.id, a.lesson_id as "lessonId", a.pupil_id as "pupilId", l.course_id as "courseId",
            l.date::text as date, a.code_id as "codeId", a.reason, a.version,
            exists(select 1 from study_period sp where sp.academic_year_id = co.academic_year_id
                    and l.date between sp.starts_on and sp.ends_on and sp.locked_at is not null) as locked,
            array(select en.class_group_id from enrollment en where en.pupil_id = a.pupil_id
                   and en.starts_on <= l.date and (en.ends_on is null or en.ends_on >= l.date)) as "classIds"
       from attendance a join lesson l on l.id = a.lesson_id join course co on co.id = l.course_id
      where a.id = ? and a.school_id = ? and a.code_id is not null and not l.cancelled`,
    [id, schoolId],
  );
  return row ?? null;
}
