import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../../db/prepared.js';
import type {
  CancelledDay,
  CancelledDayPreview,
  OwedTask,
  RemoteClassTable,
  RemoteCompletion,
  RemoteLesson,
} from './cancelled-days.types.js';
import type { Threshold } from './thresholds.js';

/**
 * The area's read models: each list or page is one statement (decisions 11 and 21). Facts of
 * other areas (classes, enrolments, guardianships, courses, lessons) are read here in SQL.
 */

/** The classes of a day as JSON, ordered by grade and letter. */
const CLASSES_JSON = `(select coalesce(json_agg(json_build_object('id', c.id::text, 'name', c.grade || c.letter, 'grade', c.grade)
                              order by c.grade, c.letter), '[]'::json)
                        from class_group c where c.id = any(d.class_ids))`;

/** Pupils (of `?::int[]`) enrolled on the day in one of its classes. */
const OWN_PUPILS = `select e.pupil_id from enrollment e
                     where e.pupil_id = any(?::int[]) and e.class_group_id = any(d.class_ids)
                       and e.starts_on <= d.date and (e.ends_on is null or e.ends_on >= d.date)`;

const DAY_COLUMNS = `d.id::text, d.date::text, d.reason, d.temperature, d.wind_ms as "windMs", d.note, d.version`;

export async function readThresholds(em: EntityManager, schoolId: number): Promise<Threshold[]> {
  return prepared<Threshold>(
    em,
    `select grade_from as "gradeFrom", grade_to as "gradeTo", calm_celsius as "calmCelsius",
            windy_celsius as "windyCelsius", wind_ms as "windMs"
       from cancellation_rule where school_id = ? order by grade_from`,
    [schoolId],
  );
}

/** The school's declared days from `from` on (the administration's list). */
export async function readDays(
  em: EntityManager,
  schoolId: number,
  from: string,
  id: number | null = null,
): Promise<CancelledDay[]> {
  return prepared<CancelledDay>(
    em,
    `select ${DAY_COLUMNS}, ${CLASSES_JSON} as classes, '[]'::json as pupils
       from cancelled_day d
      where d.school_id = ? and d.date >= ?::date and (?::int is null or d.id = ?::int)
      order by d.date`,
    [schoolId, from, id, id],
  );
}

/** Whom the viewer's banner is about: own pupils (children, or self) and the staff's classes. */
export interface NoticeAudience {
  pupilIds: number[];
  classIds: number[];
  courseIds: number[];
}

/**
 * The days from `today` on that concern the viewer: a pupil's or a child's class, or a class the
 * viewer leads or teaches in. What the app shell's banner shows.
 */
export async function readNotices(
  em: EntityManager,
  schoolId: number,
  today: string,
  a: NoticeAudience,
): Promise<CancelledDay[]> {
  return prepared<CancelledDay>(
    em,
    `select ${DAY_COLUMNS}, ${CLASSES_JSON} as classes,
            (select coalesce(json_agg(json_build_object('id', p.id::text, 'firstName', p.first_name) order by p.id), '[]'::json)
               from person p where p.id in (${OWN_PUPILS})) as pupils
       from cancelled_day d
      where d.school_id = ? and d.date >= ?::date
        and (exists(${OWN_PUPILS})
             or d.class_ids && ?::int[]
             or d.class_ids && array(select co.class_group_id from course co where co.id = any(?::int[])))
      order by d.date`,
    [a.pupilIds, schoolId, today, a.pupilIds, a.classIds, a.courseIds],
  );
}

/** How many would be told of a day for these classes: pupils, their parents, their teachers. */
export async function readPreview(
  em: EntityManager,
  schoolId: number,
  date: string,
  classIds: number[],
): Promise<CancelledDayPreview> {
  const [row] = await prepared<CancelledDayPreview>(
    em,
    `with d as (select ?::date as date, ?::int[] as class_ids),
          pupils as (select distinct e.pupil_id from enrollment e, d
                      where e.school_id = ? and e.class_group_id = any(d.class_ids)
                        and e.starts_on <= d.date and (e.ends_on is null or e.ends_on >= d.date))
     select ${CLASSES_JSON} as classes,
            (select count(*)::int from pupils) as pupils,
            (select count(distinct g.guardian_id)::int from guardianship g join pupils p on p.pupil_id = g.pupil_id) as parents,
            (select count(*)::int from (select co.teacher_id from course co where co.class_group_id = any(d.class_ids)
                                         union select c.class_teacher_id from class_group c
                                          where c.id = any(d.class_ids) and c.class_teacher_id is not null) t) as teachers
       from d`,
    [date, classIds, schoolId],
  );
  return row;
}

