import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Request, RequestHandler } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../events/event-bus.js';
import type { Config } from '../config.js';
import { log } from '../log.js';

/** Distinct operation names kept as labels; later ones count as `other`. */
const MAX_OPERATIONS = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

/** Process metrics (CPU, memory, event loop, GC) are the process's: gathered once, however many apps. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

interface Pool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

export interface MetricsSources {
  orm: MikroORM;
  bus: EventBus;
  openSockets(): number;
}

/**
 * The app's Prometheus metrics, in a registry of its own (tests build several apps in one
 * process). GraphQL requests are counted by an Apollo plugin; the gauges are read when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly requests = new Counter({
    name: 'otmetka_graphql_requests_total',
    help: 'GraphQL requests over HTTP by operation name, type and outcome (ok or the error code)',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'otmetka_graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to sending its answer, by operation type',
    labelNames: ['type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly outboxLag = new Gauge({
    name: 'otmetka_outbox_lag',
    help: 'Live events committed that this process has not read yet',
    registers: [this.registry],
  });
  private readonly outboxLagSeconds = new Gauge({
    name: 'otmetka_outbox_lag_seconds',
    help: 'Age of the oldest committed live event this process has not read yet (0 when none)',
    registers: [this.registry],
  });

  constructor(private readonly sources: MetricsSources) {
    new Gauge({
      name: 'otmetka_ws_open_sockets',
      help: 'Open WebSocket connections',
      registers: [this.registry],
      collect() {
        this.set(sources.openSockets());
      },
    });
    const pool = () =>
      (sources.orm.em.getConnection().getKnex().client as { pool?: Pool }).pool ?? undefined;
    const poolGauge = (name: string, help: string, read: (p: Pool) => number) =>
      new Gauge({
        name: `otmetka_db_pool_${name}`,
        help,
        registers: [this.registry],
        collect() {
          const p = pool();
          this.set(p ? read(p) : 0);
        },
      });
    poolGauge('used', 'Database connections lent out', (p) => p.numUsed());
    poolGauge('free', 'Idle database connections in the pool', (p) => p.numFree());
    poolGauge('pending', 'Requests waiting for a database connection', (p) =>
      p.numPendingAcquires(),
    );
    poolGauge('max', 'Largest number of database connections the pool opens', (p) => p.max);
  }

  /** Counts each GraphQL request over HTTP by operation and outcome, and times it. */
  apolloPlugin<T extends BaseContext>(): ApolloServerPlugin<T> {
    return {
      requestDidStart: async () => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async ({ operation, operationName, response }) => {
            const type = operation?.operation ?? 'unknown';
            const errors =
              response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
            const code = errors?.[0]?.extensions?.code;
            this.requests.inc({
              operation: operation ? this.operationLabel(operationName) : 'unknown',
              type,
              outcome: !errors?.length
                ? 'ok'
                : typeof code === 'string' && ERROR_CODE.test(code)
                  ? code
                  : 'ERROR',
            });
            this.duration.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
          },
        };
      },
    };
  }

  /** `/metrics` for whoever `allowed` lets in; anyone else is told there is nothing here. */
  handler(access: Config['metrics']): RequestHandler {
    const allowed = accessCheck(access);
    return (req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      if (!allowed(req)) {
        res
          .status(404)
          .json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
        return;
      }
      this.scrape().then((text) => {
        res.setHeader('Content-Type', this.registry.contentType);
        res.send(text);
      }, next);
    };
  }

  async scrape(): Promise<string> {
    await this.readOutbox();
    return (await processMetrics().metrics()) + (await this.registry.metrics());
  }

  /** Bounded: names beyond the first MAX_OPERATIONS, and odd ones, share a label. */
  private operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATIONS) return 'other';
    this.operations.add(name);
    return name;
  }

  /** Two index lookups: the newest event, and the oldest one past what the bus has read. */
  private async readOutbox(): Promise<void> {
    const read = this.sources.bus.highWater;
    try {
      const [row] = await this.sources.orm.em
        .fork()
        .execute<{ newest: string | null; age: string | number | null }[]>(
          `select (select max(id) from domain_event)::text as newest,
                extract(epoch from now() - (select created_at from domain_event
                                             where id > ?::bigint order by id limit 1)) as age`,
          [read],
        );
      const lag = BigInt(row.newest ?? '0') - BigInt(read);
      this.outboxLag.set(lag > 0n ? Number(lag) : 0);
      this.outboxLagSeconds.set(Math.max(0, Number(row.age ?? 0)));
    } catch (e) {
      log.warn('metrics: outbox lag not read', { error: (e as Error).message });
    }
  }
}

/**
 * A bearer token (compared in constant time), or a request straight from an allowed address. A
 * request that came through a proxy never passes by address: behind a proxy on the same machine
 * every visitor would otherwise arrive from 127.0.0.1.
 */
function accessCheck(access: Config['metrics']): (req: Request) => boolean {
  const list = new net.BlockList();
  for (const entry of access.allow) {
    const [address, bits] = entry.split('/');
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const token = access.token ? digest(access.token) : undefined;
  return (req) => {
    const auth = req.headers.authorization;
    if (token && auth?.startsWith('Bearer ')) {
      if (timingSafeEqual(digest(auth.slice(7).trim()), token)) return true;
    }
    if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) {
      return false;
    }
    const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    const family = net.isIP(peer);
    return family !== 0 && list.check(peer, family === 6 ? 'ipv6' : 'ipv4');
  };
}
