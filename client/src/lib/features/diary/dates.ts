/** Calendar helpers for `LocalDate` strings ("YYYY-MM-DD"), free of time-zone shifts. */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const toUtc = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
const fromUtc = (date: Date): string => date.toISOString().slice(0, 10);

/** The local calendar date of `now` (the browser's day, as a person at the screen sees it). */
export function localIsoDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** `value` when it is a real date such as "2026-11-23", otherwise `undefined`. */
export function parseIsoDate(value: string | null | undefined): string | undefined {
  const match = value ? ISO_DATE.exec(value) : null;
  if (!match) return undefined;
  const date = toUtc(value!);
  return Number.isNaN(date.getTime()) || fromUtc(date) !== value ? undefined : value!;
}

export function addDays(iso: string, days: number): string {
  return fromUtc(new Date(toUtc(iso).getTime() + days * DAY_MS));
}

/** The Monday of the week that contains `iso`. */
export function weekStart(iso: string): string {
  const weekday = (toUtc(iso).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(iso, -weekday);
}

/** The last school day (Saturday) of the week that contains `iso`. */
export function weekEnd(iso: string): string {
  return addDays(weekStart(iso), 5);
}

interface DatedPeriod {
  id: string;
  startsOn: string;
  endsOn: string;
}

/** Periods in the order of the year (the first to begin first). */
export function periodsInOrder<T extends DatedPeriod>(periods: readonly T[]): T[] {
  return [...periods].sort((a, b) => a.startsOn.localeCompare(b.startsOn));
}

/**
 * The period to show on `date`: the one containing it; between periods (holidays) the last one
 * that has begun; before the first, the first.
 */
export function periodOn<T extends DatedPeriod>(
  periods: readonly T[],
  date: string,
): T | undefined {
  const sorted = periodsInOrder(periods);
  return (
    sorted.find((p) => p.startsOn <= date && date <= p.endsOn) ??
    sorted.filter((p) => p.startsOn <= date).at(-1) ??
    sorted[0]
  );
}

const capitalise = (text: string) => text.charAt(0).toLocaleUpperCase() + text.slice(1);

/** "Понедельник, 23 ноября" / "Monday, November 23". */
export function formatDayHeading(iso: string, locale: string): string {
  return capitalise(
    new Intl.DateTimeFormat(locale, {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    }).format(toUtc(iso)),
  );
}

/** "23–28 ноября 2026 г." / "Nov 23 – 28, 2026": the span of a week. */
export function formatWeekRange(from: string, to: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).formatRange(toUtc(from), toUtc(to));
}

/** "23 нояб." / "Nov 23": a mark's date in a tooltip. */
export function formatShortDate(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(toUtc(iso));
}
