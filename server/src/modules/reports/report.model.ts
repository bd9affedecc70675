import { registerEnumType } from 'type-graphql';
import { DEFAULT_MIN_MARKS } from '../../db/migrations/Migration20261207100000_control.js';

/**
 * The report model as data: the facts a report reads, the dimensions it may group and filter by,
 * and the measures it may compute. This table is the whitelist: the compiler writes SQL only from
 * the expressions here, and a spec naming anything else is refused.
 */

export enum ReportDimension {
  ACADEMIC_YEAR = 'ACADEMIC_YEAR',
  STUDY_PERIOD = 'STUDY_PERIOD',
  MONTH = 'MONTH',
  ISO_WEEK = 'ISO_WEEK',
  DATE = 'DATE',
  GRADE = 'GRADE',
  CLASS_GROUP = 'CLASS_GROUP',
  SUBGROUP = 'SUBGROUP',
  SUBJECT = 'SUBJECT',
  COURSE = 'COURSE',
  TEACHER = 'TEACHER',
  PUPIL = 'PUPIL',
  WORK_TYPE = 'WORK_TYPE',
  ATTENDANCE_CODE = 'ATTENDANCE_CODE',
}

export enum ReportMeasure {
  MARK_COUNT = 'MARK_COUNT',
  AVERAGE = 'AVERAGE',
  WEIGHTED_AVERAGE = 'WEIGHTED_AVERAGE',
  MARKS_5 = 'MARKS_5',
  MARKS_4 = 'MARKS_4',
  MARKS_3 = 'MARKS_3',
  MARKS_2 = 'MARKS_2',
  SUCCESS_RATE_MARKS = 'SUCCESS_RATE_MARKS',
  QUALITY_RATE_MARKS = 'QUALITY_RATE_MARKS',
  LATE_MARK_ENTRIES = 'LATE_MARK_ENTRIES',
  PERIOD_MARK_COUNT = 'PERIOD_MARK_COUNT',
  PUPILS_ASSESSED = 'PUPILS_ASSESSED',
  SUCCESS_RATE_PUPILS = 'SUCCESS_RATE_PUPILS',
  QUALITY_RATE_PUPILS = 'QUALITY_RATE_PUPILS',
  DEGREE_OF_LEARNING = 'DEGREE_OF_LEARNING',
  EXCELLENT_PUPILS = 'EXCELLENT_PUPILS',
  GOOD_PUPILS = 'GOOD_PUPILS',
  SINGLE_THREE_PUPILS = 'SINGLE_THREE_PUPILS',
  FAILING_PUPILS = 'FAILING_PUPILS',
  ATTENDANCE_ENTRIES = 'ATTENDANCE_ENTRIES',
  MISSED_SHARE = 'MISSED_SHARE',
  LESSONS_HELD = 'LESSONS_HELD',
  LESSONS_CANCELLED = 'LESSONS_CANCELLED',
  LESSONS_WITHOUT_TOPIC = 'LESSONS_WITHOUT_TOPIC',
  LESSONS_WITHOUT_HOMEWORK = 'LESSONS_WITHOUT_HOMEWORK',
  LESSONS_WITHOUT_ATTENDANCE = 'LESSONS_WITHOUT_ATTENDANCE',
  LESSONS_REMOTE = 'LESSONS_REMOTE',
  PUPILS_SHORT_OF_MARKS = 'PUPILS_SHORT_OF_MARKS',
  PERIOD_MARKS_MISSING = 'PERIOD_MARKS_MISSING',
  CONTROL_LATE_ENTRIES = 'CONTROL_LATE_ENTRIES',
  REMOTE_LESSONS_WITH_MATERIAL = 'REMOTE_LESSONS_WITH_MATERIAL',
  REMOTE_LESSONS_WITHOUT_WORK = 'REMOTE_LESSONS_WITHOUT_WORK',
  REMOTE_TASKS_SET = 'REMOTE_TASKS_SET',
  REMOTE_TASKS_ASSIGNED = 'REMOTE_TASKS_ASSIGNED',
  REMOTE_TASKS_DONE = 'REMOTE_TASKS_DONE',
  REMOTE_TASKS_DONE_SHARE = 'REMOTE_TASKS_DONE_SHARE',
  REMOTE_PUPILS_OWING = 'REMOTE_PUPILS_OWING',
}

/** Which rows a measure is computed over. */
export enum ReportFact {
  /** Lesson marks (current marks), not removed. */
  LESSON_MARKS = 'LESSON_MARKS',
  /** Period marks (quarter, trimester, half-year) and year marks. */
  PERIOD_MARKS = 'PERIOD_MARKS',
  /**
   * Places in held lessons: each pupil on the list of each held lesson, with the attendance entry.
   * Remote lessons (on a cancelled-class day of their class) are not asked for attendance: none.
   */
  SEATS = 'SEATS',
  /** Lessons up to today, held (in class or remotely) or cancelled. */
  LESSONS = 'LESSONS',
  /**
   * Each pupil's lesson marks in each course and study period against the school's minimum, over
   * the part of the period within the span (the DATE filter) and the pupil's enrolment.
   */
  MARK_MINIMUMS = 'MARK_MINIMUMS',
  /** Period marks due: each pupil on a course's list at the end of a study period ended within the span. */
  PERIOD_MARKS_DUE = 'PERIOD_MARKS_DUE',
  /**
   * Entries made late by the control area's rule, each a row: lesson marks, attendance entries
   * and topics of held lessons in the span, made more than the school's days after the lesson.
   */
  LATE_ENTRIES = 'LATE_ENTRIES',
  /**
   * Self-study tasks of remote lessons (decision 72): each task of a held lesson on a
   * cancelled-class day of its class, up to today, for each pupil on the lesson's list that day,
   * with whether the pupil (or a parent) ticked it done.
   */
  REMOTE_TASKS = 'REMOTE_TASKS',
}

export enum ReportUnit {
  COUNT = 'COUNT',
  /** A mark on the school's scale, to two decimals. */
  SCORE = 'SCORE',
  /** Per cent, to one decimal. */
  PERCENT = 'PERCENT',
}

registerEnumType(ReportDimension, { name: 'ReportDimension' });
registerEnumType(ReportMeasure, { name: 'ReportMeasure' });
registerEnumType(ReportFact, { name: 'ReportFact' });
registerEnumType(ReportUnit, { name: 'ReportUnit' });

/** The columns every fact's rows have (null where the fact has no such thing), with their types. */
export const FACT_COLUMNS = {
  year_id: 'int',
  period_id: 'int',
  date: 'date',
  grade: 'int',
  class_id: 'int',
  subgroup_id: 'int',
  subject_id: 'int',
  course_id: 'int',
  teacher_id: 'int',
  pupil_id: 'int',
  work_type_id: 'int',
  code_id: 'int',
  score: 'int',
  weight: 'numeric',
  late: 'boolean',
  absent: 'boolean',
  held: 'boolean',
  no_topic: 'boolean',
  no_homework: 'boolean',
  /** How many places a row of the seats stands for (lists counted by enrolment, not by pupil). */
  places: 'bigint',
} as const;
export type FactColumn = keyof typeof FACT_COLUMNS;

const COURSE_COLUMNS = {
  year_id: 'co.academic_year_id',
  grade: 'cg.grade',
  class_id: 'co.class_group_id',
  subgroup_id: 'co.subgroup_id',
  subject_id: 'co.subject_id',
  course_id: 'co.id',
  teacher_id: 'co.teacher_id',
} as const;

/** The study period a lesson's date falls in. */
const LESSON_PERIOD = `left join study_period sp on sp.academic_year_id = co.academic_year_id
     and l.date between sp.starts_on and sp.ends_on`;
const COURSE_JOIN = `join course co on co.id = l.course_id join class_group cg on cg.id = co.class_group_id`;

/**
 * A mark entered later than the day after its lesson (school's time zone) is a late entry of
 * `LATE_MARK_ENTRIES`; the control area's rule (`CONTROL_LATE_ENTRIES`) is the school's own.
 */
