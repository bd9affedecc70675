import type { LiveEvent } from '../../live/events';

/**
 * What the bell in the header lists for a parent or a pupil: one line per event of the
 * `notifications` stream, newest first («Новая отметка 5 — Алгебра»).
 */

export type NoticeKind =
  | 'markNew'
  | 'markChanged'
  | 'markRemoved'
  | 'attendance'
  | 'attendanceCleared'
  | 'lesson'
  | 'periodMark'
  | 'periodMarkRemoved';

export interface Notice {
  /** The event's id. */
  id: string;
  kind: NoticeKind;
  /** The mark, when there is one. */
  value?: string;
  pupilId?: string;
  courseId: string | null;
  lessonId?: string;
  /** The lesson's date, for a link to the diary's week. */
  date?: string;
  /** When it happened (ISO). */
  at: string;
}

/** How many lines the bell keeps. */
export const NOTICE_LIMIT = 6;

/** The line for an event, or undefined for one the bell does not list. */
export function noticeOf(event: LiveEvent): Notice | undefined {
  const base = { id: event.id, at: event.at, courseId: event.courseId };
  const { change } = event;
  switch (change.type) {
    case 'MARK_SAVED': {
      const { mark } = change;
      return {
        ...base,
        kind: mark.version > 1 ? 'markChanged' : 'markNew',
        value: mark.value,
        pupilId: mark.pupilId,
        lessonId: mark.lessonId,
        ...(mark.date ? { date: mark.date } : {}),
      };
    }
    case 'MARK_REMOVED':
      return { ...base, kind: 'markRemoved', pupilId: change.pupilId, lessonId: change.lessonId };
    case 'ATTENDANCE_SAVED': {
      const { attendance } = change;
      return {
        ...base,
        kind: attendance.codeId === null ? 'attendanceCleared' : 'attendance',
        pupilId: attendance.pupilId,
        lessonId: attendance.lessonId,
        ...(attendance.date ? { date: attendance.date } : {}),
      };
    }
    case 'LESSON_UPDATED':
      return { ...base, kind: 'lesson', lessonId: change.lesson.id, date: change.lesson.date };
    case 'PERIOD_MARK_SAVED': {
      const { periodMark } = change;
      return {
        ...base,
        courseId: base.courseId ?? periodMark.courseId,
        kind: periodMark.value === null ? 'periodMarkRemoved' : 'periodMark',
        ...(periodMark.value === null ? {} : { value: periodMark.value }),
        pupilId: periodMark.pupilId,
      };
    }
  }
}

/** The list with `notice` on top, without a line for the same event twice, at most `limit`. */
export function withNotice(
  list: readonly Notice[],
  notice: Notice,
  limit = NOTICE_LIMIT,
): Notice[] {
  return [notice, ...list.filter((n) => n.id !== notice.id)].slice(0, limit);
}

/** The dictionary key of a notice's text (its one value: `value`, the mark). */
export function noticeKey(notice: Notice): string {
  return `live.notice.${notice.kind}`;
}
