/** A week's timetable as a grid of school days × lesson numbers. */

/** School days shown even when empty: Monday to Saturday (1 = Monday … 7 = Sunday). */
export const SCHOOL_DAYS = [1, 2, 3, 4, 5, 6] as const;
/** Lesson numbers shown even when empty. */
export const LESSON_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

export interface Slot {
  id: string;
  weekday: number;
  lessonNumber: number;
  validFrom: string;
  validTo: string;
}

/** One slot in a cell, with the course it belongs to. */
export interface GridEntry<C> {
  slot: Slot;
  course: C;
}

export interface WeekGrid<C> {
  /** Columns: Monday to Saturday, and Sunday when a slot falls on it. */
  days: number[];
  /** Rows: 1 to 8, and any other number a slot uses (0 for a lesson before the first). */
  lessons: number[];
  /** Entries by `cellKey`, in date order; a cell holds several when their dates follow each other. */
  cells: Map<string, GridEntry<C>[]>;
}

export const cellKey = (weekday: number, lessonNumber: number): string =>
  `${weekday}:${lessonNumber}`;

/** Puts every course's slots into the grid of the week. */
export function buildWeekGrid<C>(
  timetables: readonly { course: C; slots: readonly Slot[] }[],
): WeekGrid<C> {
  const days = new Set<number>(SCHOOL_DAYS);
  const lessons = new Set<number>(LESSON_NUMBERS);
  const cells = new Map<string, GridEntry<C>[]>();
  for (const { course, slots } of timetables) {
    for (const slot of slots) {
      days.add(slot.weekday);
      lessons.add(slot.lessonNumber);
      const key = cellKey(slot.weekday, slot.lessonNumber);
      const entries = cells.get(key) ?? [];
      entries.push({ slot, course });
      cells.set(key, entries);
    }
  }
  for (const entries of cells.values()) {
    entries.sort(
      (a, b) =>
        a.slot.validFrom.localeCompare(b.slot.validFrom) ||
        a.slot.validTo.localeCompare(b.slot.validTo),
    );
  }
  const ascending = (a: number, b: number) => a - b;
  return { days: [...days].sort(ascending), lessons: [...lessons].sort(ascending), cells };
}

/** True when the slot runs from the first to the last day of the year. */
export function coversYear(
  slot: Pick<Slot, 'validFrom' | 'validTo'>,
  year: { startsOn: string; endsOn: string },
): boolean {
  return slot.validFrom <= year.startsOn && slot.validTo >= year.endsOn;
}

/** How many of a course's weekly hours the timetable places (slots in force on `date`). */
export function placedHours(slots: readonly Slot[], date: string): number {
  return slots.filter((slot) => slot.validFrom <= date && date <= slot.validTo).length;
}
