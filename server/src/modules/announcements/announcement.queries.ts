import type { EntityManager } from '@mikro-orm/postgresql';
import { STAFF_ROLES } from '../../auth/role.js';
import type { Viewer } from '../../auth/viewer.js';
import type { AnnouncementAudience } from './announcement.entity.js';
import type {
  AnnouncementInfo,
  AnnouncementReader,
  AnnouncementTarget,
} from './announcement.types.js';

/** The audiences a viewer may post to, with the class or grade they name. */
export interface Target {
  audience: AnnouncementAudience;
  classGroupId: number | null;
  grade: number | null;
}

/**
 * The classes of the current year (the year containing `today`) a viewer may address: any class
 * for the administration (`all`), else the classes the viewer leads or teaches a course in.
 */
const CLASSES = `
  select cg.id, cg.grade, cg.grade || cg.letter as name from class_group cg
    join academic_year y on y.id = cg.academic_year_id
   where cg.school_id = ? and y.starts_on <= ?::date and y.ends_on >= ?::date
     and (?::boolean or cg.class_teacher_id = ? or exists (
       select 1 from course co where co.class_group_id = cg.id and co.teacher_id = ?))
   order by cg.grade, cg.letter`;

export async function targets(
  em: EntityManager,
  viewer: Viewer,
  today: string,
  all: boolean,
): Promise<AnnouncementTarget[]> {
  const rows = await em.execute<{ id: number; grade: number; name: string }[]>(CLASSES, [
    viewer.schoolId,
    today,
    today,
    all,
    viewer.personId,
    viewer.personId,
  ]);
  const out: AnnouncementTarget[] = [];
  const t = (audience: string, c: { id?: number; grade?: number; name?: string } = {}) =>
    out.push({
      audience: audience as AnnouncementAudience,
      classGroupId: c.id == null ? null : String(c.id),
      grade: c.grade ?? null,
      className: c.name ?? null,
    });
  if (all) {
    t('ALL_PARENTS');
    t('ALL_STAFF');
    for (const grade of [...new Set(rows.map((r) => r.grade))]) t('GRADE_PARENTS', { grade });
  }
  for (const r of rows) {
    t('CLASS_PARENTS', r);
    t('CLASS_PUPILS', r);
  }
  return out;
}

/**
 * The people an audience names today, as one `select` for an `insert … select`: pupils enrolled
 * today, their guardians, or the school's staff; never the author. Parameters: school, today,
 * audience, class, grade, author.
 */
export const AUDIENCE = `
with v as (select ?::int as school, ?::date as today, ?::text as aud, ?::int as cls,
                  ?::int as grade, ?::int as me),
pupils as (
  select en.pupil_id, en.class_group_id, cg.grade from enrollment en
    join class_group cg on cg.id = en.class_group_id, v
   where en.school_id = v.school and en.starts_on <= v.today
     and (en.ends_on is null or en.ends_on >= v.today)),
people as (
  select p.pupil_id as person_id from pupils p, v
   where v.aud = 'CLASS_PUPILS' and p.class_group_id = v.cls
  union
  select gs.guardian_id from pupils p join guardianship gs on gs.pupil_id = p.pupil_id, v
   where (v.aud = 'CLASS_PARENTS' and p.class_group_id = v.cls)
      or (v.aud = 'GRADE_PARENTS' and p.grade = v.grade)
      or v.aud = 'ALL_PARENTS'
  union
  select g.person_id from role_grant g, v
   where v.aud = 'ALL_STAFF' and g.school_id = v.school
     and g.role::text = any('{${STAFF_ROLES.join(',')}}'::text[]))
select distinct pe.person_id from people pe, v where pe.person_id <> v.me`;

const ITEM = `json_build_object(
  'id', a.id::text, 'authorId', a.author_id::text,
  'authorName', au.last_name || ' ' || au.first_name || coalesce(' ' || au.middle_name, ''),
  'audience', a.audience, 'className', cg.grade || cg.letter, 'grade', a.grade,
  'title', a.title, 'body', a.body, 'repliesAllowed', a.replies_allowed,
  'attachments', (select coalesce(json_agg(json_build_object('id', f.id::text, 'name', f.name,
      'contentType', f.content_type, 'size', f.size) order by aa.position), '[]'::json)
    from announcement_attachment aa join attachment f on f.id = aa.attachment_id
   where aa.announcement_id = a.id),
  'ackRequired', a.ack_required, 'at', a.created_at, 'mine', a.author_id = v.me,
  'readAt', r.read_at, 'acknowledgedAt', r.acknowledged_at, 'remindedAt', a.reminded_at,
  'recipients', s.total,
  'readCount', case when a.author_id = v.me then s.read end,
  'ackCount', case when a.author_id = v.me then s.acked end)`;