/** Whom the live event of a day goes to: its pupils (so their families) and their teachers. */
export async function readAudience(
  em: EntityManager,
  schoolId: number,
  date: string,
  classIds: number[],
): Promise<{ pupilIds: number[]; staffIds: number[] }> {
  const [row] = await prepared<{ pupilIds: number[]; staffIds: number[] }>(
    em,
    `select array(select distinct e.pupil_id from enrollment e
                   where e.school_id = ? and e.class_group_id = any(?::int[])
                     and e.starts_on <= ?::date and (e.ends_on is null or e.ends_on >= ?::date)) as "pupilIds",
            array(select co.teacher_id from course co where co.class_group_id = any(?::int[])
                  union select c.class_teacher_id from class_group c
                   where c.id = any(?::int[]) and c.class_teacher_id is not null) as "staffIds"`,
    [schoolId, classIds, date, date, classIds, classIds],
  );
  return row;
}

/** Files as the API's `RemoteAttachment` JSON: `a` the attachment, ordered by `ord`. */
const filesJson = (ord: string) =>
  `coalesce(json_agg(json_build_object('id', a.id::text, 'name', a.name,
     'contentType', a.content_type, 'size', a.size) order by ${ord}), '[]'::json)`;

/** The lesson is on a cancelled day of its class: `l` the lesson, `co` its course. */
const ON_CANCELLED_DAY = `join cancelled_day d on d.school_id = l.school_id and d.date = l.date
                               and co.class_group_id = any(d.class_ids)`;

/** `e` is an enrolment of pupil `pupil` in the lesson's class on its date, in its subgroup. */
const STUDIES_LESSON = (pupil: string) => `e.class_group_id = co.class_group_id
  and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date)
  and (co.subgroup_id is null or exists(select 1 from subgroup_member sm
                                         where sm.subgroup_id = co.subgroup_id and sm.pupil_id = ${pupil}))`;

/**
 * A lesson with everything the remote-lesson page shows; the one parameter picks whose ticks
 * `done` (and the work's files) are.
 */
const REMOTE_LESSON = `
  select l.id::text as "lessonId", co.id::text as "courseId", l.date::text as date, l.number,
         s.name as "subjectName", c.grade || c.letter as "className", l.topic, l.homework,
         coalesce(m.body, '') as material, coalesce(m.links, '{}') as links,
         (select coalesce(json_agg(json_build_object('id', a.id::text, 'name', a.name,
                   'contentType', a.content_type, 'size', a.size) order by ra.position), '[]'::json)
            from remote_material_attachment ra join attachment a on a.id = ra.attachment_id
           where ra.lesson_id = l.id) as attachments,
         co.teacher_id as "teacherId", l.substitute_id as "substituteId", co.class_group_id as "classGroupId",
         (select coalesce(json_agg(json_build_object('id', t.id::text, 'text', t.text, 'dueOn', t.due_on::text,
                   'pupilId', nullif(vp.id, 0)::text, 'done', k.id is not null,
                   'attachments', (select ${filesJson('rw.position')} from remote_work_attachment rw
                                    join attachment a on a.id = rw.attachment_id where rw.check_id = k.id))
                   order by t.id), '[]'::json)
            from remote_task t left join remote_task_check k on k.task_id = t.id and k.pupil_id = vp.id
           where t.lesson_id = l.id) as tasks
    from lesson l cross join (select ?::int as id) vp
    join course co on co.id = l.course_id join class_group c on c.id = co.class_group_id
    join subject s on s.id = co.subject_id
    join cancelled_day d on d.school_id = l.school_id and d.date = l.date and co.class_group_id = any(d.class_ids)
    left join remote_material m on m.lesson_id = l.id`;

/** A remote lesson's row with who may see it; null if the lesson is not on a cancelled day. */
export interface RemoteLessonRow extends Omit<RemoteLesson, 'canWrite' | 'completion'> {
  teacherId: number;
  substituteId: number | null;
  classGroupId: number;
}

export async function readRemoteLesson(
  em: EntityManager,
  schoolId: number,
  lessonId: number,
): Promise<RemoteLessonRow | null> {
  const [row] = await prepared<RemoteLessonRow>(
    em,
    `${REMOTE_LESSON} where l.school_id = ? and l.id = ? and not l.cancelled`,
    [0, schoolId, lessonId],
  );
  return row ?? null;
}

