import pg from 'pg';
import { Redis } from 'ioredis';
import type { EntityManager } from '@mikro-orm/postgresql';
import { EVENTS_CHANNEL } from './outbox.js';
import { log } from '../log.js';

export interface BusEvent {
  id: string;
  schoolId: number;
  type: string;
  pupilIds: number[] | null;
  personIds: number[] | null;
  courseId: number | null;
  classGroupId: number | null;
  payload: Record<string, unknown>;
  createdAt: string;
}

/**
 * Reads events by id. Ids are drawn under the outbox lock, held until commit (`publish`), so ids
 * are in commit order: once id 12 is visible, every smaller id is committed or rolled back, and a
 * reader that advances its cursor to 12 never skips an event that commits later. The order is
 * the column's, not the text alias's (`order by id` would sort '100' before '99').
 */
const READ_SQL = `
select id::text, school_id as "schoolId", type, pupil_ids as "pupilIds", person_ids as "personIds",
       course_id as "courseId",
       class_group_id as "classGroupId", payload, created_at as "createdAt"
  from domain_event
 where id > ?::bigint and id <= ?::bigint
 order by domain_event.id limit ?`;

const MAX = '9223372036854775807';
const BATCH = 500;
/** How long to wait before LISTENing again after the connection was lost. */
const RELISTEN_MS = 2000;
export const LISTENER_NAME = 'otmetka-events';
/** The same read for `pg` itself, which numbers its parameters. */
const READ_SQL_PG = READ_SQL.replace('?::bigint', '$1::bigint')
  .replace('?::bigint', '$2::bigint')
  .replace('limit ?', 'limit $3');

export type BusListener = (e: BusEvent) => void;

/**
 * Whom a listener is for: the events about any of these pupils or of any of these courses, or
 * addressed to any of these people. The bus hands an event only to the listeners of its own
 * pupils, course and people (and to those that listen to everything), so one event costs its
 * audience, not the number of sockets of the process.
 */
export interface BusAudience {
  pupils?: Iterable<number>;
  courses?: Iterable<number>;
  persons?: Iterable<number>;
}

/**
 * One per server process: wakes on PostgreSQL NOTIFY (and polls as a safety net), reads new
 * events in order, and hands each to the subscriptions of this process. The table stays the only
 * source of truth, so a process that missed a wake-up catches up on the next read.
 */
