import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';
import { describeError, type DescribedError } from '../../graphql/errors';

/** Reasons the account forms put into words of their own (`account.errors.*`). */
const REASON_KEYS: Record<string, string> = {
  BAD_CODE: 'account.errors.badCode',
  CODE_EXPIRED: 'account.errors.codeExpired',
  PASSWORD_TOO_SHORT: 'account.errors.passwordTooShort',
  PASSWORD_TOO_WEAK: 'account.errors.passwordTooWeak',
  TOO_LONG: 'account.errors.passwordTooLong',
  WRONG_PASSWORD: 'account.errors.wrongPassword',
  REQUIRED: 'account.errors.required',
};

export interface AccountFailure {
  described: DescribedError;
  /** With RATE_LIMITED: how long to wait, when the server said. */
  retryAfterSeconds?: number;
}

function graphQLErrors(error: unknown): readonly GraphQLFormattedError[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors;
  if (ServerError.is(error)) {
    try {
      const body: unknown = JSON.parse(error.bodyText);
      if (body && typeof body === 'object' && 'errors' in body && Array.isArray(body.errors)) {
        return body.errors as GraphQLFormattedError[];
      }
    } catch {
      // Not JSON: nothing to refine.
    }
  }
  return [];
}

/**
 * What went wrong in activation, a password change or the like: the general description, with
 * the reasons these forms know (wrong code, expired code, weak password…) in their own words,
 * beside the field the server names, and how long a rate limit lasts.
 */
export function accountFailure(error: unknown): AccountFailure {
  const described = describeError(error);
  const failure: AccountFailure = { described };
  const fieldMessages = { ...described.fields };
  let general = described.general;
  for (const graphQLError of graphQLErrors(error)) {
    const { code, reason, field, retryAfterSeconds } = graphQLError.extensions ?? {};
    if (code === 'RATE_LIMITED') {
      if (typeof retryAfterSeconds === 'number') failure.retryAfterSeconds = retryAfterSeconds;
      continue;
    }
    const key = typeof reason === 'string' ? REASON_KEYS[reason] : undefined;
    if (!key) continue;
    if (typeof field === 'string' && field !== '') fieldMessages[field] = { key };
    else general = { key };
  }
  failure.described = { ...described, general, fields: fieldMessages };
  return failure;
}

/** Whole minutes to wait, at least one. */
export function minutesToWait(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
