import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { codeMessage, describeError, type UiMessage } from '../../graphql/errors';
import type { MessageFieldsFragment } from '../../graphql/generated/graphql';
import { compareIds } from '../../live/events';

/** How long after sending the author may still edit or delete a message (the server's rule). */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
/** The longest message the server takes. */
export const MESSAGE_MAX_LENGTH = 4000;
export const TITLE_MAX_LENGTH = 120;
/** The longest reason for a report the server takes. */
export const REPORT_REASON_MAX = 500;

/** A keyboard to press Ctrl+Enter on is likely (not a phone's touch screen): the hint says so. */
export function hasKeyboard(): boolean {
  return typeof matchMedia !== 'function' || !matchMedia('(pointer: coarse)').matches;
}

/** A moment as the messages name it: «5 декабря, 14:30»; with the weekday: «пт, 5 декабря, 14:30». */
export function momentFormat(lang: string, withWeekday = false): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(lang, {
    weekday: withWeekday ? 'short' : undefined,
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  });
}

interface Person {
  personId: string;
  firstName: string;
  lastName: string;
}

/** A conversation's name: its title, else the other members' names. */
/** A text box's key handler: Ctrl+Enter (⌘+Enter) sends instead of starting a new line. */
export function sendOnCtrlEnter(send: () => unknown): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };
}

export function conversationName(
  conversation: { title?: string | null; members: readonly Person[] },
  viewerId: string,
): string {
  if (conversation.title) return conversation.title;
  const others = conversation.members.filter((m) => m.personId !== viewerId);
  return (others.length > 0 ? others : conversation.members)
    .map((m) => `${m.lastName} ${m.firstName}`)
    .join(', ');
}

type Translate = (key: string, options?: { values?: Record<string, string | number> }) => string;

/** A conversation's name with channels named for what they are: «Родители 7А», «Учительская». */
export function conversationTitle(
  conversation: {
    title?: string | null;
    channel?: 'CLASS' | 'STAFF' | null;
    members: readonly Person[];
  },
  viewerId: string,
  t: Translate,
): string {
  if (conversation.channel === 'CLASS') {
    return t('messages.channel.class', { values: { name: conversation.title ?? '' } });
  }
  if (conversation.channel === 'STAFF') return t('messages.channel.staff');
  return conversationName(conversation, viewerId);
}

/** Roles that make a person staff: they write in announcement-only channels. */
export const STAFF_ROLES = ['TEACHER', 'DEPUTY', 'DIRECTOR', 'SYSADMIN'] as const;
/** Roles that see reported messages and close conversations (Permission.MessageModerate). */
export const MODERATOR_ROLES = ['DEPUTY', 'DIRECTOR'] as const;

/**
 * Members who are outside their working hours now, with when they start again (soonest
 * first): the sender sees when to expect an answer.
 */
export function awayMembers<M extends Person & { availableFrom?: string | null }>(
  members: readonly M[],
  viewerId: string,
  now: number,
): (M & { availableFrom: string })[] {
  return members
    .filter(
      (m): m is M & { availableFrom: string } =>
        m.personId !== viewerId && !!m.availableFrom && Date.parse(m.availableFrom) > now,
    )
    .sort((a, b) => Date.parse(a.availableFrom) - Date.parse(b.availableFrom));
}

/** Splits a text around the words of a search, for highlighting them (case-insensitive). */
export function highlight(text: string, query: string): { text: string; hit: boolean }[] {
  const words = query
    .split(/\s+/)
    .map((w) => w.trim())
    .filter((w) => w.length > 1)
    // Russian stems: the search is by word forms, so «контрольной» is found by «контрольная».
    .map((w) => (w.length > 5 ? w.slice(0, w.length - 2) : w))
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (words.length === 0) return [{ text, hit: false }];
  // The whole word from where a searched stem starts.
  const pattern = new RegExp(`((?:${words.join('|')})\\p{L}*)`, 'giu');
  // Splitting by a captured pattern puts the hits at the odd places.
  return text
    .split(pattern)
    .map((part, i) => ({ text: part, hit: i % 2 === 1 }))
    .filter((part) => part.text !== '');
}

/** A part of a long text around the first hit of a search, for a result's snippet. */
export function snippet(text: string, query: string, size = 140): string {
  if (text.length <= size) return text;
  const parts = highlight(text, query);
  let offset = 0;
  for (const part of parts) {
    if (part.hit) break;
    offset += part.text.length;
  }
  const start = Math.max(0, Math.min(offset - 40, text.length - size));
  return `${start > 0 ? '…' : ''}${text.slice(start, start + size)}${start + size < text.length ? '…' : ''}`;
}

/** Messages by id, oldest first, the later copy of each kept. */
export function mergeMessages(
  current: readonly MessageFieldsFragment[],
  incoming: readonly MessageFieldsFragment[],
): MessageFieldsFragment[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
}

/** Its author may still change the message at `now`. */
export function canChange(message: MessageFieldsFragment, now: number): boolean {
  return !message.deletedAt && now - new Date(message.at).getTime() < EDIT_WINDOW_MS;
}

/**
 * The id of the viewer's newest message the other person has read (`readUpTo`), for the «read»
 * mark under it; null when none is.
 */
export function lastReadOwn(
  messages: readonly MessageFieldsFragment[],
  viewerId: string,
  readUpTo: string | null | undefined,
): string | null {
  if (!readUpTo) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.authorId === viewerId && compareIds(m.id, readUpTo) <= 0) return m.id;
  }
  return null;
}

/** Reasons only the messaging operations give, translated under `messages.errors`. */
const MESSAGING_REASONS = [
  'EMPTY',
  'TOO_MANY',
  'RECIPIENT_NOT_ALLOWED',
  'CONVERSATION_CLOSED',
  'EDIT_WINDOW_CLOSED',
  'MESSAGE_DELETED',
  'NOT_IN_CONVERSATION',
  'ANNOUNCEMENT_ONLY',
  'NOT_CLASS_TEACHER',
  'DUPLICATE',
];

/** One message for whatever a messaging operation rejected with. */
export function messagingError(error: unknown): UiMessage {
  if (CombinedGraphQLErrors.is(error)) {
    const extensions = error.errors[0]?.extensions;
    const reason = extensions?.reason;
    if (typeof reason === 'string' && MESSAGING_REASONS.includes(reason)) {
      // No recipients is EMPTY too, about another field than the text.
      const key = reason === 'EMPTY' && extensions?.field === 'memberIds' ? 'TOO_FEW' : reason;
      return { key: `messages.errors.${key}` };
    }
  }
  const described = describeError(error);
  // A field's message in the server's own words (English) gives way to its code's translation.
  const field = Object.values(described.fields)[0];
  return described.general ?? (field && 'key' in field ? field : codeMessage(described.code));
}
