import type { LiveChange } from '../../live/events';
import type { DiaryWeekQuery } from '../../graphql/generated/graphql';
import { addDays } from './dates';

/**
 * A live event applied to the diary's week as shown: what the event carries whole (a mark's new
 * value, a removed mark, a cleared absence, a lesson's topic and homework) changes in place; what
 * needs names the event does not carry (a new mark's work type, an absence's code) asks for the
 * week again. Events about another pupil or another week change nothing.
 */

export type DiaryWeekData = DiaryWeekQuery['diaryWeek'];
type Day = DiaryWeekData['days'][number];
type Lesson = Day['lessons'][number];

export interface WeekUpdate {
  /** The week with the change; the same object when nothing changed in place. */
  week: DiaryWeekData;
  /** The week should be read again (soon) for what could not be applied in place. */
  refetch: boolean;
  /** What to highlight for a moment: `markKey(id)` or `lessonKey(id)`. */
  fresh: string[];
}

export const markKey = (id: string): string => `mark:${id}`;
export const lessonKey = (id: string): string => `lesson:${id}`;

function contains(week: DiaryWeekData, date: string | null | undefined): boolean {
  return !!date && week.weekStart <= date && date <= addDays(week.weekStart, 6);
}

function find(week: DiaryWeekData, lessonId: string): Lesson | undefined {
  for (const day of week.days) {
    const lesson = day.lessons.find((l) => l.lessonId === lessonId);
    if (lesson) return lesson;
  }
  return undefined;
}

/** The week with one lesson changed by `edit`. */
function withLesson(
  week: DiaryWeekData,
  lessonId: string,
  edit: (lesson: Lesson) => Lesson,
): DiaryWeekData {
  return {
    ...week,
    days: week.days.map((day) =>
      day.lessons.some((l) => l.lessonId === lessonId)
        ? { ...day, lessons: day.lessons.map((l) => (l.lessonId === lessonId ? edit(l) : l)) }
        : day,
    ),
  };
}

const unchanged = (week: DiaryWeekData): WeekUpdate => ({ week, refetch: false, fresh: [] });

export function applyToWeek(week: DiaryWeekData, pupilId: string, change: LiveChange): WeekUpdate {
  switch (change.type) {
    case 'MARK_SAVED': {
      const { mark } = change;
      if (mark.pupilId !== pupilId) return unchanged(week);
      const lesson = find(week, mark.lessonId);
      const fresh = [markKey(mark.id)];
      if (!lesson) {
        return contains(week, mark.date) ? { week, refetch: true, fresh } : unchanged(week);
      }
      if (!lesson.marks.some((m) => m.id === mark.id)) {
        // A new mark: its work type and weight come with the week read again.
        return { week, refetch: true, fresh };
      }
      const next = withLesson(week, mark.lessonId, (l) => ({
        ...l,
        marks: l.marks.map((m) =>
          m.id === mark.id ? { ...m, value: mark.value, comment: mark.comment } : m,
        ),
      }));
      // The work type may have changed too: only its id comes with the event.
      return { week: next, refetch: true, fresh };
    }
    case 'MARK_REMOVED': {
      if (change.pupilId !== pupilId) return unchanged(week);
      const lesson = find(week, change.lessonId);
      if (!lesson?.marks.some((m) => m.id === change.markId)) return unchanged(week);
      const next = withLesson(week, change.lessonId, (l) => ({
        ...l,
        marks: l.marks.filter((m) => m.id !== change.markId),
      }));
      return { week: next, refetch: false, fresh: [] };
    }
    case 'ATTENDANCE_SAVED': {
      const { attendance } = change;
      if (attendance.pupilId !== pupilId) return unchanged(week);
      const lesson = find(week, attendance.lessonId);
      if (!lesson) return { week, refetch: contains(week, attendance.date), fresh: [] };
      if (attendance.codeId === null) {
        if (!lesson.absence) return unchanged(week);
        const next = withLesson(week, attendance.lessonId, (l) => ({ ...l, absence: null }));
        return { week: next, refetch: false, fresh: [] };
      }
      // The code's letter and name come with the week read again.
      return { week, refetch: true, fresh: [lessonKey(attendance.lessonId)] };
    }
    case 'LESSON_UPDATED': {
      const { lesson: updated } = change;
      const lesson = find(week, updated.id);
      if (!lesson) return { week, refetch: contains(week, updated.date), fresh: [] };
      const day = week.days.find((d) => d.lessons.includes(lesson));
      if (day?.date !== updated.date || lesson.number !== updated.number) {
        // Moved to another day or place in the day: the week as the server orders it.
        return { week, refetch: true, fresh: [lessonKey(updated.id)] };
      }
      if (
        lesson.topic === updated.topic &&
        lesson.homework === updated.homework &&
        lesson.cancelled === updated.cancelled
      ) {
        return unchanged(week);
      }
      const next = withLesson(week, updated.id, (l) => ({
        ...l,
        topic: updated.topic,
        homework: updated.homework,
        cancelled: updated.cancelled,
      }));
      return { week: next, refetch: false, fresh: [lessonKey(updated.id)] };
    }
    case 'PERIOD_MARK_SAVED':
      return unchanged(week);
  }
}

/** True when the event may change the diary's period or year view of the pupil. */
export function concernsSummary(pupilId: string, change: LiveChange): boolean {
  switch (change.type) {
    case 'MARK_SAVED':
      return change.mark.pupilId === pupilId;
    case 'MARK_REMOVED':
      return change.pupilId === pupilId;
    case 'ATTENDANCE_SAVED':
      return change.attendance.pupilId === pupilId;
    case 'PERIOD_MARK_SAVED':
      return change.periodMark.pupilId === pupilId;
    case 'LESSON_UPDATED':
      return false;
  }
}
