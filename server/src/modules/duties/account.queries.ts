import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What the control area provides (issue 14 part A): the table of remarks and the journal health
 * function. Read by SQL, never through its code (decision 49); until they exist their figures are
 * "not available", never zero. Once present they stay, so a positive answer is kept.
 */
export interface ControlParts {
  remarks: boolean;
  health: boolean;
}
let known: ControlParts | null = null;

export async function controlParts(em: EntityManager): Promise<ControlParts> {
  if (known?.remarks && known.health) return known;
  const [row] = await em.execute<ControlParts[]>(
    `select to_regclass('public.control_remark') is not null as remarks,
            to_regproc('public.journal_health_of_courses') is not null as health`,
  );
  known = row;
  return row;
}

/** A course's health figures as JSON, from a row `h` of journal_health_of_courses. */
const HEALTH_JSON = `json_build_object('courseId', h.course_id::text, 'className', hc.grade || hc.letter,
  'subject', hs.name, 'teacherName', ht.last_name || ' ' || ht.first_name,
  'lessonsHeld', h.lessons_held, 'withoutTopic', h.without_topic, 'withoutHomework', h.without_homework,
  'withoutAttendance', h.without_attendance, 'pupilsShort', h.pupils_short, 'lateEntries', h.late_entries,
  'periodMarksMissing', h.period_marks_missing)`;
export const HEALTH_JOINS = `join course hco on hco.id = h.course_id join class_group hc on hc.id = hco.class_group_id
  join subject hs on hs.id = hco.subject_id join person ht on ht.id = hco.teacher_id`;

const remarksOf = (parts: ControlParts, teacher: string) =>
  parts.remarks
    ? `(select coalesce(json_agg(json_build_object('id', r.id::text, 'text', r.text, 'dueOn', r.due_on,
          'answeredAt', r.answered_at,
          'onTime', r.answered_at is not null and (r.answered_at at time zone s.tz)::date <= r.due_on)
          order by r.due_on, r.id), '[]')
         from control_remark r where r.school_id = s.school and r.teacher_id = ${teacher}
          and r.created_at >= y.starts_on::timestamp at time zone s.tz
          and (r.due_on < s.today or r.answered_at is not null))`
    : 'null';

/**
 * Every class teacher's year (R-7.1, decision 48), one statement: per class of the year in
 * progress that has a class teacher (or only the one asked), the ended school weeks (a week
 * with a lesson of the class) with the attendance review and the weekly report to parents, the
 * ended months with each pupil's record confirmation, the remarks addressed to the class teacher
 * and the health of the class's courses. Parameters: school, today, teacher (null: everyone).
 */
