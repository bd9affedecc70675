import { Migration } from '@mikro-orm/migrations';
import { DEFAULT_MIN_MARKS } from './Migration20261207100000_control.js';

/**
 * The journal health of a set of courses (the teacher's home page, the duties' year account;
 * decision 49): `journal_health_of_courses(school, from, to, courses[])`, the figures per course
 * of `journal_health_by_course` for the courses named only. The gaps are counted exactly as
 * `journal_health_items` counts them (a test compares the two), but each step reads only the
 * named courses' rows and is materialized once: each pupil's marks are read through the
 * indexes once and counted per period piece, where control's function re-reads the school's
 * marks for every piece (the demo school: 2 s for one course, over ten minutes for all 105).
 */
export class Migration20261207111000_duty_health extends Migration {
  override async up(): Promise<void> {
    this.addSql(HEALTH_OF_COURSES);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists journal_health_of_courses(int, date, date, int[]);`);
  }
}

const HEALTH_OF_COURSES = `create or replace function journal_health_of_courses(p_school int, p_from date, p_to date, p_courses int[])
returns table (course_id int, teacher_id int, class_id int, lessons_held int, without_topic int, without_homework int,
               without_attendance int, pupils_short int, late_entries int, period_marks_missing int)
language sql stable as $fn$
with cfg as materialized (
  select coalesce(cs.late_after_days, 7) as late_days, coalesce(cs.homework_required, true) as hw_required,
         coalesce(cs.min_marks, '${JSON.stringify(DEFAULT_MIN_MARKS)}'::jsonb) as min_marks, s.time_zone as tz
    from school s left join control_setting cs on cs.school_id = s.id where s.id = p_school),
co as materialized (
  select c.id, c.teacher_id, c.class_group_id, c.subgroup_id, c.academic_year_id,
         least(greatest(round(c.hours_per_week)::int, 1), 3)::text as hours
    from course c join academic_year y on y.id = c.academic_year_id
   where c.school_id = p_school and c.id = any(p_courses) and y.starts_on <= p_to and y.ends_on >= p_from),
les as materialized (
  select l.id, l.course_id, l.date, l.topic, l.homework,
         exists (select 1 from cancelled_day cd where cd.school_id = p_school and cd.date = l.date
                  and co.class_group_id = any(cd.class_ids)) as remote
    from co join lesson l on l.course_id = co.id
   where l.school_id = p_school and l.date between p_from and p_to and not l.cancelled),
list as materialized (
  select co.id as course_id, e.pupil_id, e.starts_on, coalesce(e.ends_on, 'infinity'::date) as ends_on,
         array(select l.date from mark m join lesson l on l.id = m.lesson_id
                where m.pupil_id = e.pupil_id and m.removed_at is null and l.course_id = co.id
                  and l.date between p_from and p_to and not l.cancelled) as mark_dates
    from co join enrollment e on e.class_group_id = co.class_group_id
   where e.starts_on <= p_to and (e.ends_on is null or e.ends_on >= p_from)
     and (co.subgroup_id is null or exists (select 1 from subgroup_member sm
           where sm.subgroup_id = co.subgroup_id and sm.pupil_id = e.pupil_id))),
per as materialized (
  select sp.id, sp.academic_year_id, sp.kind::text as kind, sp.starts_on, sp.ends_on
    from study_period sp where sp.school_id = p_school and sp.starts_on <= p_to and sp.ends_on >= p_from),
piece as materialized (
  select li.course_id, li.pupil_id, per.id as period_id, per.ends_on as period_end,
         greatest(per.starts_on, p_from, li.starts_on) as a, least(per.ends_on, p_to, li.ends_on) as b,
         (per.ends_on - per.starts_on + 1) as days,
         coalesce((cfg.min_marks -> per.kind ->> co.hours)::int, 0) as need, li.mark_dates
    from list li join co on co.id = li.course_id join per on per.academic_year_id = co.academic_year_id
    cross join cfg
   where li.starts_on <= least(per.ends_on, p_to) and li.ends_on >= greatest(per.starts_on, p_from)),
marks as (
  select pc.course_id, pc.pupil_id, pc.period_id, pc.period_end, sum(pc.b - pc.a + 1) as covered,
         max(pc.days) as days, max(pc.need) as need,
         sum((select count(*) from unnest(pc.mark_dates) d where d between pc.a and pc.b))::int as have
    from piece pc group by pc.course_id, pc.pupil_id, pc.period_id, pc.period_end),
att as materialized (
  select a.id, a.lesson_id from les l join attendance a on a.lesson_id = l.id),
audit_late as materialized (
  select a.entity, a.entity_id, min(a.at) as at
    from audit_event a cross join cfg
   where a.school_id = p_school and a.at >= (p_from + cfg.late_days + 1)::timestamp at time zone cfg.tz
     and (a.entity = 'attendance' and a.action = 'create' and a.entity_id in (select id from att)
          or a.entity = 'lesson' and a.entity_id in (select id from les)
             and coalesce(btrim(a.before ->> 'topic'), '') = '' and coalesce(btrim(a.after ->> 'topic'), '') <> '')
   group by a.entity, a.entity_id),
items as (
  select l.course_id, 'NO_TOPIC' as kind, null::int as pupil_id from les l where coalesce(btrim(l.topic), '') = ''
  union all
  select l.course_id, 'NO_HOMEWORK', null from les l cross join cfg
   where cfg.hw_required and coalesce(btrim(l.homework), '') = ''
  union all
  select l.course_id, 'NO_ATTENDANCE', null from les l
   where not l.remote and not exists (select 1 from attendance a where a.lesson_id = l.id)
  union all
  select l.course_id, 'LATE_MARK', m.pupil_id from les l join mark m on m.lesson_id = l.id cross join cfg
   where m.removed_at is null and (m.created_at at time zone cfg.tz)::date > l.date + cfg.late_days
  union all
  select l.course_id, 'LATE_ATTENDANCE', a.pupil_id
    from audit_late al join attendance a on a.id = al.entity_id join les l on l.id = a.lesson_id cross join cfg
   where al.entity = 'attendance' and (al.at at time zone cfg.tz)::date > l.date + cfg.late_days
  union all
  select l.course_id, 'LATE_TOPIC', null from audit_late al join les l on l.id = al.entity_id cross join cfg
   where al.entity = 'lesson' and (al.at at time zone cfg.tz)::date > l.date + cfg.late_days
  union all
  select mk.course_id, 'PUPIL_SHORT', mk.pupil_id from marks mk
   where mk.have < floor(mk.need * mk.covered::numeric / mk.days)
  union all
  select li.course_id, 'PERIOD_MARK_MISSING', li.pupil_id
    from list li join co on co.id = li.course_id join per on per.academic_year_id = co.academic_year_id
   where per.ends_on < p_to and li.starts_on <= per.ends_on and li.ends_on >= per.ends_on
     and not exists (select 1 from period_mark pm where pm.course_id = li.course_id and pm.pupil_id = li.pupil_id
                      and pm.period_id = per.id and pm.value is not null)),
counts as (
  select i.course_id,
         count(*) filter (where i.kind = 'NO_TOPIC')::int as without_topic,
         count(*) filter (where i.kind = 'NO_HOMEWORK')::int as without_homework,
         count(*) filter (where i.kind = 'NO_ATTENDANCE')::int as without_attendance,
         count(distinct i.pupil_id) filter (where i.kind = 'PUPIL_SHORT')::int as pupils_short,
         count(*) filter (where i.kind like 'LATE%')::int as late_entries,
         count(*) filter (where i.kind = 'PERIOD_MARK_MISSING')::int as period_marks_missing
    from items i group by i.course_id),
held as (select l.course_id, count(*)::int as n from les l group by l.course_id)
select c.id, c.teacher_id, c.class_group_id, coalesce(h.n, 0), coalesce(k.without_topic, 0),
       coalesce(k.without_homework, 0), coalesce(k.without_attendance, 0), coalesce(k.pupils_short, 0),
       coalesce(k.late_entries, 0), coalesce(k.period_marks_missing, 0)
  from co c left join held h on h.course_id = c.id left join counts k on k.course_id = c.id
$fn$;`;