export class EventBus {
  private last = 0n;
  /** Listeners to every event (closing sockets on SESSION_REVOKED, and the like). */
  private readonly everyone = new Set<BusListener>();
  private readonly byPupil = new Map<number, Set<BusListener>>();
  private readonly byCourse = new Map<number, Set<BusListener>>();
  private readonly byPerson = new Map<number, Set<BusListener>>();
  private subscribers = 0;
  /** The PostgreSQL connection that LISTENs is up (without Redis). */
  private listening = false;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  private redis: { sub: Redis; pub: Redis } | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly em: EntityManager,
    private readonly url: string,
    private readonly opts: {
      redisUrl?: string;
      retentionHours: number;
      pollMs?: number;
      /** Event types kept longer than the others (the notification list reads them), and how long. */
      keep?: { types: readonly string[]; hours: number };
    },
  ) {}

  /** Starts from the events committed now: earlier ones are for replays, not for live delivery. */
  async start(): Promise<void> {
    const [row] = await this.em
      .fork()
      .execute<{ last: string | null }[]>(`select max(id)::text as last from domain_event`);
    this.last = BigInt(row.last ?? '0');
    if (this.opts.redisUrl) {
      // Redis carries the wake-ups between processes; the table stays the source of truth.
      const sub = new Redis(this.opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
      const pub = new Redis(this.opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
      // ioredis reconnects by itself; without a listener each failed try is an "unhandled error"
      // on stderr. While it is down the poll below still delivers, a second late at most.
      for (const r of [sub, pub]) r.on('error', () => {});
      await Promise.all([sub.connect(), pub.connect()]);
      sub.on('message', () => this.wake());
      await sub.subscribe(EVENTS_CHANNEL);
      this.redis = { sub, pub };
    } else {
      await this.listen();
    }
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), 3600_000);
    this.pruneTimer.unref();
  }

  /**
   * LISTENs on a connection of its own. When PostgreSQL restarts the connection ends: it is made
   * again (every few seconds until it succeeds), and the events committed meanwhile are read at
   * once, so that other processes' writes are not left to the one-second poll for ever.
   */
  private async listen(): Promise<void> {
    // Named, so that an operator (and a test) can tell the listening connections apart.
    const client = new pg.Client({ connectionString: this.url, application_name: LISTENER_NAME });
    client.on('error', () => {}); // a failed connect rejects below; this keeps it from throwing too
    try {
      await client.connect();
      await client.query(`listen ${EVENTS_CHANNEL}`);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    const lost = () => {
      if (this.client !== client) return;
      this.listening = false;
      this.client = undefined;
      if (!this.stopped) setTimeout(() => void this.relisten(), RELISTEN_MS).unref();
    };
    client.on('error', (e) => {
      log.warn('event listener connection failed', { error: e.message });
      lost();
    });
    client.on('end', lost);
    client.on('notification', () => this.wake());
    this.client = client;
    this.listening = true;
  }

  private async relisten(): Promise<void> {
    if (this.stopped || this.client) return;
    try {
      await this.listen();
      log.info('event listener connection restored');
      this.wake();
    } catch {
      if (!this.stopped) setTimeout(() => void this.relisten(), RELISTEN_MS).unref();
    }
  }

  /**
   * After a write committed: with Redis, tell every process. Otherwise PostgreSQL's NOTIFY has done
   * it, this process included, unless its listening connection is gone: then wake up here.
   */
  announce(): void {
    if (this.redis) void this.redis.pub.publish(EVENTS_CHANNEL, '').catch(() => {});
    else if (!this.listening) this.wake();
  }

  /**
   * Drops events older than the retention (the `keep` types after their own, longer time);
   * clients resuming from before them must refetch.
   */
  async prune(): Promise<number> {
    const keep = this.opts.keep ?? { types: [], hours: this.opts.retentionHours };
    const [row] = await this.em.fork().execute<{ n: string }[]>(
      `with d as (delete from domain_event where created_at < now() - make_interval(hours => ?)
                    and (type <> all(?::text[]) or created_at < now() - make_interval(hours => ?))
                  returning id),
            h as (insert into domain_event_horizon (id, pruned_through) select 1, max(id) from d having max(id) is not null
                  on conflict (id) do update set pruned_through = greatest(domain_event_horizon.pruned_through, excluded.pruned_through))
       select count(*)::text as n from d`,
      [this.opts.retentionHours, `{${keep.types.join(',')}}`, keep.hours],
    );
    return Number(row.n);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.running;
    await this.client?.end().catch(() => {});
    this.redis?.sub.disconnect();
    this.redis?.pub.disconnect();
  }

  /** A unit of work of its own, for work done on an event outside any request. */
  fork(): EntityManager {
    return this.em.fork();
  }

  /** The id of the last event handed out: replays cover up to here, live delivery after it. */
  get highWater(): string {
    return this.last.toString();
  }

  /**
   * Without an audience the listener hears every event; with one, only the events that name one
   * of its pupils, courses or people (each event once, however many of them it names). Listeners still
   * check each event themselves: the audience only spares them the others.
   */
  subscribe(listener: BusListener, audience?: BusAudience): () => void {
    this.subscribers++;
    let subscribed = true;
    const done = () => {
      if (subscribed) this.subscribers--;
      subscribed = false;
    };
    if (!audience) {
      this.everyone.add(listener);
      return () => {
        this.everyone.delete(listener);
        done();
      };
    }
    const keys: [Map<number, Set<BusListener>>, number][] = [];
    for (const p of audience.pupils ?? []) keys.push([this.byPupil, p]);
    for (const c of audience.courses ?? []) keys.push([this.byCourse, c]);
    for (const p of audience.persons ?? []) keys.push([this.byPerson, p]);
    for (const [index, key] of keys) {
      let set = index.get(key);
      if (!set) index.set(key, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const [index, key] of keys) {
        const set = index.get(key);
        if (set?.delete(listener) && set.size === 0) index.delete(key);
      }
      done();
    };
  }

  /** How many listeners this process has: one per live subscription, and a few of its own. */
  get listeners(): number {
    return this.subscribers;
  }

  /** Reads right away; several wake-ups while a read runs make one more read. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((e: Error) => log.warn('reading events failed', { error: e.message }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Events after `after` up to `upTo`, in order, for a subscription that resumes. */
  async replay(schoolId: number, after: string, upTo: string): Promise<BusEvent[]> {
    const rows = await this.em
      .fork()
      .execute<BusEvent[]>(READ_SQL.replace('where id', 'where school_id = ? and id'), [
        schoolId,
        after,
        upTo,
        100_000,
      ]);
    return rows;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await this.read(this.last.toString());
      for (const e of rows) {
        this.last = BigInt(e.id);
        this.dispatch(e);
      }
      if (rows.length < BATCH) return;
    }
  }

  /**
   * Reads on the listening connection while it lives (one process reads on every write, so the
   * ORM's work per statement counts), else through the pool.
   */
  private async read(after: string): Promise<BusEvent[]> {
    if (this.client && this.listening) {
      try {
        return (
          await this.client.query<BusEvent>({
            name: 'otm_read_events',
            text: READ_SQL_PG,
            values: [after, MAX, BATCH],
          })
        ).rows;
      } catch (e) {
        log.warn('reading events on the listening connection failed', {
          error: (e as Error).message,
        });
      }
    }
    return this.em.fork().execute<BusEvent[]>(READ_SQL, [after, MAX, BATCH]);
  }

  /** Hands one event to its audience: each listener once, in the order they subscribed per key. */
  private dispatch(e: BusEvent): void {
    for (const l of this.everyone) call(l, e);
    let only: Set<BusListener> | undefined;
    let merged: Set<BusListener> | undefined;
    const add = (set: Set<BusListener> | undefined) => {
      if (!set) return;
      if (!only) only = set;
      else {
        merged ??= new Set(only);
        for (const l of set) merged.add(l);
      }
    };
    for (const p of e.pupilIds ?? []) add(this.byPupil.get(p));
    if (e.courseId != null) add(this.byCourse.get(e.courseId));
    if (e.personIds) for (const p of e.personIds) add(this.byPerson.get(p));
    for (const l of merged ?? only ?? []) call(l, e);
  }
}

/** One listener failing must not keep the event from the others (nor stop the reader). */
function call(listener: BusListener, e: BusEvent): void {
  try {
    listener(e);
  } catch (err) {
    log.warn('an event listener failed', { error: (err as Error).message, event: e.id });
  }
}
