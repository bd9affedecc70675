import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import type { Role } from '../../auth/role.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Clock } from '../../clock.js';
import { badInput, conflict, DomainError } from '../../errors.js';
import { publish } from '../../events/outbox.js';
import type { LiveEventName } from '../../events/live-event-type.js';
import type { DeliveredDocument, DocumentDelivery } from '../../events/document-delivery.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { cleanName, storeUpload } from './attachments.js';
import { ConversationKind } from './conversation.entity.js';
import { reachable } from './messaging.access.js';
import type { StartConversationInput } from './messaging.inputs.js';
import {
  inbox,
  membership,
  messagesOf,
  reportsOf,
  searchMessages,
  toMessage,
  type At,
  type Membership,
} from './messaging.queries.js';
import type {
  ChannelKind,
  ConversationPage,
  ConversationSummary,
  ConversationThread,
  MessageInfo,
  MessagePage,
  MessageReport,
  MessageRevisionInfo,
  ReadState,
  Recipient,
  WorkingHours,
} from './messaging.types.js';
import {
  checkAttachmentIds,
  checkMembers,
  checkRate,
  checkText,
  checkTitle,
  createConversation,
  holdForQuietHours,
  insertMessage,
  publishTo,
  REPORT_REASON_MAX,
  type Me,
} from './messaging.writes.js';

export {
  GROUP_MAX_MEMBERS,
  MESSAGE_MAX_LENGTH,
  MESSAGES_PER_MINUTE,
  TITLE_MAX_LENGTH,
} from './messaging.writes.js';
/** How long after sending the author may still edit or delete a message. */
export const EDIT_WINDOW_MINUTES = 15;

/** Live event types; each goes to the conversation's members only (`personIds`). */
export const MessagingEvent = {
  /** To the members at once; to a member outside working hours when the hours start. */
  SENT: 'MESSAGE_SENT',
  EDITED: 'MESSAGE_EDITED',
  DELETED: 'MESSAGE_DELETED',
  /** To the reader's own sockets: the read cursor and unread count after marking read. */
  READ: 'CONVERSATION_READ',
  /** To the other person of a one-to-one conversation: how far the reader has read. */
  RECEIPT: 'READ_RECEIPT',
  /** To the members: closed by the administration, or made announcement-only (or not). */
  CHANGED: 'CONVERSATION_CHANGED',
} as const;

/**
 * Conversations and messages. Reads are single statements (messaging.queries.ts);
 * writes are plain SQL in one transaction, with their events published last in it. Message text
 * and file names never go into an event, an error or a log line: events carry ids, and a client
 * reads the text through the conversation.
 */
export class MessagingService implements DocumentDelivery {
  constructor(private readonly clock: Clock) {}

  private at(today: string): At {
    return { today, now: this.clock.now() };
  }

  async conversations(
    { em, viewer }: Scope,
    today: string,
    first: number,
    after: string | null,
  ): Promise<ConversationPage> {
    policy.require(viewer, Permission.MessagingUse);
    return inbox(em, viewer, this.at(today), {
      first: pageSize('first', first, 100),
      after: after == null ? null : parseId('after', after),
    });
  }

  /**
   * One of the viewer's conversations; for the administration any of the school's, the read
   * written to the personal-data access log (152-FZ) when they are not in it.
   */
  async conversation(
    { em, viewer }: Scope,
    today: string,
    id: string,
  ): Promise<ConversationThread> {
    policy.require(viewer, Permission.MessagingUse);
    const cid = parseId('id', id);
    const moderator = policy.can(viewer, Permission.MessageModerate);
    const m = await membership(em, viewer, this.at(today), cid, moderator);
    if (!m) throw notFoundField('id');
    if (!m.isMember) await logModeratorRead(em, viewer, m.memberIds);
    return thread(cid, m);
  }

  /** The messages of a conversation the caller has already been found allowed to read. */
  messages(
    { em }: Scope,
    thread: ConversationThread,
    last: number,
    before: string | null,
  ): Promise<MessagePage> {
    return messagesOf(
      em,
      Number(thread.id),
      pageSize('last', last, 200),
      before == null ? null : parseId('before', before),
    );
  }

