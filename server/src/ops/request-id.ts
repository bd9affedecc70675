import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { withLogContext } from '../log.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What a proxy's id may look like: nginx's `$request_id` (32 hex digits), a UUID, and the like. */
const SANE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * Gives each request an id, sends it back in `X-Request-Id` and runs the rest of the request
 * inside the log context, so that every line logged while serving it names it. Behind a trusted
 * proxy (TRUST_PROXY) the proxy's own id is kept, so its access log and ours match; otherwise a
 * client's header is ignored, so that nobody can pass their requests off under another's id.
 * (express.json's body reader binds its callbacks to this context, so it survives the body.)
 */
export function requestIds(trustProxy: boolean): RequestHandler {
  return (req, res, next) => {
    withLogContext({ requestId: assign(req, res, trustProxy) }, next);
  };
}

/** The id `requestIds` gave this request, if it ran. */
export function requestIdOf(res: Response): string | undefined {
  const id: unknown = res.locals.requestId;
  return typeof id === 'string' ? id : undefined;
}

function assign(req: Request, res: Response, trustProxy: boolean): string {
  const incoming = req.headers['x-request-id'];
  const requestId =
    trustProxy && typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return requestId;
}
