import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';

/** Error codes the server puts in `extensions.code`, each with a translated message. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number] | 'NETWORK';

/** Machine keys the server puts in `extensions.reason` next to `extensions.field`. */
export const ERROR_REASONS = [
  'NAME_TAKEN',
  'LOGIN_TAKEN',
  'PERIOD_OVERLAP',
  'PERIOD_OUTSIDE_YEAR',
  'CLASS_TEACHER_TAKEN',
  'INVALID_DATE_RANGE',
  'REQUIRED',
  'TOO_LONG',
  'OUT_OF_RANGE',
  'INVALID_TIME_ZONE',
  'HAS_DEPENDENTS',
] as const;

/**
 * Something to show a person: a dictionary key (translated when rendered, so a language switch
 * re-translates it) or, when the server sent a reason we do not know, the server's own text.
 */
export type UiMessage = { key: string } | { text: string };

export interface DescribedError {
  code: ErrorCode;
  /** Message for the form or page as a whole; absent when every error belongs to a field. */
  general?: UiMessage;
  /** Messages keyed by input field name (`extensions.field`). */
  fields: Record<string, UiMessage>;
}

const isKnown = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);

export function codeMessage(code: ErrorCode): UiMessage {
  return { key: `errors.code.${code}` };
}

function fieldMessage(error: GraphQLFormattedError): UiMessage {
  const reason = error.extensions?.reason;
  return isKnown(ERROR_REASONS, reason)
    ? { key: `errors.reason.${reason}` }
    : { text: error.message };
}

function codeOf(error: GraphQLFormattedError): ErrorCode {
  const code = error.extensions?.code;
  return isKnown(ERROR_CODES, code) ? code : 'INTERNAL_SERVER_ERROR';
}

function describeGraphQLErrors(errors: readonly GraphQLFormattedError[]): DescribedError {
  const described: DescribedError = { code: codeOf(errors[0]), fields: {} };
  for (const error of errors) {
    const field = error.extensions?.field;
    if (typeof field === 'string' && field !== '') {
      described.fields[field] ??= fieldMessage(error);
    } else {
      const reason = error.extensions?.reason;
      described.general ??= isKnown(ERROR_REASONS, reason)
        ? { key: `errors.reason.${reason}` }
        : codeMessage(codeOf(error));
    }
  }
  return described;
}

/** Errors a JSON body of a non-2xx response may carry (e.g. a 429 from a rate limiter). */
function errorsInBody(bodyText: string): GraphQLFormattedError[] | undefined {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (body && typeof body === 'object' && 'errors' in body && Array.isArray(body.errors)) {
      return body.errors.length > 0 ? (body.errors as GraphQLFormattedError[]) : undefined;
    }
  } catch {
    // Not JSON: fall through to the status code.
  }
  return undefined;
}

function describeServerError(error: ServerError): DescribedError {
  const errors = errorsInBody(error.bodyText);
  if (errors) return describeGraphQLErrors(errors);
  const code: ErrorCode =
    error.statusCode === 429
      ? 'RATE_LIMITED'
      : error.statusCode >= 500
        ? 'INTERNAL_SERVER_ERROR'
        : 'NETWORK';
  return { code, general: codeMessage(code), fields: {} };
}

/** Turns whatever Apollo Client rejected with into messages for the UI. */
export function describeError(error: unknown): DescribedError {
  if (CombinedGraphQLErrors.is(error) && error.errors.length > 0) {
    return describeGraphQLErrors(error.errors);
  }
  if (ServerError.is(error)) return describeServerError(error);
  return { code: 'NETWORK', general: codeMessage('NETWORK'), fields: {} };
}

/** True when the server says the session is missing or expired. */
export function isUnauthenticated(error: unknown): boolean {
  return (
    CombinedGraphQLErrors.is(error) &&
    error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
  );
}
