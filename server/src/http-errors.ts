import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler } from 'express';
import { log } from './log.js';
import { requestIdOf } from './ops/request-id.js';

interface Answer {
  code: string;
  message: string;
}

/**
 * Fixed words by status. The error's own message is never used: Node's JSON.parse quotes part of
 * the body in it, and body-parser keeps the whole body on the error.
 */
const ANSWERS: Record<number, Answer> = {
  400: { code: 'BAD_REQUEST', message: 'The request could not be read' },
  404: { code: 'NOT_FOUND', message: 'Not found' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  415: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the request body as JSON in UTF-8, uncompressed or gzip',
  },
};
const NOT_JSON: Answer = { code: 'BAD_REQUEST', message: 'The request body is not valid JSON' };
const OTHER_CLIENT_ERROR: Answer = { code: 'BAD_REQUEST', message: 'The request was refused' };
const SERVER_ERROR: Answer = {
  code: 'INTERNAL_SERVER_ERROR',
  message: 'Something went wrong on the server',
};

type Where = 'graphql' | 'app';

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  limit?: unknown;
}

function statusOf(err: HttpErrorLike): number {
  const status = Number(err.status ?? err.statusCode);
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}

function answerFor(status: number, where: Where): Answer {
  if (status >= 500) return SERVER_ERROR;
  // Before GraphQL, a 400 is body-parser's: the body did not parse.
  if (status === 400 && where === 'graphql') return NOT_JSON;
  return ANSWERS[status] ?? OTHER_CLIENT_ERROR;
}

/**
 * Answers an error that reached Express (a body that is not JSON, too large, in an unknown
 * charset, or anything thrown outside GraphQL) as a GraphQL-shaped JSON error, in every mode.
 * Express's own handler would print the error, body included, to stderr and send its stack to the
 * client outside production. The log gets a fixed message, the status and an id to match the
 * answer by; the answer gets no stack, path or message from the error.
 */
export function jsonErrors(where: Where): ErrorRequestHandler {
  // Express tells error handlers by their four parameters, so `_next` stays.
  return (err: HttpErrorLike, req, res, _next) => {
    const status = statusOf(err ?? {});
    // The id the request was given on arrival (also in its X-Request-Id header and log lines).
    const requestId = requestIdOf(res) ?? randomUUID();
    (status >= 500 ? log.error : log.warn)('request refused', { where, status, requestId });
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    const { code, message } = answerFor(status, where);
    const extensions: Record<string, unknown> = { code, requestId };
    if (status === 413 && typeof err.limit === 'number') extensions.limitBytes = err.limit;
    res.status(status).json({ errors: [{ message, extensions }] });
  };
}