  async recipients(
    { em, viewer }: Scope,
    today: string,
    filter: { search?: string | null; role?: Role | null; first: number },
  ): Promise<Recipient[]> {
    policy.require(viewer, Permission.MessagingUse);
    const rows = await reachable(em, viewer, today, {
      search: filter.search ?? undefined,
      role: filter.role ?? undefined,
      limit: pageSize('first', filter.first, 100),
    });
    return rows.map((r) => ({ ...r, id: String(r.id) }));
  }

  /** Messages in the viewer's own conversations matching `query` (Russian full-text search). */
  async search(
    { em, viewer }: Scope,
    today: string,
    query: string,
    first: number,
  ): Promise<MessageInfo[]> {
    policy.require(viewer, Permission.MessagingUse);
    const q = query.trim();
    if (!q) throw badInput('query', 'REQUIRED', 'Type what to look for');
    if ([...q].length > 200) throw badInput('query', 'TOO_LONG', 'At most 200 characters');
    return searchMessages(em, viewer, today, q, pageSize('first', first, 100));
  }

  /**
   * Starts a conversation with people the viewer may reach, with its first message. One person
   * and no title continue the DIRECT conversation the two already have, if any.
   */
  async start(
    { em, viewer }: Scope,
    today: string,
    input: StartConversationInput,
  ): Promise<ConversationSummary> {
    policy.require(viewer, Permission.MessagingUse);
    const memberIds = checkMembers(viewer, input.memberIds);
    const title = checkTitle(input.title);
    const files = checkAttachmentIds(input.attachmentIds);
    const text = checkText(input.text, files.length > 0);
    const allowed = await reachable(em, viewer, today, { only: memberIds });
    if (allowed.length !== memberIds.length) {
      throw new DomainError('FORBIDDEN', 'You may not write to some of these people', {
        field: 'memberIds',
        reason: 'RECIPIENT_NOT_ALLOWED',
      });
    }
    await checkRate(em, viewer);
    const direct = memberIds.length === 1 && title === null;
    const id = await em.transactional(async (tem) => {
      const cid = await createConversation(tem, viewer, memberIds, title, direct);
      await this.deliver(tem, viewer, cid, [viewer.personId, ...memberIds], text, files);
      return cid;
    });
    return (await inbox(em, viewer, this.at(today), { first: 1, after: null, only: id })).items[0];
  }

  async send(
    { em, viewer }: Scope,
    today: string,
    conversationId: string,
    textIn: string,
    attachmentIds: readonly string[] | null = null,
  ): Promise<MessageInfo> {
    policy.require(viewer, Permission.MessagingUse);
    const cid = parseId('conversationId', conversationId);
    const files = checkAttachmentIds(attachmentIds);
    const text = checkText(textIn, files.length > 0);
    const m = await membership(em, viewer, this.at(today), cid);
    if (!m) throw notFoundField('conversationId');
    if (m.closed) {
      throw conflict('conversationId', 'CONVERSATION_CLOSED', 'This conversation is closed');
    }
    if (m.announcementOnly && !policy.isStaff(viewer)) {
      throw new DomainError('FORBIDDEN', 'Only staff write in this channel', {
        field: 'conversationId',
        reason: 'ANNOUNCEMENT_ONLY',
      });
    }
    await checkRate(em, viewer);
    return em.transactional((tem) => this.deliver(tem, viewer, cid, m.memberIds, text, files));
  }

  /**
   * A document another area made for one person (a scheduled report, decision 64), as a message
   * from the sender in their DIRECT conversation (made if they have none), with the file attached,
   * in the caller's transaction; held back outside the recipient's working hours like any other.
   * No rate limit and no reachability check: the caller decided who receives it.
   */
  async deliverDocument(em: EntityManager, doc: DeliveredDocument): Promise<{ messageId: number }> {
    const me: Me = { schoolId: doc.schoolId, personId: doc.senderId };
    const cid = await createConversation(em, me, [doc.recipientId], null, true);
    const file = await storeUpload(em, me, { ...doc.file, name: cleanName(doc.file.name) });
    const text = checkText(doc.text, true);
    const m = await this.deliver(em, me, cid, [me.personId, doc.recipientId], text, [
      Number(file.id),
    ]);
    return { messageId: Number(m.id) };
  }

