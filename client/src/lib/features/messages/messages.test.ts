import { describe, expect, it } from 'vitest';
import { fieldError, graphQLErrors } from '../../graphql/errors.fixtures';
import type { LiveEventType } from '../../graphql/generated/enums';
import type { MessageFieldsFragment } from '../../graphql/generated/graphql';
import { messagingEvent } from './events';
import {
  canChange,
  conversationName,
  EDIT_WINDOW_MS,
  lastReadOwn,
  mergeMessages,
  messagingError,
} from './messages';

const ME = '10';
const THEM = '20';

function message(id: string, authorId = ME, at = '2026-12-01T10:00:00Z'): MessageFieldsFragment {
  return {
    id,
    conversationId: '1',
    authorId,
    text: `m${id}`,
    at,
    editedAt: null,
    deletedAt: null,
    attachments: [],
  };
}

describe('conversationName', () => {
  const members = [
    { personId: ME, lastName: 'Петрова', firstName: 'Анна' },
    { personId: THEM, lastName: 'Иванова', firstName: 'Ольга' },
  ];

  it('names a conversation after the others, or by its title', () => {
    expect(conversationName({ members }, ME)).toBe('Иванова Ольга');
    expect(conversationName({ title: 'Родители 7А', members }, ME)).toBe('Родители 7А');
  });
});

describe('mergeMessages', () => {
  it('keeps the later copy of each message, oldest first by id', () => {
    const edited = { ...message('9'), text: 'changed' };
    const merged = mergeMessages([message('9'), message('10')], [message('11'), edited]);
    expect(merged.map((m) => m.id)).toEqual(['9', '10', '11']);
    expect(merged[0].text).toBe('changed');
  });
});

describe('lastReadOwn', () => {
  const messages = [message('1'), message('2', THEM), message('3'), message('4')];

  it('finds the viewer’s newest message the other person has read', () => {
    expect(lastReadOwn(messages, ME, '3')).toBe('3');
    expect(lastReadOwn(messages, ME, '2')).toBe('1');
    expect(lastReadOwn(messages, ME, null)).toBeNull();
  });
});

describe('canChange', () => {
  const at = Date.parse('2026-12-01T10:00:00Z');

  it('allows a change within the edit window of a message not deleted', () => {
    expect(canChange(message('1'), at + EDIT_WINDOW_MS - 1000)).toBe(true);
    expect(canChange(message('1'), at + EDIT_WINDOW_MS)).toBe(false);
    expect(canChange({ ...message('1'), deletedAt: '2026-12-01T10:01:00Z' }, at)).toBe(false);
  });
});

describe('messagingError', () => {
  it('translates the messaging reasons, no recipients apart from an empty text', () => {
    const closed = graphQLErrors(
      fieldError(
        'conversationId',
        'CONVERSATION_CLOSED',
        'This conversation is closed',
        'CONFLICT',
      ),
    );
    expect(messagingError(closed)).toEqual({ key: 'messages.errors.CONVERSATION_CLOSED' });
    const nobody = graphQLErrors(fieldError('memberIds', 'EMPTY', 'Choose whom to write to'));
    expect(messagingError(nobody)).toEqual({ key: 'messages.errors.TOO_FEW' });
  });

  it('falls back to the code’s translation, never the server’s English', () => {
    const missing = graphQLErrors({
      message: 'Not found or not allowed',
      extensions: { code: 'NOT_FOUND', field: 'id' },
    });
    expect(messagingError(missing)).toEqual({ key: 'errors.code.NOT_FOUND' });
    const tooLong = graphQLErrors(fieldError('text', 'TOO_LONG', 'At most 4000 characters'));
    expect(messagingError(tooLong)).toEqual({ key: 'errors.reason.TOO_LONG' });
  });
});

describe('messagingEvent', () => {
  const raw = (type: LiveEventType, payload: unknown) => ({
    id: '5',
    type,
    payload: JSON.stringify(payload),
    at: '2026-12-01T10:00:00Z',
  });

  it('reads the conversation and message ids of a known event', () => {
    expect(messagingEvent(raw('MESSAGE_SENT', { conversationId: '3', messageId: '7' }))).toEqual({
      id: '5',
      type: 'MESSAGE_SENT',
      conversationId: '3',
      messageId: '7',
    });
  });

  it('leaves out unknown types and shapes', () => {
    expect(messagingEvent(raw('MARK_SAVED', { conversationId: '3' }))).toBeUndefined();
    expect(messagingEvent(raw('READ_RECEIPT', { personId: '3' }))).toBeUndefined();
    expect(messagingEvent({ ...raw('MESSAGE_SENT', {}), payload: 'not json' })).toBeUndefined();
  });
});
