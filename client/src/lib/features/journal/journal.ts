import type { DescribedError, ErrorReason, UiMessage } from '../../graphql/errors';

/** The key of a journal cell in maps: `pupilId:lessonId`. */
export const cellKey = (pupilId: string, lessonId: string): string => `${pupilId}:${lessonId}`;

interface Named {
  lastName: string;
  firstName: string;
  middleName?: string | null;
}

const initial = (name: string | null | undefined) => {
  const letter = name?.trim().charAt(0);
  return letter ? `${letter.toUpperCase()}.` : '';
};

/** «Фамилия И. О.», as journals list pupils. */
export function shortName({ lastName, firstName, middleName }: Named): string {
  return [lastName, initial(firstName), initial(middleName)].filter(Boolean).join(' ');
}

export function fullName({ lastName, firstName, middleName }: Named): string {
  return [lastName, firstName, middleName].filter(Boolean).join(' ');
}

/** True when one of the spans overlaps the dates from `from` to `to`. */
export function isEnrolledDuring(
  spans: readonly { from: string; to?: string | null }[],
  from: string,
  to: string,
): boolean {
  return spans.some((span) => span.from <= to && (span.to == null || from <= span.to));
}

/** True when `date` falls into one of the spans (`to` null: still enrolled). */
export function isEnrolledOn(
  spans: readonly { from: string; to?: string | null }[],
  date: string,
): boolean {
  return spans.some((span) => span.from <= date && (span.to == null || date <= span.to));
}

/** «09.11» for "2026-11-09". */
export function dayMonth(date: string): string {
  const [, month, day] = date.split('-');
  return month && day ? `${day}.${month}` : date;
}

/** `/journal/62?period=2`; without a period the page opens on the current one. */
export function journalPath(courseId: string, periodId?: string): `/journal/${string}` {
  const path = `/journal/${encodeURIComponent(courseId)}` as const;
  return periodId ? `${path}?period=${encodeURIComponent(periodId)}` : path;
}

/** `date`, moved inside the dates from `from` to `to`. */
export function clampDate(date: string, from: string, to: string): string {
  return date < from ? from : date > to ? to : date;
}

/** The first lesson number (from 1) the course has free on `date`. */
export function freeLessonNumber(
  lessons: readonly { date: string; number: number }[],
  date: string,
): number {
  const taken = new Set(lessons.filter((l) => l.date === date).map((l) => l.number));
  let number = 1;
  while (taken.has(number)) number++;
  return number;
}

/** The journal's words for what the server says against adding or moving a lesson. */
export const LESSON_REASONS: Readonly<Partial<Record<ErrorReason, string>>> = {
  HAS_DEPENDENTS: 'journal.lesson.reason.hasDependents',
  PERIOD_OUTSIDE_YEAR: 'journal.lesson.reason.outsidePeriods',
};

/**
 * Puts the journal's own words in place of the general text of some reasons: `overrides` maps a
 * reason (HAS_DEPENDENTS) to a dictionary key.
 */
export function inContext(
  described: DescribedError,
  overrides: Readonly<Partial<Record<ErrorReason, string>>>,
): DescribedError {
  const swap = (message: UiMessage): UiMessage => {
    if (!('key' in message) || !message.key.startsWith('errors.reason.')) return message;
    const own = overrides[message.key.slice('errors.reason.'.length) as ErrorReason];
    return own ? { key: own } : message;
  };
  return {
    code: described.code,
    ...(described.general ? { general: swap(described.general) } : {}),
    fields: Object.fromEntries(
      Object.entries(described.fields).map(([field, message]) => [field, swap(message)]),
    ),
  };
}

/** Attendance kinds that say the pupil was not at the lesson; LATE ones came. */
const NOT_THERE: ReadonlySet<string> = new Set(['ABSENT', 'SICK', 'EXCUSED']);

/**
 * The absence code of a cell that also holds a mark (a mark put on a pupil marked «Б» or «Н»), so
 * the grid can warn; undefined for any other cell. A warning only: a pupil may be marked for work
 * handed in, and the teacher may have chosen the wrong cell or the wrong code.
 */
export function absenceWithMark<Code extends { kind: string }>(
  cell: { marks: readonly unknown[]; codeId: string | null } | undefined,
  codes: ReadonlyMap<string, Code>,
): Code | undefined {
  if (!cell?.codeId || cell.marks.length === 0) return undefined;
  const code = codes.get(cell.codeId);
  return code && NOT_THERE.has(code.kind) ? code : undefined;
}