/** A pupil's remote lessons of a day (the diary's day view), with the pupil's own ticks. */
export async function readPupilDay(
  em: EntityManager,
  schoolId: number,
  pupilId: number,
  date: string,
): Promise<RemoteLessonRow[]> {
  return prepared<RemoteLessonRow>(
    em,
    `${REMOTE_LESSON}
      where l.school_id = ? and l.date = ?::date and not l.cancelled
        and exists(select 1 from enrollment e where e.pupil_id = ? and e.class_group_id = co.class_group_id
                    and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date))
        and (co.subgroup_id is null or exists(select 1 from subgroup_member sm
                                               where sm.subgroup_id = co.subgroup_id and sm.pupil_id = ?))
      order by l.number`,
    [pupilId, schoolId, date, pupilId, pupilId],
  );
}

/** A teacher's remote lessons of a day: own courses and substitutions. */
export async function readTeacherDay(
  em: EntityManager,
  schoolId: number,
  personId: number,
  date: string,
): Promise<RemoteLessonRow[]> {
  return prepared<RemoteLessonRow>(
    em,
    `${REMOTE_LESSON}
      where l.school_id = ? and l.date = ?::date and not l.cancelled
        and (co.teacher_id = ? or l.substitute_id = ?)
      order by l.number, c.grade, c.letter`,
    [0, schoolId, date, personId, personId],
  );
}

/** The pupils of a lesson (enrolled on its date, members of its subgroup), their ticks and work. */
export async function readCompletion(
  em: EntityManager,
  lessonId: number,
): Promise<RemoteCompletion[]> {
  return prepared(
    em,
    `select p.id::text as "pupilId", concat_ws(' ', p.last_name, p.first_name) as "pupilName",
            array(select k.task_id::text from remote_task_check k join remote_task t on t.id = k.task_id
                   where t.lesson_id = l.id and k.pupil_id = p.id order by k.task_id) as "doneTaskIds",
            (select coalesce(json_agg(json_build_object('taskId', k.task_id::text, 'id', a.id::text,
                      'name', a.name, 'contentType', a.content_type, 'size', a.size)
                      order by k.task_id, rw.position), '[]'::json)
               from remote_task_check k join remote_task t on t.id = k.task_id
               join remote_work_attachment rw on rw.check_id = k.id join attachment a on a.id = rw.attachment_id
              where t.lesson_id = l.id and k.pupil_id = p.id) as files
       from lesson l join course co on co.id = l.course_id
       join enrollment e on e.class_group_id = co.class_group_id and e.starts_on <= l.date
        and (e.ends_on is null or e.ends_on >= l.date)
       join person p on p.id = e.pupil_id
      where l.id = ? and (co.subgroup_id is null or exists(select 1 from subgroup_member sm
                                               where sm.subgroup_id = co.subgroup_id and sm.pupil_id = p.id))
      order by p.last_name, p.first_name, p.id`,
    [lessonId],
  );
}

/**
 * Of `lessonIds`, those on a cancelled day of their class that the viewer reads (its teacher or
 * substitute, the class teacher, `readsAll`, the pupils of the lesson and their parents): the
 * journal's and the diary's "remote" mark. Others, another school's included, are left out.
 */
export async function readRemoteLessonIds(
  em: EntityManager,
  schoolId: number,
  lessonIds: number[],
  personId: number,
  readsAll: boolean,
): Promise<string[]> {
  const rows = await prepared<{ id: string }>(
    em,
    `select l.id::text from lesson l join course co on co.id = l.course_id
       join cancelled_day d on d.school_id = l.school_id and d.date = l.date and co.class_group_id = any(d.class_ids)
      where l.school_id = ? and l.id = any(?::int[]) and not l.cancelled
        and (?::boolean or co.teacher_id = ?::int or l.substitute_id = ?::int
          or exists(select 1 from class_group c where c.id = co.class_group_id and c.class_teacher_id = ?::int)
          or exists(select 1 from enrollment e where e.class_group_id = co.class_group_id
                     and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date)
                     and (co.subgroup_id is null or exists(select 1 from subgroup_member sm
                           where sm.subgroup_id = co.subgroup_id and sm.pupil_id = e.pupil_id))
                     and (e.pupil_id = ?::int or exists(select 1 from guardianship g
                           where g.pupil_id = e.pupil_id and g.guardian_id = ?::int))))
      order by l.id`,
    [schoolId, lessonIds, readsAll, personId, personId, personId, personId, personId],
  );
  return rows.map((r) => r.id);
}

/**
 * The class teacher's table (R-4.4.1): the remote lessons of a class from `from` to `to` (every
 * subject), their tasks with how many of their pupils checked each, and the pupils enrolled in
 * the span with the tasks set for each (their subgroups') and those they checked. Null when the
 * class is not the school's. One statement.
 */
