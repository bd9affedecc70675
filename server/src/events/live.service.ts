import { DomainError, unauthenticated } from '../errors.js';
import { parseId } from '../graphql/validate.js';
import type { Viewer } from '../auth/viewer.js';
import type { Scope } from '../scope.js';
import { requireReadableCourse } from '../modules/journal/journal.access.js';
import { requireDiaryPupil } from '../modules/diary/diary.service.js';
import { Role } from '../modules/people/role-grant.entity.js';
import type { BusEvent, EventBus } from './event-bus.js';
import type { LiveEvent } from './live.types.js';

/**
 * Each event is prepared once, whatever the number of sockets it goes to: the same object (and
 * payload string) serves every subscription of this process.
 */
const prepared = new Map<string, LiveEvent>();
function toLive(e: BusEvent): LiveEvent {
  let live = prepared.get(e.id);
  if (!live) {
    live = {
      id: e.id,
      type: e.type,
      courseId: e.courseId,
      payload: JSON.stringify(e.payload),
      at: new Date(e.createdAt).toISOString(),
    };
    prepared.set(e.id, live);
    if (prepared.size > 2000) prepared.delete(prepared.keys().next().value!);
  }
  return live;
}

/**
 * Subscriptions that never miss: with `after`, first the events after it from the table, then the
 * live ones, in order, without gaps or repeats. Each event is checked against the viewer's right
 * to see it before it is sent.
 */
export class LiveService {
  constructor(private readonly bus: EventBus) {}

  /** A pupil's diary: only events about that pupil, for those who may read the pupil's diary. */
  async diary(
    { em, viewer }: Scope,
    pupilId: string,
    after: string | null,
  ): Promise<AsyncIterable<LiveEvent>> {
    const pupil = await requireDiaryPupil(em, viewer, pupilId);
    return this.stream(em, viewer!, after, (e) => !!e.pupilIds?.includes(pupil.id));
  }

  /** A journal page: events of one course, for those who may read the course. */
  async journal(
    { em, viewer }: Scope,
    courseId: string,
    after: string | null,
  ): Promise<AsyncIterable<LiveEvent>> {
    const course = await requireReadableCourse(em, viewer, courseId);
    return this.stream(em, viewer!, after, (e) => e.courseId === course.id);
  }

  /** Everything about the viewer's own children (or themselves) and the courses they teach. */
  async notifications(
    { em, viewer }: Scope,
    after: string | null,
  ): Promise<AsyncIterable<LiveEvent>> {
    if (!viewer) throw unauthenticated();
    const own = new Set([
      ...viewer.childIds,
      ...(viewer.roles.has(Role.STUDENT) ? [viewer.personId] : []),
    ]);
    return this.stream(
      em,
      viewer,
      after,
      (e) =>
        !!e.pupilIds?.some((p) => own.has(p)) ||
        (e.courseId != null && viewer.courseIds.includes(e.courseId)),
    );
  }

  private async stream(
    em: Scope['em'],
    viewer: Viewer,
    after: string | null,
    allowed: (e: BusEvent) => boolean,
  ): Promise<AsyncIterable<LiveEvent>> {
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
    const matches = (e: BusEvent) => e.schoolId === viewer.schoolId && allowed(e);
    const queue: BusEvent[] = [];
    let wake: (() => void) | undefined;
    // Listen before reading the replay, so nothing falls between the two; repeats are dropped below.
    const unsubscribe = bus.subscribe((e) => {
      if (!matches(e)) return;
      queue.push(e);
      wake?.();
    });
    const upTo = bus.highWater;
    const replayed =
      from === null
        ? []
        : (await bus.replay(viewer.schoolId, from.toString(), upTo)).filter(matches);
    let cursor = BigInt(upTo);
    let done = false;
    // A hand-made iterator rather than a generator: `return()` must end a waiting subscription at
    // once when the client leaves or the server stops.
    const iterator: AsyncIterableIterator<LiveEvent> = {
      async next() {
        for (;;) {
          if (done) return { done: true, value: undefined };
          const early = replayed.shift();
          if (early) return { done: false, value: toLive(early) };
          const e = queue.shift();
          if (e) {
            if (BigInt(e.id) <= cursor) continue;
            cursor = BigInt(e.id);
            return { done: false, value: toLive(e) };
          }
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
      },
      async return() {
        done = true;
        unsubscribe();
        wake?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  }
}
