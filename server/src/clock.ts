import { todayIn } from './time.js';

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
}
