import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer.js';
import { badInput, DomainError } from '../../errors.js';
import { publish } from '../../events/outbox.js';
import type { LiveEventName } from '../../events/live-event-type.js';
import { parseId } from '../../graphql/validate.js';
import { claimUploads } from './attachments.js';
import { ConversationKind } from './conversation.entity.js';
import { MESSAGE_JSON, toMessage, type RawMessage } from './messaging.queries.js';
import type { MessageInfo } from './messaging.types.js';

export type Me = Pick<Viewer, 'personId' | 'schoolId'>;

export const MESSAGE_MAX_LENGTH = 4000;
export const TITLE_MAX_LENGTH = 120;
export const GROUP_MAX_MEMBERS = 50;
export const ATTACHMENTS_PER_MESSAGE = 10;
export const REPORT_REASON_MAX = 500;
/** Messages one person may send per minute, all conversations together. */
export const MESSAGES_PER_MINUTE = 30;

/** The text of a message: at most MESSAGE_MAX_LENGTH characters; blank only with files. */
export function checkText(text: string, withFiles = false): string {
  const t = text.trim();
  if (!t && !withFiles) throw badInput('text', 'EMPTY', 'Write something first');
  if ([...t].length > MESSAGE_MAX_LENGTH) {
    throw badInput('text', 'TOO_LONG', `At most ${MESSAGE_MAX_LENGTH} characters`);
  }
  return t;
}

export function checkTitle(title: string | null | undefined): string | null {
  const t = title?.trim() ?? '';
  if ([...t].length > TITLE_MAX_LENGTH) {
    throw badInput('title', 'TOO_LONG', `At most ${TITLE_MAX_LENGTH} characters`);
  }
  return t || null;
}

/** Upload ids, once each, at most ATTACHMENTS_PER_MESSAGE. */
export function checkAttachmentIds(ids: readonly string[] | null | undefined): number[] {
  const parsed = [...new Set((ids ?? []).map((id, i) => parseId(`attachmentIds.${i}`, id)))];
  if (parsed.length > ATTACHMENTS_PER_MESSAGE) {
    throw badInput('attachmentIds', 'TOO_MANY', `At most ${ATTACHMENTS_PER_MESSAGE} files`);
  }
  return parsed;
}

/** The other members, once each and without the viewer. */
export function checkMembers(viewer: Viewer, ids: string[]): number[] {
  const parsed = ids.map((id, i) => parseId(`memberIds.${i}`, id));
  const others = [...new Set(parsed)].filter((id) => id !== viewer.personId);
  if (others.length === 0) throw badInput('memberIds', 'EMPTY', 'Choose whom to write to');
  if (others.length > GROUP_MAX_MEMBERS) {
    throw badInput('memberIds', 'TOO_MANY', `At most ${GROUP_MAX_MEMBERS} people`);
  }
  return others;
}

/** At most MESSAGES_PER_MINUTE messages a minute per person (an index on author and time). */
export async function checkRate(em: EntityManager, me: Me): Promise<void> {
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
export async function createConversation(
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

/**
 * The message with its attachments (the viewer's own unattached uploads, claimed in the same
 * transaction: all of them or the whole message is refused), the conversation's place in the
 * inbox, and the author's read cursor (a row made on a channel's first write).
 */
export async function insertMessage(
  em: EntityManager,
  me: Me,
  conversationId: number,
  text: string,
  attachmentIds: number[] = [],
): Promise<MessageInfo> {
  const [row] = await em.execute<{ id: number }[]>(
    `with m as (insert into message (school_id, conversation_id, author_id, body)
                values (?, ?, ?, ?) returning id),
          c as (update conversation set last_message_id = (select id from m) where id = ?),
          r as (insert into conversation_member (school_id, conversation_id, person_id, last_read_message_id)
                select ?, ?, ?, id from m
                on conflict (person_id, conversation_id)
                do update set last_read_message_id = excluded.last_read_message_id)
     select id from m`,
    [
      me.schoolId,
      conversationId,
      me.personId,
      text,
      conversationId,
      me.schoolId,
      conversationId,
      me.personId,
    ],
  );
  if (attachmentIds.length > 0) {
    await claimUploads(em, me, attachmentIds, 'attachmentIds');
    await em.execute(
      `insert into message_attachment (attachment_id, message_id, position)
       select a.id, ?, a.n - 1 from unnest(?::int[]) with ordinality a(id, n)`,
      [row.id, `{${attachmentIds.join(',')}}`],
    );
  }
  const [m] = await em.execute<{ m: RawMessage }[]>(
    `select ${MESSAGE_JSON} as m from message m where m.id = ?`,
    [row.id],
  );
  return toMessage(m.m);
}

/**
 * Holds the message back from members outside their working hours (until they start) and
 * answers who is held; the rest hear of it now, the held when their hours start (`releaseDue`).
 */
export async function holdForQuietHours(
  em: EntityManager,
  messageId: number,
  recipientIds: number[],
  now: Date,
): Promise<Set<number>> {
  if (recipientIds.length === 0) return new Set();
  const rows = await em.execute<{ personId: number }[]>(
    `insert into message_hold (person_id, message_id, until)
     select x.id, ?, available_from(x.id, ?::timestamptz) from unnest(?::int[]) x(id)
      where available_from(x.id, ?::timestamptz) is not null
     returning person_id as "personId"`,
    [messageId, now, `{${recipientIds.join(',')}}`, now],
  );
  return new Set(rows.map((r) => r.personId));
}

export function publishTo(
  em: EntityManager,
  me: Me,
  personIds: number[],
  type: LiveEventName,
  payload: Record<string, unknown>,
): Promise<void> {
  if (personIds.length === 0) return Promise.resolve();
  return publish(em, me.schoolId, [{ type, personIds, payload }]);
}
