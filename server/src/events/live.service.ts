import { DomainError, unauthenticated } from '../errors.js';
import { parseId } from '../graphql/validate.js';
import type { Viewer } from '../auth/viewer.js';
import type { Scope } from '../scope.js';
import { requireReadableCourse } from '../modules/journal/journal.access.js';
import { requireDiaryPupil } from '../modules/diary/diary.service.js';
import { Role } from '../modules/people/role-grant.entity.js';
import type { BusAudience, BusEvent, EventBus } from './event-bus.js';
import type { LiveEvent } from './live.types.js';

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
      type: e.type,
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

/** What the opening of a feed settled: whom it is for, and who may see what. */
interface Feed {
  viewer: Viewer;
  audience: BusAudience;
  allowed: (e: BusEvent) => boolean;
}

/**
 * Subscriptions that never miss: with `after`, first the events after it from the table, then the
 * live ones, in order, without gaps or repeats. Each event is checked against the viewer's right
 * to see it before it is sent.
 *
 * Two shapes of the same feeds: `open*` pushes each event into a callback, with no promise per
 * event (the WebSocket fast path, `fast-subscribe.ts`); `diary`, `journal` and `notifications`
 * give an async iterator, for graphql-js's ordinary subscription path.
 */
export class LiveService {
  constructor(private readonly bus: EventBus) {}

  /** A pupil's diary: only events about that pupil, for those who may read the pupil's diary. */
  async openDiary(scope: Scope, pupilId: string, after: string | null, sink: LiveSink) {
    return this.open(scope, after, sink, await this.diaryFeed(scope, pupilId));
  }

  /** A journal page: events of one course, for those who may read the course. */
  async openJournal(scope: Scope, courseId: string, after: string | null, sink: LiveSink) {
    return this.open(scope, after, sink, await this.journalFeed(scope, courseId));
  }

  /** Everything about the viewer's own children (or themselves) and the courses they teach. */
  async openNotifications(scope: Scope, after: string | null, sink: LiveSink) {
    return this.open(scope, after, sink, this.notificationsFeed(scope));
  }

  async diary(scope: Scope, pupilId: string, after: string | null) {
    return feedIterator((sink) => this.openDiary(scope, pupilId, after, sink));
  }

  async journal(scope: Scope, courseId: string, after: string | null) {
    return feedIterator((sink) => this.openJournal(scope, courseId, after, sink));
  }

  async notifications(scope: Scope, after: string | null) {
    return feedIterator((sink) => this.openNotifications(scope, after, sink));
  }

  private async diaryFeed({ em, viewer }: Scope, pupilId: string): Promise<Feed> {
    const pupil = await requireDiaryPupil(em, viewer, pupilId);
    const id = pupil.id;
    return {
      viewer: viewer!,
      audience: { pupils: [id] },
      allowed: (e) => !!e.pupilIds?.includes(id),
    };
  }

  private async journalFeed({ em, viewer }: Scope, courseId: string): Promise<Feed> {
    const course = await requireReadableCourse(em, viewer, courseId);
    const id = course.id;
    return { viewer: viewer!, audience: { courses: [id] }, allowed: (e) => e.courseId === id };
  }

  private notificationsFeed({ viewer }: Scope): Feed {
    if (!viewer) throw unauthenticated();
    const own = new Set([
      ...viewer.childIds,
      ...(viewer.roles.has(Role.STUDENT) ? [viewer.personId] : []),
    ]);
    const courses = new Set(viewer.courseIds);
    return {
      viewer,
      audience: { pupils: own, courses },
      allowed: (e) =>
        !!e.pupilIds?.some((p) => own.has(p)) || (e.courseId != null && courses.has(e.courseId)),
    };
  }

  /**
   * Starts a feed: replays what came after `after`, then hands over to live delivery. Events that
   * arrive while the replay is read are held and sent after it, skipping any the replay had.
   * Resolves with the function that ends the feed.
   */
  private async open(
    { em }: Scope,
    after: string | null,
    sink: LiveSink,
    { viewer, audience, allowed }: Feed,
  ): Promise<() => void> {
    const from = after == null ? null : BigInt(parseId('after', after));
    if (from !== null) {
      const [h] = await em.execute<{ pruned: string }[]>(
        `select coalesce(max(pruned_through), 0)::text as pruned from domain_event_horizon`,
      );
      if (from < BigInt(h.pruned)) {
        throw new DomainError('RESYNC_REQUIRED', 'Too far behind: reload the page');
      }
    }
    const bus = this.bus;
    const schoolId = viewer.schoolId;
    const matches = (e: BusEvent) => e.schoolId === schoolId && allowed(e);
    let held: BusEvent[] | null = [];
    let cursor = '0';
    let ended = false;
    // Listen before reading the replay, so nothing falls between the two; repeats are dropped.
    const unsubscribe = bus.subscribe((e) => {
      if (!matches(e)) return;
      if (held) held.push(e);
      else if (isAfter(e.id, cursor)) {
        cursor = e.id;
        sink(toLive(e));
      }
    }, audience);
    const end = () => {
      ended = true;
      unsubscribe();
    };
    try {
      const upTo = bus.highWater;
      const replayed = from === null ? [] : await bus.replay(schoolId, from.toString(), upTo);
      cursor = upTo;
      for (const e of replayed) if (!ended && matches(e)) sink(toLive(e));
      for (const e of held) {
        if (ended || !isAfter(e.id, cursor)) continue;
        cursor = e.id;
        sink(toLive(e));
      }
      held = null;
    } catch (err) {
      end();
      throw err;
    }
    return end;
  }
}

/**
 * A feed as an async iterator, each event mapped on its way out. A hand-made one rather than a
 * generator: `return()` must end a waiting subscription at once when the client leaves or the
 * server stops.
 */
export async function feedIterator<T = LiveEvent>(
  start: (sink: LiveSink) => Promise<() => void>,
  map: (e: LiveEvent) => T = (e) => e as T,
): Promise<AsyncIterableIterator<T>> {
  const queue: LiveEvent[] = [];
  let wake: (() => void) | undefined;
  const end = await start((e) => {
    queue.push(e);
    wake?.();
  });
  let done = false;
  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (done) return { done: true, value: undefined };
        const e = queue.shift();
        if (e) return { done: false, value: map(e) };
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
