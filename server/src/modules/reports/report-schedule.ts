import { badInput } from '../../errors.js';
import { ReportScheduleFrequency } from './report-view.entity.js';

/**
 * When a scheduled view is due (decision 64), on the school's wall clock: a date and an hour in
 * its time zone, as the Clock gives them (`Clock.wallClock`, which honours TODAY and NOW). Pure
 * functions: no time zone arithmetic beyond reading the wall clock, so a school's midnight is its
 * own.
 */

export interface Schedule {
  frequency: ReportScheduleFrequency;
  day: number | null;
  hour: number | null;
}

export interface WallClock {
  date: string;
  hour: number;
}

export const SCHEDULE_OFF: Schedule = {
  frequency: ReportScheduleFrequency.OFF,
  day: null,
  hour: null,
};

/** Checks a schedule as the owner typed it; refusals name `schedule.day` or `schedule.hour`. */
export function checkSchedule(input: Partial<Schedule> | null | undefined): Schedule {
  const frequency = input?.frequency ?? ReportScheduleFrequency.OFF;
  if (frequency === ReportScheduleFrequency.OFF) return SCHEDULE_OFF;
  const days = frequency === ReportScheduleFrequency.WEEKLY ? 7 : 31;
  const day = input?.day;
  const hour = input?.hour;
  if (day == null) throw badInput('schedule.day', 'REQUIRED', 'Choose the day');
  if (!Number.isInteger(day) || day < 1 || day > days) {
    throw badInput('schedule.day', 'OUT_OF_RANGE', `The day is 1 to ${days}`);
  }
  if (hour == null) throw badInput('schedule.hour', 'REQUIRED', 'Choose the hour');
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw badInput('schedule.hour', 'OUT_OF_RANGE', 'The hour is 0 to 23');
  }
  return { frequency, day, hour };
}

const sameSchedule = (a: Schedule, b: Schedule) =>
  a.frequency === b.frequency && a.day === b.day && a.hour === b.hour;

/** Whether a save changes the schedule (then it counts from the save, not from before). */
export const scheduleChanged = (before: Schedule, after: Schedule) => !sameSchedule(before, after);

/** The wall clock as stored in `schedule_from`: `YYYY-MM-DDTHH`, which sorts as it reads. */
export const wallKey = (w: WallClock) => `${w.date}T${String(w.hour).padStart(2, '0')}`;

const utc = (date: string) => new Date(`${date}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The date of the schedule's occurrence in the week (Monday to Sunday) or month holding `date`.
 * A monthly day past the month's end falls on its last day (31 is "the last day").
 */
export function occurrenceIn(s: Schedule, date: string): string {
  const d = utc(date);
  if (s.frequency === ReportScheduleFrequency.WEEKLY) {
    const weekday = ((d.getUTCDay() + 6) % 7) + 1;
    d.setUTCDate(d.getUTCDate() - weekday + s.day!);
    return iso(d);
  }
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), Math.min(s.day!, last))));
}

/**
 * The occurrence (its date) due at `now`: this week's or this month's, once its hour has come,
 * unless it came before the schedule was set (`from`) or was already sent to everyone (`done`).
 * A period missed altogether (the server down all week) is not caught up.
 */
export function dueOccurrence(
  s: Schedule,
  now: WallClock,
  from: string | null,
  done: string | null,
): string | null {
  if (s.frequency === ReportScheduleFrequency.OFF) return null;
  const date = occurrenceIn(s, now.date);
  const at = wallKey({ date, hour: s.hour! });
  if (at > wallKey(now)) return null;
  if (from != null && at < from) return null;
  if (done != null && done >= date) return null;
  return date;
}
