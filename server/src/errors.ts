import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  UniqueConstraintViolationException,
  ForeignKeyConstraintViolationException,
  OptimisticLockError,
} from '@mikro-orm/core';
import { log } from './log.js';
import type { ErrorReason } from './error-reason.js';

export type { ErrorReason } from './error-reason.js';

/** The codes a client can act on; `reason` refines BAD_USER_INPUT and CONFLICT. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'RESYNC_REQUIRED'
  | 'UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export interface DomainErrorDetails {
  /** Machine-readable refinement, e.g. `NAME_TAKEN`, `PERIOD_OVERLAP`: one of `ErrorReason`. */
  reason?: ErrorReason;
  /** For MISSING_PERMISSION: the permission the viewer lacks. */
  permission?: string;
  /** The input field the error is about, so a form can show it beside that field. */
  field?: string;
  retryAfterSeconds?: number;
  /** How many there would have been (a report over its row cap). */
  count?: number;
  /** For a batch: each wrong entry, by its index in the input. Nothing of the batch was written. */
  entries?: EntryProblem[];
}

export interface EntryProblem {
  index: number;
  reason: ErrorReason;
  message: string;
  field?: string;
  /** For VERSION_CONFLICT: the value as it is now, so the client can show it and let the person choose. */
  current?: unknown;
  /** The pupils an entry is about (subgroup splits). */
  pupilIds?: string[];
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (field: string, reason: ErrorReason, message: string) =>
  new DomainError('BAD_USER_INPUT', message, { field, reason });
export const conflict = (field: string | undefined, reason: ErrorReason, message: string) =>
  new DomainError('CONFLICT', message, { field, reason });
/** A change made against an old version: refused, with the value as it is now. */
export const versionConflict = (message: string, current: unknown) =>
  new DomainError('CONFLICT', message, {
    reason: 'VERSION_CONFLICT',
    entries: [
      { index: 0, reason: 'VERSION_CONFLICT', message: 'Changed by someone else', current },
    ],
  });
export const notFound = () => new DomainError('NOT_FOUND', 'Not found or not allowed');
export const forbidden = () => new DomainError('FORBIDDEN', 'Not allowed');
export const unauthenticated = () => new DomainError('UNAUTHENTICATED', 'Sign in first');

const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * SQLSTATE classes 08 (connection exception) and 57P (operator intervention: the server shutting
 * down or restarting), and the socket errors of a database that is gone.
 */
const UNREACHABLE_STATES = /^(08...|57P0[1-3])$/;
const UNREACHABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTCONN',
  'EPIPE',
  'ETIMEDOUT',
  // A query written to the socket of a connection the server has just closed.
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);
const UNREACHABLE_MESSAGES =
  /Connection terminated|Timeout acquiring a connection|not queryable|the database system is (starting up|shutting down|in recovery)|after a stream was destroyed|socket has been ended|Unable to acquire a connection|Query read timeout|after calling end on the pool|connection timeout/;

/** An error and those it wraps (GraphQL's `originalError`, `cause`), five deep at most. */
function errorChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = error; e instanceof Error && chain.length < 5;) {
    chain.push(e);
    e = (e as { originalError?: unknown }).originalError ?? e.cause;
  }
  return chain;
}

/** An error's `code` (SQLSTATE, errno), when it has one. */
const codeOf = (e: Error): string | undefined => {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

/** Whether an error (or one it wraps) says the database could not be reached: worth a retry. */
export function databaseUnreachable(error: unknown): boolean {
  return errorChain(error).some((e) => {
    const code = codeOf(e);
    if (code && (UNREACHABLE_STATES.test(code) || UNREACHABLE_ERRNOS.has(code))) return true;
    return UNREACHABLE_MESSAGES.test(e.message);
  });
}

/** The one place where errors become what a client sees: domain codes kept, everything else hidden. */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: original.code, ...original.details },
    };
  }
  if (original instanceof UniqueConstraintViolationException) {
    return {
      message: 'This already exists',
      path: formatted.path,
      extensions: { code: 'CONFLICT', reason: 'DUPLICATE' },
    };
  }
  if (original instanceof OptimisticLockError) {
    return {
      message: 'Someone changed this a moment ago; reload and try again',
      path: formatted.path,
      extensions: { code: 'CONFLICT', reason: 'VERSION_CONFLICT' },
    };
  }
  if (original instanceof ForeignKeyConstraintViolationException) {
    return {
      message: 'Still in use by other records',
      path: formatted.path,
      extensions: { code: 'CONFLICT', reason: 'HAS_DEPENDENTS' },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PASS_THROUGH.has(code)) {
    const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  if (original instanceof GraphQLError && !(original.originalError instanceof Error)) {
    // Errors raised by graphql-js or by the armor plugins: safe to show, no internals inside.
    const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, code: code ?? 'BAD_REQUEST' } };
  }
  if (isVariableCoercionError(original, formatted)) {
    // A variable of the wrong type (`after: true`), refused by graphql-js before any resolver:
    // Apollo names these BAD_USER_INPUT over HTTP; the socket's ordinary path meets them raw.
    return { message: formatted.message, extensions: { code: 'BAD_USER_INPUT' } };
  }
  if (databaseUnreachable(original)) {
    log.warn('database unreachable', { path: formatted.path });
    return {
      message: 'The service is briefly unavailable; try again',
      path: formatted.path,
      extensions: { code: 'UNAVAILABLE', retryAfterSeconds: 1 },
    };
  }
  log.error('unexpected error', {
    name: (original as Error)?.name,
    path: formatted.path,
    // The SQLSTATEs or socket errors along the chain: enough to tell a fault apart, never a value.
    codes: errorCodes(original),
  });
  if (original instanceof Error && original.stack) log.debug(original.stack);
  return {
    message: 'Internal server error',
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * graphql-js's refusal of a variable's value: no path (no resolver ran), wrapping the scalar's
 * own GraphQLError, which wraps nothing. Its message names the variable and the type, nothing
 * of ours.
 */
function isVariableCoercionError(original: unknown, formatted: GraphQLFormattedError): boolean {
  return (
    original instanceof GraphQLError &&
    !formatted.path &&
    original.originalError instanceof GraphQLError &&
    !(original.originalError.originalError instanceof Error)
  );
}

/** The `code` of an error and of those it wraps (SQLSTATE, errno), for the log. */
function errorCodes(error: unknown): string[] {
  return errorChain(error)
    .map(codeOf)
    .filter((code): code is string => !!code && /^[A-Z0-9_]{1,40}$/.test(code));
}
