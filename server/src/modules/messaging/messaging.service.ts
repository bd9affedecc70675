import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import type { Role } from '../../auth/role.js';
import type { Viewer } from '../../auth/viewer.js';
import { badInput, conflict, DomainError } from '../../errors.js';
import { publish } from '../../events/outbox.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { ConversationKind } from './conversation.entity.js';
import { reachable } from './messaging.access.js';
import type { StartConversationInput } from './messaging.inputs.js';
import { inbox, membership, messagesOf, toMessage } from './messaging.queries.js';
import type {
  ConversationPage,
  ConversationSummary,
  ConversationThread,
  MessageInfo,
  MessagePage,
  MessageRevisionInfo,
  ReadState,
  Recipient,
} from './messaging.types.js';

export const MESSAGE_MAX_LENGTH = 4000;
export const TITLE_MAX_LENGTH = 120;
export const GROUP_MAX_MEMBERS = 50;
/** How long after sending the author may still edit or delete a message. */
export const EDIT_WINDOW_MINUTES = 15;
/** Messages one person may send per minute, all conversations together. */
export const MESSAGES_PER_MINUTE = 30;

/** Live event types; each goes to the conversation's members only (`personIds`). */
export const MessagingEvent = {
  SENT: 'MESSAGE_SENT',
  EDITED: 'MESSAGE_EDITED',
  DELETED: 'MESSAGE_DELETED',
  /** To the reader's own sockets: the read cursor and unread count after marking read. */
  READ: 'CONVERSATION_READ',
  /** To the other person of a one-to-one conversation: how far the reader has read. */
  RECEIPT: 'READ_RECEIPT',
} as const;

type Me = Pick<Viewer, 'personId' | 'schoolId'>;

/**
 * Conversations and messages. Reads are single statements (messaging.queries.ts);
 * writes are plain SQL in one transaction, with their events published last in it. Message text
 * never goes into an event, an error or a log line: events carry ids, and a client reads the
 * text through the conversation.
 */
export class MessagingService {
  async conversations(
    { em, viewer }: Scope,
    first: number,
    after: string | null,
  ): Promise<ConversationPage> {
    policy.require(viewer, Permission.MessagingUse);
    return inbox(em, viewer, {
      first: pageSize('first', first, 100),
      after: after == null ? null : parseId('after', after),
    });
  }

  async conversation({ em, viewer }: Scope, id: string): Promise<ConversationThread> {
    policy.require(viewer, Permission.MessagingUse);
    const cid = parseId('id', id);
    const m = await membership(em, viewer, cid);
    if (!m) throw notFoundField('id');
    return { id: String(cid), kind: m.kind, title: m.title, closed: m.closed, members: m.members };
  }

