/**
 * Dates and times as a school sees them: the calendar date and the wall-clock time in its time
 * zone. What "now" is comes from the Clock (clock.ts); these only convert.
 */

/** The zone of a school made without one (the school entity's default). */
export const DEFAULT_TIME_ZONE = 'Europe/Moscow';

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** One formatter per time zone: making one costs far more than using it (~0.1 ms each). */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    // Time zones come from school settings (validated): a handful per server.
    formats.set(timeZone, format);
  }
  return format;
}

export interface LocalTime {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

/** An instant's date and time of day (zero-padded) on a wall clock in `timeZone`. */
export function localTime(timeZone: string, at: Date): LocalTime {
  const p: Record<string, string> = {};
  for (const { type, value } of formatIn(timeZone).formatToParts(at)) p[type] = value;
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute };
}

/** The date (YYYY-MM-DD) in a time zone at an instant (by default, this one). */
export function todayIn(timeZone: string, now = new Date()): string {
  const p = localTime(timeZone, now);
  return `${p.year}-${p.month}-${p.day}`;
}
