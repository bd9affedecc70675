import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, unauthenticated } from '../errors.js';
import { parseEventId } from '../graphql/validate.js';
import { reloadViewer, type Viewer } from '../auth/viewer.js';
import type { Scope } from '../scope.js';
import { ownPupilIds } from '../auth/records.js';
import type { BusAudience, BusEvent, EventBus } from './event-bus.js';
import type { LiveEvent } from './live.types.js';
import { liveEventType } from './live-event-type.js';
import { namesPupil, notificationsAllow, personalAllows } from './audience.js';
import {
  concerns,
  readRightsChange,
  RIGHTS_CHANGED,
  type RightsChange,
  type Watched,
} from './rights.js';

/**
 * Each event is prepared once, whatever the number of sockets it goes to: the bus hands the same
 * object to every listener, so the same `LiveEvent` (and payload string) serves them all.
 */
const prepared = new WeakMap<BusEvent, LiveEvent>();
function toLive(e: BusEvent): LiveEvent {
  let live = prepared.get(e);
  if (!live) {
    live = {
      id: e.id,
      type: liveEventType(e.type),
      courseId: e.courseId,
      payload: JSON.stringify(e.payload),
      at: new Date(e.createdAt).toISOString(),
    };
    prepared.set(e, live);
  }
  return live;
}

