import type { EntityManager } from '@mikro-orm/postgresql';
import type {
  ClassWeeklyReports,
  WeeklyReportContent,
  WeeklyReportInfo,
} from './weekly-report.types.js';

/**
 * A class's week, one statement: each pupil enrolled in the class during the week, with the
 * journal's week (marks by subject, absences with their codes, behaviour notes, homework of the
 * courses the pupil attends) as a draft, and the sent report and its acknowledgement if the week
 * was sent. Parameters: class, week start (any day: the ISO week's Monday is taken), school.
 */
export const CLASS_WEEK = `
with v as (select cg.id as cls, cg.grade || cg.letter as class_name,
                  date_trunc('week', ?::date)::date as ws, cg.school_id as school
             from class_group cg where cg.id = ? and cg.school_id = ?),
w as (select v.*, v.ws + 6 as we from v),
pupils as (
  select distinct p.id, p.last_name, p.first_name from enrollment en
    join person p on p.id = en.pupil_id, w
   where en.class_group_id = w.cls and en.starts_on <= w.we
     and (en.ends_on is null or en.ends_on >= w.ws)),
batch as (select b.* from weekly_report_batch b, w where b.class_group_id = w.cls and b.week_start = w.ws),
draft as (
  select pu.id as pupil_id, json_build_object(
    'subjects', coalesce((select json_agg(json_build_object('subject', x.subject, 'marks', x.marks)
                                          order by x.subject)
      from (select s.name as subject, json_agg(json_build_object('date', l.date, 'value', m.value,
                     'workType', wt.name) order by l.date, l.number, m.id) as marks
              from mark m join lesson l on l.id = m.lesson_id join course co on co.id = l.course_id
              join subject s on s.id = co.subject_id join work_type wt on wt.id = m.work_type_id
             where m.pupil_id = pu.id and m.removed_at is null and l.date between w.ws and w.we
             group by s.name) x), '[]'),
    'absences', coalesce((select json_agg(json_build_object('date', l.date, 'subject', s.name,
                     'lessonNumber', l.number, 'code', ac.code, 'codeName', ac.name)
                   order by l.date, l.number)
      from attendance a join attendance_code ac on ac.id = a.code_id
      join lesson l on l.id = a.lesson_id join course co on co.id = l.course_id
      join subject s on s.id = co.subject_id
     where a.pupil_id = pu.id and l.date between w.ws and w.we), '[]'),
    'notes', coalesce((select json_agg(json_build_object('date', n.date, 'kind', n.kind,
                     'text', n.text, 'subject', s.name, 'author', au.last_name || ' ' || au.first_name
                     || coalesce(' ' || au.middle_name, '')) order by n.date, n.id)
      from behaviour_note n join person au on au.id = n.author_id
      left join lesson l on l.id = n.lesson_id left join course co on co.id = l.course_id
      left join subject s on s.id = co.subject_id
     where n.pupil_id = pu.id and n.date between w.ws and w.we), '[]'),
    'homework', coalesce((select json_agg(json_build_object('date', l.date, 'subject', s.name,
                     'text', l.homework) order by l.date, l.number)
      from lesson l join course co on co.id = l.course_id join subject s on s.id = co.subject_id
     where co.class_group_id = w.cls and l.date between w.ws and w.we and not l.cancelled
       and l.homework is not null and l.homework <> ''
       and (co.subgroup_id is null or exists (select 1 from subgroup_member sm
             where sm.subgroup_id = co.subgroup_id and sm.pupil_id = pu.id))), '[]')) as content
    from pupils pu, w)
select json_build_object(
  'classGroupId', w.cls::text, 'className', w.class_name, 'weekStart', w.ws, 'weekEnd', w.we,
  'sentAt', (select sent_at from batch),
  'acknowledged', (select count(*) from weekly_report r join batch b on b.id = r.batch_id
                    where r.acknowledged_at is not null),
  'reports', coalesce((select json_agg(json_build_object(
      'pupilId', pu.id::text, 'pupilName', pu.last_name || ' ' || pu.first_name,
      'className', w.class_name, 'weekStart', w.ws, 'weekEnd', w.we,
      'content', coalesce(r.content::json, d.content), 'personalLine', r.personal_line,
      'sentAt', b.sent_at, 'senderName', se.last_name || ' ' || se.first_name
                                         || coalesce(' ' || se.middle_name, ''),
      'acknowledgedAt', r.acknowledged_at) order by pu.last_name, pu.first_name, pu.id)
    from pupils pu join draft d on d.pupil_id = pu.id
    left join batch b on true
    left join weekly_report r on r.batch_id = b.id and r.pupil_id = pu.id
    left join person se on se.id = b.sent_by_id
   where b.id is null or r.id is not null), '[]')) as week
  from w`;

type RawReport = Omit<WeeklyReportInfo, 'sentAt' | 'acknowledgedAt'> & {
  sentAt: string | null;
  acknowledgedAt: string | null;
};

const date = (s: string | null) => (s == null ? null : new Date(s));

export function toReport(r: RawReport): WeeklyReportInfo {
  return { ...r, sentAt: date(r.sentAt), acknowledgedAt: date(r.acknowledgedAt) };
}

/** The class's week as drafts (or as sent), or null when the class is not the school's. */
export async function classWeek(
  em: EntityManager,
  schoolId: number,
  classGroupId: number,
  week: string,
): Promise<ClassWeeklyReports | null> {
  const [row] = await em.execute<
    {
      week: Omit<ClassWeeklyReports, 'sentAt' | 'reports'> & {
        sentAt: string | null;
        reports: RawReport[];
      };
    }[]
  >(CLASS_WEEK, [week, classGroupId, schoolId]);
  if (!row) return null;
  return { ...row.week, sentAt: date(row.week.sentAt), reports: row.week.reports.map(toReport) };
}

/** A pupil's sent reports, newest week first: one statement. */
export async function pupilReports(
  em: EntityManager,
  schoolId: number,
  pupilId: number,
  first: number,
): Promise<WeeklyReportInfo[]> {
  const rows = await em.execute<{ r: RawReport }[]>(
    `select json_build_object('pupilId', r.pupil_id::text,
              'pupilName', p.last_name || ' ' || p.first_name, 'className', cg.grade || cg.letter,
              'weekStart', b.week_start, 'weekEnd', b.week_start + 6, 'content', r.content,
              'personalLine', r.personal_line, 'sentAt', b.sent_at,
              'senderName', se.last_name || ' ' || se.first_name || coalesce(' ' || se.middle_name, ''),
              'acknowledgedAt', r.acknowledged_at) as r
       from weekly_report r join weekly_report_batch b on b.id = r.batch_id
       join person p on p.id = r.pupil_id join class_group cg on cg.id = b.class_group_id
       join person se on se.id = b.sent_by_id
      where r.pupil_id = ? and r.school_id = ?
      order by b.week_start desc, b.id desc limit ?`,
    [pupilId, schoolId, first],
  );
  return rows.map((x) => toReport(x.r));
}

export type { WeeklyReportContent };