export const LATE_AFTER_DAYS = 1;

/** The partial sums a measure is written over (`p.<name>`), and how partials of groups merge. */
export const PARTIALS = {
  m_n: { type: 'bigint', merge: 'count' },
  m_sn: { type: 'bigint', merge: 'count' },
  m_s: { type: 'bigint', merge: 'sum' },
  m_ws: { type: 'numeric', merge: 'sum' },
  m_w: { type: 'numeric', merge: 'sum' },
  m_5: { type: 'bigint', merge: 'count' },
  m_4: { type: 'bigint', merge: 'count' },
  m_3: { type: 'bigint', merge: 'count' },
  m_2: { type: 'bigint', merge: 'count' },
  m_late: { type: 'bigint', merge: 'count' },
  p_all: { type: 'bigint', merge: 'count' },
  p_n: { type: 'bigint', merge: 'count' },
  p_min: { type: 'int', merge: 'min' },
  p_5: { type: 'bigint', merge: 'count' },
  p_4: { type: 'bigint', merge: 'count' },
  p_3: { type: 'bigint', merge: 'count' },
  p_2: { type: 'bigint', merge: 'count' },
  s_n: { type: 'bigint', merge: 'count' },
  s_code: { type: 'bigint', merge: 'count' },
  s_abs: { type: 'bigint', merge: 'count' },
  l_held: { type: 'bigint', merge: 'count' },
  l_cancelled: { type: 'bigint', merge: 'count' },
  l_no_topic: { type: 'bigint', merge: 'count' },
  l_no_homework: { type: 'bigint', merge: 'count' },
  l_no_attendance: { type: 'bigint', merge: 'count' },
  l_remote: { type: 'bigint', merge: 'count' },
  l_material: { type: 'bigint', merge: 'count' },
  l_no_work: { type: 'bigint', merge: 'count' },
  l_tasks: { type: 'bigint', merge: 'count' },
  r_n: { type: 'bigint', merge: 'count' },
  r_done: { type: 'bigint', merge: 'count' },
  h_short: { type: 'bigint', merge: 'count' },
  d_missing: { type: 'bigint', merge: 'count' },
  e_late: { type: 'bigint', merge: 'count' },
} as const satisfies Record<string, { type: string; merge: 'count' | 'sum' | 'min' }>;
export type PartialName = keyof typeof PARTIALS;

/**
 * One source of a fact's rows. Its rows are summed into partials per group (and pupil, where a
 * measure judges pupils) inside the statement's branch for the source, before anything else.
 */
export interface FactSource {
  /** SQL for each column this source has; the rest are null. */
  columns: Partial<Record<FactColumn, string>>;
  /** From and joins; `co` (course) must be there, the viewer's scope is written against it. */
  from: string;
  /** Conditions; every `?` of `from`, then of `where`, takes in order a parameter `params` names. */
  where: string;
  /** `from` and `to`: the span of a span fact (`spanOf`), null where the spec leaves it open. */
  params: readonly ('school' | 'today' | 'from' | 'to')[];
  /** The partials this source gives, as aggregates over its rows `f`; the others are null. */
  partials: Partial<Record<PartialName, string>>;
  /** Columns of this source's rows only (sums made before its joins), for its partials. */
  extra?: Record<string, string>;
}

export interface FactDef {
  /** The sources that together make the fact's rows. */
  sources: readonly FactSource[];
  /** Sources used instead when the spec splits or filters by one of these columns (first first). */
  alternatives?: readonly { when: readonly FactColumn[]; sources: readonly FactSource[] }[];
  /**
   * A span fact: its rows are worked out for a span of dates (a part of a period judged as a
   * whole), which the spec's DATE filter gives (`spanOf`); it cannot be split by a date.
   */
  span?: true;
}

/** A pupil is on a subgroup's course's list only while a member (the member row is unique). */
const SUBGROUP_MEMBER = `left join subgroup_member sm on sm.subgroup_id = co.subgroup_id and sm.pupil_id = `;
const ON_LIST = '(co.subgroup_id is null or sm.id is not null)';
/**
 * A lesson on a cancelled-class day of its class: studied remotely (decision 45), not asked for
 * attendance (the control area's `journal_health_items` says the same).
 */
const REMOTE = `exists (select 1 from cancelled_day cd where cd.school_id = l.school_id and cd.date = l.date
        and co.class_group_id = any(cd.class_ids))`;
/** Held lessons in class (not remote) up to today, by school (the lesson index is school first). */
const HELD = `l.school_id = ? and not l.cancelled and l.date <= ?::date and not ${REMOTE}`;
const SEAT_COLUMNS = { ...COURSE_COLUMNS, period_id: 'sp.id', date: 'l.date' } as const;

/** Each pupil on the list of each held lesson of their class's course, on a day enrolled. */
const SEAT_LIST = `lesson l ${COURSE_JOIN}
      join enrollment e on e.class_group_id = co.class_group_id and e.starts_on <= l.date
       and (e.ends_on is null or e.ends_on >= l.date)`;

/** The marks' own joins: the lesson (by school), the work type's weight, the history. */
const MARK_FROM = `mark m join lesson l on l.id = m.lesson_id
      join work_type w on w.id = m.work_type_id join school sc on sc.id = m.school_id
      left join (select a.entity_id, min(a.at) as at from audit_event a
        where a.school_id = ? and a.entity = 'mark' and a.action = 'create' group by a.entity_id) ae
        on ae.entity_id = m.id`;
const MARK_WHERE = 'm.school_id = ? and l.school_id = ? and m.removed_at is null';
/** Entered: the mark's first `create` in the journal's history, else the row's time. */
const ENTERED_LATE = `(coalesce(ae.at, m.created_at) at time zone sc.time_zone)::date > l.date + ${LATE_AFTER_DAYS}`;

/**
 * Each mark (for a split by pupil or work type). The history is read once, grouped by mark, and
 * joined (not asked per mark); the join goes when no late entries are asked (the planner removes
 * a left join to unique rows whose columns are not used).
 */
const MARKS_EACH: FactSource = {
  columns: {
    ...COURSE_COLUMNS,
    period_id: 'sp.id',
    date: 'l.date',
    pupil_id: 'm.pupil_id',
    work_type_id: 'm.work_type_id',
    score: 'm.score',
    weight: 'w.weight',
    late: ENTERED_LATE,
  },
  from: `${MARK_FROM} ${COURSE_JOIN} ${LESSON_PERIOD}`,
  where: MARK_WHERE,
  params: ['school', 'school', 'school'],
  partials: {
    m_n: 'count(*)',
    m_sn: 'count(f.score)',
    m_s: 'sum(f.score)',
    m_ws: 'sum(f.score * f.weight)',
    m_w: 'sum(f.weight) filter (where f.score is not null)',
    m_5: 'count(*) filter (where f.score = 5)',
    m_4: 'count(*) filter (where f.score = 4)',
    m_3: 'count(*) filter (where f.score = 3)',
    m_2: 'count(*) filter (where f.score <= 2)',
    m_late: 'count(*) filter (where f.late)',
  },
};

/**
 * The marks summed per lesson first (a lesson's marks share every other dimension), then the
 * lessons joined to their courses and periods: the joins and the keys are worked out once per
 * lesson, not once per mark. Sums the planner finds unused are not computed.
 */
