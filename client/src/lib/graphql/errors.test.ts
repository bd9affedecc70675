import { ServerError } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { fieldError, graphQLErrors } from './errors.fixtures';
import en from '../i18n/en.json';
import ru from '../i18n/ru.json';
import { ERROR_REASONS, batchFailure, describeError, isUnauthenticated } from './errors';

const serverError = (status: number, bodyText: string) =>
  new ServerError(`status ${status}`, { response: new Response(bodyText, { status }), bodyText });

describe('describeError', () => {
  it('translates a known code into a general message', () => {
    const described = describeError(
      graphQLErrors({ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }),
    );
    expect(described).toEqual({
      code: 'FORBIDDEN',
      general: { key: 'errors.code.FORBIDDEN' },
      fields: {},
    });
  });

  it('puts a known reason next to its field', () => {
    const described = describeError(
      graphQLErrors(fieldError('name', 'NAME_TAKEN', 'Subject name already exists')),
    );
    expect(described.code).toBe('BAD_USER_INPUT');
    expect(described.general).toBeUndefined();
    expect(described.fields).toEqual({ name: { key: 'errors.reason.NAME_TAKEN' } });
  });

  it("falls back to the server's message for an unknown reason", () => {
    const described = describeError(
      graphQLErrors(fieldError('startsOn', 'SOMETHING_NEW', 'Starts on a holiday', 'CONFLICT')),
    );
    expect(described.fields).toEqual({ startsOn: { text: 'Starts on a holiday' } });
  });

  it('keeps the first message per field and a general one for field-less errors', () => {
    const described = describeError(
      graphQLErrors(fieldError('name', 'REQUIRED', 'a'), fieldError('name', 'TOO_LONG', 'b'), {
        message: 'c',
        extensions: { code: 'CONFLICT', reason: 'HAS_DEPENDENTS' },
      }),
    );
    expect(described.fields).toEqual({ name: { key: 'errors.reason.REQUIRED' } });
    expect(described.general).toEqual({ key: 'errors.reason.HAS_DEPENDENTS' });
  });

  it('treats an unknown code as a server error', () => {
    const described = describeError(graphQLErrors({ message: 'boom', extensions: {} }));
    expect(described.general).toEqual({ key: 'errors.code.INTERNAL_SERVER_ERROR' });
  });

  it('reads GraphQL errors from the body of a non-2xx response', () => {
    const body = JSON.stringify({
      errors: [{ message: 'Slow down', extensions: { code: 'RATE_LIMITED' } }],
    });
    expect(describeError(serverError(429, body)).general).toEqual({
      key: 'errors.code.RATE_LIMITED',
    });
  });

  it('maps bare HTTP statuses', () => {
    expect(describeError(serverError(429, 'Too Many Requests')).code).toBe('RATE_LIMITED');
    expect(describeError(serverError(502, '<html>')).code).toBe('INTERNAL_SERVER_ERROR');
    expect(describeError(serverError(404, 'Not Found')).code).toBe('NETWORK');
  });

  it('reports anything else as a network error', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toEqual({
      code: 'NETWORK',
      general: { key: 'errors.code.NETWORK' },
      fields: {},
    });
  });
});

describe('isUnauthenticated', () => {
  it('recognises an expired session', () => {
    const error = graphQLErrors({ message: 'x', extensions: { code: 'UNAUTHENTICATED' } });
    expect(isUnauthenticated(error)).toBe(true);
    expect(isUnauthenticated(new TypeError('Failed to fetch'))).toBe(false);
  });
});

describe('batchFailure', () => {
  it('names the wrong entries of a batch with their translated reasons', () => {
    const failure = batchFailure(
      graphQLErrors({
        message: '2 of 3 entries are wrong; nothing was saved',
        extensions: {
          code: 'BAD_USER_INPUT',
          reason: 'BATCH_INVALID',
          entries: [
            { index: 1, reason: 'LESSON_IN_FUTURE', message: 'Not yet', field: 'lessonId' },
            { index: 2, reason: 'SOMETHING_NEW', message: 'A new rule' },
            { reason: 'NO_INDEX' },
          ],
        },
      }),
    );
    expect(failure).toEqual({
      kind: 'entries',
      code: 'BAD_USER_INPUT',
      entries: [
        {
          index: 1,
          reason: 'LESSON_IN_FUTURE',
          message: { key: 'errors.reason.LESSON_IN_FUTURE' },
          current: undefined,
        },
        { index: 2, reason: 'SOMETHING_NEW', message: { text: 'A new rule' }, current: undefined },
      ],
    });
  });

  it('keeps the current value of a conflicting entry', () => {
    const current = { id: 4253, value: '4', version: 2 };
    const failure = batchFailure(
      graphQLErrors({
        message: 'Changed',
        extensions: {
          code: 'CONFLICT',
          reason: 'VERSION_CONFLICT',
          entries: [{ index: 0, reason: 'VERSION_CONFLICT', message: 'Changed', current }],
        },
      }),
    );
    expect(failure.kind === 'entries' && failure.entries[0].current).toEqual(current);
  });

  it('gives one message when no entry is named', () => {
    expect(
      batchFailure(graphQLErrors({ message: 'No', extensions: { code: 'FORBIDDEN' } })),
    ).toEqual({ kind: 'general', code: 'FORBIDDEN', message: { key: 'errors.code.FORBIDDEN' } });
    expect(batchFailure(new TypeError('Failed to fetch'))).toEqual({
      kind: 'general',
      code: 'NETWORK',
      message: { key: 'errors.code.NETWORK' },
    });
    expect(
      batchFailure(
        graphQLErrors(fieldError('topic', 'TOO_LONG', 'topic is longer than 500 characters')),
      ),
    ).toEqual({
      kind: 'general',
      code: 'BAD_USER_INPUT',
      message: { key: 'errors.reason.TOO_LONG' },
    });
  });
});

describe('reason texts', () => {
  it('gives every reason of the schema a Russian and an English text', () => {
    const ruTexts: Record<string, string> = ru.errors.reason;
    const enTexts: Record<string, string> = en.errors.reason;
    expect(ERROR_REASONS.filter((reason) => !ruTexts[reason])).toEqual([]);
    expect(ERROR_REASONS.filter((reason) => !enTexts[reason])).toEqual([]);
  });
});
