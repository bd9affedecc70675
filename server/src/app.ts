import 'reflect-metadata';
import { SOURCES as NOTIFICATION_SOURCES } from './modules/notifications/notification.sources.js';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
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
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import { buildAppSchema } from './graphql/schema.js';
import { createLoaders } from './graphql/loaders.js';
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
  expressApp.use(healthRoutes(orm));
  expressApp.get('/metrics', metrics.handler(config.metrics));
  expressApp.use(
    fileRoutes({
      orm,
      clock: services.clock,
      originAllowed: (origin, host) => originAllowed(origin, host, config.allowedOrigins),
    }),
  );
  expressApp.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
        const em = orm.em.fork();
        const viewer = token ? await loadViewer(em, token) : null;
        if (viewer) await services.sessions.touch(em, viewer);
        const ctx = requestContext(orm, services, viewer, req, em);
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
      },
    }),
    jsonErrors('graphql'),
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
  em = orm.em.fork(),
): RequestContext {
  if (viewer) em.setFilterParams('tenant', { schoolId: viewer.schoolId });
  return {
    em,
    viewer: viewer ?? null,
    services,
    loaders: createLoaders(em, viewer ?? null, services.clock),
    clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    userAgent: req.headers['user-agent'],
    origin: typeof req.headers.origin === 'string' ? req.headers.origin : undefined,
  };
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
  req.viewer = token ? await loadViewer(orm.em.fork(), token) : null;
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
