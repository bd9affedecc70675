import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorReason } from './generated/enums';
import ru from '../i18n/ru.json';

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

/**
 * Every reason the server may put in `extensions.reason` (and in a batch's entries), generated
 * from the schema's `ErrorReason` enum (decision 33): nothing is listed here by hand.
 */
export const ERROR_REASONS = Object.values(ErrorReason);
export type { ErrorReason };

/**
 * The reasons with a text of their own (`errors.reason.*` in the dictionaries); the others show
 * the server's words. The dictionary may name only reasons the schema has: tsc checks it.
 */
const TRANSLATED = new Set<string>(
  Object.keys(ru.errors.reason satisfies Partial<Record<ErrorReason, string>>),
);

/** Whether a value the server sent is one of the schema's reasons. */
export const isErrorReason = (value: unknown): value is ErrorReason =>
  typeof value === 'string' && (ERROR_REASONS as readonly string[]).includes(value);

/** A reason with a dictionary text of its own. */
export const isTranslatedReason = (value: unknown): value is ErrorReason =>
  isErrorReason(value) && TRANSLATED.has(value);

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

/** A reason's translation, or the server's own text for a reason we do not know. */
export function reasonMessage(reason: unknown, text: string): UiMessage {
  return isTranslatedReason(reason) ? { key: `errors.reason.${reason}` } : { text };
}

function fieldMessage(error: GraphQLFormattedError): UiMessage {
  return reasonMessage(error.extensions?.reason, error.message);
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
      described.general ??= isTranslatedReason(reason)
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

/** One wrong entry of a batch write (`extensions.entries[i]`), its reason translated. */
export interface EntryProblem {
  /** Position of the entry in the batch that was sent. */
  index: number;
  reason: ErrorReason;
  message: UiMessage;
  /** With VERSION_CONFLICT: the record as it is now; null when there is none. */
  current?: unknown;
}

/**
 * How a batch write (all or nothing) failed: the server named the wrong entries (BAD_USER_INPUT)
 * or those someone else changed (CONFLICT), or the batch failed as a whole.
 */
export type BatchFailure =
  | { kind: 'entries'; code: 'BAD_USER_INPUT' | 'CONFLICT'; entries: EntryProblem[] }
  | { kind: 'general'; code: ErrorCode; message: UiMessage };

function entryProblems(entries: unknown): EntryProblem[] {
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return [];
    const { index, reason, message, current } = entry as Record<string, unknown>;
    if (typeof index !== 'number' || typeof reason !== 'string') return [];
    const text = typeof message === 'string' ? message : reason;
    // A reason newer than this client keeps the server's words.
    return [
      { index, reason: reason as ErrorReason, message: reasonMessage(reason, text), current },
    ];
  });
}

/** Turns what a batch write rejected with into the entries to blame, or one general message. */
export function batchFailure(error: unknown): BatchFailure {
  if (CombinedGraphQLErrors.is(error) && error.errors.length > 0) {
    const first = error.errors[0];
    const code = first.extensions?.code;
    const entries = entryProblems(first.extensions?.entries);
    if ((code === 'BAD_USER_INPUT' || code === 'CONFLICT') && entries.length > 0) {
      return { kind: 'entries', code, entries };
    }
  }
  const described = describeError(error);
  const message =
    described.general ?? Object.values(described.fields)[0] ?? codeMessage(described.code);
  return { kind: 'general', code: described.code, message };
}

/** True when the server says the session is missing or expired. */
export function isUnauthenticated(error: unknown): boolean {
  return (
    CombinedGraphQLErrors.is(error) &&
    error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
  );
}