  /** The message, held back from those outside their hours, and its event to the rest. */
  private async deliver(
    em: EntityManager,
    me: Me,
    cid: number,
    memberIds: number[],
    text: string,
    files: number[],
  ): Promise<MessageInfo> {
    const message = await insertMessage(em, me, cid, text, files);
    const others = memberIds.filter((p) => p !== me.personId);
    const held = await holdForQuietHours(em, Number(message.id), others, this.clock.now());
    await publishTo(
      em,
      me,
      memberIds.filter((p) => !held.has(p)),
      MessagingEvent.SENT,
      { conversationId: String(cid), messageId: message.id, authorId: String(me.personId) },
    );
    return message;
  }

  /**
   * Announces the messages held back from people whose working hours have started: one
   * MESSAGE_SENT each, as if they had just arrived. Each hold is taken once (deleted as read),
   * whichever process gets it.
   */
  async releaseDue(em: EntityManager, now = this.clock.now()): Promise<number> {
    return em.transactional(async (tem) => {
      const rows = await tem.execute<
        {
          schoolId: number;
          personId: number;
          messageId: number;
          conversationId: number;
          authorId: number;
        }[]
      >(
        `with d as (delete from message_hold where until <= ? returning person_id, message_id)
         select m.school_id as "schoolId", d.person_id as "personId", d.message_id as "messageId",
                m.conversation_id as "conversationId", m.author_id as "authorId"
           from d join message m on m.id = d.message_id order by d.message_id`,
        [now],
      );
      const bySchool = new Map<number, typeof rows>();
      for (const r of rows) bySchool.set(r.schoolId, [...(bySchool.get(r.schoolId) ?? []), r]);
      for (const [schoolId, list] of bySchool) {
        await publish(
          tem,
          schoolId,
          list.map((r) => ({
            type: MessagingEvent.SENT,
            personIds: [r.personId],
            payload: {
              conversationId: String(r.conversationId),
              messageId: String(r.messageId),
              authorId: String(r.authorId),
            },
          })),
        );
      }
      return rows.length;
    });
  }

  /** Within the edit window, by the author; the text it replaces is kept as a revision. */
  async edit(
    { em, viewer }: Scope,
    today: string,
    id: string,
    textIn: string,
  ): Promise<MessageInfo> {
    policy.require(viewer, Permission.MessagingUse);
    const mid = parseId('id', id);
    const text = checkText(textIn);
    return this.revise(em, viewer, today, mid, MessagingEvent.EDITED, text);
  }

  /** Within the edit window, by the author: a tombstone stays, the text goes to a revision. */
  async delete({ em, viewer }: Scope, today: string, id: string): Promise<MessageInfo> {
    policy.require(viewer, Permission.MessagingUse);
    return this.revise(em, viewer, today, parseId('id', id), MessagingEvent.DELETED, null);
  }

