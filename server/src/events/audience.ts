import type { BusEvent } from './event-bus.js';

/** The columns of an event that say whom it is about. */
export type EventAudience = Pick<BusEvent, 'pupilIds' | 'personIds' | 'courseId'>;

/**
 * What a person's own live feeds take in: their own pupils (children, or themselves as a pupil),
 * the courses they teach, and their own id. The live feeds (`live.service.ts`) and the pushes
 * (`modules/push`) ask the same questions here, so a push never reaches anyone the live event
 * would not have.
 */
export interface FeedRights {
  personId: number;
  ownPupils: ReadonlySet<number>;
  courses: ReadonlySet<number>;
}

/**
 * An event's pupils as a Set, made once per event and shared by every feed it is checked for: a
 * school-wide event (a cancelled day) names ~1,000 pupils and reaches ~3,000 sockets, and a scan
 * of its list per socket was ~1.5 million lookups; one or two lookups of one's own pupils are not.
 */
const pupilSets = new WeakMap<EventAudience, ReadonlySet<number>>();
const SCAN_UP_TO = 32;
function namesOneOf(e: EventAudience, own: ReadonlySet<number>): boolean {
  const ids = e.pupilIds;
  if (!ids || own.size === 0) return false;
  if (ids.length <= SCAN_UP_TO) return ids.some((p) => own.has(p));
  const set = pupilSetOf(e, ids);
  for (const p of own) if (set.has(p)) return true;
  return false;
}

function pupilSetOf(e: EventAudience, ids: number[]): ReadonlySet<number> {
  let set = pupilSets.get(e);
  if (!set) pupilSets.set(e, (set = new Set(ids)));
  return set;
}

/** Does the event name this pupil? The diary feed's question, with the same shared Set. */
export function namesPupil(e: EventAudience, pupilId: number): boolean {
  const ids = e.pupilIds;
  if (!ids) return false;
  return ids.length <= SCAN_UP_TO ? ids.includes(pupilId) : pupilSetOf(e, ids).has(pupilId);
}

/** The `notifications` feed: events about one's own pupils, or of a course one teaches. */
export function notificationsAllow(r: FeedRights, e: EventAudience): boolean {
  return namesOneOf(e, r.ownPupils) || (e.courseId != null && r.courses.has(e.courseId));
}

/** The `personal` feed: events that name the person. */
export function personalAllows(r: Pick<FeedRights, 'personId'>, e: EventAudience): boolean {
  return !!e.personIds?.includes(r.personId);
}

/** Would one of the person's own live feeds deliver this event to them? */
export function liveFeedsAllow(r: FeedRights, e: EventAudience): boolean {
  return notificationsAllow(r, e) || personalAllows(r, e);
}