const MARKS_BY_LESSON: FactSource = {
  columns: { ...COURSE_COLUMNS, period_id: 'sp.id', date: 'l.date' },
  from: `(select l.id, l.course_id, l.date, count(*) as n, count(m.score) as sn, sum(m.score) as s,
        sum(m.score * w.weight) as ws, sum(w.weight) filter (where m.score is not null) as wsum,
        count(*) filter (where m.score = 5) as n5, count(*) filter (where m.score = 4) as n4,
        count(*) filter (where m.score = 3) as n3, count(*) filter (where m.score <= 2) as n2,
        count(*) filter (where ${ENTERED_LATE}) as nlate
      from ${MARK_FROM}
     where ${MARK_WHERE}
     group by l.id, l.course_id, l.date) l ${COURSE_JOIN} ${LESSON_PERIOD}`,
  where: 'true',
  params: ['school', 'school', 'school'],
  extra: {
    k_n: 'l.n',
    k_sn: 'l.sn',
    k_s: 'l.s',
    k_ws: 'l.ws',
    k_w: 'l.wsum',
    k_5: 'l.n5',
    k_4: 'l.n4',
    k_3: 'l.n3',
    k_2: 'l.n2',
    k_late: 'l.nlate',
  },
  partials: {
    m_n: 'sum(f.k_n)::bigint',
    m_sn: 'sum(f.k_sn)::bigint',
    m_s: 'sum(f.k_s)::bigint',
    m_ws: 'sum(f.k_ws)',
    m_w: 'sum(f.k_w)',
    m_5: 'sum(f.k_5)::bigint',
    m_4: 'sum(f.k_4)::bigint',
    m_3: 'sum(f.k_3)::bigint',
    m_2: 'sum(f.k_2)::bigint',
    m_late: 'sum(f.k_late)::bigint',
  },
};

/**
 * The places of held lessons without the pupils: each lesson's list counted from the class's
 * enrolments grouped by their dates (and, for a subgroup's course, the subgroup's members), so a
 * lesson is one row per group of enrolments, not one per pupil.
 */
const SEAT_LISTS: FactSource = {
  columns: { ...SEAT_COLUMNS, places: 'e.n' },
  from: `lesson l ${COURSE_JOIN}
      join (select e.class_group_id, e.starts_on, e.ends_on, 0 as subgroup_id, count(*) as n
              from enrollment e where e.school_id = ? group by 1, 2, 3
            union all
            select e.class_group_id, e.starts_on, e.ends_on, sm.subgroup_id, count(*)
              from enrollment e join subgroup_member sm on sm.pupil_id = e.pupil_id
             where e.school_id = ? and sm.school_id = ? group by 1, 2, 3, 4) e
        on e.class_group_id = co.class_group_id and e.subgroup_id = coalesce(co.subgroup_id, 0)
       and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date) ${LESSON_PERIOD}`,
  where: HELD,
  params: ['school', 'school', 'school', 'school', 'today'],
  partials: { s_n: 'sum(f.places)::bigint' },
};

/** Attendance entries on places (an entry of a pupil then on the lesson's list). */
const ABSENCES: FactSource = {
  columns: {
    ...SEAT_COLUMNS,
    pupil_id: 'a.pupil_id',
    code_id: 'a.code_id',
    absent: `ac.kind <> 'LATE'`,
  },
  from: `attendance a join lesson l on l.id = a.lesson_id ${COURSE_JOIN}
      join attendance_code ac on ac.id = a.code_id ${SUBGROUP_MEMBER}a.pupil_id ${LESSON_PERIOD}`,
  where: `a.school_id = ? and a.code_id is not null and ${HELD} and ${ON_LIST}
      and exists (select 1 from enrollment e where e.class_group_id = co.class_group_id
        and e.pupil_id = a.pupil_id and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date))`,
  params: ['school', 'school', 'today'],
  partials: { s_code: 'count(*)', s_abs: 'count(*) filter (where f.absent)' },
};

/**
 * The span of a span fact, `?` for its from, to and today in turn: from the DATE filter's start
 * (open: each period from its start) to its end, today at latest.
 */
const SPAN = `(select coalesce(?::date, '-infinity'::date) as a,
        least(coalesce(?::date, 'infinity'::date), ?::date) as b) span`;
const SPAN_PARAMS = ['from', 'to', 'today', 'school'] as const;
/** The pupil `e.pupil_id` is on the course's list (a subgroup's member, for a subgroup's course). */
const ON_COURSE_LIST = `(co.subgroup_id is null or exists (select 1 from subgroup_member sm
        where sm.subgroup_id = co.subgroup_id and sm.pupil_id = e.pupil_id))`;
const SPAN_COURSE_JOIN = `join course co on co.id = h.course_id join class_group cg on cg.id = co.class_group_id`;

/**
 * Each pupil × course × study period the span touches, with whether the pupil is short of marks:
 * the marks in the course's held lessons dated in the part of the period that the span and the
 * pupil's enrolment cover, against the school's minimum for the period's kind and the course's
 * weekly hours (1, 2, 3 or more), prorated by the days covered: floor(min × covered / period's
 * days). As `journal_health_items`'s PUPIL_SHORT (decision 46), which the control area reads.
 */
const MARK_MINIMUMS: FactSource = {
  columns: {
    ...COURSE_COLUMNS,
    period_id: 'h.period_id',
    pupil_id: 'h.pupil_id',
    date: 'h.a',
  },
  from: `(select h.course_id, h.pupil_id, h.period_id, min(h.a) as a,
          sum(h.have) < floor(max(h.need) * sum(h.b - h.a + 1)::numeric / max(h.days)) as short
     from (select co.id as course_id, e.pupil_id, sp.id as period_id, pc.a, pc.b,
                  sp.ends_on - sp.starts_on + 1 as days,
                  coalesce((coalesce(cs.min_marks, '${JSON.stringify(DEFAULT_MIN_MARKS)}'::jsonb)
                    -> sp.kind::text ->> least(greatest(round(co.hours_per_week)::int, 1), 3)::text)::int, 0) as need,
                  (select count(*) from mark m join lesson l on l.id = m.lesson_id
                    where m.pupil_id = e.pupil_id and m.removed_at is null and l.course_id = co.id
                      and not l.cancelled and l.date between pc.a and pc.b) as have
             from ${SPAN} join course co on co.school_id = ?
             join study_period sp on sp.academic_year_id = co.academic_year_id
              and sp.starts_on <= span.b and sp.ends_on >= span.a
             join enrollment e on e.class_group_id = co.class_group_id
              and e.starts_on <= least(sp.ends_on, span.b)
              and coalesce(e.ends_on, 'infinity'::date) >= greatest(sp.starts_on, span.a)
             left join control_setting cs on cs.school_id = co.school_id
             cross join lateral (select greatest(sp.starts_on, span.a, e.starts_on) as a,
                    least(sp.ends_on, span.b, coalesce(e.ends_on, 'infinity'::date)) as b) pc
            where ${ON_COURSE_LIST}) h
    group by h.course_id, h.pupil_id, h.period_id) h ${SPAN_COURSE_JOIN}`,
  where: 'true',
  params: SPAN_PARAMS,
  extra: { k_short: 'h.short' },
  partials: { h_short: 'count(*) filter (where f.k_short)' },
};

/**
 * Each pupil × course × study period that ended before the span's end (and within it), the pupil
 * on the list on its last day, without a period mark: `journal_health_items`'s
 * PERIOD_MARK_MISSING (decision 46).
 */
const PERIOD_MARKS_DUE: FactSource = {
  columns: {
    ...COURSE_COLUMNS,
    period_id: 'h.period_id',
    pupil_id: 'h.pupil_id',
    date: 'h.ends_on',
  },
  from: `(select co.id as course_id, e.pupil_id, sp.id as period_id, sp.ends_on
     from ${SPAN} join course co on co.school_id = ?
     join study_period sp on sp.academic_year_id = co.academic_year_id
      and sp.ends_on < span.b and sp.ends_on >= span.a
     join enrollment e on e.class_group_id = co.class_group_id and e.starts_on <= sp.ends_on
      and (e.ends_on is null or e.ends_on >= sp.ends_on)
    where ${ON_COURSE_LIST}
      and not exists (select 1 from period_mark pm where pm.course_id = co.id and pm.pupil_id = e.pupil_id
                       and pm.period_id = sp.id and pm.value is not null)) h ${SPAN_COURSE_JOIN}`,
  where: 'true',
  params: SPAN_PARAMS,
  partials: { d_missing: 'count(*)' },
};

