import type { EntityManager } from '@mikro-orm/postgresql';
import type {
  ConversationMemberInfo,
  ConversationPage,
  ConversationSummary,
  MessageInfo,
  MessagePage,
} from './messaging.types.js';
import type { ConversationKind } from './conversation.entity.js';

/** A message as JSON, built in SQL for `m`: ids as text, the text null once deleted. */
/** The attachments of message `m`, in their order: names and types, never the bytes. */
const ATTACHMENTS_JSON = `coalesce((select json_agg(json_build_object('id', a.id::text, 'name', a.name,
    'contentType', a.content_type, 'size', a.size) order by ma.position)
   from message_attachment ma join attachment a on a.id = ma.attachment_id
  where ma.message_id = m.id), '[]'::json)`;

/** A message as JSON, built in SQL for `m`: ids as text, the text null once deleted. */
export const MESSAGE_JSON = `json_build_object('id', m.id::text, 'conversationId', m.conversation_id::text,
  'authorId', m.author_id::text, 'text', case when m.deleted_at is null then m.body end,
  'at', m.created_at, 'editedAt', m.edited_at, 'deletedAt', m.deleted_at,
  'attachments', case when m.deleted_at is null then ${ATTACHMENTS_JSON} else '[]'::json end)`;

/**
 * The members of conversation `c` as JSON (`v.school`, `v.today`, `v.me`, `v.now`): who is in it
 * by `conversation_people`, so a class channel's members are today's parents and class teacher.
 * Read cursors are shown for the viewer and, in a one-to-one conversation, for the other person
 * (read receipts); a group's are private. `availableFrom`: when someone outside their working
 * hours is next at work.
 */
const MEMBERS_JSON = `(select json_agg(json_build_object('personId', p.id::text, 'lastName', p.last_name,
    'firstName', p.first_name, 'lastReadMessageId',
    case when p.id = v.me or c.kind = 'DIRECT' then cm2.last_read_message_id::text end,
    'availableFrom', available_from(p.id, v.now))
    order by p.last_name, p.first_name, p.id)
   from conversation_people(v.school, v.today) cp2 join person p on p.id = cp2.person_id
   left join conversation_member cm2 on cm2.conversation_id = c.id and cm2.person_id = p.id
  where cp2.conversation_id = c.id)`;

/**
 * Messages by others after the viewer's read cursor (`cm`, absent until the first read of a
 * channel), deleted ones not counted, nor those held back until the viewer's hours start.
 */
const UNREAD = `(select count(*) from message u where u.conversation_id = c.id
    and u.id > coalesce(cm.last_read_message_id, 0) and u.author_id <> v.me
    and u.deleted_at is null
    and not exists (select 1 from message_hold h where h.person_id = v.me and h.message_id = u.id
                      and h.until > v.now))::int`;

/**
 * The inbox in one statement, whatever the number of conversations: the viewer's conversations
 * with unread counts, members and last message, newest first, a page after the cursor (a
 * conversation's last message id), and the unread total over all of them. The member row is
 * found by (person, conversation), the last message by its primary key, the unread count by
 * (conversation, id).
 */
const INBOX = `
with v as (select ?::int as me, ?::int as school, ?::int as after, ?::int as lim, ?::int as only,
                  ?::date as today, ?::timestamptz as now),
mine as (
  select c.id, c.kind, c.title, c.closed, c.channel, c.announcement_only, c.last_message_id,
         ${UNREAD} as unread
    from conversation_people(?::int, ?::date) cp join conversation c on c.id = cp.conversation_id
    cross join v
    left join conversation_member cm on cm.conversation_id = c.id and cm.person_id = v.me
   where cp.person_id = ? and (v.only is null or c.id = v.only)),
page as (
  select mine.* from mine, v
   where v.after is null or coalesce(mine.last_message_id, 0) < v.after
   order by coalesce(mine.last_message_id, 0) desc, mine.id desc limit (select lim + 1 from v))
select coalesce((select sum(unread) from mine), 0)::int as "unreadTotal",
       coalesce((select json_agg(json_build_object('id', c.id::text, 'kind', c.kind, 'title', c.title,
         'closed', c.closed, 'channel', c.channel, 'announcementOnly', c.announcement_only,
         'unread', c.unread, 'members', ${MEMBERS_JSON},
         'lastMessage', (select ${MESSAGE_JSON} from message m where m.id = c.last_message_id),
         'cursor', coalesce(c.last_message_id, 0))
         order by coalesce(c.last_message_id, 0) desc, c.id desc)
         from page c, v), '[]') as items`;

interface InboxItem extends Omit<ConversationSummary, 'lastMessage' | 'members'> {
  lastMessage: RawMessage | null;
  members: RawMember[] | null;
  cursor: number;
}
type RawMember = Omit<ConversationMemberInfo, 'availableFrom'> & { availableFrom: string | null };
export const toMembers = (rows: RawMember[] | null): ConversationMemberInfo[] =>
  (rows ?? []).map((m) => ({
    ...m,
    availableFrom: m.availableFrom ? new Date(m.availableFrom) : null,
  }));

export type RawMessage = Omit<MessageInfo, 'at' | 'editedAt' | 'deletedAt'> & {
  at: string;
  editedAt: string | null;
  deletedAt: string | null;
};

export function toMessage(m: RawMessage): MessageInfo {
  return {
    ...m,
    at: new Date(m.at),
    editedAt: m.editedAt ? new Date(m.editedAt) : null,
    deletedAt: m.deletedAt ? new Date(m.deletedAt) : null,
  };
}

