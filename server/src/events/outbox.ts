import type { EntityManager } from '@mikro-orm/postgresql';

export const EVENTS_CHANNEL = 'otmetka_events';

export interface NewEvent {
  type: string;
  /** The pupils whose diary the event concerns: only their own family and they receive it. */
  pupilIds?: number[];
  courseId?: number;
  classGroupId?: number;
  payload: Record<string, unknown>;
}

/**
 * The outbox lock (a transaction-level advisory lock, released after commit or rollback). Taken
 * before an event's id is drawn, it makes id order the commit order: a transaction that drew
 * id 11 has committed before another can draw id 12, so a reader that has seen 12 has seen 11.
 */
export const OUTBOX_LOCK = 0x6f746d6b; // 'otmk'

const intArray = (ids: number[] | undefined) =>
  ids ? `{${ids.map((i) => Math.trunc(i)).join(',')}}` : null;

/**
 * Writes events in the caller's transaction and wakes the listeners. NOTIFY is transactional:
 * it fires only on commit, so a rolled-back write is never announced (DESIGN.md, "Live events").
 *
 * Call it last in the transaction: from here to the commit the outbox lock is held, and every
 * other writer of events waits for it (decision 0020). It is the only writer of `domain_event`.
 */
export async function publish(
  em: EntityManager,
  schoolId: number,
  events: NewEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await em.execute(`select pg_advisory_xact_lock(?)`, [OUTBOX_LOCK]);
  const values = events.map(() => '(?, ?, ?::int[], ?, ?, ?::jsonb)').join(', ');
  // One statement, one round trip: a data-modifying WITH runs whether or not it is read.
  await em.execute(
    `with e as (insert into domain_event (school_id, type, pupil_ids, course_id, class_group_id, payload) values ${values})
     select pg_notify(?, '')`,
    [
      ...events.flatMap((e) => [
        schoolId,
        e.type,
        intArray(e.pupilIds),
        e.courseId ?? null,
        e.classGroupId ?? null,
        JSON.stringify(e.payload),
      ]),
      EVENTS_CHANNEL,
    ],
  );
}
