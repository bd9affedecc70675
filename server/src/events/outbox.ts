import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../db/prepared.js';
import type { LiveEventName } from './live-event-type.js';

export const EVENTS_CHANNEL = 'otmetka_events';

export interface NewEvent {
  /** One of `LiveEventType`: tsc refuses a name the enum does not list. */
  type: LiveEventName;
  /** The pupils whose diary the event concerns: only their own family and they receive it. */
  pupilIds?: number[];
  /**
   * Instead of `pupilIds`: the pupils of this lesson (enrolled in its class on its date, members
   * of its subgroup), found by the database in the same round trip.
   */
  pupilsOfLesson?: number;
  /** The people the event is for by name, whatever their role (a conversation's members). */
  personIds?: number[];
  courseId?: number;
  classGroupId?: number;
  payload: Record<string, unknown>;
}

/**
 * Writes events in the caller's transaction and wakes the listeners. NOTIFY is transactional:
 * it fires only on commit, so a rolled-back write is never announced (DESIGN.md, "Live events").
 *
 * The transaction's pending changes are flushed first, then one statement (the `outbox_publish`
 * function) takes the outbox lock, inserts the events and notifies. The lock (a transaction-level
 * advisory lock, released after commit or rollback) is taken before the events' ids are drawn, so
 * id order is commit order: a reader that has seen id 12 has seen 11 (decision 20). From there to the commit every other
 * writer of events waits, so call it last in the transaction. It is the only writer of
 * `domain_event`.
 */
export async function publish(
  em: EntityManager,
  schoolId: number,
  events: NewEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await em.flush();
  await prepared(em, `select outbox_publish(?, ?::jsonb)`, [schoolId, outboxArgument(events)]);
}

/**
 * The events as `outbox_publish(school, events)` takes them, for a statement that publishes
 * along with its own write (which must be the last of its transaction, as `publish` is).
 */
export function outboxArgument(events: NewEvent[]): string {
  return JSON.stringify(
    events.map((e) => ({
      type: e.type,
      pupilIds: e.pupilIds?.map((i) => Math.trunc(i)),
      pupilsOfLesson: e.pupilsOfLesson,
      personIds: e.personIds?.map((i) => Math.trunc(i)),
      courseId: e.courseId,
      classGroupId: e.classGroupId,
      payload: e.payload,
    })),
  );
}
