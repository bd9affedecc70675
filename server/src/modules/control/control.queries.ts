import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../../db/prepared.js';
import type { ControlCheck, ControlRemark, HealthGap, JournalHealth } from './control.types.js';

/** Which courses the dashboard lists; null: any. `teacherId` is forced to self for a teacher. */
export interface HealthFilter {
  grade: number | null;
  classId: number | null;
  teacherId: number | null;
  subjectId: number | null;
  courseId: number | null;
}

/** Timestamps come back from `pg` as text here: the schema's Date scalar wants Dates. */
const date = (v: Date | string | null): Date | null => (v == null ? null : new Date(v));
function dated<T>(rows: T[], keys: (keyof T)[]): T[] {
  for (const r of rows) for (const k of keys) r[k] = date(r[k] as Date | null) as T[keyof T];
  return rows;
}

const name = (a: string) => `concat_ws(' ', ${a}.last_name, ${a}.first_name, ${a}.middle_name)`;
const COURSE_NAME = `concat_ws(' ', cg.grade || cg.letter, s.name, sg.name)`;

/**
 * The dashboard: every course of the span's year(s) with its health and its control log line
 * (last check of the course or of its class's whole journal; overdue when that is more than a
 * month before today, or never), worst first. One statement (decisions 11, 21). Parameters:
 * school, from, to, school, today, then the filter twice each. The function's rows are fenced
 * (`offset 0`): inlined into the joins, the planner re-ran its gap search per course and the demo
 * school's dashboard took minutes; fenced, well under a second.
 */
export const HEALTH_SQL = `select h.course_id::text as "courseId", ${COURSE_NAME} as "courseName",
       cg.id::text as "classId", cg.grade || cg.letter as "className", cg.grade,
       s.id::text as "subjectId", s.name as "subjectName", t.id::text as "teacherId", ${name('t')} as "teacherName",
       h.lessons_held as "lessonsHeld", h.without_topic as "withoutTopic", h.without_homework as "withoutHomework",
       h.without_attendance as "withoutAttendance", h.pupils_short as "pupilsShort", h.late_entries as "lateEntries",
       h.period_marks_missing as "periodMarksMissing",
       h.without_topic + h.without_homework + h.without_attendance + h.pupils_short + h.late_entries
         + h.period_marks_missing as gaps,
       lc.at as "lastCheckedAt", lc.by as "lastCheckedBy",
       (lc.at is null or (lc.at at time zone sc.time_zone)::date < (?::date - interval '1 month')::date) as overdue
  from (select * from journal_health_by_course(?, ?::date, ?::date) offset 0) h
  join school sc on sc.id = ?
  join course co on co.id = h.course_id join class_group cg on cg.id = co.class_group_id
  join subject s on s.id = co.subject_id left join subgroup sg on sg.id = co.subgroup_id
  join person t on t.id = co.teacher_id
  left join lateral (select cc.created_at as at, ${name('p')} as by
                       from control_check cc join person p on p.id = cc.checker_id
                      where cc.school_id = co.school_id and (cc.course_id = co.id or cc.class_group_id = co.class_group_id)
                      order by cc.created_at desc, cc.id desc limit 1) lc on true
 where (?::int is null or cg.grade = ?::int) and (?::int is null or cg.id = ?::int)
   and (?::int is null or co.teacher_id = ?::int) and (?::int is null or s.id = ?::int)
   and (?::int is null or co.id = ?::int)
 order by gaps desc, cg.grade, cg.letter, s.name, h.course_id`;

export async function readHealth(
  em: EntityManager,
  schoolId: number,
  span: { from: string; to: string; today: string },
  f: HealthFilter,
): Promise<JournalHealth[]> {
  const twice = (v: number | null) => [v, v];
  // Not a named prepared statement: a generic plan over the optional filters is much slower than
  // one planned for the values at hand, and this statement is not hot (decision 47).
  const rows = await em.execute<JournalHealth[]>(HEALTH_SQL, [
    span.today,
    schoolId,
    span.from,
    span.to,
    schoolId,
    ...twice(f.grade),
    ...twice(f.classId),
    ...twice(f.teacherId),
    ...twice(f.subjectId),
    ...twice(f.courseId),
  ]);
  return dated(rows, ['lastCheckedAt']);
}

