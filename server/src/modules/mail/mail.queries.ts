import type { EntityManager } from '@mikro-orm/postgresql';

/** A mail claimed for sending: its delivery row and to whom. */
export interface Claimed {
  id: string;
  personId: number;
  kind: MailKind;
  periodKey: string;
  from: string | null;
  to: string | null;
}

export type MailKind = 'DIGEST_DAILY' | 'DIGEST_WEEKLY' | 'WEEKLY_REPORT';

const CLAIMED = `id::text, person_id as "personId", kind, period_key as "periodKey",
  covers_from::text as "from", covers_to::text as "to"`;

/**
 * Claims this period's digest for everyone of the school who chose it and has an address: one
 * row per person, kind and period (unique), so a mail is claimed once whatever the number of
 * processes or ticks. A digest covers from where the last one of its kind ended.
 */
export function claimDigests(
  em: EntityManager,
  schoolId: number,
  kind: 'DIGEST_DAILY' | 'DIGEST_WEEKLY',
  periodKey: string,
  until: Date,
  spanDays: number,
): Promise<Claimed[]> {
  return em.execute<Claimed[]>(
    `insert into mail_delivery (school_id, person_id, kind, period_key, covers_from, covers_to)
     select ms.school_id, ms.person_id, ?, ?,
            coalesce((select max(d.covers_to) from mail_delivery d
                       where d.person_id = ms.person_id and d.kind = ?),
                     ?::timestamptz - make_interval(days => ?)),
            ?::timestamptz
       from mail_setting ms join person p on p.id = ms.person_id
      where ms.school_id = ? and ms.digest = ? and p.email is not null
     on conflict do nothing
     returning ${CLAIMED}`,
    [
      kind,
      periodKey,
      kind,
      until,
      spanDays,
      until,
      schoolId,
      kind === 'DIGEST_DAILY' ? 'DAILY' : 'WEEKLY',
    ],
  );
}

/**
 * Claims each weekly report sent in the last week to a guardian who chose it by e-mail (since
 * choosing it), once per guardian and report.
 */
export function claimReports(em: EntityManager, schoolId: number): Promise<Claimed[]> {
  return em.execute<Claimed[]>(
    `insert into mail_delivery (school_id, person_id, kind, period_key)
     select ms.school_id, ms.person_id, 'WEEKLY_REPORT', wr.id::text
       from mail_setting ms join person p on p.id = ms.person_id
       join guardianship g on g.guardian_id = ms.person_id
       join weekly_report wr on wr.pupil_id = g.pupil_id
       join weekly_report_batch b on b.id = wr.batch_id
      where ms.school_id = ? and ms.weekly_report and p.email is not null
        and b.sent_at >= ms.report_since and b.sent_at > now() - interval '7 days'
     on conflict do nothing
     returning ${CLAIMED}`,
    [schoolId],
  );
}

/** Failed mails of the school tried again, up to three attempts in all. */
export function claimRetries(em: EntityManager, schoolId: number): Promise<Claimed[]> {
  return em.execute<Claimed[]>(
    `update mail_delivery set status = 'PENDING'
      where school_id = ? and status = 'FAILED' and attempts < 3
     returning ${CLAIMED}`,
    [schoolId],
  );
}

export async function settle(
  em: EntityManager,
  id: string,
  status: 'SENT' | 'EMPTY' | 'FAILED',
): Promise<void> {
  await em.execute(
    `update mail_delivery set status = ?, attempts = attempts + 1,
            sent_at = case when ? = 'SENT' then now() end
      where id = ?`,
    [status, status, id],
  );
}

export interface DigestContent {
  email: string;
  name: string;
  /** The language the person's mails are in, when they chose one (`mail.texts.ts`). */
  lang: string | null;
  marks: { pupil: string; subject: string; date: string; value: string; workType: string }[];
  absences: { pupil: string; subject: string; date: string; code: string; codeName: string }[];
  announcements: { title: string; author: string; at: string }[];
  messages: { title: string | null; authors: string[]; unread: number }[];
}

const SHORT = (p: string) =>
  `${p}.last_name || ' ' || left(${p}.first_name, 1) || '.' || coalesce(' ' || left(${p}.middle_name, 1) || '.', '')`;

/**
 * A person's digest in one statement: marks and absences of their children (or their own, a
 * pupil) written or changed in the period, announcements addressed to them in it, and messages
 * written to them in it that are still unread (not those held for their working hours).
 */
