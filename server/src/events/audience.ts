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

/** The `notifications` feed: events about one's own pupils, or of a course one teaches. */
export function notificationsAllow(r: FeedRights, e: EventAudience): boolean {
  return (
    !!e.pupilIds?.some((p) => r.ownPupils.has(p)) ||
    (e.courseId != null && r.courses.has(e.courseId))
  );
}

/** The `personal` feed: events that name the person. */
export function personalAllows(r: Pick<FeedRights, 'personId'>, e: EventAudience): boolean {
  return !!e.personIds?.includes(r.personId);
}

/** Would one of the person's own live feeds deliver this event to them? */
export function liveFeedsAllow(r: FeedRights, e: EventAudience): boolean {
  return notificationsAllow(r, e) || personalAllows(r, e);
}
