import express, { type NextFunction, type Request, type Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { parse as parseCookies } from 'cookie';
import { loadViewer, type Viewer } from '../../auth/viewer.js';
import { SESSION_COOKIE } from '../../auth/session.service.js';
import type { Clock } from '../../clock.js';
import { DomainError } from '../../errors.js';
import { Permission, policy } from '../../auth/policy.js';
import { logModeratorRead } from './messaging.service.js';
import {
  ATTACHMENT_MAX_BYTES,
  checkUploadLimits,
  cleanName,
  contentDisposition,
  readForViewer,
  sniffType,
  storeUpload,
} from './attachments.js';

export interface FileRouteDeps {
  orm: MikroORM;
  clock: Clock;
  /** The same rule the socket uses: an allowed origin or the page's own. */
  originAllowed(origin: string | undefined, host: string | undefined): boolean;
}

/** Simple requests a form on another site could send without asking first. */
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * `POST /files` (the body is the file, its name in `X-File-Name`, URI-encoded) and
 * `GET /files/:id`. Both need a session; the upload also a page of ours behind it and a content
 * type no other site's form can send (the GraphQL endpoint's CSRF rule). Answers are shaped
 * like GraphQL errors. Nothing of the file (name, bytes) is logged.
 */
export function fileRoutes(deps: FileRouteDeps): express.Router {
  const router = express.Router();
  router.post('/files', (req, res, next) => void upload(deps, req, res).catch(fail(res, next)));
  router.get(
    '/files/:id',
    (req, res, next) => void download(deps, req, res).catch(fail(res, next)),
  );
  return router;
}

async function viewerOf(deps: FileRouteDeps, req: Request): Promise<Viewer> {
  const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
  const viewer = token ? await loadViewer(deps.orm.em.fork(), token) : null;
  if (!viewer) throw new DomainError('UNAUTHENTICATED', 'Sign in first');
  return viewer;
}

async function upload(deps: FileRouteDeps, req: Request, res: Response): Promise<void> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!deps.originAllowed(req.headers.origin, req.headers.host) || SIMPLE_TYPES.includes(type)) {
    throw new DomainError('FORBIDDEN', 'Upload from a page of this site');
  }
  const viewer = await viewerOf(deps, req);
  const em = deps.orm.em.fork();
  await checkUploadLimits(em, viewer);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > ATTACHMENT_MAX_BYTES) return tooLarge(req, res);
  const data = await readLimited(req, ATTACHMENT_MAX_BYTES);
  if (!data) return tooLarge(req, res);
  const name = cleanName(decodeName(req.headers['x-file-name']));
  const contentType = data.length > 0 ? await sniffType(data, name) : null;
  if (!contentType) {
    res.status(415);
    throw new DomainError('BAD_USER_INPUT', 'Images, PDF and office documents only', {
      field: 'file',
      reason: 'UNSUPPORTED_TYPE',
    });
  }
  res.status(201).json(await storeUpload(em, viewer, { name, contentType, data }));
}

async function download(deps: FileRouteDeps, req: Request, res: Response): Promise<void> {
  const viewer = await viewerOf(deps, req);
  const id = Number(req.params.id);
  const moderator = policy.can(viewer, Permission.MessageModerate);
  const em = deps.orm.em.fork();
  const [school] = await em.execute<{ tz: string }[]>(
    'select time_zone as tz from school where id = ?',
    [viewer.schoolId],
  );
  const file =
    Number.isSafeInteger(id) && id > 0 && id < 2 ** 31
      ? await readForViewer(em, { ...viewer, moderator }, deps.clock.today(school.tz), id)
      : undefined;
  if (!file) {
    res.status(404);
    throw new DomainError('NOT_FOUND', 'Not found or not allowed');
  }
  if (file.loggedFor.length > 0) await logModeratorRead(em, viewer, file.loggedFor);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', contentDisposition(file.name));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'private, no-cache');
  res.end(file.data);
}

/** The body, or nothing once it passes `limit` bytes: reading stops there. */
function readLimited(req: Request, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** 413 with the limit; the connection closes after the answer, the rest is never read. */
function tooLarge(req: Request, res: Response): void {
  res.setHeader('Connection', 'close');
  res.once('finish', () => req.socket.destroy());
  res.status(413).json({
    errors: [
      {
        message: `At most ${ATTACHMENT_MAX_BYTES} bytes`,
        extensions: {
          code: 'PAYLOAD_TOO_LARGE',
          field: 'file',
          reason: 'FILE_TOO_LARGE',
          limitBytes: ATTACHMENT_MAX_BYTES,
        },
      },
    ],
  });
}

function decodeName(header: string | string[] | undefined): string {
  const raw = Array.isArray(header) ? header[0] : (header ?? '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  RATE_LIMITED: 429,
};

/** A refusal as a GraphQL-shaped error; anything else goes to the app's JSON error handler. */
const fail = (res: Response, next: NextFunction) => (e: unknown) => {
  if (!(e instanceof DomainError) || res.headersSent) return next(e);
  if (res.statusCode < 400) res.status(STATUS[e.code] ?? 400);
  if (e.details.retryAfterSeconds) res.setHeader('Retry-After', e.details.retryAfterSeconds);
  res.json({ errors: [{ message: e.message, extensions: { code: e.code, ...e.details } }] });
};
