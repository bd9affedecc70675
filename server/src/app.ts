import 'reflect-metadata';
import { SOURCES as NOTIFICATION_SOURCES } from './modules/notifications/notification.sources.js';
import http from 'node:http';
import { AsyncResource } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ValidationRule,
} from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { parse as parseCookies } from 'cookie';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import { buildAppSchema } from './graphql/schema.js';
import { createLoaders, type Loaders } from './graphql/loaders.js';
import type { RequestContext } from './graphql/context.js';
import { createServices, type Services } from './services.js';
import { formatError } from './errors.js';
import { loadViewer, type Viewer } from './auth/viewer.js';
import { SESSION_COOKIE } from './auth/session.service.js';
import { log } from './log.js';
import { jsonErrors } from './http-errors.js';
import { healthRoutes } from './ops/health.js';
import { fileRoutes } from './modules/messaging/files.routes.js';
import { mailRoutes } from './modules/mail/mail.routes.js';
import { Metrics } from './ops/metrics.js';
import { requestIds } from './ops/request-id.js';
import { EventBus } from './events/event-bus.js';
import { PushWorker } from './modules/push/push.worker.js';
import { fastSubscribe, type Subscriber, type SubscriberContext } from './events/fast-subscribe.js';

const MAX_TOKENS = 3000;