  /** The messages of a conversation the caller has already been found a member of. */
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
    const text = checkText(input.text);
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
      const everyone = [viewer.personId, ...memberIds];
      const message = await insertMessage(tem, viewer, cid, text);
      await publishTo(tem, viewer, everyone, MessagingEvent.SENT, {
        conversationId: String(cid),
        messageId: message.id,
        authorId: String(viewer.personId),
      });
      return cid;
    });
    return (await inbox(em, viewer, { first: 1, after: null, only: id })).items[0];
  }

  async send({ em, viewer }: Scope, conversationId: string, textIn: string): Promise<MessageInfo> {
    policy.require(viewer, Permission.MessagingUse);
    const cid = parseId('conversationId', conversationId);
    const text = checkText(textIn);
    const m = await membership(em, viewer, cid);
    if (!m) throw notFoundField('conversationId');
    if (m.closed) {
      throw conflict('conversationId', 'CONVERSATION_CLOSED', 'This conversation is closed');
    }
    await checkRate(em, viewer);
    return em.transactional(async (tem) => {
      const message = await insertMessage(tem, viewer, cid, text);
      await publishTo(tem, viewer, m.memberIds, MessagingEvent.SENT, {
        conversationId: String(cid),
        messageId: message.id,
        authorId: String(viewer.personId),
      });
      return message;
    });
  }

  /** Within the edit window, by the author; the text it replaces is kept as a revision. */
  async edit({ em, viewer }: Scope, id: string, textIn: string): Promise<MessageInfo> {
    policy.require(viewer, Permission.MessagingUse);
    const mid = parseId('id', id);
    const text = checkText(textIn);
    return this.revise(em, viewer, mid, MessagingEvent.EDITED, text);
  }

  /** Within the edit window, by the author: a tombstone stays, the text goes to a revision. */
  async delete({ em, viewer }: Scope, id: string): Promise<MessageInfo> {
    policy.require(viewer, Permission.MessagingUse);
    return this.revise(em, viewer, parseId('id', id), MessagingEvent.DELETED, null);
  }

  private revise(
    em: EntityManager,
    viewer: Viewer,
    mid: number,
    type: string,
    text: string | null,
  ): Promise<MessageInfo> {
    return em.transactional(async (tem) => {
      const [row] = await tem.execute<
        { conversationId: number; deleted: boolean; open: boolean; members: number[] }[]
      >(
        `select m.conversation_id as "conversationId", m.deleted_at is not null as deleted,
                m.created_at > now() - make_interval(mins => ?) as open,
                array(select x.person_id from conversation_member x
                       where x.conversation_id = m.conversation_id) as members
           from message m where m.id = ? and m.school_id = ? and m.author_id = ? for update`,
        [EDIT_WINDOW_MINUTES, mid, viewer.schoolId, viewer.personId],
      );
      if (!row) throw notFoundField('id');
      if (row.deleted) throw conflict('id', 'MESSAGE_DELETED', 'This message was deleted');
      if (!row.open) {
        throw conflict(
          'id',
          'EDIT_WINDOW_CLOSED',
          `A message can be changed for ${EDIT_WINDOW_MINUTES} minutes after sending`,
        );
      }
      const [changed] = await tem.execute<{ m: Parameters<typeof toMessage>[0] }[]>(
        `with r as (insert into message_revision (school_id, message_id, body)
                    select school_id, id, body from message where id = ?)
         update message m set body = coalesce(?, ''),
                edited_at = case when ?::boolean then now() else m.edited_at end,
                deleted_at = case when ?::boolean then now() end
          where m.id = ?
         returning json_build_object('id', m.id::text, 'conversationId', m.conversation_id::text,
           'authorId', m.author_id::text, 'text', case when m.deleted_at is null then m.body end,
           'at', m.created_at, 'editedAt', m.edited_at, 'deletedAt', m.deleted_at) as m`,
        [mid, text, text !== null, text === null, mid],
      );
      await publishTo(tem, viewer, row.members, type, {
        conversationId: String(row.conversationId),
        messageId: String(mid),
        authorId: String(viewer.personId),
      });
      return toMessage(changed.m);
    });
  }

  /**
   * Moves the viewer's read cursor to `messageId` (never back): one write. The viewer's own
   * sockets hear the new unread count; in a one-to-one conversation the other person hears a
   * read receipt.
   */
  async markRead(
    { em, viewer }: Scope,
    conversationId: string,
    messageId: string,
  ): Promise<ReadState> {
    policy.require(viewer, Permission.MessagingUse);
    const cid = parseId('conversationId', conversationId);
    const mid = parseId('messageId', messageId);
    const m = await membership(em, viewer, cid);
    if (!m) throw notFoundField('conversationId');
    return em.transactional(async (tem) => {
      const [row] = await tem.execute<{ last: string | null; unread: number }[]>(
        `update conversation_member cm
            set last_read_message_id = greatest(coalesce(cm.last_read_message_id, 0), ?)
          where cm.conversation_id = ? and cm.person_id = ?
            and exists (select 1 from message m where m.id = ? and m.conversation_id = ?)
         returning cm.last_read_message_id::text as last,
           (select count(*) from message u where u.conversation_id = cm.conversation_id
              and u.id > cm.last_read_message_id and u.author_id <> cm.person_id
              and u.deleted_at is null)::int as unread`,
        [mid, cid, viewer.personId, mid, cid],
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
}

const notFoundField = (field: string) =>
  new DomainError('NOT_FOUND', 'Not found or not allowed', { field });

function pageSize(field: string, n: number, max: number): number {
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw badInput(field, 'OUT_OF_RANGE', `${field} must be between 1 and ${max}`);
  }
  return n;
}

/** The text of a message: not blank, at most MESSAGE_MAX_LENGTH characters. */
function checkText(text: string): string {
  const t = text.trim();
  if (!t) throw badInput('text', 'EMPTY', 'Write something first');
  if ([...t].length > MESSAGE_MAX_LENGTH) {
    throw badInput('text', 'TOO_LONG', `At most ${MESSAGE_MAX_LENGTH} characters`);
  }
  return t;
}

function checkTitle(title: string | null | undefined): string | null {
  const t = title?.trim() ?? '';
  if ([...t].length > TITLE_MAX_LENGTH) {
    throw badInput('title', 'TOO_LONG', `At most ${TITLE_MAX_LENGTH} characters`);
  }
  return t || null;
}

/** The other members, once each and without the viewer. */
function checkMembers(viewer: Viewer, ids: string[]): number[] {
  const parsed = ids.map((id, i) => parseId(`memberIds.${i}`, id));
  const others = [...new Set(parsed)].filter((id) => id !== viewer.personId);
  if (others.length === 0) throw badInput('memberIds', 'EMPTY', 'Choose whom to write to');
  if (others.length > GROUP_MAX_MEMBERS) {
    throw badInput('memberIds', 'TOO_MANY', `At most ${GROUP_MAX_MEMBERS} people`);
  }
  return others;
}

/** At most MESSAGES_PER_MINUTE messages a minute per person (an index on author and time). */
async function checkRate(em: EntityManager, me: Me): Promise<void> {
  const [row] = await em.execute<{ n: number; wait: number }[]>(
    `select count(*)::int as n,
            coalesce(ceil(extract(epoch from min(created_at) + interval '1 minute' - now())), 1)::int as wait
       from message where author_id = ? and created_at > now() - interval '1 minute'`,
    [me.personId],
  );
  if (row.n >= MESSAGES_PER_MINUTE) {
    throw new DomainError('RATE_LIMITED', 'Too many messages; wait a little', {
      retryAfterSeconds: Math.max(1, row.wait),
    });
  }
}

/**
 * A new conversation with its members, or the two people's DIRECT one if they have it (its
 * `direct_key` is unique per school, so two first messages at once make one conversation).
 */
async function createConversation(
  em: EntityManager,
  me: Me,
  memberIds: number[],
  title: string | null,
  direct: boolean,
): Promise<number> {
  const pair = direct ? [me.personId, memberIds[0]].sort((a, b) => a - b).join(':') : null;
  const [c] = await em.execute<{ id: number }[]>(
    `insert into conversation (school_id, kind, title, created_by_id, direct_key)
     values (?, ?, ?, ?, ?)
     on conflict (school_id, direct_key) do update set direct_key = excluded.direct_key
     returning id`,
    [
      me.schoolId,
      direct ? ConversationKind.DIRECT : ConversationKind.GROUP,
      title,
      me.personId,
      pair,
    ],
  );
  await em.execute(
    `insert into conversation_member (school_id, conversation_id, person_id)
     select ?, ?, unnest(?::int[]) on conflict (person_id, conversation_id) do nothing`,
    [me.schoolId, c.id, `{${[me.personId, ...memberIds].join(',')}}`],
  );
  return c.id;
}

/** The message, the conversation's place in the inbox, and the author's own read cursor. */
async function insertMessage(
  em: EntityManager,
  me: Me,
  conversationId: number,
  text: string,
): Promise<MessageInfo> {
  const [row] = await em.execute<{ m: Parameters<typeof toMessage>[0] }[]>(
    `with m as (insert into message (school_id, conversation_id, author_id, body)
                values (?, ?, ?, ?) returning *),
          c as (update conversation set last_message_id = (select id from m) where id = ?),
          r as (update conversation_member set last_read_message_id = (select id from m)
                 where conversation_id = ? and person_id = ?)
     select json_build_object('id', m.id::text, 'conversationId', m.conversation_id::text,
       'authorId', m.author_id::text, 'text', m.body, 'at', m.created_at, 'editedAt', null,
       'deletedAt', null) as m from m`,
    [me.schoolId, conversationId, me.personId, text, conversationId, conversationId, me.personId],
  );
  return toMessage(row.m);
}

function publishTo(
  em: EntityManager,
  me: Me,
  personIds: number[],
  type: string,
  payload: Record<string, unknown>,
): Promise<void> {
  return publish(em, me.schoolId, [{ type, personIds, payload }]);
}
