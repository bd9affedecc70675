import { Migration } from '@mikro-orm/migrations';

/** DOMAIN-DATA §6: the least number of lesson marks per period, by kind and weekly hours (3 = 3 or more). */
export const DEFAULT_MIN_MARKS = {
  QUARTER: { '1': 3, '2': 5, '3': 7 },
  TRIMESTER: { '1': 4, '2': 7, '3': 9 },
  HALF_YEAR: { '1': 5, '2': 10, '3': 14 },
};

/**
 * Control of how the journal is kept (issue 14 part A, R-3.6, R-5.2, decisions 46 and 47).
 *
 * - `control_setting`: the school's rules (late after N days, homework required, minimum marks);
 *   no row means the defaults.
 * - `journal_health_items(school, from, to, course)`: every gap behind the health figures, one
 *   row each (the drill-down), and `journal_health_by_course(school, from, to)`: the figures per
 *   course (the dashboard, the checks' snapshots, the duties' year account). Computed from the
 *   journal and its history (audit_event), never entered. Lessons dated after `p_to` are not
 *   counted: callers pass today (or earlier) as `p_to`.
 * - `control_check`: a check of a course (or a class's whole journal) for a span, with the
 *   figures at the moment of the check (`snapshot`), and `control_remark`: remarks to the teacher.
 */
export class Migration20261207100000_control extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "control_setting" ("school_id" int primary key references "school" ("id") on update cascade on delete cascade, "late_after_days" smallint not null default 7, "homework_required" boolean not null default true, "min_marks" jsonb not null default '${JSON.stringify(DEFAULT_MIN_MARKS)}'::jsonb, constraint control_setting_late_check check (late_after_days between 0 and 60));`,
    );
    this.addSql(
      `create table "control_check" ("id" serial primary key, "school_id" int not null references "school" ("id") on update cascade on delete cascade, "course_id" int null references "course" ("id") on update cascade on delete cascade, "class_group_id" int null references "class_group" ("id") on update cascade on delete cascade, "checker_id" int not null references "person" ("id") on update cascade, "span_from" date not null, "span_to" date not null, "findings" text not null default '', "snapshot" jsonb not null, "created_at" timestamptz not null default now(), constraint control_check_target_check check ((course_id is null) <> (class_group_id is null)), constraint control_check_span_check check (span_from <= span_to));`,
    );
    this.addSql(
      `create index "control_check_school_id_created_at_index" on "control_check" ("school_id", "created_at");`,
    );
    this.addSql(`create index "control_check_course_id_index" on "control_check" ("course_id");`);
    this.addSql(
      `create index "control_check_class_group_id_index" on "control_check" ("class_group_id");`,
    );
    this.addSql(
      `create table "control_remark" ("id" serial primary key, "school_id" int not null references "school" ("id") on update cascade on delete cascade, "check_id" int not null references "control_check" ("id") on update cascade on delete cascade, "course_id" int null references "course" ("id") on update cascade on delete set null, "teacher_id" int not null references "person" ("id") on update cascade, "text" text not null, "due_on" date not null, "status" varchar(10) not null default 'open', "answer" text null, "answered_at" timestamptz null, "fixed_at" timestamptz null, "decided_at" timestamptz null, "created_at" timestamptz not null default now(), "version" int not null default 1, constraint control_remark_status_check check (status in ('open', 'answered', 'fixed', 'accepted', 'reopened')));`,
    );
    this.addSql(
      `create index "control_remark_teacher_id_status_index" on "control_remark" ("teacher_id", "status");`,
    );
    this.addSql(`create index "control_remark_check_id_index" on "control_remark" ("check_id");`);
    this.addSql(
      `create index "audit_event_school_id_at_index" on "audit_event" ("school_id", "at") where entity in ('attendance', 'lesson');`,
    );
    this.addSql(HEALTH_ITEMS);
    this.addSql(HEALTH_BY_COURSE);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists journal_health_by_course(int, date, date);`);
    this.addSql(`drop function if exists journal_health_items(int, date, date, int);`);
    this.addSql(`drop index if exists "audit_event_school_id_at_index";`);
    this.addSql(`drop table if exists "control_remark" cascade;`);
    this.addSql(`drop table if exists "control_check" cascade;`);
    this.addSql(`drop table if exists "control_setting" cascade;`);
  }
}