export function accountSql(parts: ControlParts): string {
  return `
with s as (
  select sc.id as school, ?::date as today, ?::int as only_teacher, sc.time_zone as tz,
         coalesce(ds.review_days, 1) as review_days
    from school sc left join duty_setting ds on ds.school_id = sc.id where sc.id = ?),
y as (select ay.id, ay.starts_on, least(s.today, ay.ends_on + 1) as upto from academic_year ay, s
       where ay.school_id = s.school and ay.starts_on <= s.today order by ay.starts_on desc limit 1),
cls as (
  select cg.id, cg.grade || cg.letter as name, cg.grade, cg.letter, cg.class_teacher_id as teacher,
         t.last_name || ' ' || t.first_name || coalesce(' ' || t.middle_name, '') as teacher_name
    from class_group cg join person t on t.id = cg.class_teacher_id, y, s
   where cg.academic_year_id = y.id and (s.only_teacher is null or cg.class_teacher_id = s.only_teacher)),
weeks as (
  select c.id as cls, g::date as ws from cls c, y,
         generate_series(date_trunc('week', y.starts_on::timestamp), (y.upto - 7)::timestamp, interval '1 week') g
   where exists (select 1 from lesson l join course co on co.id = l.course_id
                  where co.class_group_id = c.id and not l.cancelled and l.date between g::date and g::date + 6)),
wk as (
  select w.cls, json_agg(json_build_object('weekStart', w.ws, 'dueOn', w.ws + 6 + s.review_days,
           'reviewedAt', ar.reviewed_at, 'reviewerName', rp.last_name || ' ' || rp.first_name,
           'reviewedOnTime', coalesce((ar.reviewed_at at time zone s.tz)::date <= w.ws + 6 + s.review_days, false),
           'reviewDue', ar.id is not null or w.ws + 6 + s.review_days < s.today,
           'reportSentAt', rs.sent_at) order by w.ws) as weeks
    from weeks w cross join s
    left join attendance_review ar on ar.class_group_id = w.cls and ar.week_start = w.ws
    left join person rp on rp.id = ar.reviewed_by_id
    left join weekly_report_status rs on rs.class_group_id = w.cls and rs.week_start = w.ws
   group by w.cls),
months as (
  select c.id as cls, m::date as ms, ((m + interval '1 month')::date - 1) as me from cls c, y,
         generate_series(date_trunc('month', y.starts_on::timestamp), date_trunc('month', y.upto::timestamp) - interval '1 month',
                         interval '1 month') m),
mo as (
  select m.cls, json_agg(json_build_object('monthStart', m.ms, 'monthEnd', m.me, 'pupils', coalesce((
      select json_agg(json_build_object('pupilId', pp.id::text, 'name', pp.last_name || ' ' || pp.first_name,
               'confirmedAt', (select max(ae.at) from audit_event ae where ae.entity = 'person'
                                  and ae.entity_id = pp.id and ae.action = 'confirm' and ae.school_id = s.school
                                  and (ae.at at time zone s.tz)::date between m.ms and m.me))
               order by pp.last_name, pp.first_name, pp.id)
        from enrollment en join person pp on pp.id = en.pupil_id
       where en.class_group_id = m.cls and en.starts_on <= m.me and (en.ends_on is null or en.ends_on >= m.me)),
      '[]')) order by m.ms) as months
    from months m cross join s group by m.cls)
${
  parts.health
    ? `, health as materialized (select h.* from s, y, journal_health_of_courses(s.school, y.starts_on, s.today - 1,
         array(select co.id from course co join cls c on c.id = co.class_group_id)) h)`
    : ''
}
select json_build_object('yearStart', y.starts_on, 'upTo', y.upto, 'reviewDays', s.review_days,
  'accounts', coalesce((select json_agg(json_build_object(
      'teacherId', c.teacher::text, 'teacherName', c.teacher_name, 'classGroupId', c.id::text,
      'className', c.name, 'weeks', coalesce(wk.weeks, '[]'), 'months', coalesce(mo.months, '[]'),
      'remarks', ${remarksOf(parts, 'c.teacher')},
      'health', ${
        parts.health
          ? `(select coalesce(json_agg(${HEALTH_JSON} order by hs.name, h.course_id), '[]')
               from health h ${HEALTH_JOINS} where h.class_id = c.id)`
          : 'null'
      }) order by c.grade, c.letter, c.id)
    from cls c left join wk on wk.cls = c.id left join mo on mo.cls = c.id), '[]')) as year
  from s cross join y`;
}

/** The teacher's own remarks waiting for an answer (the home page); null when control is absent. */
export function openRemarksSql(parts: ControlParts, teacher: string): string {
  return parts.remarks
    ? `(select coalesce(json_agg(json_build_object('id', r.id::text, 'text', r.text, 'dueOn', r.due_on,
          'answeredAt', r.answered_at, 'onTime', r.due_on >= s.today) order by r.due_on, r.id), '[]')
         from control_remark r where r.school_id = s.school and r.teacher_id = ${teacher}
          and r.status in ('open', 'reopened'))`
    : 'null';
}

export { HEALTH_JSON };
