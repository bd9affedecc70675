import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { codeMessage, describeError, type UiMessage } from '../../graphql/errors';
import type { MessageFieldsFragment } from '../../graphql/generated/graphql';
import { compareIds } from '../../live/events';

/** How long after sending the author may still edit or delete a message (the server's rule). */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
/** The longest message the server takes. */
export const MESSAGE_MAX_LENGTH = 4000;
export const TITLE_MAX_LENGTH = 120;

/** A keyboard to press Ctrl+Enter on is likely (not a phone's touch screen): the hint says so. */
export function hasKeyboard(): boolean {
  return typeof matchMedia !== 'function' || !matchMedia('(pointer: coarse)').matches;
}

interface Person {
  personId: string;
  firstName: string;
  lastName: string;
}

/** A conversation's name: its title, else the other members' names. */
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
