import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { badInput, conflict, DomainError } from '../../errors.js';
import { publish } from '../../events/outbox.js';
import { intInRange, parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { claimUploads } from '../messaging/attachments.js';
import { AnnouncementAudience } from './announcement.entity.js';
import { AUDIENCE, page, readers, targets, type Target } from './announcement.queries.js';
import type {
  AnnouncementInfo,
  AnnouncementPage,
  AnnouncementReader,
  AnnouncementReplyResult,
  AnnouncementTarget,
  PostAnnouncementInput,
} from './announcement.types.js';

export const TITLE_MAX = 200;
export const BODY_MAX = 4000;
/** How long the author waits between two reminders of the same announcement. */
export const REMIND_INTERVAL_MINUTES = 60;

/** Live event types, each addressed to people by id (`personIds`), never carrying the text. */
export const AnnouncementEvent = {
  POSTED: 'ANNOUNCEMENT_POSTED',
  REMINDER: 'ANNOUNCEMENT_REMINDER',
  /** To the author: someone acknowledged. */
  ACKNOWLEDGED: 'ANNOUNCEMENT_ACKNOWLEDGED',
} as const;

/**
 * A reply to an announcement goes to its author alone, as a direct conversation: the messaging
 * area does it, handed in at start-up (services.ts), since areas do not import each other.
 */
export type DirectReply = (
  scope: Scope,
  today: string,
  toPersonId: number,
  text: string,
) => Promise<{ id: string }>;

const notFound = (field = 'id') =>
  new DomainError('NOT_FOUND', 'No such announcement for you', { field, reason: 'NOT_FOUND' });

/**
 * Announcements: staff post to an audience the policy lets them reach; the audience is
 * resolved to people when posted and recorded with each one's read and acknowledgement state.
 */
export class AnnouncementService {
  constructor(private readonly reply: DirectReply) {}

  async targets({ em, viewer }: Scope, today: string): Promise<AnnouncementTarget[]> {
    policy.require(viewer, Permission.AnnouncementPost);
    return targets(em, viewer, today, policy.can(viewer, Permission.AnnouncementPostAll));
  }

  async post(
    { em, viewer }: Scope,
    today: string,
    input: PostAnnouncementInput,
  ): Promise<AnnouncementInfo> {
    policy.require(viewer, Permission.AnnouncementPost);
    const title = requiredText('title', input.title, TITLE_MAX);
    const body = requiredText('body', input.body, BODY_MAX);
    const target = await allowedTarget(em, viewer, today, input);
    const files = fileIds(input.attachmentIds);
    const id = await em.transactional(async (tem) => {
      const [a] = await tem.execute<{ id: number }[]>(
        `insert into announcement (school_id, author_id, audience, class_group_id, grade, title,
           body, replies_allowed, ack_required) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        [
          viewer.schoolId,
          viewer.personId,
          target.audience,
          target.classGroupId,
          target.grade,
          title,
          body,
          input.repliesAllowed,
          input.ackRequired,
        ],
      );
      const people = await tem.execute<{ person_id: number }[]>(
        `insert into announcement_recipient (school_id, announcement_id, person_id)
         select ?, ?, person_id from (${AUDIENCE}) x returning person_id`,
        [viewer.schoolId, a.id, ...audienceParams(viewer, today, target)],
      );
      if (people.length === 0) {
        throw badInput('audience', 'EMPTY_AUDIENCE', 'Nobody is in this audience today');
      }
      await attachFiles(tem, viewer, a.id, files);
      await publish(tem, viewer.schoolId, [
        {
          type: AnnouncementEvent.POSTED,
          personIds: [viewer.personId, ...people.map((p) => p.person_id)],
          payload: {
            announcementId: String(a.id),
            authorId: String(viewer.personId),
            ackRequired: input.ackRequired,
          },
        },
      ]);
      return a.id;
    });
    return (await page(em, viewer, { after: null, first: 1, only: id })).items[0];
  }

  async list(
    { em, viewer }: Scope,
    first: number,
    after: string | null,
  ): Promise<AnnouncementPage> {
    if (!viewer) throw new DomainError('UNAUTHENTICATED', 'Sign in first');
    return page(em, viewer, {
      first: intInRange('first', first, 1, 100),
      after: after == null ? null : parseId('after', after),
    });
  }

  async one({ em, viewer }: Scope, id: string): Promise<AnnouncementInfo> {
    if (!viewer) throw new DomainError('UNAUTHENTICATED', 'Sign in first');
    const found = (await page(em, viewer, { after: null, first: 1, only: parseId('id', id) }))
      .items[0];
    if (!found) throw notFound();
    return found;
  }

  /** Who has read and acknowledged, and who has not: the author's view, one statement. */
  readers({ em, viewer }: Scope, info: AnnouncementInfo): Promise<AnnouncementReader[] | null> {
    if (!viewer || !info.mine) return Promise.resolve(null);
    return readers(em, viewer, Number(info.id));
  }

  async markRead({ em, viewer }: Scope, id: string): Promise<AnnouncementInfo> {
    if (!viewer) throw new DomainError('UNAUTHENTICATED', 'Sign in first');
    const aid = parseId('id', id);
    const rows = await em.execute(
      `update announcement_recipient set read_at = coalesce(read_at, now())
        where announcement_id = ? and person_id = ? and school_id = ? returning id`,
      [aid, viewer.personId, viewer.schoolId],
    );
    if (rows.length === 0) throw notFound();
    return this.one({ em, viewer }, id);
  }

  /** Acknowledges one addressed to the viewer that asks for it; others are NOT_FOUND. */
  async acknowledge({ em, viewer }: Scope, id: string): Promise<AnnouncementInfo> {
    if (!viewer) throw new DomainError('UNAUTHENTICATED', 'Sign in first');
    const aid = parseId('id', id);
    await em.transactional(async (tem) => {
      const [row] = await tem.execute<{ ack: boolean; author: number; first: boolean }[]>(
        `update announcement_recipient r
            set acknowledged_at = coalesce(r.acknowledged_at, now()),
                read_at = coalesce(r.read_at, now())
           from announcement a
          where a.id = r.announcement_id and r.announcement_id = ? and r.person_id = ?
            and r.school_id = ?
         returning a.ack_required as ack, a.author_id as author,
                   (select x.acknowledged_at is null from announcement_recipient x
                     where x.id = r.id) as first`,
        [aid, viewer.personId, viewer.schoolId],
      );
      if (!row) throw notFound();
      if (!row.ack) {
        throw badInput('id', 'ACK_NOT_REQUESTED', 'This announcement asks for no acknowledgement');
      }
      if (row.first) {
        await publish(tem, viewer.schoolId, [
          {
            type: AnnouncementEvent.ACKNOWLEDGED,
            personIds: [row.author],
            payload: { announcementId: String(aid), personId: String(viewer.personId) },
          },
        ]);
      }
    });
    return this.one({ em, viewer }, id);
  }

  /** Reminds those who have not acknowledged (or read), at most once an hour. */
  async remind({ em, viewer }: Scope, id: string): Promise<AnnouncementInfo> {
    policy.require(viewer, Permission.AnnouncementPost);
    const aid = parseId('id', id);
    await em.transactional(async (tem) => {
      const [a] = await tem.execute<{ due: boolean; people: number[] }[]>(
        `select a.reminded_at is null or a.reminded_at < now() - make_interval(mins => ?) as due,
                array(select r.person_id from announcement_recipient r where r.announcement_id = a.id
                       and (case when a.ack_required then r.acknowledged_at else r.read_at end) is null
                     order by r.person_id) as people
           from announcement a where a.id = ? and a.author_id = ? and a.school_id = ? for update`,
        [REMIND_INTERVAL_MINUTES, aid, viewer.personId, viewer.schoolId],
      );
      if (!a) throw notFound();
      if (!a.due) {
        throw new DomainError('RATE_LIMITED', 'A reminder was sent less than an hour ago', {
          field: 'id',
          reason: 'REMINDED_RECENTLY',
        });
      }
      if (a.people.length === 0) throw conflict('id', 'NOBODY_TO_REMIND', 'Everyone has answered');
      await tem.execute(`update announcement set reminded_at = now() where id = ?`, [aid]);
      await publish(tem, viewer.schoolId, [
        {
          type: AnnouncementEvent.REMINDER,
          personIds: a.people,
          payload: { announcementId: String(aid) },
        },
      ]);
    });
    return this.one({ em, viewer }, id);
  }

  /** A reply goes to the author alone, in their direct conversation, when replies are on. */
  async replyTo(
    scope: Scope,
    today: string,
    id: string,
    text: string,
  ): Promise<AnnouncementReplyResult> {
    const { em, viewer } = scope;
    if (!viewer) throw new DomainError('UNAUTHENTICATED', 'Sign in first');
    const aid = parseId('id', id);
    const [a] = await em.execute<{ author: number; replies: boolean }[]>(
      `select a.author_id as author, a.replies_allowed as replies from announcement a
         join announcement_recipient r on r.announcement_id = a.id and r.person_id = ?
        where a.id = ? and a.school_id = ?`,
      [viewer.personId, aid, viewer.schoolId],
    );
    if (!a) throw notFound();
    if (!a.replies) throw conflict('id', 'REPLIES_OFF', 'This announcement takes no replies');
    const conversation = await this.reply(scope, today, a.author, text);
    return { conversationId: conversation.id };
  }
}

/** The audience asked for, if the viewer may reach it (else FORBIDDEN naming the field). */
async function allowedTarget(
  em: EntityManager,
  viewer: Viewer,
  today: string,
  input: PostAnnouncementInput,
): Promise<Target> {
  const classGroupId =
    input.classGroupId == null ? null : parseId('classGroupId', input.classGroupId);
  const grade = input.grade == null ? null : intInRange('grade', input.grade, 1, 11);
  const byClass = [AnnouncementAudience.CLASS_PARENTS, AnnouncementAudience.CLASS_PUPILS];
  if (byClass.includes(input.audience) && classGroupId === null) {
    throw badInput('classGroupId', 'REQUIRED', 'Name the class');
  }
  if (input.audience === AnnouncementAudience.GRADE_PARENTS && grade === null) {
    throw badInput('grade', 'REQUIRED', 'Name the grade');
  }
  const wanted: Target = {
    audience: input.audience,
    classGroupId: byClass.includes(input.audience) ? classGroupId : null,
    grade: input.audience === AnnouncementAudience.GRADE_PARENTS ? grade : null,
  };
  const all = policy.can(viewer, Permission.AnnouncementPostAll);
  const allowed = await targets(em, viewer, today, all);
  const ok = allowed.some(
    (t) =>
      t.audience === wanted.audience &&
      (t.classGroupId === null ? null : Number(t.classGroupId)) === wanted.classGroupId &&
      t.grade === (wanted.audience === AnnouncementAudience.GRADE_PARENTS ? wanted.grade : t.grade),
  );
  if (!ok) {
    throw new DomainError('FORBIDDEN', 'You may not post to this audience', {
      field: 'audience',
      reason: 'AUDIENCE_NOT_ALLOWED',
    });
  }
  return wanted;
}

function audienceParams(viewer: Viewer, today: string, t: Target): unknown[] {
  return [viewer.schoolId, today, t.audience, t.classGroupId, t.grade, viewer.personId];
}

/** An announcement carries at most this many files. */
const MAX_FILES = 10;

function fileIds(ids: string[]): number[] {
  const parsed = [...new Set(ids.map((id, i) => parseId(`attachmentIds.${i}`, id)))];
  if (parsed.length > MAX_FILES) {
    throw badInput('attachmentIds', 'TOO_MANY', `At most ${MAX_FILES} files`);
  }
  return parsed;
}

/** The author's uploads claimed all or none (messaging's store) and linked in their order. */
async function attachFiles(em: EntityManager, viewer: Viewer, id: number, files: number[]) {
  if (files.length === 0) return;
  await claimUploads(em, viewer, files, 'attachmentIds');
  await em.execute(
    `insert into announcement_attachment (attachment_id, announcement_id, position)
     select x.id, ?, x.n - 1 from unnest(?::int[]) with ordinality x(id, n)`,
    [id, `{${files.join(',')}}`],
  );
}