  private revise(
    em: EntityManager,
    viewer: Viewer,
    today: string,
    mid: number,
    type: LiveEventName,
    text: string | null,
  ): Promise<MessageInfo> {
    return em.transactional(async (tem) => {
      const [row] = await tem.execute<
        {
          conversationId: number;
          deleted: boolean;
          open: boolean;
          closed: boolean;
          members: number[];
        }[]
      >(
        `select m.conversation_id as "conversationId", m.deleted_at is not null as deleted,
                m.created_at > now() - make_interval(mins => ?) as open, c.closed,
                array(select cp.person_id from conversation_people(m.school_id, ?::date) cp
                       where cp.conversation_id = m.conversation_id) as members
           from message m join conversation c on c.id = m.conversation_id
          where m.id = ? and m.school_id = ? and m.author_id = ? for update of m`,
        [EDIT_WINDOW_MINUTES, today, mid, viewer.schoolId, viewer.personId],
      );
      if (!row) throw notFoundField('id');
      if (row.closed) throw conflict('id', 'CONVERSATION_CLOSED', 'This conversation is closed');
      if (row.deleted) throw conflict('id', 'MESSAGE_DELETED', 'This message was deleted');
      if (!row.open) {
        throw conflict(
          'id',
          'EDIT_WINDOW_CLOSED',
          `A message can be changed for ${EDIT_WINDOW_MINUTES} minutes after sending`,
        );
      }
      await tem.execute(
        `with r as (insert into message_revision (school_id, message_id, body)
                    select school_id, id, body from message where id = ?)
         update message m set body = coalesce(?, ''),
                edited_at = case when ?::boolean then now() else m.edited_at end,
                deleted_at = case when ?::boolean then now() end
          where m.id = ?`,
        [mid, text, text !== null, text === null, mid],
      );
      await publishTo(tem, viewer, row.members, type, {
        conversationId: String(row.conversationId),
        messageId: String(mid),
        authorId: String(viewer.personId),
      });
      const page = await messagesOf(tem, row.conversationId, 1, mid + 1);
      return page.messages[0];
    });
  }

  /**
   * Moves the viewer's read cursor to `messageId` (never back): one write (the row is made on a
   * channel's first read). The viewer's own sockets hear the new unread count; in a one-to-one
   * conversation the other person hears a read receipt.
   */
  async markRead(
    { em, viewer }: Scope,
    today: string,
    conversationId: string,
    messageId: string,
  ): Promise<ReadState> {
    policy.require(viewer, Permission.MessagingUse);
    const cid = parseId('conversationId', conversationId);
    const mid = parseId('messageId', messageId);
    const m = await membership(em, viewer, this.at(today), cid);
    if (!m) throw notFoundField('conversationId');
    return em.transactional(async (tem) => {
      const [row] = await tem.execute<{ last: string | null; unread: number }[]>(
        `insert into conversation_member as cm (school_id, conversation_id, person_id, last_read_message_id)
         select ?, m.conversation_id, ?, m.id from message m where m.id = ? and m.conversation_id = ?
         on conflict (person_id, conversation_id) do update
            set last_read_message_id = greatest(coalesce(cm.last_read_message_id, 0), excluded.last_read_message_id)
         returning cm.last_read_message_id::text as last,
           (select count(*) from message u where u.conversation_id = cm.conversation_id
              and u.id > cm.last_read_message_id and u.author_id <> cm.person_id
              and u.deleted_at is null
              and not exists (select 1 from message_hold h where h.person_id = cm.person_id
                                and h.message_id = u.id and h.until > ?))::int as unread`,
        [viewer.schoolId, viewer.personId, mid, cid, this.clock.now()],
      );
      if (!row) throw badInput('messageId', 'NOT_IN_CONVERSATION', 'No such message here');
      const state = {
        conversationId: String(cid),
        lastReadMessageId: row.last,
        unread: row.unread,
      };
      await publish(tem, viewer.schoolId, [
        { type: MessagingEvent.READ, personIds: [viewer.personId], payload: state },
        ...(m.kind === ConversationKind.DIRECT
          ? [
              {
                type: MessagingEvent.RECEIPT,
                personIds: m.memberIds.filter((p) => p !== viewer.personId),
                payload: {
                  conversationId: state.conversationId,
                  personId: String(viewer.personId),
                  lastReadMessageId: row.last,
                },
              },
            ]
          : []),
      ]);
      return state;
    });
  }

  /** What edits and deletions replaced in a message of the school (the administration). */
  async revisions({ em, viewer }: Scope, messageId: string): Promise<MessageRevisionInfo[]> {
    policy.require(viewer, Permission.MessageHistoryRead);
    const mid = parseId('messageId', messageId);
    const rows = await em.execute<{ text: string; at: Date }[]>(
      `select r.body as text, r.at from message_revision r
        where r.message_id = ? and r.school_id = ? order by r.id`,
      [mid, viewer.schoolId],
    );
    return rows.map((r) => ({ text: r.text, at: new Date(r.at) }));
  }

