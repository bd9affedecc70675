/**
 * How long to wait before the next attempt to reach the server: 1 s, 2 s, 4 s, 8 s, 16 s and
 * then 30 s at most, each shortened by up to a quarter at random so that the pages of a whole
 * school do not all knock at the same moment after a restart.
 */

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/** The wait before attempt `attempt` (0 for the first retry); `random` in [0, 1). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const full = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(full * (0.75 + 0.25 * random()));
}
