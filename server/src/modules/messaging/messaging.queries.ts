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
const MESSAGE_JSON = `json_build_object('id', m.id::text, 'conversationId', m.conversation_id::text,
  'authorId', m.author_id::text, 'text', case when m.deleted_at is null then m.body end,
  'at', m.created_at, 'editedAt', m.edited_at, 'deletedAt', m.deleted_at)`;

/**
 * The members of conversation `c` as JSON. Read cursors are shown for the viewer (`v.me`) and, in
 * a one-to-one conversation, for the other person (read receipts); a group's are private.
 */
const MEMBERS_JSON = `(select json_agg(json_build_object('personId', p.id::text, 'lastName', p.last_name,
    'firstName', p.first_name, 'lastReadMessageId',
    case when cm2.person_id = v.me or c.kind = 'DIRECT' then cm2.last_read_message_id::text end)
    order by p.last_name, p.first_name, p.id)
   from conversation_member cm2 join person p on p.id = cm2.person_id
  where cm2.conversation_id = c.id)`;

/** Messages by others after the read cursor of member row `cm`, deleted ones not counted. */
const UNREAD = `(select count(*) from message u where u.conversation_id = cm.conversation_id
    and u.id > coalesce(cm.last_read_message_id, 0) and u.author_id <> cm.person_id
    and u.deleted_at is null)::int`;

/**
 * The inbox in one statement, whatever the number of conversations: the viewer's conversations
 * with unread counts, members and last message, newest first, a page after the cursor (a
 * conversation's last message id), and the unread total over all of them. The member row is
 * found by (person, conversation), the last message by its primary key, the unread count by
 * (conversation, id).
 */
const INBOX = `
with v as (select ?::int as me, ?::int as school, ?::int as after, ?::int as lim, ?::int as only),
mine as (
  select c.id, c.kind, c.title, c.closed, c.last_message_id, ${UNREAD} as unread, cm.person_id
    from conversation_member cm join conversation c on c.id = cm.conversation_id, v
   where cm.person_id = v.me and cm.school_id = v.school and (v.only is null or c.id = v.only)),
page as (
  select mine.* from mine, v
   where v.after is null or coalesce(mine.last_message_id, 0) < v.after
   order by coalesce(mine.last_message_id, 0) desc, mine.id desc limit (select lim + 1 from v))
select coalesce((select sum(unread) from mine), 0)::int as "unreadTotal",
       coalesce((select json_agg(json_build_object('id', c.id::text, 'kind', c.kind, 'title', c.title,
         'closed', c.closed, 'unread', c.unread, 'members', ${MEMBERS_JSON},
         'lastMessage', (select ${MESSAGE_JSON} from message m where m.id = c.last_message_id),
         'cursor', coalesce(c.last_message_id, 0))
         order by coalesce(c.last_message_id, 0) desc, c.id desc)
         from page c, v), '[]') as items`;

interface InboxItem extends Omit<ConversationSummary, 'lastMessage'> {
  lastMessage: RawMessage | null;
  cursor: number;
}
type RawMessage = Omit<MessageInfo, 'at' | 'editedAt' | 'deletedAt'> & {
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

export async function inbox(
  em: EntityManager,
  me: { personId: number; schoolId: number },
  page: { first: number; after: number | null; only?: number },
): Promise<ConversationPage> {
  const [row] = await em.execute<{ unreadTotal: number; items: InboxItem[] }[]>(INBOX, [
    me.personId,
    me.schoolId,
    page.after,
    page.first,
    page.only ?? null,
  ]);
  const more = row.items.length > page.first;
  const items = row.items.slice(0, page.first);
  return {
    unreadTotal: row.unreadTotal,
    nextCursor: more ? String(items[items.length - 1].cursor) : null,
    items: items.map(({ cursor: _c, lastMessage, ...c }) => ({
      ...c,
      members: c.members ?? [],
      lastMessage: lastMessage ? toMessage(lastMessage) : null,
    })),
  };
}

export interface Membership {
  kind: ConversationKind;
  closed: boolean;
  title: string | null;
  memberIds: number[];
  members: ConversationMemberInfo[];
}

/** The conversation if the viewer is a member of it (in the viewer's school), else nothing. */
export async function membership(
  em: EntityManager,
  me: { personId: number; schoolId: number },
  conversationId: number,
): Promise<Membership | undefined> {
  const [row] = await em.execute<Membership[]>(
    `with v as (select ?::int as me)
     select c.kind, c.closed, c.title,
            array(select x.person_id from conversation_member x where x.conversation_id = c.id
                   order by x.person_id) as "memberIds",
            coalesce(${MEMBERS_JSON}, '[]') as members
       from conversation c join conversation_member cm on cm.conversation_id = c.id, v
      where c.id = ? and c.school_id = ? and cm.person_id = v.me`,
    [me.personId, conversationId, me.schoolId],
  );
  return row;
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