  /** A member reports a message to the administration, once. */
  async report(
    { em, viewer }: Scope,
    today: string,
    messageId: string,
    reasonIn: string,
  ): Promise<MessageReport> {
    policy.require(viewer, Permission.MessagingUse);
    const mid = parseId('messageId', messageId);
    const reason = reasonIn.trim();
    if (!reason) throw badInput('reason', 'REQUIRED', 'Say what is wrong');
    if ([...reason].length > REPORT_REASON_MAX) {
      throw badInput('reason', 'TOO_LONG', `At most ${REPORT_REASON_MAX} characters`);
    }
    const [row] = await em.execute<{ id: number | null; exists: boolean }[]>(
      `with target as (
         select m.id from message m join conversation_people(?::int, ?::date) cp
             on cp.conversation_id = m.conversation_id and cp.person_id = ?
          where m.id = ? and m.school_id = ?),
       ins as (insert into message_report (school_id, message_id, reporter_id, reason)
               select ?, id, ?, ? from target on conflict (message_id, reporter_id) do nothing
               returning id)
       select (select id from ins) as id, exists (select 1 from target) as exists`,
      [
        viewer.schoolId,
        today,
        viewer.personId,
        mid,
        viewer.schoolId,
        viewer.schoolId,
        viewer.personId,
        reason,
      ],
    );
    if (!row.exists) throw notFoundField('messageId');
    if (!row.id) throw conflict('messageId', 'DUPLICATE', 'You have reported this message');
    const [r] = await reportsOf(em, viewer.schoolId, 1, row.id + 1);
    return { ...r, at: new Date(r.at), message: toMessage(r.message) };
  }

  /** Reported messages of the school, newest first (DEPUTY, DIRECTOR). */
  async reports(
    { em, viewer }: Scope,
    first: number,
    before: string | null,
  ): Promise<MessageReport[]> {
    policy.require(viewer, Permission.MessageModerate);
    const rows = await reportsOf(
      em,
      viewer.schoolId,
      pageSize('first', first, 100),
      before == null ? null : parseId('before', before),
    );
    return rows.map((r) => ({ ...r, at: new Date(r.at), message: toMessage(r.message) }));
  }

  /** The administration closes a conversation: nobody writes in it any more. */
  async close({ em, viewer }: Scope, today: string, id: string): Promise<ConversationThread> {
    policy.require(viewer, Permission.MessageModerate);
    const cid = parseId('conversationId', id);
    const m = await membership(em, viewer, this.at(today), cid, true);
    if (!m) throw notFoundField('conversationId');
    if (m.closed) throw conflict('conversationId', 'CONVERSATION_CLOSED', 'Already closed');
    await em.transactional(async (tem) => {
      await tem.execute(
        `update conversation set closed = true, closed_at = now(), closed_by_id = ? where id = ?`,
        [viewer.personId, cid],
      );
      await publishTo(tem, viewer, m.memberIds, MessagingEvent.CHANGED, {
        conversationId: String(cid),
      });
    });
    if (!m.isMember) await logModeratorRead(em, viewer, m.memberIds);
    return thread(cid, { ...m, closed: true });
  }

  /** The class teacher (or the administration) makes a class channel announcement-only, or not. */
  async setAnnouncementOnly(
    { em, viewer }: Scope,
    today: string,
    id: string,
    on: boolean,
  ): Promise<ConversationThread> {
    policy.require(viewer, Permission.MessagingUse);
    const cid = parseId('conversationId', id);
    const moderator = policy.can(viewer, Permission.MessageModerate);
    const m = await membership(em, viewer, this.at(today), cid, moderator);
    if (!m) throw notFoundField('conversationId');
    if (m.channel !== 'CLASS') {
      throw badInput('conversationId', 'INVALID_KIND', 'Only a class channel can be so');
    }
    if (!moderator && !viewer.ledClassIds.includes(m.classGroupId!)) {
      throw new DomainError('FORBIDDEN', 'Only the class teacher may do this', {
        field: 'conversationId',
        reason: 'NOT_CLASS_TEACHER',
      });
    }
    await em.transactional(async (tem) => {
      await tem.execute(`update conversation set announcement_only = ? where id = ?`, [on, cid]);
      await publishTo(tem, viewer, m.memberIds, MessagingEvent.CHANGED, {
        conversationId: String(cid),
      });
    });
    return thread(cid, { ...m, announcementOnly: on });
  }

