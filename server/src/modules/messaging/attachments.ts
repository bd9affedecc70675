import type { EntityManager } from '@mikro-orm/postgresql';
import { fileTypeFromBuffer } from 'file-type';
import type { Viewer } from '../../auth/viewer.js';
import { Permission, rolesWith } from '../../auth/policy.js';
import { badInput, DomainError } from '../../errors.js';

/**
 * Uploaded files kept in PostgreSQL (bytea, docs/decisions/0041-attachments-in-postgres.md).
 * An upload belongs to its uploader until something claims it (`claimUploads`, inside the
 * claiming write's transaction); after that, who may read it is decided by the link of its
 * owner kind (`ATTACHMENT_LINKS`: a message's attachments to the conversation's members).
 * Another area (announcements, cancelled days) adds its own link table and an entry there, and
 * claims with `claimUploads` in its own write.
 * File names and contents never go into a log line or an error.
 */

/** The largest file accepted; reading stops at it. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_NAME_MAX = 255;
/** Uploads not attached to anything are removed after this long. */
export const ORPHAN_HOURS = 24;
/** Unattached uploads one person may hold at once. */
export const PENDING_MAX = 20;
/** Uploads one person may make in ten minutes. */
export const UPLOADS_PER_10_MINUTES = 60;

const OOXML: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};
/** OLE compound files say nothing of what they hold: the name's extension picks among these. */
const OLE: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};
const ALLOWED = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'application/pdf',
  ...Object.values(OOXML),
]);

/**
 * The stored content type of a file, from its first bytes (file-type reads the zip's
 * `[Content_Types].xml` for office documents), or nothing when it is not allowed: an executable
 * named `report.pdf` is refused.
 */
export async function sniffType(data: Buffer, name: string): Promise<string | null> {
  const found = await fileTypeFromBuffer(data);
  if (!found) return null;
  if (found.mime === 'application/x-cfb') {
    const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
    return OLE[ext] ?? null;
  }
  return ALLOWED.has(found.mime) ? found.mime : null;
}

export interface StoredUpload {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** A clean file name: no path, no control characters, at most ATTACHMENT_NAME_MAX characters. */
export function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return [...(clean || 'file')].slice(-ATTACHMENT_NAME_MAX).join('');
}

/** Refuses an upload when the person has made too many lately or holds too many unattached. */
export async function checkUploadLimits(em: EntityManager, me: Viewer): Promise<void> {
  const [row] = await em.execute<{ recent: number; pending: number; wait: number }[]>(
    `select count(*) filter (where created_at > now() - interval '10 minutes')::int as recent,
            count(*) filter (where attached_at is null)::int as pending,
            coalesce(ceil(extract(epoch from min(created_at) filter (
              where created_at > now() - interval '10 minutes') + interval '10 minutes' - now())), 1)::int as wait
       from attachment where owner_id = ? and created_at > now() - make_interval(hours => ?)`,
    [me.personId, ORPHAN_HOURS],
  );
  if (row.recent >= UPLOADS_PER_10_MINUTES) {
    throw new DomainError('RATE_LIMITED', 'Too many uploads; wait a little', {
      retryAfterSeconds: Math.max(1, row.wait),
    });
  }
  if (row.pending >= PENDING_MAX) {
    throw badInput('file', 'TOO_MANY', `At most ${PENDING_MAX} files waiting to be sent`);
  }
}

/**
 * Keeps a checked upload as the viewer's, not yet attached to anything, and removes the
 * school's uploads left unattached for ORPHAN_HOURS.
 */
export async function storeUpload(
  em: EntityManager,
  me: Pick<Viewer, 'personId' | 'schoolId'>,
  file: { name: string; contentType: string; data: Buffer },
): Promise<StoredUpload> {
  await em.execute(
    `delete from attachment where school_id = ? and attached_at is null
        and created_at < now() - make_interval(hours => ?)`,
    [me.schoolId, ORPHAN_HOURS],
  );
  const [row] = await em.execute<{ id: number }[]>(
    `insert into attachment (school_id, owner_id, name, content_type, size, data)
     values (?, ?, ?, ?, ?, ?) returning id`,
    [me.schoolId, me.personId, file.name, file.contentType, file.data.length, file.data],
  );
  return {
    id: String(row.id),
    name: file.name,
    contentType: file.contentType,
    size: file.data.length,
  };
}

/**
 * Marks the viewer's own unattached uploads as attached, inside the caller's transaction: the
 * claim and the owner's row commit or roll back together. Any id that is another person's,
 * already attached or unknown refuses them all, naming `field`.
 */
export async function claimUploads(
  em: EntityManager,
  me: Pick<Viewer, 'personId' | 'schoolId'>,
  ids: number[],
  field: string,
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await em.execute<{ id: number }[]>(
    `update attachment set attached_at = now()
      where id = any(?::int[]) and owner_id = ? and school_id = ? and attached_at is null
      returning id`,
    [`{${ids.join(',')}}`, me.personId, me.schoolId],
  );
  if (rows.length !== new Set(ids).size) {
    throw badInput(field, 'ATTACHMENT_NOT_AVAILABLE', 'One of the files cannot be attached');
  }
}