/** The span with the school's late rule: days from the control settings (7 by default), time zone. */
const LATE_SPAN = `${SPAN} cross join (select s.id, s.time_zone as tz, coalesce(cs.late_after_days, 7) as days
        from school s left join control_setting cs on cs.school_id = s.id where s.id = ?) k`;
/** A held lesson `l` of the school dated in the span. */
const LATE_LESSON = `l.school_id = k.id and l.date between span.a and span.b and not l.cancelled`;
/** The time `at` is more than the school's days after the lesson's date, in the school's time zone. */
const lateAt = (at: string) => `(${at} at time zone k.tz)::date > l.date + k.days`;
/** The history's first such event of each entity since the span's start plus the days (as the dashboard reads it). */
const firstSince = (cond: string) => `(select a.entity_id, min(a.at) as at from audit_event a
          where a.school_id = k.id and ${cond}
            and a.at >= (span.a + k.days + 1)::timestamp at time zone k.tz group by a.entity_id)`;

/**
 * Each entry made late by the control area's rule, as `journal_health_items` finds its LATE_MARK,
 * LATE_ATTENDANCE and LATE_TOPIC gaps (decision 46) for the span: a held lesson's mark (not
 * removed) by its row's time; an attendance entry by its first `create` in the history; a topic by
 * the history's first change from empty to filled; each since the span's start plus the days,
 * later than the lesson's date plus the school's days (`control_setting.late_after_days`, 7 when
 * not set), school time. A topic has no pupil.
 */
const LATE_ENTRIES: FactSource = {
  columns: { ...COURSE_COLUMNS, period_id: 'sp.id', pupil_id: 'h.pupil_id', date: 'l.date' },
  from: `(select h.lesson_id, h.pupil_id from ${LATE_SPAN} cross join lateral (
       select l.id as lesson_id, m.pupil_id from lesson l join mark m on m.lesson_id = l.id
        where ${LATE_LESSON} and m.removed_at is null and ${lateAt('m.created_at')}
       union all
       select l.id, att.pupil_id
         from ${firstSince(`a.entity = 'attendance' and a.action = 'create'`)} al
         join attendance att on att.id = al.entity_id join lesson l on l.id = att.lesson_id
        where ${LATE_LESSON} and ${lateAt('al.at')}
       union all
       select l.id, null::int
         from ${firstSince(`a.entity = 'lesson' and coalesce(btrim(a.before ->> 'topic'), '') = ''
            and coalesce(btrim(a.after ->> 'topic'), '') <> ''`)} al
         join lesson l on l.id = al.entity_id
        where ${LATE_LESSON} and ${lateAt('al.at')}) h) h
    join lesson l on l.id = h.lesson_id ${COURSE_JOIN} ${LESSON_PERIOD}`,
  where: 'true',
  params: SPAN_PARAMS,
  partials: { e_late: 'count(*)' },
};

/** A remote lesson `l`'s material is posted: a text, a link or a file (decision 57's store). */
const MATERIAL_POSTED = `(exists (select 1 from remote_material rm where rm.lesson_id = l.id
          and (btrim(rm.body) <> '' or cardinality(rm.links) > 0))
        or exists (select 1 from remote_material_attachment ra where ra.lesson_id = l.id))`;

/**
 * Each task of a held remote lesson up to today (the lesson on a cancelled-class day of its
 * class, decision 45) for each pupil on the lesson's list that day (enrolled in the class and,
 * for a subgroup's course, a member), with the pupil's tick: the class teacher's remote table
 * (decision 63) counted the same way, so a tick of a pupil no longer on the list counts nowhere.
 */
const REMOTE_TASKS: FactSource = {
  columns: { ...SEAT_COLUMNS, pupil_id: 'e.pupil_id' },
  from: `remote_task t join lesson l on l.id = t.lesson_id ${COURSE_JOIN}
      join cancelled_day cd on cd.school_id = l.school_id and cd.date = l.date
       and co.class_group_id = any(cd.class_ids)
      join enrollment e on e.class_group_id = co.class_group_id and e.starts_on <= l.date
       and (e.ends_on is null or e.ends_on >= l.date) ${SUBGROUP_MEMBER}e.pupil_id
      left join remote_task_check k on k.task_id = t.id and k.pupil_id = e.pupil_id ${LESSON_PERIOD}`,
  where: `t.school_id = ? and l.school_id = ? and not l.cancelled and l.date <= ?::date and ${ON_LIST}`,
  params: ['school', 'school', 'today'],
  extra: { k_done: 'k.id is not null' },
  partials: { r_n: 'count(*)', r_done: 'count(*) filter (where f.k_done)' },
};

export const FACTS: Record<ReportFact, FactDef> = {
  [ReportFact.LESSON_MARKS]: {
    sources: [MARKS_BY_LESSON],
    alternatives: [{ when: ['pupil_id', 'work_type_id'], sources: [MARKS_EACH] }],
  },
  [ReportFact.PERIOD_MARKS]: {
    sources: [
      {
        columns: {
          ...COURSE_COLUMNS,
          period_id: 'pm.period_id',
          pupil_id: 'pm.pupil_id',
          score: `case when pm.value ~ '^[0-9]{1,2}$' then pm.value::int end`,
        },
        from: `period_mark pm join course co on co.id = pm.course_id join class_group cg on cg.id = co.class_group_id`,
        where: 'pm.school_id = ? and pm.value is not null',
        params: ['school'],
        partials: {
          p_all: 'count(*)',
          p_n: 'count(f.score)',
          p_min: 'min(f.score)',
          p_5: 'count(*) filter (where f.score = 5)',
          p_4: 'count(*) filter (where f.score = 4)',
          p_3: 'count(*) filter (where f.score = 3)',
          p_2: 'count(*) filter (where f.score <= 2)',
        },
      },
    ],
  },
  // A place in a held lesson: a pupil on the lesson's list (enrolled in the course's class that
  // day and, for a subgroup's course, a member), as the journal page lists them. The places are
  // counted without the attendance, and the entries on places counted apart (an entry joined to
  // its place): the join of every place to the attendance was most of the statement's time.
  [ReportFact.SEATS]: {
    sources: [SEAT_LISTS, ABSENCES],
    alternatives: [
      // Split by attendance code, a place without an entry is in the group «none»: every place
      // joined to its entry.
      {
        when: ['code_id'],
        sources: [
          {
            columns: {
              ...SEAT_COLUMNS,
              pupil_id: 'e.pupil_id',
              code_id: 'a.code_id',
              absent: `coalesce(ac.kind <> 'LATE', false)`,
            },
            from: `${SEAT_LIST} ${SUBGROUP_MEMBER}e.pupil_id
      left join attendance a on a.lesson_id = l.id and a.pupil_id = e.pupil_id and a.code_id is not null
      left join attendance_code ac on ac.id = a.code_id ${LESSON_PERIOD}`,
            where: `${HELD} and ${ON_LIST}`,
            params: ['school', 'today'],
            partials: {
              s_n: 'count(*)',
              s_code: 'count(f.code_id)',
              s_abs: 'count(*) filter (where f.absent)',
            },
          },
        ],
      },
      // By pupil: each pupil's places.
      {
        when: ['pupil_id'],
        sources: [
          {
            columns: { ...SEAT_COLUMNS, pupil_id: 'e.pupil_id' },
            from: `${SEAT_LIST} ${SUBGROUP_MEMBER}e.pupil_id ${LESSON_PERIOD}`,
            where: `${HELD} and ${ON_LIST}`,
            params: ['school', 'today'],
            partials: { s_n: 'count(*)' },
          },
          ABSENCES,
        ],
      },
    ],
  },
  [ReportFact.LESSONS]: {
    sources: [
      {
        columns: {
          ...COURSE_COLUMNS,
          period_id: 'sp.id',
          date: 'l.date',
          held: 'not l.cancelled',
          no_topic: `not l.cancelled and coalesce(btrim(l.topic), '') = ''`,
          no_homework: `not l.cancelled and coalesce(btrim(l.homework), '') = ''`,
        },
        from: `lesson l ${COURSE_JOIN} ${LESSON_PERIOD}`,
        where: 'l.school_id = ? and l.date <= ?::date',
        params: ['school', 'today'],
        // Worked out only when a measure reads them (the subquery is pulled up, unused columns go).
        extra: {
          k_remote: `not l.cancelled and ${REMOTE}`,
          k_no_attendance: `not l.cancelled and not ${REMOTE}
        and not exists (select 1 from attendance a where a.lesson_id = l.id)`,
          k_material: `not l.cancelled and ${REMOTE} and ${MATERIAL_POSTED}`,
          k_tasks: `case when not l.cancelled and ${REMOTE}
        then (select count(*) from remote_task t where t.lesson_id = l.id) else 0 end`,
          k_no_work: `not l.cancelled and ${REMOTE} and not ${MATERIAL_POSTED}
        and not exists (select 1 from remote_task t where t.lesson_id = l.id)`,
        },
        partials: {
          l_held: 'count(*) filter (where f.held)',
          l_cancelled: 'count(*) filter (where not f.held)',
          l_no_topic: 'count(*) filter (where f.no_topic)',
          l_no_homework: 'count(*) filter (where f.no_homework)',
          l_no_attendance: 'count(*) filter (where f.k_no_attendance)',
          l_remote: 'count(*) filter (where f.k_remote)',
          l_material: 'count(*) filter (where f.k_material)',
          l_no_work: 'count(*) filter (where f.k_no_work)',
          l_tasks: 'sum(f.k_tasks)::bigint',
        },
      },
    ],
  },
  [ReportFact.MARK_MINIMUMS]: { span: true, sources: [MARK_MINIMUMS] },
  [ReportFact.PERIOD_MARKS_DUE]: { span: true, sources: [PERIOD_MARKS_DUE] },
  [ReportFact.LATE_ENTRIES]: { span: true, sources: [LATE_ENTRIES] },
  [ReportFact.REMOTE_TASKS]: { sources: [REMOTE_TASKS] },
};