  async workingHours({ em, viewer }: Scope): Promise<WorkingHours | null> {
    requireStaff(viewer);
    const [row] = await em.execute<WorkingHours[]>(
      `select days, to_char(starts_at, 'HH24:MI') as "from", to_char(ends_at, 'HH24:MI') as "to"
         from working_hours where person_id = ?`,
      [viewer.personId],
    );
    return row ?? null;
  }

  /** Staff set their working hours (days and times in the school's time zone), or clear them. */
  async setWorkingHours(
    { em, viewer }: Scope,
    hours: WorkingHours | null,
  ): Promise<WorkingHours | null> {
    requireStaff(viewer);
    if (!hours) {
      await em.execute(`delete from working_hours where person_id = ?`, [viewer.personId]);
      return null;
    }
    const checked = checkHours(hours);
    await em.execute(
      `insert into working_hours (person_id, school_id, days, starts_at, ends_at)
       values (?, ?, ?::smallint[], ?::time, ?::time)
       on conflict (person_id) do update set days = excluded.days,
         starts_at = excluded.starts_at, ends_at = excluded.ends_at`,
      [viewer.personId, viewer.schoolId, `{${checked.days.join(',')}}`, checked.from, checked.to],
    );
    return checked;
  }
}

function requireStaff(viewer: Viewer | null): asserts viewer is Viewer {
  policy.require(viewer, Permission.MessagingUse);
  if (!policy.isStaff(viewer)) {
    throw new DomainError('FORBIDDEN', 'Working hours are for staff', {
      reason: 'MISSING_PERMISSION',
    });
  }
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function checkHours(h: WorkingHours): WorkingHours {
  const days = [...new Set(h.days)].sort();
  if (days.length === 0) throw badInput('days', 'REQUIRED', 'Choose at least one day');
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw badInput('days', 'OUT_OF_RANGE', 'Days are 1 (Monday) to 7 (Sunday)');
  }
  if (!HHMM.test(h.from)) throw badInput('from', 'INVALID_FORMAT', 'A time as HH:MM');
  if (!HHMM.test(h.to)) throw badInput('to', 'INVALID_FORMAT', 'A time as HH:MM');
  if (h.from >= h.to) throw badInput('to', 'INVALID_DATE_RANGE', 'The end comes after the start');
  return { days, from: h.from, to: h.to };
}

const thread = (cid: number, m: Membership): ConversationThread => ({
  id: String(cid),
  kind: m.kind,
  title: m.title,
  closed: m.closed,
  channel: m.channel as ChannelKind | null,
  announcementOnly: m.announcementOnly,
  members: m.members,
  isMember: m.isMember,
});

/**
 * The administration reading a conversation it is not in reads its members' correspondence:
 * one personal-data access row per member (152-FZ), as staff reads of person records are.
 */
export async function logModeratorRead(em: EntityManager, viewer: Viewer, memberIds: number[]) {
  await em.execute(
    `insert into personal_data_access (school_id, reader_id, subject_id, fields)
     select ?, ?, unnest(?::int[]), '{messages}'`,
    [viewer.schoolId, viewer.personId, `{${memberIds.join(',')}}`],
  );
}

const notFoundField = (field: string) =>
  new DomainError('NOT_FOUND', 'Not found or not allowed', { field });

function pageSize(field: string, n: number, max: number): number {
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw badInput(field, 'OUT_OF_RANGE', `${field} must be between 1 and ${max}`);
  }
  return n;
}
