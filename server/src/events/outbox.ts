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

const intArray = (ids: number[] | undefined) =>
  ids ? `{${ids.map((i) => Math.trunc(i)).join(',')}}` : null;

/**
 * Writes events in the caller's transaction and wakes the listeners. NOTIFY is transactional:
 * it fires only on commit, so a rolled-back write is never announced (DESIGN.md, "Live events").
 */
export async function publish(
  em: EntityManager,
  schoolId: number,
  events: NewEvent[],
): Promise<void> {
  if (events.length === 0) return;
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
