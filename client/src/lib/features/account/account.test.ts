import { describe, expect, it } from 'vitest';
import { fieldError, graphQLError, graphQLErrors } from '../../graphql/errors.fixtures';
import { accountFailure, minutesToWait } from './errors';
import { strengthLevel, strengthSegments } from './strength';

describe('accountFailure', () => {
  it('puts a wrong or expired code into the account words', () => {
    expect(
      accountFailure(
        graphQLError('Wrong login or code', { code: 'UNAUTHENTICATED', reason: 'BAD_CODE' }),
      ).described.general,
    ).toEqual({ key: 'account.errors.badCode' });
    expect(
      accountFailure(graphQLError('Expired', { code: 'UNAUTHENTICATED', reason: 'CODE_EXPIRED' }))
        .described.general,
    ).toEqual({ key: 'account.errors.codeExpired' });
  });

  it('shows a weak password or a wrong current one beside its field', () => {
    const weak = accountFailure(
      graphQLErrors(fieldError('password', 'PASSWORD_TOO_WEAK', 'Too easy')),
    ).described;
    expect(weak.fields).toEqual({ password: { key: 'account.errors.passwordTooWeak' } });
    expect(weak.general).toBeUndefined();
    const wrong = accountFailure(
      graphQLErrors(fieldError('currentPassword', 'WRONG_PASSWORD', 'Wrong')),
    ).described;
    expect(wrong.fields).toEqual({ currentPassword: { key: 'account.errors.wrongPassword' } });
  });

  it('says how long a rate limit lasts', () => {
    const failure = accountFailure(
      graphQLError('Too many', { code: 'RATE_LIMITED', retryAfterSeconds: 601 }),
    );
    expect(failure.described.code).toBe('RATE_LIMITED');
    expect(failure.retryAfterSeconds).toBe(601);
    expect(minutesToWait(601)).toBe(11);
    expect(minutesToWait(3)).toBe(1);
  });

  it('leaves other errors as the app describes them', () => {
    const failure = accountFailure(graphQLError('No', { code: 'FORBIDDEN' }));
    expect(failure.described.general).toEqual({ key: 'errors.code.FORBIDDEN' });
    expect(accountFailure(new Error('offline')).described.code).toBe('NETWORK');
  });
});

describe('strength', () => {
  it('words the score, a short password always weak', () => {
    expect(strengthLevel({ score: 4, acceptable: false, minLength: 8 }, 5)).toBe('weak');
    expect(strengthLevel({ score: 1, acceptable: false, minLength: 8 }, 12)).toBe('weak');
    expect(strengthLevel({ score: 2, acceptable: true, minLength: 8 }, 12)).toBe('medium');
    expect(strengthLevel({ score: 3, acceptable: true, minLength: 8 }, 12)).toBe('strong');
    expect(strengthSegments(0)).toBe(1);
    expect(strengthSegments(4)).toBe(4);
  });
});
