import type { RawLiveEvent } from '../../live/events';

export const MESSAGING_EVENT_TYPES = [
  'MESSAGE_SENT',
  'MESSAGE_EDITED',
  'MESSAGE_DELETED',
  'CONVERSATION_READ',
  'READ_RECEIPT',
  'CONVERSATION_CHANGED',
] as const;

export type MessagingEventType = (typeof MESSAGING_EVENT_TYPES)[number];

/** A messaging event: which conversation changed and how; the text is read through the query. */
export interface MessagingEvent {
  id: string;
  type: MessagingEventType;
  conversationId: string;
  messageId: string | null;
}

const isType = (value: string): value is MessagingEventType =>
  (MESSAGING_EVENT_TYPES as readonly string[]).includes(value);

const idOf = (value: unknown): string | null =>
  typeof value === 'string' && /^\d+$/.test(value)
    ? value
    : typeof value === 'number' && Number.isInteger(value)
      ? String(value)
      : null;

/** The event's type and ids, or undefined for a type or shape this client does not know. */
export function messagingEvent(raw: RawLiveEvent): MessagingEvent | undefined {
  if (!isType(raw.type)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(raw.payload);
  } catch {
    return undefined;
  }
  if (!payload || typeof payload !== 'object') return undefined;
  const fields = payload as Record<string, unknown>;
  const conversationId = idOf(fields.conversationId);
  if (!conversationId) return undefined;
  return { id: raw.id, type: raw.type, conversationId, messageId: idOf(fields.messageId) };
}