/**
 * One row per gap: kind NO_TOPIC / NO_HOMEWORK / NO_ATTENDANCE (a held lesson), LATE_MARK /
 * LATE_ATTENDANCE / LATE_TOPIC (an entry made more than the school's days after its lesson's
 * date, school time), PUPIL_SHORT (a pupil's marks in a period's part of the span below the
 * minimum, prorated by the days of the period the span and the pupil's enrolment cover), and
 * PERIOD_MARK_MISSING (a pupil on the list at the end of a period that ended before `p_to`
 * without a period mark). `p_course` null: every course of the school.
 */
const HEALTH_ITEMS = `create or replace function journal_health_items(p_school int, p_from date, p_to date, p_course int default null)
returns table (course_id int, kind text, lesson_id int, pupil_id int, period_id int, on_date date, entered_at timestamptz, have int, need int)
language sql stable as $fn$
with cfg as (
  select coalesce(cs.late_after_days, 7) as late_days, coalesce(cs.homework_required, true) as hw_required,
         coalesce(cs.min_marks, '${JSON.stringify(DEFAULT_MIN_MARKS)}'::jsonb) as min_marks, s.time_zone as tz
    from school s left join control_setting cs on cs.school_id = s.id where s.id = p_school),
co as (
  select c.id, c.class_group_id, c.subgroup_id, c.academic_year_id,
         least(greatest(round(c.hours_per_week)::int, 1), 3)::text as hours
    from course c join academic_year y on y.id = c.academic_year_id
   where c.school_id = p_school and (p_course is null or c.id = p_course)
     and y.starts_on <= p_to and y.ends_on >= p_from),
les as (
  select l.id, l.course_id, l.date, l.topic, l.homework,
         exists (select 1 from cancelled_day cd where cd.school_id = p_school and cd.date = l.date
                  and co.class_group_id = any(cd.class_ids)) as remote
    from lesson l join co on co.id = l.course_id
   where l.school_id = p_school and l.date between p_from and p_to and not l.cancelled),
list as (
  select co.id as course_id, e.pupil_id, e.starts_on, coalesce(e.ends_on, 'infinity'::date) as ends_on
    from co join enrollment e on e.class_group_id = co.class_group_id
   where e.starts_on <= p_to and (e.ends_on is null or e.ends_on >= p_from)
     and (co.subgroup_id is null or exists (select 1 from subgroup_member sm
           where sm.subgroup_id = co.subgroup_id and sm.pupil_id = e.pupil_id))),
per as (
  select sp.id, sp.academic_year_id, sp.kind::text as kind, sp.starts_on, sp.ends_on
    from study_period sp where sp.school_id = p_school and sp.starts_on <= p_to and sp.ends_on >= p_from),
piece as (
  select li.course_id, li.pupil_id, per.id as period_id, per.ends_on as period_end,
         greatest(per.starts_on, p_from, li.starts_on) as a, least(per.ends_on, p_to, li.ends_on) as b,
         (per.ends_on - per.starts_on + 1) as days,
         coalesce((cfg.min_marks -> per.kind ->> co.hours)::int, 0) as need
    from list li join co on co.id = li.course_id join per on per.academic_year_id = co.academic_year_id
    cross join cfg
   where li.starts_on <= least(per.ends_on, p_to) and li.ends_on >= greatest(per.starts_on, p_from)),
mk as (
  select l.course_id, m.pupil_id, l.date from mark m join les l on l.id = m.lesson_id
   where m.school_id = p_school and m.removed_at is null),
piece_have as (
  select pc.course_id, pc.pupil_id, pc.period_id, pc.period_end, pc.a, pc.b, pc.days, pc.need, count(mk.date) as have
    from piece pc left join mk on mk.course_id = pc.course_id and mk.pupil_id = pc.pupil_id and mk.date between pc.a and pc.b
   group by pc.course_id, pc.pupil_id, pc.period_id, pc.period_end, pc.a, pc.b, pc.days, pc.need),
marks as (
  select ph.course_id, ph.pupil_id, ph.period_id, ph.period_end, sum(ph.b - ph.a + 1) as covered,
         max(ph.days) as days, max(ph.need) as need, sum(ph.have)::int as have
    from piece_have ph group by ph.course_id, ph.pupil_id, ph.period_id, ph.period_end),
audit_late as (
  select a.entity, a.entity_id, min(a.at) as at
    from audit_event a cross join cfg
   where a.school_id = p_school and a.entity in ('attendance', 'lesson')
     and a.at >= (p_from + cfg.late_days + 1)::timestamp at time zone cfg.tz
     and (a.entity = 'attendance' and a.action = 'create'
          or a.entity = 'lesson' and coalesce(btrim(a.before ->> 'topic'), '') = ''
             and coalesce(btrim(a.after ->> 'topic'), '') <> '')
   group by a.entity, a.entity_id)
select l.course_id, 'NO_TOPIC', l.id, null::int, null::int, l.date, null::timestamptz, null::int, null::int
  from les l where coalesce(btrim(l.topic), '') = ''
union all
select l.course_id, 'NO_HOMEWORK', l.id, null, null, l.date, null, null, null
  from les l cross join cfg where cfg.hw_required and coalesce(btrim(l.homework), '') = ''
union all
select l.course_id, 'NO_ATTENDANCE', l.id, null, null, l.date, null, null, null
  from les l where not l.remote and not exists (select 1 from attendance a where a.lesson_id = l.id)
union all
select l.course_id, 'LATE_MARK', l.id, m.pupil_id, null, l.date, m.created_at, null, null
  from les l join mark m on m.lesson_id = l.id cross join cfg
 where m.removed_at is null and (m.created_at at time zone cfg.tz)::date > l.date + cfg.late_days
union all
select l.course_id, 'LATE_ATTENDANCE', l.id, att.pupil_id, null, l.date, al.at, null, null
  from audit_late al join attendance att on att.id = al.entity_id join les l on l.id = att.lesson_id cross join cfg
 where al.entity = 'attendance' and (al.at at time zone cfg.tz)::date > l.date + cfg.late_days
union all
select l.course_id, 'LATE_TOPIC', l.id, null, null, l.date, al.at, null, null
  from audit_late al join les l on l.id = al.entity_id cross join cfg
 where al.entity = 'lesson' and (al.at at time zone cfg.tz)::date > l.date + cfg.late_days
union all
select mk.course_id, 'PUPIL_SHORT', null, mk.pupil_id, mk.period_id, mk.period_end, null, mk.have,
       floor(mk.need * mk.covered::numeric / mk.days)::int
  from marks mk where mk.have < floor(mk.need * mk.covered::numeric / mk.days)
union all
select li.course_id, 'PERIOD_MARK_MISSING', null, li.pupil_id, per.id, per.ends_on, null, null, null
  from list li join co on co.id = li.course_id join per on per.academic_year_id = co.academic_year_id
 where per.ends_on < p_to and li.starts_on <= per.ends_on and li.ends_on >= per.ends_on
   and not exists (select 1 from period_mark pm where pm.course_id = li.course_id and pm.pupil_id = li.pupil_id
                    and pm.period_id = per.id and pm.value is not null)
$fn$;`;

