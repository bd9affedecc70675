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
  courseId: number | null;
  classGroupId: number | null;
  payload: Record<string, unknown>;
  createdAt: string;
}

/**
 * Reads events in commit-safe order: only events whose transaction is older than every
 * transaction still open (`xact_id < pg_snapshot_xmin(...)`). A sequence value is taken at
 * insert, not at commit, so without this a reader that saw id 11 could miss id 10 committed later.
 */
const READ_SQL = `
select id::text, school_id as "schoolId", type, pupil_ids as "pupilIds", course_id as "courseId",
       class_group_id as "classGroupId", payload, created_at as "createdAt"
  from domain_event
 where id > ?::bigint and id <= ?::bigint and xact_id < pg_snapshot_xmin(pg_current_snapshot())
 order by id limit ?`;

const MAX = '9223372036854775807';

/**
 * One per server process: wakes on PostgreSQL NOTIFY (and polls as a safety net), reads new
 * events in order, and hands each to the subscriptions of this process. The table stays the only
 * source of truth, so a process that missed a wake-up catches up on the next read.
 */
export class EventBus {
  private last = 0n;
  private readonly listeners = new Set<(e: BusEvent) => void>();
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
    private readonly opts: { redisUrl?: string; retentionHours: number; pollMs?: number },
  ) {}

  /** Starts from the events committed now: earlier ones are for replays, not for live delivery. */
  async start(): Promise<void> {
    const [row] = await this.em
      .fork()
      .execute<{ last: string | null }[]>(
        `select max(id)::text as last from domain_event where xact_id < pg_snapshot_xmin(pg_current_snapshot())`,
      );
    this.last = BigInt(row.last ?? '0');
    if (this.opts.redisUrl) {
      // Redis carries the wake-ups between processes; the table stays the source of truth.
      const sub = new Redis(this.opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
      const pub = new Redis(this.opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
      await Promise.all([sub.connect(), pub.connect()]);
      sub.on('message', () => this.wake());
      await sub.subscribe(EVENTS_CHANNEL);
      this.redis = { sub, pub };
    } else {
      this.client = new pg.Client({ connectionString: this.url });
      this.client.on('error', (e) =>
        log.warn('event listener connection failed', { error: e.message }),
      );
      this.client.on('notification', () => this.wake());
      await this.client.connect();
      await this.client.query(`listen ${EVENTS_CHANNEL}`);
    }
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), 3600_000);
    this.pruneTimer.unref();
  }

  /** After a write committed: with Redis, tell every process (PostgreSQL's NOTIFY did it otherwise). */
  announce(): void {
    if (this.redis) void this.redis.pub.publish(EVENTS_CHANNEL, '').catch(() => {});
    else this.wake();
  }

  /** Drops events older than the retention; clients resuming from before them must refetch. */
  async prune(): Promise<number> {
    const [row] = await this.em.fork().execute<{ n: string }[]>(
      `with d as (delete from domain_event where created_at < now() - make_interval(hours => ?) returning id),
            h as (insert into domain_event_horizon (id, pruned_through) select 1, max(id) from d having max(id) is not null
                  on conflict (id) do update set pruned_through = greatest(domain_event_horizon.pruned_through, excluded.pruned_through))
       select count(*)::text as n from d`,
      [this.opts.retentionHours],
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

  /** The id of the last event handed out: replays cover up to here, live delivery after it. */
  get highWater(): string {
    return this.last.toString();
  }

  subscribe(listener: (e: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
      const rows = await this.em
        .fork()
        .execute<BusEvent[]>(READ_SQL, [this.last.toString(), MAX, 500]);
      for (const e of rows) {
        this.last = BigInt(e.id);
        for (const l of this.listeners) l(e);
      }
      if (rows.length < 500) return;
    }
  }
}
