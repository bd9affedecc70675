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

/** Today's date ("YYYY-MM-DD") in the school's time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    // An unknown zone: the device's own date is the next best guess.
    return new Intl.DateTimeFormat('en-CA').format(now);
  }
}

interface Period {
  id: string;
  startsOn: string;
  endsOn: string;
}

/** Periods in the order of the year. */
export function periodsInOrder<T extends Period>(periods: readonly T[]): T[] {
  return [...periods].sort((a, b) => a.startsOn.localeCompare(b.startsOn));
}

/**
 * The period a journal opens on: the one containing today; between periods, the latest that has
 * begun (the one just finished); before the year, the first.
 */
export function defaultPeriod<T extends Period>(
  periods: readonly T[],
  today: string,
): T | undefined {
  const ordered = periodsInOrder(periods);
  return (
    ordered.find((p) => p.startsOn <= today && today <= p.endsOn) ??
    ordered.filter((p) => p.startsOn <= today).at(-1) ??
    ordered[0]
  );
}

/** `/journal/62?period=2`; without a period the page opens on the current one. */
export function journalPath(courseId: string, periodId?: string): `/journal/${string}` {
  const path = `/journal/${encodeURIComponent(courseId)}` as const;
  return periodId ? `${path}?period=${encodeURIComponent(periodId)}` : path;
}