/** How a filter value is written and compared. */
export type ValueKind = 'id' | 'int' | 'date' | 'month' | 'week';

export interface DimensionDef {
  /** The fact column it needs: a fact without it cannot be split by this dimension. */
  column: FactColumn;
  /** The key, an SQL expression over the fact row `f`. */
  key: string;
  kind: ValueKind;
  /** A label for an id: the join (with `$` for the table alias, `#` for the key column) and the expression. */
  label?: { join: string; expr: string };
  /** Only for viewers who see the whole school (comparing teachers is the administration's). */
  administrationOnly?: boolean;
  ru: string;
  en: string;
}

const personName = (a: string) =>
  `concat_ws(' ', ${a}.last_name, ${a}.first_name, ${a}.middle_name)`;

export const DIMENSIONS: Record<ReportDimension, DimensionDef> = {
  [ReportDimension.ACADEMIC_YEAR]: {
    column: 'year_id',
    key: 'f.year_id',
    kind: 'id',
    label: { join: 'left join academic_year $ on $.id = #', expr: '$.name' },
    ru: 'Учебный год',
    en: 'Academic year',
  },
  [ReportDimension.STUDY_PERIOD]: {
    column: 'period_id',
    key: 'f.period_id',
    kind: 'id',
    label: { join: 'left join study_period $ on $.id = #', expr: '$.name' },
    ru: 'Учебный период (без периода — годовые отметки)',
    en: 'Study period (none: year marks)',
  },
  [ReportDimension.MONTH]: {
    column: 'date',
    key: `to_char(f.date, 'YYYY-MM')`,
    kind: 'month',
    ru: 'Месяц (ГГГГ-ММ)',
    en: 'Month (YYYY-MM)',
  },
  [ReportDimension.ISO_WEEK]: {
    column: 'date',
    key: `to_char(f.date, 'IYYY-"W"IW')`,
    kind: 'week',
    ru: 'Неделя ISO (ГГГГ-Wнн)',
    en: 'ISO week (YYYY-Wnn)',
  },
  [ReportDimension.DATE]: {
    column: 'date',
    key: `to_char(f.date, 'YYYY-MM-DD')`,
    kind: 'date',
    ru: 'Дата',
    en: 'Date',
  },
  [ReportDimension.GRADE]: {
    column: 'grade',
    key: 'f.grade',
    kind: 'int',
    ru: 'Параллель',
    en: 'Grade',
  },
  [ReportDimension.CLASS_GROUP]: {
    column: 'class_id',
    key: 'f.class_id',
    kind: 'id',
    label: { join: 'left join class_group $ on $.id = #', expr: `$.grade || $.letter` },
    ru: 'Класс',
    en: 'Class',
  },
  [ReportDimension.SUBGROUP]: {
    column: 'subgroup_id',
    key: 'f.subgroup_id',
    kind: 'id',
    label: { join: 'left join subgroup $ on $.id = #', expr: '$.name' },
    ru: 'Подгруппа (без подгруппы — весь класс)',
    en: 'Subgroup (none: the whole class)',
  },
  [ReportDimension.SUBJECT]: {
    column: 'subject_id',
    key: 'f.subject_id',
    kind: 'id',
    label: { join: 'left join subject $ on $.id = #', expr: '$.name' },
    ru: 'Предмет',
    en: 'Subject',
  },
  [ReportDimension.COURSE]: {
    column: 'course_id',
    key: 'f.course_id',
    kind: 'id',
    label: {
      join: `left join (select co.id, concat_ws(' ', cg.grade || cg.letter, s.name, sg.name) as name
          from course co join class_group cg on cg.id = co.class_group_id join subject s on s.id = co.subject_id
          left join subgroup sg on sg.id = co.subgroup_id) $ on $.id = #`,
      expr: '$.name',
    },
    ru: 'Журнал (класс, предмет, подгруппа)',
    en: 'Course (class, subject, subgroup)',
  },
  [ReportDimension.TEACHER]: {
    column: 'teacher_id',
    key: 'f.teacher_id',
    kind: 'id',
    label: { join: 'left join person $ on $.id = #', expr: personName('$') },
    administrationOnly: true,
    ru: 'Учитель (ведущий журнал)',
    en: 'Teacher (of the course)',
  },
  [ReportDimension.PUPIL]: {
    column: 'pupil_id',
    key: 'f.pupil_id',
    kind: 'id',
    label: { join: 'left join person $ on $.id = #', expr: personName('$') },
    ru: 'Ученик',
    en: 'Pupil',
  },
  [ReportDimension.WORK_TYPE]: {
    column: 'work_type_id',
    key: 'f.work_type_id',
    kind: 'id',
    label: { join: 'left join work_type $ on $.id = #', expr: '$.name' },
    ru: 'Вид работы',
    en: 'Work type',
  },
  [ReportDimension.ATTENDANCE_CODE]: {
    column: 'code_id',
    key: 'f.code_id',
    kind: 'id',
    label: { join: 'left join attendance_code $ on $.id = #', expr: '$.code' },
    ru: 'Отметка посещаемости (без отметки — присутствовал)',
    en: 'Attendance code (none: present)',
  },
};

export interface MeasureDef {
  fact: ReportFact;
  unit: ReportUnit;
  /** Counts pupils (judged on each pupil's marks): the statement keeps a row per pupil for it. */
  perPupil?: true;
  /** The aggregate over the pupil level `p`. */
  sql: string;
  ru: string;
  en: string;
  formulaRu: string;
  formulaEn: string;
}

const share = (part: string, whole: string) => `round(100.0 * (${part}) / nullif(${whole}, 0), 1)`;
/** Pupils (of the group) with at least one numeric period mark, and those whose lowest is so. */
const pupils = (cond: string) => `count(*) filter (where p.p_n > 0 and ${cond})`;
const ASSESSED = `count(*) filter (where p.p_n > 0)`;
const SPAN_NOTE_RU =
  'Срок — условие по измерению «Дата» (с, по), не позже сегодняшнего дня; без него — каждый период целиком, текущий — по сегодня. Разбить по дате, неделе или месяцу нельзя.';
