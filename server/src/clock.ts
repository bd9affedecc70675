import { todayIn } from './graphql/validate.js';

/** Today's date in a school's time zone; tests and demos may pin it (TODAY, never in production). */
export class Clock {
  constructor(private readonly fixed?: string) {}

  today(timeZone: string): string {
    return this.fixed ?? todayIn(timeZone);
  }
}