/** The gaps behind a course's figures, in date order. */
export async function readGaps(
  em: EntityManager,
  schoolId: number,
  courseId: number,
  from: string,
  to: string,
): Promise<HealthGap[]> {
  const rows = await prepared<HealthGap>(
    em,
    `select i.kind, i.on_date::text as date, i.lesson_id::text as "lessonId", l.number as "lessonNumber",
            i.pupil_id::text as "pupilId", case when p.id is not null then ${name('p')} end as "pupilName",
            sp.name as "periodName", i.entered_at as "enteredAt", i.have, i.need
       from journal_health_items(?, ?::date, ?::date, ?) i
       left join lesson l on l.id = i.lesson_id left join person p on p.id = i.pupil_id
       left join study_period sp on sp.id = i.period_id
      order by i.kind, i.on_date, l.number, "pupilName"`,
    [schoolId, from, to, courseId],
  );
  return dated(rows, ['enteredAt']);
}

/** The course (or class) a check is of, in the school: its name and its courses with their teachers. */
export interface Target {
  name: string;
  classId: number;
  courses: { id: number; teacherId: number }[];
}

export async function readTarget(
  em: EntityManager,
  schoolId: number,
  courseId: number | null,
  classId: number | null,
): Promise<Target | null> {
  const rows = courseId
    ? await prepared<Target>(
        em,
        `select ${COURSE_NAME} as name, cg.id as "classId", jsonb_build_array(jsonb_build_object('id', co.id, 'teacherId', co.teacher_id)) as courses
           from course co join class_group cg on cg.id = co.class_group_id
           join subject s on s.id = co.subject_id left join subgroup sg on sg.id = co.subgroup_id
          where co.id = ? and co.school_id = ?`,
        [courseId, schoolId],
      )
    : await prepared<Target>(
        em,
        `select cg.grade || cg.letter as name, cg.id as "classId",
                coalesce(jsonb_agg(jsonb_build_object('id', co.id, 'teacherId', co.teacher_id) order by co.id)
                         filter (where co.id is not null), '[]') as courses
           from class_group cg left join course co on co.class_group_id = cg.id
          where cg.id = ? and cg.school_id = ? group by cg.id`,
        [classId, schoolId],
      );
  return rows[0] ?? null;
}

/** A check's snapshot: its courses' figures now, as JSON, for the insert. */
export const SNAPSHOT_SQL = `select coalesce(jsonb_agg(jsonb_build_object(
         'courseId', h.course_id::text, 'courseName', ${COURSE_NAME}, 'teacherName', ${name('t')},
         'lessonsHeld', h.lessons_held, 'withoutTopic', h.without_topic, 'withoutHomework', h.without_homework,
         'withoutAttendance', h.without_attendance, 'pupilsShort', h.pupils_short, 'lateEntries', h.late_entries,
         'periodMarksMissing', h.period_marks_missing,
         'gaps', h.without_topic + h.without_homework + h.without_attendance + h.pupils_short + h.late_entries + h.period_marks_missing)
         order by cg.grade, cg.letter, s.name, h.course_id), '[]'::jsonb)
  from (select * from journal_health_by_course(?, ?::date, ?::date) offset 0) h
  join course co on co.id = h.course_id join class_group cg on cg.id = co.class_group_id
  join subject s on s.id = co.subject_id left join subgroup sg on sg.id = co.subgroup_id
  join person t on t.id = co.teacher_id
 where h.course_id = any(?::int[])`;