const SPAN_NOTE_EN =
  'The span is the Date filter (from, to), today at latest; without it, each period as a whole, the current one up to today. It cannot be split by date, week or month.';
const REMOTE_NOTE_RU =
  'Дистанционный урок — не отменённый урок в день отмены занятий для своего класса (актированный день); уроки других дней не учитываются. Отдельной отметки «материал прочитан» нет: ученик или родитель отмечает задание как «прочитано и сделано».';
const REMOTE_NOTE_EN =
  'A remote lesson is a lesson not cancelled on a cancelled-class day of its class; lessons of other days never count. Reading has no mark of its own: the pupil or a parent ticks a task as read and done.';
const PERIOD_NOTE_RU =
  'По четвертным (полугодовым) отметкам выбранного периода; учитываются ученики, у которых есть хотя бы одна числовая отметка за период, отметки «зч», «н/а» и т. п. не учитываются.';
const PERIOD_NOTE_EN =
  'Over period marks of the chosen period; counts pupils with at least one numeric period mark; non-numeric marks («зч», «н/а») are left out.';

export const MEASURES: Record<ReportMeasure, MeasureDef> = {
  [ReportMeasure.MARK_COUNT]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.m_n)',
    ru: 'Количество отметок',
    en: 'Number of marks',
    formulaRu: 'Число текущих отметок (включая нечисловые), удалённые не считаются.',
    formulaEn: 'The number of lesson marks (non-numeric ones included), removed ones left out.',
  },
  [ReportMeasure.AVERAGE]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.SCORE,
    sql: 'round(sum(p.m_s)::numeric / nullif(sum(p.m_sn), 0), 2)',
    ru: 'Средний балл',
    en: 'Average mark',
    formulaRu: 'Σ отметок / число числовых текущих отметок.',
    formulaEn: 'Σ marks / number of numeric lesson marks.',
  },
  [ReportMeasure.WEIGHTED_AVERAGE]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.SCORE,
    sql: 'round(sum(p.m_ws) / nullif(sum(p.m_w), 0), 2)',
    ru: 'Средневзвешенный балл',
    en: 'Weighted average mark',
    formulaRu: 'Σ(отметка × вес вида работы) / Σ весов, по числовым текущим отметкам.',
    formulaEn: 'Σ(mark × weight of its work type) / Σ weights, over numeric lesson marks.',
  },
  [ReportMeasure.MARKS_5]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.m_5)',
    ru: 'Отметок «5»',
    en: 'Marks «5»',
    formulaRu: 'Число текущих отметок «5».',
    formulaEn: 'The number of lesson marks «5».',
  },
  [ReportMeasure.MARKS_4]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.m_4)',
    ru: 'Отметок «4»',
    en: 'Marks «4»',
    formulaRu: 'Число текущих отметок «4».',
    formulaEn: 'The number of lesson marks «4».',
  },
  [ReportMeasure.MARKS_3]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.m_3)',
    ru: 'Отметок «3»',
    en: 'Marks «3»',
    formulaRu: 'Число текущих отметок «3».',
    formulaEn: 'The number of lesson marks «3».',
  },
  [ReportMeasure.MARKS_2]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.m_2)',
    ru: 'Отметок «2» (и «1»)',
    en: 'Marks «2» (and «1»)',
    formulaRu: 'Число текущих отметок «2» и ниже.',
    formulaEn: 'The number of lesson marks «2» or lower.',
  },
  [ReportMeasure.SUCCESS_RATE_MARKS]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.PERCENT,
    sql: share('sum(p.m_sn) - sum(p.m_2)', 'sum(p.m_sn)'),
    ru: 'Успеваемость по отметкам (не по ученикам)',
    en: 'Success rate by marks (not by pupils)',
    formulaRu: '(числовые текущие отметки − отметки «2» и ниже) / числовые текущие отметки × 100%.',
    formulaEn: '(numeric lesson marks − marks «2» or lower) / numeric lesson marks × 100%.',
  },
  [ReportMeasure.QUALITY_RATE_MARKS]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.PERCENT,
    sql: share('sum(p.m_5) + sum(p.m_4)', 'sum(p.m_sn)'),
    ru: 'Качество по отметкам (не по ученикам)',
    en: 'Quality rate by marks (not by pupils)',
    formulaRu: '(отметки «5» + «4») / числовые текущие отметки × 100%.',
    formulaEn: '(marks «5» + «4») / numeric lesson marks × 100%.',
  },
  [ReportMeasure.LATE_MARK_ENTRIES]: {
    fact: ReportFact.LESSON_MARKS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.m_late)',
    ru: 'Отметки, выставленные позже следующего дня',
    en: 'Marks entered after the next day',
    formulaRu: `Число текущих отметок, впервые внесённых (по истории журнала) позже, чем через ${LATE_AFTER_DAYS} дн. после даты урока (по времени школы). Не правило контроля: записи с опозданием по настройкам школы — «Записи с опозданием (по правилу контроля)».`,
    formulaEn: `The number of lesson marks first entered (by the journal's history) more than ${LATE_AFTER_DAYS} day(s) after the lesson's date (school time). Not the control rule: entries late by the school's settings are «Late entries (control rule)».`,
  },
  [ReportMeasure.PERIOD_MARK_COUNT]: {
    fact: ReportFact.PERIOD_MARKS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.p_all)',
    ru: 'Количество итоговых отметок',
    en: 'Number of period marks',
    formulaRu: 'Число выставленных отметок за период (или за год), включая нечисловые.',
    formulaEn: 'The number of period (or year) marks given, non-numeric ones included.',
  },
  [ReportMeasure.PUPILS_ASSESSED]: {
    fact: ReportFact.PERIOD_MARKS,
    unit: ReportUnit.COUNT,
    perPupil: true,
    sql: ASSESSED,
    ru: 'Аттестовано учеников',
    en: 'Pupils assessed',
    formulaRu: `N — число учеников с числовыми отметками за период. ${PERIOD_NOTE_RU}`,
    formulaEn: `N: pupils with numeric period marks. ${PERIOD_NOTE_EN}`,
  },
  [ReportMeasure.SUCCESS_RATE_PUPILS]: {
    fact: ReportFact.PERIOD_MARKS,
    unit: ReportUnit.PERCENT,
    perPupil: true,
    sql: share(pupils('p.p_min >= 3'), ASSESSED),
    ru: 'Успеваемость по ученикам',
    en: 'Success rate by pupils',
    formulaRu: `Ученики без «2» за период / N × 100%. ${PERIOD_NOTE_RU}`,
    formulaEn: `Pupils without a «2» for the period / N × 100%. ${PERIOD_NOTE_EN}`,
  },
  [ReportMeasure.QUALITY_RATE_PUPILS]: {
    fact: ReportFact.PERIOD_MARKS,
    unit: ReportUnit.PERCENT,
    perPupil: true,
    sql: share(pupils('p.p_min >= 4'), ASSESSED),
    ru: 'Качество знаний по ученикам',
    en: 'Quality rate by pupils',
    formulaRu: `Ученики только с «4» и «5» за период / N × 100%. ${PERIOD_NOTE_RU}`,
    formulaEn: `Pupils with only «4» and «5» for the period / N × 100%. ${PERIOD_NOTE_EN}`,
  },
  [ReportMeasure.DEGREE_OF_LEARNING]: {
    fact: ReportFact.PERIOD_MARKS,
    unit: ReportUnit.PERCENT,
    sql: share(
      'sum(p.p_5) + 0.64 * sum(p.p_4) + 0.36 * sum(p.p_3) + 0.16 * sum(p.p_2)',
      'sum(p.p_5) + sum(p.p_4) + sum(p.p_3) + sum(p.p_2)',
    ),
    ru: 'СОУ (степень обученности учащихся)',
    en: 'Degree of learning (СОУ)',
    formulaRu:
      'СОУ = (1,00·n5 + 0,64·n4 + 0,36·n3 + 0,16·n2) / (n5 + n4 + n3 + n2) × 100%, где nX — число отметок «X» за период («2» и ниже — n2).',
    formulaEn:
      'СОУ = (1.00·n5 + 0.64·n4 + 0.36·n3 + 0.16·n2) / (n5 + n4 + n3 + n2) × 100%, nX being the number of period marks «X» («2» or lower in n2).',
  },
  [ReportMeasure.EXCELLENT_PUPILS]: {
    fact: ReportFact.PERIOD_MARKS,
    unit: ReportUnit.COUNT,
    perPupil: true,
    sql: pupils('p.p_min = 5'),
    ru: 'Отличники',
    en: 'Excellent pupils',
    formulaRu: `Ученики, у которых все отметки за период «5». ${PERIOD_NOTE_RU}`,
    formulaEn: `Pupils whose period marks are all «5». ${PERIOD_NOTE_EN}`,
  },
  [ReportMeasure.GOOD_PUPILS]: {
    fact: ReportFact.PERIOD_MARKS,
    unit: ReportUnit.COUNT,
    perPupil: true,
    sql: pupils('p.p_min = 4'),
    ru: 'Хорошисты',
    en: 'Good pupils',
    formulaRu: `Ученики с отметками за период только «4» и «5», из них хотя бы одна «4». ${PERIOD_NOTE_RU}`,
    formulaEn: `Pupils with only «4» and «5» for the period, at least one «4». ${PERIOD_NOTE_EN}`,
  },
  [ReportMeasure.SINGLE_THREE_PUPILS]: {
    fact: ReportFact.PERIOD_MARKS,
    unit: ReportUnit.COUNT,
    perPupil: true,
    sql: pupils('p.p_min = 3 and p.p_3 = 1'),
    ru: 'С одной «3»',
    en: 'Pupils with a single «3»',
    formulaRu: `Ученики, у которых за период ровно одна «3», остальные «4» и «5». ${PERIOD_NOTE_RU}`,
    formulaEn: `Pupils with exactly one «3» for the period, the rest «4» and «5». ${PERIOD_NOTE_EN}`,
  },
  [ReportMeasure.FAILING_PUPILS]: {
    fact: ReportFact.PERIOD_MARKS,
    unit: ReportUnit.COUNT,
    perPupil: true,
    sql: pupils('p.p_min <= 2'),
    ru: 'Неуспевающие',
    en: 'Failing pupils',
    formulaRu: `Ученики, у которых за период есть хотя бы одна «2» (или ниже). ${PERIOD_NOTE_RU}`,
    formulaEn: `Pupils with at least one «2» (or lower) for the period. ${PERIOD_NOTE_EN}`,
  },
  [ReportMeasure.ATTENDANCE_ENTRIES]: {
    fact: ReportFact.SEATS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.s_code)',
    ru: 'Отметки посещаемости',
    en: 'Attendance entries',
    formulaRu:
      'Число отметок посещаемости (Н, Б, П, О…) на проведённых уроках (дистанционные не учитываются); по кодам — с измерением «Отметка посещаемости».',
    formulaEn:
      'The number of attendance entries (Н, Б, П, О…) in held lessons (remote ones left out); by code with the attendance code dimension.',
  },
  [ReportMeasure.MISSED_SHARE]: {
    fact: ReportFact.SEATS,
    unit: ReportUnit.PERCENT,
    sql: share('sum(p.s_abs)', 'sum(p.s_n)'),
    ru: 'Доля пропущенных уроков',
    en: 'Share of lessons missed',
    formulaRu:
      'Пропуски (все коды, кроме опозданий) / (ученики в списке × проведённые уроки) × 100%; дистанционные уроки не учитываются.',
    formulaEn:
      'Absences (every code but lateness) / (pupils on the list × held lessons) × 100%; remote lessons left out.',
  },
  [ReportMeasure.LESSONS_HELD]: {
    fact: ReportFact.LESSONS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.l_held)',
    ru: 'Проведено уроков',
    en: 'Lessons held',
    formulaRu: 'Уроки по сегодняшний день, не отменённые (в том числе дистанционные).',
    formulaEn: 'Lessons up to today, not cancelled (remote ones included).',
  },
  [ReportMeasure.LESSONS_REMOTE]: {
    fact: ReportFact.LESSONS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.l_remote)',
    ru: 'Проведено дистанционно',
    en: 'Lessons held remotely',
    formulaRu:
      'Проведённые уроки по сегодняшний день в дни отмены занятий для своего класса (дистанционное обучение); входят и в «Проведено уроков».',
    formulaEn:
      'Held lessons up to today on a cancelled-class day of their class (remote study); counted in «Lessons held» too.',
  },
  [ReportMeasure.LESSONS_CANCELLED]: {
    fact: ReportFact.LESSONS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.l_cancelled)',
    ru: 'Отменено уроков',
    en: 'Lessons cancelled',
    formulaRu: 'Отменённые уроки по сегодняшний день.',
    formulaEn: 'Cancelled lessons up to today.',
  },
  [ReportMeasure.LESSONS_WITHOUT_TOPIC]: {
    fact: ReportFact.LESSONS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.l_no_topic)',
    ru: 'Уроки без темы',
    en: 'Lessons without a topic',
    formulaRu: 'Проведённые уроки по сегодняшний день с пустой темой.',
    formulaEn: 'Held lessons up to today whose topic is empty.',
  },
  [ReportMeasure.LESSONS_WITHOUT_HOMEWORK]: {
    fact: ReportFact.LESSONS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.l_no_homework)',
    ru: 'Уроки без домашнего задания',
    en: 'Lessons without homework',
    formulaRu: 'Проведённые уроки по сегодняшний день с пустым домашним заданием.',
    formulaEn: 'Held lessons up to today whose homework is empty.',
  },
  [ReportMeasure.LESSONS_WITHOUT_ATTENDANCE]: {
    fact: ReportFact.LESSONS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.l_no_attendance)',
    ru: 'Уроки без учёта посещаемости',
    en: 'Lessons without attendance taken',
    formulaRu:
      'Проведённые уроки по сегодняшний день, кроме дистанционных, без единой записи посещаемости (запись «присутствовал» без кода — посещаемость учтена).',
    formulaEn:
      'Held lessons up to today, remote ones left out, with no attendance entry at all (a «present» entry without a code counts as taken).',
  },
  [ReportMeasure.PUPILS_SHORT_OF_MARKS]: {
    fact: ReportFact.MARK_MINIMUMS,
    unit: ReportUnit.COUNT,
    perPupil: true,
    sql: 'count(*) filter (where p.h_short > 0)',
    ru: 'Ученики с недостатком отметок',
    en: 'Pupils short of marks',
    formulaRu: `Ученики, у которых хотя бы по одному журналу за часть учебного периода в пределах срока меньше текущих отметок, чем минимум школы: ⌊минимум × дни периода в сроке и в обучении ученика / дни периода⌋. ${SPAN_NOTE_RU} Минимум — по виду периода и часам в неделю (1, 2, 3 и более), из настроек контроля (по умолчанию за четверть 3, 5, 7).`,
    formulaEn: `Pupils who in at least one course have fewer lesson marks in the part of a study period within the span than the school's minimum: ⌊minimum × days of the period in the span and the pupil's enrolment / days of the period⌋. ${SPAN_NOTE_EN} The minimum is by the period's kind and weekly hours (1, 2, 3 or more), from the control settings (by default 3, 5, 7 a quarter).`,
  },
  [ReportMeasure.PERIOD_MARKS_MISSING]: {
    fact: ReportFact.PERIOD_MARKS_DUE,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.d_missing)',
    ru: 'Не выставлено итоговых отметок',
    en: 'Period marks missing',
    formulaRu: `Число пар «ученик × журнал» без отметки за учебный период, закончившийся до конца срока, для учеников, числившихся в списке в последний день периода. ${SPAN_NOTE_RU}`,
    formulaEn: `The number of pupil × course pairs without a mark for a study period that ended before the span's end, for pupils on the list on the period's last day. ${SPAN_NOTE_EN}`,
  },
  [ReportMeasure.CONTROL_LATE_ENTRIES]: {
    fact: ReportFact.LATE_ENTRIES,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.e_late)',
    ru: 'Записи с опозданием (по правилу контроля)',
    en: 'Late entries (control rule)',
    formulaRu:
      'Число записей журнала, сделанных позже, чем через N дн. после даты урока (по времени школы), на проведённых уроках в пределах срока — как «Записи с опозданием» на панели контроля: текущие отметки (по времени внесения), отметки посещаемости (по первой записи в истории журнала), темы уроков (по первому заполнению пустой темы в истории). N — из настроек контроля школы, по умолчанию 7. Срок — условие по измерению «Дата» (с, по), не позже сегодняшнего дня; без него — все уроки по сегодня. Разбить по дате, неделе или месяцу нельзя; у темы нет ученика. Не путать с «Отметки, выставленные позже следующего дня».',
    formulaEn:
      "The number of journal entries made more than N days after the lesson's date (school time), in held lessons within the span, as the control dashboard's «Late entries»: lesson marks (by when entered), attendance entries (by the first entry in the journal's history), lesson topics (by the history's first filling of an empty topic). N is from the school's control settings, 7 by default. The span is the Date filter (from, to), today at latest; without it, every lesson up to today. It cannot be split by date, week or month; a topic has no pupil. Not «Marks entered after the next day».",
  },
  [ReportMeasure.REMOTE_LESSONS_WITH_MATERIAL]: {
    fact: ReportFact.LESSONS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.l_material)',
    ru: 'Дистанционные уроки с материалом',
    en: 'Remote lessons with material',
    formulaRu: `Дистанционные уроки по сегодняшний день, к которым учитель выложил материал (текст, ссылку или файл). ${REMOTE_NOTE_RU}`,
    formulaEn: `Remote lessons up to today for which the teacher posted material (a text, a link or a file). ${REMOTE_NOTE_EN}`,
  },
  [ReportMeasure.REMOTE_LESSONS_WITHOUT_WORK]: {
    fact: ReportFact.LESSONS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.l_no_work)',
    ru: 'Дистанционные уроки без материала и заданий',
    en: 'Remote lessons without material or tasks',
    formulaRu: `Дистанционные уроки по сегодняшний день, к которым не выложено ни материала, ни заданий. ${REMOTE_NOTE_RU}`,
    formulaEn: `Remote lessons up to today with neither material nor tasks posted. ${REMOTE_NOTE_EN}`,
  },
  [ReportMeasure.REMOTE_TASKS_SET]: {
    fact: ReportFact.LESSONS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.l_tasks)',
    ru: 'Заданий для самостоятельной работы',
    en: 'Self-study tasks set',
    formulaRu: `Число заданий, выданных на дистанционных уроках по сегодняшний день (каждое задание один раз, сколько бы учеников его ни получили). ${REMOTE_NOTE_RU}`,
    formulaEn: `The number of tasks set in remote lessons up to today (each task once, however many pupils it is for). ${REMOTE_NOTE_EN}`,
  },
  [ReportMeasure.REMOTE_TASKS_ASSIGNED]: {
    fact: ReportFact.REMOTE_TASKS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.r_n)',
    ru: 'Задания × ученики',
    en: 'Tasks × pupils',
    formulaRu: `Σ по заданиям дистанционных уроков по сегодняшний день: ученики в списке урока в его день (в классе, для подгруппы — в подгруппе). ${REMOTE_NOTE_RU}`,
    formulaEn: `Σ over the tasks of remote lessons up to today of the pupils on the lesson's list that day (in the class; for a subgroup, in the subgroup). ${REMOTE_NOTE_EN}`,
  },
  [ReportMeasure.REMOTE_TASKS_DONE]: {
    fact: ReportFact.REMOTE_TASKS,
    unit: ReportUnit.COUNT,
    sql: 'sum(p.r_done)',
    ru: 'Выполнено заданий (материал прочитан)',
    en: 'Tasks done (material read)',
    formulaRu: `Пары «задание × ученик» из «Задания × ученики», отмеченные учеником или родителем как «прочитано и сделано». ${REMOTE_NOTE_RU}`,
    formulaEn: `Task × pupil pairs of «Tasks × pupils» ticked by the pupil or a parent as read and done. ${REMOTE_NOTE_EN}`,
  },
  [ReportMeasure.REMOTE_TASKS_DONE_SHARE]: {
    fact: ReportFact.REMOTE_TASKS,
    unit: ReportUnit.PERCENT,
    sql: share('sum(p.r_done)', 'sum(p.r_n)'),
    ru: 'Доля выполненных заданий',
    en: 'Share of tasks done',
    formulaRu: `Выполнено заданий / (задания × ученики в списке урока в его день) × 100%. ${REMOTE_NOTE_RU}`,
    formulaEn: `Tasks done / (tasks × pupils on the lesson's list that day) × 100%. ${REMOTE_NOTE_EN}`,
  },
  [ReportMeasure.REMOTE_PUPILS_OWING]: {
    fact: ReportFact.REMOTE_TASKS,
    unit: ReportUnit.COUNT,
    perPupil: true,
    sql: 'count(*) filter (where p.r_n > p.r_done)',
    ru: 'Ученики с невыполненными заданиями',
    en: 'Pupils with tasks not done',
    formulaRu: `Ученики, у которых в группе есть хотя бы одно задание дистанционного урока без отметки «сделано»; ученик считается один раз. ${REMOTE_NOTE_RU}`,
    formulaEn: `Pupils with at least one task of a remote lesson in the group not ticked done; each pupil counted once. ${REMOTE_NOTE_EN}`,
  },
};

