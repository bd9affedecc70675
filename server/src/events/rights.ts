import type { EntityManager } from '@mikro-orm/postgresql';
import { publish } from './outbox.js';

/** The outbox event of a change in who may see what (decision 27). */
export const RIGHTS_CHANGED = 'RIGHTS_CHANGED';

/**
 * Whom a change of rights concerns: the people whose own rights changed (a guardian unlinked, a
 * teacher given or relieved of a course or a class, roles changed), the pupils whose diary is
 * judged anew (moved, deleted), the courses whose journal is (given to another teacher). Ids
 * only: the event says nothing about what changed.
 */
export interface RightsChange {
  personIds?: number[];
  pupilIds?: number[];
  courseIds?: number[];
}

/**
 * Announces a change of rights, in the transaction that makes it, so every process re-checks
 * the live subscriptions it concerns once the change is committed. Like `publish`, the last
 * statement of the transaction. The event names no pupil or course in its columns: no
 * subscription delivers it, only the re-check listens.
 */
export function publishRightsChanged(
  em: EntityManager,
  schoolId: number,
  change: RightsChange,
): Promise<void> {
  return publish(em, schoolId, [{ type: RIGHTS_CHANGED, payload: { ...change } }]);
}

/** The change an event carries, read defensively: a missing list names nobody. */
export function readRightsChange(payload: Record<string, unknown>): Required<RightsChange> {
  const ids = (v: unknown) => (Array.isArray(v) ? v.map(Number) : []);
  return {
    personIds: ids(payload.personIds),
    pupilIds: ids(payload.pupilIds),
    courseIds: ids(payload.courseIds),
  };
}

/** What a live subscription is about, for deciding whether a change of rights concerns it. */
export interface Watched {
  schoolId: number;
  personId: number;
  pupilId?: number;
  courseId?: number;
}

export function concerns(change: Required<RightsChange>, w: Watched): boolean {
  return (
    change.personIds.includes(w.personId) ||
    (w.pupilId !== undefined && change.pupilIds.includes(w.pupilId)) ||
    (w.courseId !== undefined && change.courseIds.includes(w.courseId))
  );
}
