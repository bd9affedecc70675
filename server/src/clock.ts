import { localTime, todayIn } from './time.js';

/** What tests and demos may pin (never in production): the date, or the instant itself. */
export interface ClockPin {
  /** Every school's "today", whatever its time zone (TODAY). */
  today?: string;
  /** The instant (NOW): "today" is then its date in each school's time zone. */
  now?: Date;
}

/**
 * The one source of "now" and "today": every school date (what is in the future, when a pupil is
 * enrolled, the date printed on a document) is taken here, in the school's own time zone.
 */
export class Clock {
  constructor(private readonly pin: ClockPin = {}) {}

  now(): Date {
    return this.pin.now ? new Date(this.pin.now) : new Date();
  }

  today(timeZone: string): string {
    return this.pin.today ?? todayIn(timeZone, this.now());
  }

  /** A school's wall clock at `at` (now by default): its date (TODAY when pinned) and hour. */
  wallClock(timeZone: string, at = this.now()): { date: string; hour: number } {
    const t = localTime(timeZone, at);
    return { date: this.pin.today ?? `${t.year}-${t.month}-${t.day}`, hour: Number(t.hour) };
  }
}