export async function readClassTable(
  em: EntityManager,
  schoolId: number,
  classGroupId: number,
  from: string,
  to: string,
): Promise<RemoteClassTable | null> {
  const [row] = await prepared<RemoteClassTable>(
    em,
    `with c as (select id, grade || letter as name from class_group where school_id = ? and id = ?),
          span as (select ?::date as "from", ?::date as "to"),
          ls as (select l.id, l.course_id, l.date, l.number, s.name as subject, co.class_group_id, co.subgroup_id
                   from lesson l join course co on co.id = l.course_id join subject s on s.id = co.subject_id
                   ${ON_CANCELLED_DAY}, span
                  where l.school_id = ? and co.class_group_id = (select id from c)
                    and l.date between span."from" and span."to" and not l.cancelled),
          ts as (select t.id, t.lesson_id, t.text, t.due_on from remote_task t join ls on ls.id = t.lesson_id),
          pupils as (select p.id, p.last_name, p.first_name from person p
                      where exists(select 1 from enrollment e, span where e.pupil_id = p.id
                                     and e.class_group_id = (select id from c)
                                     and e.starts_on <= span."to" and (e.ends_on is null or e.ends_on >= span."from"))),
          pt as (select pu.id as pupil_id, ts.id as task_id,
                        exists(select 1 from remote_task_check k where k.task_id = ts.id and k.pupil_id = pu.id) as done
                   from pupils pu join ts on true join ls on ls.id = ts.lesson_id
                  where exists(select 1 from enrollment e where e.pupil_id = pu.id and e.class_group_id = ls.class_group_id
                                 and e.starts_on <= ls.date and (e.ends_on is null or e.ends_on >= ls.date))
                    and (ls.subgroup_id is null or exists(select 1 from subgroup_member sm
                                                          where sm.subgroup_id = ls.subgroup_id and sm.pupil_id = pu.id)))
     select c.id::text as "classGroupId", c.name as "className", span."from"::text as "from", span."to"::text as "to",
            (select coalesce(json_agg(json_build_object('lessonId', ls.id::text, 'courseId', ls.course_id::text, 'date', ls.date::text,
                      'number', ls.number, 'subjectName', ls.subject,
                      'tasks', (select coalesce(json_agg(json_build_object('id', ts.id::text, 'text', ts.text,
                                  'dueOn', ts.due_on::text,
                                  'doneCount', (select count(*) filter (where pt.done) from pt where pt.task_id = ts.id),
                                  'pupilCount', (select count(*) from pt where pt.task_id = ts.id))
                                  order by ts.id), '[]'::json)
                                  from ts where ts.lesson_id = ls.id))
                      order by ls.date, ls.number, ls.id), '[]'::json) from ls) as lessons,
            (select coalesce(json_agg(json_build_object('pupilId', pu.id::text,
                      'pupilName', concat_ws(' ', pu.last_name, pu.first_name),
                      'taskIds', (select coalesce(json_agg(pt.task_id::text order by pt.task_id), '[]'::json)
                                    from pt where pt.pupil_id = pu.id),
                      'doneTaskIds', (select coalesce(json_agg(pt.task_id::text order by pt.task_id), '[]'::json)
                                        from pt where pt.pupil_id = pu.id and pt.done))
                      order by pu.last_name, pu.first_name, pu.id), '[]'::json) from pupils pu) as pupils
       from c, span`,
    [schoolId, classGroupId, from, to, schoolId],
  );
  return row ?? null;
}

/**
 * What a pupil still owes: the tasks of the pupil's remote lessons (on a day still
 * cancelled, in the pupil's class and subgroup on the lesson's date) not checked as done, the
 * overdue first, then by due date. One statement.
 */
export async function readOwed(
  em: EntityManager,
  schoolId: number,
  pupilId: number,
  today: string,
  limit: number,
): Promise<OwedTask[]> {
  return prepared<OwedTask>(
    em,
    `select t.id::text as "taskId", t.text, t.due_on::text as "dueOn", t.due_on < ?::date as overdue,
            l.id::text as "lessonId", l.date::text as date, s.name as "subjectName"
       from enrollment e join course co on co.class_group_id = e.class_group_id
       join lesson l on l.course_id = co.id join subject s on s.id = co.subject_id
       ${ON_CANCELLED_DAY}
       join remote_task t on t.lesson_id = l.id
      where e.school_id = ? and e.pupil_id = ? and not l.cancelled and ${STUDIES_LESSON('e.pupil_id')}
        and not exists(select 1 from remote_task_check k where k.task_id = t.id and k.pupil_id = e.pupil_id)
      order by t.due_on < ?::date desc, t.due_on, l.date, l.number, t.id
      limit ?`,
    [today, schoolId, pupilId, today, limit],
  );
}