/** The figures per course: every course of the school's year(s) the span touches, gaps or not. */
const HEALTH_BY_COURSE = `create or replace function journal_health_by_course(p_school int, p_from date, p_to date)
returns table (course_id int, teacher_id int, class_id int, lessons_held int, without_topic int, without_homework int,
               without_attendance int, pupils_short int, late_entries int, period_marks_missing int)
language sql stable as $fn$
with items as (
  select i.course_id, i.kind, i.pupil_id from journal_health_items(p_school, p_from, p_to) i),
counts as (
  select i.course_id,
         count(*) filter (where i.kind = 'NO_TOPIC')::int as without_topic,
         count(*) filter (where i.kind = 'NO_HOMEWORK')::int as without_homework,
         count(*) filter (where i.kind = 'NO_ATTENDANCE')::int as without_attendance,
         count(distinct i.pupil_id) filter (where i.kind = 'PUPIL_SHORT')::int as pupils_short,
         count(*) filter (where i.kind like 'LATE%')::int as late_entries,
         count(*) filter (where i.kind = 'PERIOD_MARK_MISSING')::int as period_marks_missing
    from items i group by i.course_id),
held as (
  select l.course_id, count(*)::int as n from lesson l
   where l.school_id = p_school and l.date between p_from and p_to and not l.cancelled group by l.course_id)
select c.id, c.teacher_id, c.class_group_id, coalesce(h.n, 0), coalesce(k.without_topic, 0),
       coalesce(k.without_homework, 0), coalesce(k.without_attendance, 0), coalesce(k.pupils_short, 0),
       coalesce(k.late_entries, 0), coalesce(k.period_marks_missing, 0)
  from course c join academic_year y on y.id = c.academic_year_id
  left join held h on h.course_id = c.id left join counts k on k.course_id = c.id
 where c.school_id = p_school and y.starts_on <= p_to and y.ends_on >= p_from
$fn$;`;