/**
 * A page of the announcements addressed to the viewer or written by them, newest first, with the
 * viewer's own read state and, for their own, how many have read and acknowledged: one statement.
 */
const PAGE = `
with v as (select ?::int as school, ?::int as me, ?::int as after, ?::int as lim, ?::int as only),
mine as (
  select a.id from announcement a, v where a.school_id = v.school and a.author_id = v.me
  union
  select r.announcement_id from announcement_recipient r, v
   where r.person_id = v.me and r.school_id = v.school),
page as (
  select m.id from mine m, v
   where (v.after is null or m.id < v.after) and (v.only is null or m.id = v.only)
   order by m.id desc limit (select lim + 1 from v))
select ${ITEM} as item,
       (select count(*) from announcement_recipient u, v where u.person_id = v.me
          and u.school_id = v.school and u.read_at is null)::int as unread
  from page p join announcement a on a.id = p.id
  join person au on au.id = a.author_id
  left join class_group cg on cg.id = a.class_group_id
  cross join v
  left join announcement_recipient r on r.announcement_id = a.id and r.person_id = v.me
  cross join lateral (
    select count(*)::int as total, count(x.read_at)::int as read,
           count(x.acknowledged_at)::int as acked
      from announcement_recipient x where x.announcement_id = a.id) s
 order by a.id desc`;

export async function page(
  em: EntityManager,
  viewer: Viewer,
  o: { after: number | null; first: number; only?: number },
): Promise<{ items: AnnouncementInfo[]; nextCursor: string | null; unread: number }> {
  const rows = await em.execute<{ item: Raw; unread: number }[]>(PAGE, [
    viewer.schoolId,
    viewer.personId,
    o.after,
    o.first,
    o.only ?? null,
  ]);
  const items = rows.slice(0, o.first).map((r) => toInfo(r.item));
  const more = rows.length > o.first;
  return {
    items,
    nextCursor: more ? items[items.length - 1].id : null,
    unread: rows[0]?.unread ?? 0,
  };
}

type Raw = Omit<AnnouncementInfo, 'at' | 'readAt' | 'acknowledgedAt' | 'remindedAt'> & {
  at: string;
  readAt: string | null;
  acknowledgedAt: string | null;
  remindedAt: string | null;
};

const date = (s: string | null) => (s == null ? null : new Date(s));

function toInfo(r: Raw): AnnouncementInfo {
  return {
    ...r,
    at: new Date(r.at),
    readAt: date(r.readAt),
    acknowledgedAt: date(r.acknowledgedAt),
    remindedAt: date(r.remindedAt),
  };
}

/** Who an announcement of the author's was addressed to, with read and acknowledged: one statement. */
export async function readers(
  em: EntityManager,
  viewer: Viewer,
  id: number,
): Promise<AnnouncementReader[] | null> {
  const rows = await em.execute<
    { author: boolean; list: (AnnouncementReader & { readAt: string; acknowledgedAt: string })[] }[]
  >(
    `select a.author_id = ? as author,
            coalesce((select json_agg(json_build_object('personId', r.person_id::text,
                'name', p.last_name || ' ' || p.first_name, 'readAt', r.read_at,
                'acknowledgedAt', r.acknowledged_at)
               order by r.acknowledged_at is not null, r.read_at is not null, p.last_name, p.first_name)
              from announcement_recipient r join person p on p.id = r.person_id
             where r.announcement_id = a.id), '[]') as list
       from announcement a where a.id = ? and a.school_id = ?`,
    [viewer.personId, id, viewer.schoolId],
  );
  if (!rows[0]?.author) return null;
  return rows[0].list.map((r) => ({
    ...r,
    readAt: date(r.readAt),
    acknowledgedAt: date(r.acknowledgedAt),
  }));
}