const REMARK_COLUMNS = `r.id::text, r.check_id::text as "checkId", r.course_id::text as "courseId",
       case when r.course_id is not null then ${COURSE_NAME} end as "courseName",
       r.teacher_id::text as "teacherId", ${name('t')} as "teacherName",
       c.checker_id::text as "checkerId", ${name('ch')} as "checkerName",
       r.text, r.due_on::text as "dueOn", upper(r.status) as status, r.answer, r.answered_at as "answeredAt",
       r.fixed_at as "fixedAt", r.decided_at as "decidedAt", r.created_at as "createdAt", r.version`;
const REMARK_FROM = `control_remark r join control_check c on c.id = r.check_id
  join person t on t.id = r.teacher_id join person ch on ch.id = c.checker_id
  left join course co on co.id = r.course_id left join class_group cg on cg.id = co.class_group_id
  left join subject s on s.id = co.subject_id left join subgroup sg on sg.id = co.subgroup_id`;

/** Remarks of the school: by ids, by check, or to a teacher; `open` keeps those awaiting the teacher. */
export async function readRemarks(
  em: EntityManager,
  schoolId: number,
  by: { ids?: number[]; checkIds?: number[]; teacherId?: number; open?: boolean },
): Promise<ControlRemark[]> {
  const rows = await prepared<ControlRemark>(
    em,
    `select ${REMARK_COLUMNS} from ${REMARK_FROM}
      where r.school_id = ? and (?::int[] is null or r.id = any(?::int[]))
        and (?::int[] is null or r.check_id = any(?::int[])) and (?::int is null or r.teacher_id = ?::int)
        and (not ?::boolean or r.status in ('open', 'reopened'))
      order by r.due_on, r.id`,
    [
      schoolId,
      ...[by.ids ?? null, by.ids ?? null],
      ...[by.checkIds ?? null, by.checkIds ?? null],
      ...[by.teacherId ?? null, by.teacherId ?? null],
      by.open ?? false,
    ].map((v) => (Array.isArray(v) ? `{${v.join(',')}}` : v)),
  );
  return dated(rows, ['answeredAt', 'fixedAt', 'decidedAt', 'createdAt']);
}

type CheckRow = Omit<ControlCheck, 'remarks'>;

/** Checks of the school, newest first: by id, of a course (its own and its class's), or all. */
export async function readChecks(
  em: EntityManager,
  schoolId: number,
  by: { id?: number; courseId?: number; limit: number },
): Promise<ControlCheck[]> {
  const rows = await prepared<CheckRow>(
    em,
    `select c.id::text, c.course_id::text as "courseId", c.class_group_id::text as "classId",
            coalesce(${COURSE_NAME}, cc.grade || cc.letter) as "targetName",
            c.checker_id::text as "checkerId", ${name('ch')} as "checkerName",
            c.span_from::text as "from", c.span_to::text as "to", c.findings, c.created_at as "createdAt", c.snapshot
       from control_check c join person ch on ch.id = c.checker_id
       left join course co on co.id = c.course_id left join class_group cg on cg.id = co.class_group_id
       left join subject s on s.id = co.subject_id left join subgroup sg on sg.id = co.subgroup_id
       left join class_group cc on cc.id = c.class_group_id
      where c.school_id = ? and (?::int is null or c.id = ?::int)
        and (?::int is null or c.course_id = ?::int
             or c.class_group_id = (select x.class_group_id from course x where x.id = ?::int))
      order by c.created_at desc, c.id desc limit ?`,
    [
      schoolId,
      by.id ?? null,
      by.id ?? null,
      by.courseId ?? null,
      by.courseId ?? null,
      by.courseId ?? null,
      by.limit,
    ],
  );
  const remarks = rows.length
    ? await readRemarks(em, schoolId, { checkIds: rows.map((r) => Number(r.id)) })
    : [];
  dated(rows, ['createdAt']);
  return rows.map((r) => ({ ...r, remarks: remarks.filter((m) => m.checkId === r.id) }));
}