/** Event ids are decimal strings of a bigint sequence: compare them without parsing. */
function isAfter(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** Receives a subscription's events, in order, each once. */
export type LiveSink = (e: LiveEvent) => void;

/**
 * Told once that a subscription has ended because its viewer may no longer see it (or the
 * check could not be made), with the check's error.
 */
export type LiveRevoked = (error: Error) => void;

/** What the opening of a feed settled: whom it is for, and who may see what. */
interface Feed {
  viewer: Viewer;
  audience: BusAudience;
  allowed: (e: BusEvent) => boolean;
  /** What the feed is about besides its viewer: a change of rights naming it re-checks it. */
  pupilId?: number;
  courseId?: number;
}

/** The access check of a feed, for a viewer as they are now; throws when refused. */
type Settle = (em: EntityManager) => Promise<Feed>;

/** Answers the id of what a feed is about when the viewer may read it; throws NOT_FOUND if not. */
type AccessRule = (em: EntityManager, viewer: Viewer | null, id: string) => Promise<{ id: number }>;

/**
 * Who may open which feed is the areas' rule (the diary's, the journal's), handed in at start-up
 * (`services.ts`): events/ is core and imports no area.
 */
export interface FeedAccess {
  /** The pupil whose diary the viewer may read. */
  diaryPupil: AccessRule;
  /** The course whose journal the viewer may read. */
  readableCourse: AccessRule;
}

/**
 * Subscriptions that never miss: with `after`, first the events after it from the table, then the
 * live ones, in order, without gaps or repeats. Each event is checked against the viewer's right
 * to see it before it is sent, and a subscription is checked again, with the viewer's rights
 * reloaded, whenever a change of rights concerns it (`RIGHTS_CHANGED`, decision 27).
 *
 * Two shapes of the same feeds: `open*` pushes each event into a callback, with no promise per
 * event (the WebSocket fast path, `fast-subscribe.ts`); `diary`, `journal` and `notifications`
 * give an async iterator, for graphql-js's ordinary subscription path.
 */
export class LiveService {
  /** This process's open feeds, for the re-check when rights change. */
  private readonly feeds = new Set<LiveFeed>();
  /** Feeds being opened: their check may have read the rights just before a change came. */
  private opening = 0;
  /** The changes of rights dispatched while some feed was opening. */
  private recent: { id: string; schoolId: number; change: Required<RightsChange> }[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly access: FeedAccess,
  ) {
    // One listener for the process, not one per socket: the live path pays one type comparison.
    bus.subscribe((e) => {
      if (e.type === RIGHTS_CHANGED) this.rightsChanged(e);
    });
  }

  /** A pupil's diary: only events about that pupil, for those who may read the pupil's diary. */
  async openDiary(
    scope: Scope,
    pupilId: string,
    after: string | null,
    sink: LiveSink,
    revoked?: LiveRevoked,
  ) {
    return this.open(scope, after, sink, revoked, (s) => this.diaryFeed(s, pupilId));
  }

  /** A journal page: events of one course, for those who may read the course. */
  async openJournal(
    scope: Scope,
    courseId: string,
    after: string | null,
    sink: LiveSink,
    revoked?: LiveRevoked,
  ) {
    return this.open(scope, after, sink, revoked, (s) => this.journalFeed(s, courseId));
  }

  /** Everything about the viewer's own children (or themselves) and the courses they teach. */
  async openNotifications(
    scope: Scope,
    after: string | null,
    sink: LiveSink,
    revoked?: LiveRevoked,
  ) {
    return this.open(scope, after, sink, revoked, async (s) => this.notificationsFeed(s));
  }

  /**
   * What is addressed to the viewer by name (a conversation's messages, edits and read receipts):
   * the writer decided the audience when publishing, so the only check is that it names the viewer.
   */
  async openPersonal(scope: Scope, after: string | null, sink: LiveSink, revoked?: LiveRevoked) {
    return this.open(scope, after, sink, revoked, async (s) => this.personalFeed(s));
  }

  async personal(scope: Scope, after: string | null) {
    return feedIterator((sink, revoked) => this.openPersonal(scope, after, sink, revoked));
  }

  async diary(scope: Scope, pupilId: string, after: string | null) {
    return feedIterator((sink, revoked) => this.openDiary(scope, pupilId, after, sink, revoked));
  }

  async journal(scope: Scope, courseId: string, after: string | null) {
    return feedIterator((sink, revoked) => this.openJournal(scope, courseId, after, sink, revoked));
  }

  async notifications(scope: Scope, after: string | null) {
    return feedIterator((sink, revoked) => this.openNotifications(scope, after, sink, revoked));
  }

  private async diaryFeed({ em, viewer }: Scope, pupilId: string): Promise<Feed> {
    const pupil = await this.access.diaryPupil(em, viewer, pupilId);
    const id = pupil.id;
    return {
      viewer: viewer!,
      audience: { pupils: [id] },
      allowed: (e) => namesPupil(e, id),
      pupilId: id,
    };
  }

  private async journalFeed({ em, viewer }: Scope, courseId: string): Promise<Feed> {
    const course = await this.access.readableCourse(em, viewer, courseId);
    const id = course.id;
    return {
      viewer: viewer!,
      audience: { courses: [id] },
      allowed: (e) => e.courseId === id,
      courseId: id,
    };
  }

  private notificationsFeed({ viewer }: Scope): Feed {
    if (!viewer) throw unauthenticated();
    const rights = {
      personId: viewer.personId,
      ownPupils: new Set(ownPupilIds(viewer)),
      courses: new Set(viewer.courseIds),
    };
    return {
      viewer,
      audience: { pupils: rights.ownPupils, courses: rights.courses },
      allowed: (e) => notificationsAllow(rights, e),
    };
  }

  private personalFeed({ viewer }: Scope): Feed {
    if (!viewer) throw unauthenticated();
    const me = { personId: viewer.personId };
    return {
      viewer,
      audience: { persons: [me.personId] },
      allowed: (e) => personalAllows(me, e),
    };
  }

  /** Re-checks the open feeds a change of rights concerns, in this process. */
  private rightsChanged(e: BusEvent): void {
    const change = readRightsChange(e.payload);
    if (this.opening > 0) this.recent.push({ id: e.id, schoolId: e.schoolId, change });
    for (const feed of this.feeds) {
      if (feed.watched.schoolId === e.schoolId && concerns(change, feed.watched)) feed.recheck();
    }
  }

  /**
   * Starts a feed: checks the viewer's right with the viewer reloaded (a socket's viewer is as old
   * as the socket), replays what came after `after`, then hands over to live delivery. Resolves
   * with the function that ends the feed.
   */
  private async open(
    { em, viewer }: Scope,
    after: string | null,
    sink: LiveSink,
    revoked: LiveRevoked | undefined,
    check: (scope: Scope) => Promise<Feed>,
  ): Promise<() => void> {
    this.opening++;
    try {
      const since = this.bus.highWater;
      const settle: Settle = async (fork) => check(await viewerNow(fork, viewer));
      const feed = await settle(em);
      const from = await resumeFrom(em, after);
      const live: LiveFeed = new LiveFeed(this.bus, feed, sink, settle, revoked, () =>
        this.feeds.delete(live),
      );
      this.feeds.add(live);
      const missed = this.recent.some(
        (r) =>
          isAfter(r.id, since) &&
          r.schoolId === live.watched.schoolId &&
          concerns(r.change, live.watched),
      );
      if (missed) live.recheck();
      await live.start(from);
      return live.end;
    } finally {
      if (--this.opening === 0) this.recent = [];
    }
  }
}

/** The viewer of a subscription as they are now: roles, children, classes and courses reloaded. */
async function viewerNow(em: EntityManager, viewer: Viewer | null): Promise<Scope> {
  if (!viewer) throw unauthenticated();
  const now = await reloadViewer(em, viewer.sessionId);
  if (!now) throw unauthenticated();
  return { em, viewer: now };
}

/** Where a resuming subscription starts; too far behind (pruned) answers RESYNC_REQUIRED. */
async function resumeFrom(em: EntityManager, after: string | null): Promise<bigint | null> {
  const from = after == null ? null : parseEventId('after', after);
  if (from !== null) {
    const [h] = await em.execute<{ pruned: string }[]>(
      `select coalesce(max(pruned_through), 0)::text as pruned from domain_event_horizon`,
    );
    if (from < BigInt(h.pruned)) {
      throw new DomainError('RESYNC_REQUIRED', 'Too far behind: reload the page');
    }
  }
  return from;
}

/**
 * One open feed. Events are held, not sent, while it starts (the replay is read) and while its
 * access is checked again; then those still allowed go out past the cursor, in order, each once.
 */
class LiveFeed {
  private held: BusEvent[] | null = [];
  private cursor = '0';
  private ended = false;
  private starting = true;
  /** A change of rights came that the running (or next) check must see. */
  private again = false;
  private checking: Promise<void> | null = null;
  private unsubscribe: () => void;

  constructor(
    private readonly bus: EventBus,
    private feed: Feed,
    private readonly sink: LiveSink,
    private readonly settle: Settle,
    private readonly revoked: LiveRevoked | undefined,
    private readonly forget: () => void,
  ) {
    // Listen before reading the replay, so nothing falls between the two; repeats are dropped.
    this.unsubscribe = bus.subscribe(this.listener, feed.audience);
  }

  get watched(): Watched {
    const { viewer, pupilId, courseId } = this.feed;
    return { schoolId: viewer.schoolId, personId: viewer.personId, pupilId, courseId };
  }

  private readonly listener = (e: BusEvent): void => {
    if (!this.matches(e)) return;
    if (this.held) this.held.push(e);
    else this.send(e);
  };

  private matches(e: BusEvent): boolean {
    return e.schoolId === this.feed.viewer.schoolId && this.feed.allowed(e);
  }

  private send(e: BusEvent): void {
    if (this.ended || !isAfter(e.id, this.cursor)) return;
    this.cursor = e.id;
    this.sink(toLive(e));
  }

  /** Reads the replay after `from` (up to what the bus has handed out) ahead of what was held. */
  async start(from: bigint | null): Promise<void> {
    try {
      const upTo = this.bus.highWater;
      const schoolId = this.feed.viewer.schoolId;
      const replayed = from === null ? [] : await this.bus.replay(schoolId, from.toString(), upTo);
      this.cursor = from === null ? upTo : from.toString();
      this.held = [...replayed.filter((e) => this.matches(e)), ...(this.held ?? [])];
    } catch (err) {
      this.end();
      throw err;
    }
    this.starting = false;
    if (this.again) this.checking = this.check();
    else this.release();
  }

  /** A change of rights concerns this feed: hold its events until the check answers again. */
  recheck(): void {
    if (this.ended) return;
    this.held ??= [];
    this.again = true;
    if (!this.starting && !this.checking) this.checking = this.check();
  }

  private async check(): Promise<void> {
    try {
      while (this.again && !this.ended) {
        this.again = false;
        const next = await this.settle(this.bus.fork());
        // A newer change came while this check ran: its answer may be stale, so check again.
        if (this.again || this.ended) continue;
        this.unsubscribe();
        this.feed = next;
        this.unsubscribe = this.bus.subscribe(this.listener, next.audience);
        this.release();
      }
    } catch (err) {
      if (!this.ended) {
        this.end();
        this.revoked?.(err as Error);
      }
    } finally {
      this.checking = null;
    }
  }

  /** Sends what was held and still allowed, past the cursor. */
  private release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const e of held) if (this.matches(e)) this.send(e);
  }

  readonly end = (): void => {
    if (this.ended) return;
    this.ended = true;
    this.held = null;
    this.unsubscribe();
    this.forget();
  };
}

/**
 * A feed as an async iterator, each event mapped on its way out. A hand-made one rather than a
 * generator: `return()` must end a waiting subscription at once when the client leaves or the
 * server stops. A feed whose right was withdrawn yields `fail(error)` after what it had sent, and
 * ends; by default that is the error itself, which the resolver throws (live.resolver.ts).
 */
export async function feedIterator<T = LiveEvent>(
  start: (sink: LiveSink, revoked: LiveRevoked) => Promise<() => void>,
  map: (e: LiveEvent) => T = (e) => e as T,
  fail: (error: Error) => T = (error) => error as T,
): Promise<AsyncIterableIterator<T>> {
  const queue: LiveEvent[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const end = await start(
    (e) => {
      queue.push(e);
      wake?.();
    },
    (error) => {
      failure = error;
      wake?.();
    },
  );
  let done = false;
  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (done) return { done: true, value: undefined };
        const e = queue.shift();
        if (e) return { done: false, value: map(e) };
        if (failure) {
          done = true;
          return { done: false, value: fail(failure) };
        }
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    },
    async return(): Promise<IteratorResult<T>> {
      done = true;
      end();
      wake?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}