export interface App {
  server: http.Server;
  services: Services;
  /** Sends Web Push from the outbox (modules/push); tests stop it and drain by hand. */
  pushWorker: PushWorker;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Builds the HTTP + WebSocket server. No globals: tests build as many as they like. */
export async function createApp(config: Config, orm: MikroORM): Promise<App> {
  const schema = await buildAppSchema();
  const bus = new EventBus(orm.em, orm.config.get('clientUrl')!, {
    redisUrl: config.redisUrl,
    retentionHours: config.eventRetentionHours,
    // The bell's list is read from the outbox (decision 43): its events stay longer.
    keep: { types: Object.keys(NOTIFICATION_SOURCES), hours: config.notificationRetentionHours },
  });
  await bus.start();
  const services = createServices(config, orm.em.getConnection().getKnex(), bus);
  // Messages held back outside someone's working hours are announced when the hours start.
  const releaseHeld = setInterval(
    () =>
      void services.messaging
        .releaseDue(orm.em.fork())
        .catch(() => log.warn('held messages not released; will retry')),
    30_000,
  );
  releaseHeld.unref();
  // Web Push leaves from the outbox after commit, woken by the bus (decision 54).
  const pushWorker = new PushWorker(
    services.push,
    () => orm.em.fork(),
    () => services.clock.now(),
  );
  pushWorker.start(bus);
  // Due by each school's clock, each minute: e-mail digests and weekly reports (off without
  // SMTP_URL), and scheduled report views (messages with the XLSX, decision 64).
  const sendMail = setInterval(() => {
    void services.mail.tick(orm.em.fork()).catch(() => log.warn('mail tick failed; will retry'));
    void services.reportSchedules
      .tick(orm.em.fork())
      .catch(() => log.warn('report schedule tick failed; will retry'));
  }, 60_000);
  sendMail.unref();
  const expressApp = express();
  expressApp.disable('x-powered-by');
  // No ETag on answers sent by `res.send` (GraphQL's, the health checks'): hashing every answer
  // cost up to a tenth of a millisecond for a course list and no client revalidates a POST.
  // Static files (express.static, sendFile) set their own.
  expressApp.set('etag', false);
  // Express takes its mode from NODE_ENV at creation; the server's mode is the validated config's.
  expressApp.set('env', config.env);
  expressApp.set('trust proxy', config.trustProxy);
  const server = http.createServer(expressApp);

  const armor = new ApolloArmor({
    // Fragments count by what they select, not once more for the spread: typed documents use many.
    maxDepth: { n: 10, flattenFragments: true },
    maxAliases: { n: 20 },
    maxDirectives: { n: 20 },
    // Token limits come from graphql-js's own parser (parseOptions below): armor's answers 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: 10000 },
    blockFieldSuggestion: { enabled: config.isProduction },
  }).protect();

  // The same limits as over HTTP: a socket is no way around them. Thousands of sockets send the
  // same few documents, so each is parsed and validated once and then shared.
  const documents = new CheckedDocuments((query) => {
    const document = parse(query, { maxTokens: MAX_TOKENS });
    const errors = validate(schema, document, [
      ...specifiedRules,
      ...(armor.validationRules as ValidationRule[]),
    ]);
    return errors.length > 0 ? errors : document;
  });
  const wss = new WebSocketServer({ noServer: true });
  const metrics = new Metrics({ orm, bus, openSockets: () => wss.clients.size });
  const wsCleanup = useServer(
    {
      schema,
      subscribe: fastSubscribe,
      context: (ctx, id) =>
        socketContext(orm, services, ctx.extra.request as AuthedRequest, {
          socket: ctx.extra.socket,
          id,
        }),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) }
          : result,
      onSubscribe: (_ctx, _id, payload) => {
        const checked = documents.check(payload.query);
        if (Array.isArray(checked)) return checked;
        const document = checked as DocumentNode;
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [SOCKET_SUBSCRIPTIONS_ONLY];
        }
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
        };
      },
    },
    wss,
  );
  // Sockets by session, so that ending a session (here or in another process) closes them at once,
  // and a session that expires is closed too.
  const sockets = new Map<number, Set<import('ws').WebSocket>>();
  wss.on('connection', (ws, req: AuthedRequest) => {
    const viewer = req.viewer!;
    const set = sockets.get(viewer.sessionId) ?? new Set();
    set.add(ws);
    sockets.set(viewer.sessionId, set);
    const expiry = setTimeout(
      () => ws.close(4401, 'Session expired'),
      Math.min(viewer.expiresAt.getTime() - Date.now(), 2 ** 31 - 1),
    );
    ws.on('close', () => {
      clearTimeout(expiry);
      set.delete(ws);
      if (set.size === 0) sockets.delete(viewer.sessionId);
    });
  });
  bus.subscribe((e) => {
    if (e.type !== 'SESSION_REVOKED') return;
    for (const ws of sockets.get(Number(e.payload.sessionId)) ?? []) {
      ws.close(4401, 'Session ended');
    }
  });
  server.on('upgrade', (req: AuthedRequest, socket, head) => {
    void authenticateUpgrade(req, config, orm).then(
      (status) => {
        if (status !== 101) {
          socket.end(
            `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`,
          );
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      },
      () => socket.destroy(),
    );
  });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    introspection: !config.isProduction,
    csrfPrevention: true,
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [
      ...(armor.plugins as unknown as ApolloServerPlugin<RequestContext>[]),
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      // No cache hints are used; installed implicitly, the cache-control plugin wraps every field's
      // resolver (schema instrumentation) for nothing (decision 50, docs/PERFORMANCE.md).
      ApolloServerPluginCacheControlDisabled(),
      metrics.apolloPlugin(),
      {
        // A mutation has committed by the time its answer leaves: wake the other processes.
        async requestDidStart() {
          return {
            async didResolveOperation({ operation }) {
              if (operation?.operation === 'subscription') throw subscriptionOverHttp();
            },
            async willSendResponse({ operation, contextValue }) {
              if (operation?.operation === 'mutation') bus.announce();
              // Staff reads of others' personal data, written before the answer leaves (152-FZ).
              await contextValue.personalDataReads?.flush(contextValue.em);
            },
          };
        },
      },
      {
        async serverWillStart() {
          return { drainServer: async () => void (await wsCleanup.dispose()) };
        },
      },
    ],
    validationRules: [...armor.validationRules],
  });
  await apollo.start();

  expressApp.use(requestIds(config.trustProxy));
  expressApp.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  // GraphQL first: every page's requests go there, past no other route's matching.
  const graphqlContext = async ({ req, res }: { req: express.Request; res: express.Response }) => {
    const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    // One prepared statement on the pool: no unit of work is needed to find the session.
    const viewer = token ? await loadViewer(orm.em, token) : null;
    const ctx = requestContext(orm, services, viewer, req);
    if (viewer) await services.sessions.touch(ctx, viewer);
    const cookie = {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
      path: '/',
    } as const;
    ctx.cookies = {
      setSession: (value, expiresAt) =>
        res.cookie(SESSION_COOKIE, value, { ...cookie, expires: expiresAt }),
      clearSession: () => res.clearCookie(SESSION_COOKIE, cookie),
    };
    return ctx;
  };
  expressApp.use(
    '/graphql',
    graphqlHttp(apollo, graphqlContext),
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: graphqlContext }),
    jsonErrors('graphql'),
  );
  expressApp.use(healthRoutes(orm));
  expressApp.get('/metrics', metrics.handler(config.metrics));
  expressApp.use(
    fileRoutes({
      orm,
      clock: services.clock,
      originAllowed: (origin, host) => originAllowed(origin, host, config.allowedOrigins),
    }),
  );
  expressApp.use(mailRoutes(orm, services.mail));
  serveClient(expressApp, config.clientDir);
  expressApp.use(jsonErrors('app'));

  return {
    server,
    services,
    pushWorker,
    listen: (port, host = config.host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () =>
          resolve((server.address() as import('node:net').AddressInfo).port),
        );
      }),
    async close() {
      clearInterval(releaseHeld);
      clearInterval(sendMail);
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await apollo.stop();
      await pushWorker.stop();
      await bus.stop();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The limit of a GraphQL request's body, here and in `express.json` (which answers 413). */
const BODY_LIMIT = 1024 * 1024;
const PLAIN_JSON = /^application\/json(?:;\s*charset="?utf-8"?)?$/i;

/**
 * POST /graphql with a plain JSON body, as every page sends it, without body-parser and the
 * Express integration (issue 16: their type checks, stream plumbing, `url.parse` and `res.send`
 * cost ~0.1–0.2 ms of CPU per request). What this does not take exactly as they would, it passes
 * on untouched to `express.json` and `expressMiddleware`, which follow it: another method or
 * content type, a charset or encoding, no length or one over the limit, an empty body. A body
 * that is not a JSON object or array is refused as body-parser refuses it (400, `jsonErrors`).
 */
function graphqlHttp(
  apollo: ApolloServer<RequestContext>,
  context: (args: { req: express.Request; res: express.Response }) => Promise<RequestContext>,
): express.RequestHandler {
  return (req, res, next) => {
    const length = Number(req.headers['content-length']);
    if (
      req.method !== 'POST' ||
      !(length > 0 && length <= BODY_LIMIT) ||
      req.headers['content-encoding'] !== undefined ||
      !PLAIN_JSON.test(req.headers['content-type'] ?? '')
    ) {
      next();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', next);
    // Bound to the request's log context (ops/request-id.ts), which a stream's events lose.
    req.on(
      'end',
      AsyncResource.bind(() => {
        const text = Buffer.concat(chunks).toString('utf8');
        // body-parser's `strict`: an object or an array, nothing else.
        const first = /^[ \t\n\r]*(.)/s.exec(text)?.[1];
        let body: unknown;
        try {
          if (first !== '{' && first !== '[') throw new Error('not an object or an array');
          body = JSON.parse(text);
        } catch {
          next(Object.assign(new Error('The request body is not valid JSON'), { status: 400 }));
          return;
        }
        req.body = body;
        void answer(apollo, context, req, res).catch(next);
      }),
    );
  };
}

async function answer(
  apollo: ApolloServer<RequestContext>,
  context: (args: { req: express.Request; res: express.Response }) => Promise<RequestContext>,
  req: express.Request,
  res: express.Response,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const query = req.url.indexOf('?');
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: 'POST',
      headers,
      search: query < 0 ? '' : req.url.slice(query),
      body: req.body,
    },
    context: () => context({ req, res }),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.setHeader('Content-Length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

type AuthedRequest = http.IncomingMessage & { viewer?: Viewer | null };

/**
 * The socket carries subscriptions only: queries and mutations go over HTTP, where the personal
 * data access log (152-FZ), cookies and the request limits live. The client splits by operation
 * type, so nothing of ours sends another kind.
 */
const SOCKET_SUBSCRIPTIONS_ONLY = new GraphQLError(
  'Only subscriptions over the socket; send queries and mutations over HTTP',
  { extensions: { code: 'BAD_REQUEST' } },
);

/** Its counterpart over HTTP, where a subscription would run once and fail inside graphql-js. */
const subscriptionOverHttp = () =>
  new GraphQLError('Subscriptions only over the socket; send them over the WebSocket', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });

/**
 * Parsed and validated documents by their text, the most recent few hundred. A document that does
 * not parse is not kept: its error is thrown again each time, as before.
 */
class CheckedDocuments {
  private readonly cache = new Map<string, DocumentNode | readonly GraphQLError[]>();

  constructor(
    private readonly check_: (query: string) => DocumentNode | readonly GraphQLError[],
    private readonly max = 500,
  ) {}

  check(query: string): DocumentNode | readonly GraphQLError[] {
    let checked = this.cache.get(query);
    if (checked) return checked;
    checked = this.check_(query);
    if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(query, checked);
    return checked;
  }
}

function requestContext(
  orm: MikroORM,
  services: Services,
  viewer: Viewer | null | undefined,
  req: http.IncomingMessage & { ip?: string },
): RequestContext {
  return new LazyContext(orm, services, viewer ?? null, req);
}

/**
 * A request's context whose unit of work and loaders are made on first use: a read model answers
 * through prepared statements on the pool, so `{ __typename }` or `me` needs neither (issue 16:
 * forking an EntityManager copies its configuration and filters and makes a unit of work, an
 * entity factory and loaders, ~0.1 ms of CPU per request). The getters live on the prototype
 * and the state in plain fields, because Apollo copies the context's own fields for each
 * operation (`cloneObject`), which would call getters that were the object's own.
 */
class LazyContext implements RequestContext {
  viewer: Viewer | null;
  services: Services;
  clientAddress: string;
  userAgent?: string;
  origin?: string;
  cookies?: RequestContext['cookies'];
  private orm_: MikroORM | undefined;
  private em_: EntityManager | undefined;
  private loaders_: Loaders | undefined;

  constructor(
    orm: MikroORM,
    services: Services,
    viewer: Viewer | null,
    req: http.IncomingMessage & { ip?: string },
  ) {
    this.orm_ = orm;
    this.viewer = viewer;
    this.services = services;
    this.clientAddress = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    this.userAgent = req.headers['user-agent'];
    this.origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  }

  get em(): EntityManager {
    if (!this.em_) {
      this.em_ = this.orm_!.em.fork();
      if (this.viewer) this.em_.setFilterParams('tenant', { schoolId: this.viewer.schoolId });
    }
    return this.em_;
  }

  set em(em: EntityManager) {
    this.em_ = em;
  }

  get loaders(): Loaders {
    return (this.loaders_ ??= createLoaders(this.em, this.viewer, this.services.clock));
  }

  set loaders(loaders: Loaders) {
    this.loaders_ = loaders;
  }
}

/**
 * A socket subscription's context. Its unit of work and loaders are made on first use (a live
 * feed needs one or two queries to start, graphql-js's ordinary path perhaps more) and let go
 * once a live feed has started (`release`), so that an idle socket holds none of them.
 */
function socketContext(
  orm: MikroORM,
  services: Services,
  req: AuthedRequest,
  subscriber: Subscriber,
): SubscriberContext {
  let made: RequestContext | undefined;
  const full = () => (made ??= requestContext(orm, services, req.viewer, req));
  return {
    viewer: req.viewer ?? null,
    services,
    get em() {
      return full().em;
    },
    get loaders() {
      return full().loaders;
    },
    get clientAddress() {
      return full().clientAddress;
    },
    get userAgent() {
      return full().userAgent;
    },
    get origin() {
      return full().origin;
    },
    subscriber,
    release: () => (made = undefined),
  };
}

/** A socket needs a live session and a page of ours (or an allowed origin) behind it. */
async function authenticateUpgrade(
  req: AuthedRequest,
  config: Config,
  orm: MikroORM,
): Promise<number> {
  if (new URL(req.url ?? '/', 'http://x').pathname !== '/graphql') return 404;
  if (!originAllowed(req.headers.origin, req.headers.host, config.allowedOrigins)) return 403;
  const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
  req.viewer = token ? await loadViewer(orm.em, token) : null;
  return req.viewer ? 101 : 401;
}

export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: string[],
): boolean {
  if (!origin) return false;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The built client: files as they are, every other page path answered with index.html. */
function serveClient(app: express.Express, dir: string): void {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) {
    log.warn('client build not found; serving the API only', { dir });
    return;
  }
  app.use(express.static(dir, { index: false, maxAge: '1h' }));
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