/**
 * Who may read an attached file, per owner kind: an SQL condition over `a` (the attachment) and
 * `v` (`v.me`, `v.school`, `v.today`), true when the viewer may read it.
 */
export const ATTACHMENT_LINKS: Record<string, string> = {
  message: `exists (select 1 from message_attachment ma join message m on m.id = ma.message_id
     join conversation_people(v.school, v.today) cp on cp.conversation_id = m.conversation_id
    where ma.attachment_id = a.id and m.deleted_at is null and cp.person_id = v.me)`,
  // A remote lesson's material (modules/cancelled-days, decision 57): whoever reads the lesson,
  // while its day is cancelled: its teacher or substitute, the class teacher, the administration,
  // and the pupils enrolled on the day (of its subgroup) with their parents.
  remote_material: `exists (select 1 from remote_material_attachment ra join lesson l on l.id = ra.lesson_id
     join course co on co.id = l.course_id
     join cancelled_day d on d.school_id = l.school_id and d.date = l.date and co.class_group_id = any(d.class_ids)
    where ra.attachment_id = a.id and not l.cancelled
      and (co.teacher_id = v.me or l.substitute_id = v.me
        or exists (select 1 from class_group c where c.id = co.class_group_id and c.class_teacher_id = v.me)
        or exists (select 1 from role_grant g where g.person_id = v.me
                    and g.role::text = any('{${rolesWith(Permission.JournalReadAll).join(',')}}'))
        or exists (select 1 from enrollment e where e.class_group_id = co.class_group_id
                    and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date)
                    and (co.subgroup_id is null or exists (select 1 from subgroup_member sm
                          where sm.subgroup_id = co.subgroup_id and sm.pupil_id = e.pupil_id))
                    and (e.pupil_id = v.me or exists (select 1 from guardianship gs
                          where gs.pupil_id = e.pupil_id and gs.guardian_id = v.me)))))`,
  // A family's work on a remote task (modules/cancelled-days, decision 62): the pupil, the
  // pupil's parents, the lesson's teacher or substitute and the administration.
  remote_work: `exists (select 1 from remote_work_attachment rw join remote_task_check k on k.id = rw.check_id
     join remote_task t on t.id = k.task_id join lesson l on l.id = t.lesson_id join course co on co.id = l.course_id
    where rw.attachment_id = a.id
      and (k.pupil_id = v.me or co.teacher_id = v.me or l.substitute_id = v.me
        or exists (select 1 from guardianship gs where gs.pupil_id = k.pupil_id and gs.guardian_id = v.me)
        or exists (select 1 from role_grant g where g.person_id = v.me
                    and g.role::text = any('{${rolesWith(Permission.JournalReadAll).join(',')}}'))))`,
  // An announcement's files (modules/announcements): its author and its recipients.
  announcement: `exists (select 1 from announcement_attachment aa
     join announcement an on an.id = aa.announcement_id
    where aa.attachment_id = a.id and (an.author_id = v.me or exists (
      select 1 from announcement_recipient r where r.announcement_id = an.id and r.person_id = v.me)))`,
};

export interface ReadableFile {
  name: string;
  contentType: string;
  data: Buffer;
}

/**
 * A message's file read by the administration (MessageModerate) outside the conversation: allowed
 * as the conversation itself is, with the members to write in the personal-data access log.
 */
const MODERATED = `v.moderator and exists (select 1 from message_attachment ma
  where ma.attachment_id = a.id)`;

/**
 * The file if the viewer may read it: their own unattached upload, an attached one a link lets
 * them read, or (for a moderator) any message's file of the school. Otherwise nothing, whether it
 * exists or not. `loggedFor` names whose correspondence a moderator's read opened (else empty).
 */
export async function readForViewer(
  em: EntityManager,
  me: Pick<Viewer, 'personId' | 'schoolId'> & { moderator: boolean },
  today: string,
  id: number,
): Promise<(ReadableFile & { loggedFor: number[] }) | undefined> {
  const links = Object.values(ATTACHMENT_LINKS).join(' or ');
  const [row] = await em.execute<(ReadableFile & { loggedFor: number[] })[]>(
    `with v as (select ?::int as me, ?::int as school, ?::date as today, ?::boolean as moderator)
     select a.name, a.content_type as "contentType", a.data,
            case when (a.attached_at is null and a.owner_id = v.me) or ${links} then '{}'::int[]
                 else array(select distinct cp.person_id from message_attachment ma
                              join message m on m.id = ma.message_id
                              join conversation_people(v.school, v.today) cp
                                on cp.conversation_id = m.conversation_id
                             where ma.attachment_id = a.id) end as "loggedFor"
       from attachment a, v
      where a.id = ? and a.school_id = v.school
        and ((a.attached_at is null and a.owner_id = v.me) or ${links} or ${MODERATED})`,
    [me.personId, me.schoolId, today, me.moderator, id],
  );
  return row;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 5987/6266). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