const DIGEST = `
with v as (select ?::int as me, ?::int as school, ?::timestamptz as since,
                  ?::timestamptz as until, ?::date as today),
pupils as (
  select g.pupil_id as id from guardianship g, v where g.guardian_id = v.me and g.school_id = v.school
  union
  select rg.person_id from role_grant rg, v
   where rg.person_id = v.me and rg.school_id = v.school and rg.role::text = 'STUDENT')
select p.email, p.first_name || coalesce(' ' || p.middle_name, '') as name,
  (select ms.lang from mail_setting ms where ms.person_id = p.id) as lang,
  (select coalesce(json_agg(json_build_object('pupil', pu.first_name, 'subject', s.name,
     'date', l.date::text, 'value', m.value, 'workType', wt.name)
     order by pu.first_name, l.date, l.number, s.name, m.id), '[]')
     from mark m join lesson l on l.id = m.lesson_id join course co on co.id = l.course_id
     join subject s on s.id = co.subject_id join work_type wt on wt.id = m.work_type_id
     join person pu on pu.id = m.pupil_id
    where m.pupil_id in (select id from pupils) and m.school_id = v.school
      and m.removed_at is null and m.updated_at > v.since and m.updated_at <= v.until) as marks,
  (select coalesce(json_agg(json_build_object('pupil', pu.first_name, 'subject', s.name,
     'date', l.date::text, 'code', ac.code, 'codeName', ac.name)
     order by pu.first_name, l.date, l.number), '[]')
     from attendance a join attendance_code ac on ac.id = a.code_id
     join lesson l on l.id = a.lesson_id join course co on co.id = l.course_id
     join subject s on s.id = co.subject_id join person pu on pu.id = a.pupil_id
    where a.pupil_id in (select id from pupils) and a.school_id = v.school
      and a.updated_at > v.since and a.updated_at <= v.until) as absences,
  (select coalesce(json_agg(json_build_object('title', an.title, 'author', ${SHORT('au')},
     'at', an.created_at) order by an.id), '[]')
     from announcement_recipient r join announcement an on an.id = r.announcement_id
     join person au on au.id = an.author_id
    where r.person_id = v.me and an.created_at > v.since and an.created_at <= v.until) as announcements,
  (select coalesce(json_agg(json_build_object('title', x.title, 'authors', x.authors,
     'unread', x.unread) order by x.last desc), '[]')
     from (select c.title, count(*)::int as unread, max(m.id) as last,
                  array_agg(distinct ${SHORT('au')}) as authors
             from conversation_people(v.school, v.today) cp
             join conversation c on c.id = cp.conversation_id
             join message m on m.conversation_id = c.id
             join person au on au.id = m.author_id
             left join conversation_member cm on cm.conversation_id = c.id and cm.person_id = v.me
            where cp.person_id = v.me and m.author_id <> v.me and m.deleted_at is null
              and m.id > coalesce(cm.last_read_message_id, 0)
              and m.created_at > v.since and m.created_at <= v.until
              and not exists (select 1 from message_hold h where h.person_id = v.me
                                and h.message_id = m.id and h.until > v.until)
            group by c.id, c.title) x) as messages
  from person p, v
 where p.id = v.me and p.school_id = v.school`;

export async function digestContent(
  em: EntityManager,
  schoolId: number,
  c: Claimed,
  today: string,
): Promise<DigestContent | null> {
  const [row] = await em.execute<DigestContent[]>(DIGEST, [
    c.personId,
    schoolId,
    c.from,
    c.to,
    today,
  ]);
  return row?.email ? row : null;
}

export interface ReportContent {
  email: string;
  name: string;
  lang: string | null;
  pupil: string;
  className: string;
  weekStart: string;
  sender: string;
  personalLine: string | null;
  content: {
    subjects: { subject: string; marks: { date: string; value: string; workType: string }[] }[];
    absences: { date: string; subject: string; lessonNumber: number; code: string }[];
    notes: { date: string; kind: string; text: string; subject: string | null }[];
    homework: { date: string; subject: string; text: string }[];
  };
}

/** One weekly report as it was sent, for the guardian claimed. */
export async function reportContent(
  em: EntityManager,
  schoolId: number,
  c: Claimed,
): Promise<ReportContent | null> {
  const [row] = await em.execute<ReportContent[]>(
    `select p.email, p.first_name || coalesce(' ' || p.middle_name, '') as name,
            (select ms.lang from mail_setting ms where ms.person_id = p.id) as lang,
            pu.first_name || ' ' || pu.last_name as pupil, cg.grade || cg.letter as "className",
            b.week_start::text as "weekStart", ${SHORT('se')} as sender,
            wr.personal_line as "personalLine", wr.content
       from weekly_report wr join weekly_report_batch b on b.id = wr.batch_id
       join class_group cg on cg.id = b.class_group_id join person pu on pu.id = wr.pupil_id
       join person se on se.id = b.sent_by_id, person p
      where wr.id = ? and wr.school_id = ? and p.id = ?`,
    [Number(c.periodKey), schoolId, c.personId],
  );
  return row?.email ? row : null;
}
