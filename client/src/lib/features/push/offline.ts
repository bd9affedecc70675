/**
 * What the service worker keeps for reading offline (decision 53), shared by the worker and the
 * page: the reads of the signed-in viewer and the diary's week, by operation name and variables.
 */
export const OFFLINE_OPERATIONS: readonly string[] = ['Me', 'DiaryContext', 'DiaryWeek'];

/** The header of a kept answer saying when it was read from the server. */
export const SAVED_AT_HEADER = 'x-otmetka-saved-at';

/** The cache key of a kept answer. */
export function dataKey(operation: string, variables: unknown): string {
  return `/__offline__/${operation}?v=${encodeURIComponent(JSON.stringify(variables ?? {}))}`;
}

/** Messages between the page and the worker. */
export type WorkerMessage =
  | { type: 'apply-update' }
  | { type: 'forget-data' }
  | { type: 'offline-data'; savedAt: string | null };