/**
 * Whether a fact has what a dimension needs, to split by it (or, `asFilter`, to filter by it). A
 * span fact has no dates to split by; the DATE filter is its span.
 */
export const factHas = (fact: ReportFact, dimension: ReportDimension, asFilter = false) =>
  !(
    FACTS[fact].span &&
    DIMENSIONS[dimension].column === 'date' &&
    !(asFilter && dimension === ReportDimension.DATE)
  ) &&
  [...FACTS[fact].sources, ...(FACTS[fact].alternatives ?? []).flatMap((a) => a.sources)].some(
    (s) => DIMENSIONS[dimension].column in s.columns,
  );

/** A filter of a spec, as `ReportFilterInput` (report.inputs.ts, which imports this file) has it. */
interface SpecFilter {
  dimension: ReportDimension;
  equals?: string | null;
  in?: readonly string[] | null;
  from?: string | null;
  to?: string | null;
}

/**
 * Why a spec cannot have a span fact's measure (null: it can): its span is the DATE filter, given
 * as equals or from/to, not as a list (a split by a date is refused by `factHas`).
 */
export function spanRefusal(fact: ReportFact, filters: readonly SpecFilter[]): string | null {
  if (!FACTS[fact].span) return null;
  if (filters.some((f) => f.dimension === ReportDimension.DATE && f.in != null)) {
    return 'Its span is the DATE filter: give equals or from/to, not a list';
  }
  return null;
}

/** The span the DATE filters give (several: where they overlap); null ends are open. */
export function spanOf(filters: readonly SpecFilter[]): {
  from: string | null;
  to: string | null;
} {
  let from: string | null = null;
  let to: string | null = null;
  for (const f of filters) {
    if (f.dimension !== ReportDimension.DATE) continue;
    const a = f.equals ?? f.from ?? null;
    const b = f.equals ?? f.to ?? null;
    if (a != null && (from == null || a > from)) from = a;
    if (b != null && (to == null || b < to)) to = b;
  }
  return { from, to };
}