/** The school's day and the instant a read is made at (the clock's: tests pin them). */
export interface At {
  today: string;
  now: Date;
}

export async function inbox(
  em: EntityManager,
  me: { personId: number; schoolId: number },
  at: At,
  page: { first: number; after: number | null; only?: number },
): Promise<ConversationPage> {
  const [row] = await em.execute<{ unreadTotal: number; items: InboxItem[] }[]>(INBOX, [
    me.personId,
    me.schoolId,
    page.after,
    page.first,
    page.only ?? null,
    at.today,
    at.now,
    me.schoolId,
    at.today,
    me.personId,
  ]);
  const more = row.items.length > page.first;
  const items = row.items.slice(0, page.first);
  return {
    unreadTotal: row.unreadTotal,
    nextCursor: more ? String(items[items.length - 1].cursor) : null,
    items: items.map(({ cursor: _c, lastMessage, ...c }) => ({
      ...c,
      members: toMembers(c.members),
      lastMessage: lastMessage ? toMessage(lastMessage) : null,
    })),
  };
}

export interface Membership {
  kind: ConversationKind;
  closed: boolean;
  title: string | null;
  channel: 'CLASS' | 'STAFF' | null;
  classGroupId: number | null;
  announcementOnly: boolean;
  /** Whether the viewer is in it (else the administration reads it as moderator). */
  isMember: boolean;
  memberIds: number[];
  members: ConversationMemberInfo[];
}

/**
 * The conversation if the viewer is a member of it (in the viewer's school) or, with
 * `anyInSchool`, if it is of the viewer's school at all; else nothing.
 */
export async function membership(
  em: EntityManager,
  me: { personId: number; schoolId: number },
  at: At,
  conversationId: number,
  anyInSchool = false,
): Promise<Membership | undefined> {
  const [row] = await em.execute<(Omit<Membership, 'members'> & { members: RawMember[] })[]>(
    `with v as (select ?::int as me, ?::int as school, ?::date as today, ?::timestamptz as now),
     people as (select cp.person_id from conversation_people(?::int, ?::date) cp
                 where cp.conversation_id = ?)
     select c.kind, c.closed, c.title, c.channel, c.class_group_id as "classGroupId",
            c.announcement_only as "announcementOnly",
            exists (select 1 from people where person_id = v.me) as "isMember",
            array(select person_id from people order by 1) as "memberIds",
            coalesce(${MEMBERS_JSON}, '[]') as members
       from conversation c, v
      where c.id = ? and c.school_id = v.school
        and (?::boolean or exists (select 1 from people where person_id = v.me))`,
    [
      me.personId,
      me.schoolId,
      at.today,
      at.now,
      me.schoolId,
      at.today,
      conversationId,
      conversationId,
      anyInSchool,
    ],
  );
  return row && { ...row, members: toMembers(row.members) };
}

/** The `last` messages before `before` (or the newest), oldest first. */
export async function messagesOf(
  em: EntityManager,
  conversationId: number,
  last: number,
  before: number | null,
): Promise<MessagePage> {
  const rows = await em.execute<{ m: RawMessage }[]>(
    `select ${MESSAGE_JSON} as m from message m
      where m.conversation_id = ? and (?::int is null or m.id < ?::int)
      order by m.id desc limit ?`,
    [conversationId, before, before, last + 1],
  );
  const hasEarlier = rows.length > last;
  return {
    hasEarlier,
    messages: rows
      .slice(0, last)
      .reverse()
      .map((r) => toMessage(r.m)),
  };
}

/**
 * Messages matching a search (PostgreSQL full-text search, the `russian` configuration, over the
 * generated `message.search` with its GIN index) in the viewer's own conversations only, newest
 * first: one statement.
 */
export async function searchMessages(
  em: EntityManager,
  me: { personId: number; schoolId: number },
  today: string,
  query: string,
  first: number,
): Promise<MessageInfo[]> {
  const rows = await em.execute<{ m: RawMessage }[]>(
    `select ${MESSAGE_JSON} as m
       from message m join conversation_people(?::int, ?::date) cp
         on cp.conversation_id = m.conversation_id and cp.person_id = ?
      where m.school_id = ? and m.deleted_at is null
        and m.search @@ websearch_to_tsquery('russian', ?)
      order by m.id desc limit ?`,
    [me.schoolId, today, me.personId, me.schoolId, query, first],
  );
  return rows.map((r) => toMessage(r.m));
}

export interface RawReport {
  id: string;
  reason: string;
  at: string;
  reporterId: string;
  reporterName: string;
  conversationClosed: boolean;
  message: RawMessage;
}

/** Reports of the school, newest first, a page before the cursor (a report id): one statement. */
export async function reportsOf(
  em: EntityManager,
  schoolId: number,
  first: number,
  before: number | null,
): Promise<RawReport[]> {
  return em.execute<RawReport[]>(
    `select r.id::text as id, r.reason, r.created_at as at, r.reporter_id::text as "reporterId",
            p.last_name || ' ' || p.first_name as "reporterName", c.closed as "conversationClosed",
            ${MESSAGE_JSON} as message
       from message_report r join message m on m.id = r.message_id
       join conversation c on c.id = m.conversation_id join person p on p.id = r.reporter_id
      where r.school_id = ? and (?::int is null or r.id < ?::int)
      order by r.id desc limit ?`,
    [schoolId, before, before, first],
  );
}
