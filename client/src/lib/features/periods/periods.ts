/** Study periods as the administration closes and reopens them. */

import { formatInstant } from '../../format';

export interface LockablePeriod {
  startsOn: string;
  endsOn: string;
  lockedAt?: string | null;
}

/** Closed; open and running on `today`; open and over; open and still ahead. */
export type PeriodState = 'locked' | 'current' | 'past' | 'future';

export function periodState(period: LockablePeriod, today: string): PeriodState {
  if (period.lockedAt) return 'locked';
  if (today < period.startsOn) return 'future';
  return today > period.endsOn ? 'past' : 'current';
}

/** "27 окт. 2026 г., 15:00": when a period was closed, in the viewer's time zone. */
export function formatMoment(iso: string, locale: string, timeZone?: string): string {
  return formatInstant(iso, locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
}
